"""write_output: an -o file in a missing folder is written; below a file, onto a read-only disk or
onto a folder it is an OUTPUT_PATH user mistake naming the path (for `template -o` and
`evaluate -o`, which still write with Path.write_bytes in core/cli.py: exit 3 there today)."""
from __future__ import annotations

import errno
import os

import pytest

from jixiao.errors import JixiaoError
from jixiao.office.files import write_output


def test_a_missing_folder_is_created(tmp_path):
    target = write_output(tmp_path / "a" / "b" / "t.xlsx", b"PK")
    assert target.read_bytes() == b"PK" and not list((tmp_path / "a" / "b").glob(".*.tmp"))
    assert write_output(tmp_path / "t.md", "评分").read_text(encoding="utf-8") == "评分"


def test_below_a_file_onto_a_folder_or_read_only(tmp_path, monkeypatch):
    (tmp_path / "file").write_text("x", encoding="utf-8")
    with pytest.raises(JixiaoError) as info:
        write_output(tmp_path / "file" / "t.xlsx", b"PK")
    assert info.value.code == "OUTPUT_PATH" and f"上级路径 {tmp_path / 'file'} 是一个文件" in str(info.value)
    (tmp_path / "folder").mkdir()
    with pytest.raises(JixiaoError) as info:
        write_output(tmp_path / "folder", b"PK")
    assert "这是一个目录" in str(info.value)

    def read_only(self, data):
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr("pathlib.Path.write_bytes", read_only)
    with pytest.raises(JixiaoError) as info:
        write_output(tmp_path / "ro.xlsx", b"PK")
    assert "磁盘是只读的" in str(info.value) and not (tmp_path / "ro.xlsx").exists()
