"""The check report (核对报告) as a PDF in Chinese, with the case documents' page, font and table
helpers (cases.documents): the same content as the page, discrepancies on a red ground, ID
numbers masked."""

from __future__ import annotations

from django.utils import timezone, translation
from django.utils.translation import gettext
from fpdf import FPDF

from doudi.cases.documents import FONT, household_rows, new_page, paragraph, place_name, table_rows
from doudi.checks.models import CheckReport
from doudi.checks.presentation import (
    FoundTable,
    MemberView,
    ReportView,
    discrepancy_line,
    view,
)

DISCREPANCY_FILL = (254, 228, 226)


def render(report: CheckReport) -> bytes:
    case = report.data_check.case
    with translation.override("zh-hans"):
        pdf = new_page(gettext("Household economic-status check report"), case)
        shown = view(report)
        table_rows(pdf, [*household_rows(case), *_facts(shown)])
        _sources(pdf, shown)
        _discrepancies(pdf, shown)
        for member in shown.members:
            _member(pdf, member)
        _closing(pdf, case.region_id[:6] + "000000", report)
    return bytes(pdf.output())


def _facts(shown: ReportView) -> list[tuple[str, str]]:
    report = shown.report
    verdict = (
        gettext("No discrepancy with what was declared.")
        if report.consistent
        else gettext("Discrepancies found: %(count)s.") % {"count": len(shown.discrepancies)}
    )
    return [(gettext("checked as of"), report.as_of.isoformat()), (gettext("result"), verdict)]


def _heading(pdf: FPDF, text: str) -> None:
    pdf.ln(4)
    pdf.set_font(FONT, size=13)
    pdf.multi_cell(0, 9, text, new_x="LMARGIN", new_y="NEXT")
    pdf.set_font(FONT, size=10)


def _line(pdf: FPDF, text: str, *, marked: bool = False) -> None:
    pdf.set_font(FONT, size=10)
    pdf.set_fill_color(*DISCREPANCY_FILL)
    pdf.multi_cell(0, 6, text, fill=marked, new_x="LMARGIN", new_y="NEXT")


def _sources(pdf: FPDF, shown: ReportView) -> None:
    _heading(pdf, gettext("Sources"))
    for source in shown.sources:
        if source.by_hand:
            _line(pdf, f"{source.department}: {gettext('not delivered online: checked by hand')}")
        else:
            _line(
                pdf,
                gettext("%(department)s, data of %(day)s")
                % {"department": source.department, "day": source.delivered_on},
            )


def _discrepancies(pdf: FPDF, shown: ReportView) -> None:
    _heading(pdf, gettext("Discrepancies"))
    if not shown.discrepancies:
        _line(pdf, gettext("None."))
    for item in shown.discrepancies:
        _line(pdf, discrepancy_line(item), marked=True)


def _member(pdf: FPDF, member: MemberView) -> None:
    _heading(pdf, f"{member.name} ({member.relation}, {member.id_number or '—'})")
    if not member.counted:
        _line(
            pdf,
            gettext("Not counted in the household: %(reason)s")
            % {"reason": member.not_counted_because},
        )
        return
    if not member.matched:
        _line(
            pdf,
            gettext(
                "No valid ID number: the departments' data could not be matched; check by hand."
            ),
        )
    for topic in member.topics:
        pdf.ln(1)
        _line(pdf, f"{topic.label} · {gettext('declared')}: {'; '.join(topic.declared)}")
        for table in topic.found:
            _found(pdf, table)
        for source in topic.by_hand:
            _line(
                pdf, f"    {source.department}: {gettext('not delivered online: checked by hand')}"
            )
        if not topic.found and not topic.by_hand:
            _line(pdf, f"    {gettext('Nothing found.')}")


def _found(pdf: FPDF, table: FoundTable) -> None:
    _line(pdf, f"    {table.source.department} ({table.source.delivered_on})")
    for row in table.rows:
        cells = "; ".join(
            f"{header}: {cell}" for header, cell in zip(table.headers, row["cells"], strict=True)
        )
        marks = f" [{'、'.join(row['marked'])}]" if row["marked"] else ""
        _line(pdf, f"        {cells}{marks}", marked=bool(row["marked"]))


def _closing(pdf: FPDF, county_code: str, report: CheckReport) -> None:
    paragraph(
        pdf,
        gettext(
            "The data above are the departments' latest deliveries on the day checked; sources "
            "not delivered online were checked by hand."
        ),
    )
    pdf.ln(10)
    pdf.set_font(FONT, size=12)
    seal = gettext("%(county)s civil-affairs bureau (seal)") % {"county": place_name(county_code)}
    pdf.cell(0, 8, seal, align="R", new_x="LMARGIN", new_y="NEXT")
    day = timezone.localdate(report.created_at).isoformat()
    pdf.cell(0, 8, day, align="R", new_x="LMARGIN", new_y="NEXT")
