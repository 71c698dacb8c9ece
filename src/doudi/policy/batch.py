"""Evaluating every household of a place for a month in one vectorised run (批量测算).

Read the registry as columns, run the model over chunks of households, and write the eligible
results in bulk with the run record and its audit event — in one transaction, so an interrupted
run leaves nothing behind.
"""

from __future__ import annotations

import datetime
import io
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import numpy
from django.db import connection, transaction
from django.utils import timezone
from openfisca_core.errors import ParameterNotFoundError

from doudi.accounts.jurisdiction import require
from doudi.accounts.roles import Permission
from doudi.audit.actions import AuditAction
from doudi.audit.services import record
from doudi.dates import month_text
from doudi.policy.columns import RegistryColumns, read_registry
from doudi.policy.engine.regional import missing_from
from doudi.policy.engine.simulate import Population, simulate
from doudi.policy.engine.system import DoudiSystem
from doudi.policy.models import EvaluationResult, EvaluationRun
from doudi.policy.programmes import PROGRAMMES, Programme
from doudi.policy.standards import rules_in_force
from doudi.regions.codes import prefix_of

if TYPE_CHECKING:
    from doudi.accounts.models import User

CHUNK_HOUSEHOLDS = 250_000
Progress = Callable[[int, int], None]  # (households done, households in all)


@dataclass
class Results:
    """Eligible results as parallel columns."""

    household_ids: list[numpy.ndarray]
    member_ids: list[numpy.ndarray]  # -1 for household programmes
    programmes: list[numpy.ndarray]
    amounts: list[numpy.ndarray]
    # Programmes without a rule in force this month, each with the parameter it lacks and the
    # day that parameter starts: they store nothing, and the others still answer.
    missing: dict[str, dict[str, str | None]] = field(default_factory=dict)

    def __len__(self) -> int:
        return sum(len(ids) for ids in self.household_ids)


def _slice(population: Population, first: int, last: int) -> tuple[Population, int]:
    """Households [first, last) and their persons (persons are ordered by household)."""
    person_first, person_last = numpy.searchsorted(population.person_household, [first, last])
    return (
        Population(
            person_household=population.person_household[person_first:person_last] - first,
            person_is_head=population.person_is_head[person_first:person_last],
            persons={k: v[person_first:person_last] for k, v in population.persons.items()},
            households={k: v[first:last] for k, v in population.households.items()},
        ),
        int(person_first),
    )


def _evaluate(
    columns: RegistryColumns,
    month: datetime.date,
    progress: Progress | None,
    system: DoudiSystem | None = None,
) -> Results:
    system = system or rules_in_force()
    results = Results([], [], [], [])
    total = len(columns.household_ids)
    for first in range(0, total, CHUNK_HOUSEHOLDS):
        last = min(first + CHUNK_HOUSEHOLDS, total)
        chunk, person_first = _slice(columns.population, first, last)
        # A household with no one in it this month (its members died or left) has no answer,
        # as a form without members has none; a chunk of only such households is not run.
        occupied = numpy.bincount(chunk.person_household, minlength=last - first) > 0
        if occupied.any():
            _chunk(system, columns, chunk, month, (first, person_first), occupied, results)
        if progress:
            progress(last, total)
    return results


def _chunk(
    system: DoudiSystem,
    columns: RegistryColumns,
    chunk: Population,
    month: datetime.date,
    offsets: tuple[int, int],
    occupied: numpy.ndarray,
    results: Results,
) -> None:
    first, person_first = offsets
    period = month_text(month)
    simulation = simulate(system, chunk, period)
    for programme in PROGRAMMES:
        if programme.key in results.missing:
            continue
        try:
            amount, eligible = _answer(simulation, programme, period)
        except ParameterNotFoundError as error:
            lacking = missing_from(system.parameters, error, "default")
            results.missing[programme.key] = {
                "parameter": lacking.parameter,
                "description": lacking.description,
                "since": lacking.since,
            }
            _drop(results, programme.key)
            continue
        if programme.per_person:
            rows = numpy.flatnonzero(eligible)
            households = columns.household_ids[first + chunk.person_household[rows]]
            members = columns.member_ids[person_first + rows]
        else:
            rows = numpy.flatnonzero(eligible & occupied)
            households = columns.household_ids[first + rows]
            members = numpy.full(len(rows), -1, dtype=numpy.int64)
        results.household_ids.append(households)
        results.member_ids.append(members)
        results.programmes.append(
            numpy.full(len(rows), programme.key, dtype=f"<U{len(programme.key)}")
        )
        results.amounts.append(
            amount[rows] if amount is not None else numpy.zeros(len(rows), dtype=numpy.int64)
        )


def _answer(
    simulation, programme: Programme, period: str
) -> tuple[numpy.ndarray | None, numpy.ndarray]:
    # A yearly amount (资助参保) is stored as it is: not left at zero for want of a monthly one.
    name = programme.amount or programme.yearly_amount
    amount = simulation.calculate(name, period).astype(numpy.int64) if name else None
    eligible = (
        simulation.calculate(programme.eligible, period).astype(bool)
        if programme.eligible
        else amount > 0
    )
    return amount, eligible


def _drop(results: Results, key: str) -> None:
    """Forget a programme's rows of earlier chunks: it answers for all households or none."""
    keep = [
        i
        for i, programmes in enumerate(results.programmes)
        if not (len(programmes) and programmes[0] == key)
    ]
    for column in (results.household_ids, results.member_ids, results.programmes, results.amounts):
        column[:] = [column[i] for i in keep]


def _write(run: EvaluationRun, results: Results) -> None:
    if not len(results):
        return
    households = numpy.concatenate(results.household_ids)
    members = numpy.concatenate(results.member_ids)
    programmes = numpy.concatenate(results.programmes)
    amounts = numpy.concatenate(results.amounts)
    table = EvaluationResult._meta.db_table
    columns = "run_id, household_id, member_id, programme, amount_fen"
    if connection.vendor == "postgresql":
        buffer = io.StringIO()
        for household, member, programme, amount in zip(
            households, members, programmes, amounts, strict=True
        ):
            buffer.write(
                f"{run.pk}\t{household}\t{member if member >= 0 else chr(92) + 'N'}"
                f"\t{programme}\t{amount}\n"
            )
        connection.ensure_connection()
        with (
            connection.connection.cursor() as raw,
            raw.copy(f"COPY {table} ({columns}) FROM STDIN") as copy,
        ):
            copy.write(buffer.getvalue())
        return
    rows = [
        (run.pk, int(h), int(m) if m >= 0 else None, p, int(a))
        for h, m, p, a in zip(households, members, programmes, amounts, strict=True)
    ]
    with connection.cursor() as cursor:
        cursor.executemany(f"INSERT INTO {table} ({columns}) VALUES (%s, %s, %s, %s, %s)", rows)


def evaluate_all(
    actor: User,
    month: datetime.date,
    *,
    place_code: str | None = None,
    progress: Progress | None = None,
    then: Callable[[EvaluationRun], Any] | None = None,
) -> EvaluationRun:
    """Evaluate every household in the place (default: the actor's) for ``month``. ``then``
    is called with the run inside its write transaction: what it raises undoes the run too (a
    standard change's preview, kept together with the run it comes from or not at all)."""
    place_code = place_code or actor.region_id
    require(actor, Permission.RUN_EVALUATION, place_code)
    month = month.replace(day=1)
    started = timezone.now()
    system = rules_in_force()
    columns = read_registry(month, prefix_of(place_code), system.county_keys)
    results = _evaluate(columns, month, progress)
    with transaction.atomic():
        run = EvaluationRun.objects.create(
            month=month,
            place_code=place_code,
            started_by=actor.username,
            started_at=started,
            finished_at=timezone.now(),
            households=len(columns.household_ids),
            persons=len(columns.member_ids),
            results=len(results),
            missing=results.missing,
            heads_assumed=int(columns.head_assumed.sum()),
        )
        _write(run, results)
        totals: dict[str, dict[str, int]] = {}
        for programme, amount in zip(results.programmes, results.amounts, strict=True):
            if len(programme):
                total = totals.setdefault(str(programme[0]), {"results": 0, "monthly_fen": 0})
                total["results"] += len(programme)
                total["monthly_fen"] += int(amount.sum())
        record(
            actor=actor,
            action=AuditAction.POLICY_EVALUATE_ALL,
            object_type="evaluation_run",
            object_id=str(run.pk),
            region_code=place_code,
            after={
                "month": month_text(month),
                "households": run.households,
                "persons": run.persons,
                "results": run.results,
                "programmes": totals,
                "missing": results.missing,
                "heads_assumed": run.heads_assumed,
            },
        )
        if then is not None:
            then(run)
    return run
