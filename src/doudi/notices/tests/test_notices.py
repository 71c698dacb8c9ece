"""A village's notices: the case on its 7-day notice and the month's recipients, masked, on a
public page reached only by the village's random link; a resident's objection reaches the case
and is recorded on it; every staff step walked from the one table on the page and the API;
refusals in Chinese naming the field; the per-address bound; who may not is refused."""

from __future__ import annotations

import datetime

import pytest
from django.test import Client
from django.utils.translation import gettext

from doudi.audit.models import AuditEvent
from doudi.benefits.models import Benefit
from doudi.cases import services as case_services
from doudi.cases.models import Case, Decision
from doudi.cases.procedures import State
from doudi.cases.tests.test_documents import text_of
from doudi.cases.tests.test_minimum_living import to_notice
from doudi.conftest import INSIDE_VILLAGE, api_as
from doudi.errors import DoudiError, NotPermitted, OutsideJurisdiction
from doudi.notices import queries, services, steps
from doudi.notices.models import ObjectionState, PublicObjection
from doudi.notices.views import FIELD_LABELS
from doudi.registry.services import end_membership

pytestmark = pytest.mark.django_db


@pytest.fixture
def on_notice(staff, household, clock) -> Case:
    case = to_notice(staff, household, clock)
    clock.at("2026-02-25")
    return case


@pytest.fixture
def board(staff, on_notice):
    return services.issue_link(staff.handler, INSIDE_VILLAGE)


def _de_facto_everywhere(staff, household) -> None:
    """A 事实无人抚养儿童 case on notice and benefit in force, as no procedure would make them:
    the notice must leave both out whatever the data say."""
    case = Case.objects.create(
        household=household,
        region_id=INSIDE_VILLAGE,
        programme="de_facto_unsupported",
        channel="window",
        submitted_by=staff.handler,
        submitted_on=datetime.date(2026, 1, 10),
        state=State.ON_NOTICE,
        notice_starts_on=datetime.date(2026, 2, 24),
        notice_ends_on=datetime.date(2026, 3, 2),
    )
    decided = Case.objects.create(
        household=household,
        region_id=INSIDE_VILLAGE,
        programme="de_facto_unsupported",
        channel="window",
        submitted_by=staff.handler,
        submitted_on=datetime.date(2026, 1, 10),
        state=State.APPROVED,
    )
    decision = Decision.objects.create(
        case=decided,
        outcome="approved",
        decided_on=datetime.date(2026, 1, 20),
        decided_by=staff.county,
        reasons="符合条件",
        notify_due_on=datetime.date(2026, 1, 25),
    )
    member = household.members.first()
    Benefit.objects.create(
        decision=decision,
        programme="de_facto_unsupported",
        household=household,
        region_id=INSIDE_VILLAGE,
        member=member,
        payee=member,
        monthly_amount_fen=150000,
        start_month=datetime.date(2026, 2, 1),
    )
    assert case.pk


def test_the_public_page_shows_the_case_masked_without_log_in(staff, household, board):
    head = household.members.get(relation="head")
    page = Client().get(f"/notice/{board.token}/")
    text = page.content.decode()
    assert page.status_code == 200
    assert queries.notice_of(board.region, datetime.date(2026, 2, 25)).proposed
    masked = (
        head.name[0] + "*" * (len(head.name) - 2) + (head.name[-1] if len(head.name) > 2 else "")
    )
    assert masked in text and head.name not in text
    assert head.reveal_id_number() not in text and head.id_number_masked not in text
    if household.address:
        assert household.address not in text
    # Nothing of the system: no menu, no link into staff pages.
    assert 'href="/' not in text.replace('href="/static/', "")
    assert "main-nav" not in text and "csrfmiddlewaretoken" in text


def test_a_de_facto_unsupported_child_is_never_on_the_notice(staff, household, board):
    _de_facto_everywhere(staff, household)
    notice = queries.notice_of(board.region, datetime.date(2026, 2, 25))
    assert [line.ref[0] for line in notice.proposed] == ["c"]
    assert notice.long_term == []
    text = Client().get(f"/notice/{board.token}/").content.decode()
    assert "事实无人抚养" not in text and "1,500.00" not in text


def test_an_unknown_or_renewed_link_shows_nothing(staff, board):
    old = board.token
    assert Client().get("/notice/not-a-token/").status_code == 404
    assert Client().get(f"/notice/{INSIDE_VILLAGE}/").status_code == 404
    services.issue_link(staff.handler, INSIDE_VILLAGE)
    assert Client().get(f"/notice/{old}/").status_code == 404


def test_an_objection_from_the_public_page_reaches_its_case_and_is_recorded_on_it(
    staff, on_notice, board
):
    response = Client().post(
        f"/notice/{board.token}/objection/",
        {
            "ref": f"c{on_notice.pk}",
            "text": "其子女在外务工收入较高。\r\n请核实。",
            "phone": "13800000000",
        },
    )
    assert response.status_code == 302 and response["Location"].endswith("?lodged=1")
    objection = on_notice.public_objections.get()
    assert (objection.state, objection.notice, objection.name) == ("open", "proposed", "")
    event = AuditEvent.objects.get(action="notices.objection_lodged")
    assert (
        event.actor_id is None and event.channel == "web" and "13800000000" not in str(event.after)
    )
    client = Client()
    client.force_login(staff.handler)
    assert "其子女在外务工收入较高" in client.get("/notices/objections/").content.decode()
    assert "/notices/objections/" in client.get("/").content.decode()  # the to-do list

    services.record_on_case(staff.handler, objection.pk, answer="转入异议处理，重新调查")
    on_notice.refresh_from_db()
    assert on_notice.state == State.OBJECTED
    assert on_notice.objections.get().content == "其子女在外务工收入较高。\n请核实。"
    assert on_notice.objections.get().received_on == objection.received_on
    objection.refresh_from_db()
    assert objection.state == ObjectionState.RECORDED
    with pytest.raises(DoudiError):
        services.record_on_case(staff.handler, objection.pk, answer="again")


@pytest.mark.parametrize(
    ("field", "body"),
    [
        ("text", {"text": "   "}),
        ("text", {"text": "多" * 1001}),
        ("text", {"text": "有异议\u202e"}),
        ("phone", {"text": "有异议", "phone": "abc"}),
        ("name", {"text": "有异议", "name": "张" * 31}),
        ("ref", {"text": "有异议", "ref": "c999999"}),
        ("ref", {"text": "有异议", "ref": "x1"}),
    ],
)
def test_bad_input_is_refused_naming_the_field_and_changes_nothing(on_notice, board, field, body):
    body = {"ref": f"c{on_notice.pk}", "name": "", "phone": "", **body}
    with pytest.raises(DoudiError) as refused:
        services.lodge_objection(
            board.token,
            body["ref"],
            name=body["name"],
            phone=body["phone"],
            text=body["text"],
            address="1.2.3.4",
        )
    assert refused.value.field == field
    response = Client().post(f"/notice/{board.token}/objection/", body)
    assert response.status_code == 400
    assert str(FIELD_LABELS[field]) in response.content.decode()
    assert not PublicObjection.objects.exists()
    assert not AuditEvent.objects.filter(action="notices.objection_lodged").exists()


def test_one_network_lodges_a_bounded_number_a_day(settings, on_notice, board):
    settings.DOUDI_PUBLIC_OBJECTIONS_PER_DAY = 2
    for _ in range(2):
        services.lodge_objection(
            board.token, f"c{on_notice.pk}", name="", phone="", text="异议", address="9.9.9.9"
        )
    with pytest.raises(DoudiError) as refused:
        services.lodge_objection(
            board.token, f"c{on_notice.pk}", name="", phone="", text="异议", address="9.9.9.9"
        )
    assert "2" in refused.value.render("en")
    services.lodge_objection(
        board.token, f"c{on_notice.pk}", name="", phone="", text="异议", address="8.8.8.8"
    )
    assert PublicObjection.objects.count() == 3
    assert "9.9.9.9" not in str(list(PublicObjection.objects.values_list("sender_key", flat=True)))


def test_public_reads_are_bounded_per_minute(settings, board):
    settings.DOUDI_PUBLIC_PAGES_PER_MINUTE = 2
    client = Client(REMOTE_ADDR="7.7.7.7")
    assert [client.get(f"/notice/{board.token}/").status_code for _ in range(3)] == [200, 200, 429]


def test_behind_the_proxy_each_client_is_bounded_by_the_address_the_proxy_gives(settings, board):
    settings.DOUDI_PUBLIC_PAGES_PER_MINUTE = 1
    settings.DOUDI_CLIENT_ADDRESS_HEADER = "X-Real-IP"
    url = f"/notice/{board.token}/"
    proxy = Client(REMOTE_ADDR="10.9.9.9")  # no other test reads from it
    assert proxy.get(url, HTTP_X_REAL_IP="7.7.7.1").status_code == 200
    assert proxy.get(url, HTTP_X_REAL_IP="7.7.7.2").status_code == 200  # another client
    assert proxy.get(url, HTTP_X_REAL_IP="7.7.7.1").status_code == 429
    settings.DOUDI_CLIENT_ADDRESS_HEADER = ""  # no header trusted: the connection's address
    assert proxy.get(url, HTTP_X_REAL_IP="7.7.7.3").status_code == 200
    assert proxy.get(url, HTTP_X_REAL_IP="7.7.7.4").status_code == 429


def test_every_step_is_offered_on_the_page_and_the_api_to_who_may_take_it(staff, on_notice, board):
    """Walks the one table: each step's form is on the page for the township, absent for the
    village worker, and its API endpoint takes the same input."""
    client = Client()
    # Lodged first: recording one on the case ends the case's notice.
    lodged = [
        services.lodge_objection(
            board.token, f"c{on_notice.pk}", name="", phone="", text="异议", address=str(number)
        )
        for number in range(len(steps.STEPS))
    ]
    for number, step in enumerate(steps.STEPS):
        if step.applies is None:
            page_url, subject = f"/notices/{INSIDE_VILLAGE}/", INSIDE_VILLAGE
            action = f"/notices/{INSIDE_VILLAGE}/{step.name}/"
            api_url = f"/api/v1/notices/villages/{INSIDE_VILLAGE}/{step.name}/"
        else:
            objection = lodged[number]
            page_url, subject = "/notices/objections/", objection.pk
            action = f"/notices/objections/{objection.pk}/{step.name}/"
            api_url = f"/api/v1/notices/objections/{objection.pk}/{step.name}/"
        client.force_login(staff.village)
        assert f'action="{action}"' not in client.get(page_url).content.decode()
        client.force_login(staff.handler)
        assert f'action="{action}"' in client.get(page_url).content.decode()
        if number % 2:
            assert client.post(action, {"answer": "已核实"}).status_code == 302
        else:
            response = api_as(staff.handler).post(api_url, {"answer": "已核实"}, format="json")
            assert response.status_code == 200, response.content
        if step.applies is not None:
            objection.refresh_from_db()
            assert objection.state != ObjectionState.OPEN
        assert subject
    api = api_as(staff.handler)
    assert (
        api.post(
            "/api/v1/notices/objections/999/answer/", {"answer": "x"}, format="json"
        ).status_code
        == 404
    )
    assert api.post("/api/v1/notices/objections/1/nonsense/", {}, format="json").status_code == 404


def test_who_may_not_is_refused(staff, make_user, on_notice, board):
    objection = services.lodge_objection(
        board.token, f"c{on_notice.pk}", name="", phone="", text="异议", address="1"
    )
    with pytest.raises(NotPermitted):
        services.answer(staff.village, objection.pk, answer="x")
    with pytest.raises(NotPermitted):
        services.issue_link(staff.county, INSIDE_VILLAGE)
    from doudi.accounts.roles import Role

    elsewhere = make_user(Role.TOWNSHIP_HANDLER, "410821901000", "elsewhere")
    with pytest.raises(OutsideJurisdiction):
        services.answer(elsewhere, objection.pk, answer="x")
    with pytest.raises(OutsideJurisdiction):
        services.issue_link(elsewhere, INSIDE_VILLAGE)
    client = Client()
    client.force_login(elsewhere)
    assert client.get(f"/notices/{INSIDE_VILLAGE}/").status_code == 404
    assert api_as(elsewhere).get(f"/api/v1/notices/villages/{INSIDE_VILLAGE}/").status_code == 404
    assert not queries.objections(elsewhere).exists()


def test_the_staff_page_api_and_pdf_show_the_same_masked_lines(staff, household, on_notice, board):
    client = Client()
    client.force_login(staff.county)
    page = client.get(f"/notices/{INSIDE_VILLAGE}/").content.decode()
    assert board.token in page
    data = api_as(staff.county).get(f"/api/v1/notices/villages/{INSIDE_VILLAGE}/").json()
    assert [line["ref"] for line in data["proposed"]] == [f"c{on_notice.pk}"]
    name = data["proposed"][0]["name"]
    assert "*" in name
    response = client.get(f"/notices/{INSIDE_VILLAGE}/notice.pdf")
    assert response["Content-Type"] == "application/pdf"
    text = text_of(response.content)
    head = household.members.get(relation="head")
    assert name in text and head.name not in text
    assert head.reveal_id_number() not in text


def test_the_card_tells_what_when_why_the_next_re_check_rights_and_hotline(
    settings, staff, household, on_notice, clock
):
    settings.DOUDI_HOTLINE = "0391-12349"
    clock.at("2026-03-03")
    case_services.approve(staff.county, on_notice.pk, reasons="符合条件，准予保障。")
    clock.at("2026-04-02")
    client = Client()
    client.force_login(staff.handler)
    response = client.get(f"/notices/cards/{household.pk}.pdf")
    assert response["Content-Type"] == "application/pdf"
    text = text_of(response.content)
    for expected in ("最低生活保障", "2026年04月", "符合条件，准予保障。", "行政复议", "六十日"):
        assert expected in text, expected
    assert "0391-12349" in text and "人民政府" in text
    assert household.members.get(relation="head").reveal_id_number() not in text
    card = api_as(staff.handler).get(f"/api/v1/notices/cards/{household.pk}/").json()[0]
    assert card["lines"][0]["from_month"] == "2026-04-01"
    assert card["lines"][0]["next_recheck"]  # 低保 is re-checked on a schedule
    assert card["lines"][0]["conditions"]
    batch = text_of(client.get(f"/notices/{INSIDE_VILLAGE}/cards.pdf").content)
    assert "符合条件，准予保障。" in batch
    elsewhere = api_as(staff.village)
    assert elsewhere.get(f"/api/v1/notices/cards/{household.pk}/").status_code == 200


def test_a_member_who_died_is_not_counted_and_a_notice_ended_is_gone(staff, household, board):
    spouse = household.members.get(relation="spouse")
    line = queries.notice_of(board.region, datetime.date(2026, 2, 25)).proposed[0]
    assert (line.household_size, line.name, line.monthly_amount) == (2, "张*", "—")
    assert line.item == gettext("proposed approval")
    end_membership(
        staff.handler,
        spouse.pk,
        left_on=datetime.date(2026, 2, 25),
        leave_reason="death",
        reason="死亡",
        death_date=datetime.date(2026, 2, 24),
    )
    assert (
        queries.notice_of(board.region, datetime.date(2026, 2, 25)).proposed[0].household_size == 1
    )
    # The last day of the notice is on it; the day after, nothing is left to object to.
    assert queries.notice_of(board.region, datetime.date(2026, 3, 2)).proposed
    assert not queries.notice_of(board.region, datetime.date(2026, 3, 3)).proposed
