"""A check report as people read it, for the page and the PDF alike: each source named by its
department with its data date, each member's found rows beside what was declared, grouped by
subject, and each discrepancy in a sentence. Money in yuan with two decimals; ID numbers masked.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from doudi.checks.models import CheckReport, ReportSource
from doudi.money import fen_to_yuan
from doudi.registry.choices import AssetType, DisabilityCategory, ExpenseType, IncomeType
from doudi.registry.models import Member
from doudi.sources.contracts import SOURCES, Column, Contract, Kind

KIND_LABELS = {
    "death_still_paid": _("Death recorded"),
    "hukou_moved_out": _("Hukou moved out"),
    "vehicles_over_limit": _("Vehicles over the limit"),
    "homes_over_limit": _("Homes over the limit"),
    "business_over_limit": _("Business over the limit"),
    "deposits_over_limit": _("Deposits over the limit"),
    "income_over_line": _("Income over the line"),
    "taxed_income_over_line": _("Income reported to tax over the line"),
    "staff_in_household": _("A member of staff in the household (优亲厚友)"),
    "not_covered": _("Not covered (漏保)"),
}
SENTENCES = {
    "death_still_paid": _("Public security cancelled the hukou for death on %(day)s."),
    "hukou_moved_out": _("Public security cancelled the hukou: moved out on %(day)s."),
    "vehicles_over_limit": _("%(count)s vehicles in use; at most %(limit)s allowed."),
    "homes_over_limit": _("%(count)s homes registered; at most %(limit)s allowed."),
    "business_over_limit": _("A business registered with a capital of %(amount)s yuan."),
    "deposits_over_limit": _(
        "Balances of %(amount)s yuan for %(count)s counted members; the limit is %(limit)s yuan."
    ),
    "income_over_line": _(
        "A monthly income of %(amount)s yuan for %(count)s counted members; the line is "
        "%(limit)s yuan."
    ),
    "taxed_income_over_line": _(
        "A monthly income of %(amount)s yuan reported to tax for %(count)s counted members; "
        "the line is %(limit)s yuan."
    ),
}
FINANCIAL = (
    AssetType.DEPOSIT,
    AssetType.SECURITIES,
    AssetType.INSURANCE,
    AssetType.CLAIM,
    AssetType.ONLINE_FINANCE,
)
# The subjects of a report: the sources that tell about each, and what was declared of it.
TOPICS = (
    ("income", _("Income"), ("tax", "employment", "pensions", "provident_fund")),
    ("deposits", _("Deposits and securities"), ("bank",)),
    ("vehicles", _("Vehicles"), ("vehicles",)),
    ("homes", _("Homes"), ("real_estate",)),
    ("businesses", _("Businesses"), ("businesses",)),
    ("medical", _("Medical costs"), ("medical",)),
    ("disability", _("Disability"), ("disability",)),
    ("monitoring", _("Poverty monitoring"), ("poverty_monitoring",)),
    ("deaths", _("Death or hukou cancellation"), ("deaths",)),
)
TOPIC_ASSETS = {
    "deposits": FINANCIAL,
    "vehicles": (AssetType.VEHICLE,),
    "homes": (AssetType.HOME,),
    "businesses": (AssetType.BUSINESS,),
}


@dataclass
class SourceView:
    key: str
    department: str
    delivery_id: int | None
    delivered_on: str  # empty: checked by hand
    contract: Contract | None

    @property
    def by_hand(self) -> bool:
        return self.delivery_id is None


@dataclass
class FoundTable:
    source: SourceView
    headers: list[str]
    rows: list[dict[str, Any]]  # cells, marked (the finding labels)


@dataclass
class Topic:
    label: str
    declared: list[str]
    found: list[FoundTable]
    by_hand: list[SourceView]
    marked: bool


@dataclass
class MemberView:
    name: str
    relation: str
    id_number: str  # masked
    counted: bool
    matched: bool
    not_counted_because: str
    topics: list[Topic] = field(default_factory=list)


@dataclass
class ReportView:
    report: CheckReport
    sources: list[SourceView]
    members: list[MemberView]
    household_declared: list[tuple[str, list[str]]]  # subject → declared for the household
    discrepancies: list[dict[str, str]]

    @property
    def by_hand(self) -> list[SourceView]:
        return [source for source in self.sources if source.by_hand]

    @property
    def online(self) -> list[SourceView]:
        return [source for source in self.sources if not source.by_hand]


def view(report: CheckReport) -> ReportView:
    sources = [_source(row) for row in report.sources.select_related("delivery")]
    by_key = {source.key: source for source in sources}
    people = Member.objects.in_bulk([entry["member_id"] for entry in report.members])
    members = [_member(entry, people[entry["member_id"]], by_key) for entry in report.members]
    household = [
        (str(label), lines)
        for key, label, _keys in TOPICS
        if (lines := _declared_lines(key, report.household))
    ]
    discrepancies = [_discrepancy(finding, people, by_key) for finding in report.findings]
    return ReportView(report, sources, members, household, discrepancies)


def discrepancy_text(report: CheckReport) -> str:
    """The discrepancies, one per line, as the county's findings start from."""
    return "\n".join(discrepancy_line(item) for item in view(report).discrepancies)


def discrepancy_line(item: dict[str, str]) -> str:
    line = gettext("%(label)s: %(text)s (%(source)s)") % item
    return f"{item['member']} {line}" if item["member"] else line


def _source(row: ReportSource) -> SourceView:
    source = SOURCES[row.source]
    delivery = row.delivery
    return SourceView(
        key=row.source,
        department=source.department,
        delivery_id=delivery.pk if delivery else None,
        delivered_on=delivery.delivered_on.isoformat() if delivery else "",
        contract=source.contract(delivery.contract_version) if delivery else None,
    )


def _member(entry: dict[str, Any], member: Member, sources: dict[str, SourceView]) -> MemberView:
    shown = MemberView(
        name=member.name,
        relation=str(member.get_relation_display()),
        id_number=member.id_number_masked,
        counted=entry["counted"],
        matched=entry["matched"],
        not_counted_because=str(member.get_excluded_reason_display()),
    )
    if entry["counted"]:
        shown.topics = [_topic(key, label, keys, entry, sources) for key, label, keys in TOPICS]
    return shown


def _topic(
    key: str,
    label: Any,
    keys: tuple[str, ...],
    entry: dict[str, Any],
    sources: dict[str, SourceView],
) -> Topic:
    found = [
        _table(sources[source], entry["found"][source])
        for source in keys
        if entry["found"].get(source)
    ]
    return Topic(
        label=str(label),
        declared=_declared_lines(key, entry["declared"]) or [gettext("Nothing declared.")],
        found=found,
        by_hand=[sources[source] for source in keys if sources[source].by_hand],
        marked=any(row["marked"] for table in found for row in table.rows),
    )


def _table(source: SourceView, rows: list[dict[str, Any]]) -> FoundTable:
    columns = source.contract.own_columns
    return FoundTable(
        source=source,
        headers=[gettext("line"), *(_header(column) for column in columns)],
        rows=[
            {
                "cells": [str(row["row"]), *(_cell(c, row.get(c.field)) for c in columns)],
                "marked": [str(KIND_LABELS.get(kind, kind)) for kind in row["marked"]],
            }
            for row in rows
        ],
    )


def _header(column: Column) -> str:
    # Amounts are shown in yuan, also where the department counts in 万元.
    return column.header.replace("万元", "元") if column.kind == Kind.WAN_YUAN else column.header


def _cell(column: Column, value: Any) -> str:
    if value is None or value == "":
        return "—"
    if column.kind == Kind.CHOICE:
        words = {code: word for word, code in column.choices.items()}
        return words.get(value, str(value))
    if column.kind in (Kind.YUAN, Kind.WAN_YUAN):
        return fen_to_yuan(int(value))
    if column.kind == Kind.DECIMAL2:
        return f"{int(value) / 100:.2f}"
    if column.kind == Kind.MONTH:
        return str(value)[:7]
    return str(value)


def _declared_lines(key: str, declared: dict[str, Any]) -> list[str]:
    if key == "income":
        return [
            gettext("%(kind)s: %(amount)s yuan a month")
            % {"kind": IncomeType(kind).label, "amount": fen_to_yuan(amount)}
            for kind, amount in declared.get("incomes", {}).items()
        ]
    if key in TOPIC_ASSETS:
        return [
            _asset_line(asset)
            for asset in declared.get("assets", [])
            if asset["type"] in TOPIC_ASSETS[key]
        ]
    if key == "medical" and "medical_fen" in declared:
        return [
            gettext("%(kind)s: %(amount)s yuan a month")
            % {"kind": ExpenseType.MEDICAL.label, "amount": fen_to_yuan(declared["medical_fen"])}
        ]
    if key == "disability" and declared.get("disability"):
        disability = declared["disability"]
        return [
            gettext("%(category)s, grade %(grade)s")
            % {
                "category": DisabilityCategory(disability["category"]).label,
                "grade": disability["grade"] or "—",
            }
        ]
    if key == "deaths" and declared.get("death_date"):
        return [gettext("Died on %(day)s") % {"day": declared["death_date"]}]
    return []


def _asset_line(asset: dict[str, Any]) -> str:
    text = gettext("%(kind)s worth %(amount)s yuan") % {
        "kind": AssetType(asset["type"]).label,
        "amount": fen_to_yuan(asset["value_fen"]),
    }
    if asset.get("floor_area_hundredths") is not None:
        text += gettext(", %(area)s m²") % {"area": f"{asset['floor_area_hundredths'] / 100:.2f}"}
    if asset.get("registered_capital_fen") is not None:
        text += gettext(", registered capital %(amount)s yuan") % {
            "amount": fen_to_yuan(asset["registered_capital_fen"])
        }
    return text


def _discrepancy(
    finding: dict[str, Any], people: dict[int, Member], sources: dict[str, SourceView]
) -> dict[str, str]:
    kind = finding["kind"]
    member = people.get(finding["member_id"]) if finding["member_id"] else None
    source = sources.get(finding["source"]) if finding["source"] else None
    values = {
        "day": finding["detail"] or "",
        "count": finding["item_count"],
        "limit": _limit(kind, finding["detail"]),
        "amount": fen_to_yuan(finding["amount_fen"]) if finding["amount_fen"] is not None else "",
    }
    sentence = SENTENCES.get(kind)
    return {
        "label": str(KIND_LABELS.get(kind, kind)),
        "member": member.name if member else "",
        "text": str(sentence) % values if sentence else "",
        "source": gettext("%(department)s, data of %(day)s")
        % {"department": source.department, "day": source.delivered_on}
        if source
        else "",
    }


def _limit(kind: str, detail: str | None) -> str:
    """The rule's limit as its finding's detail tells it: a count, or fen for a money limit."""
    if kind in {"deposits_over_limit", "income_over_line", "taxed_income_over_line"} and detail:
        return fen_to_yuan(int(detail))
    return detail or ""
