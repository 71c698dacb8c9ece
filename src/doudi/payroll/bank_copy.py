"""The bank's two CSV files at the speed of PostgreSQL's COPY, for a payroll of any size.

The payment file's lines are written by the database (``COPY … TO STDOUT``), cell for cell as
``bank_files.payment_rows`` and ``bank_files.write`` make them: the same file, byte for byte.
The result file is copied into a temporary table and recorded by one ``UPDATE … FROM``,
undone unless it recorded every line. Only a file that passes every
check of the exact reader (``bank_files.read_result`` and ``services._check_result``) is
recorded this way; any other — a row COPY cannot read or that needs a closer look, a line
unknown, twice or wrong — is left to that reader, which names each faulty row and field and
records nothing. So there is one set of rules and one set of messages, and the bulk path is
only ever stricter.

Both return None where they do not apply (another database, or a file left to the exact path).
"""

from __future__ import annotations

import csv
import re
import sys

import psycopg
from django.db import DatabaseError, connection, transaction
from psycopg import sql

from doudi.errors import DoudiError
from doudi.payroll.bank_files import (
    BOM,
    FOOTER,
    RESULT_HEADER,
    STATUS_WORDS,
    csv_file_text,
    csv_text,
    footer_totals,
    kind_words,
    payment_footer,
    payment_head,
)
from doudi.payroll.generation import index_plans
from doudi.payroll.models import LineStatus, Payroll
from doudi.spreadsheets import FORMULA_PREFIXES, safe_cell

# COPY quotes an empty text when it equals the NULL marker (by default the empty text); the
# csv module writes it bare. A marker no name or card can hold (control characters are refused
# at entry) keeps them alike; no NULL is written, every column is NOT NULL.
NULL_MARKER = "\x01"


# fen_to_yuan(…, grouped=False) of a positive amount, in SQL.
YUAN = "(({0} / 100)::text || '.' || lpad(mod({0}, 100)::text, 2, '0'))"


def _safe_sql(column: str) -> sql.Composable:
    """``safe_cell`` in SQL: text a spreadsheet would run as a formula gets an apostrophe."""
    prefixes = sql.SQL(", ").join(sql.Literal(prefix) for prefix in FORMULA_PREFIXES)
    return sql.SQL("CASE WHEN left({c}, 1) IN ({p}) THEN '''' || {c} ELSE {c} END").format(
        c=sql.Identifier(column), p=prefixes
    )


def payment_file(payroll: Payroll) -> bytes | None:
    """The CSV payment file of ``payroll`` as ``bank_files.write`` writes it; None when not on
    PostgreSQL, or when a cell holds a line break (COPY ends its rows with LF, the csv module
    with CRLF: only a file without one inside a cell can be converted)."""
    if connection.vendor != "postgresql":
        return None
    kinds = sql.SQL(" ").join(
        sql.SQL("WHEN {} THEN {}").format(sql.Literal(value), sql.Literal(safe_cell(word)))
        for value, word in kind_words().items()
    )
    # The id, amount and month are digits, a point and a dash between digits: never a formula.
    # The amount is positive (line_amount_positive).
    statement = sql.SQL(
        """COPY (SELECT id, {name}, {card}, {yuan}, to_char(pay_month, 'YYYY-MM'),
                 CASE kind {kinds} ELSE {kind} END
          FROM payroll_payrollline WHERE payroll_id = {payroll} ORDER BY id)
        TO STDOUT WITH (FORMAT csv, NULL {null})"""
    ).format(
        name=_safe_sql("payee_name"),
        card=_safe_sql("card"),
        yuan=sql.SQL(YUAN.format("amount_fen")),
        kinds=kinds,
        kind=_safe_sql("kind"),
        payroll=sql.Literal(payroll.pk),
        null=sql.Literal(NULL_MARKER),
    )
    body = bytearray()
    with connection.cursor() as cursor, cursor.cursor.copy(statement) as copy:
        for block in copy:
            body += block
    if body.count(b"\n") != payroll.line_count or b"\r" in body:
        return None
    head = (BOM + csv_text(payment_head(payroll))).encode()
    return head + bytes(body).replace(b"\n", b"\r\n") + csv_text([payment_footer(payroll)]).encode()


# Every character Python's str.strip() removes: the database trims cells as the exact reader.
WHITESPACE = "".join(chr(code) for code in range(sys.maxunicode + 1) if chr(code).isspace())
PAID_WORDS = [word for word, status in STATUS_WORDS.items() if status == LineStatus.PAID]
FAILED_WORDS = [word for word, status in STATUS_WORDS.items() if status == LineStatus.FAILED]

RESULT_TABLE = "bank_result_rows"

RESULT_COLUMNS = ("line", "card", "amount", "status", "reason")

# A cell at whose edge there is a space (a tab, an ideographic space…), to be trimmed.
EDGE_SPACE = re.compile(r"(?:^|,)[^\S\r\n]|[^\S\r\n](?:,|\r?$)", re.MULTILINE)
# The spaces a cell can hold (a line break ends its row). Asking the text for each of them is
# a tenth of the time the pattern above takes over 100,000 rows; most files hold none.
CELL_SPACES = [space for space in WHITESPACE if space not in "\r\n"]


def _needs_trim(body: str) -> bool:
    """Whether a cell of ``body`` has a space at its edge."""
    return any(space in body for space in CELL_SPACES) and EDGE_SPACE.search(body) is not None


# The line a row names, as its own index holds it (``_copy_in``): the text as the row has it
# (the cast takes ASCII spaces at its edges; anything else that is no number fails it, and
# the exact reader judges the file). The row must still write it as the payment file did.
LINE_ID = "CAST(line AS bigint)"


def _rows(trim: bool) -> str:
    """The file's rows as the exact reader sees its cells: an empty cell empty (COPY reads it
    as NULL), each cell trimmed where one needs it (trimming every cell costs more than the
    rest of the checks)."""
    cell = "btrim(COALESCE({0}, ''), %(space)s)" if trim else "COALESCE({0}, '')"
    columns = ", ".join(f"{cell.format(name)} AS {name}" for name in RESULT_COLUMNS)
    return f"(SELECT {LINE_ID} AS line_id, {columns} FROM {RESULT_TABLE})"


# A known result, and a failure with its reason.
WELL_FORMED = """(r.status = ANY(%(paid)s) OR (r.status = ANY(%(failed)s) AND r.reason <> ''))"""
FAILED = "r.status = ANY(%(failed)s)"


# As the exact path records it: every line paid, the failed ones failed with the bank's
# reason; only from a row that names a line of the payroll and repeats its card and amount,
# each as the payment file wrote them (a line number or amount written otherwise, "007" or
# "377.0", is the exact reader's to read; one that is no number at all fails the cast). Of
# as many rows as the payroll has lines, it updates them all only if each row names another
# line: a row unknown, wrong or twice leaves a line out, and the update is undone. What it
# recorded is counted in the same statement.
def _record(rows: str) -> str:
    return f"""WITH recorded AS (
    UPDATE payroll_payrollline l
    SET status = CASE WHEN {FAILED} THEN '{LineStatus.FAILED}' ELSE '{LineStatus.PAID}' END,
        bank_reason = CASE WHEN {FAILED} THEN left(r.reason, 200) ELSE l.bank_reason END
    FROM {rows} r
    WHERE {WELL_FORMED} AND l.id = r.line_id AND l.payroll_id = %(payroll)s
      AND r.line = l.id::text AND l.card = r.card AND r.amount = {YUAN.format("l.amount_fen")}
    RETURNING l.amount_fen, l.status)
SELECT COUNT(*), COALESCE(SUM(amount_fen), 0),
       COUNT(*) FILTER (WHERE status = '{LineStatus.FAILED}'),
       COALESCE(SUM(amount_fen) FILTER (WHERE status = '{LineStatus.FAILED}'), 0)
FROM recorded"""


def record_result(payroll: Payroll, data: bytes) -> tuple[int, int] | None:
    """Record the bank's CSV result file of ``payroll`` if it passes every check; (failed fen,
    failed lines). None, having changed nothing, when not on PostgreSQL or when the file is
    for the exact reader to judge."""
    if connection.vendor != "postgresql":
        return None
    body = _body(data, payroll)
    if body is None:
        return None
    params = {
        "space": WHITESPACE,
        "paid": PAID_WORDS,
        "failed": FAILED_WORDS,
        "payroll": payroll.pk,
    }
    rows = _rows(trim=_needs_trim(body))
    with connection.cursor() as cursor:
        if _copy_in(cursor, body) != payroll.line_count:
            return None
        try:
            with transaction.atomic():
                # Each row probes its line by the primary key, in the file's order (the
                # payment file's, the lines' own): a plan the size of the file, whatever
                # the planner believes the unanalysed rows and the lines hold.
                index_plans(cursor, "off")
                cursor.execute(_record(rows), params)
                count, total, failed_lines, failed_fen = cursor.fetchone()
                index_plans(cursor, "DEFAULT")
                # Every line, once: then the rows add up to the lines, and the lines must
                # add up to the payroll's total as the footer says.
                if (count, total) != (payroll.line_count, payroll.total_fen):
                    transaction.set_rollback(True)
                    return None
        except DatabaseError:  # a line number that is no number
            return None
        finally:
            cursor.execute(f"DROP TABLE IF EXISTS {RESULT_TABLE}")
        return int(failed_fen), failed_lines


def _body(data: bytes, payroll: Payroll) -> str | None:
    """The rows between the file's header and its footer, if both are as the exact reader
    wants them, the footer gives the payroll's count and total, and no cell is quoted (COPY
    and the csv module read a quote inside a cell differently)."""
    try:
        text = csv_file_text(data)
    except DoudiError:
        return None
    # One line break at most after the footer: the exact reader counts every empty row
    # against the file's limit, and the bulk path takes none.
    text = text.removesuffix("\n").removesuffix("\r")
    first = text.find("\n")
    last = text.rfind("\n")
    if first < 0 or last <= first or '"' in text or text.endswith(("\n", "\r")):
        return None
    header = next(csv.reader([text[:first]]), [])
    footer = next(csv.reader([text[last + 1 :]]), [])
    if [cell.strip() for cell in header[:5]] != RESULT_HEADER:
        return None
    if not footer or footer[0].strip() != FOOTER:
        return None
    problems: list[DoudiError] = []
    totals = footer_totals(footer, 0, problems)
    if problems or totals != (payroll.line_count, payroll.total_fen):
        return None
    return text[first + 1 : last + 1]


def _copy_in(cursor, body: str) -> int | None:
    """Copy the rows into a temporary table; how many. None, with nothing left, if COPY refuses
    them (an empty row, a row of more or fewer cells: the exact reader names it)."""
    try:
        with transaction.atomic():
            cursor.execute(
                f"CREATE TEMPORARY TABLE {RESULT_TABLE} "
                "(line text, card text, amount text, status text, reason text) ON COMMIT DROP"
            )
            with cursor.cursor.copy(f"COPY {RESULT_TABLE} FROM STDIN WITH (FORMAT csv)") as copy:
                copy.write(body)
            copied = cursor.cursor.rowcount
            # Whichever way the rows and the lines are joined, each is a probe of an index
            # (never a scan of the rows once per line, which a planner that believes the
            # payroll has one line would choose): the plan cannot depend on statistics.
            cursor.execute(f"CREATE INDEX ON {RESULT_TABLE} (({LINE_ID}))")
    except (psycopg.Error, DatabaseError):
        return None
    return copied
