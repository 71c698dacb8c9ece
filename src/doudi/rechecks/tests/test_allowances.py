"""Allowances ending by the calendar: children turning 18 (or past the local in-school limit)
and disability certificates expiring, listed a month ahead; nothing is stopped here."""

from __future__ import annotations

import datetime
import io

import openpyxl
import pytest
from django.test import Client

from doudi.accounts.roles import Role
from doudi.audit.models import AuditEvent
from doudi.conftest import (
    INSIDE_COUNTY,
    OUTSIDE_COUNTY,
    OUTSIDE_TOWNSHIP,
    api_as,
    deliver_certificates,
    household_form,
    member_form,
    valid_id_number,
)
from doudi.errors import DoudiError, NotPermitted
from doudi.policy import batch
from doudi.policy.agreement import batch_answers, single_answers
from doudi.policy.engine.variables.children import last_month_of
from doudi.rechecks.allowances import ending_lists, latest_birth
from doudi.registry.models import Member
from doudi.registry.services import create_household

D = datetime.date.fromisoformat
HEAD = "41082119500101001"


def _household(staff, children: list[dict]) -> list[Member]:
    form = household_form(members=[member_form(HEAD, "王老汉"), *children], incomes=[])
    household, _warnings = create_household(staff.handler, form)
    return list(household.members.exclude(relation="head").order_by("id"))


def _child(first17: str, name: str, status: str = "orphan", extra: dict | None = None):
    form = member_form(first17, name, relation="grandchild", marital_status="unmarried")
    return {**form, **(extra or {})}, status


def children(staff, *specs) -> list[Member]:
    forms = [_child(*spec) if isinstance(spec, tuple) else _child(spec, "孩子") for spec in specs]
    members = _household(staff, [form for form, _status in forms])
    for member, (_form, status) in zip(members, forms, strict=True):
        Member.objects.filter(pk=member.pk).update(orphan_status=status)
    return members


def listed_children(user, month: str) -> list[str]:
    lists = ending_lists(user, month=D(month))
    return [row.name for row in lists.children]


@pytest.mark.parametrize(
    ("birth", "last"),
    [
        ("2008-03-01", "2026-03-01"),  # birthday on the 1st: its month is still paid
        ("2008-03-31", "2026-03-01"),  # on the last day
        ("2008-02-29", "2026-03-01"),  # 29 February: the birthday is 1 March in 2026
        ("2008-02-28", "2026-02-01"),
        ("2004-02-29", "2022-03-01"),
    ],
)
def test_the_last_month_is_the_month_of_the_18th_birthday(birth, last):
    assert last_month_of(D(birth), 18) == D(last)
    # The due list's range of births for that month holds the birth, and the month before not.
    month = D(last)
    assert latest_birth(datetime.date(month.year, month.month - 1 or 12, 1), 18) < D(birth)
    assert D(birth) <= latest_birth(month, 18)


def test_children_turning_18_are_listed_in_the_month_of_the_birthday(staff):
    children(
        staff,
        ("41082120080301011", "月初"),
        ("41082120080331012", "月末"),
        ("41082120080229013", "闰日"),
        ("41082120080228014", "二月"),
        ("41082120080415015", "四月"),
        ("41082120080315016", "普通", "none"),
        ("41082120080310017", "事实", "de_facto_unsupported"),
    )
    assert listed_children(staff.handler, "2026-02-01") == ["二月"]
    # By birthday: 1 March (and 29 February's 1 March), 10 March, 31 March.
    assert listed_children(staff.handler, "2026-03-01") == ["月初", "闰日", "事实", "月末"]
    lists = ending_lists(staff.handler, month=D("2026-03-01"))
    leap = next(row for row in lists.children if row.name == "闰日")
    assert leap.reason_on == D("2026-03-01") and leap.stops_from == D("2026-04-01")
    assert listed_children(staff.handler, "2026-04-01") == ["四月"]


def test_a_child_still_in_school_is_listed_at_the_local_limit_instead(staff):
    children(staff, ("41082120080301011", "在校", "orphan", {"in_school": True}))
    assert listed_children(staff.handler, "2026-03-01") == []
    # The local example keeps a student until the 22nd birthday (child_support.in_school_until).
    assert listed_children(staff.handler, "2030-03-01") == ["在校"]


def test_the_dead_and_the_departed_are_not_listed(staff):
    dead, gone = children(staff, "41082120080301011", "41082120080302012")
    Member.objects.filter(pk=dead.pk).update(death_date=D("2026-01-05"))
    Member.objects.filter(pk=gone.pk).update(left_on=D("2026-01-05"), leave_reason="moved")
    assert listed_children(staff.handler, "2026-03-01") == []


DISABLED = ("41082119800101021", "41082119800101032", "41082119800101043")


def _disabled(staff) -> list[Member]:
    forms = [
        member_form(
            code, name, relation="child", disability_category="physical", disability_grade=2
        )
        for code, name in zip(DISABLED, ("到期", "已换证", "未到期"), strict=True)
    ]
    return _household(staff, forms)


def test_a_certificate_expiring_next_month_is_listed_and_a_renewed_one_is_not(staff):
    _disabled(staff)
    assert ending_lists(staff.handler, month=D("2026-10-01")).delivery is None
    deliver_certificates(
        staff.county,
        [
            (DISABLED[0], "2026-10-15", "valid"),
            (DISABLED[1], "2026-10-31", "valid"),
            (DISABLED[1], "2036-10-31", "valid"),  # the renewed certificate, delivered too
            (DISABLED[2], "2027-01-10", "valid"),
        ],
        "2026-09-01",
    )
    lists = ending_lists(staff.handler, month=D("2026-10-01"))
    assert [(row.name, row.reason_on) for row in lists.certificates] == [("到期", D("2026-10-15"))]
    assert lists.certificates[0].stops_from == D("2026-11-01")
    # A later delivery with the first one renewed: no longer listed.
    deliver_certificates(staff.county, [(DISABLED[0], "2036-10-15", "valid")], "2026-09-20")
    assert ending_lists(staff.handler, month=D("2026-10-01")).certificates == []


def test_jurisdiction_and_permission_denials(staff, make_user):
    children(staff, ("41082120080301011", "月初"))
    elsewhere = make_user(Role.TOWNSHIP_HANDLER, OUTSIDE_TOWNSHIP, "elsewhere")
    assert ending_lists(elsewhere, month=D("2026-03-01")).children == []
    assert listed_children(staff.county, "2026-03-01") == ["月初"]
    with pytest.raises(NotPermitted):
        ending_lists(make_user(Role.BANK_OPERATOR, INSIDE_COUNTY, "bank"))
    with pytest.raises(DoudiError):
        ending_lists(staff.handler, "41082X")
    # Another county's place in the filter finds nothing of this one.
    assert ending_lists(staff.handler, OUTSIDE_TOWNSHIP, D("2026-03-01")).children == []


def test_the_page_exports_and_api(staff, clock, make_user):
    clock.at("2026-02-10")
    (child,) = children(staff, ("41082120080301011", "月初"))
    client = Client()
    client.force_login(staff.handler)
    page = client.get("/rechecks/allowances-ending/").content.decode()
    assert f'data-member="{child.pk}"' in page.split('data-testid="children"')[1]
    assert f"/cases/new/{child.household_id}/" in page  # the stop is a decision's
    assert valid_id_number("41082120080301011") not in page
    assert "/rechecks/allowances-ending/" in client.get("/").content.decode()
    bad = client.get("/rechecks/allowances-ending/?month=2026-13")
    assert bad.status_code == 400

    response = client.get("/rechecks/allowances-ending.xlsx?month=2026-03")
    book = openpyxl.load_workbook(io.BytesIO(response.content))
    rows = list(book.worksheets[0].iter_rows(min_row=3, values_only=True))
    assert rows[0][0] == child.household_id and "*" in rows[0][4]
    assert rows[0][8] == "2026-04"

    data = api_as(staff.handler).get("/api/v1/rechecks/allowances-ending/").json()
    assert data["month"] == "2026-03-01" and data["children"][0]["member"] == child.pk
    assert data["children"][0]["stops_from"] == "2026-04-01"
    assert data["delivery"] is None
    bank = make_user(Role.BANK_OPERATOR, INSIDE_COUNTY, "bank")
    assert api_as(bank).get("/api/v1/rechecks/allowances-ending/").status_code == 403
    assert (
        api_as(staff.handler).get("/api/v1/rechecks/allowances-ending/?month=x").status_code == 400
    )
    reviewer = Client()
    reviewer.force_login(staff.reviewer)  # sees the list, opens no case
    page = reviewer.get("/rechecks/allowances-ending/?month=2026-03").content.decode()
    assert f'data-member="{child.pk}"' in page and "/cases/new/" not in page


CARE = "disability_care_subsidy"


def _care(actor, member: Member, month: str) -> tuple[int, int]:
    """The care subsidy of ``member`` for ``month``: (evaluated alone, the whole-place run)."""
    single = single_answers(actor, member.household_id, D(month)).get((CARE, member.pk), 0)
    whole = batch_answers(batch.evaluate_all(actor, D(month)))[member.household_id]
    return single, whole.get((CARE, member.pk), 0)


def test_the_care_subsidy_stops_the_month_after_the_certificate_and_a_late_renewal_pays(staff):
    """A certificate valid through 31 October pays October and not November; renewed by a
    delivery of 5 December, December pays again — alone and in the whole-place run alike."""
    expiring, renewed, endless = _disabled(staff)
    paid = _care(staff.county, expiring, "2026-10-01")
    assert paid[0] > 0 and paid == (paid[0], paid[0])  # no delivery yet: the grade stands
    deliver_certificates(
        staff.county,
        [
            (DISABLED[0], "2026-10-31", "expired"),
            (DISABLED[1], "2026-11-01", "valid"),  # its last day in November: November paid
            (DISABLED[2], "", "valid"),  # no end delivered
        ],
        "2026-11-02",
    )
    assert Member.objects.get(pk=expiring.pk).disability_certificate_valid_until == D("2026-10-31")
    assert Member.objects.get(pk=endless.pk).disability_certificate_valid_until is None
    assert _care(staff.county, expiring, "2026-10-01") == paid
    assert _care(staff.county, expiring, "2026-11-01") == (0, 0)
    assert _care(staff.county, renewed, "2026-11-01") == paid
    assert _care(staff.county, renewed, "2026-12-01") == (0, 0)
    assert _care(staff.county, endless, "2036-12-01") == paid
    deliver_certificates(staff.county, [(DISABLED[0], "2036-10-31", "valid")], "2026-12-05")
    assert _care(staff.county, expiring, "2026-12-01") == paid
    event = AuditEvent.objects.filter(action="source.delivered").latest("pk")
    assert event.after["certificate_dates_changed"] == 1


def test_grade_changes_that_gain_or_lose_the_care_subsidy_are_listed(staff):
    down, same, up = _disabled(staff)  # all grade 2 in the registry
    Member.objects.filter(pk=up.pk).update(disability_grade=4)
    deliver_certificates(
        staff.county,
        [
            (DISABLED[0], "2026-01-01", "expired", "二级", "2016-01-01"),
            (DISABLED[0], "2036-09-30", "valid", "三级", "2026-09-30"),  # 2 → 3: care lost
            (DISABLED[1], "2036-09-01", "valid", "一级", "2026-09-01"),  # 2 → 1: still severe
            (DISABLED[2], "2036-08-01", "valid", "二级", "2026-08-01"),  # 4 → 2: care gained
            (DISABLED[2], "2020-01-01", "expired", "四级", "2010-01-01"),
        ],
        "2026-10-02",
    )
    lists = ending_lists(staff.handler, month=D("2026-11-01"))
    changes = [(r.name, r.disability_grade, r.new_grade, r.stops_from) for r in lists.grade_changes]
    assert changes == [("未到期", 4, 2, D("2026-09-01")), ("到期", 2, 3, D("2026-10-01"))]
    client = Client()
    client.force_login(staff.handler)
    page = client.get("/rechecks/allowances-ending/").content.decode()
    section = page.split('data-testid="grade-changes"')[1]
    assert f'data-member="{down.pk}"' in section and f'data-member="{same.pk}"' not in section
    data = api_as(staff.handler).get("/api/v1/rechecks/allowances-ending/").json()
    assert [row["new_grade"] for row in data["grade_changes"]] == [2, 3]
    response = client.get("/rechecks/allowances-ending.xlsx?month=2026-11")
    sheet = openpyxl.load_workbook(io.BytesIO(response.content)).worksheets[2]
    rows = list(sheet.iter_rows(min_row=2, values_only=True))
    assert [row[-1] for row in rows] == [2, 3]


def test_a_cancelled_certificate_and_another_countys_delivery_change_no_date(staff, make_user):
    first, second, _third = _disabled(staff)
    deliver_certificates(staff.county, [(DISABLED[0], "2030-01-31", "valid")], "2026-09-01")
    deliver_certificates(
        staff.county,
        [
            (DISABLED[0], "2040-01-31", "cancelled"),  # a cancellation: decided on the grade
            (DISABLED[1], "", "expired"),  # no date to go by
        ],
        "2026-09-02",
    )
    elsewhere = make_user(Role.COUNTY_APPROVER, OUTSIDE_COUNTY, "elsewhere")
    deliver_certificates(elsewhere, [(DISABLED[1], "2026-01-31", "valid")], "2026-09-03")
    dates = dict(
        Member.objects.filter(pk__in=[first.pk, second.pk]).values_list(
            "pk", "disability_certificate_valid_until"
        )
    )
    assert dates == {first.pk: D("2030-01-31"), second.pk: None}
