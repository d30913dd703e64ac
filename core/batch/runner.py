"""Runs a batch: reads records in chunks, scores them in worker processes, appends results in
input order, then builds the district summary. Memory stays flat: one chunk at a time."""
from __future__ import annotations

import gc
import hashlib
import json
from collections import deque
import multiprocessing
import os
import time
from dataclasses import dataclass, field
from itertools import islice
from pathlib import Path
from typing import Any, Callable, Iterable

from .. import errors
from ..errors import JixiaoError, Problem
from ..numbers import fmt_number
from .readers import Record, read_input
from .store import ResultStore

_ENGINES: dict[str, Any] = {}


@dataclass
class BatchReport:
    scored: int = 0
    incomplete: int = 0
    errors: int = 0
    skipped: int = 0
    duplicates: int = 0
    seconds: float = 0.0
    failed: list[dict] = field(default_factory=list)  # key, code, message of each error or incomplete record
    outdir: Path | None = None

    @property
    def ok(self) -> bool:
        return not (self.incomplete or self.errors or self.duplicates)


def _init(rubric: str, compare: str | None, rules: str, plugins: tuple, block: tuple) -> None:
    """Each worker builds its own engines (durable-rules hosts are per process)."""
    from ..engine import Engine

    _ENGINES["a"] = Engine.from_rubric(rubric, plugins=plugins, block=block, rules=rules)
    if compare:
        _ENGINES["b"] = Engine.from_rubric(compare, plugins=plugins, block=block, rules=rules)


def _compact(card) -> dict[str, Any]:
    """A department's result line without the explanations: scores, points lost, problems (one pass over the leaves)."""
    scores: dict[str, str | None] = {}
    lost: dict[str, str] = {}
    problems: list[dict[str, Any]] = []
    for leaf in card.leaves():
        code, score = leaf.code, leaf.score
        if score is None:
            scores[code] = None
        else:
            scores[code] = fmt_number(score)
            if score != leaf.weight:
                lost[code] = fmt_number(leaf.weight - score)
        for p in leaf.problems:
            problems.append({"indicator": code, **p.to_dict()})
    problems += [p.to_dict() for p in card.fact_problems]
    return {"total": fmt_number(card.total), "grade": card.grade, "complete": card.complete, "scores": scores, "lost": lost, "problems": problems}


def score_record(rec: Record, explain: bool = False) -> tuple[str, str, dict]:
    """One department → one result line. Never raises: a failure is recorded with its code."""
    out: dict[str, Any] = {"key": rec.key}
    try:
        if rec.error is not None:
            raise JixiaoError(rec.error)
        card = _ENGINES["a"].evaluate(rec.doc)
        out["department"] = {"id": card.department_id, "name": card.department_name}
        out["status"] = "scored" if card.complete else "incomplete"
        out.update(_compact(card))
        if explain:
            out["scorecard"] = card.to_dict()
        if "b" in _ENGINES:
            other = _ENGINES["b"].evaluate(rec.doc)
            out["compare"] = {"rubric": other.rubric["id"], **_compact(other)}
    except JixiaoError as exc:
        out.update(status="error", problems=[p.to_dict() for p in exc.problems])
    except Exception as exc:  # a faulty plugin or a bug: recorded, the batch goes on
        out.update(status="error", problems=[{"code": errors.PLUGIN_FAILED, "message": f"{type(exc).__name__}: {exc}"}])
    return json.dumps(out, ensure_ascii=False), out["status"], (out.get("problems") or [{}])[0]


def _score_many(args: tuple[list[Record], bool]) -> list[tuple[str, str, dict]]:
    """One chunk, with the cyclic garbage collector paused: results hold no cycles, and its passes cost ≈ 8 µs a department."""
    recs, explain = args
    enabled = gc.isenabled()
    gc.disable()
    try:
        return [score_record(r, explain) for r in recs]
    finally:
        if enabled:
            gc.enable()


def _chunks(it: Iterable[Record], size: int):
    it = iter(it)
    while chunk := list(islice(it, size)):
        yield chunk


def run_batch(input_path: str | Path, rubric: str, outdir: str | Path, *, jobs: int | None = None, compare: str | None = None,
              rules: str = "auto", plugins: tuple = (), block: tuple = (), chunk: int = 200, explain: bool = False,
              progress: Callable[[BatchReport], None] | None = None) -> BatchReport:
    jobs = jobs or os.cpu_count() or 1
    _init(rubric, compare, rules, tuple(map(str, plugins)), tuple(block))  # fails fast on a bad pack, before any work
    store = ResultStore(outdir)
    done = store.load_done(_digest)
    report, seen, started = BatchReport(outdir=store.dir), set(), time.perf_counter()
    pool = multiprocessing.get_context("fork").Pool(jobs, _init, (rubric, compare, rules, tuple(map(str, plugins)), tuple(block))) if jobs > 1 else None
    pending: deque = deque()  # chunks in input order: (lines with slots, todo, async result)

    def flush(limit: int) -> None:
        while len(pending) > limit:
            lines, todo, result = pending.popleft()
            scored = result.get() if pool is not None else result
            for (slot, rec), (line, status, first) in zip(todo, scored):
                lines[slot] = line
                _tally(report, rec.key, status, first)
            if lines:
                store.append(lines)
            report.seconds = time.perf_counter() - started
            if progress:
                progress(report)

    try:
        for records in _chunks(read_input(input_path), chunk):
            lines: list = []
            todo: list[tuple[int, Record]] = []
            for rec in records:
                key = rec.key
                if _digest(key) in seen:
                    report.duplicates += 1
                    n = 2
                    while _digest(f"{key}#{n}") in seen:
                        n += 1
                    key = f"{key}#{n}"
                    rec = Record(key, None, Problem(errors.DUPLICATE_ID, f"部门编号“{rec.key}”重复出现，第 {n} 次出现的记录未计分（不覆盖先前结果）", field="department.id", value=rec.key))
                seen.add(_digest(key))
                if _digest(key) in done:
                    report.skipped += 1
                    continue
                todo.append((len(lines), rec))
                lines.append(None)
            batch_args = ([r for _, r in todo], explain)
            result = pool.apply_async(_score_many, (batch_args,)) if pool is not None else _score_many(batch_args)
            pending.append((lines, todo, result))
            flush(2 * jobs)  # a bounded number of chunks in flight: memory stays flat
        flush(0)
    finally:
        store.close()
        if pool is not None:
            pool.close()
            pool.join()
    report.seconds = time.perf_counter() - started
    from .summary import write_summary

    write_summary(store, _ENGINES["a"].pack, _ENGINES.get("b").pack if compare else None)
    return report


def _digest(key: str) -> int:
    """Keys are remembered as 64-bit hashes: a million departments cost tens of MB, not hundreds."""
    return int.from_bytes(hashlib.blake2b(key.encode(), digest_size=8).digest(), "big")


def _tally(report: BatchReport, key: str, status: str, first: dict) -> None:
    if status == "scored":
        report.scored += 1
        return
    if status == "incomplete":
        report.incomplete += 1
    else:
        report.errors += 1
    report.failed.append({"key": key, "status": status, "code": first.get("code"), "message": first.get("message")})
