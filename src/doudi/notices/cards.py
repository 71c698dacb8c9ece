"""The 明白卡 of a household (the "happiness list", seed 002): what it receives and from when,
why (the decision's reasons and the conditions the rules found met), its next re-check, its
rights (objection, administrative reconsideration, litigation, with their limits as the
decision notice states them), the township's office and the hotline. One card per page, for
one household or every household of a village receiving now."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.db.models import QuerySet
from django.utils import translation
from django.utils.translation import gettext

from doudi.accounts.jurisdiction import get_in_scope, scope
from doudi.accounts.roles import Permission
from doudi.benefits.models import Benefit
from doudi.cases.documents import APPEAL, FONT, blank_document, paragraph, table_rows
from doudi.cases.presentation import conditions_met
from doudi.cases.procedures import CaseProgramme
from doudi.money import fen_to_yuan
from doudi.rechecks.queries import next_rechecks
from doudi.registry.models import Household

if TYPE_CHECKING:
    from fpdf import FPDF

    from doudi.accounts.models import User

OBJECTION_RIGHT = "如对救助对象、救助金额有异议，可向乡镇人民政府（街道办事处）或县级民政部门反映。"


@dataclass(frozen=True)
class CardLine:
    programme: str
    monthly_amount: str
    from_month: datetime.date
    reasons: str
    conditions: list[str]
    next_recheck: datetime.date | None


@dataclass(frozen=True)
class Card:
    household: Household
    head: str
    village: str
    office: str
    lines: list[CardLine]


def _office(township: str) -> str:
    return f"{township}办事处" if township.endswith("街道") else f"{township}人民政府"


def _cards(actor: User, benefits: QuerySet[Benefit], village_code: str) -> list[Card]:
    rechecks = next_rechecks(actor, village_code)
    by_household: dict[int, list[Benefit]] = {}
    for benefit in benefits:
        by_household.setdefault(benefit.household_id, []).append(benefit)
    cards = []
    for household_benefits in by_household.values():
        first = household_benefits[0]
        household = first.household
        head = next(
            (m.name for m in household.members.all() if m.relation == "head" and not m.left_on),
            first.payee.name,
        )
        township = first.region.parent.name if first.region.parent_id else ""
        lines = [
            CardLine(
                programme=str(CaseProgramme(b.programme).label),
                monthly_amount=fen_to_yuan(b.monthly_amount_fen),
                from_month=b.start_month,
                reasons=b.decision.reasons,
                conditions=conditions_met(b.decision),
                next_recheck=rechecks.get(b.pk),
            )
            for b in household_benefits
        ]
        cards.append(Card(household, head, first.region.name, _office(township), lines))
    return cards


def _in_force(actor: User, today: datetime.date) -> QuerySet[Benefit]:
    return (
        scope(
            actor,
            Benefit.objects.in_force(today.replace(day=1)),
            Permission.VIEW_CASES,
            "region__code",
        )
        .select_related("household", "payee", "region__parent", "decision__case__member")
        .prefetch_related("household__members")
        .order_by("household_id", "programme", "id")
    )


def card_of(actor: User, household_id: int, today: datetime.date) -> list[Card]:
    household = get_in_scope(
        actor,
        Household.objects.all(),
        Permission.VIEW_HOUSEHOLDS,
        "region__code",
        pk=household_id,
    )
    benefits = _in_force(actor, today).filter(household=household)
    return _cards(actor, benefits, household.region_id)


def cards_of_village(actor: User, village_code: str, today: datetime.date) -> list[Card]:
    return _cards(actor, _in_force(actor, today).filter(region_id=village_code), village_code)


def _card(pdf: FPDF, card: Card) -> None:
    pdf.cell(
        0,
        8,
        f"{card.household.file_number} · {card.village}",
        align="R",
        new_x="LMARGIN",
        new_y="NEXT",
    )
    table_rows(pdf, [("户主", card.head), ("村（社区）", card.village)])
    for line in card.lines:
        pdf.ln(3)
        why = line.reasons
        if line.conditions:
            why += "\n经核算符合：" + "；".join(line.conditions)
        table_rows(
            pdf,
            [
                ("救助项目", line.programme),
                ("月救助金额（元）", line.monthly_amount),
                ("起始月份", f"{line.from_month:%Y年%m月}"),
                ("享受理由", why),
                (
                    "下次复核",
                    f"{line.next_recheck:%Y年%m月%d日}前"
                    if line.next_recheck
                    else "按规定动态管理",
                ),
            ],
        )
    paragraph(pdf, OBJECTION_RIGHT + APPEAL)
    paragraph(
        pdf,
        f"经办单位：{card.office}　社会救助服务热线：{settings.DOUDI_HOTLINE}",
    )


def render(cards: list[Card]) -> bytes:
    with translation.override("zh-hans"):
        title = gettext("Social assistance card (明白卡)")
        pdf = blank_document(title)
        for number, card in enumerate(cards):
            if number:  # each card on its own page, under the title, to hand to its household
                pdf.add_page()
                pdf.set_font(FONT, size=18)
                pdf.cell(0, 14, title, align="C", new_x="LMARGIN", new_y="NEXT")
                pdf.set_font(FONT, size=10)
            _card(pdf, card)
        if not cards:
            paragraph(pdf, gettext("None."))
    return bytes(pdf.output())
