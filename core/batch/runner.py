"""Runs a batch: checks everything that can be checked before scoring, then streams the input
through the worker pool, appends results in input order, and builds the district summary.

The order of work is the contract of ``jixiao batch``. Before the first department is
scored: the options, the pack and plugins, the input (it exists, has at least one
record), the output folder (usable), and the results already there (made by this same
run from this same input, line for line) — any failure here is a ``JixiaoError`` and
nothing is written. Then scoring, where nothing stops the batch but a signal: a bad
record, a failing plugin, a dead or stuck worker each become that department's error
line. Memory stays flat: a bounded number of chunks is in flight.
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from itertools import chain
from pathlib import Path
from typing import Any

from .. import errors
from ..errors import JixiaoError, Problem
from ..office.limits import MB
from .pool import Pool, Task
from .provenance import RunProvenance, input_digest
from .readers import ReadLimits, Record, read_input
from .resume import PriorLine, PriorResults
from .stop import BatchInterrupted, StopSignals
from .store import ResultStore
from .worker import Engines, refused_claim

DEFAULT_TIMEOUT = 60.0  # seconds one department may take
MAX_JOBS = 256
CHUNK_BYTES = 16 * MB  # a chunk closes at ``chunk`` records or this much input, whichever comes first


@dataclass
class Tally:
    scored: int = 0
    incomplete: int = 0
    errors: int = 0

    def add(self, status: str) -> None:
        if status == "scored":
            self.scored += 1
        elif status == "incomplete":
            self.incomplete += 1
        else:
            self.errors += 1

    @property
    def total(self) -> int:
        return self.scored + self.incomplete + self.errors


@dataclass
class BatchReport:
    scored: int = 0  # this run's departments, by status
    incomplete: int = 0
    errors: int = 0
    skipped: int = 0  # resumed: already in results.jsonl from an earlier run of the same command
    duplicates: int = 0
    seconds: float = 0.0
    failed: list[dict] = field(
        default_factory=list
    )  # key, status, code, message of each department not completely scored, resumed ones included
    outdir: Path | None = None
    resumed: Tally = field(default_factory=Tally)  # the skipped departments, by status
    notes: list[str] = field(default_factory=list)  # what was repaired on the way (a torn or damaged results line)
    claims_refused: int = 0  # departments, resumed ones included, with a claimed score the audit could not read

    @property
    def ok(self) -> bool:
        """Every department, resumed ones included, completely scored."""
        return not (
            self.incomplete
            or self.errors
            or self.duplicates
            or self.resumed.incomplete
            or self.resumed.errors
            or self.claims_refused
        )


def option_error(message: str, option: str, value: Any) -> JixiaoError:
    return JixiaoError(Problem(errors.OPTION_INVALID, message, field=option, value=value))


def check_options(jobs: int | None, timeout: float, chunk: int) -> int:
    """The number of workers; OPTION_INVALID for a value out of range."""
    cpus = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)
    if jobs is None:
        jobs = cpus
    if isinstance(jobs, bool) or not isinstance(jobs, int) or not 1 <= jobs <= MAX_JOBS:
        raise option_error(
            f"--jobs 应为 1 到 {MAX_JOBS} 之间的整数（工作进程数，本机有 {cpus} 个 CPU），收到 {jobs!r}", "--jobs", jobs
        )
    if not isinstance(timeout, (int, float)) or isinstance(timeout, bool) or not 0 < timeout <= 86_400:
        raise option_error(
            f"--timeout 应为大于 0、不超过 86400 的秒数（一个部门计分的时限），收到 {timeout!r}", "--timeout", timeout
        )
    if isinstance(chunk, bool) or not isinstance(chunk, int) or chunk < 1:
        raise option_error(f"chunk 应为正整数，收到 {chunk!r}", "chunk", chunk)
    return jobs


def load_engines(rubric, compare, rules: str, plugins: tuple, block: tuple) -> Engines:
    """The engines every worker inherits; a plugin that exits while loading is a load error, not an exit."""
    from ..engine import Engine

    try:
        main = Engine.from_rubric(rubric, plugins=plugins, block=block, rules=rules)
        other = Engine.from_rubric(compare, plugins=plugins, block=block, rules=rules) if compare else None
    except SystemExit as exc:
        raise JixiaoError(
            Problem(
                errors.PLUGIN_LOAD,
                f"加载评分体系或插件时，有插件调用了 sys.exit({exc.code!r})：插件不应退出进程，请修正插件",
                field="plugin",
            )
        ) from None
    return Engines(main, other)


def run_batch(
    input_path: str | Path,
    rubric: str,
    outdir: str | Path,
    *,
    jobs: int | None = None,
    compare: str | None = None,
    rules: str = "auto",
    plugins: Iterable = (),
    block: Iterable[str] = (),
    chunk: int = 200,
    explain: bool = False,
    progress: Callable[[BatchReport], None] | None = None,
    fresh: bool = False,
    timeout: float = DEFAULT_TIMEOUT,
    limits: ReadLimits | None = None,
) -> BatchReport:
    """Score every record of ``input_path`` into ``outdir``; raises JixiaoError before scoring,
    BatchInterrupted on a signal."""
    limits = limits or ReadLimits()
    jobs = check_options(jobs, timeout, chunk)
    started = time.perf_counter()
    with StopSignals() as stop:
        plugins, block = tuple(p if not isinstance(p, Path) else str(p) for p in plugins), tuple(block)
        engines = load_engines(rubric, compare, rules, plugins, block)
        run = RunProvenance.of(engines.main, engines.compare, explain=explain, block=block)
        records = read_input(input_path, limits, exclude=Path(outdir))
        first = next(records, None)
        if first is None:
            raise JixiaoError(
                Problem(
                    errors.BATCH_EMPTY_INPUT,
                    f"批量输入 {input_path} 中没有任何部门记录（空文件、只有表头，"
                    "或目录中没有 .yaml/.yml/.json/.xlsx 事实文件）：请检查输入",
                    field="INPUT",
                    value=str(input_path),
                )
            )
        with ResultStore(outdir) as store:  # the folder is locked until the batch ends
            if fresh:
                store.start_over()
            prior = PriorResults(store, run)
            prior.check_first()
            report = BatchReport(outdir=store.dir)
            stop.urgent = False
            scoring = Scoring(
                store,
                prior,
                run,
                report,
                Pool(jobs, engines, run, explain=explain, timeout=timeout),
                chunk=chunk,
                depth=2 * jobs + 1,
                progress=progress,
                started=started,
            )
            try:
                scoring.feed(chain([first], records), stop)
            finally:
                scoring.close(stopped=stop.requested)
                report.notes += prior.notes
                report.seconds = time.perf_counter() - started
            if stop.signum is not None:
                raise BatchInterrupted(stop.signum, report)
            stop.urgent = True
            from .summary import write_summary

            try:
                write_summary(store, engines.main.pack, engines.compare.pack if engines.compare else None)
            except BatchInterrupted as exc:
                exc.report = report
                raise
    report.seconds = time.perf_counter() - started
    return report


class Scoring:
    """The scoring loop: records in, result lines out in input order."""

    def __init__(
        self,
        store: ResultStore,
        prior: PriorResults,
        run: RunProvenance,
        report: BatchReport,
        pool: Pool,
        *,
        chunk: int,
        depth: int,
        progress,
        started: float,
    ):
        self.store, self.prior, self.run, self.report, self.pool = store, prior, run, report, pool
        self.chunk_size, self.depth, self.progress, self.started = chunk, depth, progress, started
        self.pending: deque[Task] = deque()
        self.chunk: list[Record] = []
        self.chunk_bytes = 0
        self.seen: set[int] = set()
        self.next_copy: dict[int, int] = {}  # repeated id → the next "#n" to try
        self.records = 0
        self.writing = False

    def feed(self, records: Iterator[Record], stop: StopSignals) -> None:
        for rec in records:
            if stop.requested:
                return
            self.records += 1
            rec = self._keyed(rec)
            if not self.prior.exhausted:
                line = self.prior.next()
                if line is not None:
                    self._resumed(line, rec)
                    continue
            self.chunk.append(rec)
            self.chunk_bytes += rec.size
            if len(self.chunk) >= self.chunk_size or self.chunk_bytes >= CHUNK_BYTES:
                self._submit()
            while len(self.pending) > self.depth and not stop.requested:
                self._pump()
        if stop.requested:
            return
        self.prior.finish(self.records)
        self._submit()
        while self.pending and not stop.requested:
            self._pump()

    def close(self, stopped: bool) -> None:
        """Write every result that is in, in input order (on a stop, the ready start of the first
        unfinished chunk too), end the workers."""
        try:
            self._flush()
            if stopped and self.pending and not self.store.broken:
                head = self.pending[0]
                n = head.ready_prefix()
                self._write(head, n)
        finally:
            self.pool.close()
            self.store.close()

    def _keyed(self, rec: Record) -> Record:
        """A repeated department id becomes an error record keyed "id#2", "id#3": the first one's
        result is never overwritten."""
        key = rec.key
        first = _digest(key)
        if first in self.seen:
            self.report.duplicates += 1
            n = self.next_copy.get(first, 2)
            while _digest(f"{key}#{n}") in self.seen:
                n += 1
            self.next_copy[first] = n + 1  # a thousand copies of one id cost a thousand steps, not half a million
            dup = f"{key}#{n}"
            rec = Record(
                dup,
                None,
                Problem(
                    errors.DUPLICATE_ID,
                    f"部门编号“{key}”重复出现（{rec.where}），第 {n} 次出现的记录未计分（不覆盖先前结果）",
                    field="department.id",
                    value=key,
                ),
                rec.where,
                input_digest(rec),
            )
        self.seen.add(_digest(rec.key))
        return rec

    def _resumed(self, line: PriorLine, rec: Record) -> None:
        digest = input_digest(rec)
        assert line.stamp is not None  # PriorResults.next returns only lines of this run
        if line.key != rec.key or line.stamp["input"] != digest:
            raise self.prior.mismatch(line, rec, digest)
        self.report.skipped += 1
        self.report.resumed.add(line.status)
        if line.refused_claim is not None:
            self.report.claims_refused += 1
            self.report.failed.append({"key": line.key, "status": "claims", **line.refused_claim})
        if line.status != "scored":
            self.report.failed.append(
                {
                    "key": line.key,
                    "status": line.status,
                    "code": line.first_problem.get("code"),
                    "message": line.first_problem.get("message"),
                }
            )

    def _submit(self) -> None:
        if not self.chunk:
            return
        if not self.writing:
            self.store.begin(self.run)
            self.writing = True
        task = Task(self.chunk)
        self.chunk, self.chunk_bytes = [], 0
        self.pending.append(task)
        self.pool.submit(task)

    def _pump(self) -> None:
        self.pool.pump()
        self._flush()

    def _flush(self) -> None:
        wrote = False
        while self.pending and self.pending[0].done:
            task = self.pending.popleft()
            self._write(task, len(task.results))
            wrote = True
        if wrote and self.progress:
            self.report.seconds = time.perf_counter() - self.started
            self.progress(self.report)

    def _write(self, task: Task, n: int) -> None:
        if n == 0:
            return
        results = task.first(n)
        self.store.append([r.line for r in results])
        for rec, result in zip(task.records[:n], results):
            if b'"audit"' in result.line:  # only departments that claimed scores: the others are not parsed
                self._claims(rec.key, json.loads(result.line))
            if result.status == "scored":
                self.report.scored += 1
                continue
            if result.status == "incomplete":
                self.report.incomplete += 1
            else:
                self.report.errors += 1
            first = (json.loads(result.line).get("problems") or [{}])[0]
            self.report.failed.append(
                {"key": rec.key, "status": result.status, "code": first.get("code"), "message": first.get("message")}
            )

    def _claims(self, key: str, line: dict[str, Any]) -> None:
        refused = refused_claim(line)
        if refused is not None:
            self.report.claims_refused += 1
            self.report.failed.append(
                {"key": key, "status": "claims", "code": refused.get("code"), "message": refused.get("message")}
            )


def _digest(key: str) -> int:
    """Keys are remembered as 64-bit hashes: a million departments cost tens of MB, not hundreds."""
    return int.from_bytes(hashlib.blake2b(key.encode("utf-8", "surrogatepass"), digest_size=8).digest(), "big")
