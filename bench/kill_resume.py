"""Acceptance run of ``jixiao batch`` stopped the hard way: killed with SIGKILL three times at
random points and interrupted once with Ctrl-C, then resumed, must end byte-identical to a
batch that was never stopped; and a re-run with another pack without --fresh must refuse.

    python bench/kill_resume.py [--n 50000] [--seed 1] [--jobs 2]

Why it is built this way:
- Every run is a subprocess, as a bureau runs it. SIGKILL goes to the batch process only
  (``kill -9 PID``): its workers must die with it (no orphan may keep writing), which is
  checked after every kill. Ctrl-C goes to the whole process group, as a terminal sends it.
- Stop points are drawn (seeded) as shares of the final results.jsonl: the signal is sent
  when the file has grown that far in this run (plus a few random milliseconds): SIGKILL,
  Ctrl-C, then a SIGKILL between 0.5 and 1.5 s into a resumed run (while it starts and
  checks the lines already there), then SIGKILL again. Kills while the summary is written
  are in tests/test_batch_properties.py.
- results.jsonl, summary.json and matrix.csv are compared byte for byte; summary.xlsx
  carries its save time, so it is compared cell by cell.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from decimal import Decimal
from pathlib import Path

import synth

JIXIAO = Path(sys.executable).parent / "jixiao"
PACK = "shenzhen-yantian-2023"
BYTE_IDENTICAL = ("results.jsonl", "summary.json", "matrix.csv")


def _plain(o):
    if isinstance(o, Decimal):
        return str(o)
    raise TypeError(type(o))


def write_input(path: Path, n: int, seed: int) -> None:
    with path.open("w", encoding="utf-8") as fh:
        for doc in synth.generate(n, seed, "0.01"):
            fh.write(json.dumps(doc, ensure_ascii=False, default=_plain) + "\n")


def command(inp: Path, out: Path, jobs: int, pack: str = PACK, *extra: str) -> list[str]:
    return [
        str(JIXIAO),
        "batch",
        str(inp),
        "-r",
        pack,
        "-o",
        str(out),
        "--rules",
        "python",
        "-j",
        str(jobs),
        "-q",
        *extra,
    ]


def lines(path: Path) -> int:
    try:
        return path.read_bytes().count(b"\n")
    except FileNotFoundError:
        return 0


def orphans(out: Path) -> list[int]:
    """Processes still running a batch into ``out`` (workers left behind by a killed batch)."""
    found = []
    for proc in Path("/proc").iterdir():
        if proc.name.isdigit():
            try:
                cmd = (proc / "cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            if str(out).encode() in cmd and b"batch" in cmd:
                found.append(int(proc.name))
    return found


def stop_at(cmd: list[str], out: Path, how: str, when: float | str, rng: random.Random) -> tuple[int | None, int]:
    """Start ``cmd`` and send ``how`` once results.jsonl has grown to ``when`` bytes and by at least one line in this
    run (then a random few ms more), or, for ``when == "early"``, at a random moment between 0.5 and 1.5 seconds
    (start-up, checking the lines already there).
    Returns (exit status, or None when it finished first; results lines then)."""
    results = out / "results.jsonl"
    if when != "early" and results.exists():
        when = max(when, results.stat().st_size + 1)  # this run must have appended something
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, start_new_session=True)
    deadline = time.monotonic() + (rng.uniform(0.5, 1.5) if when == "early" else 600)
    while proc.poll() is None and time.monotonic() < deadline:
        if when != "early" and results.exists() and results.stat().st_size >= when:
            time.sleep(rng.uniform(0, 0.2))
            break
        time.sleep(0.01)
    if proc.poll() is not None:
        return None, lines(results)
    if how == "SIGKILL":
        os.kill(proc.pid, signal.SIGKILL)
    else:
        os.killpg(proc.pid, signal.SIGINT)
    sent = time.monotonic()
    proc.wait(timeout=60)
    took = time.monotonic() - sent
    if how == "SIGINT" and (proc.returncode != 130 or took > 5):
        sys.exit(f"Ctrl-C: exit {proc.returncode} after {took:.1f} s: {proc.stderr.read().decode()[-500:]}")
    time.sleep(0.2)
    left = orphans(out)
    if left:
        sys.exit(f"{how}: processes left behind: {left}")
    return proc.returncode, lines(results)


def same_workbook(a: Path, b: Path) -> bool:
    from openpyxl import load_workbook

    wa, wb = load_workbook(a, read_only=True), load_workbook(b, read_only=True)
    return wa.sheetnames == wb.sheetnames and all(
        list(wa[s].iter_rows(values_only=True)) == list(wb[s].iter_rows(values_only=True)) for s in wa.sheetnames
    )


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=50_000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--keep", action="store_true", help="keep the temporary folder")
    a = ap.parse_args(argv)
    work = Path(tempfile.mkdtemp(prefix="jixiao-kill-resume-"))
    rng = random.Random(a.seed)
    try:
        inp = work / "in.jsonl"
        start = time.perf_counter()
        write_input(inp, a.n, a.seed)
        print(f"generated {a.n:,} departments (1% invalid) in {time.perf_counter() - start:.1f} s")
        start = time.perf_counter()
        whole = subprocess.run(command(inp, work / "whole", a.jobs), stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
        span = time.perf_counter() - start
        print(
            f"uninterrupted: exit {whole.returncode} in {span:.1f} s, {lines(work / 'whole' / 'results.jsonl'):,} lines"
        )
        out = work / "stopped"
        size = (work / "whole" / "results.jsonl").stat().st_size
        marks = sorted(rng.uniform(0.05, 0.95) for _ in range(3))
        stops = [("SIGKILL", marks[0]), ("SIGINT", marks[1]), ("SIGKILL", "early"), ("SIGKILL", marks[2])]
        for i, (how, mark) in enumerate(stops, 1):
            when = "early" if mark == "early" else int(mark * size)
            status, kept = stop_at(command(inp, out, a.jobs), out, how, when, rng)
            at = (
                "early (start-up, checking the lines already there)"
                if mark == "early"
                else f"at {mark:.0%} of the results"
            )
            what = "it finished before the signal" if status is None else f"exit {status}"
            print(f"stop {i}: {how} {at}: {what}, {kept:,} lines on disk, no worker left behind")
        start = time.perf_counter()
        final = subprocess.run(command(inp, out, a.jobs), capture_output=True)
        print(
            f"resumed: exit {final.returncode} in {time.perf_counter() - start:.1f} s; "
            + final.stdout.decode().splitlines()[0]
        )
        for note in final.stderr.decode().splitlines():
            print(f"  {note}")
        ok = final.returncode == whole.returncode
        for name in BYTE_IDENTICAL:
            same = (out / name).read_bytes() == (work / "whole" / name).read_bytes()
            ok &= same
            print(f"{name}: {'byte-identical' if same else 'DIFFERENT'} ({(out / name).stat().st_size:,} bytes)")
        same = same_workbook(out / "summary.xlsx", work / "whole" / "summary.xlsx")
        ok &= same
        print(f"summary.xlsx: {'same cells' if same else 'DIFFERENT'}")
        other = subprocess.run(command(inp, out, a.jobs, "example-district-2023"), capture_output=True)
        refused = other.returncode == 2 and "BATCH_PROVENANCE" in other.stderr.decode()
        ok &= refused
        print(f"another pack without --fresh: exit {other.returncode}: {other.stderr.decode().strip()[:160]}…")
        print("PASS" if ok else "FAIL")
        return 0 if ok else 1
    finally:
        if a.keep:
            print(f"kept {work}")
        else:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
