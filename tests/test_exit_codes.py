"""The exit-code contract of README, command by command.

0 complete; 1 a result was written but something could not be scored or was refused;
2 nothing was scored because the command could not start; 3 a bug; 130 Ctrl-C. Each
row is one command with one kind of input, and the code a script may rely on.
"""

from __future__ import annotations

from pathlib import Path

import patched
import pytest
from conftest import run_cli

from jixiao import exitcodes

HERE = Path(__file__).parent
ROOT = HERE.parent
FACTS = ROOT / "examples" / "yantian-2023" / "facts.yaml"
BAD = patched.bad_facts()
BAD_PACKS = patched.bad_packs()
PY = ("--rules", "python")


def facts_with(tmp_path: Path, old: str, new: str, name: str = "facts.yaml") -> Path:
    text = FACTS.read_text(encoding="utf-8")
    assert old in text
    path = tmp_path / name
    path.write_text(text.replace(old, new), encoding="utf-8")
    return path


def test_the_codes_are_the_documented_ones():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert (exitcodes.OK, exitcodes.INCOMPLETE, exitcodes.USAGE, exitcodes.INTERNAL, exitcodes.INTERRUPTED) == (
        0,
        1,
        2,
        3,
        130,
    )
    for code in ("| 0 |", "| 1 |", "| 2 |", "| 3 |", "| 130 |"):
        assert code in readme


@pytest.mark.parametrize(
    "case,args,code",
    [
        ("complete", ("evaluate", FACTS, *PY), 0),
        ("complete json", ("evaluate", FACTS, "--format", "json", *PY), 0),
        ("one fact missing", ("evaluate", BAD / "missing_fact.yaml", *PY), 1),
        ("one value invalid", ("evaluate", BAD / "money_not_numeric.yaml", *PY), 1),
        ("a plugin blocked", ("evaluate", FACTS, "--block", "petition-handling", *PY), 1),
        ("no such file", ("evaluate", HERE / "nowhere.yaml", *PY), 2),
        ("not a facts document", ("evaluate", BAD / "no_facts_mapping.yaml", *PY), 2),
        ("YAML syntax", ("evaluate", BAD / "yaml_syntax_error.yaml", *PY), 2),
        ("unknown pack", ("evaluate", FACTS, "--rubric", "no-such-pack", *PY), 2),
        ("bad pack", ("evaluate", FACTS, "--rubric", BAD_PACKS / "band_gap", *PY), 2),
        ("unknown format", ("evaluate", FACTS, "--format", "pdf", *PY), 2),
        ("block a name that does not exist", ("evaluate", FACTS, "--block", "petition-handlng", *PY), 2),
        ("explain, complete", ("explain", FACTS, "-i", "2.4.2", *PY), 0),
        ("explain, incomplete card", ("explain", BAD / "missing_fact.yaml", "-i", "3.4.2", *PY), 1),
        ("explain, unknown indicator", ("explain", FACTS, "-i", "9.9.9", *PY), 2),
        ("compare, both complete", ("evaluate", FACTS, "--compare", "example-district-2023", *PY), 0),
        ("rubrics", ("rubrics",), 0),
        ("plugins", ("plugins",), 0),
        ("plugins, unknown block", ("plugins", "--block", "nope"), 2),
        ("rubric check, valid", ("rubric", "check", "shenzhen-yantian-2023"), 0),
        ("rubric check, invalid", ("rubric", "check", BAD_PACKS / "band_gap"), 2),
        ("rubric show, unknown", ("rubric", "show", "no-such-pack"), 2),
        ("rubric diff", ("rubric", "diff", "shenzhen-yantian-2023", "example-district-2023"), 0),
    ],
)
def test_exit_code(case, args, code):
    result = run_cli(*args)
    assert result.exit_code == code, (case, result.stdout[-500:], result.stderr[-500:])
    if code == 2:
        assert "错误 [" in result.stderr or "Error" in result.stderr or "Usage" in result.stderr


def test_unknown_fact_names_are_refused_input(tmp_path):
    """Every indicator scored, but a fact the department wrote was not read: a result with a refusal, 1."""
    path = facts_with(tmp_path, "  outsourced_staff: 16\n", "  outsourced_staff: 16\n  outsorced_staff: 16\n")
    result = run_cli("evaluate", path, *PY)
    assert result.exit_code == 1 and "FACT_UNKNOWN" in result.stdout and "94.91" in result.stdout


def test_an_inconsistent_fact_is_incomplete(tmp_path):
    path = facts_with(tmp_path, "  projects_on_time: 20\n", "  projects_on_time: 25\n")
    result = run_cli("evaluate", path, *PY)
    assert result.exit_code == 1 and "FACT_INCONSISTENT" in result.stdout


def test_compare_with_a_pack_that_cannot_score_everything(tmp_path):
    """--compare says which card is incomplete and exits 1, not 0 with nothing said."""
    pack = tmp_path / "pack"
    pack.mkdir()
    (pack / "pack.yaml").write_text(
        "id: needs-more\nextend: shenzhen-yantian-2023\ntitle: 多要一项事实\nversion: '1'\nsource: 测试\n"
        "overrides:\n  - target: 编外人员控制率\n    set: {params.value: {fact: outsourced_share}}\n"
        "    reason: 测试\n    authority: 测试\n"
        "facts:\n  outsourced_share: {kind: rate, label: 编外人员占比}\n",
        encoding="utf-8",
    )
    result = run_cli("evaluate", FACTS, "--compare", pack, *PY)
    assert result.exit_code == 1, (result.stdout, result.stderr)


@pytest.mark.parametrize("where", ["missing/sub/out.json", "facts.yaml/out.json"])
def test_an_output_path_that_cannot_be_written(tmp_path, where):
    (tmp_path / "facts.yaml").write_text("x", encoding="utf-8")
    result = run_cli("evaluate", FACTS, "--format", "json", "-o", tmp_path / where, *PY)
    assert result.exit_code == 2 and "OUTPUT_WRITE" in result.stderr and str(tmp_path / where) in result.stderr
    template = run_cli(
        "template", "--rubric", "shenzhen-yantian-2023", "-o", tmp_path / where.replace(".json", ".xlsx")
    )
    assert template.exit_code == 2 and "OUTPUT_WRITE" in template.stderr


def test_an_output_file_is_written_whole_with_ordinary_permissions(tmp_path):
    out = tmp_path / "card.json"
    assert run_cli("evaluate", FACTS, "--format", "json", "-o", out, *PY).exit_code == 0
    assert out.read_text(encoding="utf-8").startswith("{") and (out.stat().st_mode & 0o044)
    assert [p.name for p in tmp_path.iterdir()] == ["card.json"]  # no temporary file left beside it


def test_ctrl_c_is_130(monkeypatch):
    from jixiao import engine

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(engine.Engine, "evaluate", interrupted)
    result = run_cli("evaluate", FACTS, *PY)
    assert result.exit_code == 130 and "已中断" in result.stderr
