"""The output folder: append-only results, one JSON line per department, and the files beside them.

Results are appended in input order and synced to disk chunk by chunk, so a batch
killed part-way leaves a prefix of complete lines, perhaps with one torn line after
them; the next run cuts that line and carries on (see ``resume``). The summary files are
written beside the results under a temporary name and renamed into place, so a kill
leaves either the old file or the new one. An output folder that cannot be used (it is
a file, it lies below a file, the disk is read-only) is refused before any work.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO, TextIO

from .. import errors
from ..errors import JixiaoError, Problem
from ..output import os_reason
from .provenance import PROVENANCE_FILE, RunProvenance

RESULTS = "results.jsonl"
PREVIOUS = "results.previous.jsonl"
DAMAGED = "results.damaged.jsonl"
SUMMARY_FILES = ("summary.json", "summary.xlsx", "matrix.csv")
LOCK = ".jixiao-batch.lock"
MAX_LINE = 256 * 1024 * 1024  # a result line longer than this is not one jixiao wrote


def output_error(message: str, outdir: Path) -> JixiaoError:
    return JixiaoError(Problem(errors.OUTPUT_WRITE, message, field="--output", value=str(outdir)))


def prepare(outdir: str | Path) -> Path:
    """The output folder, created if missing and proven writable; OUTPUT_WRITE when it cannot be used."""
    p = Path(outdir)
    if p.exists() and not p.is_dir():
        raise output_error(f"输出路径 {p} 是一个文件，不是目录：请用 -o 指定一个目录（不存在时会自动创建）", p)
    try:
        p.mkdir(parents=True, exist_ok=True)
    except (FileExistsError, NotADirectoryError):
        blocker = next((a for a in [p, *p.parents] if a.exists() and not a.is_dir()), p.parent)
        raise output_error(f"无法创建输出目录 {p}：上级路径 {blocker} 是一个文件；请换一个 -o 目录", p) from None
    except OSError as exc:
        raise output_error(f"无法创建输出目录 {p}：{os_reason(exc)}；请换一个可写的 -o 目录", p) from None
    probe = p / f".jixiao-write-test-{os.getpid()}"
    try:
        fd = os.open(probe, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
        os.close(fd)
        os.unlink(probe)
    except OSError as exc:
        raise output_error(f"输出目录 {p} 无法写入：{os_reason(exc)}；请换一个可写的 -o 目录", p) from None
    results = p / RESULTS
    if results.exists() and (not results.is_file() or not os.access(results, os.R_OK | os.W_OK)):
        raise output_error(f"{results} 无法读写（是目录，或没有权限）：请修正或换一个 -o 目录", p)
    return p


def _lock(folder: Path) -> TextIO | None:
    """An exclusive lock on the output folder for the life of the batch: two batches appending to
    one results.jsonl would interleave."""
    try:
        import fcntl
    except ImportError:  # not POSIX: no lock
        return None
    fh = (folder / LOCK).open("a+", encoding="utf-8")
    try:
        fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        fh.seek(0)
        holder = fh.read().strip() or "?"
        fh.close()
        raise output_error(
            f"输出目录 {folder} 正被另一个 jixiao batch（进程 {holder}）使用：同一目录不能同时运行两个批量计分；"
            "请等它结束，或换一个 -o 目录",
            folder,
        ) from None
    fh.seek(0)
    fh.truncate()
    fh.write(str(os.getpid()))
    fh.flush()
    return fh


class ResultStore:
    """The output folder of one batch, locked while the batch runs (``with ResultStore(out) as store``)."""

    def __init__(self, outdir: str | Path):
        self.dir = prepare(outdir)
        self.path = self.dir / RESULTS
        self._fh: BinaryIO | None = None
        self._reader: BinaryIO | None = None
        self._lock: TextIO | None = None
        self.broken = False

    def __enter__(self) -> ResultStore:
        self._lock = _lock(self.dir)
        return self

    def __exit__(self, *exc) -> None:
        self.close()
        if self._lock is not None:
            self._lock.close()
            self._lock = None

    def start_over(self) -> None:
        """``--fresh``: the old results are kept as results.previous.jsonl, the files made from them removed."""
        try:
            if self.path.exists():
                os.replace(self.path, self.dir / PREVIOUS)
            self._remove_derived()
        except OSError as exc:
            raise output_error(f"无法把 {self.path} 改名为 {PREVIOUS}：{os_reason(exc)}", self.dir) from None

    def begin(self, run: RunProvenance) -> None:
        """Before the first new line: the summary no longer describes the results, the provenance is this run's."""
        try:
            for name in SUMMARY_FILES:
                (self.dir / name).unlink(missing_ok=True)
            self.replace_text(PROVENANCE_FILE, run.file_text())
        except OSError as exc:
            raise self._write_error(exc) from None

    def _remove_derived(self) -> None:
        for name in SUMMARY_FILES + (PROVENANCE_FILE,):
            (self.dir / name).unlink(missing_ok=True)

    def append(self, lines: list[bytes]) -> None:
        if self.broken or not lines:
            return
        try:
            if self._fh is None:
                self._fh = self.path.open("ab")
            self._fh.write(b"".join(line + b"\n" for line in lines))
            self._fh.flush()
            os.fsync(self._fh.fileno())
        except OSError as exc:
            self.broken = True  # never write after a partial write: the next run cuts the torn line
            raise self._write_error(exc) from None

    def _write_error(self, exc: OSError) -> JixiaoError:
        return output_error(
            f"写入 {self.path} 失败：{os_reason(exc)}。已写入的结果保留；处理后再次运行同一命令即可续跑", self.dir
        )

    def cut(self, offset: int, keep_tail: bool) -> int:
        """Truncate the results at ``offset``; with ``keep_tail`` the cut bytes are appended to
        results.damaged.jsonl. Returns their size."""
        self.close()
        with self.path.open("rb+") as fh:
            fh.seek(offset)
            size = os.fstat(fh.fileno()).st_size - offset
            if keep_tail and size:
                with (self.dir / DAMAGED).open("ab") as out:
                    while block := fh.read(1 << 20):
                        out.write(block)
                    out.flush()
                    os.fsync(out.fileno())
            fh.truncate(offset)
            fh.flush()
            os.fsync(fh.fileno())
        return size

    def replace_text(self, name: str, text: str) -> None:
        tmp = self.dir / (name + ".tmp")
        with tmp.open("w", encoding="utf-8") as fh:
            fh.write(text)
            fh.flush()
            os.fsync(fh.fileno())
        os.replace(tmp, self.dir / name)

    def close(self) -> None:
        for name in ("_fh", "_reader"):
            fh = getattr(self, name)
            if fh is not None:
                try:
                    fh.close()
                except OSError:
                    pass
                setattr(self, name, None)

    def records(self) -> Iterator[dict]:
        with self.path.open("rb") as fh:
            for line in fh:
                yield json.loads(line)

    def records_at(self) -> Iterator[tuple[int, dict]]:
        """(byte offset, record) for each line, so a record can be read again without keeping it."""
        offset = 0
        with self.path.open("rb") as fh:
            for line in fh:
                yield offset, json.loads(line)
                offset += len(line)

    def read_at(self, offset: int) -> dict:
        if self._reader is None:
            self._reader = self.path.open("rb")
        self._reader.seek(offset)
        return json.loads(self._reader.readline())
