"""Control characters from other people's files never reach the reader's terminal or a text report.

A text fact, an unknown fact name or a department's name can carry ``ESC [ 2 J`` (clear the
screen), ``ESC ] 0 ; … BEL`` (retitle the window), an 8-bit CSI (U+009B) or a carriage
return. The CLI is run as a terminal would receive it (``color=True``: click strips
nothing), and every format must come out without them, JSON keeping the value escaped.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from batchkit import jixiao_exe, results
from click.testing import CliRunner
from hypothesis import given
from hypothesis import strategies as st

from jixiao import Engine, JixiaoError
from jixiao.cli import main
from jixiao.controls import harmless, harmless_json
from jixiao.yamlio import load_path

ROOT = Path(__file__).parent.parent
FACTS = ROOT / "examples" / "yantian-2023" / "facts.yaml"
HOSTILE = "原因\x1b[2J\x1b]0;标题\x07闪\x9b31m\r\n第二行\rX\x7f"
UNSAFE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")  # what a terminal acts on; tab and newline are text


def _runner() -> CliRunner:
    try:
        return CliRunner(mix_stderr=False)  # type: ignore[call-arg]
    except TypeError:
        return CliRunner()


def _facts(tmp_path: Path, **department) -> Path:
    doc = load_path(FACTS)
    doc["facts"]["effectiveness_reason"] = HOSTILE
    doc["facts"]["\x1b[31m未知事实"] = 1
    doc["department"].update(department)
    path = tmp_path / "facts.json"
    path.write_text(json.dumps(doc, ensure_ascii=False, default=str), encoding="utf-8")
    return path


@given(st.text())
def test_harmless_leaves_only_text(text: str) -> None:
    shown = harmless(text)
    assert UNSAFE.search(shown) is None
    if UNSAFE.search(text) is None:
        assert shown == text


@given(st.text())
def test_harmless_json_keeps_the_value(text: str) -> None:
    written = harmless_json(json.dumps({"v": text}, ensure_ascii=False))
    assert UNSAFE.search(written) is None
    assert json.loads(written) == {"v": text}


def test_windows_line_ends_stay_line_ends() -> None:
    assert harmless("一\r\n二\r三\t四") == "一\n二\ufffd三\t四"


@pytest.mark.parametrize("fmt", ["table", "json", "markdown", "html"])
def test_evaluate_prints_no_control_characters(tmp_path: Path, fmt: str) -> None:
    result = _runner().invoke(main, ["evaluate", str(_facts(tmp_path)), "--format", fmt], color=True)
    assert result.exit_code == 1, result.output  # the unknown fact name: scored, with a warning
    assert UNSAFE.search(result.stdout) is None
    assert UNSAFE.search(result.stderr) is None
    if fmt == "json":
        shown = {i["name"]: i["value"] for leaf in _leaves(json.loads(result.stdout)) for i in leaf.get("inputs", [])}
        assert shown["effectiveness_reason"] == HOSTILE  # the value itself, escaped
    if fmt == "table":
        assert "\ufffd[31m未知事实" in result.stdout


def test_a_report_file_is_as_harmless_as_the_screen(tmp_path: Path) -> None:
    out = tmp_path / "report.md"
    result = _runner().invoke(
        main, ["evaluate", str(_facts(tmp_path)), "--format", "markdown", "-o", str(out)], color=True
    )
    assert result.exit_code == 1
    assert UNSAFE.search(out.read_text(encoding="utf-8")) is None


def test_explain_prints_the_reason_without_its_controls(tmp_path: Path) -> None:
    result = _runner().invoke(main, ["explain", str(_facts(tmp_path)), "-i", "3.3.1"], color=True)
    assert UNSAFE.search(result.stdout) is None
    assert "原因\ufffd[2J\ufffd]0;标题\ufffd闪\ufffd31m\n第二行\ufffdX\ufffd" in result.stdout


@pytest.mark.parametrize("key", ["id", "name"])
@pytest.mark.parametrize("value", ["a\x1b[2Jb", "第一行\n总计得分：100", "a\tb", "a\x9bb", "a\x00b"])
def test_a_department_id_or_name_with_a_control_character_is_refused(tmp_path: Path, key: str, value: str) -> None:
    path = _facts(tmp_path, **{key: value})
    result = _runner().invoke(main, ["evaluate", str(path)], color=True)
    assert result.exit_code == 2
    assert f"[FACTS_FORMAT] {path}：department.{key} 的第" in result.stderr
    assert UNSAFE.search(result.stderr) is None  # the character is named, as Python writes it
    with pytest.raises(JixiaoError) as refused:
        Engine.from_rubric("shenzhen-yantian-2023").evaluate(load_path(path))
    assert refused.value.problems[0].field == f"department.{key}"


def test_a_batch_refuses_that_department_alone(tmp_path: Path) -> None:
    import subprocess

    table = tmp_path / "district.csv"
    table.write_text(
        'department_id,department_name\r\nd1,第一个部门\r\nd2,"有\x1b]0;x\x07控制符"\r\nd3,第三个部门\r\n',
        encoding="utf-8",
    )
    done = subprocess.run(
        [jixiao_exe(), "batch", str(table), "-r", "shenzhen-yantian-2023", "-o", str(tmp_path / "out"), "-j", "1"],
        capture_output=True,
        text=True,
    )
    assert done.returncode == 1
    lines = results(tmp_path / "out")
    assert [(line["key"], line["status"]) for line in lines] == [
        ("d1", "incomplete"),
        ("d2", "error"),
        ("d3", "incomplete"),
    ]
    assert lines[1]["problems"][0]["code"] == "FACTS_FORMAT"
    assert UNSAFE.search(done.stdout + done.stderr) is None


def _leaves(node: dict):
    for child in node.get("indicators", node.get("children", [])):
        yield from _leaves(child) if "children" in child else [child]
