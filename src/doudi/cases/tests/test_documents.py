"""The case's documents are real PDFs in Chinese: the font embedded, the text extractable, ID
numbers masked, and only for a step the case has reached."""

from __future__ import annotations

import io

import pypdf
import pytest

from doudi.cases import services
from doudi.cases.documents import DOCUMENT_KINDS, render
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
