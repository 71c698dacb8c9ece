"""What every workbook Doudi writes is checked for (doudi.spreadsheets.add_table): the header
frozen, columns sized, numbers as numbers with their format."""

from __future__ import annotations

from typing import Any

from doudi.spreadsheets import MAX_COLUMN_WIDTH, MIN_COLUMN_WIDTH, MONEY_FORMAT


def assert_laid_out(sheet: Any, header_row: int = 1) -> None:
    """The rows down to the header stay in view; every used column has a width in the caps."""
    assert sheet.freeze_panes == f"A{header_row + 1}"
    for index in range(1, sheet.max_column + 1):
        width = sheet.column_dimensions[sheet.cell(row=1, column=index).column_letter].width
        assert MIN_COLUMN_WIDTH <= width <= MAX_COLUMN_WIDTH, (index, width)


def assert_money(cell: Any) -> None:
    """An amount in 元: a number (never text), shown with two decimals and thousands."""
    assert cell.data_type == "n" and isinstance(cell.value, int | float), cell.value
    assert cell.number_format == MONEY_FORMAT


def assert_count(cell: Any) -> None:
    assert cell.data_type == "n" and isinstance(cell.value, int), cell.value
