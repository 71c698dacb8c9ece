"""Correcting a member does not ask for the full ID number again: left empty, it is kept."""

from __future__ import annotations

import pytest
from django.test import Client

from doudi.accounts.roles import Role
from doudi.audit.models import AuditEvent
from doudi.conftest import household_form, member_form, valid_id_number
from doudi.errors import DoudiError
from doudi.identity import protection
from doudi.registry import services
from doudi.registry.models import Household

pytestmark = pytest.mark.django_db
SPOUSE = valid_id_number("41082119720202002")


@pytest.fixture
def handler(make_user):
    return make_user(Role.TOWNSHIP_HANDLER)


@pytest.fixture
def household(handler) -> Household:
    return services.create_household(handler, household_form())[0]


@pytest.mark.parametrize("empty", ["", "   ", None])
def test_an_empty_id_number_on_update_keeps_the_one_on_file(handler, household, empty):
    spouse = household.members.get(name="李四")
    events = AuditEvent.objects.count()
    record = member_form("41082119720202002", "李四", relation="spouse", phone="13800000000")
    record["id_number"] = empty
    member, _warnings = services.update_member(handler, spouse.pk, record, reason="更正电话")
    assert member.phone == "13800000000"
    assert member.reveal_id_number() == SPOUSE
    assert member.id_number_hash == protection.lookup_hash(SPOUSE)
    assert AuditEvent.objects.count() == events + 1
    assert AuditEvent.objects.latest("seq").action == "household.member_update"


def test_a_typed_id_number_still_corrects_it(handler, household):
    spouse = household.members.get(name="李四")
    corrected = valid_id_number("41082119720202012")
    record = member_form("41082119720202012", "李四", relation="spouse")
    member, _warnings = services.update_member(handler, spouse.pk, record, reason="更正身份证号")
    assert member.reveal_id_number() == corrected


def test_a_wrong_id_number_is_still_refused_and_nothing_changes(handler, household):
    spouse = household.members.get(name="李四")
    record = member_form("41082119720202002", "李四", relation="spouse", phone="13800000000")
    record["id_number"] = "410821197202020"
    with pytest.raises(DoudiError) as caught:
        services.update_member(handler, spouse.pk, record, reason="更正电话")
    assert "id_number" in str(caught.value.as_dict())
    spouse.refresh_from_db()
    assert spouse.phone != "13800000000" and spouse.reveal_id_number() == SPOUSE


def test_the_correction_page_does_not_require_the_id_number(handler, household):
    spouse = household.members.get(name="李四")
    browser = Client()
    browser.force_login(handler)
    page = browser.get(f"/households/members/{spouse.pk}/edit/").content.decode()
    field = page.split('id="id_id_number"', 1)[1].split(">", 1)[0]
    assert "required" not in field
    assert "留空" in page or "leave empty" in page
    assert SPOUSE not in page  # only the masked number is shown
    form = {
        **{k: v for k, v in member_form("0" * 17, "李四", relation="spouse").items() if k != "key"},
        "id_number": "",
        "phone": "13900000000",
        "reason": "更正电话",
    }
    response = browser.post(f"/households/members/{spouse.pk}/edit/", form)
    assert response.status_code == 302
    spouse.refresh_from_db()
    assert spouse.phone == "13900000000" and spouse.reveal_id_number() == SPOUSE
