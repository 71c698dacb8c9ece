"""Evaluating the whole registry of a place: the same answers as one by one, all or nothing."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from doudi.accounts.roles import Role
from doudi.audit.models import AuditEvent
from doudi.conftest import household_form, member_form
from doudi.errors import NotPermitted, OutsideJurisdiction
from doudi.policy import batch
from doudi.policy.evaluation import evaluate_form
from doudi.policy.models import EvaluationResult, EvaluationRun
from doudi.registry import services as registry

pytestmark = pytest.mark.django_db

MARCH = datetime.date(2022, 3, 1)


def _household(handler, first17: str, income: int, **member) -> int:
    form = household_form(
        members=[member_form(first17, "户主", **member)],
        incomes=[{"member": first17, "month": "2022-02", "type": "wage", "amount_fen": income}],
    )
    return registry.create_household(handler, form)[0].pk, form


@pytest.fixture
def households(make_user):
    handler = make_user(Role.TOWNSHIP_HANDLER)
    return [
        _household(handler, "41082119800101001", 10000),
        _household(
            handler, "41082119500101001", 0, disability_category="physical", disability_grade=1
        ),
        _household(handler, "41082119810101001", 90000),
    ]


def test_the_batch_agrees_with_evaluating_each_household(make_user, households):
    county = make_user(Role.COUNTY_APPROVER)
    run = batch.evaluate_all(county, MARCH)
    assert (run.households, run.persons) == (3, 3)
    stored = {
        (r.household_id, r.programme): r.amount_fen
        for r in EvaluationResult.objects.filter(run=run)
    }
    for household_id, form in households:
        for member in form["members"]:
            member.pop("joined_on")
        for programme in evaluate_form(form, "2022-03")["programmes"]:
            if programme.get("members"):
                amount = sum(
                    int(
                        (m.get("monthly_amount") or m.get("yearly_amount", "0.00")).replace(".", "")
                    )
                    for m in programme["members"]
                    if m["eligible"]
                )
                eligible = any(m["eligible"] for m in programme["members"])
            else:
                eligible = programme["eligible"]
                amount = int(programme.get("monthly_amount", "0.00").replace(".", ""))
            assert ((household_id, programme["programme"]) in stored) == eligible, programme
            if eligible:
                assert stored[(household_id, programme["programme"])] == amount
    event = AuditEvent.objects.get(action="policy.evaluate_all")
    assert event.after["programmes"]["minimum_living"]["results"] == 2


def test_a_failure_while_writing_leaves_no_run(make_user, households, monkeypatch):
    def broken(run, results):
        raise RuntimeError("disk full")

    monkeypatch.setattr(batch, "_write", broken)
    with pytest.raises(RuntimeError):
        batch.evaluate_all(make_user(Role.COUNTY_APPROVER), MARCH)
    assert not EvaluationRun.objects.exists() and not EvaluationResult.objects.exists()
    assert not AuditEvent.objects.filter(action="policy.evaluate_all").exists()


def test_only_county_and_city_staff_inside_their_place(make_user, households):
    with pytest.raises(NotPermitted):
        batch.evaluate_all(make_user(Role.TOWNSHIP_HANDLER, username="h2"), MARCH)
    with pytest.raises(OutsideJurisdiction):
        batch.evaluate_all(make_user(Role.COUNTY_APPROVER), MARCH, place_code="410825000000")


def test_the_command_runs_in_chunks_with_progress(
    make_user, households, monkeypatch, capsys, cli_as
):
    monkeypatch.setattr(batch, "CHUNK_HOUSEHOLDS", 2)
    cli_as(make_user(Role.COUNTY_APPROVER, username="county"))
    call_command("evaluate_all", "--month", "2022-03", "--user", "county")
    run = EvaluationRun.objects.get()
    assert run.results == EvaluationResult.objects.filter(run=run).count() > 0
    with pytest.raises(CommandError):
        call_command("evaluate_all", "--month", "2022-3x", "--user", "county")


def test_before_2021_the_batch_answers_each_programme_on_its_own(make_user, households):
    """2020: no 低保 standard yet, but the 2018 care subsidy is stored and 低保's lack named."""
    run = batch.evaluate_all(make_user(Role.COUNTY_APPROVER), datetime.date(2020, 6, 1))
    stored = set(EvaluationResult.objects.filter(run=run).values_list("programme", flat=True))
    assert stored == {"disability_care_subsidy"}
    missing = AuditEvent.objects.get(action="policy.evaluate_all").after["missing"]
    assert missing["minimum_living"] == {
        "parameter": "minimum_living.standard.rural",
        "description": "农村低保标准",
        "since": "2021-01-01",
    }
    assert "disability_care_subsidy" not in missing
    assert EvaluationRun.objects.get().missing == missing


def test_the_command_prints_each_programme_without_a_rule(make_user, households, cli_as):
    """The programmes a month has no rule for are named on screen, not only in the audit."""
    cli_as(make_user(Role.COUNTY_APPROVER, username="county"))
    out = io.StringIO()
    call_command("evaluate_all", "--month", "2020-06", "--user", "county", stdout=out)
    lines = out.getvalue().splitlines()
    dibao = next(line for line in lines if "最低生活保障（低保）" in line)
    assert "minimum_living.standard.rural" in dibao
    assert "“农村低保标准”自 2021-01-01 起才施行" in dibao
    assert not any("重度残疾人护理补贴" in line for line in lines)
    in_force = io.StringIO()
    call_command("evaluate_all", "--month", "2022-03", "--user", "county", stdout=in_force)
    assert len(in_force.getvalue().splitlines()) == 1  # every programme answered


def test_the_premium_subsidy_is_stored_with_its_yearly_amount(make_user, households):
    """资助参保 has no monthly amount: the run stores its yearly one, not zero."""
    run = batch.evaluate_all(make_user(Role.COUNTY_APPROVER), MARCH)
    amounts = list(
        EvaluationResult.objects.filter(run=run, programme="medical_premium_subsidy").values_list(
            "amount_fen", flat=True
        )
    )
    assert amounts and all(amount > 0 for amount in amounts)
