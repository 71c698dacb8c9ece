"""doudi evaluate HOUSEHOLD.json --month 2022-03"""

from __future__ import annotations

import json
from pathlib import Path

from django.utils.translation import gettext_lazy as _

from doudi.commands import DoudiCommand
from doudi.errors import DoudiError
from doudi.policy.evaluation import evaluate_form


class Command(DoudiCommand):
    help = "Evaluate a household JSON form for a month: every programme, amount and reason."

    def add_arguments(self, parser) -> None:
        parser.add_argument("file", type=Path, help="the household form (docs/household-form.md)")
        parser.add_argument("--month", required=True, help="YYYY-MM")

    def run(self, *, file: Path, month: str, **options) -> None:
        try:
            form = json.loads(self.read_file(file).decode("utf-8"))
        except (UnicodeDecodeError, json.JSONDecodeError) as error:
            raise DoudiError(
                _("%(file)s is not a JSON document: %(reason)s"),
                field="file",
                file=file.name,
                reason=str(error),
            ) from None
        result = evaluate_form(form, month)
        self.stdout.write(json.dumps(result, ensure_ascii=False, indent=2))
