"""The plugin contract: every indicator call goes through pluggy, so wrappers wrap it, tracing sees it,
a misspelled hook is refused, and a district's own shape works wherever a built-in one does."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

import pytest
from conftest import run_cli

from jixiao import Engine, JixiaoError

ROOT = Path(__file__).resolve().parent.parent
FACTS = ROOT / "examples" / "yantian-2023" / "facts.yaml"

WRAPPER = '''\
"""A district's audit and cap: wraps the evaluation of every leaf."""
from decimal import Decimal

from jixiao import Deduction, hookimpl

SEEN = []


@hookimpl(wrapper=True)
def jixiao_indicator_evaluate(leaf, configured, ctx):
    outcome = yield
    SEEN.append(leaf.code)
    if leaf.name.startswith("社会效益") and outcome.score > 20:
        outcome.deductions.append(Deduction(outcome.score - 20, "区定上限20分", "按区定规则，效果性得分不超过20分"))
        outcome.score = Decimal(20)
    return outcome
'''


@pytest.fixture()
def wrapper_file(tmp_path) -> Path:
    path = tmp_path / "district_cap.py"
    path.write_text(WRAPPER, encoding="utf-8")
    return path


def test_a_wrapper_in_a_plugin_file_wraps_every_leaf(wrapper_file, reference_doc):
    engine = Engine.from_rubric("shenzhen-yantian-2023", plugins=[wrapper_file])
    card = engine.evaluate(reference_doc)
    module = engine.registry.pm.get_plugin("district_cap")
    scored = {leaf.code for leaf in card.leaves() if not any(r.endswith(":exempt") for r in leaf.rules)}
    assert scored <= set(module.SEEN)  # every leaf its plugin scores (an exempt one gets full marks without it)
    assert "2.1.1.1" in module.SEEN  # and each part of a leaf made of parts
    assert card["3.3.1"].score == Decimal(20) and card.total == Decimal("89.91")
    assert card["3.3.1"].deductions[-1].reason == "区定上限20分"


def test_a_wrapper_through_the_command_line(wrapper_file):
    result = run_cli("evaluate", FACTS, "--plugin", wrapper_file)
    assert result.exit_code == 0 and "89.91" in result.stdout and "按区定规则，效果性得分不超过20分" in result.stdout


def test_pluggy_tracing_sees_every_indicator_call(reference_doc):
    engine = Engine.from_rubric("shenzhen-yantian-2023")
    calls = []
    undo = engine.registry.pm.add_hookcall_monitoring(
        lambda name, impls, kwargs: calls.append(
            (name, kwargs.get("leaf").code if kwargs.get("leaf") is not None else None)
        ),
        lambda outcome, name, impls, kwargs: None,
    )
    try:
        engine.evaluate(reference_doc)
    finally:
        undo()
    evaluated = {code for name, code in calls if name == "jixiao_indicator_evaluate"}
    assert {b.leaf.code for b in engine.bindings if not b.leaf.exemptions} <= evaluated
    assert any(name == "jixiao_indicator_rule_inputs" for name, _ in calls)


def test_a_misspelled_hook_is_refused_naming_it(tmp_path):
    path = tmp_path / "typo.py"
    path.write_text(
        "from jixiao import hookimpl\n\n\n@hookimpl\n"
        "def jixiao_indicator_evalute(leaf, configured, ctx):\n    return None\n",
        encoding="utf-8",
    )
    with pytest.raises(JixiaoError) as err:
        Engine.from_rubric("shenzhen-yantian-2023", plugins=[path])
    assert err.value.code == "PLUGIN_LOAD" and "jixiao_indicator_evalute" in str(err.value) and "typo" in str(err.value)
    result = run_cli("evaluate", FACTS, "--plugin", path)
    assert result.exit_code == 2 and "jixiao_indicator_evalute" in result.stderr


SHAPE = (
    '''\
"""A district's own shape: full points when a count is at most a limit, nothing otherwise."""
from dataclasses import dataclass
from decimal import Decimal

from jixiao import Configured, Deduction, Outcome
from jixiao.facts import FactSpec
from jixiao.numbers import fmt_number
from jixiao.plugins.shapes import Checklist
from jixiao.shapes import Shape
from jixiao.shapes.base import declared, number_param, param, shown_input


@dataclass(frozen=True)
class AtMostState:
    fact: FactSpec
    limit: Decimal


class AtMost(Shape):
    kind = "at_most"
    params = ("fact", "limit")

    def configure(self, leaf):
        spec = declared(leaf, param(leaf, "fact"), ("count",), "fact")
        limit = number_param(leaf, "limit")
'''
    '        return Configured({spec.name: spec}, formula=f"{spec.label}不超过{fmt_number(limit)}得满分", '
    "state=AtMostState(spec, limit))\n"
    """
    def evaluate(self, leaf, configured, ctx):
        spec, limit = configured.state.fact, configured.state.limit
        n = ctx.facts[spec.name]
        if n <= limit:
            return Outcome(leaf.weight, [shown_input(spec, n)])
"""
    '        return Outcome(0, [shown_input(spec, n)], deductions=[Deduction(leaf.weight, f"{spec.label}{n}", '
    'f"{spec.label}为{n}，超过{limit}，扣{leaf.weight}分")])\n'
    """

JIXIAO_PLUGINS = {"at_most": AtMost("at_most")}
"""
)

PACK = (
    """\
id: district-shape
title: 区定形态示例
region: 示例区
year: 2024
version: "1"
source: 测试
rounding: {score: {places: 2, mode: half_up}}
grades: [{grade: 合格, range: "[60, 100]"}, {grade: 不合格, range: "[0, 60)"}]
plugins: [at_most.py]
indicators:
  - code: "1"
    name: 重点工作
    weight: 100
    children:
      - code: "1.1"
        name: 重点工作完成情况
        weight: 100
        use: parts
        facts:
          key_tasks_open: {kind: count, label: 未完成的重点工作数, unit: 项}
        params:
          parts:
            - {shape: at_most, label: 未完成重点工作, points: 50, fact: key_tasks_open, limit: 0}
"""
    "            - {shape: checklist, label: 按期报送, points: 50, "
    "items: [{fact: key_tasks_reported, label: 重点工作按期报送, points: 50}]}\n"
)


def test_a_district_shape_works_inside_parts(tmp_path):
    (tmp_path / "at_most.py").write_text(SHAPE, encoding="utf-8")
    (tmp_path / "pack.yaml").write_text(PACK, encoding="utf-8")
    engine = Engine.from_rubric(tmp_path)
    doc = {"department": {"id": "d", "name": "示例"}, "facts": {"key_tasks_open": 1, "key_tasks_reported": True}}
    leaf = engine.evaluate(doc)["重点工作完成情况"]
    assert leaf.status == "scored" and leaf.score == Decimal(50), [p.message for p in leaf.problems]
    assert "未完成重点工作" in leaf.formula and leaf.deductions[0].problem.startswith("未完成的重点工作数为1")


def test_an_unknown_shape_in_parts_is_refused(tmp_path):
    (tmp_path / "pack.yaml").write_text(PACK.replace("plugins: [at_most.py]\n", ""), encoding="utf-8")
    with pytest.raises(JixiaoError) as err:
        Engine.from_rubric(tmp_path)
    assert err.value.code == "PACK_PARAMS" and "at_most" in str(err.value)


def test_the_old_import_path_of_shapes_still_works_with_a_warning():
    with pytest.warns(DeprecationWarning):
        from jixiao.shapes import Bands  # noqa: F401


STRICT = ROOT / "tests" / "district" / "strict_outsourced.py"


def test_a_replacement_plugin_is_named_on_the_scorecard_and_in_its_digest(reference_doc):
    base = Engine.from_rubric("shenzhen-yantian-2023").evaluate(reference_doc)
    card = Engine.from_rubric("shenzhen-yantian-2023", plugins=[STRICT]).evaluate(reference_doc)
    assert base.rubric["plugins"] == [] and "pack_digest" not in base.rubric
    [plugin] = card.rubric["plugins"]
    assert plugin["name"] == "outsourced-staff-rate" and plugin["indicators"] == ["2.4.2"]
    assert (
        plugin["origin"] == f"文件 {STRICT}"
        and plugin["sha256"].startswith("sha256:")
        and "jixiao.plugins.department" in plugin["replaced"]
    )
    assert card.rubric["pack_digest"] == base.rubric["digest"] != card.rubric["digest"]


def test_each_scorecard_has_its_own_record_of_what_scored_it(reference_doc):
    engine = Engine.from_rubric("shenzhen-yantian-2023", plugins=[STRICT])
    first, second = engine.evaluate(reference_doc), engine.evaluate(reference_doc)
    first.rubric["plugins"][0]["indicators"].append("9.9.9")
    first.rubric["plugins"].append({"name": "x"})
    first.rubric["id"] = "changed"
    assert second.rubric == engine.rubric_info == engine.evaluate(reference_doc).rubric


def test_every_format_that_shows_the_pack_names_the_replacement(tmp_path):
    from openpyxl import load_workbook

    for fmt in ("table", "markdown", "html"):
        out = run_cli("evaluate", FACTS, "--plugin", STRICT, "--format", fmt).stdout
        assert (
            "评分插件 outsourced-staff-rate" in out and "strict_outsourced.py" in out and "2.4.2 编外人员控制率" in out
        ), fmt
    assert "评分插件" not in run_cli("evaluate", FACTS).stdout
    book = tmp_path / "card.xlsx"
    assert run_cli("evaluate", FACTS, "--plugin", STRICT, "--format", "xlsx", "-o", book).exit_code == 0
    cells = [str(c.value) for row in load_workbook(book).active.iter_rows(max_row=3) for c in row if c.value]
    assert any("评分插件 outsourced-staff-rate" in text for text in cells)


def test_two_installed_packages_claiming_one_name_is_an_error_naming_both(monkeypatch):
    from importlib import metadata

    from jixiao import registry as registry_module

    class Dist:
        def __init__(self, name):
            self.name, self.version = name, "1.0"

    def fake(dist, value):
        ep = metadata.EntryPoint("outsourced-staff-rate", value, "jixiao.plugins")
        return type(
            "EP", (), {"name": ep.name, "value": ep.value, "module": ep.module, "dist": Dist(dist), "load": ep.load}
        )()

    real = list(metadata.entry_points(group="jixiao.plugins"))
    for extra in (
        [
            fake("district-a", "jixiao.plugins.department:outsourced_staff_rate"),
            fake("district-b", "jixiao.plugins.department:staff_control_rate"),
        ],
        [
            fake("district-b", "jixiao.plugins.department:staff_control_rate"),
            fake("district-a", "jixiao.plugins.department:outsourced_staff_rate"),
        ],
    ):
        monkeypatch.setattr(registry_module.metadata, "entry_points", lambda group, found=real + extra: found)
        with pytest.raises(JixiaoError) as err:
            Engine.from_rubric("shenzhen-yantian-2023")
        assert err.value.code == "PLUGIN_CONFLICT" and "district-a" in str(err.value) and "district-b" in str(err.value)
