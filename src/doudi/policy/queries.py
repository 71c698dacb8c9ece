"""Reads of the rules: values in force for a place, and the proposals a user may see."""

from __future__ import annotations

import datetime
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from django.db.models import Count, QuerySet, Sum

from doudi.accounts.jurisdiction import get_in_scope, scope
from doudi.accounts.roles import Permission
from doudi.dates import month_text
from doudi.money import fen_to_yuan
from doudi.policy.columns import with_received
from doudi.policy.engine.regional import in_force
from doudi.policy.evaluation import evaluate_form
from doudi.policy.models import EvaluationResult, PlaceEvaluation, RegionalValue, WhatIfRun
from doudi.policy.standards import regional_parameters, rules_in_force, unit_label
from doudi.registry.queries import household_form

if TYPE_CHECKING:
    from doudi.accounts.models import User


@dataclass(frozen=True)
class ValueInForce:
    parameter: str
    description: str
    unit: str
    value: str
    since: str
    reference: str
    local_example: bool


def values_in_force(place_code: str, day: datetime.date) -> list[ValueInForce]:
    """Every regional parameter's value for a place on a day, with where it comes from."""
    values = rules_in_force().regional_values
    rows = []
    for name, header in sorted(regional_parameters().items()):
        unit = str(header.get("metadata", {}).get("unit", ""))
        dated = in_force([v for v in values if v.parameter == name], place_code, day.isoformat())
        if dated is None:
            description = header.get("description", "")
            rows.append(ValueInForce(name, description, unit_label(unit), "—", "", "", False))
            continue
        shown = fen_to_yuan(int(dated.value)) if unit.startswith("fen") else str(dated.value)
        rows.append(
            ValueInForce(
                name,
                header.get("description", ""),
                unit_label(unit),
                shown,
                dated.start,
                dated.reference,
                bool(dated.metadata.get("local_example")),
            )
        )
    return rows


def proposals_visible_to(actor: User) -> QuerySet[RegionalValue]:
    return scope(
        actor,
        RegionalValue.objects.select_related("region", "proposed_by"),
        Permission.SET_STANDARDS,
        "region__code",
    ).order_by("-proposed_at")


def household_evaluation(
    actor: User, household_id: int, month: datetime.date, on: datetime.date
) -> dict[str, Any]:
    """What the rules find for the household as registered on day ``on``, for ``month``: every
    programme, its amount and its tests, with what it receives then read from its benefits (as
    a case's assessment reads it). The engine needs the full ID numbers; its answer masks them."""
    form = household_form(actor, household_id, on=on, reveal_id_numbers=True)
    return evaluate_form(with_received(form, household_id, month), month_text(month))


def what_ifs_visible_to(actor: User) -> QuerySet[WhatIfRun]:
    """The what-ifs of the proposals of the user's jurisdiction."""
    return scope(
        actor,
        WhatIfRun.objects.select_related("job", "value__region", "created_by"),
        Permission.SET_STANDARDS,
        "value__region__code",
    )


def evaluations_visible_to(actor: User) -> QuerySet[PlaceEvaluation]:
    """The whole-place evaluations of places in the user's jurisdiction, the latest first."""
    return scope(
        actor,
        PlaceEvaluation.objects.select_related("job", "place", "run", "created_by"),
        Permission.RUN_EVALUATION,
        "place__code",
    )


def evaluation_for(actor: User, evaluation_id: int) -> PlaceEvaluation:
    return get_in_scope(
        actor,
        PlaceEvaluation.objects.select_related("job", "place", "run", "created_by"),
        Permission.RUN_EVALUATION,
        "place__code",
        pk=evaluation_id,
    )


def evaluation_totals(evaluation: PlaceEvaluation) -> list[dict[str, Any]]:
    """Each programme's eligible results and their monthly sum in the evaluation's run,
    counted in the database. ``evaluation`` was read in the user's scope."""
    if evaluation.run_id is None:
        return []
    return list(
        EvaluationResult.objects.filter(run_id=evaluation.run_id)
        .values("programme")
        .annotate(results=Count("id"), monthly_fen=Sum("amount_fen"))
        .order_by("programme")
    )
