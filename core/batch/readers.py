"""Streaming readers of batch input: one department at a time, never the whole file in memory.

INPUT is a folder of fact files (YAML, JSON, xlsx templates), a JSON Lines file, or a
CSV / xlsx table with one department per row (columns ``department_id``,
``department_name`` and one per fact; an empty cell is a missing fact). A record that
cannot be read becomes a ``Record`` with an error, so the batch goes on.
"""
from __future__ import annotations

import csv
import json
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterator

from .. import errors
from ..errors import JixiaoError, Problem

FILE_SUFFIXES = (".yaml", ".yml", ".json", ".xlsx")
ID_COLUMN, NAME_COLUMN = "department_id", "department_name"


@dataclass
class Record:
    key: str  # department id, or where the record sits when it has none
    doc: dict[str, Any] | None
    error: Problem | None = None


def read_input(path: str | Path) -> Iterator[Record]:
    p = Path(path)
    if p.is_dir():
        yield from _folder(p)
    elif p.suffix.lower() in (".jsonl", ".ndjson"):
        yield from _jsonl(p)
    elif p.suffix.lower() == ".csv":
        yield from _csv(p)
    elif p.suffix.lower() == ".xlsx":
        yield from _xlsx_rows(p)
    else:
        raise JixiaoError(Problem(errors.FACTS_FILE, f"批量输入 {p} 无法识别：应为事实文件目录、.jsonl、.csv 或 .xlsx（每行一个部门）", field="INPUT", value=str(p)))


def _folder(root: Path) -> Iterator[Record]:
    from ..facts import read_facts_file

    for f in sorted(x for x in root.rglob("*") if x.suffix.lower() in FILE_SUFFIXES and x.is_file()):
        try:
            doc = read_facts_file(f)
            yield Record(doc["department"]["id"], doc)
        except JixiaoError as exc:
            yield Record(f"file:{f.relative_to(root)}", None, exc.problems[0])


def _jsonl(path: Path) -> Iterator[Record]:
    from ..facts import normalise_document

    with path.open(encoding="utf-8") as fh:
        for n, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                doc = normalise_document(json.loads(line, parse_float=Decimal), f"{path}:{n}")
                yield Record(doc["department"]["id"], doc)
            except json.JSONDecodeError as exc:
                yield Record(f"line:{n}", None, Problem(errors.FACTS_FORMAT, f"{path} 第 {n} 行不是有效的 JSON：{exc.msg}", field=f"line {n}"))
            except JixiaoError as exc:
                yield Record(f"line:{n}", None, exc.problems[0])


def _row_doc(header: list[str], values: list[Any], where: str) -> Record:
    row = {h: v for h, v in zip(header, values) if h}
    dept_id = row.pop(ID_COLUMN, None)
    name = row.pop(NAME_COLUMN, "") or ""
    if dept_id in (None, ""):
        return Record(where, None, Problem(errors.FACTS_FORMAT, f"{where}：缺少部门编号（{ID_COLUMN} 列）", field=ID_COLUMN))
    facts = {k: v for k, v in row.items() if v not in (None, "")}
    return Record(str(dept_id), {"department": {"id": str(dept_id), "name": str(name)}, "facts": facts, "source": where})


def _csv(path: Path) -> Iterator[Record]:
    with path.open(encoding="utf-8-sig", newline="") as fh:
        reader = csv.reader(fh)
        header = next(reader, None)
        if not header or ID_COLUMN not in header:
            raise JixiaoError(Problem(errors.FACTS_FORMAT, f"{path}：第一行应为列名，且含 {ID_COLUMN} 列", field=ID_COLUMN))
        for n, values in enumerate(reader, 2):
            if any(v.strip() for v in values):
                yield _row_doc(header, [v.strip() for v in values], f"{path.name} 第 {n} 行")


def _xlsx_rows(path: Path) -> Iterator[Record]:
    from openpyxl import load_workbook

    wb = load_workbook(path, read_only=True, data_only=True)
    try:
        ws = wb.worksheets[0]
        rows = ws.iter_rows(values_only=True)
        header = [str(h).strip() if h is not None else "" for h in next(rows, ())]
        if ID_COLUMN not in header:
            raise JixiaoError(Problem(errors.FACTS_FORMAT, f"{path}：工作表“{ws.title}”第 1 行应为列名，且含 {ID_COLUMN} 列", field=ID_COLUMN))
        for n, values in enumerate(rows, 2):
            if any(v not in (None, "") for v in values):
                yield _row_doc(header, [_cell(v) for v in values], f"{path.name}!{ws.title} 第 {n} 行")
    finally:
        wb.close()


def _cell(v: Any) -> Any:
    """Excel numbers arrive as float: take them back to the decimal the cell shows."""
    if isinstance(v, float):
        return Decimal(repr(v))
    return v.strip() if isinstance(v, str) else v
