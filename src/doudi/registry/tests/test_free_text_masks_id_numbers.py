"""Issue 11.2: a full ID number typed into free text (a reason, a note, a description, a file
name) is kept masked, wherever the services take the text in."""

from __future__ import annotations

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from doudi.accounts.roles import Role
from doudi.audit.models import AuditEvent
from doudi.conftest import household_form, valid_id_number
from doudi.identity.numbers import mask
from doudi.registry import services
from doudi.registry.models import Attachment, Household, HouseholdVersion

NUMBER = valid_id_number("41082119700101001")  # the head's own number
PNG = b"\x89PNG\r\n\x1a\n" + b"0" * 100


@pytest.fixture
def handler(make_user):
    return make_user(Role.TOWNSHIP_HANDLER)


@pytest.fixture
def household(handler) -> Household:
    return services.create_household(handler, household_form(), reason=f"申请人 {NUMBER} 来访")[0]


@pytest.mark.django_db
def test_reasons_descriptions_file_names_and_notes_keep_the_number_masked(handler, household):
    services.update_household(
        handler,
        household.pk,
        address=f"示例一村3组（户主{NUMBER}）",
        region_code=household.region_id,
        reason=f"户主{NUMBER}搬家",
    )
    services.add_attachment(
        handler,
        household.pk,
        SimpleUploadedFile(f"户口簿-{NUMBER}.png", PNG),
        category="hukou",
        description=f"{NUMBER}的户口簿",
    )
    services.add_money_fact(
        handler,
        household.pk,
        "income",
        {"type": "wage", "month": "2026-09", "amount_fen": 100, "note": f"代{NUMBER}领取"},
        reason="补录",
    )
    attachment = Attachment.objects.get()
    assert attachment.original_name == f"户口簿-{mask(NUMBER)}.png"
    assert attachment.description == f"{mask(NUMBER)}的户口簿"
    household.refresh_from_db()
    assert NUMBER not in household.address and mask(NUMBER) in household.address
    for event in AuditEvent.objects.all():
        assert NUMBER not in event.reason and NUMBER not in str(event.after)
    assert mask(NUMBER) in AuditEvent.objects.get(action="household.create").reason
    stored = str(HouseholdVersion.objects.filter(household=household).last().form)
    assert NUMBER not in stored.replace(f'"{NUMBER}"', "")  # no clear number beside the cipher
    browser = Client()
    browser.force_login(handler)
    page = browser.get(f"/households/{household.pk}/").content.decode()
    assert NUMBER not in page and f"户口簿-{mask(NUMBER)}.png" in page


@pytest.mark.django_db
def test_an_intake_note_and_need_keep_the_number_masked(staff, clock):
    from doudi.window import services as window

    clock.at("2026-03-02")
    household, _ = services.create_household(
        staff.handler, household_form(incomes=[]), reason="登记"
    )
    intake = window.record_intake(
        staff.handler,
        household.pk,
        channel="window",
        needs=[{"route": "on_the_spot", "description": f"为{NUMBER}开证明", "result": "已开具"}],
        note=f"{NUMBER}本人到窗口",
    )
    assert intake.note == f"{mask(NUMBER)}本人到窗口"
    assert intake.needs.get().description == f"为{mask(NUMBER)}开证明"
    assert NUMBER not in AuditEvent.objects.get(action="window.intake").reason
