"""Writing a generated population into the registry: fast, in one transaction, one audit event.

The ORM would take hours for a million households, so rows go in as prepared tuples: COPY on
PostgreSQL (psycopg 3 through Django's connection), ``executemany`` in chunks on SQLite. Ids
are reserved up front from each table's sequence, so members, money facts and versions point
at their households without reading anything back. Each household gets version 1
(``household.create``) whose form is exactly what ``registry.form_output.stored_form`` would
store, built here as JSON text from the same values instead of from a million ORM objects.

On PostgreSQL the registry tables' secondary indexes and foreign keys are set aside while the
rows stream in and rebuilt afterwards, inside the same transaction (as pg_restore does): one
sorted build per index and one join per foreign key, instead of millions of single-row index
insertions and checks. Meanwhile the registry tables are locked; readers wait for the commit.

The registry must be empty: generated ID numbers are unique among themselves, not against
people already registered, and a demo population mixed into real or hand-entered households
would only confuse. Generate into a fresh database instead.
"""

from __future__ import annotations

import datetime
import itertools
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass

import numpy as np
from django.db import connection, transaction
from django.db.models import Model
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from doudi.audit.actions import AuditAction
from doudi.audit.services import record
from doudi.config import environment_is_production
from doudi.demo import population as pop
from doudi.demo.loader import JIAOZUO
from doudi.errors import DoudiError
from doudi.identity import protection
from doudi.identity.numbers import mask
from doudi.regions.codes import Level
from doudi.regions.models import Region
from doudi.registry.form_output import FORM_SCHEMA_VERSION
from doudi.registry.models import Asset, Expense, Household, HouseholdVersion, Income, Member

BATCH_HOUSEHOLDS = 1000
SQLITE_CHUNK = 5_000
CREATE_ACTION = "household.create"
AUTHOR = "system"  # what services record as the author of a change made by no user

# Told of each step: "id_numbers" (encrypted), a table name (rows written), "indexes"
# (rebuilt), with how many are done of how many.
Progress = Callable[[str, int, int], None]

HOUSEHOLD_COLUMNS = ("id", "region_id", "address", "version", "created_at", "updated_at")
MEMBER_COLUMNS = (
    "id",
    "household_id",
    "name",
    "relation",
    "sex",
    "birth_date",
    "hukou_region_code",
    "hukou_type",
    "residence_region_code",
    "marital_status",
    "phone",
    "disability_category",
    "disability_grade",
    "serious_illness",
    "self_care_failed",
    "education",
    "in_school",
    "employment",
    "death_date",
    "joined_on",
    "left_on",
    "leave_reason",
    "excluded_reason",
    "social_security_card",
    "id_number_ciphertext",
    "id_number_hash",
    "id_number_masked",
)
INCOME_COLUMNS = ("id", "household_id", "member_id", "note", "month", "income_type", "amount_fen")
EXPENSE_COLUMNS = ("id", "household_id", "member_id", "note", "month", "expense_type", "amount_fen")
ASSET_COLUMNS = (
    "id",
    "household_id",
    "member_id",
    "note",
    "asset_type",
    "value_fen",
    "vehicle_type",
    "floor_area_m2",
    "registered_capital_fen",
)
VERSION_COLUMNS = ("id", "household_id", "version", "recorded_at", "recorded_by", "action", "form")

# The stored form (form_output.stored_form) as text templates, keys in the same order. Every
# value put into them is already JSON: see _json_texts and _json_vocabulary.
FORM_TEMPLATE = (
    '{"schema_version":%d,"id":%d,"file_number":"%s","region":"%s",'
    '"classification":"%s","address":%s,"disaster_affected":false,"members":[%s],"incomes":[%s],'
    '"expenses":[%s],"assets":[%s]}'
)
MEMBER_TEMPLATE = (
    '{"key":"%d","name":%s,"id_number_masked":"%s","id_number_ciphertext":"%s",'
    '"relation":%s,"sex":%s,"birth_date":"%s","hukou_region":%s,"hukou_type":%s,'
    '"residence_region":%s,"marital_status":%s,"phone":%s,"disability_category":%s,'
    '"disability_grade":%s,"serious_illness":%s,"self_care_failed":%s,"education":%s,'
    '"in_school":%s,"employment":%s,"death_date":%s,"joined_on":"%s","left_on":%s,'
    '"leave_reason":%s,"excluded_reason":%s,"social_security_card":"",'
    '"has_capable_supporter":true,"orphan_status":"none","care_setting":"home",'
    '"medical_claim":null}'
)
MONTHLY_TEMPLATE = '{"key":"%d","member":%s,"month":"%s","type":%s,"amount_fen":%d,"note":%s}'
ASSET_TEMPLATE = (
    '{"key":"%d","member":%s,"type":%s,"value_fen":%d,"vehicle_type":%s,'
    '"floor_area_m2":%s,"registered_capital_fen":%s,"note":%s}'
)
# Every combination of the six self-care items by bit mask: as a list, and as JSON.
SELF_CARE_LISTS = [
    [item for bit, item in enumerate(pop.SELF_CARE_ITEMS) if bits >> bit & 1]
    for bits in range(1 << len(pop.SELF_CARE_ITEMS))
]


@dataclass(frozen=True)
class _Table:
    """One registry table as this loader fills it."""

    model: type[Model]
    columns: tuple[str, ...]

    @property
    def name(self) -> str:
        return self.model._meta.db_table


TABLES = {
    "households": _Table(Household, HOUSEHOLD_COLUMNS),
    "members": _Table(Member, MEMBER_COLUMNS),
    "incomes": _Table(Income, INCOME_COLUMNS),
    "expenses": _Table(Expense, EXPENSE_COLUMNS),
    "assets": _Table(Asset, ASSET_COLUMNS),
    "versions": _Table(HouseholdVersion, VERSION_COLUMNS),
}


def load_population(
    population: pop.Population,
    *,
    progress: Progress | None = None,
    batch: int = BATCH_HOUSEHOLDS,
    registered_at: datetime.datetime | None = None,
) -> dict[str, int]:
    """Write the whole population in one transaction and audit it once; return the counts.
    ``registered_at`` is when the registry records the households (default: now); the demo
    registers them on the first day its recipients' cases are walked (demo.recipients)."""
    if environment_is_production():
        raise DoudiError(_("Demo data is never loaded into a production installation."))
    counts = {**population.counts(), "versions": population.counts()["households"]}
    with transaction.atomic():
        writer = _PostgresWriter() if connection.vendor == "postgresql" else _SqliteWriter()
        if Household.objects.exists():
            raise DoudiError(
                _(
                    "The registry already holds households: a synthetic population "
                    "is generated only into an empty registry (a fresh database)."
                )
            )
        classification = _place_classifications(population.places)
        first = {name: _reserve(table.name, counts[name]) for name, table in TABLES.items()}
        progress = progress or _quiet
        rows = _Rows(population, first, classification, registered_at or timezone.now(), batch)
        progress("id_numbers", counts["members"], counts["members"])
        writer.set_aside([table.name for table in TABLES.values()])
        for name, table in TABLES.items():
            writer.write(table, _reporting(getattr(rows, name)(), name, counts[name], progress))
        writer.restore(progress)
        record(
            actor=None,
            action=AuditAction.DEMO_GENERATE,
            object_type="population",
            object_id=str(population.seed),
            region_code=JIAOZUO,
            after={"seed": population.seed, "as_of": population.as_of.isoformat(), **counts},
            reason="synthetic demo population",
        )
    return counts


def _quiet(step: str, done: int, total: int) -> None:
    return None


def _reporting(
    batches: Iterator[list[tuple]], name: str, total: int, progress: Progress
) -> Iterator[tuple]:
    done = 0
    for rows in batches:
        yield from rows
        done += len(rows)
        progress(name, done, total)


def _place_classifications(places: Sequence[pop.Place]) -> dict[str, str]:
    """The urban/rural classification of each place, as the database has it (the stored form
    takes it from there); every place must be a village of the loaded tree."""
    codes = [place.code for place in places]
    found = dict(
        Region.objects.filter(code__in=codes, level=Level.VILLAGE).values_list(
            "code", "classification"
        )
    )
    missing = sorted(set(codes) - set(found))
    if missing:
        raise DoudiError(
            _("The demo places are not loaded (missing %(codes)s): run “doudi demo load” first."),
            codes=", ".join(missing[:3]),
        )
    return found


def _reserve(table: str, count: int) -> int:
    """The first of ``count`` ids taken from the table's sequence (PostgreSQL) or past its
    highest id (SQLite, whose AUTOINCREMENT counter then follows the explicit ids)."""
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            if count == 0:
                return 1
            cursor.execute(
                "SELECT setval(pg_get_serial_sequence(%s, 'id'), "
                "nextval(pg_get_serial_sequence(%s, 'id')) + %s - 1)",
                [table, table, count],
            )
            return cursor.fetchone()[0] - count + 1
        cursor.execute(f'SELECT COALESCE(MAX(id), 0) FROM "{table}"')
        highest = cursor.fetchone()[0]
        cursor.execute("SELECT COALESCE(MAX(seq), 0) FROM sqlite_sequence WHERE name = %s", [table])
        return max(highest, cursor.fetchone()[0]) + 1


# ---------------------------------------------------------------------------------- writers

# What to set aside on PostgreSQL, with the statements that drop and restore it: foreign keys
# (step 0), unique constraints (1), then plain indexes (2). Primary keys stay.
SET_ASIDE = """
SELECT format('ALTER TABLE %%s DROP CONSTRAINT %%I', conrelid::regclass, conname),
       format('ALTER TABLE %%s ADD CONSTRAINT %%I %%s', conrelid::regclass, conname,
              pg_get_constraintdef(oid)),
       CASE contype WHEN 'f' THEN 0 ELSE 1 END AS step
  FROM pg_constraint
 WHERE conrelid = ANY(%s::regclass[]) AND contype IN ('f', 'u')
UNION ALL
SELECT format('DROP INDEX %%s', indexrelid::regclass), pg_get_indexdef(indexrelid), 2
  FROM pg_index
 WHERE indrelid = ANY(%s::regclass[]) AND NOT indisprimary
   AND NOT EXISTS (SELECT 1 FROM pg_constraint
                    WHERE conindid = indexrelid AND contype IN ('p', 'u', 'x'))
 ORDER BY 3, 1
"""


class _PostgresWriter:
    """COPY into tables whose foreign keys, unique constraints and secondary indexes are
    dropped while they are empty and restored, exactly as defined, once the rows are in
    (an error rolls the drops back with everything else)."""

    def __init__(self) -> None:
        self.restore_statements: list[str] = []
        with connection.cursor() as cursor:
            # A second generation started meanwhile waits here, then finds households.
            cursor.execute(f'LOCK TABLE "{Household._meta.db_table}" IN EXCLUSIVE MODE')
            # For the index builds at the end, and a faster compression of the stored forms.
            cursor.execute("SET LOCAL maintenance_work_mem = '1GB'")
            cursor.execute(
                "SELECT 'lz4' = ANY(enumvals) FROM pg_settings "
                "WHERE name = 'default_toast_compression'"
            )
            if cursor.fetchone()[0]:
                cursor.execute("SET LOCAL default_toast_compression = lz4")

    def set_aside(self, tables: list[str]) -> None:
        with connection.cursor() as cursor:
            # Checks still deferred in this transaction (places just imported, say) run now:
            # PostgreSQL alters no table with trigger events pending.
            cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
            cursor.execute("SET CONSTRAINTS ALL DEFERRED")
            cursor.execute(SET_ASIDE, [tables, tables])
            for drop, restore, _step in cursor.fetchall():
                cursor.execute(drop)
                self.restore_statements.append(restore)

    def restore(self, progress: Progress) -> None:
        statements = list(reversed(self.restore_statements))
        with connection.cursor() as cursor:
            for done, statement in enumerate(statements, start=1):
                cursor.execute(statement)
                progress("indexes", done, len(statements))

    @staticmethod
    def write(table: _Table, rows: Iterable[tuple]) -> None:
        names = ", ".join(f'"{column}"' for column in table.columns)
        with (
            connection.cursor() as cursor,
            cursor.copy(f'COPY "{table.name}" ({names}) FROM STDIN') as copy,
        ):
            for row in rows:
                copy.write_row(row)


class _SqliteWriter:
    """executemany in chunks; SQLite checks foreign keys at commit, and keeps its indexes.
    Its transactions take the write lock when they begin (settings: IMMEDIATE)."""

    def set_aside(self, tables: list[str]) -> None:
        return None

    def restore(self, progress: Progress) -> None:
        return None

    @staticmethod
    def write(table: _Table, rows: Iterable[tuple]) -> None:
        names = ", ".join(f'"{column}"' for column in table.columns)
        marks = ", ".join(["%s"] * len(table.columns))
        sql = f'INSERT INTO "{table.name}" ({names}) VALUES ({marks})'
        rows = iter(rows)
        with connection.cursor() as cursor:
            while chunk := list(itertools.islice(rows, SQLITE_CHUNK)):
                cursor.executemany(sql, chunk)


# ------------------------------------------------------------------------------------- rows


def _dates(days: np.ndarray) -> list[str | None]:
    return [None if text == "NaT" else text for text in days.astype(str).tolist()]


def _codes(vocabulary: tuple[str, ...], codes: np.ndarray) -> list[str]:
    return np.array(vocabulary)[codes].tolist()


def _json_vocabulary(vocabulary: Sequence, codes: np.ndarray) -> list[str]:
    """JSON texts of coded values: each value of the vocabulary is encoded once."""
    return np.array([_json(value) for value in vocabulary])[codes].tolist()


def _json_texts(values: np.ndarray) -> list[str]:
    """JSON texts of arbitrary strings."""
    return [_json(value) for value in values.tolist()]


def _quoted(values: np.ndarray) -> list[str]:
    """JSON texts of strings that need no escaping: digits, or names drawn from the
    generator's own characters (a wrong guess here fails the stored-form test)."""
    return np.strings.add(np.strings.add('"', values), '"').tolist()


def _json(value: object) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _nullable(values: list) -> list[str]:
    return ["null" if value is None else f'"{value}"' for value in values]


def _edges(table: pop.Table, low: int, high: int) -> np.ndarray:
    """Where the rows of households low … high - 1 start, and where the last one's end:
    household i's rows are edges[i - low] … edges[i - low + 1] - 1."""
    return np.searchsorted(table["household"], np.arange(low, high + 1))


class _Rows:
    """The rows of every table, batch by batch of households, ready for the writers."""

    def __init__(
        self,
        population: pop.Population,
        first: dict[str, int],
        classification: dict[str, str],
        now: datetime.datetime,
        batch: int,
    ) -> None:
        self.population, self.first, self.batch = population, first, batch
        self.now = connection.ops.adapt_datetimefield_value(now)
        codes = [place.code for place in population.places]
        self.region = np.array(codes)[population.households["place"]]
        self.classification = np.array([classification[code] for code in codes])[
            population.households["place"]
        ]
        # Encrypted and masked once, for the member rows and again for the stored forms.
        numbers = population.members["id_number"].tolist()
        self.ciphertexts = [protection.encrypt(number) for number in numbers]
        self.masked = [mask(number) for number in numbers]

    def _batches(self) -> Iterator[tuple[int, int]]:
        total = len(self.population.households["place"])
        for low in range(0, total, self.batch):
            yield low, min(low + self.batch, total)

    def _part(self, name: str, low: int, high: int) -> tuple[pop.Table, int, int]:
        """The rows of households [low, high) in a population table, and their index range."""
        table = self.population.tables()[name]
        start, end = (int(edge) for edge in _edges(table, low, high)[[0, -1]])
        return {column: values[start:end] for column, values in table.items()}, start, end

    # -- households

    def households(self) -> Iterator[list[tuple]]:
        for low, high in self._batches():
            size = high - low
            yield list(
                zip(
                    (self.first["households"] + np.arange(low, high)).tolist(),
                    self.region[low:high].tolist(),
                    self.population.households["address"][low:high].tolist(),
                    [1] * size,
                    [self.now] * size,
                    [self.now] * size,
                    strict=True,
                )
            )

    # -- members

    def members(self) -> Iterator[list[tuple]]:
        for low, high in self._batches():
            m, start, end = self._part("members", low, high)
            numbers = m["id_number"].tolist()
            yield list(
                zip(
                    (self.first["members"] + np.arange(start, end)).tolist(),
                    (self.first["households"] + m["household"]).tolist(),
                    m["name"].tolist(),
                    _codes(pop.RELATIONS, m["relation"]),
                    np.where(m["male"], "male", "female").tolist(),
                    _dates(m["birth"]),
                    m["hukou_region"].tolist(),
                    np.where(m["hukou_urban"], "urban", "rural").tolist(),
                    m["residence_region"].tolist(),
                    _codes(pop.MARITAL, m["marital"]),
                    m["phone"].tolist(),
                    _codes(pop.DISABILITIES, m["disability"]),
                    [grade or None for grade in m["grade"].tolist()],
                    _codes(pop.ILLNESSES, m["illness"]),
                    _json_vocabulary(SELF_CARE_LISTS, m["self_care"]),
                    _codes(pop.EDUCATION, m["education"]),
                    m["in_school"].tolist(),
                    _codes(pop.EMPLOYMENT, m["employment"]),
                    _dates(m["death"]),
                    _dates(m["joined"]),
                    _dates(m["left"]),
                    _codes(pop.LEAVE_REASONS, m["leave_reason"]),
                    _codes(pop.EXCLUSIONS, m["excluded"]),
                    [""] * (end - start),
                    self.ciphertexts[start:end],
                    [protection.lookup_hash(number) for number in numbers],
                    self.masked[start:end],
                    strict=True,
                )
            )

    # -- incomes, rigid spending, assets

    def _owners(self, name: str, low: int, high: int) -> tuple[pop.Table, list, list, list]:
        part, start, end = self._part(name, low, high)
        member = part["member"]
        return (
            part,
            (self.first[name] + np.arange(start, end)).tolist(),
            (self.first["households"] + part["household"]).tolist(),
            np.where(member < 0, None, self.first["members"] + member).tolist(),
        )

    def _monthly(
        self, name: str, notes: tuple[str, ...], types: tuple[str, ...]
    ) -> Iterator[list[tuple]]:
        for low, high in self._batches():
            part, ids, households, members = self._owners(name, low, high)
            yield list(
                zip(
                    ids,
                    households,
                    members,
                    _codes(notes, part["note"]),
                    _dates(part["month"]),
                    _codes(types, part["kind"]),
                    part["amount"].tolist(),
                    strict=True,
                )
            )

    def incomes(self) -> Iterator[list[tuple]]:
        return self._monthly("incomes", pop.INCOME_NOTES, pop.INCOME_TYPES)

    def expenses(self) -> Iterator[list[tuple]]:
        return self._monthly("expenses", pop.EXPENSE_NOTES, pop.EXPENSE_TYPES)

    def assets(self) -> Iterator[list[tuple]]:
        for low, high in self._batches():
            part, ids, households, members = self._owners("assets", low, high)
            yield list(
                zip(
                    ids,
                    households,
                    members,
                    _codes(pop.ASSET_NOTES, part["note"]),
                    _codes(pop.ASSET_TYPES, part["kind"]),
                    part["value"].tolist(),
                    _codes(pop.VEHICLES, part["vehicle"]),
                    _areas(part["area"]),
                    np.where(part["capital"] < 0, None, part["capital"]).tolist(),
                    strict=True,
                )
            )

    # -- version 1 of each household

    def versions(self) -> Iterator[list[tuple]]:
        for low, high in self._batches():
            ids = (self.first["households"] + np.arange(low, high)).tolist()
            forms = self._forms(low, high, ids)
            yield [
                (
                    self.first["versions"] + low + i,
                    household,
                    1,
                    self.now,
                    AUTHOR,
                    CREATE_ACTION,
                    form,
                )
                for i, (household, form) in enumerate(zip(ids, forms, strict=True))
            ]

    def _forms(self, low: int, high: int, ids: list[int]) -> list[str]:
        """Each household's stored form (form_output.stored_form), as JSON text."""
        parts = {
            "members": self._member_texts(low, high),
            **{
                name: self._fact_texts(name, low, high)
                for name in ("incomes", "expenses", "assets")
            },
        }
        edges = {}
        for name in parts:
            absolute = _edges(self.population.tables()[name], low, high)
            edges[name] = (absolute - absolute[0]).tolist()
        regions = self.region[low:high].tolist()
        classifications = self.classification[low:high].tolist()
        addresses = _json_texts(self.population.households["address"][low:high])
        return [
            FORM_TEMPLATE
            % (
                FORM_SCHEMA_VERSION,
                household,
                f"{regions[i]}-{household:08d}",
                regions[i],
                classifications[i],
                addresses[i],
                *(
                    ",".join(parts[name][edges[name][i] : edges[name][i + 1]])
                    for name in ("members", "incomes", "expenses", "assets")
                ),
            )
            for i, household in enumerate(ids)
        ]

    def _member_texts(self, low: int, high: int) -> list[str]:
        m, start, end = self._part("members", low, high)
        return [
            MEMBER_TEMPLATE % values
            for values in zip(
                (self.first["members"] + np.arange(start, end)).tolist(),
                _quoted(m["name"]),
                self.masked[start:end],
                self.ciphertexts[start:end],
                _json_vocabulary(pop.RELATIONS, m["relation"]),
                np.where(m["male"], '"male"', '"female"').tolist(),
                _dates(m["birth"]),
                _quoted(m["hukou_region"]),
                np.where(m["hukou_urban"], '"urban"', '"rural"').tolist(),
                _quoted(m["residence_region"]),
                _json_vocabulary(pop.MARITAL, m["marital"]),
                _quoted(m["phone"]),
                _json_vocabulary(pop.DISABILITIES, m["disability"]),
                _json_vocabulary([None, 1, 2, 3, 4], m["grade"]),
                _json_vocabulary(pop.ILLNESSES, m["illness"]),
                _json_vocabulary(SELF_CARE_LISTS, m["self_care"]),
                _json_vocabulary(pop.EDUCATION, m["education"]),
                np.where(m["in_school"], "true", "false").tolist(),
                _json_vocabulary(pop.EMPLOYMENT, m["employment"]),
                _nullable(_dates(m["death"])),
                _dates(m["joined"]),
                _nullable(_dates(m["left"])),
                _json_vocabulary(pop.LEAVE_REASONS, m["leave_reason"]),
                _json_vocabulary(pop.EXCLUSIONS, m["excluded"]),
                strict=True,
            )
        ]

    def _fact_texts(self, name: str, low: int, high: int) -> list[str]:
        part, ids, _households, members = self._owners(name, low, high)
        owners = _nullable(members)
        if name == "assets":
            areas = _areas(part["area"])
            return [
                ASSET_TEMPLATE % values
                for values in zip(
                    ids,
                    owners,
                    _json_vocabulary(pop.ASSET_TYPES, part["kind"]),
                    part["value"].tolist(),
                    _json_vocabulary(pop.VEHICLES, part["vehicle"]),
                    _nullable(areas),
                    np.where(part["capital"] < 0, "null", part["capital"].astype(str)).tolist(),
                    _json_vocabulary(pop.ASSET_NOTES, part["note"]),
                    strict=True,
                )
            ]
        notes = pop.INCOME_NOTES if name == "incomes" else pop.EXPENSE_NOTES
        types = pop.INCOME_TYPES if name == "incomes" else pop.EXPENSE_TYPES
        months = part["month"].astype("datetime64[M]").astype(str).tolist()
        return [
            MONTHLY_TEMPLATE % values
            for values in zip(
                ids,
                owners,
                months,
                _json_vocabulary(types, part["kind"]),
                part["amount"].tolist(),
                _json_vocabulary(notes, part["note"]),
                strict=True,
            )
        ]


def _areas(hundredths: np.ndarray) -> list[str | None]:
    """Floor areas as the DecimalField(decimal_places=2) gives them back: "87.50"."""
    return [None if area < 0 else f"{area // 100}.{area % 100:02d}" for area in hundredths.tolist()]
