"""The floor: every programme the batch computes, hand-written in DuckDB, over the engine's columns.

The reference the engine's whole-population run is measured against (issue 14): the same input
columns (``RegistryColumns``, as ``policy.tables.build`` makes them), the same parameters in force
(read from the engine's parameter store: national values at the month's start, regional ones per
county as ``regional.by_county`` gives them), and per programme the same eligible rows and amounts
as ``policy.batch._evaluate`` — household by household, to the fen
(``src/doudi/policy/tests/test_floor.py``).

The rules are the engine's (``policy/engine/variables``); this file follows them and is never the
authority. It assumes every parameter is in force for the month (the batch leaves out a programme
whose rule is missing; the floor refuses such a month).

``generate`` builds a population of households as ``Tables`` in memory (no database) with the
awkward cases: households whose members all died or left, members added later with higher ids,
incomes at the line exactly, households in the gradual exit (渐退期), several counties with
different standards.
"""

from __future__ import annotations

import datetime
from collections.abc import Callable
from dataclasses import dataclass
from functools import partial

import duckdb
import numpy
import pyarrow

from doudi.dates import add_months
from doudi.policy.engine.regional import DatedValue, _vector
from doudi.policy.engine.system import DoudiSystem
from doudi.policy.engine.variables.inputs import SchoolStage
from doudi.policy.tables import MEMBER_FACTS, Assets, Money, RegistryColumns, Tables, build

REGIONAL = (
    "minimum_living.standard.urban",
    "minimum_living.standard.rural",
    "minimum_living.deduct_rigid_spending",
    "minimum_living.elderly_age",
    "minimum_living.addon_percent.elderly",
    "minimum_living.addon_percent.minor",
    "minimum_living.addon_percent.serious_illness",
    "minimum_living.addon_percent.severe_disability",
    "assets.financial_months",
    "assets.max_cars",
    "assets.max_homes",
    "assets.max_business_capital",
    "rigid_spending.disposable_income_per_year.urban",
    "rigid_spending.disposable_income_per_year.rural",
    "rigid_spending.min_share_percent",
    "extreme_hardship.basic_per_year.urban",
    "extreme_hardship.basic_per_year.rural",
    "extreme_hardship.care.fully_able",
    "extreme_hardship.care.partly_lost",
    "extreme_hardship.care.fully_lost",
    "child_support.orphan_standard.institution",
    "child_support.orphan_standard.family",
    "child_support.in_school_until",
    "disability.living_subsidy",
    "disability.care_subsidy",
    "disaster.transitional_per_person",
    "temporary.emergency_multiple.tier_1",
    "temporary.emergency_multiple.tier_2",
    "temporary.emergency_multiple.tier_3",
    "temporary.expenditure_share_percent",
    "temporary.cap_months",
    "medical.outpatient_chronic.percent",
    "medical.inpatient.percent",
    "medical.catastrophic.percent",
    "medical.extreme_hardship_percent",
    "medical.edge_and_rigid_percent",
    "medical.outpatient_chronic.annual_cap",
    "medical.inpatient.annual_cap",
    "medical.catastrophic.annual_cap",
    "medical.individual_premium",
    "medical.premium_subsidy",
)
NATIONAL = (
    "minimum_living.edge_percent",
    "minimum_living.gradual_exit_months",
    "minimum_living.minor_until",
    "extreme_hardship.minors_kept_until",
    "extreme_hardship.child_guarantee_excludes",
    "work_ability.age_from",
    "work_ability.age_until",
    "work_ability.max_grade_intellectual_mental",
    "work_ability.max_grade_physical",
    "work_ability.max_grade_visual",
)
KEYS = (
    "minimum_living",
    "minimum_living_edge",
    "rigid_spending_hardship",
    "disaster_transitional_aid",
    "temporary_assistance",
    "single_person_minimum_living",
    "extreme_hardship",
    "orphan",
    "de_facto_unsupported",
    "disability_living_subsidy",
    "disability_care_subsidy",
    "medical_assistance",
    "medical_premium_subsidy",
)  # the answers' programme codes
# Inputs some population leaves out: the engine's default value stands in.
PERSON_DEFAULTS = {
    "medical_claim_type": "0",  # the first value of an enumeration, as ``_arrow`` codes it
    "recorded_medical_category": "0",
    "medical_total_cost": "0",
    "medical_paid_by_basic_insurance": "0",
    "medical_paid_by_critical_illness_insurance": "0",
    "medical_paid_by_supplementary_insurance": "0",
    "medical_assistance_received_this_year": "0",
}
HOUSEHOLD_DEFAULTS = {
    "temporary_need_type": "0",
    "temporary_need_severity": "0",
    "temporary_expense": "0",
    "temporary_already_granted_this_year": "0",
}


def _column(name: str) -> str:
    return name.replace(".", "__")


def _node(parameters, name: str):
    node = parameters
    for part in name.split("."):
        node = node[part]
    return node


def parameter_table(system: DoudiSystem, month: datetime.date) -> tuple[pyarrow.Table, dict]:
    """One row per county key (its position, as the ``county`` column holds it) with every
    regional value in force on the month's first day, and the national values."""
    parameters = system.parameters(month.isoformat())
    keys = system.county_keys
    columns = {"county": numpy.arange(len(keys), dtype=numpy.int16)}
    for name in REGIONAL:
        raw = _node(parameters, name)
        vector, missing = _vector(getattr(raw, "parameter_node_at_instant", raw), keys)
        columns[_column(name)] = numpy.where(missing, 0, vector).astype(numpy.int64)
    national = {name: _node(parameters, name) for name in NATIONAL}
    stages = parameters.extreme_hardship.continues_in_school
    national["continuing_stages"] = [s.name for s in SchoolStage if bool(stages[s.name])]
    return pyarrow.table(columns), national


def _arrow(
    system: DoudiSystem, columns: dict[str, numpy.ndarray], **extra: numpy.ndarray
) -> pyarrow.Table:
    """The columns as Arrow, text as the position of its value in the engine's enumeration, as
    the engine encodes it: a hand-written query compares small integers, never carries text."""
    arrays = {}
    for name, values in {**extra, **columns}.items():
        values = numpy.asarray(values)
        if values.dtype.kind == "U":
            names = _names(system, name)
            codes = numpy.zeros(len(values), dtype=numpy.int8)
            for code, item in enumerate(names[1:], start=1):
                codes[values == item] = code
            values = codes
        arrays[name] = values
    return pyarrow.table(arrays)


def _names(system: DoudiSystem, variable: str) -> list[str]:
    return [item.name for item in system.get_variable(variable).possible_values]


def _coder(system: DoudiSystem):
    """``code(variable, *names)``: the SQL list of those values' positions (see ``_arrow``)."""

    def code(variable: str, *names: str) -> str:
        values = _names(system, variable)
        return ", ".join(str(values.index(name)) for name in names) or "NULL"

    return code


def _select(given: set[str], defaults: dict[str, str]) -> str:
    return ", ".join(
        f"{name}" if name in given else f"{value} AS {name}" for name, value in defaults.items()
    )


def floor(
    columns: RegistryColumns, system: DoudiSystem, month: datetime.date
) -> dict[str, tuple[numpy.ndarray, numpy.ndarray, numpy.ndarray]]:
    """Per programme, the eligible rows as the batch stores them: household ids, member ids
    (-1 for a household programme) and amounts in fen (0 for a status without an amount)."""
    population = columns.population
    params, n = parameter_table(system, month)
    con = duckdb.connect()
    con.register("r", params)
    con.register(
        "p",
        _arrow(
            system,
            population.persons,
            pid=numpy.arange(len(population.person_household), dtype=numpy.int64),
            hh=population.person_household.astype(numpy.int64),
        ),
    )
    con.register(
        "h",
        _arrow(
            system,
            population.households,
            hid=numpy.arange(population.household_count, dtype=numpy.int64),
        ),
    )
    stages = _stages(month, n, _coder(system), set(population.persons), set(population.households))
    # One statement: DuckDB keeps only the columns each stage needs and streams between them.
    query = "WITH " + ",\n".join(f"{stage})" for stage in stages)
    rows = con.execute(f"{query} SELECT programme, hh, pid, amount FROM answers").fetchnumpy()
    con.close()
    programme = numpy.asarray(rows["programme"], dtype=numpy.int64)
    households = columns.household_ids[numpy.asarray(rows["hh"], dtype=numpy.int64)]
    pid = numpy.asarray(rows["pid"], dtype=numpy.int64)
    members = numpy.where(pid >= 0, columns.member_ids[numpy.maximum(pid, 0)], -1)
    amounts = numpy.asarray(rows["amount"], dtype=numpy.int64)
    order = numpy.argsort(programme, kind="stable")
    bounds = numpy.searchsorted(programme[order], numpy.arange(len(KEYS) + 1))
    answers = {}
    for code, key in enumerate(KEYS):
        at = order[bounds[code] : bounds[code + 1]]
        if len(at):
            answers[key] = (households[at], members[at], amounts[at])
    return answers


def _stages(
    month: datetime.date, n: dict, c: Callable[..., str], persons: set[str], households: set[str]
) -> list:
    stages = c("education", *n["continuing_stages"])
    claim, need = partial(c, "medical_claim_type"), partial(c, "temporary_need_type")
    category = partial(c, "recorded_medical_category")  # the medical category, as recorded
    edge = n["minimum_living.edge_percent"]
    gradual = n["minimum_living.gradual_exit_months"]
    minor = n["minimum_living.minor_until"]
    excludes = "TRUE" if bool(n["extreme_hardship.child_guarantee_excludes"]) else "FALSE"
    # No gradual exit where no rule provides one (before 2021).
    gradual_sql = (
        "FALSE"
        if gradual is None
        else "receiving_minimum_living AND NOT tested < std * ml_members AND assets_ok "
        f"AND tested * 100 < std * ml_members * {edge} AND gradual_exit_months_used < {gradual}"
    )
    start = month.replace(day=1)
    to_come = (
        f"(month(birth_date) > {start.month} OR "
        f"(month(birth_date) = {start.month} AND day(birth_date) > {start.day}))"
    )
    # The child allowances: through the month of the 18th birthday (a student's: of the local
    # in-school limit), a 29 February birthday being 1 March in a year without one.
    until = (
        f"(year(birth_date) + CASE WHEN in_school THEN greatest("
        f"r.child_support__in_school_until, {minor}) ELSE {minor} END)"
    )
    no_leap = f"NOT (({until} % 4 = 0 AND {until} % 100 <> 0) OR {until} % 400 = 0)"
    child_months = (
        f"({start.year * 12 + start.month - 1} <= {until} * 12 + month(birth_date) - 1"
        f" + CASE WHEN month(birth_date) = 2 AND day(birth_date) = 29 AND {no_leap}"
        " THEN 1 ELSE 0 END)"
    )
    return [
        # 1. Households with their county's values, counted members and the asset tests.
        f"""h1 AS (
        SELECT h.*, {_select(households, HOUSEHOLD_DEFAULTS)},
          CASE WHEN is_urban THEN r.minimum_living__standard__urban
               ELSE r.minimum_living__standard__rural END AS std,
          coalesce(c.counted_members, 0) AS counted_members, coalesce(c.nb, 0) AS nb
        FROM h JOIN r USING (county)
        LEFT JOIN (SELECT hh, sum(counted_in_household::BIGINT) AS counted_members,
                          count(*) AS nb FROM p GROUP BY hh) c ON c.hh = h.hid""",
        """h2 AS ( SELECT h1.*,
          financial_assets <= assets__financial_months * std * counted_members
            AND cars <= assets__max_cars AND homes <= assets__max_homes
            AND business_capital <= assets__max_business_capital AS assets_ok
        FROM h1 JOIN r USING (county)""",
        # 2. Persons: age, ability to work, the 特困 conditions.
        f"""p1 AS (
        SELECT p.*, {_select(persons, PERSON_DEFAULTS)}, h2.std, h2.assets_ok, h2.county,
          year(DATE '{start.isoformat()}') - year(birth_date)
            - CASE WHEN {to_come} THEN 1 ELSE 0 END AS age,
          disability_grade BETWEEN 1 AND 2 AS severe,
          disability_certificate_valid_until >= DATE '{start.isoformat()}' AS certified,
          {child_months} AS child_age_ok
        FROM p JOIN h2 ON h2.hid = p.hh JOIN r ON r.county = h2.county""",
        f"""p2 AS ( SELECT *,
          (age >= {n["work_ability.age_until"]} OR age < {n["work_ability.age_from"]}
           OR (disability_grade BETWEEN 1 AND 4 AND (
             (disability_category IN ({c("disability_category", "intellectual", "mental")})
              AND disability_grade <= {n["work_ability.max_grade_intellectual_mental"]})
             OR (disability_category = {c("disability_category", "physical")}
                 AND disability_grade <= {n["work_ability.max_grade_physical"]})
             OR (disability_category = {c("disability_category", "visual")}
                 AND disability_grade <= {n["work_ability.max_grade_visual"]})))
           OR (was_extreme_hardship AND (age < {n["extreme_hardship.minors_kept_until"]}
               OR (in_school AND education IN ({stages})))))
          AND person_income < std AND assets_ok AND NOT has_capable_supporter AS conditions,
          child_age_ok AND orphan_status <> {c("orphan_status", "none")} AS meets_child,
          child_guarantee_choice = {c("child_guarantee_choice", "extreme_hardship")}
            AS chose_hardship
        FROM p1""",
        f"""p3 AS ( SELECT *,
          conditions AND (NOT ({excludes} AND meets_child) OR chose_hardship) AS eh,
          {excludes} AND chose_hardship AND conditions AS chose_eh,
          counted_in_household AND NOT
            (conditions AND (NOT ({excludes} AND meets_child) OR chose_hardship)) AS in_ml
        FROM p2""",
        # 3. The 低保 tests per household.
        """h3 AS (
        SELECT h2.*, coalesce(m.ml_members, 0) AS ml_members,
          greatest(coalesce(m.income, 0) + household_income - CASE WHEN
            deduct_rigid_spending_flag THEN coalesce(m.spending, 0) + household_rigid_spending
            ELSE 0 END, 0) AS tested,
          coalesce(m.total_income, 0) + household_income AS total_income,
          coalesce(m.total_spending, 0) + household_rigid_spending AS rigid
        FROM (SELECT h2.*, r.minimum_living__deduct_rigid_spending <> 0
                        AS deduct_rigid_spending_flag FROM h2 JOIN r USING (county)) h2
        LEFT JOIN (SELECT hh, sum(in_ml::BIGINT) AS ml_members,
                     sum(CASE WHEN in_ml THEN person_income ELSE 0 END) AS income,
                     sum(CASE WHEN in_ml THEN person_rigid_spending ELSE 0 END) AS spending,
                     sum(CASE WHEN counted_in_household THEN person_income ELSE 0 END)
                       AS total_income,
                     sum(CASE WHEN counted_in_household THEN person_rigid_spending ELSE 0 END)
                       AS total_spending
                   FROM p3 GROUP BY hh) m ON m.hh = h2.hid""",
        f"""h4 AS ( SELECT *,
          tested < std * ml_members AND assets_ok AND ml_members > 0 AS by_tests,
          {gradual_sql} AS gradual
        FROM h3""",
        f"""h5 AS ( SELECT h4.*, by_tests OR gradual AS ml_eligible,
          NOT (by_tests OR gradual) AND assets_ok AND tested * 100 < std * ml_members * {edge}
            AS edge,
          NOT (by_tests OR gradual)
            AND total_income * 12 < (CASE WHEN is_urban
                THEN rigid_spending__disposable_income_per_year__urban
                ELSE rigid_spending__disposable_income_per_year__rural END) * counted_members
            AND rigid * 100 >= total_income * rigid_spending__min_share_percent AND rigid > 0
            AS rigid_hardship
        FROM h4 JOIN r USING (county)""",
        # 4. Per person: 分类施保 add-ons, 单人保, 特困 amounts.
        f"""p4 AS ( SELECT p3.*, h5.by_tests, h5.edge, h5.rigid_hardship,
          h5.ml_eligible, h5.minimum_living_recorded, h5.receiving_minimum_living,
          CASE WHEN h5.by_tests AND p3.in_ml THEN p3.std * greatest(
              CASE WHEN age >= minimum_living__elderly_age
                THEN minimum_living__addon_percent__elderly ELSE 0 END,
              CASE WHEN age < {minor} THEN minimum_living__addon_percent__minor ELSE 0 END,
              CASE WHEN serious_illness
                THEN minimum_living__addon_percent__serious_illness ELSE 0 END,
              CASE WHEN severe THEN minimum_living__addon_percent__severe_disability ELSE 0 END
            ) // 100 ELSE 0 END AS addon,
          CASE WHEN h5.edge AND p3.in_ml AND (severe
              OR (disability_grade = 3
                  AND disability_category IN ({c("disability_category", "intellectual", "mental")}))
              OR serious_illness)
            THEN greatest(p3.std - person_income, 0) ELSE 0 END AS single_amount,
          CASE WHEN eh THEN (CASE WHEN h5.is_urban THEN extreme_hardship__basic_per_year__urban
                                  ELSE extreme_hardship__basic_per_year__rural END) // 12
            + CASE WHEN self_care_items_failed >= 4 THEN extreme_hardship__care__fully_lost
                   WHEN self_care_items_failed >= 1 THEN extreme_hardship__care__partly_lost
                   ELSE extreme_hardship__care__fully_able END
            ELSE 0 END AS eh_amount,
          CASE WHEN care_setting = {c("care_setting", "institution")}
               THEN child_support__orphan_standard__institution
               ELSE child_support__orphan_standard__family END AS orphan_standard,
          r.disability__living_subsidy, r.disability__care_subsidy,
          r.medical__outpatient_chronic__percent, r.medical__inpatient__percent,
          r.medical__catastrophic__percent, r.medical__extreme_hardship_percent,
          r.medical__edge_and_rigid_percent, r.medical__outpatient_chronic__annual_cap,
          r.medical__inpatient__annual_cap, r.medical__catastrophic__annual_cap,
          r.medical__individual_premium, r.medical__premium_subsidy
        FROM p3 JOIN h5 ON h5.hid = p3.hh JOIN r ON r.county = p3.county""",
        """h6 AS (
        SELECT h5.*, CASE WHEN by_tests THEN std * ml_members - tested + coalesce(a.addons, 0)
                          WHEN gradual THEN current_minimum_living_amount ELSE 0 END AS ml_amount
        FROM h5 LEFT JOIN (SELECT hh, sum(addon) AS addons FROM p4 GROUP BY hh) a
          ON a.hh = h5.hid""",
        # 5. Programmes that follow the 低保 result: the child guarantee, disability, medical.
        f"""p5 AS ( SELECT p4.*,
          CASE WHEN child_age_ok AND orphan_status = {c("orphan_status", "orphan")}
              AND NOT chose_eh
            THEN orphan_standard ELSE 0 END AS orphan_amount,
          CASE WHEN child_age_ok AND NOT chose_eh
              AND orphan_status = {c("orphan_status", "de_facto_unsupported")}
            THEN greatest(orphan_standard - (CASE WHEN in_ml
              THEN h6.ml_amount // greatest(h6.ml_members, 1) ELSE 0 END) - eh_amount, 0)
            ELSE 0 END AS de_facto_amount,
          CASE WHEN p4.minimum_living_recorded
               THEN p4.receiving_minimum_living OR receiving_single_person_minimum_living
               ELSE p4.ml_eligible OR {"single_amount > 0" if edge is not None else "FALSE"}
          END AS in_minimum_living,
          greatest(medical_total_cost - medical_paid_by_basic_insurance
            - medical_paid_by_critical_illness_insurance
            - medical_paid_by_supplementary_insurance, 0) AS residual,
          CASE medical_claim_type
            WHEN {claim("outpatient_chronic")} THEN medical__outpatient_chronic__percent
            WHEN {claim("inpatient")} THEN medical__inpatient__percent
            WHEN {claim("catastrophic")} THEN medical__catastrophic__percent
            ELSE 0 END AS by_type,
          CASE medical_claim_type
            WHEN {claim("outpatient_chronic")}
              THEN medical__outpatient_chronic__annual_cap
            WHEN {claim("inpatient")} THEN medical__inpatient__annual_cap
            WHEN {claim("catastrophic")} THEN medical__catastrophic__annual_cap
            ELSE 0 END AS medical_cap
        FROM p4 JOIN (SELECT hid, ml_amount, ml_members FROM h6) h6 ON h6.hid = p4.hh""",
        f"""p6 AS ( SELECT *,
          CASE WHEN recorded_medical_category <> {category("not_recorded")}
                 THEN recorded_medical_category
               WHEN eh THEN {category("extreme_hardship")}
               WHEN in_minimum_living THEN {category("minimum_living")}
               WHEN edge THEN {category("edge")}
               WHEN rigid_hardship THEN {category("rigid_spending")} ELSE {category("none")}
          END AS medical_category
        FROM p5""",
        f"""p7 AS ( SELECT *,
          CASE WHEN medical_category = {category("extreme_hardship")} THEN
                 CASE WHEN medical_claim_type = {claim("outpatient_chronic")} THEN by_type
                      ELSE greatest(by_type, medical__extreme_hardship_percent) END
               WHEN medical_category IN ({category("minimum_living", "poverty_registered")})
                 THEN by_type
               WHEN medical_category IN ({category("edge", "rigid_spending")})
                 THEN least(by_type, medical__edge_and_rigid_percent)
               ELSE 0 END AS medical_percent
        FROM p6""",
        # 6. The answers, as the batch stores them.
        f"""answers AS (
        SELECT {KEYS.index("minimum_living")} AS programme, hid AS hh, -1::BIGINT AS pid,
               ml_amount AS amount FROM h6 WHERE ml_eligible AND nb > 0
        UNION ALL SELECT {KEYS.index("minimum_living_edge")}, hid, -1, 0 FROM h6
          WHERE edge AND nb > 0
        UNION ALL SELECT {KEYS.index("rigid_spending_hardship")}, hid, -1, 0 FROM h6
          WHERE rigid_hardship AND nb > 0
        UNION ALL SELECT {KEYS.index("disaster_transitional_aid")}, hid, -1,
            disaster__transitional_per_person * nb FROM h6 JOIN r USING (county)
          WHERE disaster_affected AND disaster__transitional_per_person * nb > 0
        UNION ALL SELECT {KEYS.index("temporary_assistance")}, hid, -1, amount FROM (
          SELECT hid, nb, CASE WHEN (temporary_need_type = {need("emergency")}
                                     AND temporary_need_severity BETWEEN 1 AND 3)
                OR (temporary_need_type = {need("expenditure")}
                    AND temporary_expense > 0)
            THEN least(
              CASE WHEN temporary_need_type = {need("emergency")}
                THEN std * CASE temporary_need_severity
                  WHEN 1 THEN temporary__emergency_multiple__tier_1
                  WHEN 2 THEN temporary__emergency_multiple__tier_2
                  WHEN 3 THEN temporary__emergency_multiple__tier_3 ELSE 0 END ELSE 0 END
              + CASE WHEN temporary_need_type = {need("expenditure")}
                  THEN greatest(temporary_expense, 0) * temporary__expenditure_share_percent
                       // 100 ELSE 0 END,
              greatest(temporary__cap_months * std - temporary_already_granted_this_year, 0))
            ELSE 0 END AS amount FROM h6 JOIN r USING (county)) t WHERE amount > 0 AND nb > 0
        UNION ALL SELECT {KEYS.index("single_person_minimum_living")}, hh, pid, single_amount
          FROM p7
          WHERE single_amount > 0
        UNION ALL SELECT {KEYS.index("extreme_hardship")}, hh, pid, eh_amount FROM p7 WHERE eh
        UNION ALL SELECT {KEYS.index("orphan")}, hh, pid, orphan_amount FROM p7
          WHERE orphan_amount > 0
        UNION ALL SELECT {KEYS.index("de_facto_unsupported")}, hh, pid, de_facto_amount FROM p7
          WHERE de_facto_amount > 0
        UNION ALL SELECT {KEYS.index("disability_living_subsidy")}, hh, pid,
          disability__living_subsidy
          FROM p7 WHERE disability_grade BETWEEN 1 AND 4 AND in_minimum_living AND certified
            AND disability__living_subsidy > 0
        UNION ALL SELECT {KEYS.index("disability_care_subsidy")}, hh, pid, disability__care_subsidy
          FROM p7
          WHERE severe AND certified AND disability__care_subsidy > 0
        UNION ALL SELECT {KEYS.index("medical_assistance")}, hh, pid, amount FROM (
          SELECT hh, pid, least(residual * medical_percent // 100,
                                greatest(medical_cap - medical_assistance_received_this_year, 0))
            AS amount FROM p7) m WHERE amount > 0
        UNION ALL SELECT {KEYS.index("medical_premium_subsidy")}, hh, pid,
          CASE WHEN medical_category = {category("extreme_hardship")}
               THEN medical__individual_premium
               ELSE least(medical__premium_subsidy, medical__individual_premium) END FROM p7
          WHERE medical_category
            IN ({category("extreme_hardship", "minimum_living", "poverty_registered")})""",
    ]


# ------------------------------------------------------------------- a generated population

COUNTIES = ("410802000000", "410821000000", "410822000000", "410823000000")
CITY = "410800000000"


def system_for_generated() -> DoudiSystem:
    """The shipped rules for four 焦作 counties, two of them with standards of their own."""
    added = [
        DatedValue("minimum_living.standard.urban", "410821000000", "2024-01-01", 65000, "test"),
        DatedValue("minimum_living.standard.rural", "410821000000", "2024-01-01", 52000, "test"),
        DatedValue("minimum_living.standard.urban", "410822000000", "2025-01-01", 71000, "test"),
        DatedValue("assets.max_cars", "410822000000", "2025-01-01", 1, "test"),
    ]
    return DoudiSystem(COUNTIES, added)


@dataclass
class Generated:
    tables: Tables
    columns: RegistryColumns


def certificate_ends(rng: numpy.random.Generator, m: int, month: datetime.date) -> numpy.ndarray:
    """Certificates' last valid days around ``month``: most none delivered (NaT), some the last
    day before the month, its first or last day, or years ahead."""
    first = numpy.datetime64(month, "D")
    after = numpy.datetime64(add_months(month, 1), "D")
    ends = numpy.array(
        ["NaT", first - 1, first, after - 1, after, first + 3650], dtype="datetime64[D]"
    )
    return ends[rng.choice(len(ends), m, p=[0.5, 0.1, 0.1, 0.1, 0.1, 0.1])]


def generate(households: int, month: datetime.date, seed: int = 14) -> Generated:
    """``households`` households for ``month`` as the registry reader would give them."""
    rng = numpy.random.default_rng(seed)
    n = households
    size = rng.choice([0, 1, 2, 3, 4, 5], n, p=[0.02, 0.25, 0.3, 0.23, 0.15, 0.05])
    ids = rng.permutation(n * 3)[:n].astype(numpy.int64) + 1  # any order, gaps
    m = int(size.sum())
    owner = numpy.repeat(ids, size)
    # Members added later to older households carry higher ids: ids shuffled across households.
    member_ids = rng.permutation(m * 2)[:m].astype(numpy.int64) + 1
    first = numpy.zeros(m, dtype=bool)
    first[numpy.cumsum(size)[size > 0] - size[size > 0]] = True
    today = numpy.datetime64(month.isoformat(), "D")
    age_days = rng.integers(0, 95 * 365, m)
    age_days[first] = rng.integers(18 * 365, 95 * 365, int(first.sum()))
    # Birthdays on the month's first day and the day after: the age turns exactly then.
    exact = rng.random(m) < 0.02
    years = rng.integers(1, 90, m)
    born = today - age_days.astype("timedelta64[D]")
    born[exact] = (
        today.astype("datetime64[M]") - (years[exact] * 12).astype("timedelta64[M]")
    ).astype("datetime64[D]") + rng.integers(0, 2, int(exact.sum())).astype("timedelta64[D]")
    relation = numpy.where(first, "head", rng.choice(["spouse", "child", "parent"], m))
    # A few households with a second recorded head (a head leaving later), a few with none.
    relation[rng.random(m) < 0.01] = "head"
    relation[first & (rng.random(m) < 0.01)] = "child"
    left_on = numpy.full(m, numpy.datetime64("NaT"), dtype="datetime64[D]")
    leaving = rng.random(m) < 0.03
    left_on[leaving] = today + rng.integers(1, 200, int(leaving.sum())).astype("timedelta64[D]")
    grade = numpy.where(rng.random(m) < 0.12, rng.integers(1, 5, m), 0)
    category = numpy.where(
        grade > 0,
        rng.choice(["visual", "hearing", "physical", "intellectual", "mental", "multiple"], m),
        "",
    )
    in_school = rng.random(m) < 0.15
    education = rng.choice([s.name for s in SchoolStage], m)
    orphan = rng.choice(["none", "orphan", "de_facto_unsupported"], m, p=[0.94, 0.03, 0.03])
    claims = numpy.empty(m, dtype=object)
    claimed = numpy.flatnonzero(rng.random(m) < 0.05)
    for index in claimed:
        cost = int(rng.integers(1000, 5_000_000))
        claims[index] = {
            "type": str(rng.choice(["outpatient_chronic", "inpatient", "catastrophic"])),
            "category": str(
                rng.choice(
                    ["none", "none", "minimum_living", "poverty_registered", "extreme_hardship"]
                )
            ),
            "total_cost_fen": cost,
            "paid_by_basic_insurance_fen": int(cost * rng.random() * 0.6),
            "paid_by_critical_illness_insurance_fen": int(cost * rng.random() * 0.2),
            "received_this_year_fen": int(rng.integers(0, 2_000_000)),
        }
    was_hardship = rng.random(m) < 0.03
    members = {
        "id": member_ids,
        "household": owner,
        "relation": relation.astype(object),
        "birth_date": born,
        "left_on": left_on,
        "disability_category": category.astype(object),
        "disability_grade": grade.astype(numpy.int64),
        "certificate_valid_until": certificate_ends(rng, m, month),
        "serious_illness": rng.random(m) < 0.05,
        "self_care": numpy.where(rng.random(m) < 0.1, rng.integers(0, 7, m), 0),
        "in_school": in_school,
        "education": education.astype(object),
        "excluded": rng.random(m) < 0.04,
        "has_capable_supporter": rng.random(m) > 0.08,
        "orphan_status": orphan.astype(object),
        "care_setting": rng.choice(["home", "institution"], m, p=[0.9, 0.1]).astype(object),
        "was_extreme_hardship": was_hardship,
        "child_guarantee_choice": numpy.where(
            was_hardship, "extreme_hardship", "not_recorded"
        ).astype(object),
        "receiving_single_person_minimum_living": rng.random(m) < 0.01,
        "medical_claim": claims,
    }
    assert set(MEMBER_FACTS) <= set(members)
    county = rng.integers(0, len(COUNTIES), n)
    region = numpy.array([code[:6] + "100000" for code in COUNTIES], dtype=object)[county]
    urban = rng.random(n) < 0.4
    recorded_months = rng.integers(0, 13, n)
    # Incomes: a per-person amount around the line, over the recorded months.
    standard = numpy.where(urban, 60000, 48000)
    per_month = (standard * rng.uniform(0.0, 2.2, n)).astype(numpy.int64)
    months = numpy.maximum(recorded_months, 1)
    at_line = rng.random(n) < 0.05  # the whole household's income exactly at the line
    household_income = numpy.where(at_line, standard * size * months, 0)
    person_share = (
        per_month[numpy.repeat(numpy.arange(n), size)] * months[numpy.repeat(numpy.arange(n), size)]
    )
    earners = (rng.random(m) < 0.6) & ~numpy.repeat(at_line, size)
    income_rows_member = member_ids[earners]
    income_rows_household = owner[earners]
    income_amount = person_share[earners]
    kind = rng.choice(["wage", "business", "transfer", "special_care"], int(earners.sum()))
    incomes = Money(
        numpy.concatenate([income_rows_household, ids[at_line]]),
        numpy.concatenate(
            [income_rows_member, numpy.full(int(at_line.sum()), -1, dtype=numpy.int64)]
        ),
        numpy.concatenate([kind, numpy.full(int(at_line.sum()), "wage")]).astype(object),
        numpy.concatenate([income_amount, household_income[at_line]]).astype(numpy.int64),
    )
    spenders = rng.random(m) < 0.1
    expenses = Money(
        owner[spenders],
        member_ids[spenders],
        numpy.full(int(spenders.sum()), "medical", dtype=object),
        rng.integers(0, 3_000_000, int(spenders.sum())),
    )
    with_assets = numpy.flatnonzero(rng.random(n) < 0.5)
    k = len(with_assets)
    assets = Assets(
        ids[with_assets],
        rng.choice(["deposit", "home", "vehicle", "business", "securities"], k).astype(object),
        rng.choice(["car", "truck", "motorcycle", ""], k).astype(object),
        rng.integers(1, 3, k),
        rng.integers(0, 10_000_000, k),
        rng.integers(0, 5_000_000, k),
    )
    receiving = rng.random(n) < 0.25
    need = rng.choice(["none", "emergency", "expenditure"], n, p=[0.9, 0.05, 0.05])
    tables = Tables(
        households={
            "id": ids,
            "region": region,
            "classification": numpy.where(urban, "urban", "rural").astype(object),
            "recorded_months": recorded_months,
            "disaster_affected": rng.random(n) < 0.02,
            "minimum_living_recorded": receiving | (rng.random(n) < 0.5),
            "receiving_minimum_living": receiving,
            "current_minimum_living_amount": numpy.where(
                receiving, rng.integers(10000, 200000, n), 0
            ),
            "gradual_exit_months_used": numpy.where(receiving, rng.integers(0, 8, n), 0),
        },
        members=members,
        incomes=incomes,
        expenses=expenses,
        assets=assets,
        household_requests={
            "temporary_need_type": need,
            "temporary_need_severity": rng.integers(0, 5, n),
            "temporary_expense": numpy.where(
                need == "expenditure", rng.integers(-100, 900000, n), 0
            ),
            "temporary_already_granted_this_year": rng.integers(0, 400000, n),
        },
    )
    system_keys = ("default", *(f"c{code[:6]}" for code in COUNTIES))
    return Generated(tables, build(tables, system_keys))
