"""Home visits: the checklist recorded; a concern raises the household's warning (a second
concern adds to it); a photo goes into the file; follow-ups due on the worker's list; refusals
name the field and change nothing."""

from __future__ import annotations

import datetime
import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.utils import timezone
from PIL import Image

from doudi.accounts.roles import Role
from doudi.conftest import api_as, household_form
from doudi.early_warning.models import EarlyWarning
from doudi.errors import DoudiError, NotPermitted, OutsideJurisdiction
from doudi.registry.models import Attachment
from doudi.registry.services import create_household
from doudi.visits import queries, services
from doudi.visits.models import HomeVisit

pytestmark = pytest.mark.django_db
FINE = services.Checklist("fine", "fine", "none")


@pytest.fixture
def household(staff):
    household, _warnings = create_household(staff.handler, household_form(), reason="登记")
    return household


def _jpeg() -> SimpleUploadedFile:
    out = io.BytesIO()
    Image.new("RGB", (32, 24), (120, 130, 140)).save(out, format="JPEG")
    return SimpleUploadedFile("visit.jpg", out.getvalue(), content_type="image/jpeg")


def test_a_visit_without_concern_raises_nothing_and_keeps_its_follow_up(staff, household):
    follow_up = timezone.localdate() + datetime.timedelta(days=5)
    visit = services.record_visit(staff.village, household.pk, FINE, follow_up_on=follow_up)
    assert visit.warning is None and not EarlyWarning.objects.exists()
    assert list(queries.follow_ups_due(staff.village, timezone.localdate())) == [visit]


def test_a_concern_raises_the_warning_and_a_second_adds_to_it_with_the_photo(staff, household):
    concern = services.Checklist("concern", "fine", "fell", needs="冬季取暖", note="屋顶漏雨")
    first = services.record_visit(staff.village, household.pk, concern, photo=_jpeg())
    warning = first.warning
    assert warning is not None and warning.kind == "visit" and warning.state == "open"
    assert "冬季取暖" in warning.facts["notes"][0] and "屋顶漏雨" in warning.facts["notes"][0]
    assert Attachment.objects.filter(household=household, original_name="visit.jpg").exists()
    second = services.record_visit(
        staff.village, household.pk, services.Checklist("fine", "concern", "none"), severity=3
    )
    assert second.warning == warning and EarlyWarning.objects.count() == 1
    warning.refresh_from_db()
    assert warning.severity == 3 and len(warning.facts["notes"]) == 2


def test_refusals_name_the_field_and_change_nothing(staff, household, make_user):
    with pytest.raises(DoudiError) as bad:
        services.record_visit(
            staff.village, household.pk, services.Checklist("bad", "fine", "none")
        )
    assert bad.value.field == "living_conditions"
    with pytest.raises(DoudiError) as late:
        services.record_visit(
            staff.village,
            household.pk,
            FINE,
            follow_up_on=timezone.localdate() - datetime.timedelta(days=1),
        )
    assert late.value.field == "follow_up_on"
    with pytest.raises(NotPermitted):
        services.record_visit(staff.reviewer, household.pk, FINE)
    outside = make_user(Role.GRID_WORKER, "410825902001", "outside_grid")
    with pytest.raises(OutsideJurisdiction):
        services.record_visit(outside, household.pk, FINE)
    assert not HomeVisit.objects.exists()


def test_the_page_and_the_api(staff, household):
    client = Client()
    client.force_login(staff.village)
    form = client.get(f"/visits/households/{household.pk}/").content.decode()
    assert 'capture="environment"' in form
    response = client.post(
        f"/visits/households/{household.pk}/",
        {"living_conditions": "concern", "health": "fine", "income_change": "none", "note": "独居"},
    )
    assert response.status_code == 302 and EarlyWarning.objects.count() == 1
    refused = client.post(
        f"/visits/households/{household.pk}/",
        {"living_conditions": "x", "health": "fine", "income_change": "none"},
    )
    assert refused.status_code == 200 and HomeVisit.objects.count() == 1
    listed = client.get("/visits/").content.decode()
    assert household.file_number in listed
    made = api_as(staff.village).post(
        "/api/v1/visits/",
        {
            "household": household.pk,
            "living_conditions": "fine",
            "health": "fine",
            "income_change": "none",
            "follow_up_on": str(timezone.localdate() + datetime.timedelta(days=3)),
        },
        format="json",
    )
    assert made.status_code == 201, made.content
    due = api_as(staff.village).get("/api/v1/visits/due/").json()
    assert [row["id"] for row in due] == [made.json()["id"]]
