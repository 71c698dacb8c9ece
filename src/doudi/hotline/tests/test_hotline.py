"""The hotline's behaviour: deadlines from the dated parameters in working days, the at-risk
and overdue lists, escalation of an overdue ticket to the county, closure with satisfaction,
what a ticket leads to, the public page's enquiries under its bounds, masking, refusals and
jurisdiction, and the month's figures."""

from __future__ import annotations

import datetime
import io

import openpyxl
import pytest
from django.core.management import call_command
from django.test import Client

from doudi.accounts.roles import Role
from doudi.audit.models import AuditEvent
from doudi.conftest import INSIDE_TOWNSHIP, OUTSIDE_COUNTY, OUTSIDE_TOWNSHIP, api_as
from doudi.errors import DoudiError, NotPermitted, OutsideJurisdiction
from doudi.hotline import queries, services
from doudi.hotline.models import Source, Ticket, TicketState
from doudi.hotline.tests.conftest import call
from doudi.notices import services as notice_services
from doudi.notices.masking import mask_phone
from doudi.notices.models import PublicObjection

pytestmark = pytest.mark.django_db
D = datetime.date


def test_a_ticket_is_due_its_categorys_working_days_with_the_parameters_reference(staff, friday):
    complaint = call(staff, "complaint")
    enquiry = call(staff, "enquiry")
    report = call(staff, "report")
    assert complaint.region_id == INSIDE_TOWNSHIP
    assert (complaint.deadline_days, complaint.due_on) == (5, D(2026, 9, 11))  # over a weekend
    assert (enquiry.deadline_days, enquiry.due_on) == (2, D(2026, 9, 8))
    # 15 working days: Sunday 09-20 is an adjusted working day (调休), counted.
    assert report.due_on == D(2026, 9, 24)
    assert "焦作日报" in complaint.deadline_reference
    event = AuditEvent.objects.get(action="hotline.ticket_received", object_id=str(complaint.pk))
    assert event.after["due_on"] == "2026-09-11"


def test_the_at_risk_and_overdue_lists_at_their_boundaries(staff, friday, clock):
    enquiry = call(staff, "enquiry")  # due Tue 09-08
    complaint = call(staff, "complaint")  # due Fri 09-11
    ids = lambda name, day: [t.pk for t in queries.listed(staff.handler, name, day)]  # noqa: E731
    assert ids("at_risk", D(2026, 9, 4)) == []  # the horizon is Mon 09-07
    assert ids("at_risk", D(2026, 9, 7)) == [enquiry.pk]  # due the next working day
    assert ids("at_risk", D(2026, 9, 8)) == [enquiry.pk]  # due today: still at risk
    assert ids("overdue", D(2026, 9, 8)) == []
    assert ids("overdue", D(2026, 9, 9)) == [enquiry.pk]
    assert ids("at_risk", D(2026, 9, 10)) == [complaint.pk]
    assert ids("overdue", D(2026, 9, 14)) == [enquiry.pk, complaint.pk]


def test_a_ticket_past_its_deadline_escalates_to_the_county(staff, friday, clock, make_user):
    enquiry = call(staff, "enquiry")  # due 09-08
    complaint = call(staff, "complaint")  # due 09-11
    elsewhere = make_user(Role.TOWNSHIP_HANDLER, OUTSIDE_TOWNSHIP, "elsewhere")
    other = services.receive(elsewhere, source="letter", category="enquiry", content="咨询")
    assert services.escalate_overdue(None, INSIDE_TOWNSHIP[:6] + "000000", D(2026, 9, 8)) == 0
    assert services.escalate_overdue(staff.county, staff.county.region_id, D(2026, 9, 9)) == 1
    enquiry.refresh_from_db()
    assert (enquiry.state, enquiry.escalated_on) == (TicketState.ESCALATED, D(2026, 9, 9))
    assert Ticket.objects.get(pk=complaint.pk).state == TicketState.OPEN
    assert Ticket.objects.get(pk=other.pk).state == TicketState.OPEN  # another county's
    assert services.escalate_overdue(staff.county, staff.county.region_id, D(2026, 9, 10)) == 0
    run = AuditEvent.objects.filter(action="hotline.escalation_run").order_by("-seq").first()
    assert run.after["escalated"] == 0
    assert [t.pk for t in queries.listed(staff.county, "escalated", D(2026, 9, 9))] == [enquiry.pk]
    # The escalated ticket is still handled: the county answers and closes it, late.
    clock.at("2026-09-09")
    closed = services.close(staff.county, enquiry.pk, answer="已答复", satisfaction="fairly")
    assert closed.state == TicketState.CLOSED and closed.answered_on_time is False


def test_the_daily_command_escalates_and_the_township_may_not_escalate_the_county(
    staff, friday, clock, cli_as, capsys
):
    enquiry = call(staff, "enquiry")
    clock.at("2026-09-09")
    cli_as(staff.county)
    call_command("hotline_daily")
    assert Ticket.objects.get(pk=enquiry.pk).state == TicketState.ESCALATED
    assert "1" in capsys.readouterr().out
    with pytest.raises(OutsideJurisdiction):
        services.escalate_overdue(staff.handler, staff.county.region_id)


def test_closure_with_the_answer_and_the_callers_satisfaction(staff, friday, clock):
    ticket = call(staff, "complaint")
    clock.at("2026-09-11")  # the last day
    closed = services.close(
        staff.handler, ticket.pk, answer="已复核，评议程序合规", satisfaction="satisfied"
    )
    assert (closed.state, closed.satisfaction, closed.answered_on_time) == (
        "closed",
        "satisfied",
        True,
    )
    with pytest.raises(DoudiError) as refused:
        services.close(staff.handler, ticket.pk, answer="再次", satisfaction="satisfied")
    assert refused.value.field == "state"
    event = AuditEvent.objects.get(action="hotline.ticket_closed", object_id=str(ticket.pk))
    assert event.after == {"state": "closed", "satisfaction": "satisfied", "on_time": True}


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"category": "gossip"}, "category"),
        ({"source": "public_page"}, "source"),
        ({"content": "  "}, "content"),
        ({"caller_phone": "call me"}, "caller_phone"),
        ({"caller_name": "王\u202e明"}, "caller_name"),
        ({"source": "12345"}, "external_number"),
        ({"received_on": D(2026, 9, 5)}, "received_on"),
        ({"township": "410821902001"}, "township"),  # a village, not a township
    ],
)
def test_bad_input_is_refused_naming_the_field_and_changes_nothing(staff, friday, fields, field):
    fields = {"category": "complaint", **fields}
    with pytest.raises(DoudiError) as refused:
        call(staff, fields.pop("category"), **fields)
    assert refused.value.field == field
    assert Ticket.objects.count() == 0


def test_the_household_decides_the_township_and_must_be_in_reach(staff, households, make_user):
    ticket = call(staff, "application_help", household=households[1].pk)
    assert ticket.region_id == INSIDE_TOWNSHIP and ticket.household_id == households[1].pk
    elsewhere = make_user(Role.TOWNSHIP_HANDLER, OUTSIDE_TOWNSHIP, "elsewhere")
    with pytest.raises(OutsideJurisdiction):
        services.receive(elsewhere, source="call", category="enquiry", content="问",
                         household=households[1].pk)  # fmt: skip
    with pytest.raises(OutsideJurisdiction):
        services.receive(elsewhere, source="call", category="enquiry", content="问",
                         township=INSIDE_TOWNSHIP)  # fmt: skip
    with pytest.raises(DoudiError) as refused:
        services.receive(staff.county, source="call", category="enquiry", content="问")
    assert refused.value.field == "township"


def test_who_may_not_is_refused_and_the_auditor_only_reads(staff, friday, make_user):
    ticket = call(staff)
    auditor = make_user(Role.AUDITOR)
    assert [t.pk for t in queries.listed(auditor, "open", D(2026, 9, 4))] == [ticket.pk]
    with pytest.raises(NotPermitted):
        services.close(auditor, ticket.pk, answer="x", satisfaction="satisfied")
    with pytest.raises(NotPermitted):
        services.receive(staff.village, source="call", category="enquiry", content="问",
                         township=INSIDE_TOWNSHIP)  # fmt: skip
    with pytest.raises(NotPermitted):
        queries.listed(staff.village, "open", D(2026, 9, 4))
    other_county = make_user(Role.COUNTY_APPROVER, OUTSIDE_COUNTY, "other_county")
    assert not queries.listed(other_county, "all", D(2026, 9, 4)).exists()
    with pytest.raises(OutsideJurisdiction):
        services.close(other_county, ticket.pk, answer="x", satisfaction="satisfied")
    assert api_as(other_county).get(f"/api/v1/hotline/tickets/{ticket.pk}/").status_code == 404
    assert api_as(staff.village).get("/api/v1/hotline/tickets/").status_code == 403


def test_a_ticket_opens_a_case_a_warning_and_is_referred_to_supervision(staff, households):
    ticket = call(staff, "application_help", household=households[1].pk, content="家中困难")
    ticket = services.open_case(
        staff.handler, ticket.pk, programme="minimum_living", note="来电求助"
    )
    assert ticket.case.household_id == households[1].pk and ticket.case.channel == "discovery"
    ticket = services.raise_warning(staff.handler, ticket.pk, severity=2, note="子女重病")
    assert ticket.warning.household_id == households[1].pk
    ticket = services.refer_to_supervision(staff.handler, ticket.pk, note="反映村干部优亲厚友")
    assert ticket.referred_to_supervision_on == D(2026, 9, 4)
    with pytest.raises(DoudiError):
        services.refer_to_supervision(staff.handler, ticket.pk, note="再次")
    unknown = call(staff, "complaint")
    with pytest.raises(DoudiError) as refused:
        services.open_case(staff.handler, unknown.pk, programme="minimum_living", note="x")
    assert refused.value.field == "household"
    actions = set(AuditEvent.objects.filter(object_type="hotline_ticket", object_id=str(ticket.pk))
                  .values_list("action", flat=True))  # fmt: skip
    assert {
        "hotline.case_opened",
        "hotline.warning_raised",
        "hotline.supervision_referred",
    } <= actions


def test_the_county_gives_a_ticket_to_another_township(staff, friday, make_user):
    ticket = call(staff, "complaint")
    other = "410821100000"  # another township of the inside county, if the test tree has one
    from doudi.regions.models import Region

    other = (
        Region.objects.filter(level="township", code__startswith="410821")
        .exclude(code=INSIDE_TOWNSHIP)
        .values_list("code", flat=True)
        .first()
    )
    if other is None:
        pytest.skip("the test tree has one township in the county")
    with pytest.raises(DoudiError):
        services.reassign(staff.handler, ticket.pk, township=other, reason="属地")
    moved = services.reassign(staff.county, ticket.pk, township=other, reason="属地")
    assert moved.region_id == other and moved.due_on == ticket.due_on


def test_an_enquiry_from_the_public_page_is_a_ticket_of_the_villages_township(
    settings, staff, board
):
    client = Client(REMOTE_ADDR="6.6.6.6")
    page = client.get(f"/notice/{board.token}/").content.decode()
    assert f'action="/notice/{board.token}/enquiry/"' in page
    response = client.post(
        f"/notice/{board.token}/enquiry/",
        {"category": "application_help", "text": "想申请低保", "phone": "13900001111"},
    )
    assert response.status_code == 302 and "asked=1" in response["Location"]
    ticket = Ticket.objects.get()
    assert (ticket.source, ticket.region_id, ticket.received_by) == (
        Source.PUBLIC_PAGE, INSIDE_TOWNSHIP, None)  # fmt: skip
    assert "13900001111" not in client.get(f"/notice/{board.token}/").content.decode()
    refused = client.post(f"/notice/{board.token}/enquiry/", {"category": "objection", "text": "x"})
    assert refused.status_code == 400 and Ticket.objects.count() == 1
    assert AuditEvent.objects.filter(action="hotline.ticket_lodged", actor_id=None).count() == 1


def test_the_public_page_bound_counts_objections_and_enquiries_together(settings, staff, board):
    settings.DOUDI_PUBLIC_OBJECTIONS_PER_DAY = 2
    lodge = lambda address: services.lodge_from_public_page(  # noqa: E731
        board.token, category="enquiry", name="", phone="", text="咨询", address=address
    )
    lodge("9.9.9.9")
    assert PublicObjection.objects.count() == 0
    lodge("9.9.9.9")
    with pytest.raises(DoudiError) as refused:
        lodge("9.9.9.9")
    assert refused.value.field == "text"
    lodge("8.8.8.8")
    assert Ticket.objects.count() == 3
    assert "9.9.9.9" not in str(list(Ticket.objects.values_list("sender_key", flat=True)))
    with pytest.raises(DoudiError):
        services.lodge_from_public_page(
            "no-such-token", category="enquiry", name="", phone="", text="x", address="1.1.1.1"
        )
    assert notice_services.sender_key("8.8.8.8", D(2026, 9, 4)) in set(
        Ticket.objects.values_list("sender_key", flat=True)
    )


@pytest.mark.parametrize(
    ("phone", "shown"),
    [
        ("13812345678", "138****5678"),
        ("0391-1234567", "039****4567"),
        ("0391-123456", "039****456"),
        ("12345", "***45"),
        ("", ""),
    ],
)
def test_a_phone_is_masked(phone, shown):
    assert mask_phone(phone) == shown


def test_pages_and_api_show_the_caller_masked(staff, friday):
    ticket = call(staff, caller_name="王小明", caller_phone="13812345678")
    client = Client()
    client.force_login(staff.handler)
    for url in ("/hotline/?list=all", f"/hotline/{ticket.pk}/"):
        page = client.get(url).content.decode()
        assert "王*明" in page and "138****5678" in page
        assert "13812345678" not in page and "王小明" not in page
    data = api_as(staff.handler).get(f"/api/v1/hotline/tickets/{ticket.pk}/").json()
    assert (data["caller_name"], data["caller_phone"]) == ("王*明", "138****5678")


def test_the_months_figures_on_the_page_in_the_workbook_and_the_api(staff, friday, clock):
    on_time = call(staff, "enquiry")
    late = call(staff, "complaint")
    call(staff, "complaint")
    services.close(staff.handler, on_time.pk, answer="已答复", satisfaction="satisfied")
    clock.at("2026-09-14")
    services.close(staff.handler, late.pk, answer="已答复", satisfaction="not_satisfied")
    found = queries.monthly_figures(staff.county, D(2026, 9, 1), D(2026, 9, 14))
    assert (found.total.received, found.total.closed, found.total.on_time) == (3, 2, 1)
    assert found.total.open_overdue == 1
    assert found.total.satisfaction["not_satisfied"] == 1
    by_category = {r.category: r for r in queries.by_category(found)}
    assert (by_category["complaint"].received, by_category["enquiry"].on_time) == (2, 1)
    client = Client()
    client.force_login(staff.county)
    page = client.get("/hotline/figures/?month=2026-09").content.decode()
    assert 'data-testid="received">3<' in page and 'data-testid="on-time">1<' in page
    book = openpyxl.load_workbook(
        io.BytesIO(client.get("/hotline/figures.xlsx?month=2026-09").content)
    )
    assert list(book.worksheets[0].values)[-1][3] == 3
    assert client.get("/hotline/figures/?month=2026-13").status_code == 302
    data = api_as(staff.county).get("/api/v1/hotline/figures/?month=2026-09").json()
    assert data["total"]["on_time"] == 1 and data["total"]["received"] == 3
    assert api_as(staff.county).get("/api/v1/hotline/figures/?month=bad").status_code == 400
    assert queries.monthly_figures(staff.county, D(2026, 8, 1), D(2026, 9, 14)).total.received == 0


def test_the_to_do_lists_the_townships_open_tickets_and_the_countys_escalated_ones(
    staff, friday, clock
):
    enquiry = call(staff, "enquiry")
    call(staff, "complaint")
    client = Client()
    client.force_login(staff.handler)
    assert f"/hotline/{enquiry.pk}/" in client.get("/").content.decode()
    client.force_login(staff.county)
    assert f"/hotline/{enquiry.pk}/" not in client.get("/").content.decode()
    services.escalate_overdue(None, staff.county.region_id, D(2026, 9, 9))
    assert f"/hotline/{enquiry.pk}/" in client.get("/").content.decode()


def test_the_household_named_later_must_be_of_the_tickets_township(staff, households, make_user):
    ticket = call(staff, "complaint")
    elsewhere = make_user(Role.TOWNSHIP_HANDLER, OUTSIDE_TOWNSHIP, "elsewhere")
    with pytest.raises(OutsideJurisdiction):
        services.link_household(elsewhere, ticket.pk, household=households[1].pk, note="x")
    linked = services.link_household(
        staff.handler, ticket.pk, household=households[1].pk, note="来电人为户主"
    )
    assert linked.household_id == households[1].pk
    with pytest.raises(DoudiError) as refused:
        services.link_household(staff.handler, ticket.pk, household=households[2].pk, note="x")
    assert refused.value.field == "household"


def test_the_duty_roster(staff, friday, make_user):
    colleague = make_user(Role.TOWNSHIP_HANDLER, INSIDE_TOWNSHIP, "colleague")
    shift = services.schedule_duty(
        staff.handler, day=D(2026, 9, 7), staff="colleague", hours="08:30–17:30"
    )
    assert (shift.region_id, shift.staff_id) == (INSIDE_TOWNSHIP, colleague.pk)
    with pytest.raises(DoudiError) as refused:
        services.schedule_duty(staff.handler, day=D(2026, 9, 7), staff="colleague", hours="全天")
    assert refused.value.field == "day"
    for day, who, field in [
        (D(2026, 9, 3), "colleague", "day"),  # past
        (D(2026, 9, 8), staff.reviewer.username, "staff"),  # reviewers do not handle tickets
        (D(2026, 9, 8), staff.county.username, "staff"),  # not of the same place
    ]:
        with pytest.raises(DoudiError) as refused:
            services.schedule_duty(staff.handler, day=day, staff=who, hours="全天")
        assert refused.value.field == field
    assert [s.pk for s in queries.roster(staff.county, D(2026, 9, 4))] == [shift.pk]
    other_county = make_user(Role.COUNTY_APPROVER, OUTSIDE_COUNTY, "other_county")
    with pytest.raises(OutsideJurisdiction):
        services.remove_duty(other_county, shift.pk)
    assert services.remove_duty(staff.handler, shift.pk) == shift.pk
    assert not queries.roster(staff.county, D(2026, 9, 4)).exists()
