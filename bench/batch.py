"""Benchmark of ``jixiao batch``: departments per second and peak memory, on one core and on all.

    python bench/batch.py [--n 20000] [--seed 1] [--jobs 1,2] [--rules python]

Why it is built this way:
- The departments are written once to a JSON Lines file (bench/synth.py, 1% invalid),
  then ``jixiao batch`` runs as a subprocess per configuration, exactly as a bureau runs
  it: start-up, streaming, worker processes, results and summary included.
- Peak memory is the largest sum of resident memory over the whole process tree (the
  batch process and its workers), sampled from /proc every 50 ms: what the machine
  must have free, not one process's share.
- The hand-written scorer (bench/handwritten.py) scores the same departments in this
  process for the ratio; it does no I/O, so the ratio is an upper bound of the engine's
  share.
- "per core" is departments per second of CPU time of the whole process tree (user and
  system, the batch process and its workers, start-up included): the issue's "per core",
  whatever the number of workers and however busy the supervisor was.
No timing is asserted anywhere: this prints numbers.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

import handwritten
import synth

JIXIAO = Path(sys.executable).parent / "jixiao"


def _plain(o):
    if isinstance(o, Decimal):
        return str(o)
    raise TypeError(type(o))


def write_input(path: Path, n: int, seed: int, invalid: str) -> None:
    with path.open("w", encoding="utf-8") as fh:
        for doc in synth.generate(n, seed, invalid):
            fh.write(json.dumps(doc, ensure_ascii=False, default=_plain) + "\n")


def _tree_rss_kb(pid: int) -> int:
    """Resident memory of ``pid`` and all its descendants, in kB."""
    total, todo = 0, [pid]
    while todo:
        p = todo.pop()
        try:
            for line in Path(f"/proc/{p}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
            for task in Path(f"/proc/{p}/task").iterdir():
                todo += [int(c) for c in (task / "children").read_text().split()]
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
    return total


def _children_cpu() -> float:
    used = resource.getrusage(resource.RUSAGE_CHILDREN)
    return used.ru_utime + used.ru_stime


def run_batch(input_path: Path, outdir: Path, jobs: int, rules: str) -> tuple[float, int, int, float]:
    """(wall seconds, peak kB of the process tree, result lines, CPU seconds of the process tree)."""
    shutil.rmtree(outdir, ignore_errors=True)
    cpu = _children_cpu()
    start = time.perf_counter()
    proc = subprocess.Popen(
        [
            str(JIXIAO),
            "batch",
            str(input_path),
            "-r",
            "shenzhen-yantian-2023",
            "-o",
            str(outdir),
            "-j",
            str(jobs),
            "--rules",
            rules,
            "-q",
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    peak = 0
    while proc.poll() is None:
        peak = max(peak, _tree_rss_kb(proc.pid))
        time.sleep(0.05)
    seconds = time.perf_counter() - start
    if proc.returncode not in (0, 1):
        sys.exit(f"jixiao batch failed ({proc.returncode}): {proc.stderr.read().decode()[-2000:]}")
    lines = sum(1 for _ in (outdir / "results.jsonl").open(encoding="utf-8"))
    return seconds, peak, lines, _children_cpu() - cpu


def handwritten_rate(input_path: Path, limit: int = 20000) -> float:
    docs = []
    with input_path.open(encoding="utf-8") as fh:
        for line in fh:
            docs.append(json.loads(line, parse_float=Decimal))
            if len(docs) >= limit:
                break
    start = time.perf_counter()
    for doc in docs:
        try:
            handwritten.score(doc["facts"])
        except Exception:
            pass  # invalid records: the hand-written scorer just stops, the engine reports them
    return len(docs) / (time.perf_counter() - start)


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=20000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--jobs", default=f"1,{os.cpu_count() or 1}")
    ap.add_argument("--rules", default="python", choices=["python", "durable"])
    ap.add_argument("--invalid-share", default="0.01")
    a = ap.parse_args()
    work = Path(tempfile.mkdtemp(prefix="jixiao-batch-bench-"))
    try:
        input_path = work / "departments.jsonl"
        t = time.perf_counter()
        write_input(input_path, a.n, a.seed, a.invalid_share)
        print(
            f"generated {a.n:,} departments ({input_path.stat().st_size / 1e6:.0f} MB JSONL) "
            f"in {time.perf_counter() - t:.1f} s"
        )
        hand = handwritten_rate(input_path)
        print(f"hand-written scorer, in process: {hand:,.0f} departments/s")
        print(
            f"{'jobs':>4}  {'rules':<7} {'departments':>11} {'seconds':>8} {'dept/s':>8} {'peak MB':>8} {'×hand':>6}"
            f" {'CPU s':>6} {'per core':>9}"
        )
        for jobs in sorted({int(j) for j in a.jobs.split(",")}):
            seconds, peak_kb, lines, cpu = run_batch(input_path, work / f"out-{jobs}", jobs, a.rules)
            rate = lines / seconds
            print(
                f"{jobs:>4}  {a.rules:<7} {lines:>11,} {seconds:>8.1f} {rate:>8,.0f} "
                f"{peak_kb / 1024:>8.0f} {hand / rate:>6.1f} {cpu:>6.1f} {lines / cpu:>9,.0f}"
            )
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
