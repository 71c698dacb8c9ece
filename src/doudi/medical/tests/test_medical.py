"""Claims after the insurance chain, the annual cap across a person's claims of the year, the
settlement file all or nothing, payment to the hospital or through the payroll, and the
premium-subsidy list with each eligible person once."""

from __future__ import annotations

import datetime
import io

import openpyxl
import pytest

from doudi.accounts.roles import Role
from doudi.audit.models import AuditEvent
from doudi.benefits.tests.factories import approved_benefit
from doudi.conftest import api_as, member_form
from doudi.errors import DoudiError, NotPermitted, ValidationFailed
from doudi.grants.models import GrantShare
from doudi.medical import services, settlement_file
from doudi.medical.models import Claim, ClaimState, HospitalSettlement, PremiumEntry
from doudi.medical.tests.conftest import claim_body, household, number
from doudi.monitoring.models import MonitoredEntry
from doudi.registry.models import Member

pytestmark = pytest.mark.django_db

CAP = 1_000_000  # inpatient, 10,000 yuan a year (medical.inpatient.annual_cap)


def test_the_chain_in_order_then_the_ratio_rounded_down(staff, people):
    claim = services.record_claim(
        staff.handler, **claim_body(people.dibao, "JS-1", total_cost_fen=1_000_001)
    )
    # 10,000.01 less 2,000 + 500 + 500 of insurance leaves 7,000.01; 70 % is 4,900.007 元.
    assert claim.residual_fen == 700_001
    assert (claim.category, claim.percent, claim.uncapped_fen) == ("minimum_living", 70, 490_000)
    assert (claim.annual_cap_fen, claim.assistance_fen, claim.left_fen) == (CAP, 490_000, 210_001)
    event = AuditEvent.objects.get(action="medical.claim_record")
    assert event.after["assistance_fen"] == 490_000 and event.region_code == claim.region_id


def test_a_spouse_on_the_household_benefit_and_a_tekun_person(staff, people):
    spouse = services.record_claim(staff.handler, **claim_body(people.dibao_spouse, "JS-S"))
    tekun = services.record_claim(staff.handler, **claim_body(people.tekun, "JS-T"))
    nobody = services.record_claim(staff.handler, **claim_body(people.nobody, "JS-N"))
    assert (spouse.category, spouse.assistance_fen) == ("minimum_living", 490_000)
    assert (tekun.category, tekun.percent, tekun.assistance_fen) == (
        "extreme_hardship",
        100,
        700_000,
    )
    assert (nobody.category, nobody.assistance_fen, nobody.left_fen) == ("none", 0, 700_000)


def test_three_claims_in_a_year_stop_exactly_at_the_annual_cap(staff, people):
    answers = []
    for n, day in enumerate((1, 2, 3, 4), start=1):
        claim = services.record_claim(
            staff.handler,
            **claim_body(people.dibao, f"JS-{n}", settled_on=datetime.date(2026, day, 10)),
        )
        answers.append((claim.received_before_fen, claim.assistance_fen))
    # 490,000 + 490,000 leave 20,000 fen of the 1,000,000 cap: the third gets that, the fourth 0.
    assert answers == [(0, 490_000), (490_000, 490_000), (980_000, 20_000), (CAP, 0)]
    total = sum(
        c.assistance_fen for c in Claim.objects.filter(person_hash=people.dibao.id_number_hash)
    )
    assert total == CAP
    # Another kind has its own cap; another year starts again.
    outpatient = services.record_claim(
        staff.handler, **claim_body(people.dibao, "JS-O", kind="outpatient_chronic")
    )
    assert (outpatient.received_before_fen, outpatient.percent) == (0, 10)
    assert outpatient.assistance_fen == 70_000
    next_year = services.record_claim(
        staff.handler, **claim_body(people.dibao, "JS-Y", settled_on=datetime.date(2025, 6, 1))
    )
    assert next_year.received_before_fen == 0 and next_year.assistance_fen == 490_000


def test_the_cap_follows_the_person_into_a_new_household(staff, people):
    services.record_claim(staff.handler, **claim_body(people.dibao_spouse, "JS-A"))
    services.record_claim(staff.handler, **claim_body(people.dibao_spouse, "JS-B"))
    # The spouse leaves and founds a household of her own, still on 低保 there.
    Member.objects.filter(pk=people.dibao_spouse.pk).update(left_on=datetime.date(2026, 5, 1))
    (moved,) = household(staff, [member_form("41082119720202002", "李医", joined_on="2026-05-01")])
    approved_benefit(staff.county, moved, datetime.date(2026, 5, 1))
    third = services.record_claim(
        staff.handler, **claim_body(moved, "JS-C", settled_on=datetime.date(2026, 6, 1))
    )
    assert third.household_id != people.dibao_spouse.household_id
    assert (third.received_before_fen, third.assistance_fen) == (980_000, 20_000)


def test_a_rejected_claim_frees_its_room(staff, people):
    first = services.record_claim(staff.handler, **claim_body(people.dibao, "JS-1"))
    services.reject(staff.county, first.pk, reason="重复结算")
    second = services.record_claim(staff.handler, **claim_body(people.dibao, "JS-2"))
    assert second.received_before_fen == 0


def _three(staff, people, costs=(1_000_000, 1_000_000, 1_000_000)) -> list[Claim]:
    return [
        services.record_claim(
            staff.handler,
            **claim_body(
                people.dibao,
                f"JS-{n}",
                settled_on=datetime.date(2026, n, 10),
                total_cost_fen=cost,
            ),
        )
        for n, cost in enumerate(costs, start=1)
    ]


def test_a_rejected_second_claim_gives_the_third_what_the_cap_leaves(staff, people):
    first, second, third = _three(staff, people)
    assert third.assistance_fen == 20_000  # 490,000 + 490,000 before it
    services.reject(staff.county, second.pk, reason="重复结算")
    third.refresh_from_db()
    assert (third.received_before_fen, third.assistance_fen) == (490_000, 490_000)
    kept = Claim.objects.exclude(state=ClaimState.REJECTED)
    assert sum(c.assistance_fen for c in kept) == 980_000 <= CAP
    event = AuditEvent.objects.get(action="medical.claim_reject")
    assert event.after["recomputed"] == [{"claim": third.pk, "before": 20_000, "after": 490_000}]
    assert event.after["kept_as_decided"] == []
    first.refresh_from_db()
    assert first.assistance_fen == 490_000  # before the rejected one: unchanged


def test_a_rejection_fills_the_cap_exactly_and_an_approved_claim_keeps_its_amount(
    staff, people, make_user
):
    # 1,000,000 of residual at 70 % would be 700,000: the first two reach the cap to the fen.
    first, second, third = _three(staff, people, (1_300_000, 1_300_000, 1_300_000))
    assert (first.assistance_fen, second.assistance_fen, third.assistance_fen) == (
        700_000,
        300_000,
        0,
    )
    services.approve(staff.county, third.pk)  # decided on 0 before the rejection
    fourth = services.record_claim(
        staff.handler,
        **claim_body(people.dibao, "JS-4", settled_on=datetime.date(2026, 4, 10)),
    )
    assert fourth.assistance_fen == 0
    services.reject(staff.county, second.pk, reason="不符合")
    third.refresh_from_db()
    fourth.refresh_from_db()
    # The approved third keeps its 0; the undecided fourth takes the freed 300,000 exactly.
    assert third.assistance_fen == 0
    assert (fourth.received_before_fen, fourth.assistance_fen) == (700_000, 300_000)
    kept = Claim.objects.exclude(state=ClaimState.REJECTED)
    assert sum(c.assistance_fen for c in kept) == CAP
    event = AuditEvent.objects.get(action="medical.claim_reject")
    assert event.after["kept_as_decided"] == [third.pk]


@pytest.mark.parametrize(
    ("category", "settled_on", "expected"),
    [
        ("edge", "2026-01-31", ("none", 0)),  # the day before the entry
        ("edge", "2026-02-01", ("edge", 350_000)),  # 50 %, not the 70 % of 低保
        ("rigid_spending", "2026-05-31", ("rigid_spending", 350_000)),
        ("rigid_spending", "2026-06-01", ("none", 0)),  # the day it left
        ("return_risk", "2026-03-01", ("none", 0)),  # no category of medical assistance
    ],
)
def test_the_monitored_population_claims_by_the_entry_in_force_that_day(
    staff, people, category, settled_on, expected
):
    MonitoredEntry.objects.create(
        household_id=people.nobody.household_id,
        region_id=people.nobody.household.region_id,
        category=category,
        source="reported",
        entered_on=datetime.date(2026, 2, 1),
        left_on=datetime.date(2026, 6, 1),
        exit_reason="removed",
    )
    claim = services.record_claim(
        staff.handler,
        **claim_body(people.nobody, "JS-M", settled_on=datetime.date.fromisoformat(settled_on)),
    )
    assert (claim.category, claim.assistance_fen) == expected


def test_benefits_come_before_the_monitored_population(staff, people):
    MonitoredEntry.objects.create(
        household_id=people.dibao.household_id,
        region_id=people.dibao.household.region_id,
        category="edge",
        source="reported",
        entered_on=datetime.date(2025, 1, 1),
    )
    claim = services.record_claim(staff.handler, **claim_body(people.dibao, "JS-D"))
    assert (claim.category, claim.assistance_fen) == ("minimum_living", 490_000)


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"id_number": "12345"}, "id_number"),
        ({"settlement_number": "  "}, "settlement_number"),
        ({"kind": "dental"}, "kind"),
        ({"paid_to": "bank"}, "paid_to"),
        ({"hospital": ""}, "hospital"),
        ({"total_cost_fen": -1}, "total_cost_fen"),
        ({"basic_fen": 1_000_001}, "supplementary_fen"),
        ({"settled_on": datetime.date(2026, 9, 1)}, "settled_on"),
    ],
)
def test_bad_input_names_the_field_and_stores_nothing(staff, people, change, field):
    with pytest.raises(DoudiError) as refused:
        services.record_claim(staff.handler, **claim_body(people.dibao, "JS-1", **change))
    assert refused.value.field == field
    assert (
        not Claim.objects.exists()
        and not AuditEvent.objects.filter(action="medical.claim_record").exists()
    )


def test_who_may_not_and_who_is_elsewhere(staff, people, make_user):
    with pytest.raises(NotPermitted):
        services.record_claim(staff.village, **claim_body(people.dibao, "JS-1"))
    with pytest.raises(DoudiError) as refused:
        services.record_claim(staff.handler, **claim_body(people.outside, "JS-1"))
    assert refused.value.field == "id_number"
    claim = services.record_claim(staff.handler, **claim_body(people.dibao, "JS-1"))
    with pytest.raises(NotPermitted):
        services.approve(staff.handler, claim.pk)
    other_county = make_user(Role.COUNTY_APPROVER, "410825000000", "other_county")
    with pytest.raises(DoudiError) as hidden:
        services.approve(other_county, claim.pk)
    assert hidden.value.http_status == 404
    assert api_as(other_county).get(f"/api/v1/medical/claims/{claim.pk}/").status_code == 404
    mine = services.record_claim(staff.county, **claim_body(people.tekun, "JS-2"))
    with pytest.raises(DoudiError) as own:
        services.approve(staff.county, mine.pk)  # two persons: not who recorded it
    assert "recorded" in own.value.render("en")
    services.approve(staff.county_colleague, mine.pk)
    with pytest.raises(DoudiError):
        services.approve(staff.county, mine.pk)  # already decided


def _file(rows: list[list[object]]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append([header for _field, header in settlement_file.COLUMNS])
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _row(member, settlement, day="2026-03-01", kind="住院", total=10000, paid_to=""):
    return [settlement, number(member), member.name, day, kind, "焦作市人民医院",
            total, 2000, 500, 500, paid_to]  # fmt: skip


def test_the_settlement_file_imports_in_order_under_the_cap(staff, people):
    data = _file(
        [
            _row(people.dibao, "F-3", "2026-03-03"),
            _row(people.dibao, "F-1", "2026-03-01"),
            _row(people.dibao, "F-2", "2026-03-02"),
            _row(people.tekun, "F-4", kind="门诊慢特病", total="5234.56", paid_to="本人"),
        ]
    )
    claims = services.import_claims(staff.handler, settlement_file.read(data))
    by_number = {c.settlement_number: c for c in Claim.objects.all()}
    assert len(claims) == 4
    assert [by_number[n].assistance_fen for n in ("F-1", "F-2", "F-3")] == [
        490_000,
        490_000,
        20_000,
    ]
    # 5,234.56 less 3,000 of insurance leaves 2,234.56; outpatient 10 % for every category.
    assert (by_number["F-4"].residual_fen, by_number["F-4"].assistance_fen) == (223_456, 22_345)
    assert by_number["F-4"].paid_to == "person"
    event = AuditEvent.objects.get(action="medical.claims_import")
    assert event.after == {"claims": 4, "assistance_fen": 1_022_345}


def test_a_faulty_file_names_each_row_and_column_and_stores_nothing(staff, people):
    services.record_claim(staff.handler, **claim_body(people.nobody, "TAKEN"))
    data = _file(
        [
            _row(people.dibao, "F-1"),
            _row(people.dibao, "F-1"),  # twice in the file
            _row(people.dibao, "TAKEN"),  # already recorded
            [*_row(people.dibao, "F-5")[:4], "牙科", *_row(people.dibao, "F-5")[5:]],
            _row(people.outside, "F-6"),
            _row(people.dibao, "F-7", total="12.345"),
            _row(people.dibao, "F-8", day="3月1日"),
        ]
    )
    with pytest.raises(ValidationFailed) as refused:
        services.import_claims(staff.handler, settlement_file.read(data))
    problems = refused.value.problems
    found = {(p.row, p.column) for p in problems}
    assert found == {(5, "就诊类别"), (7, "医疗总费用"), (8, "结算日期")}
    # The rows that read, checked against the registry and the claims before: all or nothing.
    faulty = [
        _row(people.dibao, "F-1"),
        _row(people.dibao, "F-1"),
        _row(people.dibao, "TAKEN"),
        _row(people.outside, "F-6"),
    ]
    rows = settlement_file.read(_file(faulty))
    with pytest.raises(ValidationFailed) as refused:
        services.import_claims(staff.handler, rows)
    found = {(p.row, p.column) for p in refused.value.problems}
    assert found == {(3, "结算单号"), (4, "结算单号"), (5, "身份证号")}
    assert "第" in refused.value.problems[0].render("zh-hans") or refused.value.problems[0].row
    assert Claim.objects.count() == 1
    with pytest.raises(DoudiError) as wrong:
        settlement_file.read(b"not a workbook")
    assert wrong.value.field == "file"


def test_the_hospitals_are_owed_a_file_each_and_the_persons_are_paid_by_the_payroll(staff, people):
    hospital = {"paid_to": "hospital"}
    a = services.record_claim(staff.handler, **claim_body(people.dibao, "H-1", **hospital))
    b = services.record_claim(
        staff.handler, **claim_body(people.tekun, "H-2", hospital="修武县人民医院")
    )
    c = services.record_claim(staff.handler, **claim_body(people.dibao_spouse, "P-1",
                                                          paid_to="person"))  # fmt: skip
    d = services.record_claim(staff.handler, **claim_body(people.dibao, "P-2", paid_to="person"))
    for claim in (a, b, c, d):
        services.approve(staff.county, claim.pk)
    assert services.settle_hospitals(staff.county, reason="一站式结算") == 2
    owed = {s.hospital: s.total_fen for s in HospitalSettlement.objects.all()}
    assert owed == {"焦作市人民医院": 490_000, "修武县人民医院": 700_000}
    grant = services.pay_persons(staff.county, reason="医疗救助发放")
    (share,) = GrantShare.objects.filter(grant=grant)
    # One household, its two claims: 490,000 (spouse) and the head's 490,000 (his second).
    assert share.amount_fen == 490_000 + 490_000 and share.persons == 2
    assert set(Claim.objects.values_list("state", flat=True)) == {ClaimState.LISTED}
    with pytest.raises(DoudiError):
        services.pay_persons(staff.county, reason="再次")  # nothing left: paid once
    settlement = HospitalSettlement.objects.get(hospital="焦作市人民医院")
    client = api_as(staff.county)
    book = client.get(f"/api/v1/medical/settlements/{settlement.pk}/").json()
    assert book["settlement"]["total_fen"] == 490_000 and len(book["claims"]) == 1


def test_the_premium_list_lists_each_eligible_person_once(staff, people):
    # The 特困 person is on 低保 too; the spouse moved to a household of her own, on 低保 there.
    approved_benefit(staff.county, people.tekun, datetime.date(2026, 1, 1))
    Member.objects.filter(pk=people.dibao_spouse.pk).update(left_on=datetime.date(2026, 5, 1))
    (moved,) = household(staff, [member_form("41082119720202002", "李医", joined_on="2026-05-01")])
    approved_benefit(staff.county, moved, datetime.date(2026, 5, 1))
    premium_list = services.create_premium_list(staff.county, year=2026)
    entries = list(PremiumEntry.objects.filter(premium_list=premium_list))
    hashes = [e.person_hash for e in entries]
    assert len(hashes) == len(set(hashes)) == 3  # head, spouse once, 特困 once; not 赵常
    by_name = {e.member.name: (e.category, e.amount_fen) for e in entries}
    assert by_name["王特"] == ("extreme_hardship", 32_000)  # the full premium, 320 元 in 2026
    assert by_name["张医"] == ("minimum_living", 3_000)  # the subsidy, 30 元
    assert by_name["李医"] == ("minimum_living", 3_000)
    assert premium_list.persons == 3 and premium_list.total_fen == 38_000
    with pytest.raises(DoudiError) as twice:
        services.create_premium_list(staff.county, year=2026)
    assert twice.value.field == "year"
    with pytest.raises(NotPermitted):
        services.create_premium_list(staff.handler, year=2027)
    # The bureau's file: each person once, whole ID numbers, its download audited.
    _list, data = services.premium_file(staff.county, premium_list.pk)
    rows = list(openpyxl.load_workbook(io.BytesIO(data)).worksheets[0].values)[2:-1]
    assert sorted(r[1] for r in rows) == sorted(
        {number(people.dibao), number(people.tekun), number(moved)}
    )
    assert AuditEvent.objects.filter(action="medical.premium_file").count() == 1


def test_the_person_is_paid_exactly_the_claims_through_the_payroll(staff, people, make_user):
    """The grant pay_persons defines is approved by finance and paid by the payroll like every
    one-off grant: the payroll's total is the approved claims' assistance to the fen."""
    from doudi.conftest import INSIDE_COUNTY
    from doudi.grants import services as grant_services
    from doudi.payroll import services as payroll
    from doudi.payroll.tests.test_payroll import result_csv

    finance, bank = make_user(Role.FINANCE_OFFICER), make_user(Role.BANK_OPERATOR)
    Member.objects.filter(pk=people.tekun.pk).update(social_security_card="6217000000000099")
    for n in (1, 2):
        claim = services.record_claim(
            staff.handler, **claim_body(people.tekun, f"P-{n}", paid_to="person")
        )
        services.approve(staff.county, claim.pk)
    grant = services.pay_persons(staff.county, reason="医疗救助发放")
    grant_services.approve(finance, grant.pk)
    made = payroll.generate(
        staff.county, "one_off_grant", datetime.date(2026, 8, 1), INSIDE_COUNTY, grant_id=grant.pk
    )
    payroll.submit(staff.county, made.pk)
    payroll.approve(finance, made.pk)
    payroll.bank_file(bank, made.pk, "csv")
    made.refresh_from_db()
    payroll.reconcile(bank, made.pk, result_csv(made), "csv")
    # 特困, 100 %: 700,000 fen, then the remaining 300,000 of the 1,000,000 cap.
    assert made.total_fen == 1_000_000
