"""Reading an official division code list (CSV) into checked rows, or refusing it whole.

Columns (a header row is required; English or Chinese names):
  code / 统计用区划代码 / 区划代码 — 12 digits
  name / 名称
  urban_rural / 城乡分类代码 / 城乡分类 — for townships and villages: urban/rural, 城镇/农村, or the
      statistical urban-rural code (1xx urban, 2xx rural); empty for county and above.
UTF-8 (with or without BOM) and GB18030 files are accepted.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from doudi.boundary import HOLDS_NUL
from doudi.errors import CellError, DoudiError, ValidationFailed
from doudi.regions.codes import CLASSIFIED_LEVELS, Level, is_well_formed, level_of, parent_code
from doudi.regions.models import Classification

COLUMN_NAMES = {
    "code": ("code", "统计用区划代码", "区划代码"),
    "name": ("name", "名称"),
    "urban_rural": ("urban_rural", "城乡分类代码", "城乡分类"),
}
URBAN_WORDS = {"urban", "城镇", "城市"}
RURAL_WORDS = {"rural", "农村", "乡村"}
MAX_NAME_LENGTH = 100


@dataclass(frozen=True)
class RegionRow:
    line: int
    code: str
    name: str
    level: Level
    parent_code: str | None
    classification: str


def decode(data: bytes) -> str:
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise DoudiError(_("The file is neither UTF-8 nor GB18030 text."), field="file")


def read_region_csv(data: bytes, known_codes: set[str]) -> list[RegionRow]:
    """Parse and check every row; ``known_codes`` are the places already in the database."""
    reader = csv.reader(io.StringIO(decode(data)))
    try:
        return _read_rows(reader, known_codes)
    except csv.Error:
        # A line the csv module cannot read at all (a cell over its 128 KB limit, a stray
        # quote at the end of the file): named by its line, never shown as a traceback.
        raise DoudiError(
            _("Line %(line)d of the file cannot be read as CSV; check its quotes and length."),
            field="file",
            line=reader.line_num,
        ) from None


def _read_rows(reader, known_codes: set[str]) -> list[RegionRow]:
    header = next(reader, None)
    if header is None:
        raise DoudiError(_("The file is empty."), field="file")
    positions = _column_positions(header)
    rows: list[RegionRow] = []
    problems: list[DoudiError] = []
    seen: set[str] = set()
    for line, cells in enumerate(reader, start=2):
        if not any(cell.strip() for cell in cells):
            continue
        values = {
            column: cells[index].strip() if index < len(cells) else ""
            for column, index in positions.items()
        }
        row_problems = _check_row(line, values, seen)
        problems.extend(row_problems)
        if not row_problems:
            code = values["code"]
            seen.add(code)
            level = level_of(code)
            rows.append(
                RegionRow(
                    line,
                    code,
                    values["name"],
                    level,
                    parent_code(code),
                    _classification(values["urban_rural"]) or "",
                )
            )
    for row in rows:
        if row.parent_code and row.parent_code not in known_codes | seen:
            problems.append(
                CellError(
                    _("its parent place %(parent)s is neither in the file nor in the database."),
                    row=row.line,
                    column="code",
                    parent=row.parent_code,
                )
            )
    if problems:
        problems.sort(key=lambda problem: getattr(problem, "row", 0))
        raise ValidationFailed(
            _("The file was not imported: %(count)d problems found."),
            problems=problems,
            count=len(problems),
        )
    if not rows:
        raise DoudiError(_("The file has no rows to import."), field="file")
    return rows


def _column_positions(header: list[str]) -> dict[str, int]:
    normalised = [cell.strip().lower() for cell in header]
    positions: dict[str, int] = {}
    for column, names in COLUMN_NAMES.items():
        found = [i for i, cell in enumerate(normalised) if cell in names]
        if not found:
            raise DoudiError(
                _("The header has no “%(column)s” column (expected one of: %(names)s)."),
                field="file",
                column=column,
                names=", ".join(names),
            )
        positions[column] = found[0]
    return positions


def _check_row(line: int, values: dict[str, str], seen: set[str]) -> list[DoudiError]:
    code, name, urban_rural = values["code"], values["name"], values["urban_rural"]
    problems: list[DoudiError] = []
    if not is_well_formed(code):
        problems.append(
            CellError(
                _(
                    "the division code must be 12 digits with no empty level "
                    "above a filled one (got “%(value)s”)."
                ),
                row=line,
                column="code",
                value=code,
            )
        )
    elif code in seen:
        problems.append(
            CellError(
                _("code %(value)s appears twice in the file."), row=line, column="code", value=code
            )
        )
    if not name:
        problems.append(CellError(_("the name is empty."), row=line, column="name"))
    elif "\x00" in name:  # no database column can hold it (PostgreSQL refuses the row)
        problems.append(CellError(HOLDS_NUL, row=line, column="name"))
    elif len(name) > MAX_NAME_LENGTH:
        problems.append(
            CellError(
                _("the name is longer than %(max)d characters."),
                row=line,
                column="name",
                max=MAX_NAME_LENGTH,
            )
        )
    if is_well_formed(code):
        problems.extend(_check_classification(line, level_of(code), urban_rural))
    return problems


def _check_classification(line: int, level: Level, value: str) -> list[DoudiError]:
    if level not in CLASSIFIED_LEVELS:
        if value:
            return [
                CellError(
                    _(
                        "only townships and villages are classified urban or rural; "
                        "leave it empty for a %(level)s."
                    ),
                    row=line,
                    column="urban_rural",
                    level=level.label,
                )
            ]
        return []
    if not value:
        return [
            CellError(
                _("a %(level)s must be classified urban or rural."),
                row=line,
                column="urban_rural",
                level=level.label,
            )
        ]
    if _classification(value) is None:
        return [
            CellError(
                _("“%(value)s” is not urban/rural, 城镇/农村 or an urban-rural code (1xx, 2xx)."),
                row=line,
                column="urban_rural",
                value=value,
            )
        ]
    return []


def _classification(value: str) -> str | None:
    word = value.strip().lower()
    if word in URBAN_WORDS or (len(word) == 3 and word.isdigit() and word[0] == "1"):
        return Classification.URBAN
    if word in RURAL_WORDS or (len(word) == 3 and word.isdigit() and word[0] == "2"):
        return Classification.RURAL
    return None
