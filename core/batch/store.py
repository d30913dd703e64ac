"""Append-only results, one JSON line per department, written as soon as each chunk is done.

A batch killed part-way leaves a prefix of complete lines (and perhaps one torn line,
which is cut off on restart); run again with the same output, it skips the keys already
there, so nothing is redone or written twice.
"""
from __future__ import annotations

import json
import os
from pathlib import Path

RESULTS = "results.jsonl"


class ResultStore:
    def __init__(self, outdir: str | Path):
        self.dir = Path(outdir)
        self.dir.mkdir(parents=True, exist_ok=True)
        self.path = self.dir / RESULTS
        self._fh = None
        self._reader = None

    def load_done(self, digest=lambda key: key) -> set:
        """Keys already recorded (as ``digest(key)``); a torn last line from a killed run is removed first."""
        if not self.path.exists():
            return set()
        with self.path.open("rb+") as fh:
            data = fh.read()
            end = data.rfind(b"\n") + 1
            if end != len(data):
                fh.truncate(end)
        done = set()
        with self.path.open(encoding="utf-8") as fh:
            for line in fh:
                done.add(digest(json.loads(line)["key"]))
        return done

    def append(self, lines: list[str]) -> None:
        if self._fh is None:
            self._fh = self.path.open("a", encoding="utf-8")
        self._fh.write("".join(line + "\n" for line in lines))
        self._fh.flush()
        os.fsync(self._fh.fileno())

    def close(self) -> None:
        for name in ("_fh", "_reader"):
            fh = getattr(self, name)
            if fh is not None:
                fh.close()
                setattr(self, name, None)

    def records(self):
        with self.path.open(encoding="utf-8") as fh:
            for line in fh:
                yield json.loads(line)

    def records_at(self):
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
