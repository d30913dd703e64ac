"""The ``jixiao`` command, driven in-process: outputs, exit codes, and user mistakes reported as
``错误 [CODE] …`` on stderr with exit 2 — never a traceback."""

from __future__ import annotations

import json
from decimal import Decimal
from pathlib import Path

import patched
import pytest
from click.testing import CliRunner

from jixiao import Engine, JixiaoError
from jixiao.cli import main
from jixiao.yamlio import load_path

HERE = Path(__file__).parent
ROOT = HERE.parent
FACTS = str(ROOT / "examples" / "yantian-2023" / "facts.yaml")
BAD_FACTS = patched.bad_facts()
BAD_PACKS = sorted(p.parent for p in patched.bad_packs().glob("*/pack.yaml"))
GOLDEN = load_path(HERE / "golden" / "yantian-2023.yaml")
GOLDEN_SCORES = {name: Decimal(v) for name, v in GOLDEN["scores"].items()}
PY = ["--rules", "python"]


def make_runner() -> CliRunner:
    """stdout and stderr apart: ``mix_stderr=False`` before click 8.2, always so from 8.2 on."""
    try:
        return CliRunner(mix_stderr=False)  # type: ignore[call-arg]
    except TypeError:
        return CliRunner()


def run(*args: str):
    return make_runner().invoke(main, list(args))


def assert_no_traceback(result) -> None:
    assert "Traceback" not in result.stdout and "Traceback" not in result.stderr
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(result.exception)


def assert_user_error(result, code: str) -> None:
    assert result.exit_code == 2, (result.exit_code, result.stdout, result.stderr)
    assert_no_traceback(result)
    assert "错误 [" in result.stderr
    assert f"错误 [{code}]" in result.stderr, result.stderr
    assert result.stdout == ""


# --- evaluate -------------------------------------------------------------------------------


def test_evaluate_prints_the_table():
    result = run("evaluate", FACTS, *PY)
    assert result.exit_code == 0, result.stderr
    assert_no_traceback(result)
    out = result.stdout
    assert "94.91" in out and "优" in out
    assert "总计得分：94.91    等级：优" in out
    for name in GOLDEN_SCORES:
        assert name in out, name
    assert result.stderr == ""


def test_evaluate_with_the_default_rules_backend():
    """No --rules: ``auto`` must score with whatever backend is available, never crash."""
    result = run("evaluate", FACTS)
    assert_no_traceback(result)
    assert result.exit_code == 0, (result.exit_code, result.stderr)
    assert "总计得分：94.91    等级：优" in result.stdout


def test_evaluate_json():
    result = run("evaluate", FACTS, "--format", "json", *PY)
    assert result.exit_code == 0, result.stderr
    card = json.loads(result.stdout)  # the whole of stdout is one JSON object
    assert isinstance(card, dict)
    assert card["total"] == "94.91" and card["grade"] == "优" and card["complete"] is True
    assert card["rubric"]["id"] == "shenzhen-yantian-2023"
    assert len(card["indicators"]) == 21
    for row in card["indicators"]:
        assert {"code", "name", "weight", "score", "status"} <= set(row)
        assert isinstance(row["weight"], str) and isinstance(row["score"], str), row  # numbers as strings
        assert row["status"] == "scored"
        assert Decimal(row["score"]) == GOLDEN_SCORES[row["name"]], row["name"]
    assert [r["name"] for r in card["indicators"]] == list(GOLDEN_SCORES)
    assert all(isinstance(n["score"], str) and isinstance(n["weight"], str) for n in card["nodes"])
    assert card["fact_problems"] == []


def test_evaluate_json_to_a_file(tmp_path):
    out = tmp_path / "card.json"
    result = run("evaluate", FACTS, "--format", "json", "--output", str(out), *PY)
    assert result.exit_code == 0 and result.stdout == ""
    assert json.loads(out.read_text(encoding="utf-8"))["total"] == "94.91"


def test_evaluate_markdown():
    result = run("evaluate", FACTS, "--format", "markdown", *PY)
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "# 盐田区部门整体支出绩效评价指标体系（2023年度）"
    assert "- 总计得分：**94.91**，等级：**优**" in lines
    header = "| 一级指标 | 分值 | 二级指标 | 分值 | 三级指标 | 分值 | 指标说明 | 参考评分标准 | 得分 |"
    start = lines.index(header)
    rows = [line for line in lines[start + 2 :] if line.startswith("| ") and "总计得分" not in line]
    assert len(rows) == 21
    for row, (name, score) in zip(rows, GOLDEN_SCORES.items()):
        cells = [c.strip() for c in row.strip("|").split(" | ")]
        assert cells[4] == name and Decimal(cells[-1]) == score, row
    assert "| **总计得分** | 100 | | | | | | | **94.91** |" in lines
    assert "## 扣分说明" in lines


def test_missing_fact_exits_1_and_says_incomplete():
    result = run("evaluate", str(BAD_FACTS / "missing_fact.yaml"), *PY)
    assert result.exit_code == 1, result.stderr
    assert_no_traceback(result)
    out = result.stdout
    row = next(line for line in out.splitlines() if "公众或服务对象满意度" in line and "无法评价" in line)
    assert row.rstrip().endswith("无法评价")
    assert "总计得分：88.91    等级：—" in out
    assert "评分不完整" in out
    assert "[FACT_MISSING]" in out and "satisfaction_rate" in out


def test_missing_fact_json_marks_incomplete():
    result = run("evaluate", str(BAD_FACTS / "missing_fact.yaml"), "--format", "json", *PY)
    assert result.exit_code == 1
    card = json.loads(result.stdout)
    assert card["complete"] is False and card["grade"] is None and card["total"] == "88.91"
    row = next(r for r in card["indicators"] if r["name"] == "公众或服务对象满意度")
    assert row["score"] is None and row["status"] == "not_evaluable"
    assert row["problems"][0]["code"] == "FACT_MISSING"


def test_missing_fact_markdown_marks_incomplete():
    result = run("evaluate", str(BAD_FACTS / "missing_fact.yaml"), "--format", "markdown", *PY)
    assert result.exit_code == 1
    assert "（评分不完整）" in result.stdout and "| 无法评价 |" in result.stdout


INCOMPLETE_FILES = sorted(
    p.name
    for p in BAD_FACTS.glob("*.yaml")
    if p.name
    not in {"no_facts_mapping.yaml", "facts_is_list.yaml", "missing_department_id.yaml", "yaml_syntax_error.yaml"}
)


@pytest.mark.parametrize("name", INCOMPLETE_FILES)
def test_bad_fact_exits_1_with_the_problem_listed(name):
    result = run("evaluate", str(BAD_FACTS / name), *PY)
    assert result.exit_code == 1, (result.exit_code, result.stderr)
    assert_no_traceback(result)
    assert "评分不完整" in result.stdout and "等级：—" in result.stdout
    assert "[FACT_" in result.stdout


@pytest.mark.parametrize(
    "name,code",
    [
        ("no_facts_mapping.yaml", "FACTS_FORMAT"),
        ("facts_is_list.yaml", "FACTS_FORMAT"),
        ("missing_department_id.yaml", "FACTS_FORMAT"),
        ("yaml_syntax_error.yaml", "FACTS_FORMAT"),
        ("does_not_exist.yaml", "FACTS_FILE"),
    ],
)
@pytest.mark.parametrize("command", ["evaluate", "explain"])
def test_bad_facts_document_exits_2(name, code, command):
    args = [command, str(BAD_FACTS / name), *PY] + (["-i", "2.4.2"] if command == "explain" else [])
    result = run(*args)
    assert_user_error(result, code)
    assert name in result.stderr


def test_facts_without_rubric_and_no_option(tmp_path):
    doc = load_path(Path(FACTS))
    del doc["rubric"]
    path = tmp_path / "facts.json"
    path.write_text(json.dumps(doc, ensure_ascii=False, default=str), encoding="utf-8")
    assert_user_error(run("evaluate", str(path), *PY), "PACK_NOT_FOUND")
    result = run("evaluate", str(path), "--rubric", "shenzhen-yantian-2023", *PY)
    assert result.exit_code == 0 and "94.91" in result.stdout


# --- explain --------------------------------------------------------------------------------


def test_explain_by_name():
    result = run("explain", FACTS, "-i", "编外人员控制率", *PY)
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert out.startswith("2.4.2 编外人员控制率")
    assert "30.2%" in out
    assert "编外人员控制率>10%，得0分" in out  # the reason of the deduction
    assert (
        "存在问题：编外人员控制率为30.2%（编外人员数（含劳务派遣）16人÷（在编人数（含工勤人员）37人+编外人员数（含劳务派遣）16人））"
        in out
    )
    assert "得分：0" in out


def test_explain_by_code_is_the_same():
    by_name = run("explain", FACTS, "-i", "编外人员控制率", *PY)
    by_code = run("explain", FACTS, "--indicator", "2.4.2", *PY)
    assert by_code.exit_code == 0 and by_code.stdout == by_name.stdout


def test_explain_unknown_indicator():
    result = run("explain", FACTS, "-i", "编外人员比率", *PY)
    assert_user_error(result, "INDICATOR_UNKNOWN")
    assert "编外人员比率" in result.stderr and "2.4.2 编外人员控制率" in result.stderr


def test_explain_a_not_evaluable_indicator():
    result = run("explain", str(BAD_FACTS / "missing_fact.yaml"), "-i", "3.4.2", *PY)
    assert result.exit_code == 1  # the explanation is written; the scorecard is incomplete
    assert "状态：无法评价" in result.stdout and "[FACT_MISSING]" in result.stdout


# --- rubrics, plugins -----------------------------------------------------------------------


def test_rubrics_lists_the_reference_pack():
    result = run("rubrics")
    assert result.exit_code == 0
    line = next(line for line in result.stdout.splitlines() if line.startswith("shenzhen-yantian-2023\t"))
    assert "1.0.0" in line and "深圳市盐田区" in line and "2023" in line


def test_plugins_lists_outsourced_staff_rate_and_its_origin():
    result = run("plugins")
    assert result.exit_code == 0
    line = next(line for line in result.stdout.splitlines() if line.startswith("outsourced-staff-rate\t"))
    name, title, kind, origin = line.split("\t")[:4]
    assert title == "编外人员控制率" and kind == "bands"
    assert "入口点" in origin and "jixiao.plugins.department:outsourced_staff_rate" in origin


def test_plugins_with_a_pack_that_does_not_exist():
    assert_user_error(run("plugins", "--rubric", "no-such-rubric-2099"), "PACK_NOT_FOUND")


# --- audit log ------------------------------------------------------------------------------


def test_log_json_emits_one_line_per_indicator():
    result = run("--log-json", "evaluate", FACTS, *PY)
    assert result.exit_code == 0
    assert "94.91" in result.stdout  # the table still goes to stdout
    events = [json.loads(line) for line in result.stderr.splitlines() if line.strip()]
    scored = [e for e in events if e["event"] == "indicator_scored"]
    assert len(scored) == 21
    for e in scored:
        assert {"pack", "department", "indicator", "score"} <= set(e)
        assert e["pack"] == "shenzhen-yantian-2023" and e["department"] == "yantian-qwb"
        assert Decimal(e["score"]) == GOLDEN_SCORES[e["name"]]
    assert [e["indicator"] for e in scored] == [
        leaf.code for leaf in Engine.from_rubric("shenzhen-yantian-2023", rules="python").pack.leaves()
    ]
    built = [e for e in events if e["event"] == "scorecard_built"]
    assert len(built) == 1 and built[0]["total"] == "94.91" and built[0]["grade"] == "优"
    assert len(events) == 22


def test_without_log_json_stderr_is_quiet():
    result = run("evaluate", FACTS, *PY)
    assert result.stderr == ""


def test_log_json_for_a_not_evaluable_indicator():
    result = run("--log-json", "evaluate", str(BAD_FACTS / "missing_fact.yaml"), *PY)
    assert result.exit_code == 1
    events = [json.loads(line) for line in result.stderr.splitlines() if line.strip()]
    row = next(e for e in events if e.get("indicator") == "3.4.2")
    assert row["score"] is None and row["status"] == "not_evaluable"


# --- packs ----------------------------------------------------------------------------------


def test_nonexistent_rubric():
    result = run("evaluate", FACTS, "--rubric", "no-such-rubric-2099", *PY)
    assert_user_error(result, "PACK_NOT_FOUND")
    assert "no-such-rubric-2099" in result.stderr


@pytest.mark.parametrize("pack_dir", BAD_PACKS, ids=[p.name for p in BAD_PACKS])
def test_bad_pack_exits_2(pack_dir):
    with pytest.raises(JixiaoError) as info:
        Engine.from_rubric(pack_dir, rules="python")
    result = run("evaluate", FACTS, "--rubric", str(pack_dir), *PY)
    assert_user_error(result, info.value.code)
    for problem in info.value.problems:  # every problem printed, one line each
        assert f"错误 [{problem.code}] {problem.message}" in result.stderr


def test_bad_pack_list():
    assert len(BAD_PACKS) >= 7
