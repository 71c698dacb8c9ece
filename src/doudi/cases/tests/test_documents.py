"""The case's documents are real PDFs in Chinese: the font embedded, the text extractable, ID
numbers masked, and only for a step the case has reached."""

from __future__ import annotations

import io

import pypdf
import pytest

from doudi.cases import services
from doudi.cases.documents import DOCUMENT_KINDS, render
from doudi.cases.seal import office_of
from doudi.cases.tests.helpers import investigate, open_case, refused
from doudi.conftest import valid_id_number

pytestmark = pytest.mark.django_db


def text_of(data: bytes) -> str:
    assert data.startswith(b"%PDF")
    pages = pypdf.PdfReader(io.BytesIO(data)).pages
    # pypdf reads this font's two-byte character map with a NUL before each character.
    return "".join(page.extract_text() for page in pages).replace("\x00", "")


def decided(staff, household, clock, *, approve: bool):
    clock.at("2026-03-02")
    case = open_case(staff, household, need="家庭无收入，申请低保")
    services.accept(staff.handler, case.pk)
    investigate(staff, case, "2026-03-02", findings="入户核实无劳动收入。")
    services.request_check(staff.handler, case.pk)
    services.record_check(staff.county, case.pk, result="consistent")
    services.give_opinion(staff.handler, case.pk, recommends_approval=False, text="意见")
    if approve:
        return services.approve(staff.county, case.pk, reasons="符合低保条件")
    return services.refuse(staff.county, case.pk, reasons="家庭财产超过规定标准")


def test_every_document_of_an_approved_case(staff, household, clock):
    case = decided(staff, household, clock, approve=True)
    full_id = valid_id_number("41082119700101001")
    masked = household.members.get(name="张三").id_number_masked
    for kind in ("application", "investigation", "acceptance", "approval"):
        data = render(kind, case)
        assert b"NotoSansCJK" in data  # the font travels with the file
        text = text_of(data)
        assert "张三" in text and case.file_number in text
        assert full_id not in text and masked in text
    assert "批准通知书" in text_of(render("approval", case))
    assert "入户核实无劳动收入" in text_of(render("investigation", case))
    with refused("no Notice of refusal"):
        render("refusal", case)


def test_the_refusal_notice_gives_the_reasons(staff, household, clock):
    case = decided(staff, household, clock, approve=False)
    text = text_of(render("refusal", case))
    assert "不予批准通知书" in text and "家庭财产超过规定标准" in text and "行政复议" in text


def test_documents_before_their_step_or_of_unknown_kind_are_refused(staff, household, clock):
    clock.at("2026-03-02")
    case = open_case(staff, household)
    assert "申请书" in text_of(render("application", case))
    with refused("no Notice of acceptance"):
        render("acceptance", case)
    with refused("not one of"):
        render("receipt", case)
    assert set(DOCUMENT_KINDS) == {
        "application",
        "investigation",
        "acceptance",
        "refusal",
        "approval",
    }


def test_a_missing_font_is_a_clear_refusal(staff, household, clock, settings):
    clock.at("2026-03-02")
    case = open_case(staff, household)
    settings.CJK_FONT = "/nonexistent/font.ttc"
    with refused("fonts-noto-cjk"):
        render("application", case)


def test_notices_carry_the_seal_of_the_level_that_decided_and_lines_to_sign(
    staff, household, clock
):
    case = decided(staff, household, clock, approve=True)
    approval = text_of(render("approval", case))
    assert "修武县民政局" in approval  # the county confirmed it
    assert f"审批人 {case.decision.decided_by}（签字）" in approval
    assert "申请人签收（签字或按手印）" in approval
    acceptance = text_of(render("acceptance", case))
    assert "示例镇人民政府" in acceptance and "经办人（签字）" in acceptance
    assert "2026年03月02日" in acceptance  # the day it was accepted, under the seal
    investigation = text_of(render("investigation", case))
    for person in (staff.handler, staff.village):
        assert f"调查人员 {person}（签字）" in investigation
    assert "被调查人（签字或按手印）" in investigation
    assert "申请人（签字或按手印）" in text_of(render("application", case))


def test_a_case_the_township_confirmed_carries_the_township_s_seal(staff, household, clock):
    case = decided(staff, household, clock, approve=True)
    case.decision.decided_by = staff.reviewer  # as where the power is delegated to the township
    assert office_of(case) == "示例镇人民政府"


def test_the_case_page_offers_only_the_documents_that_exist(staff, household, clock, client):
    clock.at("2026-03-02")
    case = open_case(staff, household)
    client.force_login(staff.handler)

    def offered() -> set[str]:
        page = client.get(f"/cases/{case.pk}/").content.decode()
        return {kind for kind in DOCUMENT_KINDS if f"/documents/{kind}.pdf" in page}

    assert offered() == {"application"}
    refusal = client.get(f"/cases/{case.pk}/documents/acceptance.pdf")
    assert refusal.status_code == 400 and "受理通知书" in refusal.content.decode()
    services.accept(staff.handler, case.pk)
    assert offered() == {"application", "acceptance"}
    investigate(staff, case, "2026-03-02")
    assert offered() == {"application", "acceptance", "investigation"}
    services.request_check(staff.handler, case.pk)
    services.record_check(staff.county, case.pk, result="consistent")
    services.give_opinion(staff.handler, case.pk, recommends_approval=False, text="意见")
    services.refuse(staff.county, case.pk, reasons="家庭财产超过规定标准")
    assert offered() == {"application", "acceptance", "investigation", "refusal"}
