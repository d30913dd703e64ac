"""A pack parameter of the wrong shape is a pack mistake, refused at load (PACK_PARAMS) with its place,
never a crash, a leaf marked 出错 on every scorecard, or a value taken for the default.

A fact's name that a pack writes is a key of a facts document, a CSV column and a template's row: it
is refused when it is not non-empty, unpadded text without control characters.

A checklist item naming its fact None, -1 or 1.5 loaded, then ended every department with
an internal error ("keywords must be strings") once one had a problem; [] or {} made the
leaf 出错 on every scorecard; "" or "\\x1b[2J" became a fact nobody can fill in.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from jixiao import Engine, JixiaoError

PACK = Path(__file__).resolve().parent.parent / "rubrics" / "shenzhen-yantian-2023" / "pack.yaml"
ITEM = (
    "{fact: budget_fits_duties, label: 部门预算编制、分配符合本部门职责、符合区委区政府方针政策和工作要求, points: 1}"
)


@pytest.mark.parametrize(
    "name", ["null", "-1", "1.5", "true", "[]", "{}", "''", "' padded'", '"a\\e[2Jb"', '"两\\n行"']
)
def test_a_checklist_item_with_an_unusable_fact_name_is_refused_at_load(tmp_path: Path, name: str) -> None:
    text = PACK.read_text(encoding="utf-8")
    assert ITEM in text
    (tmp_path / "pack.yaml").write_text(text.replace(ITEM, ITEM.replace("budget_fits_duties", name)), encoding="utf-8")
    with pytest.raises(JixiaoError) as refused:
        Engine.from_rubric(tmp_path)
    [problem] = refused.value.problems
    expected = "PACK_INVALID" if "\\e" in name else "PACK_PARAMS"  # an escaped control: refused as any pack text
    assert problem.code == expected, problem.message
    assert "预算编制合理性" in problem.message and ("fact" in problem.message or "事实名" in problem.message)


@pytest.mark.parametrize(
    ("old", "new", "param"),
    [
        (
            "value: {ratio: {numerator: fixed_assets_in_use, denominator: fixed_assets_total}",
            "value: {ratio: xxx",
            "value.ratio",
        ),
        ("label: 编外人员控制率}", "label: {a: 1}}", "value.label"),
        ("reason: effectiveness_reason", "reason: []", "reason"),
    ],
)
def test_a_parameter_of_the_wrong_shape_is_a_pack_mistake_not_a_plugin_failure(
    tmp_path: Path, old: str, new: str, param: str
) -> None:
    """These loaded with the leaf marked 出错 on every scorecard ("插件…配置…时出错：AttributeError")."""
    text = PACK.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    (tmp_path / "pack.yaml").write_text(text.replace(old, new), encoding="utf-8")
    with pytest.raises(JixiaoError) as refused:
        Engine.from_rubric(tmp_path)
    [problem] = refused.value.problems
    assert problem.code == "PACK_PARAMS" and param in problem.message, problem.message


ALL_SHAPES = Path(__file__).resolve().parent / "packs" / "all-shapes" / "pack.yaml"
MOF = Path(__file__).resolve().parent.parent / "rubrics" / "mof-project-2020" / "pack.yaml"
DISTRICT_PACK = Path(__file__).resolve().parent.parent / "rubrics" / "example-district-2023" / "pack.yaml"
FACTS = Path(__file__).resolve().parent.parent / "examples" / "yantian-2023" / "facts.yaml"
SANGONG = "params: {value: {metric: sangong_change}, threshold: 0, per: 1%, step: 0.8, counting: pro_rata}"


@pytest.mark.parametrize(
    ("pack", "old", "new", "param"),
    [
        (ALL_SHAPES, SANGONG, SANGONG.replace("counting: pro_rata", "counting: []"), "counting"),
        (ALL_SHAPES, SANGONG, SANGONG.replace("counting: pro_rata", "counting: pro-rata"), "counting"),
        (ALL_SHAPES, SANGONG, SANGONG.replace("pro_rata", "pro_rata, direction: belo"), "direction"),
        (ALL_SHAPES, SANGONG, SANGONG.replace("{metric: sangong_change}", "{metric: []}"), "value.metric"),
        (ALL_SHAPES, "what: 资金使用不合规的情形, unit: 例}", "what: 资金使用不合规的情形, unit: [例]}", "unit"),
        (MOF, "fact: outputs", "fact: []", "fact"),
        (MOF, "text_levels: {达成预期指标: met,", "text_levels: {达成预期指标: [met],", "text_levels"),
    ],
)
def test_a_parameter_of_the_wrong_type_or_an_unknown_choice_is_refused(
    tmp_path: Path, pack: Path, old: str, new: str, param: str
) -> None:
    """A direction written "belo" was taken for "above"; [] where a name or choice belongs failed
    "unhashable type: 'list'" and marked the leaf 出错 on every scorecard."""
    text = pack.read_text(encoding="utf-8")
    assert old in text, old
    (tmp_path / "pack.yaml").write_text(text.replace(old, new, 1), encoding="utf-8")
    with pytest.raises(JixiaoError) as refused:
        Engine.from_rubric(tmp_path)
    [problem] = refused.value.problems
    assert problem.code == "PACK_PARAMS" and param in problem.message, problem.message


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("none: 未公开", 'none: "未公开\\e[2J"'),  # a choice's label: the template's drop-down list
        ('version: "1.0.0"', 'version: "1.0.0\\r"'),  # printed at the head of every report
    ],
)
def test_a_pack_text_with_a_control_character_is_refused_at_its_line(tmp_path: Path, old: str, new: str) -> None:
    """Such a text broke `jixiao template` (openpyxl and lxml refuse it) and reached the terminal."""
    text = PACK.read_text(encoding="utf-8")
    assert old in text, old
    (tmp_path / "pack.yaml").write_text(text.replace(old, new, 1), encoding="utf-8")
    line = text[: text.index(old)].count("\n") + 1
    with pytest.raises(JixiaoError) as refused:
        Engine.from_rubric(tmp_path)
    [problem] = refused.value.problems
    assert problem.code == "PACK_INVALID" and f"pack.yaml:{line}：" in problem.message and "控制字符" in problem.message


def test_a_checklist_label_that_is_not_text_is_refused(tmp_path: Path) -> None:
    """Its template row failed: "Cannot convert [] to Excel"."""
    text = PACK.read_text(encoding="utf-8")
    label = "label: 部门预算编制、分配符合本部门职责、符合区委区政府方针政策和工作要求"
    (tmp_path / "pack.yaml").write_text(text.replace(label, "label: []", 1), encoding="utf-8")
    with pytest.raises(JixiaoError) as refused:
        Engine.from_rubric(tmp_path)
    assert refused.value.problems[0].code == "PACK_PARAMS" and "label" in refused.value.problems[0].message


def test_rubric_check_of_children_that_are_not_a_list_reports_it(tmp_path: Path) -> None:
    """`rubric check` ended with an internal error ("'int' object is not iterable")."""
    from conftest import run_cli

    text = PACK.read_text(encoding="utf-8")
    (tmp_path / "pack.yaml").write_text(
        text.replace("        children:\n", "        children: -1\n        was:\n", 1), encoding="utf-8"
    )
    out = run_cli("rubric", "check", tmp_path)
    assert out.exit_code == 2 and "错误 [PACK_INVALID]" in out.stderr and "内部错误" not in out.stderr, out.stderr


@pytest.mark.parametrize("where", ["extend", "facts", "plugins"])
def test_a_pack_reference_too_long_for_the_file_system_is_not_found(tmp_path: Path, where: str) -> None:
    """A 3,000-character `extend:`, `plugins:` entry or facts file's `rubric:` ended with an internal
    error ("OSError: File name too long")."""
    from conftest import run_cli

    long = "x" * 3000
    if where == "extend":
        (tmp_path / "pack.yaml").write_text(
            DISTRICT_PACK.read_text(encoding="utf-8").replace("extend: shenzhen-yantian-2023", f"extend: {long}"),
            encoding="utf-8",
        )
        out = run_cli("rubric", "check", tmp_path)
    elif where == "plugins":
        (tmp_path / "pack.yaml").write_text(
            PACK.read_text(encoding="utf-8").replace("\nindicators:\n", f"\nplugins: [{long}.py]\nindicators:\n", 1),
            encoding="utf-8",
        )
        out = run_cli("rubric", "check", tmp_path)
    else:
        facts = tmp_path / "facts.yaml"
        facts.write_text(FACTS.read_text(encoding="utf-8").replace("rubric: shenzhen-yantian-2023", f"rubric: {long}"))
        out = run_cli("evaluate", facts)
    code = "PLUGIN_LOAD" if where == "plugins" else "PACK_NOT_FOUND"
    assert out.exit_code == 2 and code in out.stderr and "内部错误" not in out.stderr, out.stderr
    assert len(out.stderr) < 2000  # the reference is shown shortened
