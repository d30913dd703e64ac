"""``jixiao rubric check | show | diff``: the pack author's tools.

Seeded defects are small packs written to tmp_path, each marked with ``# ←`` on the line
the message must point at, so the expected ``pack.yaml:<line>`` is read from the pack
itself rather than counted by hand.
"""

from __future__ import annotations

import json
from pathlib import Path

import patched
import pytest

from jixiao import Engine
from jixiao.numbers import fmt_number

HERE = Path(__file__).parent
ROOT = HERE.parent
SHIPPED = sorted(p.parent for p in (ROOT / "rubrics").glob("*/pack.yaml")) + [HERE / "packs" / "all-shapes"]

BASE = """\
id: tools-base
title: 工具测试用评分体系
region: 测试区
year: 2024
version: "0.1.0"
source: 测试用
total: 100
rounding:
  score: {places: 2, mode: half_up}
grades:
  - {grade: 优, range: "[90, 100]"}
  - {grade: 良, range: "[80, 90)"}
  - {grade: 中, range: "[60, 80)"}
  - {grade: 差, range: "[0, 60)"}
indicators:
  - code: "1"
    name: 队伍管理
    weight: 60
    children:
      - code: "1.1"
        name: 制度建设
        weight: 20
        criteria: 制定并执行管理制度的，各得10分。
        use: checklist
        params:
          items:
            - {fact: rules_made, label: 制定了管理制度, points: 10}
            - {fact: rules_enforced, label: 制度得到有效执行, points: 10}
      - code: "1.2"
        name: 持证上岗率
        weight: 40
        criteria: 持证上岗率≥95%得40分，80%～95%得30分，<80%得0分。
        use: bands
        facts:
          staff_total: {kind: count, label: 在岗人数, unit: 人}
          staff_certified: {kind: count, label: 持证人数, unit: 人}
        params:
          value: {ratio: {numerator: staff_certified, denominator: staff_total}, label: 持证上岗率}
          domain: "[0, 100%]"
          bands:
            - {range: "[95%, 100%]", points: 40}
            - {range: "[80%, 95%)", points: 30}
            - {range: "[0, 80%)", points: 0}
  - code: "2"
    name: 工作成效
    weight: 40
    criteria: 评价人酌情评分。
    use: judgement
    facts:
      work_score: {kind: score, label: 工作成效评分, unit: 分}
      work_reason: {kind: text, label: 工作成效评分理由}
    params: {score: work_score, reason: work_reason}
"""

OVERRIDE = """\
  - target: 编外人员控制率
    set:
      params.bands:
        - {range: "[0, 3%)", points: 1}
        - {range: "[3%, 6%]", points: 0.5}
        - {range: "(6%, ∞)", points: 0}
    reason: 分档收紧
    authority: 测试〔2024〕1号
"""


def extending(body: str) -> str:
    return f"id: tools-ext\nextend: shenzhen-yantian-2023\ntitle: 工具测试用调整\noverrides:\n{body}"


from conftest import run_cli as run  # noqa: E402  (shared with the other CLI tests)


def write(tmp_path: Path, text: str) -> Path:
    (tmp_path / "pack.yaml").write_text(text, encoding="utf-8")
    return tmp_path / "pack.yaml"


def marked(tmp_path: Path, text: str) -> tuple[Path, str]:
    """Write the pack; return it and "…/pack.yaml:<line of the # ← mark>"."""
    path = write(tmp_path, text)
    line = next(i for i, t in enumerate(text.splitlines(), 1) if "# ←" in t)
    return path, f"{path}:{line}"


def errors_of(result) -> list[str]:
    return [line for line in result.stderr.splitlines() if line.startswith("错误 [")]


# --- check -----------------------------------------------------------------------------------


@pytest.mark.parametrize("pack", SHIPPED, ids=lambda p: p.name)
def test_shipped_packs_pass(pack):
    result = run("rubric", "check", pack)
    assert result.exit_code == 0, result.stderr
    assert "检查通过" in result.stdout and "个指标" in result.stdout
    assert result.stderr == ""


def test_check_counts_the_reference():
    out = run("rubric", "check", "shenzhen-yantian-2023").stdout
    assert "评分体系 shenzhen-yantian-2023（" in out and "检查通过：21 个指标" in out


SEEDED = {
    "band_gap": (
        BASE.replace('[80%, 95%)", points: 30}', '[85%, 95%)", points: 30}').replace(
            "          bands:\n", "          bands:   # ←\n"
        ),
        "PACK_BANDS",
        ("缺口", "[80%, 85%)"),
    ),
    "band_overlap": (
        extending(
            OVERRIDE.replace("      params.bands:", "      params.bands:   # ←").replace('"[3%, 6%]"', '"[2%, 6%]"')
        ),
        "PACK_BANDS",
        ("重叠", "overrides[0]", "[2%, 3%)"),
    ),
    "weight_mismatch": (
        BASE.replace("        weight: 20\n", "        weight: 25\n").replace(
            "    weight: 60\n", "    weight: 60   # ←\n"
        ),
        "PACK_WEIGHTS",
        ("60", "65"),
    ),
    "unknown_fact": (
        BASE.replace(
            "value: {ratio: {numerator: staff_certified, denominator: staff_total}, label: 持证上岗率}",
            "value: {ratio: {numerator: staff_qualified, denominator: staff_total}, label: 持证上岗率}   # ←",
        ),
        "PACK_PARAMS",
        ("staff_qualified", "value.ratio.numerator"),
    ),
    "unknown_implementation": (
        extending('  - target: "2.4.2"\n    use: bandz   # ←\n    reason: 换实现\n    authority: 测试〔2024〕1号\n'),
        "PLUGIN_UNKNOWN",
        ("bandz", "bands", "overrides[0]"),
    ),
    "unknown_implementation_base": (
        BASE.replace("        use: bands\n", "        use: bandz   # ←\n"),
        "PLUGIN_UNKNOWN",
        ("bandz",),
    ),
    "duplicate_override": (
        extending(OVERRIDE + OVERRIDE.replace("  - target: 编外人员控制率", '  - target: "2.4.2"   # ←')),
        "PACK_OVERRIDE",
        ("重复", "params.bands"),
    ),
    "formula_syntax": (
        BASE.replace(
            "          value: {ratio: {numerator: staff_certified, denominator: staff_total}, label: 持证上岗率}",
            '          value: {formula: "staff_certified / (staff_total", label: 持证上岗率}   # ←',
        ),
        "PACK_FORMULA",
        ("无法解析",),
    ),
    "formula_unknown_name": (
        BASE.replace(
            "          value: {ratio: {numerator: staff_certified, denominator: staff_total}, label: 持证上岗率}",
            '          value: {formula: "staff_certified / staff_all", label: 持证上岗率}   # ←',
        ),
        "PACK_FORMULA",
        ("staff_all", "未声明"),
    ),
    "unused_metric_formula": (
        BASE.replace(
            "indicators:\n",
            "metrics:\n"
            '  spare_rate: {formula: "staff_certified / / staff_total", label: 备用比率}   # ←\nindicators:\n',
            1,
        ),
        "PACK_FORMULA",
        ("metrics.spare_rate.formula", "无法解析"),
    ),
    "negative_weight": (
        BASE.replace("        weight: 20\n", "        weight: -20   # ←\n").replace(
            "        weight: 40\n", "        weight: 80\n", 1
        ),
        "PACK_WEIGHTS",
        ("-20", "负数"),
    ),
}


@pytest.mark.parametrize("name", SEEDED)
def test_seeded_defect_is_reported_with_code_and_line(tmp_path, name):
    text, code, mentions = SEEDED[name]
    path, where = marked(tmp_path, text)
    result = run("rubric", "check", path)
    assert result.exit_code == 2, (result.stdout, result.stderr)
    assert result.stdout == ""
    lines = errors_of(result)
    hits = [line for line in lines if line.startswith(f"错误 [{code}] {where}：")]
    assert hits, f"no [{code}] at {where}:\n{result.stderr}"
    for text in mentions:
        assert any(text in line for line in hits), (text, hits)
    assert "检查未通过" in result.stderr


def test_every_message_names_file_and_line(tmp_path):
    """Each problem of every seeded pack, and of every bad pack of the loader's tests, has a file:line."""
    for bad in sorted(patched.bad_packs().glob("*/pack.yaml")):
        result = run("rubric", "check", bad.parent)
        assert result.exit_code == 2
        for line in errors_of(result):
            assert f"{bad}:" in line and line.split(f"{bad}:")[1].split("：")[0].isdigit(), line


def test_all_problems_in_one_run(tmp_path):
    """A weight mismatch does not hide the band gap and the unknown implementation below it."""
    text = (
        BASE.replace("        weight: 20\n", "        weight: 25\n")
        .replace('[80%, 95%)", points: 30}', '[85%, 95%)", points: 30}')
        .replace("    use: judgement\n", "    use: judgemnt\n")
    )
    result = run("rubric", "check", write(tmp_path, text))
    codes = [line.split("]")[0][4:] for line in errors_of(result)]
    assert result.exit_code == 2
    assert {"PACK_WEIGHTS", "PACK_BANDS", "PLUGIN_UNKNOWN"} <= set(codes), result.stderr
    assert "4 个问题" in result.stderr or "3 个问题" in result.stderr


def test_missing_rounding_and_grades(tmp_path):
    text = (
        BASE.replace("rounding:\n  score: {places: 2, mode: half_up}\n", "").split("grades:")[0]
        + "indicators:"
        + BASE.split("indicators:")[1]
    )
    result = run("rubric", "check", write(tmp_path, text))
    assert result.exit_code == 2
    assert any(
        "PACK_INVALID" in line and "rounding" in line and "grades" in line and f"{tmp_path / 'pack.yaml'}:" in line
        for line in errors_of(result)
    )


def test_duplicate_code_names_both_places(tmp_path):
    text = BASE.replace('      - code: "1.2"\n', '      - code: "1.1"   # ←\n')
    path, where = marked(tmp_path, text)
    result = run("rubric", "check", path)
    first = next(i for i, t in enumerate(text.splitlines(), 1) if 'code: "1.1"' in t)
    assert any(
        line.startswith(f"错误 [PACK_INVALID] {where}：") and f"{path}:{first}" in line for line in errors_of(result)
    ), result.stderr


def test_warnings_do_not_fail(tmp_path):
    text = BASE.replace(
        "total: 100\n", "total: 100\nfacts:\n  spare_fact: {kind: number, label: 备用数据}   # ←\n"
    ).replace("        criteria: 制定并执行管理制度的，各得10分。\n", "")
    path, where = marked(tmp_path, text)
    result = run("rubric", "check", path)
    assert result.exit_code == 0, result.stderr
    assert f"提示 [LINT_UNUSED_FACT] {where}：" in result.stdout and "spare_fact" in result.stdout
    assert "提示 [LINT_NO_CRITERIA]" in result.stdout and "制度建设" in result.stdout
    assert "检查通过" in result.stdout and "2 条提示" in result.stdout


def test_effective_date_after_the_year_is_a_warning(tmp_path):
    (tmp_path / "pack.yaml").write_text(
        "id: later\nextend: shenzhen-yantian-2023\ntitle: 测试\noverrides:\n"
        "  - {target: 财务合规性, set: {params.parts.1.step: 0.2}, "
        "reason: 甲, authority: 测1, effective: 2024-01-01}\n",
        encoding="utf-8",
    )
    result = run("rubric", "check", str(tmp_path))
    assert result.exit_code == 0
    warning = next(line for line in result.stdout.splitlines() if "LINT_EFFECTIVE_DATE" in line)
    assert f"{tmp_path}/pack.yaml:" in warning and "2024-01-01" in warning and "2023" in warning


def test_check_json(tmp_path):
    text, code, _ = SEEDED["band_gap"]
    result = run("rubric", "check", write(tmp_path, text), "--format", "json")
    assert result.exit_code == 2
    data = json.loads(result.stdout)
    assert data["ok"] is False and data["errors"][0]["code"] == code and ":" in data["errors"][0]["location"]
    ok = json.loads(run("rubric", "check", "shenzhen-yantian-2023", "--format", "json").stdout)
    assert ok["ok"] is True and ok["errors"] == []


def test_check_unknown_pack():
    result = run("rubric", "check", "no-such-pack-2099")
    assert result.exit_code == 2 and "错误 [PACK_NOT_FOUND]" in result.stderr


# --- show ------------------------------------------------------------------------------------


def test_show_reference_tree_and_rules():
    out = run("rubric", "show", "shenzhen-yantian-2023").stdout
    engine = Engine.from_rubric("shenzhen-yantian-2023", rules="python")
    leaves = list(engine.pack.leaves())
    assert len(leaves) == 21
    for leaf in leaves:
        assert f"三级 {leaf.code} {leaf.name}　{fmt_number(leaf.weight)} 分" in out, leaf.name
        assert f"评分实现：{leaf.use}" in out
    assert "一级 1 部门决策（表中印作“部门决算”）　20 分" in out and "  二级 2.4 人员管理　2 分" in out
    block = out.split("2.4.2 编外人员控制率")[1].split("三级")[0]
    assert "0%≤编外人员控制率<5%得1分；5%≤编外人员控制率≤10%得0.5分；编外人员控制率>10%得0分" in block
    assert "outsourced_staff（编外人员数（含劳务派遣）；整数，单位人）" in block
    assert "否决（得0分）：" in out and "直接得满分：当年度收到的群众信访件数=0时" in out
    assert "保留 2 位小数（截尾）" in out and "优 90≤总分≤100" in out


def test_show_extending_pack_lists_overrides():
    out = run("rubric", "show", "example-district-2023").stdout
    assert "在评分体系 shenzhen-yantian-2023 基础上调整 3 处" in out
    tail = out.split("调整（共 3 处）：")[1]
    assert "涉及指标：2.4.2 编外人员控制率" in tail and "文号：示财〔2024〕3号；生效日期：2024-01-01" in tail
    assert "涉及指标：2.1.2 财务合规性" in tail and "修改 params.parts.1.step" in tail
    assert "0%≤编外人员控制率<3%得1分" in out
    assert "调整：params.bands ← 示财〔2024〕3号" in out


def test_show_gates_of_all_shapes():
    out = run("rubric", "show", HERE / "packs" / "all-shapes").stdout
    assert "不适用（不计分，按适用指标折算）：是否考核可持续影响为“否”时" in out
    assert "比率保留 4 位小数（四舍五入）" in out


# --- diff ------------------------------------------------------------------------------------


def test_diff_example_district_shows_exactly_its_three_overrides():
    result = run("rubric", "diff", "shenzhen-yantian-2023", "example-district-2023", "--format", "json")
    changes = json.loads(result.stdout)
    assert result.exit_code == 0
    assert {c["code"] for c in changes} == {"2.4.2", "2.1.1", "2.1.2"}
    assert {c["kind"] for c in changes} == {"param", "text"}
    by = {(c["code"], c["path"]): c for c in changes}
    assert (
        by[("2.1.2", "params.parts[1].step")]["old"] == "0.1" and by[("2.1.2", "params.parts[1].step")]["new"] == "0.2"
    )
    assert [p for code, p in by if code == "2.1.2"] == ["params.parts[1].step"]
    assert (
        by[("2.1.1", "params.parts[0].shape")]["old"] == "ratio"
        and by[("2.1.1", "params.parts[0].shape")]["new"] == "bands"
    )
    assert by[("2.1.1", "params.parts[0].zero_when")]["action"] == "removed"
    assert by[("2.1.1", "params.parts[0].bands[1].range")] == {
        **by[("2.1.1", "params.parts[0].bands[1].range")],
        "action": "added",
        "new": "[95%, 100%)",
    }
    assert all(not p.startswith("params.parts[1]") for code, p in by if code == "2.1.1")
    assert {p for code, p in by if code == "2.4.2"} == {
        "params.bands[0].range",
        "params.bands[1].range",
        "params.bands[2].range",
        "criteria",
    }
    assert (
        by[("2.4.2", "params.bands[1].range")]["old"] == "[5%, 10%]"
        and by[("2.4.2", "params.bands[1].range")]["new"] == "[3%, 6%]"
    )
    assert all(c["basis"] and "示财〔2024〕3号" in c["basis"][0] for c in changes)


def test_diff_example_district_text():
    out = run("rubric", "diff", "shenzhen-yantian-2023", "example-district-2023").stdout
    assert "params.parts[1].step（组成部分第2项·扣分标准）：0.1 → 0.2" in out
    assert "params.bands[0].range（分档第1项·区间）：[0, 5%) → [0, 3%)" in out
    assert "params.parts[0].shape（组成部分第1项·规则形态）：ratio → bands" in out
    assert "- 2. 5%≤比率≤10%的，得0.5分；" in out and "+ 2. 3%≤比率≤6%的，得0.5分；" in out
    assert "新增指标" not in out and "删除指标" not in out and "分值调整" not in out


EXT = extending("""\
  - target: 群众信访办理情况
    drop: {move_to: 公众或服务对象满意度}
    reason: 两项合并考核
    authority: 测试〔2024〕2号
  - target: "2.4.1"
    set: {weight: 0.5, params.bands.0.points: 0.5}
    reason: 降低分值
    authority: 测试〔2024〕2号
  - add:
      parent: "2.4"
      indicator:
        code: "2.4.3"
        name: 培训覆盖率
        weight: 0.5
        criteria: 培训覆盖率≥90%得0.5分，否则得0分。
        use: bands
        facts:
          trained: {kind: count, label: 受训人数, unit: 人}
          staff_all: {kind: count, label: 在职人数, unit: 人}
        params:
          value: {ratio: {numerator: trained, denominator: staff_all}, label: 培训覆盖率}
          domain: "[0, ∞)"
          bands:
            - {range: "[90%, ∞)", points: 0.5}
            - {range: "[0, 90%)", points: 0}
    reason: 新增培训考核
    authority: 测试〔2024〕2号
""")


def test_diff_added_removed_reweighted(tmp_path):
    path = write(tmp_path, EXT)
    assert run("rubric", "check", path).exit_code == 0
    changes = json.loads(run("rubric", "diff", "shenzhen-yantian-2023", path, "--format", "json").stdout)
    kinds = {(c["kind"], c["action"], c.get("code")) for c in changes}
    assert ("indicator", "added", "2.4.3") in kinds and ("indicator", "removed", "3.4.1") in kinds
    weights = {c["code"]: (c["old"], c["new"]) for c in changes if c["kind"] == "weight"}
    assert weights == {"2.4.1": ("1", "0.5"), "3.4.2": ("6", "9")}
    out = run("rubric", "diff", "shenzhen-yantian-2023", path).stdout
    assert "+ 2.4.3 培训覆盖率（0.5 分，上级 2.4，评分实现 bands" in out
    assert "- 3.4.1 群众信访办理情况（3 分，上级 3.4" in out
    assert "2.4.1 财政供养人员控制率：1 → 0.5 分（依据：测试〔2024〕2号：降低分值）" in out
    assert "params.bands[0].points（分档第1项·分值）：1 → 0.5" in out


def test_diff_implementation_rounding_and_grades(tmp_path):
    text = (
        BASE.replace("mode: half_up}", "mode: truncate}")
        .replace('{grade: 良, range: "[80, 90)"}', '{grade: 良, range: "[75, 90)"}')
        .replace('{grade: 中, range: "[60, 80)"}', '{grade: 中, range: "[60, 75)"}')
        .replace("    use: judgement", "    use: effectiveness")
    )
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir(), b.mkdir()
    write(a, BASE), write(b, text)
    out = run("rubric", "diff", a, b).stdout
    assert "指标得分取舍：保留 2 位小数（四舍五入） → 保留 2 位小数（截尾）" in out
    assert "等级“良”：[80, 90) → [75, 90)" in out
    assert "评分实现变化（1）" in out and "2 工作成效：judgement → effectiveness" in out


def test_diff_identical_and_percent_equivalence(tmp_path):
    write(tmp_path, BASE.replace('"[95%, 100%]"', '"[0.95, 1]"').replace("points: 30}", "points: 30.0}"))
    a = tmp_path.parent / f"{tmp_path.name}-a"
    a.mkdir()
    write(a, BASE)
    result = run("rubric", "diff", a, tmp_path)
    assert "完全相同" in result.stdout, result.stdout
    assert json.loads(run("rubric", "diff", a, tmp_path, "--format", "json").stdout) == []
