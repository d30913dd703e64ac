"""write_output: below a file, into a missing folder, onto a folder or a read-only disk it is an
OUTPUT_WRITE user mistake naming the path and the reason, and nothing is left behind."""

from __future__ import annotations

import errno

import pytest

from jixiao.errors import JixiaoError
from jixiao.output import write_output


def test_a_file_is_written_whole(tmp_path):
    assert write_output(tmp_path / "t.md", "评分").read_text(encoding="utf-8") == "评分"
    assert write_output(tmp_path / "t.xlsx", b"PK").read_bytes() == b"PK"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.md", "t.xlsx"]


def test_below_a_file_into_a_missing_folder_onto_a_folder_or_read_only(tmp_path, monkeypatch):
    (tmp_path / "file").write_text("x", encoding="utf-8")
    with pytest.raises(JixiaoError) as info:
        write_output(tmp_path / "file" / "t.xlsx", b"PK")
    assert info.value.code == "OUTPUT_WRITE" and f"上级路径 {tmp_path / 'file'} 是一个文件" in str(info.value)
    with pytest.raises(JixiaoError) as info:
        write_output(tmp_path / "missing" / "t.xlsx", b"PK")
    assert "所在文件夹不存在" in str(info.value) and not (tmp_path / "missing").exists()
    (tmp_path / "folder").mkdir()
    with pytest.raises(JixiaoError) as info:
        write_output(tmp_path / "folder", b"PK")
    assert "这是一个文件夹" in str(info.value)

    def read_only(*args, **kwargs):
        raise OSError(errno.EROFS, "Read-only file system")

    monkeypatch.setattr("os.replace", read_only)
    with pytest.raises(JixiaoError) as info:
        write_output(tmp_path / "ro.xlsx", b"PK")
    assert "磁盘是只读的" in str(info.value) and not (tmp_path / "ro.xlsx").exists()
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]
