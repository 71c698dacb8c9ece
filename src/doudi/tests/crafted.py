"""Workbooks that lie about themselves, made byte by byte with zipfile for the import tests."""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable


def rewrite_part(data: bytes, part: str, change: Callable[[str], str]) -> bytes:
    """The workbook ``data`` with one part's XML (e.g. ``xl/worksheets/sheet1.xml``) changed."""
    source, output = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(output, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item)
            if item.filename == part:
                content = change(content.decode("utf-8")).encode("utf-8")
            target.writestr(item, content, zipfile.ZIP_DEFLATED)
    return output.getvalue()


def with_dimension(data: bytes, ref: str, sheet: int = 1) -> bytes:
    """The sheet claims to span ``ref`` (``A1:C2``) whatever it holds."""

    def change(xml: str) -> str:
        if "<dimension" in xml:
            return re.sub(r'<dimension ref="[^"]*"\s*/>', f'<dimension ref="{ref}"/>', xml)
        return xml.replace("<sheetData", f'<dimension ref="{ref}"/><sheetData', 1)

    return rewrite_part(data, f"xl/worksheets/sheet{sheet}.xml", change)


def with_rows_after(data: bytes, rows_xml: str, sheet: int = 1) -> bytes:
    """``rows_xml`` (``<row/>`` elements) appended below the sheet's rows."""

    def change(xml: str) -> str:
        if "</sheetData>" in xml:
            return xml.replace("</sheetData>", rows_xml + "</sheetData>", 1)
        return xml.replace("<sheetData/>", f"<sheetData>{rows_xml}</sheetData>", 1)

    return rewrite_part(data, f"xl/worksheets/sheet{sheet}.xml", change)


def two_million_empty_rows(data: bytes, sheet: int = 1) -> bytes:
    """About 300 KB of two million empty ``<row/>`` elements below the sheet's rows."""
    return with_rows_after(data, "<row/>" * 2_000_000, sheet)
