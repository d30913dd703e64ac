"""Resuming a batch: the results already on disk are checked against this run, line by line, before any scoring.

Results are written in input order, so the lines of an earlier run of the same command
are the results of the first records of the input, one for one. The runner reads them
in step with the input: line *n* must carry this run's provenance digest, the key of
record *n* and the digest of record *n*'s input. Every line that matches is a
department already done; the first line that does not (another pack or plugin, edited
facts, a record inserted or removed) stops the batch before anything is scored, and the
message names the line, the record and what differs, and offers ``--fresh``.

A line that is not a result line jixiao could have written (torn by a kill, damaged on
disk, edited by hand) is not fatal: the results are cut there (a torn last line is
dropped; complete damaged lines and everything after them are kept in
results.damaged.jsonl), reported, and those departments are scored again. Cutting,
rather than skipping one line, keeps the file in input order, so a resumed batch ends
byte-identical to one that was never stopped.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from typing import Any

from .. import errors
from ..errors import JixiaoError, Problem
from .provenance import RunProvenance, differences, read_recorded
from .store import DAMAGED, MAX_LINE, PREVIOUS, RESULTS, ResultStore
from .worker import refused_claim

STATUSES = ("scored", "incomplete", "error")
FRESH = f"要按本次的设置重新计分，请加 --fresh（原 {RESULTS} 改名为 {PREVIOUS} 保留），或换一个 -o 目录"


@dataclass
class PriorLine:
    number: int  # 1-based line of results.jsonl
    key: str
    status: str
    stamp: dict[str, str] | None
    first_problem: dict[str, Any]
    refused_claim: dict[str, Any] | None = None  # the first claim its audit could not read


def parse_line(raw: bytes, number: int) -> PriorLine | None:
    """A result line as jixiao writes it, or None when it is not one (torn, damaged, edited)."""
    if not raw.endswith(b"\n"):
        return None
    try:
        rec = json.loads(raw)
    except (ValueError, RecursionError):
        return None
    if not isinstance(rec, dict) or not isinstance(rec.get("key"), str) or rec.get("status") not in STATUSES:
        return None
    stamp = rec.get("provenance")
    if stamp is not None and not (
        isinstance(stamp, dict) and all(isinstance(stamp.get(k), str) for k in ("run", "input"))
    ):
        return None
    if rec["status"] == "scored" and not _summable(rec):
        return None
    problems = rec.get("problems") or [{}]
    first = problems[0] if isinstance(problems, list) and isinstance(problems[0], dict) else {}
    refused = refused_claim(rec)
    claim = None if refused is None else {"code": refused.get("code"), "message": refused.get("message")}
    return PriorLine(number, rec["key"], rec["status"], stamp, first, claim)


def _summable(rec: dict[str, Any]) -> bool:
    """What the summary reads from a scored line is there and is a number where it must be."""
    try:
        Decimal(rec["total"])
        if not isinstance(rec["department"]["name"], str) or not isinstance(rec["grade"], str):
            return False
        for value in rec["scores"].values():
            if value is not None:
                Decimal(value)
        for value in rec["lost"].values():
            Decimal(value)
        other = rec.get("compare")
        if other is not None:
            Decimal(other["total"])
            return isinstance(other["grade"], str)
    except (KeyError, TypeError, AttributeError, InvalidOperation, ValueError):
        return False
    return True


class PriorResults:
    """The lines of an earlier run, read one at a time in step with the input."""

    def __init__(self, store: ResultStore, run: RunProvenance):
        self.store, self.run = store, run
        self.notes: list[str] = []
        self.lines = 0
        self._fh = store.path.open("rb") if store.path.exists() and store.path.stat().st_size else None
        self._offset = 0

    @property
    def exhausted(self) -> bool:
        return self._fh is None

    def check_first(self) -> None:
        """Refuse at once, before reading any input, when the first line was made by another run."""
        if self._fh is None:
            return
        raw = self._fh.readline(MAX_LINE)
        self._fh.seek(0)
        line = parse_line(raw, 1)
        if line is not None:
            self._check_run(line)

    def next(self) -> PriorLine | None:
        """The next line, or None once the earlier results are used up (a bad line ends them: see
        the module docstring)."""
        if self._fh is None:
            return None
        raw = self._fh.readline(MAX_LINE)
        if not raw:
            self._close()
            return None
        line = parse_line(raw, self.lines + 1)
        if line is None:
            self._cut(raw)
            return None
        self._check_run(line)
        self.lines += 1
        self._offset += len(raw)
        return line

    def mismatch(self, line: PriorLine, rec, digest: str) -> JixiaoError:
        where = f"{self.store.path} 第 {line.number} 行"
        if line.key != rec.key:
            what = (
                f"{where}是“{line.key}”的结果，而输入的第 {line.number} 条记录是“{rec.key}”（{rec.where}）："
                "输入的记录有增删或顺序变了"
            )
        else:
            what = f"{where}（部门“{line.key}”）计分时的输入与现在不同（{rec.where}）：事实已修改"
        return JixiaoError(
            Problem(
                errors.BATCH_INPUT_CHANGED,
                f"{what}。续跑只接续同一份输入的结果，不会把新旧结果混在一起。{FRESH}",
                field=RESULTS,
                value=line.key,
                location=f"{RESULTS}:{line.number}",
            )
        )

    def finish(self, records: int) -> None:
        """At the end of the input: earlier lines beyond it mean the input lost records."""
        if self._fh is None:
            return
        raw = self._fh.readline(MAX_LINE)
        if not raw:
            self._close()
            return
        if parse_line(raw, self.lines + 1) is None:
            self._cut(raw)
            return
        self._close()
        raise JixiaoError(
            Problem(
                errors.BATCH_INPUT_CHANGED,
                f"{self.store.path} 中的部门比输入多：输入只有 {records:,} 条记录，"
                f"第 {self.lines + 1} 行起的结果在输入中已不存在。"
                f"续跑只接续同一份输入的结果。{FRESH}",
                field=RESULTS,
                location=f"{RESULTS}:{self.lines + 1}",
            )
        )

    def _check_run(self, line: PriorLine) -> None:
        if line.stamp is not None and line.stamp.get("run") == self.run.digest:
            return
        self._close()
        where = f"{self.store.path} 第 {line.number} 行"
        if line.stamp is None:
            what = f"{where}由未记录来源的旧版 jixiao 写入，无法确认它与本次用的是同一评分体系和插件"
        else:
            changes = differences(read_recorded(self.store.dir), line.stamp, self.run)
            what = f"{where}是用另一套设置计分的：" + "；".join(changes)
        raise JixiaoError(
            Problem(
                errors.BATCH_PROVENANCE,
                f"{what}。续跑不会把不同设置的结果混在一起。{FRESH}",
                field=RESULTS,
                location=f"{RESULTS}:{line.number}",
            )
        )

    def _cut(self, raw: bytes) -> None:
        assert self._fh is not None  # called on a line just read from it
        torn_only = not raw.endswith(b"\n") and not self._fh.read(1)
        self._close()
        size = self.store.cut(self._offset, keep_tail=not torn_only)
        number = self.lines + 1
        if torn_only:
            self.notes.append(f"{RESULTS} 第 {number} 行不完整（上次运行在写入时被中断），已删除；该部门将重新计分")
        else:
            self.notes.append(
                f"[{errors.BATCH_RESULTS_DAMAGED}] {RESULTS} 第 {number} 行已损坏（不是 jixiao 写出的结果行），"
                f"从该行起的 {size:,} 字节已移到 {DAMAGED}；这些部门将重新计分"
            )

    def _close(self) -> None:
        if self._fh is not None:
            self._fh.close()
            self._fh = None
