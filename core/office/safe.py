"""Text cells that a spreadsheet can never run: the CSV/formula-injection rule for every xlsx and CSV written.

A department id or name comes from a file jixiao did not write. Excel and LibreOffice
treat a cell that starts with ``=``, ``+``, ``-`` or ``@`` (and, after trimming, a tab or
carriage return) as a formula, so ``=cmd|' /C calc'!A0`` typed into a department's
workbook would run on the reviewer's machine when the district summary is opened.
Following the OWASP CSV-injection guidance:

- in xlsx, such a text is stored as a string cell (never a ``<f>`` formula) with the
  quote-prefix style, so editing the cell in Excel keeps it text;
- in CSV, it gets a leading ``'`` and every field is quoted, so neither the first
  character nor a ``;`` list separator can start a formula.

Numbers are written as numbers and left alone; only text is escaped. Characters XML
cannot hold (C0 controls other than tab, newline, carriage return) are replaced by
U+FFFD, as openpyxl would otherwise refuse the whole workbook.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterable
from typing import IO, Any

from openpyxl.cell import WriteOnlyCell

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
_NOT_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")
CELL_CHARS = 32_767  # Excel's limit for one cell


def is_formula_like(value: Any) -> bool:
    return isinstance(value, str) and value.startswith(FORMULA_STARTS)


def xml_text(value: str) -> str:
    return _NOT_XML.sub("\ufffd", value)


def _at_most(value: str, limit: int) -> str:
    return value if len(value) <= limit else value[: limit - 1] + "…"


def property_text(value: str) -> str:
    """A document property (title, subject): XML-safe, and at most the 255 characters Word's core
    properties hold (python-docx refuses a longer one; a department's name can be longer)."""
    return _at_most(xml_text(value), 255)


def cell_text(value: str) -> str:
    """A text for a worksheet cell: XML-safe, and at most the 32,767 characters an Excel cell holds
    (Excel reports a longer one as a damaged file; a reason or a name from a file can be longer)."""
    return _at_most(xml_text(value), CELL_CHARS)


def put_text(cell, value: Any) -> None:
    """Set a worksheet cell; text is stored as text, whatever it starts with."""
    if isinstance(value, str):
        value = cell_text(value)
    cell.value = value
    if is_formula_like(value):
        cell.data_type = "s"
        cell.quotePrefix = True


def row_cells(ws, values: Iterable[Any]) -> list[Any]:
    """A row for a write-only sheet: formula-like texts become string cells with the quote prefix."""
    out = []
    for value in values:
        if isinstance(value, str):
            value = cell_text(value)
            if is_formula_like(value):
                cell = WriteOnlyCell(ws, value=value)
                cell.data_type = "s"
                cell.quotePrefix = True
                value = cell
        out.append(value)
    return out


def csv_field(value: Any) -> Any:
    """One CSV field: formula-like text gets a leading apostrophe (OWASP)."""
    if is_formula_like(value):
        return "'" + value
    return value


def csv_writer(fh: IO[str]):
    """A writer that quotes every field and escapes formula-like text."""
    return _SafeWriter(csv.writer(fh, quoting=csv.QUOTE_ALL))


class _SafeWriter:
    def __init__(self, writer):
        self._writer = writer

    def writerow(self, row: Iterable[Any]) -> None:
        self._writer.writerow([csv_field(v) for v in row])
