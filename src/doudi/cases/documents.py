"""Printable documents of a case, as PDF in Chinese: the application form, the investigation
record, and the notices of acceptance, refusal (with its reasons) and approval.

The font (Noto Sans CJK, Debian's fonts-noto-cjk) is embedded, subset, in each file, so the
document prints the same on any machine. ID numbers appear masked only. The page, table,
paragraph and household helpers below serve the check report's PDF too (checks.pdf).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from django.conf import settings
from django.utils import translation
from django.utils.translation import gettext_lazy as _
from fpdf import FPDF

from doudi.cases.models import Case, Decision, Outcome
from doudi.cases.procedures import CaseKind
from doudi.cases.seal import office_of, sealed_by, signature_lines, township_office
from doudi.errors import DoudiError
from doudi.money import fen_to_yuan
from doudi.regions.models import Region

DOCUMENT_KINDS = {
    "application": _("Application form"),
    "investigation": _("Investigation record"),
    "acceptance": _("Notice of acceptance"),
    "refusal": _("Notice of refusal"),
    "approval": _("Notice of approval"),
}
TITLES = {
    "application": "社会救助申请书",
    "investigation": "家庭经济状况调查记录",
    "acceptance": "社会救助申请受理通知书",
    "refusal": "不予批准通知书",
    "approval": "批准通知书",
}
# A re-check's decision may keep, raise, lower or stop: it is told as what it is.
REVIEW_TITLE = "复核决定通知书"
APPEAL = (
    "如对本决定不服，可自收到本通知书之日起六十日内依法申请行政复议，或者六个月内依法提起行政诉讼。"
)
FONT = "cjk"
# What each document records: it exists, and the case's page offers it, once the case has
# reached that.
REACHED: dict[str, Callable[[Case, Decision | None], bool]] = {
    "application": lambda case, decision: True,
    "investigation": lambda case, decision: case.investigations.exists(),
    "acceptance": lambda case, decision: case.accepted_on is not None,
    "refusal": lambda case, decision: decision is not None and decision.outcome == Outcome.REFUSED,
    "approval": lambda case, decision: (
        decision is not None and decision.outcome == Outcome.APPROVED
    ),
}


def render(kind: str, case: Case) -> bytes:
    """The document ``kind`` of the case, as PDF bytes; refused when the case has not reached
    the step the document records."""
    writer = WRITERS.get(kind)
    if writer is None:
        raise DoudiError(
            _("“%(value)s” is not one of: %(allowed)s."),
            field="kind",
            value=kind,
            allowed=", ".join(WRITERS),
        )
    if not REACHED[kind](case, getattr(case, "decision", None)):
        raise DoudiError(
            _("This case has no %(document)s yet."), field="kind", document=DOCUMENT_KINDS[kind]
        )
    reviewed = kind == "approval" and case.kind == CaseKind.REVIEW
    pdf = new_page(REVIEW_TITLE if reviewed else TITLES[kind], case)
    with translation.override("zh-hans"):
        writer(pdf, case)
    return bytes(pdf.output())


def new_page(title: str, case: Case) -> FPDF:
    pdf = blank_document(title)
    pdf.cell(0, 8, f"编号：{case.file_number}", align="R", new_x="LMARGIN", new_y="NEXT")
    return pdf


def blank_document(title: str) -> FPDF:
    """An A4 document with the embedded Chinese font and its title: a case's documents, the
    check report and the village's public notice (notices.pdf) start here."""
    font = Path(settings.CJK_FONT)
    if not font.is_file():
        raise DoudiError(
            _(
                "The Chinese font for documents is not installed (%(path)s); install "
                "the Debian package fonts-noto-cjk."
            ),
            field="font",
            path=str(font),
        )
    pdf = FPDF(format="A4")
    pdf.set_title(title)
    pdf.add_font(FONT, fname=str(font), collection_font_number=settings.CJK_FONT_INDEX)
    pdf.add_page()
    pdf.set_font(FONT, size=18)
    pdf.cell(0, 14, title, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, size=10)
    return pdf


def table_rows(pdf: FPDF, rows: list[tuple[str, str]]) -> None:
    pdf.set_font(FONT, size=11)
    for label, value in rows:
        pdf.cell(40, 9, label, border=1)
        pdf.multi_cell(0, 9, value or "—", border=1, new_x="LMARGIN", new_y="NEXT")


def paragraph(pdf: FPDF, text: str) -> None:
    pdf.ln(4)
    pdf.set_font(FONT, size=11)
    pdf.multi_cell(0, 8, text, new_x="LMARGIN", new_y="NEXT")


def place_name(code: str) -> str:
    region = Region.objects.filter(code=code).first()
    return region.name if region else code


def household_rows(case: Case) -> list[tuple[str, str]]:
    members = case.household.members.filter(left_on__isnull=True).order_by("id")
    people = "；".join(
        f"{m.name}（{m.get_relation_display()}，{m.id_number_masked}）" for m in members
    )
    return [
        ("家庭档案号", case.household.file_number),
        ("居住地", f"{place_name(case.township_code)} {case.region.name}"),
        ("家庭成员", people),
    ]


def _case_rows(case: Case) -> list[tuple[str, str]]:
    return [
        ("救助项目", str(case.get_programme_display())),
        ("事项", str(case.get_kind_display())),
        ("当事人", case.member.name if case.member else "全户"),
    ]


def _application(pdf: FPDF, case: Case) -> None:
    rows = [
        *household_rows(case),
        *_case_rows(case),
        ("申请渠道", str(case.get_channel_display())),
        ("代办人", case.proxy_name),
        ("申请日期", case.submitted_on.isoformat()),
        ("申请事项", case.need),
        (
            "核对授权书",
            case.authorisation_signed_on.isoformat() if case.authorisation_signed_on else "未签署",
        ),
    ]
    if case.requested_amount_fen:
        rows.append(("申请金额（元）", fen_to_yuan(case.requested_amount_fen)))
    if case.hukou_region_id:
        rows.append(("户籍地协助核实", place_name(case.hukou_region_id)))
    table_rows(pdf, rows)
    paragraph(
        pdf,
        "本人承诺所提供的家庭成员、收入和财产情况真实完整，并同意民政部门依法核对家庭经济状况。",
    )
    signers = ["申请人（签字或按手印）"]
    if case.proxy_name:
        signers.append(f"代办人 {case.proxy_name}（签字）")
    signature_lines(pdf, FONT, [*signers, "受理人（签字）"])


def _investigation(pdf: FPDF, case: Case) -> None:
    table_rows(pdf, [*household_rows(case), *_case_rows(case)])
    for record in case.investigations.order_by("id"):
        names = "、".join(str(person) for person in record.investigators.all())
        pdf.ln(3)
        table_rows(
            pdf,
            [
                ("类别", str(record.get_kind_display())),
                ("调查日期", record.visited_on.isoformat()),
                (
                    "方式",
                    ("入户调查" if record.home_visit else "非入户")
                    + ("，走访邻里" if record.neighbours_heard else ""),
                ),
                ("调查人员", names),
                ("调查情况", record.findings),
            ],
        )
    investigators = dict.fromkeys(
        str(person) for record in case.investigations.all() for person in record.investigators.all()
    )
    signature_lines(
        pdf,
        FONT,
        [*(f"调查人员 {name}（签字）" for name in investigators), "被调查人（签字或按手印）"],
    )


def _acceptance(pdf: FPDF, case: Case) -> None:
    table_rows(
        pdf,
        [
            *household_rows(case),
            *_case_rows(case),
            ("受理日期", case.accepted_on.isoformat()),
            ("办理时限", case.due_on.isoformat() if case.due_on else "按程序规定"),
        ],
    )
    paragraph(
        pdf, "您的申请已受理。我们将依法开展家庭经济状况调查和信息核对，并在规定时限内作出决定。"
    )
    signature_lines(pdf, FONT, ["经办人（签字）", "申请人签收（签字或按手印）"])
    sealed_by(pdf, FONT, township_office(case), case.accepted_on)


def _decided(pdf: FPDF, case: Case) -> None:
    """The notice of a decision: who decided signs, the household signs for it, the seal."""
    decision = case.decision
    signature_lines(
        pdf, FONT, [f"审批人 {decision.decided_by}（签字）", "申请人签收（签字或按手印）"]
    )
    sealed_by(pdf, FONT, office_of(case), decision.decided_on)


def _refusal(pdf: FPDF, case: Case) -> None:
    decision = case.decision
    table_rows(
        pdf,
        [
            *household_rows(case),
            *_case_rows(case),
            ("决定日期", decision.decided_on.isoformat()),
            ("不予批准理由", decision.reasons),
        ],
    )
    paragraph(pdf, APPEAL)
    _decided(pdf, case)


def _approval(pdf: FPDF, case: Case) -> None:
    decision = case.decision
    rows = [
        *household_rows(case),
        *_case_rows(case),
        ("决定日期", decision.decided_on.isoformat()),
        ("理由", decision.reasons),
    ]
    if decision.review_outcome:
        rows.append(("复核结果", str(decision.get_review_outcome_display())))
    if decision.monthly_amount_fen is not None:
        rows.append(("月救助金额（元）", fen_to_yuan(decision.monthly_amount_fen)))
    if decision.start_month:
        rows.append(("起始月份", f"{decision.start_month:%Y年%m月}"))
    if decision.end_month:
        rows.append(("最后发放月份", f"{decision.end_month:%Y年%m月}"))
    if decision.total_amount_fen:
        rows.append(("救助金额（元）", fen_to_yuan(decision.total_amount_fen)))
    table_rows(pdf, rows)
    paragraph(pdf, APPEAL)
    _decided(pdf, case)


WRITERS: dict[str, Callable[[FPDF, Case], None]] = {
    "application": _application,
    "investigation": _investigation,
    "acceptance": _acceptance,
    "refusal": _refusal,
    "approval": _approval,
}
