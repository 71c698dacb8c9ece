"""The registry pages: search without ID numbers in URLs, field errors, as-of, documents."""

from __future__ import annotations

import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client

from doudi.accounts.roles import Role
from doudi.conftest import household_form, valid_id_number
from doudi.registry import services
from doudi.registry.models import Household, Member

pytestmark = pytest.mark.django_db


@pytest.fixture
def handler(make_user):
    return make_user(Role.TOWNSHIP_HANDLER)


@pytest.fixture
def browser(handler) -> Client:
    client = Client()
    client.force_login(handler)
    return client


@pytest.fixture
def household(handler) -> Household:
    return services.create_household(handler, household_form())[0]


def test_the_list_shows_masked_numbers_and_finds_by_name_and_by_posted_id(browser, household):
    html = browser.get("/households/").content.decode()
    assert household.file_number in html and "张三" in html
    assert valid_id_number("41082119700101001") not in html
    assert "4108*************" in html
    assert household.file_number in browser.get("/households/?name=张").content.decode()
    assert household.file_number not in browser.get("/households/?name=王").content.decode()
    found = browser.post("/households/", {"id_number": valid_id_number("41082119720202002")})
    assert household.file_number in found.content.decode()
    missed = browser.post("/households/", {"id_number": valid_id_number("41082119990909009")})
    assert household.file_number not in missed.content.decode()


def test_registering_with_errors_shows_them_on_the_fields(browser):
    response = browser.post(
        "/households/new/",
        {
            "region": "410821902001",
            "name": "",
            "id_number": "41082119700101001X",
            "hukou_type": "rural",
            "marital_status": "married",
            "education": "junior",
            "employment": "farming",
        },
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'data-field="name"' in html and 'data-field="id_number"' in html
    assert not Household.objects.exists()
    ok = browser.post(
        "/households/new/",
        {
            "region": "410821902001",
            "name": "王五",
            "id_number": valid_id_number("41082119800101001"),
            "hukou_type": "rural",
            "marital_status": "married",
            "education": "junior",
            "employment": "farming",
            "address": "示例一村 1 号",
            "reason": "申请",
        },
    )
    assert ok.status_code == 302
    assert Member.objects.get().relation == "head"


def test_the_detail_page_shows_the_household_and_its_past(browser, household):
    page = browser.get(f"/households/{household.pk}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "张三" in html and "800.00" in html
    too_early = browser.get(f"/households/{household.pk}/?as_of=2000-01-01")
    assert too_early.status_code == 400
    assert "2000-01-01" in too_early.content.decode()


def test_member_death_and_income_through_the_pages(browser, household):
    spouse = household.members.get(name="李四")
    response = browser.post(
        f"/households/members/{spouse.pk}/end/",
        {"leave_reason": "death", "death_date": "2026-10-01", "reason": "死亡"},
    )
    assert response.status_code == 302
    spouse.refresh_from_db()
    assert spouse.left_on == datetime.date(2026, 10, 1)
    bad = browser.post(
        f"/households/{household.pk}/income/new/",
        {"month": "2026-10", "type": "wage", "amount": "12.345"},
    )
    assert bad.status_code == 400 and 'data-field="amount_fen"' in bad.content.decode()
    good = browser.post(
        f"/households/{household.pk}/income/new/",
        {"month": "2026-10", "type": "wage", "amount": "1,234.50", "reason": "工资"},
    )
    assert good.status_code == 302
    assert household.incomes.filter(month="2026-10-01").get().amount_fen == 123450


def test_a_mistyped_date_is_named_at_its_own_field_not_at_as_of(browser, household):
    """The page's date reader once named every bad date "as_of", whichever field it was."""
    spouse = household.members.get(name="李四")
    response = browser.post(
        f"/households/members/{spouse.pk}/end/",
        {"leave_reason": "death", "death_date": "2026-13-01", "reason": "死亡"},
    )
    assert response.status_code == 400
    html = response.content.decode()
    assert 'data-field="death_date"' in html and 'data-field="as_of"' not in html
    assert "2026-13-01" in html
    left = browser.post(
        f"/households/members/{spouse.pk}/end/",
        {"leave_reason": "moved_out", "left_on": "1.10.2026", "reason": "迁出"},
    )
    assert left.status_code == 400 and 'data-field="left_on"' in left.content.decode()
    spouse.refresh_from_db()
    assert spouse.left_on is None


def test_revealing_shows_the_number_once_without_putting_it_in_a_url(browser, household):
    member = household.members.get(name="张三")
    response = browser.post(f"/households/members/{member.pk}/reveal/", {"reason": "核对"})
    assert response.status_code == 200
    assert valid_id_number("41082119700101001") in response.content.decode()
    assert "Location" not in response


def test_documents_are_added_and_served_only_inside(browser, household, make_user):
    upload = SimpleUploadedFile("户口簿.png", b"\x89PNG\r\n\x1a\n" + b"0" * 100)
    response = browser.post(
        f"/households/{household.pk}/attachments/new/", {"category": "hukou", "file": upload}
    )
    assert response.status_code == 302
    attachment = household.attachments.get()
    assert attachment.original_name == "户口簿.png" and attachment.size == 108
    assert "户口簿" not in attachment.file.name
    download = browser.get(f"/households/attachments/{attachment.pk}/")
    assert download.status_code == 200
    outsider = Client()
    outsider.force_login(make_user(Role.COUNTY_APPROVER, "410825000000", username="wen"))
    assert outsider.get(f"/households/attachments/{attachment.pk}/").status_code == 404
    assert outsider.get(f"/households/{household.pk}/").status_code == 404


def test_reviewers_read_but_do_not_edit(make_user, household):
    client = Client()
    client.force_login(make_user(Role.TOWNSHIP_REVIEWER))
    assert client.get(f"/households/{household.pk}/").status_code == 200
    assert client.get("/households/new/").status_code == 403
    response = client.post(
        f"/households/{household.pk}/income/new/",
        {"month": "2026-10", "type": "wage", "amount": "1", "reason": "x"},
    )
    assert response.status_code == 403


def test_the_versions_are_named_in_chinese_not_by_their_audit_code(browser, household):
    html = browser.get(f"/households/{household.pk}/").content.decode()
    assert "household.create" not in html
    assert "登记家庭" in html


def test_a_grid_worker_photographs_a_document_and_only_images_are_kept(make_user, household):
    grid = Client()
    grid.force_login(make_user(Role.GRID_WORKER))
    page = grid.get(f"/households/{household.pk}/").content.decode()
    # A phone opens its camera for this input; the visit (an intake) is one tap away.
    assert 'accept="image/*" capture="environment"' in page
    assert f'href="/window/new/{household.pk}/"' in page
    photo = SimpleUploadedFile("IMG_0001.heic", b"\x00\x00\x00\x18ftypheic" + b"0" * 50)
    response = grid.post(
        f"/households/{household.pk}/attachments/new/", {"category": "hukou", "file": photo}
    )
    assert response.status_code == 400
    assert "PDF" in response.content.decode()  # only PDF, JPEG and PNG are kept
    assert not household.attachments.exists()
    jpeg = SimpleUploadedFile("IMG_0002.jpg", b"\xff\xd8\xff\xe0" + b"0" * 50)
    grid.post(f"/households/{household.pk}/attachments/new/", {"category": "hukou", "file": jpeg})
    assert household.attachments.get().content_type == "image/jpeg"


def test_a_grid_worker_of_another_village_neither_sees_nor_photographs(make_user, household):
    stranger = Client()
    stranger.force_login(make_user(Role.GRID_WORKER, "410821902002", username="stranger"))
    jpeg = SimpleUploadedFile("IMG_0003.jpg", b"\xff\xd8\xff\xe0" + b"0" * 50)
    assert stranger.get(f"/households/{household.pk}/").status_code == 404
    response = stranger.post(
        f"/households/{household.pk}/attachments/new/", {"category": "hukou", "file": jpeg}
    )
    assert response.status_code == 404
    assert not household.attachments.exists()


def test_a_reviewer_is_offered_no_camera(make_user, household):
    client = Client()
    client.force_login(make_user(Role.TOWNSHIP_REVIEWER))
    page = client.get(f"/households/{household.pk}/").content.decode()
    assert 'capture="environment"' not in page
