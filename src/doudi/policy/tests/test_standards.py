"""A bureau's new dated standard: proposed, tested as a what-if, adopted, in force from its date."""

from __future__ import annotations

import datetime

import pytest

from doudi.accounts.models import User
from doudi.accounts.roles import Role
from doudi.audit.models import AuditEvent
from doudi.conftest import household_form, member_form
from doudi.errors import DoudiError, NotPermitted
from doudi.jobs.tests.helpers import run_waiting
from doudi.policy import services
from doudi.policy.evaluation import evaluate_form
from doudi.policy.models import ValueStatus
from doudi.policy.whatif import what_if
from doudi.registry import services as registry
from doudi.web.tests.test_no_codes import visible_text

pytestmark = pytest.mark.django_db

URBAN_COMMUNITY = "410821901001"  # 修武县演示街道演示第一社区 (urban)


def _single(first17: str, name: str, income_fen: int) -> dict:
    form = household_form(
        region=URBAN_COMMUNITY,
        members=[member_form(first17, name)],
        incomes=[{"member": first17, "month": "2022-06", "type": "wage", "amount_fen": income_fen}],
    )
    form["members"][0]["hukou_type"] = "urban"
    return form


def _amount(form: dict, month: str) -> str:
    result = evaluate_form(form, month)
    return next(p for p in result["programmes"] if p["programme"] == "minimum_living")[
        "monthly_amount"
    ]


@pytest.fixture
def supervisor(make_user):
    return make_user(Role.CITY_SUPERVISOR)


@pytest.fixture
def registered(make_user):
    handler = make_user(Role.TOWNSHIP_HANDLER, "410821901000", username="street_handler")
    below = registry.create_household(handler, _single("41082119800101001", "甲", 50000))[0]
    between = registry.create_household(handler, _single("41082119810101001", "乙", 62000))[0]
    above = registry.create_household(handler, _single("41082119820101001", "丙", 70000))[0]
    return below, between, above


def _propose(supervisor, **overrides):
    data = {
        "parameter": "minimum_living.standard.urban",
        "region_code": "410821000000",
        "start": datetime.date(2022, 7, 1),
        "value": "650",
        "document_number": "修民〔2022〕8号",
        "reference": "提高城市低保标准",
    }
    return services.propose_value(supervisor, **{**data, **overrides})


def test_a_new_standard_applies_from_its_date_and_not_before(supervisor):
    form = _single("41082119800101001", "甲", 50000)
    assert _amount(form, "2022-07") == "100.00"
    proposal = _propose(supervisor)
    assert proposal.value == 65000
    assert _amount(form, "2022-07") == "100.00"  # proposed only: nothing changes yet
    services.adopt_value(supervisor, proposal.pk, reason="市政府批准")
    assert _amount(form, "2022-06") == "100.00"
    assert _amount(form, "2022-07") == "150.00"
    result = evaluate_form(form, "2022-07")
    income = next(
        r for r in result["programmes"][0]["reasons"] if r["test"] == "test_minimum_living_income"
    )
    standard = income["parameters"][0]
    assert standard["value"] == "650.00" and standard["since"] == "2022-07-01"
    assert "修民〔2022〕8号" in standard["reference"]
    assert AuditEvent.objects.filter(action="policy.value_adopt").count() == 1


def test_the_what_if_lists_every_household_that_changes(supervisor, registered):
    below, between, above = registered
    report = what_if(supervisor, _propose(supervisor).pk)
    changes = {(c.household_id, c.programme): c for c in report.changes}
    up = changes[(below.pk, "minimum_living")]
    assert (up.before_fen, up.after_fen, up.kind) == (10000, 15000, "up")
    came_in = changes[(between.pk, "minimum_living")]
    assert (came_in.before_fen, came_in.after_fen, came_in.kind) == (0, 3000, "in")
    assert (above.pk, "minimum_living") not in changes
    assert report.totals[("minimum_living", "410821")] == [10000, 18000]
    assert report.households == 3


def test_only_standard_setters_inside_their_place(make_user, supervisor):
    with pytest.raises(NotPermitted):
        _propose(make_user(Role.COUNTY_APPROVER))
    with pytest.raises(DoudiError):
        _propose(supervisor, region_code="410821901001")  # a community sets no standards
    with pytest.raises(DoudiError):
        _propose(supervisor, value="650.001")
    with pytest.raises(DoudiError):
        _propose(supervisor, document_number=" ")
    assert not AuditEvent.objects.filter(action="policy.value_propose").exists()


def test_adopting_or_withdrawing_states_the_reason(supervisor):
    proposal = _propose(supervisor)
    for decide in (services.adopt_value, services.withdraw_value):
        with pytest.raises(DoudiError) as refused:
            decide(supervisor, proposal.pk, reason="  ")
        assert refused.value.field == "reason"
    proposal.refresh_from_db()
    assert proposal.status == ValueStatus.PROPOSED
    assert not AuditEvent.objects.filter(object_type="regional_value", reason="  ").exists()


def test_a_decided_proposal_cannot_be_decided_again(supervisor):
    proposal = _propose(supervisor)
    services.withdraw_value(supervisor, proposal.pk, reason="测算后暂缓")
    with pytest.raises(DoudiError):
        services.adopt_value(supervisor, proposal.pk, reason="x")


def test_the_pages_show_the_standards_propose_and_adopt(supervisor, registered):
    from django.test import Client

    client = Client()
    client.force_login(supervisor)
    page = client.get("/policy/")
    assert page.status_code == 200 and "600.00" in page.content.decode()
    refused = client.post(
        "/policy/propose/",
        {
            "parameter": "minimum_living.standard.urban",
            "region": "410821000000",
            "start": "2022-07-01",
            "value": "650",
            "document_number": "",
        },
    )
    assert refused.status_code == 400
    assert 'data-field="document_number"' in refused.content.decode()
    response = client.post(
        "/policy/propose/",
        {
            "parameter": "minimum_living.standard.urban",
            "region": "410821000000",
            "start": "2022-07-01",
            "value": "650",
            "document_number": "修民〔2022〕8号",
        },
    )
    assert response.status_code == 302
    waiting = client.get(response["Location"]).content.decode()
    assert "<progress" in waiting  # the what-if is computed in the background
    run_waiting()
    report = client.get(response["Location"])
    assert report.status_code == 200
    html = report.content.decode()
    assert "150.00" in html and "30.00" in html  # the household going up, the one coming in
    shown = visible_text(html)
    assert "650.00" in shown and "65000" not in shown  # the proposed value in yuan
    assert "minimum_living" not in shown, shown  # programmes and parameters by name
    adopted = client.post(response["Location"] + "decide/", {"decision": "adopt", "reason": "批准"})
    assert adopted.status_code == 302
    city_page = client.get("/policy/").content.decode()
    assert "650.00" not in _standards_table(city_page)  # the city's view: 600
    assert "650.00" in city_page  # the proposal, in yuan (not 65000 fen)
    county = Client()
    county.force_login(
        User.objects.create_user(
            "xiuwu", "x-Password-1", role="county_approver", region_id="410821000000"
        )
    )
    county_page = county.get("/policy/").content.decode()
    assert "650.00" in _standards_table(county_page)  # in force there since July 2022


def _standards_table(page: str) -> str:
    return page.split('data-testid="standards"')[1].split("</table>")[0]


def test_a_refused_proposal_names_its_date_next_to_the_field_and_keeps_what_was_typed(
    supervisor, registered
):
    from django.test import Client

    client = Client()
    client.force_login(supervisor)
    typed = {
        "parameter": "minimum_living.standard.urban",
        "region": "410821000000",
        "start": "2022-7-1x",
        "value": "650",
        "document_number": "修民〔2022〕8号",
    }
    refused = client.post("/policy/propose/", typed)
    page = refused.content.decode()
    assert refused.status_code == 400
    # The shared date parser's message, next to the date field, not a local copy's.
    assert 'data-field="start"><p>“2022-7-1x”' in page
    assert 'value="2022-7-1x"' in page and 'value="修民〔2022〕8号"' in page


def test_a_refused_decision_is_shown_at_its_field_and_keeps_what_was_typed(supervisor, registered):
    from django.test import Client

    client = Client()
    client.force_login(supervisor)
    first = _propose(supervisor)
    services.adopt_value(supervisor, first.pk, reason="市政府批准")
    second = _propose(supervisor, value="660")
    client.get(f"/policy/values/{second.pk}/")  # its what-if, computed and kept
    run_waiting()

    blank = client.post(f"/policy/values/{second.pk}/decide/", {"decision": "adopt"})
    page = blank.content.decode()
    assert blank.status_code == 400
    assert 'data-field="reason"><p>' in page  # next to the reason's input, on the same page
    assert 'data-testid="counts"' in page

    # Refused for a reason that is not a field of the form: above it, what was typed kept.
    clash = client.post(
        f"/policy/values/{second.pk}/decide/", {"decision": "adopt", "reason": "再次批准"}
    )
    page = clash.content.decode()
    assert clash.status_code == 400
    assert 'data-field="form"><p>' in page
    assert 'name="reason" value="再次批准"' in page
    second.refresh_from_db()
    assert second.status == ValueStatus.PROPOSED
