"""Errors carry where they are as data (file, line, node path); the rubric tools read that, never the message."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from conftest import run_cli

from jixiao import Engine, JixiaoError

ROOT = Path(__file__).resolve().parent.parent
BASE = ROOT / "rubrics" / "shenzhen-yantian-2023"


def copy_pack(tmp_path: Path, old: str, new: str) -> Path:
    folder = tmp_path / "pack"
    shutil.copytree(BASE, folder)
    text = (folder / "pack.yaml").read_text(encoding="utf-8")
    assert text.count(old) == 1
    (folder / "pack.yaml").write_text(text.replace(old, new), encoding="utf-8")
    return folder


def line_of(path: Path, needle: str) -> int:
    return next(i for i, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if needle in line)


def test_a_bad_parameter_inside_a_part_is_located_as_data(tmp_path):
    folder = copy_pack(tmp_path, "counting: pro_rata", "counting: per_mille")
    try:
        Engine.from_rubric(folder)
    except JixiaoError as exc:
        problem = exc.problems[0]
    assert problem.code == "PACK_PARAMS" and problem.file == str(folder / "pack.yaml")
    assert problem.line == line_of(folder / "pack.yaml", "counting: per_mille")
    assert problem.node[-4:] == ("params", "parts", 1, "counting") and problem.node[0] == "indicators"
    report = json.loads(run_cli("rubric", "check", folder, "--format", "json").stdout)
    error = report["errors"][0]
    assert (error["file"], error["line"], error["node"][-4:]) == (
        str(folder / "pack.yaml"),
        problem.line,
        ["params", "parts", 1, "counting"],
    )


def test_a_value_an_override_wrote_points_at_the_override(tmp_path):
    (tmp_path / "pack.yaml").write_text(
        "id: bad-district\nextend: shenzhen-yantian-2023\ntitle: 坏覆盖\nversion: '1'\nsource: 测试\noverrides:\n"
        "  - target: 财务合规性\n    set: {params.parts.1.counting: per_mille}\n"
        "    reason: 测试\n    authority: 测试\n",
        encoding="utf-8",
    )
    report = json.loads(run_cli("rubric", "check", tmp_path, "--format", "json").stdout)
    error = report["errors"][0]
    assert error["file"] == str(tmp_path / "pack.yaml") and error["line"] == 8
    assert (
        error["node"][:2] == ["overrides", 0]
        and "所覆盖的原指标" in error["message"]
        and str(BASE / "pack.yaml") in error["message"]
    )


def test_a_yaml_syntax_error_has_its_line_as_data(tmp_path):
    folder = copy_pack(tmp_path, "  score: {places: 2, mode: truncate}", "  score: {places: 2, mode: truncate")
    try:
        Engine.from_rubric(folder)
    except JixiaoError as exc:
        problem = exc.problems[0]
    assert (
        problem.code == "PACK_FILE"
        and problem.line is not None
        and problem.location == f"{folder / 'pack.yaml'}:{problem.line}"
    )
