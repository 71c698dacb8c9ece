"""Bring the Chinese catalogue up to date with the code.

    .venv/bin/python scripts/catalogue.py [TRANSLATIONS.json ...]

Extracts every message of the code (makemessages), fills in the translations given as JSON
objects ({"English msgid": "中文"}), compiles the catalogue, and lists each message that is
still untranslated or fuzzy (exit status 1 if there is any).
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import polib

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "src" / "doudi"
CATALOGUE = PACKAGE / "locale" / "zh_Hans" / "LC_MESSAGES" / "django.po"
# -P: run from inside the package, its own directory must not shadow the standard library
# (doudi/statistics beside the stdlib statistics).
DOUDI = [sys.executable, "-P", "-m", "doudi"]


def _run(*arguments: str) -> None:
    subprocess.run([*DOUDI, *arguments], cwd=PACKAGE, check=True, env={**os.environ})


def main(paths: list[str]) -> int:
    _run("makemessages", "-l", "zh_Hans", "--no-location", "--no-obsolete", "-v0")
    given: dict[str, str] = {}
    for path in paths:
        given.update(json.loads(Path(path).read_text(encoding="utf-8")))
    po = polib.pofile(str(CATALOGUE))
    for entry in po:
        if entry.msgid in given:
            entry.msgstr = given[entry.msgid]
            if "fuzzy" in entry.flags:
                entry.flags.remove("fuzzy")
            entry.previous_msgid = None
    po.save(str(CATALOGUE))
    _run("compilemessages", "-v0")
    missing = po.untranslated_entries() + po.fuzzy_entries()
    for entry in missing:
        print(json.dumps(entry.msgid, ensure_ascii=False))
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
