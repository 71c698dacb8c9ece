"""Schemathesis over every operation of the OpenAPI document, in-process, with a county token.

Each operation gets a bounded number of generated requests, valid ones and ones that break the
document's rules (wrong types, missing fields, out-of-range values). Every answer must be below
500 and match what the document says: its status code, content type and body schema. So the
document stays true to the API, and no input makes the API fail.

Everything runs inside the test's own database transaction (mutating operations included), on
a small demo-like registry: the demo places, accounts and cases, and 40 synthetic households.
"""

from __future__ import annotations

import contextlib
import datetime
import io
from collections.abc import Callable

import pytest
import schemathesis
from django.core.handlers.wsgi import WSGIHandler
from django.core.management import call_command
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import Failure, FailureGroup
from schemathesis.generation.modes import GenerationMode
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from doudi.accounts.models import User
from doudi.accounts.services import issue_token
from doudi.cases.models import Case
from doudi.demo.bulk_load import load_population
from doudi.demo.cases import load_demo_cases
from doudi.demo.loader import load_demo
from doudi.demo.population import generate
from doudi.registry.models import Household, Income, Member

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]
EXAMPLES = 5  # per operation and mode: about a minute for the whole document on this machine


@pytest.fixture
def demo_like(settings):
    settings.DEBUG_PROPAGATE_EXCEPTIONS = False  # a failure must answer 500, as in production
    load_demo()
    load_population(generate(40, 410800, as_of=datetime.date(2026, 3, 1)))
    load_demo_cases()


@pytest.fixture
def in_process_wsgi():
    """Django's WSGI handler, serving inside the test transaction: like Django's test client,
    it must not close the connection at the end of each request."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield WSGIHandler()
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


def _document(app: WSGIHandler, token: str) -> schemathesis.schemas.BaseSchema:
    return schemathesis.openapi.from_wsgi(
        "/api/v1/openapi.json", app, headers={"Authorization": f"Token {token}"}
    )


def test_every_operation_answers_below_500_and_as_documented(demo_like, in_process_wsgi):
    county = User.objects.get(username="county")
    token, _expiry = issue_token(county)
    schema = _document(in_process_wsgi, token)
    problems: list[str] = []
    operations = 0
    for result in schema.get_all_operations():
        operation = result.ok()
        operations += 1
        if operation.path == "/api/v1/auth/logout/":
            # Logging out ends the token it is sent with: each call ends a token of its own.
            def headers() -> dict[str, str]:
                return {"Authorization": f"Token {issue_token(county)[0]}"}
        else:

            def headers() -> dict[str, str]:
                return {"Authorization": f"Token {token}"}

        for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
            problems += _fuzz(operation, mode, headers)
            # Again on objects that exist, so that bodies reach the services, not only a 404.
            if known := _existing(operation.path, operation.path_parameters):
                problems += _fuzz(operation, mode, headers, known)
    assert operations > 40
    assert not problems, "\n\n".join(problems)


def _existing(path: str, parameters) -> dict[str, object]:
    """Path parameters naming objects in the county's jurisdiction."""
    names = {parameter.name for parameter in parameters}
    if not names:
        return {}
    household = Household.objects.filter(region__code__startswith="410821").order_by("pk").first()
    member = Member.objects.filter(household=household).order_by("pk").first()
    known: dict[str, object] = {
        "code": "410821902000",
        "username": "handler",
        "seq": 1,
        "kind": "income",
        "fact_id": getattr(Income.objects.filter(household=household).first(), "pk", 1),
        "attachment_id": 1,
    }
    if "id" in names:
        if path.startswith("/api/v1/cases/"):
            known["id"] = Case.objects.order_by("pk").values_list("pk", flat=True).first()
        elif path.startswith("/api/v1/members/"):
            known["id"] = member.pk
        else:
            known["id"] = household.pk
    return {name: known[name] for name in names if name in known}


def _fuzz(
    operation,
    mode: GenerationMode,
    headers: Callable[[], dict[str, str]],
    path_parameters: dict[str, object] | None = None,
) -> list[str]:
    found: list[str] = []

    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        deadline=None,
        database=None,
        suppress_health_check=list(HealthCheck),
    )
    @given(case=operation.as_strategy(generation_mode=mode, path_parameters=path_parameters))
    def run(case) -> None:
        response = case.call(headers=headers())
        import builtins
        import collections

        builtins.STATS = getattr(builtins, "STATS", collections.Counter())
        builtins.STATS[(operation.label, response.status_code)] += 1
        try:
            case.validate_response(response, checks=CHECKS)
        except (FailureGroup, Failure) as failure:  # collected, reported all at once below
            found.append(f"{operation.label} [{mode.value}]: {failure}")

    with contextlib.suppress(Unsatisfiable):  # no example fits: nothing to send
        run()
    return found[:2]  # the first few per operation are enough to read


def test_the_document_is_written_for_every_operation():
    out = io.StringIO()
    call_command("spectacular", "--validate", "--fail-on-warn", stdout=out)
