"""Tables of departments as batch input: a CSV or the first sheet of an xlsx, one department per row.

Row 1 names the columns: ``department_id``, ``department_name`` and one column per fact
(an empty cell is a missing fact). A CSV must be UTF-8 (a GBK file is refused with a
message that says so); a row that cannot be read or has more values than columns is one
error record naming its row. An xlsx is checked for its unpacked size before it is
opened, and read in openpyxl's streaming mode, no wider than its header.
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

from .. import errors
from ..errors import JixiaoError, Problem
from ..facts_document import gbk_hint
from ..office.limits import MAX_COLUMNS, MAX_SHEET_ROWS, check_xlsx, megabytes
from .provenance import bytes_digest
from .records import ReadLimits, Record, bad, input_error

ID_COLUMN, NAME_COLUMN = "department_id", "department_name"
_UNDECODED = re.compile("[\udc80-\udcff]")  # bytes kept by errors="surrogateescape"


def _header(names: list[str], where: str) -> list[str]:
    if len(names) > MAX_COLUMNS:
        raise JixiaoError(
            Problem(
                errors.INPUT_LIMIT,
                f"{where}：有 {len(names):,} 列，超过上限 {MAX_COLUMNS:,} 列：请检查第一行（列名）",
                field="INPUT",
            )
        )
    if ID_COLUMN not in names:
        raise JixiaoError(
            Problem(
                errors.FACTS_FORMAT,
                f"{where}：第一行应为列名，且含 {ID_COLUMN} 列（现有："
                f"{'、'.join(n for n in names[:20] if n) or '无'}）",
                field=ID_COLUMN,
            )
        )
    seen: set[str] = set()
    for name in names:
        if name and name in seen:
            raise JixiaoError(
                Problem(errors.FACTS_FORMAT, f"{where}：列名“{name}”出现了两次；每个事实只能有一列", field=name)
            )
        seen.add(name)
    return names


def _row_doc(header: list[str], values: list[Any], where: str, key: str) -> Record:
    extra = [v for v in values[len(header) :] if v not in (None, "")]
    if extra:
        return bad(
            key,
            where,
            errors.FACTS_FORMAT,
            f"{where}有 {len(values)} 个值，多于列名的 {len(header)} 列（第一个多出的值："
            f"{str(extra[0])[:40]!r}）：请检查分隔符或引号",
            _row_bytes(values),
        )
    row = {h: v for h, v in zip(header, values) if h}
    dept_id = row.pop(ID_COLUMN, None)
    name = row.pop(NAME_COLUMN, "") or ""
    if dept_id in (None, ""):
        return Record(
            key,
            None,
            Problem(errors.FACTS_FORMAT, f"{where}：缺少部门编号（{ID_COLUMN} 列）", field=ID_COLUMN),
            where,
            bytes_digest(_row_bytes(values)),
        )
    facts = {k: v for k, v in row.items() if v not in (None, "")}
    return Record(
        str(dept_id),
        {"department": {"id": str(dept_id), "name": str(name)}, "facts": facts, "source": where},
        None,
        where,
        size=sum(len(str(v)) for v in values) + 8 * len(values),
    )


def _row_bytes(values: list[Any]) -> bytes:
    return json.dumps([str(v) for v in values], ensure_ascii=False).encode("utf-8", "surrogateescape")


def read_csv(path: Path, limits: ReadLimits) -> Iterator[Record]:
    with path.open(encoding="utf-8-sig", errors="surrogateescape", newline="") as fh:
        reader = csv.reader(fh)
        try:
            first = next(reader, None)
        except csv.Error as exc:
            raise input_error(errors.FACTS_FORMAT, f"{path}：第一行（列名）无法读取：{exc}", path) from None
        if first is None:
            return
        if _UNDECODED.search("".join(first)):
            with path.open("rb") as raw_fh:
                raw = raw_fh.read(65536)
            raise input_error(
                errors.FACTS_ENCODING,
                f"{path} 不是 UTF-8 编码{gbk_hint(raw)}：请在 Excel 中“另存为 → CSV UTF-8（逗号分隔）”后再计分",
                path,
            )
        header = _header([h.strip() for h in first], path.name)
        n = 1
        while True:
            n += 1
            where, key = f"{path.name} 第 {n} 行", f"row:{n}"
            try:
                values = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                yield bad(
                    key,
                    where,
                    errors.INPUT_LIMIT if "field limit" in str(exc) else errors.FACTS_FORMAT,
                    f"{where}无法读取：{exc}",
                    f"{path.name}:{reader.line_num}",
                )
                continue
            if not any(v.strip() for v in values):
                continue
            if _UNDECODED.search("".join(values)):
                yield bad(
                    key,
                    where,
                    errors.FACTS_ENCODING,
                    f"{where}含有不是 UTF-8 编码的字节：请把文件另存为 UTF-8，或修正该行",
                    _row_bytes(values),
                )
                continue
            if sum(map(len, values)) > limits.record_bytes:
                yield bad(
                    key,
                    where,
                    errors.INPUT_LIMIT,
                    f"{where}超过单条记录的上限 {megabytes(limits.record_bytes)} MB",
                    _row_bytes(values)[:4096],
                )
                continue
            yield _row_doc(header, [v.strip() for v in values], where, key)


def read_xlsx_rows(path: Path, limits: ReadLimits) -> Iterator[Record]:
    from openpyxl import load_workbook

    check_xlsx(path, limits.xlsx_bytes)
    try:
        wb = load_workbook(path, read_only=True)  # formulas as written: a row holding one is refused
    except Exception as exc:
        raise input_error(
            errors.FACTS_FILE, f"{path} 无法作为 Excel 工作簿（.xlsx）打开：{type(exc).__name__}: {exc}", path
        ) from None
    try:
        if not wb.worksheets:
            raise input_error(errors.FACTS_FORMAT, f"{path} 中没有工作表", path)
        ws = wb.worksheets[0]
        first = next(ws.iter_rows(max_row=1, max_col=MAX_COLUMNS + 1, values_only=True), ())
        if len(first) > MAX_COLUMNS and first[MAX_COLUMNS] is not None:
            raise input_error(errors.INPUT_LIMIT, f"{path}：工作表“{ws.title}”的列数超过上限 {MAX_COLUMNS:,}", path)
        names = [str(h).strip() if h is not None else "" for h in first]
        while names and not names[-1]:
            names.pop()
        header = _header(names, f"{path.name}!{ws.title}")
        rows = ws.iter_rows(min_row=2, max_col=len(header))
        n = 1
        while True:
            n += 1
            where, key = f"{path.name}!{ws.title} 第 {n} 行", f"row:{n}"
            try:
                values = next(rows)
            except StopIteration:
                return
            except Exception as exc:  # a damaged sheet: what was read stands, the rest is one error
                yield bad(
                    key,
                    where,
                    errors.FACTS_FORMAT,
                    f"{where}起的内容无法读取（{type(exc).__name__}: {exc}）：该行及以后的部门未计分",
                    f"{path}:{n}",
                )
                return
            if n > MAX_SHEET_ROWS:
                yield bad(
                    key,
                    where,
                    errors.INPUT_LIMIT,
                    f"{where}：工作表的行号超过 Excel 的上限 {MAX_SHEET_ROWS:,}，以后的行未读取",
                    f"{path}:{n}",
                )
                return
            formulas = [cell for cell in values if cell.data_type == "f"]
            if formulas:
                yield _formula_row(formulas, header, ws.title, where, key)
            elif any(cell.value not in (None, "") for cell in values):
                yield _row_doc(header, [_cell(cell.value) for cell in values], where, key)
    finally:
        wb.close()


def _formula_row(cells: list[Any], header: list[str], sheet: str, where: str, key: str) -> Record:
    """A row with a formula: refused as in a facts workbook (``refuse_formulas``), naming each cell and its column."""
    from ..office.facts_workbook import formula_problem

    first = cells[0]
    problem = formula_problem(
        f"{where}：",
        [(f"{header[c.column - 1]} 列的 {c.coordinate}", str(c.value)) for c in cells],
        header[first.column - 1],
        f"{sheet}!{first.coordinate}",
    )
    return Record(key, None, problem, where, bytes_digest(_row_bytes([c.value for c in cells])))


def _cell(v: Any) -> Any:
    """Excel numbers arrive as float: take them back to the decimal the cell shows."""
    if isinstance(v, float):
        return Decimal(repr(v))
    return v.strip() if isinstance(v, str) else v
