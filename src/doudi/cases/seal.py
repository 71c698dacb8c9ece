"""The seal (公章) and signature lines of a case's printed documents.

A notice of a decision carries the seal of the office that decided: the county's (or city's)
civil-affairs bureau when the decision was taken there, the township government (a street's
office, 街道办事处) when the township decided; the notice of acceptance, the township's. The seal
is drawn as it is stamped — a red ring, the office's name along its upper arc, a star in the
middle — over the office's name and the date typed beneath it, so the typed name stays
readable (and searchable) under the stamp.
"""

from __future__ import annotations

import datetime
import math

from fpdf import FPDF

from doudi.cases.models import Case
from doudi.regions.codes import Level
from doudi.regions.models import Region

SEAL_RED = (200, 16, 16)
RADIUS_MM = 19
# The office's name spreads over at most this much of the ring, centred on its top.
ARC_DEGREES = 240
DEGREES_PER_CHARACTER = 26
BLANK = "__________"


def office_of(case: Case) -> str:
    """The office whose seal the notice of the case's decision carries: where it was taken."""
    region = case.decision.decided_by.region
    if region.level in (Level.COUNTY, Level.CITY, Level.PROVINCE):
        return f"{region.name}民政局"
    return township_office(case)


def township_office(case: Case) -> str:
    """The township's office, which receives, accepts and investigates the case."""
    township = Region.objects.get(code=case.township_code).name
    return f"{township}办事处" if township.endswith("街道") else f"{township}人民政府"


def sealed_by(pdf: FPDF, font: str, office: str, day: datetime.date | None) -> None:
    """The office's name and the date, right-aligned, with its seal stamped over them."""
    pdf.ln(16)
    pdf.set_font(font, size=12)
    top = pdf.get_y()
    pdf.cell(0, 8, office, align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.cell(0, 8, f"{day:%Y年%m月%d日}" if day else "年    月    日", align="R")
    pdf.ln(8)
    right = pdf.w - pdf.r_margin
    _stamp(pdf, font, office, right - RADIUS_MM - 4, top + 8)
    pdf.set_y(max(pdf.get_y(), top + RADIUS_MM + 10))


def signature_lines(pdf: FPDF, font: str, signers: list[str]) -> None:
    """One line per signer to sign by hand, each with a date to fill in."""
    pdf.ln(8)
    pdf.set_font(font, size=12)
    for signer in signers:
        pdf.cell(0, 10, f"{signer}：{BLANK}    年    月    日", new_x="LMARGIN", new_y="NEXT")


def _stamp(pdf: FPDF, font: str, office: str, x: float, y: float) -> None:
    pdf.set_draw_color(*SEAL_RED)
    pdf.set_fill_color(*SEAL_RED)
    pdf.set_text_color(*SEAL_RED)
    pdf.set_line_width(1.0)
    pdf.circle(x, y, RADIUS_MM)
    pdf.star(x, y, RADIUS_MM * 0.12, RADIUS_MM * 0.3, 5, rotate_degrees=-90, style="F")
    pdf.set_font(font, size=10)
    arc = min(ARC_DEGREES, DEGREES_PER_CHARACTER * max(len(office) - 1, 1))
    text_radius = RADIUS_MM - 5
    for i, character in enumerate(office):
        # From the left end of the arc clockwise over the top (PDF's y grows downwards).
        angle = -90 - arc / 2 + (arc * i / (len(office) - 1) if len(office) > 1 else arc / 2)
        cx = x + text_radius * math.cos(math.radians(angle))
        cy = y + text_radius * math.sin(math.radians(angle))
        with pdf.rotation(-(angle + 90), cx, cy):
            pdf.text(cx - 1.8, cy + 1.8, character)
    pdf.set_draw_color(0, 0, 0)
    pdf.set_text_color(0, 0, 0)
    pdf.set_line_width(0.2)
