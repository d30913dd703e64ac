"""A folder of fact files as batch input: every .yaml, .yml, .json and .xlsx below it, folder by folder in name order.

Each file is one department; a file that cannot be read is one error record naming it.
Not read: hidden files and folders, Excel's lock files (``~$name.xlsx``), macOS resource
forks (``._name``), the output folder when it lies inside the input, and folders reached
through a symbolic link (a link back up cannot make the walk endless).
"""
from __future__ import annotations

import os
from pathlib import Path
from typing import Any, Iterator

from .. import errors
from ..errors import JixiaoError
from ..office.limits import megabytes
from .records import MAX_RECORD_BYTES, ReadLimits, Record, bad, checked, document, gbk_hint, json_reason
from .provenance import bytes_digest

FILE_SUFFIXES = (".yaml", ".yml", ".json", ".xlsx")
SKIPPED_PREFIXES = ("~$", "._", ".")  # Excel lock files, macOS resource forks, hidden files
MAX_NODES = 1_000_000  # values in one facts file, aliases copied out (a table of 10,000 rows × 20 columns is 200,000)


def read_folder(root: Path, limits: ReadLimits, exclude: Path | None) -> Iterator[Record]:
    unreadable: list[OSError] = []
    skip = exclude.resolve() if exclude is not None else None
    for dirpath, dirnames, filenames in sorted_walk(root, unreadable.append):
        dirnames[:] = [d for d in dirnames if not d.startswith(".") and (skip is None or (Path(dirpath) / d).resolve() != skip)]
        for name in filenames:
            f = Path(dirpath) / name
            if f.suffix.lower() in FILE_SUFFIXES and not name.startswith(SKIPPED_PREFIXES) and f.is_file():
                yield _fact_file(f, root, limits)
    for exc in unreadable:
        rel = Path(exc.filename).relative_to(root) if exc.filename else root
        yield bad(f"dir:{rel}", str(rel), errors.FACTS_FILE, f"目录 {rel} 无法读取：{exc.strerror or exc}；其中的事实文件未计分", str(rel))


def sorted_walk(root: Path, onerror):
    """os.walk in name order, symlinked folders not followed (a loop cannot hang the batch)."""
    for dirpath, dirnames, filenames in os.walk(root, onerror=onerror, followlinks=False):
        dirnames.sort()
        filenames.sort()
        yield dirpath, dirnames, filenames


def _fact_file(f: Path, root: Path, limits: ReadLimits) -> Record:
    rel = f.relative_to(root)
    key, where = f"file:{rel}", str(rel)
    try:
        size = f.stat().st_size
        if f.suffix.lower() == ".xlsx":
            from ..office.facts_workbook import read_facts_workbook

            doc = document(read_facts_workbook(f, limits.xlsx_bytes), str(f))
            return Record(doc["department"]["id"], doc, None, where, size=size)
        if size > limits.record_bytes:
            return bad(key, where, errors.FACTS_TOO_LARGE, f"事实文件 {rel} 有 {megabytes(size)} MB，超过上限 {megabytes(limits.record_bytes)} MB"
                        "（可加 --max-record-mb 提高上限）", f"{rel}:{size}", size)
        raw = f.read_bytes()
    except JixiaoError as exc:
        return Record(key, None, exc.problems[0], where, _file_digest(f))
    except OSError as exc:
        return bad(key, where, errors.FACTS_FILE, f"事实文件 {rel} 无法读取：{exc.strerror or exc}", str(rel))
    except Exception as exc:
        return bad(key, where, errors.FACTS_FORMAT, f"事实文件 {rel} 无法读取：{type(exc).__name__}: {exc}", _file_digest(f) or str(rel))
    try:
        text = raw.decode("utf-8").removeprefix("\ufeff")
    except UnicodeDecodeError:
        return bad(key, where, errors.FACTS_ENCODING, f"事实文件 {rel} 不是 UTF-8 编码{gbk_hint(raw)}：请另存为 UTF-8 后再计分", raw)
    from ..yamlio import load_text

    try:
        data = load_text(text, ".json" if f.suffix.lower() == ".json" else ".yaml")
        if _expanded_size(data, limits.record_bytes) > limits.record_bytes:
            return bad(key, where, errors.FACTS_TOO_LARGE, f"事实文件 {rel} 展开后超过 {megabytes(limits.record_bytes)} MB"
                        "（YAML 锚点与别名层层引用？）：请检查该文件", raw)
    except RecursionError:
        return bad(key, where, errors.FACTS_TOO_LARGE, f"事实文件 {rel} 嵌套层数过深，无法读取", raw)
    except Exception as exc:
        return bad(key, where, errors.FACTS_FORMAT, f"事实文件 {rel} 无法解析：{json_reason(exc) if isinstance(exc, ValueError) else exc}", raw)
    return checked(data, key, str(f), raw, texts=True)


def _file_digest(f: Path) -> str | None:
    try:
        with f.open("rb") as fh:
            return bytes_digest(fh.read(MAX_RECORD_BYTES))
    except OSError:
        return None


def _expanded_size(data: Any, budget: int) -> int:
    """Bytes of ``data`` as if every alias were copied out (a node counts 16); stops counting past ``budget`` or MAX_NODES nodes."""
    size, nodes, todo = 0, 0, [data]
    while todo and size <= budget:
        item = todo.pop()
        nodes += 1
        size += 16
        if nodes > MAX_NODES:
            return budget + 1
        if isinstance(item, str):
            size += len(item)
        elif isinstance(item, dict):
            todo.extend(item.keys())
            todo.extend(item.values())
        elif isinstance(item, (list, tuple)):
            todo.extend(item)
    return size
