"""Opening an uploaded Excel workbook (.xlsx): one size limit and one refusal for every import.

The registry's household workbook and the bank's result file both come through here, so a file
is never read whole into openpyxl's memory without a limit, and a file that is not a workbook is
refused with the same sentence wherever it is uploaded.
"""

from __future__ import annotations

import io
import zipfile

import openpyxl
from django.utils.translation import gettext_lazy as _
from openpyxl.workbook.workbook import Workbook

from doudi.errors import DoudiError

# 20 MB holds the template's 20,000 members with their facts, and a county's bank result file of
# well over 100,000 lines (about 30 bytes a line, compressed); a larger file is split.
MAX_XLSX_BYTES = 20 * 1024 * 1024
XLSX_CONTENT_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def open_workbook(data: bytes, *, field: str = "file") -> Workbook:
    """The workbook in ``data``, read-only with cell values (not formulas); the caller closes
    it. Refuses, naming ``field``, a file over ``MAX_XLSX_BYTES`` or one that is not .xlsx."""
    if len(data) > MAX_XLSX_BYTES:
        raise DoudiError(
            _("The file is larger than %(max)d MB; split it into several files."),
            field=field,
            max=MAX_XLSX_BYTES // 2**20,
        )
    try:
        return openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    # What openpyxl raises for bytes that are not a workbook: not a zip, a zip without the
    # workbook's parts, parts that are not its XML.
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError, SyntaxError):
        raise DoudiError(
            _("The file is not an Excel workbook (.xlsx). Save it as .xlsx and try again."),
            field=field,
        ) from None
