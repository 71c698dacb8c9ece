"""一户一档: the household page shows its cases, decisions, benefits, payments and what the
rules find today, to its own township only; a second case for the same need names the first."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from doudi.accounts.models import User
from doudi.accounts.roles import Role
from doudi.benefits.models import Benefit
from doudi.cases import services as case_services
from doudi.cases.procedures import CaseKind, CaseProgramme, Channel
from doudi.dates import month_before
from doudi.demo.management.commands import demo as command
from doudi.errors import DoudiError
from doudi.payroll.models import LineStatus, PayrollLine
from doudi.web.templatetags.doudi_format import yuan

pytestmark = [pytest.mark.django_db, pytest.mark.slow]


@pytest.fixture
def demo(monkeypatch, settings, tmp_path) -> None:
    """``doudi demo load`` with a smaller registry to stay fast."""
    settings.VAR_DIR = tmp_path / "var"
    settings.DOUDI_SNAPSHOT_URI = ""
    monkeypatch.setattr(command, "DEMO_HOUSEHOLDS", 1000)
    call_command("demo", "load", stdout=io.StringIO())


def _as(username: str) -> Client:
    client = Client()
    client.force_login(User.objects.get(username=username))
    return client


def _recipient() -> Benefit:
    month = timezone.localdate().replace(day=1)
    return (
        Benefit.objects.in_force(month)
        .select_related("decision__case", "payee")
        .order_by("id")
        .first()
    )


def test_the_page_of_a_recipient_shows_its_whole_file(demo):
    benefit = _recipient()
    case, decision = benefit.decision.case, benefit.decision
    last_month = month_before(timezone.localdate().replace(day=1))
    paid = PayrollLine.objects.get(benefit=benefit, pay_month=last_month)
    assert paid.status == LineStatus.PAID

    html = _as("handler").get(f"/households/{benefit.household_id}/").content.decode()

    assert f'href="/cases/{case.pk}/"' in html and case.file_number in html
    assert decision.decided_on.isoformat() in html and "批准" in html  # the decision
    assert yuan(benefit.monthly_amount_fen) in html  # the benefit, in 元
    assert f"{last_month:%Y-%m}" in html and yuan(paid.amount_fen) in html  # last month's pay
    assert "fen" not in html and "minimum_living" not in html
    assert 'data-testid="evaluate"' in html  # the rules run only when asked


def test_evaluate_now_shows_each_programme_with_its_tests(demo):
    benefit = _recipient()
    html = _as("handler").get(f"/households/{benefit.household_id}/?evaluate=1").content.decode()
    assert 'data-testid="evaluation"' in html
    assert "最低生活保障" in html or "低保" in html
    assert "✓" in html or "✗" in html  # each test, met or not


def test_another_township_sees_nothing(demo):
    benefit = _recipient()
    other = User.objects.create_user(
        username="elsewhere", password="x", role=Role.TOWNSHIP_HANDLER, region_id="410821901000"
    )
    client = Client()
    client.force_login(other)
    assert client.get(f"/households/{benefit.household_id}/").status_code == 404
    assert client.get(f"/households/{benefit.household_id}/?evaluate=1").status_code == 404


def test_a_second_case_for_the_same_need_names_and_links_the_open_one(demo):
    benefit = _recipient()
    handler = User.objects.get(username="handler")
    opened = case_services.submit(
        handler,
        benefit.household_id,
        programme=CaseProgramme.MINIMUM_LIVING,
        kind=CaseKind.CHANGE,
        channel=Channel.WINDOW,
    )
    with pytest.raises(DoudiError) as refused:
        case_services.submit(
            handler,
            benefit.household_id,
            programme=CaseProgramme.MINIMUM_LIVING,
            kind=CaseKind.CHANGE,
            channel=Channel.WINDOW,
        )
    assert opened.file_number in refused.value.render()

    response = _as("handler").post(
        f"/cases/new/{benefit.household_id}/",
        {"programme": "minimum_living", "kind": "change", "channel": "window"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert opened.file_number in html and f'href="/cases/{opened.pk}/"' in html
    household_page = _as("handler").get(f"/households/{benefit.household_id}/").content.decode()
    assert f'href="/cases/{opened.pk}/"' in household_page
