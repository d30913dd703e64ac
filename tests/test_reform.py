"""District packs as reforms of a base pack: labelled overrides, their errors, their traces."""

from __future__ import annotations

import textwrap
from decimal import Decimal

import pytest

from jixiao import Engine, JixiaoError
from jixiao.pack import load_pack

HEAD = """\
id: district-test
extend: shenzhen-yantian-2023
title: 测试区
overrides:
"""


def write(tmp_path, overrides: str):
    d = tmp_path / "district"
    d.mkdir(exist_ok=True)
    (d / "pack.yaml").write_text(HEAD + textwrap.indent(textwrap.dedent(overrides), "  "), encoding="utf-8")
    return d


def test_example_district_changes_exactly_its_three_indicators(py_engine, reference_doc):
    district = Engine.from_rubric("example-district-2023", rules="python")
    base, card = py_engine.evaluate(reference_doc), district.evaluate(reference_doc)
    changed = {
        leaf.name: (base[leaf.code].score, leaf.score) for leaf in card.leaves() if leaf.score != base[leaf.code].score
    }
    assert changed == {
        "政府采购执行情况": (Decimal("1.98"), Decimal("1.5")),
        "财务合规性": (Decimal("2.95"), Decimal("2.9")),
    }
    assert card.total == Decimal("94.38")
    assert [o["authority"] for o in card.overrides] == ["示财〔2024〕3号"] * 3
    assert (
        card.overrides[0]["reason"].startswith("从严控制编外人员规模")
        and card.overrides[0]["effective"] == "2024-01-01"
    )
    assert card["财务合规性"].origins["params.parts.1.step"].startswith("示财〔2024〕3号：")
    assert card["预算执行率"].origins["params.periods"] == "shenzhen-yantian-2023"
    assert district.pack.digest != py_engine.pack.digest and district.pack.base == "shenzhen-yantian-2023"


@pytest.mark.parametrize(
    "outsourced,base_score,district_score", [(16, "0", "0"), (1, "1", "1"), (2, "0.5", "0.5"), (3, "0.5", "0")]
)
def test_example_district_outsourced_bands(py_engine, reference_doc, outsourced, base_score, district_score):
    import copy

    doc = copy.deepcopy(reference_doc)
    doc["facts"]["outsourced_staff"] = outsourced
    district = Engine.from_rubric("example-district-2023", rules="python")
    assert py_engine.evaluate(doc)["编外人员控制率"].score == Decimal(base_score)
    assert district.evaluate(doc)["编外人员控制率"].score == Decimal(district_score)


def test_drop_with_rescale(tmp_path, reference_doc):
    d = write(
        tmp_path,
        """\
        - target: 群众信访办理情况
          drop: rescale
          reason: 本区信访由专门机构考核
          authority: 测财〔2024〕1号
        """,
    )
    card = Engine.from_rubric(d, rules="python").evaluate(reference_doc)
    assert "群众信访办理情况" not in card.by_name
    assert card.raw_total == Decimal("91.91") and card.total == Decimal("94.75")  # 91.91 × 100/97, truncated


def test_drop_moving_points_to_a_sibling(tmp_path, reference_doc):
    d = write(
        tmp_path,
        """\
        - target: 群众信访办理情况
          drop: {move_to: 公众或服务对象满意度}
          reason: 信访情况并入满意度
          authority: 测财〔2024〕2号
        """,
    )
    card = Engine.from_rubric(d, rules="python").evaluate(reference_doc)
    assert card["公众或服务对象满意度"].weight == Decimal(9) and card["公众或服务对象满意度"].score == Decimal(9)
    assert card.total == Decimal("94.91")


def _error(tmp_path, overrides: str) -> JixiaoError:
    with pytest.raises(JixiaoError) as err:
        load_pack(write(tmp_path, overrides))
    return err.value


def test_duplicate_override_is_an_error_with_line(tmp_path):
    err = _error(
        tmp_path,
        """\
        - {target: 编外人员控制率, set: {params.domain: "[0, ∞)"}, reason: 甲, authority: 测1}
        - {target: "2.4.2", set: {params.domain: "[0, 1]"}, reason: 乙, authority: 测2}
        """,
    )
    assert err.code == "PACK_OVERRIDE" and "重复" in err.problems[0].message
    assert "pack.yaml:6" in err.problems[0].message


@pytest.mark.parametrize(
    "body,needle",
    [
        ("- {target: 不存在的指标, set: {weight: 1}, reason: 甲, authority: 测1}", "不存在"),
        ("- {target: 编外人员控制率, set: {params.no_such: 1}, reason: 甲, authority: 测1}", "不存在"),
        ("- {target: 编外人员控制率, set: {code: x}, reason: 甲, authority: 测1}", "不能修改"),
        (
            "- {add: {parent: 人员管理, indicator: {code: '2.4.2', name: 编外人员控制率, weight: 1, use: bands}}, "
            "reason: 甲, authority: 测1}",
            "重名",
        ),
        ("- {target: 项目管理, set: {weight: 2}, reason: 甲, authority: 测1}", "多个指标"),
    ],
)
def test_override_errors(tmp_path, body, needle):
    err = _error(tmp_path, body + "\n")
    assert err.code == "PACK_OVERRIDE" and needle in err.problems[0].message
    assert "pack.yaml:5" in err.problems[0].message


def test_weight_change_must_balance(tmp_path):
    err = _error(tmp_path, "- {target: 编外人员控制率, set: {weight: 2}, reason: 甲, authority: 测1}\n")
    assert err.code == "PACK_WEIGHTS" and "人员管理" in err.problems[0].message


def test_extend_cycle_is_refused(tmp_path):
    a, b = tmp_path / "a", tmp_path / "b"
    a.mkdir(), b.mkdir()
    (a / "pack.yaml").write_text("id: a\nextend: ../b\n", encoding="utf-8")
    (b / "pack.yaml").write_text("id: b\nextend: ../a\n", encoding="utf-8")
    with pytest.raises(JixiaoError) as err:
        load_pack(a)
    assert "循环" in str(err.value)


def test_compare_two_packs_side_by_side():
    import json

    from click.testing import CliRunner

    from jixiao.cli import main

    facts = "examples/yantian-2023/facts.yaml"
    out = CliRunner().invoke(main, ["evaluate", facts, "--compare", "example-district-2023"])
    assert out.exit_code == 0, out.output
    line = next(x for x in out.output.splitlines() if "政府采购执行情况" in x)
    assert line.split()[-3:] == ["1.5", "-0.48"] or line.split()[-2:] == ["1.5", "-0.48"]
    assert "94.91" in out.output and "94.38" in out.output and "-0.53" in out.output
    data = json.loads(
        CliRunner().invoke(main, ["evaluate", facts, "--compare", "example-district-2023", "--format", "json"]).output
    )
    assert data["total_difference"] == "-0.53"
    assert {r["name"]: r["difference"] for r in data["indicators"] if r["difference"] not in ("0", None)} == {
        "政府采购执行情况": "-0.48",
        "财务合规性": "-0.05",
    }


def test_compare_writes_to_the_file_asked_for(tmp_path):
    """``-o`` is honoured with ``--compare`` as without it (it was ignored: the comparison went to stdout)."""
    import json

    from click.testing import CliRunner

    from jixiao.cli import main

    facts = "examples/yantian-2023/facts.yaml"
    for fmt, name in (("json", "c.json"), ("table", "c.txt")):
        target = tmp_path / name
        out = CliRunner().invoke(
            main, ["evaluate", facts, "--compare", "example-district-2023", "--format", fmt, "-o", str(target)]
        )
        assert out.exit_code == 0 and out.output == "", out.output
        text = target.read_text(encoding="utf-8")
        assert ("-0.53" in text) and (fmt != "json" or json.loads(text)["total_difference"] == "-0.53")
