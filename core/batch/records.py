"""What the batch readers hand over: one ``Record`` per department, and the shared rules for a
record that cannot be read (it becomes an error record that names where it is).

A record is bounded before it reaches the engine: its bytes (``ReadLimits``), and, for its
strings, that they can be written as UTF-8 (a lone surrogate escape such as ``\\ud800``
cannot). Its nesting is bounded where it is parsed (``yamlio``) and its number of facts
where they are validated (``facts``), as for any other document.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import errors
from ..errors import JixiaoError, Problem
from ..limits import LIMITS, MB
from .provenance import bytes_digest


@dataclass
class Record:
    key: str  # department id, or where the record sits when it has none
    doc: dict[str, Any] | None
    error: Problem | None = None
    where: str = ""  # "in.jsonl 第 12 行", "departments/d1.yaml": what a message names
    digest: str | None = None  # input digest, when the reader made it (records it could not read: of their bytes)
    size: int = 256  # about how many bytes of input it came from: chunks are bounded in bytes too


@dataclass(frozen=True)
class ReadLimits:
    """The limits a batch reads its input under: ``LIMITS`` (``jixiao --limit record-mb=N``) when the batch starts."""

    record_bytes: int = field(default_factory=lambda: LIMITS.record_bytes)
    xlsx_bytes: int = field(default_factory=lambda: LIMITS.xlsx_bytes)


def input_error(code: str, message: str, p: Path) -> JixiaoError:
    return JixiaoError(Problem(code, message, field="INPUT", value=str(p)))


def bad(key: str, where: str, code: str, message: str, raw: bytes | str, value: Any = None) -> Record:
    data = raw.encode("utf-8", "surrogateescape") if isinstance(raw, str) else raw
    return Record(key, None, Problem(code, message, field=where, value=value), where, bytes_digest(data))


def document(data: Any, source: str) -> dict[str, Any]:
    from ..facts_document import normalise_document

    return normalise_document(data, source)


def json_reason(exc: ValueError) -> str:
    text = str(exc)
    if "integer string conversion" in text:
        return "含有位数过多的整数（超过 4300 位）"
    return text


def checked(data: Any, key: str, where: str, raw: bytes, texts: bool = False) -> Record:
    """A parsed document as a record; ``texts``: also make sure every string can be written as UTF-8."""
    try:
        if texts:
            json.dumps(data, ensure_ascii=False, default=str).encode("utf-8")
        doc = document(data, where)
    except UnicodeEncodeError:
        return bad(
            key,
            where,
            errors.FACTS_ENCODING,
            f"{where}含有孤立的 Unicode 代理项（如 \\ud800），不是有效的文字：请修正",
            raw,
        )
    except JixiaoError as exc:
        return Record(key, None, exc.problems[0], where, bytes_digest(raw))
    except Exception as exc:
        return bad(key, where, errors.FACTS_FORMAT, f"{where}无法读取：{type(exc).__name__}: {exc}", raw)
    return Record(doc["department"]["id"], doc, None, where, size=len(raw))


def skip_line(fh) -> int:
    """Read past the rest of an over-long line, a megabyte at a time; how many bytes that was."""
    skipped = 0
    while chunk := fh.readline(MB):
        skipped += len(chunk)
        if chunk.endswith(b"\n"):
            break
    return skipped
