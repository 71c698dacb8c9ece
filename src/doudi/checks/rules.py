"""The finding rules (核对规则): each one SQL text in ``sql/``, run as it is by either engine.

A rule reads ``people`` (the persons being checked), ``parameters`` (one row) and the source
views it names, and yields findings in one schema (``FINDINGS``): what was found, for whom,
from which delivery and row, with an amount or a count and a short detail.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

import pyarrow

from doudi.checks.engine import Engine, View

SQL_DIR = Path(__file__).parent / "sql"

FINDINGS = pyarrow.schema(
    [
        ("kind", pyarrow.string()),
        ("household_id", pyarrow.int64()),
        ("member_id", pyarrow.int64()),
        ("person_hash", pyarrow.string()),
        ("delivery_id", pyarrow.int64()),
        ("source_row", pyarrow.int64()),
        ("amount_fen", pyarrow.int64()),
        ("item_count", pyarrow.int64()),
        ("detail", pyarrow.string()),
    ]
)

PARAMETERS = pyarrow.schema(
    [
        ("max_cars", pyarrow.int64()),
        ("max_homes", pyarrow.int64()),
        ("max_business_capital_fen", pyarrow.int64()),
        ("financial_limit_fen_per_person", pyarrow.int64()),
        ("income_line_fen_per_person", pyarrow.int64()),
        ("as_of", pyarrow.date32()),
    ]
)


@dataclass(frozen=True)
class Rule:
    kind: str
    views: tuple[str, ...]  # the views it reads besides ``parameters``
    description: str

    @property
    def sql(self) -> str:
        return _sql_text(self.kind)


@cache
def _sql_text(kind: str) -> str:
    return (SQL_DIR / f"{kind}.sql").read_text(encoding="utf-8")


RULES = (
    Rule("death_still_paid", ("people", "deaths"), "死亡注销仍在享受救助"),
    Rule("hukou_moved_out", ("people", "deaths"), "户籍迁出仍在享受救助"),
    Rule("vehicles_over_limit", ("people", "vehicles"), "机动车超过限定数量"),
    Rule("homes_over_limit", ("people", "real_estate"), "住房超过限定套数"),
    Rule("business_over_limit", ("people", "businesses"), "工商注册资本超过限额"),
    Rule("deposits_over_limit", ("people", "bank"), "存款等金融资产超过限额"),
    Rule("income_over_line", ("people", "employment", "pensions"), "家庭人均收入高于低保标准"),
    Rule("taxed_income_over_line", ("people", "tax"), "税务申报收入高于低保标准"),
    Rule("staff_in_household", ("people", "registry_people", "staff"), "救助对象家庭中有工作人员"),
    Rule("not_covered", ("registry_people", "poverty_monitoring", "disability"), "漏保"),
)


@dataclass(frozen=True)
class Parameters:
    """The limits a check applies, for one place on one day (money in fen)."""

    max_cars: int
    max_homes: int
    max_business_capital_fen: int
    financial_limit_fen_per_person: int
    income_line_fen_per_person: int
    as_of: datetime.date

    def table(self) -> pyarrow.Table:
        return pyarrow.Table.from_pylist([self.__dict__], schema=PARAMETERS)


def run_rule(
    engine: Engine, rule: Rule, views: dict[str, View], parameters: Parameters
) -> pyarrow.Table:
    """The rule's findings, in the rule's own order and the one findings schema."""
    needed = {name: views[name] for name in rule.views}
    result = engine.run(rule.sql, {**needed, "parameters": parameters.table()})
    return result.select(FINDINGS.names).cast(FINDINGS)


def run_rules(
    engine: Engine,
    views: dict[str, View],
    parameters: Parameters,
    on_rule: Callable[[int, int], None] | None = None,
) -> pyarrow.Table:
    """Every rule whose views are all given (a source not yet delivered is not checked);
    ``on_rule(done, total)`` is told after each rule, for a campaign's progress."""
    runnable = [rule for rule in RULES if all(name in views for name in rule.views)]
    found = []
    for done, rule in enumerate(runnable, start=1):
        found.append(run_rule(engine, rule, views, parameters))
        if on_rule is not None:
            on_rule(done, len(runnable))
    return pyarrow.concat_tables(found) if found else FINDINGS.empty_table()
