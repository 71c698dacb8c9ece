"""The household's assistance chain: its monitoring, warnings, cases and decisions, benefits,
payments and referrals on one timeline, on its page and in the API, for its readers only."""

from __future__ import annotations

import pytest
from django.test import Client
from django.utils import timezone

from doudi.accounts.roles import Role
from doudi.benefits.tests.factories import approved_benefit
from doudi.conftest import INSIDE_COUNTY, api_as, household_form
from doudi.early_warning import services as warnings
from doudi.hotline import services as hotline
from doudi.monitoring import services as monitoring
from doudi.registry.chain import assistance_chain
from doudi.registry.services import create_household
from doudi.supervision import services as supervision

pytestmark = pytest.mark.django_db


def test_the_chain_holds_every_link_newest_first_and_only_for_its_readers(staff, make_user):
    household, _warnings = create_household(staff.handler, household_form(), reason="登记")
    start = timezone.localdate().replace(day=1)
    approved_benefit(staff.county, household.members.first(), start)
    monitoring.refresh(staff.county, INSIDE_COUNTY)
    warning = warnings.raise_from_visit(staff.village, household.pk, 2, "户主突发重病")
    warnings.refer(staff.handler, warning.pk, department="medical_insurance", note="转医保")

    links = assistance_chain(staff.reviewer, household.pk)
    kinds = {link.kind for link in links}
    assert {"monitoring", "warning", "case", "decision", "benefit", "referral"} <= kinds
    assert [link.day for link in links] == sorted((link.day for link in links), reverse=True)
    assert any("户主突发重病" in link.text for link in links)

    client = Client()
    client.force_login(staff.reviewer)
    page = client.get(f"/households/{household.pk}/").content.decode()
    assert 'data-testid="chain"' in page and "转医保" in page
    api = api_as(staff.reviewer).get(f"/api/v1/households/{household.pk}/chain/")
    assert api.status_code == 200 and {row["kind"] for row in api.json()} == kinds
    outsider = make_user(Role.TOWNSHIP_REVIEWER, "410825902000", "outside_reviewer")
    assert api_as(outsider).get(f"/api/v1/households/{household.pk}/chain/").status_code == 404
    assert assistance_chain(outsider, household.pk) == []


def test_the_chain_holds_the_hotline_tickets_and_findings_for_who_reads_them(staff, clock):
    clock.at("2026-06-15")
    household, _warnings = create_household(staff.handler, household_form(), reason="登记")
    ticket = hotline.receive(staff.handler, source="call", category="report",
                             content="举报家中有车仍享受低保", household=household.pk)  # fmt: skip
    hotline.refer_to_supervision(staff.handler, ticket.pk, note="转监督检查")
    finding = supervision.raise_ticket_finding(
        staff.county, ticket.pk, description="核实家中有小轿车一辆", task="复核家庭财产"
    )
    links = {link.kind: link for link in assistance_chain(staff.reviewer, household.pk)}
    assert links["ticket"].url == f"/hotline/{ticket.pk}/" and "有车" in links["ticket"].text
    assert links["finding"].url == f"/supervision/findings/{finding.pk}/"
    client = Client()
    client.force_login(staff.handler)
    page = client.get(f"/households/{household.pk}/").content.decode()
    assert f'href="/supervision/findings/{finding.pk}/"' in page
    assert f'href="/hotline/{ticket.pk}/"' in page
    # The village worker reads the household, neither the hotline nor supervision.
    answer = api_as(staff.village).get(f"/api/v1/households/{household.pk}/chain/")
    assert answer.status_code == 200
    assert not {row["kind"] for row in answer.json()} & {"ticket", "finding"}
