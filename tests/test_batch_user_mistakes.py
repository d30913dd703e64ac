"""User mistakes get the contract's exit code (2) and a Chinese message naming what to fix,
never "内部错误" (issue: header cell overwritten, -o below a file or on a read-only disk,
and what a careful tester adds: -o is a file, results.jsonl is a folder, the disk fills up).
"""

from __future__ import annotations

import errno
import os

import pytest
from batchkit import PACK, by_key, docs, results, write_jsonl
from conftest import run_cli
from openpyxl import load_workbook

from jixiao import Engine
from jixiao.batch import store as store_module
from jixiao.office.template import template_workbook


def _batch(inp, out, *extra):
    return run_cli("batch", inp, "-r", PACK, "-o", out, "--rules", "python", "-j", "1", "-q", *extra)


@pytest.fixture
def small_input(tmp_path):
    return write_jsonl(tmp_path / "in.jsonl", docs(3, seed=13))


def test_output_is_a_file(tmp_path, small_input):
    (tmp_path / "out").write_text("x", encoding="utf-8")
    out = _batch(small_input, tmp_path / "out")
    assert out.exit_code == 2 and "错误 [OUTPUT_WRITE]" in out.stderr and "是一个文件，不是目录" in out.stderr


def test_output_below_a_file(tmp_path, small_input):
    (tmp_path / "file").write_text("x", encoding="utf-8")
    out = _batch(small_input, tmp_path / "file" / "sub" / "out")
    assert (
        out.exit_code == 2
        and "[OUTPUT_WRITE]" in out.stderr
        and f"上级路径 {tmp_path / 'file'} 是一个文件" in out.stderr
    )


def test_output_in_a_missing_folder_is_created(tmp_path, small_input):
    out = _batch(small_input, tmp_path / "a" / "b" / "c")
    assert out.exit_code == 0, out.stderr
    assert len(results(tmp_path / "a" / "b" / "c")) == 3


def test_output_on_a_read_only_disk(tmp_path, small_input, monkeypatch):
    real_open, target = os.open, str(tmp_path / "ro")
    (tmp_path / "ro").mkdir()

    def read_only(path, *args, **kwargs):
        if str(path).startswith(target):
            raise OSError(errno.EROFS, "Read-only file system", str(path))
        return real_open(path, *args, **kwargs)

    monkeypatch.setattr(os, "open", read_only)
    out = _batch(small_input, tmp_path / "ro")
    assert out.exit_code == 2 and "[OUTPUT_WRITE]" in out.stderr and "只读" in out.stderr and "-o" in out.stderr


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes through file permissions")
def test_output_without_write_permission(tmp_path, small_input):
    (tmp_path / "locked").mkdir()
    os.chmod(tmp_path / "locked", 0o555)
    try:
        out = _batch(small_input, tmp_path / "locked")
    finally:
        os.chmod(tmp_path / "locked", 0o755)
    assert out.exit_code == 2 and "[OUTPUT_WRITE]" in out.stderr and "没有写入权限" in out.stderr


def test_results_file_is_a_folder(tmp_path, small_input):
    (tmp_path / "out" / "results.jsonl").mkdir(parents=True)
    out = _batch(small_input, tmp_path / "out")
    assert out.exit_code == 2 and "[OUTPUT_WRITE]" in out.stderr and "results.jsonl" in out.stderr


class _DiskFillsUp:
    """``os`` for the store module: the second sync of results.jsonl finds the disk full."""

    def __init__(self):
        self.syncs = 0

    def __getattr__(self, name):
        return getattr(os, name)

    def fsync(self, fd):
        self.syncs += 1
        if self.syncs == 3:  # provenance.json, the first chunk, then this
            raise OSError(errno.ENOSPC, "No space left on device")
        return os.fsync(fd)


def test_a_disk_that_fills_up_keeps_what_was_written_and_says_how_to_go_on(tmp_path, monkeypatch):
    write_jsonl(tmp_path / "in.jsonl", docs(450, seed=13))
    monkeypatch.setattr(store_module, "os", _DiskFillsUp())
    out = run_cli(
        "batch",
        tmp_path / "in.jsonl",
        "-r",
        PACK,
        "-o",
        tmp_path / "out",
        "--rules",
        "python",
        "-j",
        "1",
        "-q",
        "--fresh",
    )
    assert (
        out.exit_code == 2
        and "[OUTPUT_WRITE]" in out.stderr
        and "磁盘空间已满" in out.stderr
        and "再次运行同一命令" in out.stderr
    )
    monkeypatch.undo()
    again = _batch(tmp_path / "in.jsonl", tmp_path / "out")
    assert again.exit_code == 0, again.stderr
    assert [r["key"] for r in results(tmp_path / "out")] == [d["department"]["id"] for d in docs(450, seed=13)]


def test_template_header_cell_overwritten_in_a_batch_folder_is_one_error_line(tmp_path, reference_doc):
    (tmp_path / "in").mkdir()
    path = tmp_path / "in" / "bad.xlsx"
    path.write_bytes(template_workbook(Engine.from_rubric(PACK, rules="python"), reference_doc))
    wb = load_workbook(path)
    wb["事实"]["B6"] = None
    wb.save(path)
    out = _batch(tmp_path / "in", tmp_path / "out")
    assert out.exit_code == 1
    problem = by_key(tmp_path / "out")["file:bad.xlsx"]["problems"][0]
    assert problem["code"] == "FACTS_FORMAT" and "B6" in problem["message"]


def test_two_batches_into_one_folder_at_once(tmp_path):
    import subprocess
    import time

    from batchkit import hostile_plugin, jixiao_exe, with_magic

    write_jsonl(tmp_path / "in.jsonl", with_magic(docs(5, seed=13), [0]))
    plugin = hostile_plugin(tmp_path, "time.sleep(600)")
    first = subprocess.Popen(
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
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 30
        while not (tmp_path / "out" / "provenance.json").exists() and time.monotonic() < deadline:
            time.sleep(0.02)
        out = _batch(tmp_path / "in.jsonl", tmp_path / "out", "--plugin", plugin)
        assert out.exit_code == 2 and "[OUTPUT_WRITE]" in out.stderr and f"进程 {first.pid}" in out.stderr
    finally:
        first.kill()
        first.wait()
    time.sleep(0.2)  # its worker dies with it, and the lock with both
    out = _batch(tmp_path / "in.jsonl", tmp_path / "out")
    assert out.exit_code == 0, out.stderr
