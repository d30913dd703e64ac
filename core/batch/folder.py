"""A folder of fact files as batch input: every .yaml, .yml, .json and .xlsx below it, folder by folder in name order.

Each file is one department; a file that cannot be read is one error record naming it.
Not read: hidden files and folders, Excel's lock files (``~$name.xlsx``), macOS resource
forks (``._name``), the output folder when it lies inside the input, and folders reached
through a symbolic link (a link back up cannot make the walk endless).
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path

from .. import errors
from ..errors import JixiaoError
from ..limits import LIMITS, raise_hint
from ..office.limits import megabytes
from .provenance import bytes_digest
from .records import ReadLimits, Record, bad

FILE_SUFFIXES = (".yaml", ".yml", ".json", ".xlsx")
SKIPPED_PREFIXES = ("~$", "._", ".")  # Excel lock files, macOS resource forks, hidden files


def read_folder(root: Path, limits: ReadLimits, exclude: Path | None) -> Iterator[Record]:
    unreadable: list[OSError] = []
    skip = exclude.resolve() if exclude is not None else None
    for dirpath, dirnames, filenames in sorted_walk(root, unreadable.append):
        dirnames[:] = [
            d for d in dirnames if not d.startswith(".") and (skip is None or (Path(dirpath) / d).resolve() != skip)
        ]
        for name in filenames:
            f = Path(dirpath) / name
            if f.suffix.lower() in FILE_SUFFIXES and not name.startswith(SKIPPED_PREFIXES) and f.is_file():
                yield _fact_file(f, root, limits)
    for exc in unreadable:
        rel = Path(exc.filename).relative_to(root) if exc.filename else root
        yield bad(
            f"dir:{rel}",
            str(rel),
            errors.FACTS_FILE,
            f"目录 {rel} 无法读取：{exc.strerror or exc}；其中的事实文件未计分",
            str(rel),
        )


def sorted_walk(root: Path, onerror):
    """os.walk in name order, symlinked folders not followed (a loop cannot hang the batch)."""
    for dirpath, dirnames, filenames in os.walk(root, onerror=onerror, followlinks=False):
        dirnames.sort()
        filenames.sort()
        yield dirpath, dirnames, filenames


def _fact_file(f: Path, root: Path, limits: ReadLimits) -> Record:
    """One fact file as one record, read as ``evaluate`` reads it; anything wrong with it is that record's error."""
    from ..facts_document import read_facts_file

    rel = f.relative_to(root)
    key, where = f"file:{rel}", str(rel)
    try:
        size = f.stat().st_size
        if f.suffix.lower() != ".xlsx" and size > limits.record_bytes:
            return bad(
                key,
                where,
                errors.INPUT_LIMIT,
                f"事实文件 {rel} 有 {megabytes(size)} MB，超过上限 {megabytes(limits.record_bytes)} MB"
                f"{raise_hint('record_mb')}",
                f"{rel}:{size}",
                size,
            )
        doc = read_facts_file(f)
        json.dumps(doc, ensure_ascii=False, default=str).encode(
            "utf-8"
        )  # a lone surrogate from a YAML escape cannot be written out
    except JixiaoError as exc:
        return Record(key, None, exc.problems[0], where, _file_digest(f))
    except UnicodeEncodeError:
        return bad(
            key,
            where,
            errors.FACTS_ENCODING,
            f"事实文件 {rel} 含有孤立的 Unicode 代理项（如 \\ud800），不是有效的文字：请修正",
            str(rel),
        )
    except OSError as exc:
        return bad(key, where, errors.FACTS_FILE, f"事实文件 {rel} 无法读取：{exc.strerror or exc}", str(rel))
    return Record(doc["department"]["id"], doc, None, where, size=size)


def _file_digest(f: Path) -> str | None:
    try:
        with f.open("rb") as fh:
            return bytes_digest(fh.read(LIMITS.record_bytes))
    except OSError:
        return None
