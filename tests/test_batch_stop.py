"""Stops cleanly: Ctrl-C, SIGTERM, dying workers, exiting and stuck plugins (issue "Hangs").

The landed code hung on Ctrl-C (workers respawned, the main process blocked), exited 1
after three presses, hung after a few hundred results when a worker died or a plugin
exited or slept, and with --jobs 1 turned a plugin's sys.exit(0) into exit 0 with no output.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import time
from pathlib import Path

import pytest
from batchkit import PACK, by_key, docs, hostile_plugin, jixiao_exe, results, with_magic, write_jsonl
from conftest import run_cli

from jixiao.batch import run_batch


def _batch(inp, out, *extra):
    return run_cli("batch", inp, "-r", PACK, "-o", out, "--rules", "python", "-q", *extra)


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_plugin_calling_sys_exit_is_an_error_line(tmp_path, jobs):
    documents = with_magic(docs(450, seed=7), [3, 40, 420])
    write_jsonl(tmp_path / "in.jsonl", documents)
    plugin = hostile_plugin(tmp_path, "sys.exit(0)")
    out = _batch(tmp_path / "in.jsonl", tmp_path / "out", "-j", jobs, "--plugin", plugin)
    assert out.exit_code == 1
    recs = results(tmp_path / "out")
    assert [r["key"] for r in recs] == [d["department"]["id"] for d in documents]
    for i in (3, 40, 420):  # the engine may catch the SystemExit itself (the indicator fails); else the worker does
        assert recs[i]["status"] != "scored" and recs[i]["problems"], recs[i]
        if recs[i]["status"] == "error":
            problem = recs[i]["problems"][0]
            assert (
                problem["code"] == "BATCH_PLUGIN_EXIT"
                and "sys.exit(0)" in problem["message"]
                and str(plugin) in problem["message"]
            )
    assert sum(r["status"] == "scored" for r in recs) == 447
    assert (tmp_path / "out" / "summary.json").exists()


def test_a_plugin_calling_sys_exit_while_loading_is_a_load_error(tmp_path):
    write_jsonl(tmp_path / "in.jsonl", docs(2, seed=7))
    plugin = hostile_plugin(tmp_path, "pass", at_import="sys.exit(0)")
    out = _batch(tmp_path / "in.jsonl", tmp_path / "out", "-j", "1", "--plugin", plugin)
    assert out.exit_code == 2 and "错误 [PLUGIN_LOAD]" in out.stderr


def test_workers_that_die_are_replaced_and_their_department_recorded(tmp_path):
    documents = with_magic(docs(600, seed=7), range(5, 600, 37))
    write_jsonl(tmp_path / "in.jsonl", documents)
    plugin = hostile_plugin(tmp_path, "os._exit(3)")
    started = time.monotonic()
    out = _batch(tmp_path / "in.jsonl", tmp_path / "out", "-j", "2", "--plugin", plugin)
    assert out.exit_code == 1 and time.monotonic() - started < 30
    recs = results(tmp_path / "out")
    assert [r["key"] for r in recs] == [d["department"]["id"] for d in documents]
    died = [i for i, r in enumerate(recs) if r["status"] == "error"]
    assert died == list(range(5, 600, 37))
    assert all(
        recs[i]["problems"][0]["code"] == "BATCH_WORKER_DIED" and "退出码 3" in recs[i]["problems"][0]["message"]
        for i in died
    )
    plain = run_batch(tmp_path / "in.jsonl", PACK, tmp_path / "plain", jobs=2, rules="python")
    assert plain.ok
    reference = results(tmp_path / "plain")
    assert all(recs[i]["total"] == reference[i]["total"] for i in range(600) if i not in died)


def test_a_worker_killed_from_outside_costs_one_department(tmp_path):
    documents = with_magic(docs(30, seed=7), [12])
    write_jsonl(tmp_path / "in.jsonl", documents)
    pidfile = tmp_path / "worker.pid"
    plugin = hostile_plugin(tmp_path, f"(Path({str(pidfile)!r}).write_text(str(os.getpid())), time.sleep(120))")
    proc = subprocess.Popen(
        [
            jixiao_exe(),
            "batch",
            str(tmp_path / "in.jsonl"),
            "-r",
            PACK,
            "-o",
            str(tmp_path / "out"),
            "--rules",
            "python",
            "-j",
            "1",
            "-q",
            "--plugin",
            str(plugin),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 30
    while not (pidfile.exists() and pidfile.read_text()) and time.monotonic() < deadline:
        time.sleep(0.02)
    os.kill(int(pidfile.read_text()), signal.SIGKILL)
    stdout, stderr = proc.communicate(timeout=30)
    assert proc.returncode == 1, stderr.decode()
    recs = results(tmp_path / "out")
    assert len(recs) == 30 and [r["status"] for r in recs].count("error") == 1
    assert recs[12]["problems"][0]["code"] == "BATCH_WORKER_DIED" and "SIGKILL" in recs[12]["problems"][0]["message"]


def test_a_stuck_plugin_times_out(tmp_path):
    documents = with_magic(docs(20, seed=7), [2, 9])
    documents[2]["facts"]["key_tasks_planned"], documents[9]["facts"]["key_tasks_planned"] = 3, 4
    write_jsonl(tmp_path / "in.jsonl", documents)
    plugin = hostile_plugin(
        tmp_path, 'time.sleep(1000) if ctx.facts["key_tasks_planned"] % 2 else [0 for _ in iter(int, 1)]'
    )
    started = time.monotonic()
    out = _batch(tmp_path / "in.jsonl", tmp_path / "out", "-j", "1", "--plugin", plugin, "--timeout", "0.5")
    assert out.exit_code == 1 and time.monotonic() - started < 20
    recs = by_key(tmp_path / "out")
    for i in (2, 9):
        problem = recs[documents[i]["department"]["id"]]["problems"][0]
        assert (
            problem["code"] == "BATCH_TIMEOUT" and "0.5 秒" in problem["message"] and "--timeout" in problem["message"]
        )
    assert sum(r["status"] == "scored" for r in recs.values()) == 18


@pytest.mark.parametrize("value", ["-1", "0", "abc", "100000"])
def test_bad_jobs_values_are_user_mistakes(tmp_path, value):
    write_jsonl(tmp_path / "in.jsonl", docs(1, seed=7))
    out = _batch(tmp_path / "in.jsonl", tmp_path / "out", "--jobs", value)
    assert out.exit_code == 2 and "错误 [OPTION_INVALID]" in out.stderr and "--jobs" in out.stderr
    assert not (tmp_path / "out").exists()


@pytest.mark.parametrize("option,value", [("--timeout", "0"), ("--timeout", "-3"), ("--timeout", "soon")])
def test_bad_limit_values_are_user_mistakes(tmp_path, option, value):
    write_jsonl(tmp_path / "in.jsonl", docs(1, seed=7))
    out = _batch(tmp_path / "in.jsonl", tmp_path / "out", option, value)
    assert out.exit_code == 2 and "错误 [OPTION_INVALID]" in out.stderr and option in out.stderr


def _start(tmp_path, inp, out, *extra) -> subprocess.Popen:
    return subprocess.Popen(
        [jixiao_exe(), "batch", str(inp), "-r", PACK, "-o", str(out), "--rules", "python", "-q", *map(str, extra)],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )


def _wait_for_lines(path: Path, proc: subprocess.Popen, lines: int = 1) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline and proc.poll() is None:
        if path.exists() and path.read_bytes().count(b"\n") >= lines:
            return
        time.sleep(0.01)
    raise AssertionError(
        f"no results appeared (exit {proc.poll()}): "
        f"{proc.stderr.read().decode()[-2000:] if proc.poll() is not None else ''}"
    )


@pytest.fixture(scope="module")
def uninterrupted(tmp_path_factory):
    """3,000 departments (1% invalid) and the output of a batch that was never stopped."""
    folder = tmp_path_factory.mktemp("uninterrupted")
    write_jsonl(folder / "in.jsonl", docs(3000, seed=8, invalid="0.01"))
    report = run_batch(folder / "in.jsonl", PACK, folder / "whole", jobs=2, rules="python")
    return folder / "in.jsonl", folder / "whole", report


@pytest.mark.parametrize(
    "presses,signum,code",
    [(1, signal.SIGINT, 130), (3, signal.SIGINT, 130), (1, signal.SIGTERM, 143)],
    ids=["ctrl-c", "ctrl-c-three-times", "sigterm"],
)
def test_a_signal_ends_the_batch_within_seconds_and_the_same_command_resumes(
    tmp_path, uninterrupted, presses, signum, code
):
    inp, whole_dir, whole = uninterrupted
    proc = _start(tmp_path, inp, tmp_path / "out", "-j", "2")
    _wait_for_lines(tmp_path / "out" / "results.jsonl", proc, 200)
    sent = time.monotonic()
    for _ in range(presses):
        os.killpg(proc.pid, signum) if signum == signal.SIGINT else os.kill(proc.pid, signum)
        time.sleep(0.03)
    _, stderr = proc.communicate(timeout=20)
    assert time.monotonic() - sent < 5
    assert proc.returncode == code, stderr.decode()
    text = stderr.decode()
    assert "已中断" in text and "再次运行同一命令" in text and "Traceback" not in text
    kept = (tmp_path / "out" / "results.jsonl").read_bytes()
    assert kept.endswith(b"\n") and 0 < kept.count(b"\n") < 3000
    assert (whole_dir / "results.jsonl").read_bytes().startswith(kept)
    assert not (tmp_path / "out" / "summary.json").exists()
    out = _batch(inp, tmp_path / "out", "-j", "2")
    assert out.exit_code == (0 if whole.ok else 1)
    for name in ("results.jsonl", "summary.json", "matrix.csv"):
        assert (tmp_path / "out" / name).read_bytes() == (whole_dir / name).read_bytes(), name


def test_ctrl_c_while_a_plugin_is_stuck_scoring(tmp_path):
    write_jsonl(tmp_path / "in.jsonl", with_magic(docs(400, seed=8), [250]))
    plugin = hostile_plugin(tmp_path, "time.sleep(600)")
    proc = _start(tmp_path, tmp_path / "in.jsonl", tmp_path / "out", "-j", "2", "--plugin", plugin)
    _wait_for_lines(tmp_path / "out" / "results.jsonl", proc, 200)
    time.sleep(0.3)
    sent = time.monotonic()
    os.killpg(proc.pid, signal.SIGINT)
    _, stderr = proc.communicate(timeout=20)
    assert proc.returncode == 130 and time.monotonic() - sent < 5, stderr.decode()
    assert (tmp_path / "out" / "results.jsonl").read_bytes().count(b"\n") == 250


def test_ctrl_c_while_a_plugin_hangs_at_load(tmp_path):
    write_jsonl(tmp_path / "in.jsonl", docs(3, seed=8))
    plugin = hostile_plugin(tmp_path, "pass", at_import="time.sleep(600)")
    proc = _start(tmp_path, tmp_path / "in.jsonl", tmp_path / "out", "-j", "1", "--plugin", plugin)
    time.sleep(1.5)
    sent = time.monotonic()
    os.killpg(proc.pid, signal.SIGINT)
    _, stderr = proc.communicate(timeout=20)
    assert proc.returncode == 130 and time.monotonic() - sent < 5, stderr.decode()
    assert not (tmp_path / "out" / "results.jsonl").exists()


def test_interrupted_report_from_python(tmp_path):
    write_jsonl(tmp_path / "in.jsonl", docs(30, seed=8))
    from jixiao.batch import BatchInterrupted

    def press(report):
        os.kill(os.getpid(), signal.SIGINT)

    with pytest.raises(BatchInterrupted) as info:
        run_batch(tmp_path / "in.jsonl", PACK, tmp_path / "out", jobs=1, rules="python", chunk=5, progress=press)
    assert info.value.exit_code == 130 and info.value.report.scored >= 5
    assert json.loads((tmp_path / "out" / "results.jsonl").read_bytes().splitlines()[0])["status"] == "scored"
    assert signal.getsignal(signal.SIGINT) is signal.default_int_handler
