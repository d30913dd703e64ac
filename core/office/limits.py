"""Bounded work for an xlsx from outside: refuse, before openpyxl reads it, what would unpack too large.

An xlsx is a zip of XML. A 1.2 MB workbook of repeated cells unpacks to hundreds of MB,
and openpyxl holds all of it (and more) in memory; a sheet that declares a cell in row
1,048,576 makes a naive row loop create a million rows. The zip directory states each
part's unpacked size, and Python's zipfile never returns more than that size, so summing
it is an honest bound that costs nothing to read. The limit can be raised (``jixiao
--limit xlsx-mb=N``); rows and columns have fixed bounds that no template comes near.
"""

from __future__ import annotations

import zipfile
from pathlib import Path

from .. import errors
from ..errors import JixiaoError, Problem
from ..limits import LIMITS, MB, raise_hint

MAX_SHEET_ROWS = 1_048_576  # Excel's own limit
MAX_FACT_ROWS = 100_000  # rows of a facts workbook's sheet (a template has a few hundred)
MAX_COLUMNS = 2_000  # columns of a table of departments
MAX_WORKBOOK_ELEMENTS = 200_000  # XML elements of a facts workbook (a template has about 2,000)


def megabytes(n: int) -> str:
    """1.5 MB as "1.5", 100 MB as "100", 0.05 MB as "0.05"."""
    return f"{n / MB:,.2f}".rstrip("0").rstrip(".")


def check_xlsx(path: str | Path, max_bytes: int | None = None) -> None:
    """Refuse an xlsx whose parts unpack beyond ``max_bytes`` (default ``LIMITS.xlsx_bytes``;
    INPUT_LIMIT); a non-zip is left to the reader."""
    p = Path(path)
    max_bytes = LIMITS.xlsx_bytes if max_bytes is None else max_bytes
    try:
        with zipfile.ZipFile(p) as zf:
            unpacked = sum(info.file_size for info in zf.infolist())
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return
    if unpacked > max_bytes:
        packed = p.stat().st_size
        raise JixiaoError(
            Problem(
                errors.INPUT_LIMIT,
                f"{p}：工作簿解压后共 {megabytes(unpacked)} MB（文件本身 {megabytes(packed)} MB），"
                f"超过上限 {megabytes(max_bytes)} MB"
                f"{raise_hint('xlsx_mb')}；大批量数据建议改用 CSV 或 JSON Lines",
                field=str(p),
                value=unpacked,
                expected=f"不超过 {max_bytes} 字节",
            )
        )


def check_elements(path: str | Path, limit: int = MAX_WORKBOOK_ELEMENTS) -> None:
    """Refuse an xlsx whose XML holds more than ``limit`` elements (INPUT_LIMIT), before openpyxl builds an
    object for each: a 9.5 MB workbook of 2.6 million small cells, inside the unpacked-size limit, took
    34 s and 1 GB to load. Counted from the bytes, a comment or CDATA holding "<" counts against the file."""
    p = Path(path)
    try:
        with zipfile.ZipFile(p) as zf:
            elements = 0
            for info in zf.infolist():
                if not info.filename.endswith((".xml", ".rels", ".vml")):
                    continue
                with zf.open(info) as part:
                    while chunk := part.read(MB):
                        elements += chunk.count(b"<") - chunk.count(b"</") - chunk.count(b"<?") - chunk.count(b"<!")
                if elements > limit:
                    break
    except (zipfile.BadZipFile, OSError, ValueError, EOFError, NotImplementedError):
        return  # not a zip the reader can open: it says so
    if elements > limit:
        raise JixiaoError(
            Problem(
                errors.INPUT_LIMIT,
                f"{p}：工作簿内容过多（XML 元素至少 {elements:,} 个，上限 {limit:,} 个；一份填报表约 2,000 个）："
                "请删除多余的行、列、格式或工作表后再读取",
                field=str(p),
                value=elements,
                expected=f"不超过 {limit} 个 XML 元素",
            )
        )


def too_many_rows(where: str, rows: int, limit: int) -> JixiaoError:
    return JixiaoError(
        Problem(
            errors.INPUT_LIMIT,
            f"{where}：有 {rows:,} 行，超过上限 {limit:,} 行；请删除多余的行（含格式但无内容的空行）后再读取",
            field=where,
            value=rows,
            expected=f"不超过 {limit} 行",
        )
    )
