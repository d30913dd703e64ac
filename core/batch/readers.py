"""Streaming readers of batch input: one department at a time, never the whole file in memory.

INPUT is a folder of fact files (YAML, JSON, xlsx templates: ``folder``), a JSON Lines
file (here), or a CSV / xlsx table with one department per row (``tables``).

The files come from departments and provinces, not from jixiao, so every record is read
as if hostile: whatever one line, row or file does (a byte that is not UTF-8, a 5,000-digit
integer, nesting a thousand deep, a line of a gigabyte, a YAML alias bomb) it becomes a
``Record`` with an error naming its line, row or file, and the batch goes on. Only what
makes the whole input unusable — no such file, an unknown type, a table without its id
column, a CSV that is not UTF-8, an xlsx that unpacks too large — raises ``JixiaoError``
before anything is scored.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

from .. import errors
from ..limits import raise_hint
from ..office.limits import megabytes
from .records import ReadLimits, Record, bad, checked, input_error, json_reason, skip_line

__all__ = ["ReadLimits", "Record", "read_input"]

_ESCAPED_SURROGATE = re.compile(r"\\u[dD][89a-fA-F][0-9a-fA-F]{2}")


def read_input(path: str | Path, limits: ReadLimits | None = None, exclude: Path | None = None) -> Iterator[Record]:
    """Every record of ``path`` in input order; ``exclude`` is a folder not to read (the output,
    when it lies inside the input)."""
    limits = limits or ReadLimits()
    p = Path(path)
    if not p.exists():
        raise input_error(errors.FACTS_FILE, f"找不到批量输入 {p}：请检查路径", p)
    if p.is_dir():
        from .folder import read_folder

        yield from read_folder(p, limits, exclude)
        return
    suffix = p.suffix.lower()
    if suffix not in (".jsonl", ".ndjson", ".csv", ".xlsx"):
        raise input_error(
            errors.FACTS_FILE, f"批量输入 {p} 无法识别：应为事实文件目录、.jsonl、.csv 或 .xlsx（每行一个部门）", p
        )
    try:
        with p.open("rb"):
            pass
    except OSError as exc:
        raise input_error(
            errors.FACTS_FILE, f"批量输入 {p} 无法读取：{exc.strerror or exc}；请检查文件权限", p
        ) from None
    if suffix in (".csv", ".xlsx"):
        from .tables import read_csv, read_xlsx_rows

        yield from (read_csv if suffix == ".csv" else read_xlsx_rows)(p, limits)
    else:
        yield from read_jsonl(p, limits)


def read_jsonl(path: Path, limits: ReadLimits) -> Iterator[Record]:
    from ..yamlio import SyntaxProblem, load_text

    with path.open("rb") as fh:
        n = 0
        while line := fh.readline(limits.record_bytes + 1):
            n += 1
            where, key = f"{path.name} 第 {n} 行", f"line:{n}"
            if len(line) > limits.record_bytes and not line.endswith(b"\n"):
                size = len(line) + skip_line(fh)
                yield bad(
                    key,
                    where,
                    errors.INPUT_LIMIT,
                    f"{where}有 {megabytes(size)} MB，超过单条记录的上限 {megabytes(limits.record_bytes)} MB；"
                    f"请检查该行{raise_hint('record_mb')}",
                    line[:4096] + str(size).encode(),
                    size,
                )
                continue
            try:
                text = line.decode("utf-8")
            except UnicodeDecodeError as exc:
                yield bad(
                    key,
                    where,
                    errors.FACTS_ENCODING,
                    f"{where}第 {exc.start + 1} 个字节起不是有效的 UTF-8 编码（{line[exc.start : exc.start + 4]!r}）："
                    "请把文件另存为 UTF-8 编码，或修正该行",
                    line,
                )
                continue
            if n == 1:
                text = text.removeprefix("\ufeff")
            if not text.strip():
                continue
            try:
                data = load_text(text, ".json")
            except SyntaxProblem as exc:  # its own code when it has one: a duplicate key, nesting beyond the limit
                yield bad(
                    key,
                    where,
                    exc.code or errors.FACTS_FORMAT,
                    f"{where}不是有效的 JSON：{exc}" if exc.code is None else f"{where}：{exc}",
                    line,
                )
                continue
            except ValueError as exc:
                yield bad(key, where, errors.FACTS_FORMAT, f"{where}不是有效的 JSON：{json_reason(exc)}", line)
                continue
            except Exception as exc:  # whatever else one line can provoke, it stays one bad line
                yield bad(key, where, errors.FACTS_FORMAT, f"{where}无法读取：{type(exc).__name__}: {exc}", line)
                continue
            escapes = ("\\ud" in text or "\\uD" in text) and _ESCAPED_SURROGATE.search(text) is not None
            yield checked(data, key, where, line, texts=escapes)
