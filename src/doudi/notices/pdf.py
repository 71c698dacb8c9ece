"""The village board's printed notice (公示) as a PDF in Chinese: the 7-day notice and the
month's long-term notice, the lines exactly as the public page shows them (masking.py), with
the QR code of the public link. Built on the case documents' page helpers (cases.documents)."""

from __future__ import annotations

import io

from django.utils import translation
from django.utils.translation import gettext
from fpdf import FPDF

from doudi.cases.documents import FONT, blank_document, paragraph
from doudi.notices import qr
from doudi.notices.masking import PublicEntry
from doudi.notices.queries import Notice

WIDTHS = (28, 20, 52, 26, 30, 34)


def _headers() -> tuple[str, ...]:
    return (
        gettext("name (partly hidden)"),
        gettext("household size"),
        gettext("programme"),
        gettext("item"),
        gettext("monthly amount (yuan)"),
        gettext("village or community"),
    )


def _table(pdf: FPDF, lines: list[PublicEntry]) -> None:
    pdf.set_font(FONT, size=9)
    for width, header in zip(WIDTHS, _headers(), strict=True):
        pdf.cell(width, 8, header, border=1, align="C")
    pdf.ln()
    for line in lines:
        cells = (
            line.name,
            str(line.household_size),
            line.programme,
            line.item,
            line.monthly_amount,
            line.village,
        )
        for width, cell in zip(WIDTHS, cells, strict=True):
            pdf.cell(width, 7, cell[:24], border=1)
        pdf.ln()
    if not lines:
        pdf.cell(sum(WIDTHS), 7, gettext("None."), border=1, new_x="LMARGIN", new_y="NEXT")


def _heading(pdf: FPDF, text: str) -> None:
    pdf.ln(4)
    pdf.set_font(FONT, size=13)
    pdf.multi_cell(0, 9, text, new_x="LMARGIN", new_y="NEXT")


def render(notice: Notice, link: str) -> bytes:
    with translation.override("zh-hans"):
        place = f"{notice.township} {notice.village.name}"
        pdf = blank_document(gettext("Public notice of social assistance"))
        pdf.cell(0, 8, place, align="C", new_x="LMARGIN", new_y="NEXT")
        _heading(pdf, gettext("7-day notice of proposed decisions"))
        _table(pdf, notice.proposed)
        if notice.proposed:
            paragraph(
                pdf,
                gettext("Each line is on notice until %(day)s.")
                % {"day": max(line.notice_ends_on for line in notice.proposed)},
            )
        _heading(
            pdf,
            gettext("Long-term notice of recipients, %(month)s")
            % {"month": f"{notice.month:%Y年%m月}"},
        )
        _table(pdf, notice.long_term)
        paragraph(
            pdf,
            gettext(
                "Scan the code to read this notice and to lodge an objection; names are partly "
                "hidden to protect the families."
            ),
        )
        pdf.image(io.BytesIO(qr.png(link)), w=40)
    return bytes(pdf.output())
