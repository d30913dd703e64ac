"""Property: for random input with random bad lines and duplicates, killed with SIGKILL at random
points (mid-write, between chunks, while the summary is written) and resumed, the final
results.jsonl, summary.json and matrix.csv are byte-identical to an uninterrupted run's.

Each kill is real: the batch runs in a forked child that SIGKILLs itself at the drawn point
(after writing part of a chunk, or before renaming a summary file into place), so no
``finally`` runs and its workers die with it, as when a bureau's server is switched off.
"""

from __future__ import annotations

import os
import signal
import tempfile
from pathlib import Path

from batchkit import PACK, docs, line, write_lines
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from jixiao.batch import run_batch
from jixiao.batch import store as store_module
from jixiao.batch import summary as summary_module

BAD_LINES = [
    b"\xff\xfe not UTF-8",
    b"[" * 3000 + b"]" * 3000,
    b'{"department": {"id": "big"}, "facts": {"annual_budget": 1' + b"0" * 5000 + b"}}",
    b'{"department": {"id": "half"',
    b"[1, 2]",
    b'{"facts": {}}',
    b'{"department": {"id": "s\\udc80"}, "facts": {}}',
]
OUTPUTS = ("results.jsonl", "summary.json", "matrix.csv")


@st.composite
def batches(draw):
    documents = docs(draw(st.integers(1, 24)), seed=draw(st.integers(0, 10**6)), invalid="0.2")
    lines = [line(d) for d in documents]
    for _ in range(draw(st.integers(0, 2))):
        lines.insert(draw(st.integers(0, len(lines))), lines[draw(st.integers(0, len(lines) - 1))])
    for bad in draw(st.lists(st.sampled_from(BAD_LINES), max_size=4)):
        lines.insert(draw(st.integers(0, len(lines))), bad)
    kills = draw(
        st.lists(
            st.one_of(
                st.tuples(st.just("write"), st.integers(0, len(lines)), st.integers(0, 3000)),
                st.tuples(st.just("summary"), st.integers(0, 2), st.just(0)),
            ),
            min_size=1,
            max_size=3,
        )
    )
    return lines, kills, draw(st.sampled_from([1, 2])), draw(st.integers(1, 6))


def _killed_run(inp: Path, out: Path, jobs: int, chunk: int, kill: tuple) -> None:
    """Run the batch in a child that SIGKILLs itself at ``kill``; returns when the child is gone."""
    pid = os.fork()
    if pid:
        _, status = os.waitpid(pid, 0)
        assert (os.WIFSIGNALED(status) and os.WTERMSIG(status) == signal.SIGKILL) or os.WEXITSTATUS(status) == 0, status
        return
    try:
        kind, at, partial = kill
        if kind == "write":
            _die_while_appending(at, partial)
        else:
            _die_before_rename(at)
        run_batch(inp, PACK, out, jobs=jobs, rules="python", chunk=chunk)
        os._exit(0)
    except BaseException:
        import traceback

        traceback.print_exc()
        os._exit(1)


def _die_while_appending(lines_before: int, partial: int) -> None:
    written = [0]
    append = store_module.ResultStore.append

    def append_then_die(self, lines):
        if written[0] + len(lines) <= lines_before:
            written[0] += len(lines)
            return append(self, lines)
        keep = lines[: lines_before - written[0]]
        data = b"".join(x + b"\n" for x in keep) + (lines[len(keep)] + b"\n")[:partial]
        with self.path.open("ab") as fh:
            fh.write(data)
        os.kill(os.getpid(), signal.SIGKILL)

    store_module.ResultStore.append = append_then_die


def _die_before_rename(which: int) -> None:
    calls = [0]

    class DyingOs:
        def __getattr__(self, name):
            return getattr(os, name)

        def replace(self, src, dst):
            if calls[0] == which:
                os.kill(os.getpid(), signal.SIGKILL)
            calls[0] += 1
            return os.replace(src, dst)

    summary_module.os = DyingOs()


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(batches())
def test_killed_and_resumed_batches_end_identical_to_an_uninterrupted_run(batch):
    lines, kills, jobs, chunk = batch
    with tempfile.TemporaryDirectory() as tmp:
        tmp = Path(tmp)
        inp = write_lines(tmp / "in.jsonl", lines)
        reference = run_batch(inp, PACK, tmp / "whole", jobs=jobs, rules="python", chunk=chunk)
        for kill in kills:
            _killed_run(inp, tmp / "out", jobs, chunk, kill)
        resumed = run_batch(inp, PACK, tmp / "out", jobs=jobs, rules="python", chunk=chunk)
        for name in OUTPUTS:
            assert (tmp / "out" / name).read_bytes() == (tmp / "whole" / name).read_bytes(), name
        assert resumed.ok == reference.ok
        assert resumed.scored + resumed.resumed.scored == reference.scored
