"""Exact scores at truncation edges, and input that is refused rather than guessed.

Each test here is one finding of a user who redid the arithmetic or fed in what a
department actually sends: a quotient truncated after 28 digits, "305,63" read as
30,563, a duplicated key silently kept, floats from ``json.load`` refused, a caller's
decimal context leaking into pack loading, huge values ending in ``InvalidOperation``.
"""

from __future__ import annotations

import decimal
import json
from decimal import Decimal
from pathlib import Path

import pytest
import yaml
from conftest import with_facts

from jixiao import Engine
from jixiao.yamlio import load_path

ROOT = Path(__file__).resolve().parent.parent
REFERENCE = ROOT / "examples" / "yantian-2023" / "facts.yaml"


def problems(leaf) -> list[tuple[str, str | None]]:
    return [(p.code, p.field) for p in leaf.problems]


# ---- exact arithmetic -------------------------------------------------------------------------


def test_two_of_fifteen_projects_on_time_is_exactly_eighty_hundredths(py_engine, reference_doc):
    card = py_engine.evaluate(with_facts(reference_doc, projects_planned=15, projects_on_time=2))
    assert card["项目完成及时性"].score == Decimal("0.80")  # 2/15 × 6; a 28-digit quotient truncates to 0.79


def test_budget_execution_at_a_truncation_edge(engine, reference_doc):
    facts = dict(
        annual_budget=Decimal(3664),
        spent_q1=Decimal("952.64"),
        spent_q2=Decimal("1696.43"),
        spent_q3=Decimal("2729.68"),
        spent_q4=Decimal("3495.46"),
    )
    assert engine.evaluate(with_facts(reference_doc, **facts))["预算执行率"].score == Decimal("5.83")


def test_raw_values_in_json_are_exact(py_engine, reference_doc):
    leaf = py_engine.evaluate(with_facts(reference_doc, projects_planned=15, projects_on_time=2))[
        "项目完成及时性"
    ].to_dict()
    assert leaf["raw_score"] == "0.8" and leaf["deductions"][0]["points"] == "5.2"
    outsourced = py_engine.evaluate(reference_doc)["编外人员控制率"].to_dict()
    assert outsourced["intermediates"][0]["value"] == "16/53" and outsourced["intermediates"][0]["shown"] == "30.2%"


# ---- numbers that are refused, not guessed ----------------------------------------------------


@pytest.mark.parametrize(
    "raw,code,says",
    [
        ("305,63", "FACT_FORMAT", "若是小数请写 305.63，若是整数请写 30563"),
        ("12%", "FACT_FORMAT", "不是比率"),
        ("３０５.６３", "FACT_FORMAT", "305.63"),
        ("三百零五", "FACT_FORMAT", "阿拉伯数字"),
        ("305.63万元", "FACT_FORMAT", "单位"),
        ("1.234,56", "FACT_FORMAT", "小数点之后"),
        ("30,5630", "FACT_FORMAT", "千位分隔符"),
        ("1_000", "FACT_TYPE", "_"),
        ("1e400", "FACT_LIMIT", "10^15"),
        (Decimal("1E+30"), "FACT_LIMIT", "10^15"),
        (10**30, "FACT_LIMIT", "10^15"),
        (float("nan"), "FACT_TYPE", "NaN"),
        (float("inf"), "FACT_TYPE", "无穷大"),
    ],
)
def test_an_ambiguous_amount_is_refused_saying_what_to_write(py_engine, reference_doc, raw, code, says):
    leaf = py_engine.evaluate(with_facts(reference_doc, procurement_actual=raw))["政府采购执行情况"]
    assert leaf.status == "not_evaluable" and problems(leaf) == [(code, "procurement_actual")]
    message = leaf.problems[0].message
    assert says in message and "实际采购金额" in message, message


@pytest.mark.parametrize(
    "raw,value", [("1,234.56", "1234.56"), ("1234.56", "1234.56"), (" 305.63 ", "305.63"), ("1e2", "100")]
)
def test_plain_amounts_are_read_as_written(py_engine, reference_doc, raw, value):
    card = py_engine.evaluate(with_facts(reference_doc, procurement_plan=raw, procurement_actual=raw))
    leaf = card["政府采购执行情况"]
    assert leaf.status == "scored" and leaf.inputs[0].value == Decimal(value)


@pytest.mark.parametrize("raw", ["98.1%", "98.1％", "0.981", Decimal("0.981"), 0.981])
def test_a_rate_may_carry_a_percent_sign(py_engine, reference_doc, raw):
    leaf = py_engine.evaluate(with_facts(reference_doc, satisfaction_rate=raw))["公众或服务对象满意度"]
    assert leaf.status == "scored" and leaf.inputs[0].value == Decimal("0.981")


@pytest.mark.parametrize("raw", ["37%", "37.0", "３７"])
def test_a_count_is_a_plain_integer(py_engine, reference_doc, raw):
    leaf = py_engine.evaluate(with_facts(reference_doc, staffed_headcount=raw))["编外人员控制率"]
    if raw == "37.0":
        assert leaf.status == "scored"
    else:
        assert leaf.status == "not_evaluable" and problems(leaf)[0][0] == "FACT_FORMAT"


def test_floats_from_json_load_and_safe_load_score_as_written():
    """README says "or a dict": a dict from json.load or yaml.safe_load carries floats; 305.63 is 305.63."""
    engine = Engine.from_rubric("shenzhen-yantian-2023", rules="python")
    text = REFERENCE.read_text(encoding="utf-8")
    from_yaml = yaml.safe_load(text)
    assert isinstance(from_yaml["facts"]["procurement_plan"], float)
    from_json = json.loads(json.dumps(from_yaml, ensure_ascii=False))
    for doc in (from_yaml, from_json):
        card = engine.evaluate(doc)
        assert card.complete and card.total == Decimal("94.91") and card.grade == "优"
        assert {i.name: i.value for i in card["政府采购执行情况"].inputs}["procurement_plan"] == Decimal("311.63")


# ---- documents: duplicate keys, odd YAML numbers, sizes ---------------------------------------


def test_a_key_written_twice_in_yaml_names_both_lines(tmp_path):
    text = REFERENCE.read_text(encoding="utf-8").replace(
        "  procurement_actual: 305.63\n", "  procurement_actual: 305.63\n  procurement_actual: 30563\n"
    )
    path = tmp_path / "facts.yaml"
    path.write_text(text, encoding="utf-8")
    first = text.splitlines().index("  procurement_actual: 305.63") + 1
    with pytest.raises(Exception) as err:
        Engine.from_rubric("shenzhen-yantian-2023", rules="python").evaluate(path)
    assert err.value.code == "DUPLICATE_KEY"
    assert (
        f"第 {first + 1} 行" in str(err.value)
        and f"第 {first} 行已有" in str(err.value)
        and "procurement_actual" in str(err.value)
    )


def test_a_key_written_twice_in_json_names_both_lines(tmp_path):
    doc = load_path(REFERENCE)
    text = json.dumps(doc, ensure_ascii=False, indent=1, default=str)
    text = text.replace(
        '"procurement_actual": "305.63",', '"procurement_actual": "305.63",\n  "procurement_actual": "30563",'
    )
    path = tmp_path / "facts.json"
    path.write_text(text, encoding="utf-8")
    first = next(i for i, line in enumerate(text.splitlines(), 1) if '"procurement_actual"' in line)
    with pytest.raises(Exception) as err:
        Engine.from_rubric("shenzhen-yantian-2023", rules="python").evaluate(path)
    assert err.value.code == "DUPLICATE_KEY"
    assert f"第 {first + 1} 行" in str(err.value) and f"第 {first} 行已有" in str(err.value)


def test_yaml_octal_hex_and_base_sixty_are_not_read_as_numbers(py_engine, reference_doc, tmp_path):
    """YAML 1.1 reads 044 as 36 and 1:30 as 90; jixiao reads what the department wrote, or refuses."""
    text = REFERENCE.read_text(encoding="utf-8")
    text = text.replace("authorized_posts: 44", "authorized_posts: 044").replace("id: yantian-qwb", "id: 0012")
    text = text.replace("key_tasks_planned: 6", "key_tasks_planned: 0x6").replace(
        "projects_planned: 20", "projects_planned: 0:20"
    )
    path = tmp_path / "facts.yaml"
    path.write_text(text, encoding="utf-8")
    card = py_engine.evaluate(path)
    assert card.department_id == "0012"
    assert {i.name: i.value for i in card["财政供养人员控制率"].inputs}["authorized_posts"] == 44
    assert problems(card["重点工作完成情况"]) == [("FACT_TYPE", "key_tasks_planned")]
    assert [c for c, _ in problems(card["项目完成及时性"])] == ["FACT_TYPE"]


def test_a_yaml_alias_bomb_is_refused_quickly(tmp_path):
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for prev, name in zip("abcdefgh", "bcdefghi"):
        lines.append(f"{name}: &{name} [{', '.join([f'*{prev}'] * 10)}]")
    path = tmp_path / "facts.yaml"
    path.write_text("\n".join(lines) + "\nfacts: {}\n", encoding="utf-8")
    with pytest.raises(Exception) as err:
        Engine.from_rubric("shenzhen-yantian-2023", rules="python").evaluate(path)
    assert err.value.code == "INPUT_LIMIT" and "别名" in str(err.value)


# ---- the decimal context and extreme values ---------------------------------------------------


def test_a_callers_decimal_context_at_pack_load_changes_nothing(reference_doc):
    with decimal.localcontext() as ctx:
        ctx.prec, ctx.rounding = 3, decimal.ROUND_UP
        engine = Engine.from_rubric("shenzhen-yantian-2023", rules="python")
        card = engine.evaluate(reference_doc)
    assert card.total == Decimal("94.91") and card.grade == "优"
    assert engine.pack.digest == Engine.from_rubric("shenzhen-yantian-2023", rules="python").pack.digest


@pytest.mark.parametrize("big", [Decimal("1E+30"), 10**30, "1e400", Decimal("1E+400")])
def test_huge_values_are_refused_naming_the_fact(engine, reference_doc, big):
    facts = {
        name: big
        for name in (
            "procurement_plan",
            "fixed_assets_total",
            "annual_budget",
            "three_public_budget",
            "initial_budget",
            "authorized_posts",
            "staffed_headcount",
            "projects_planned",
            "key_tasks_planned",
        )
    }
    card = engine.evaluate(with_facts(reference_doc, **facts))
    for leaf in card.leaves():
        assert leaf.status != "error", (leaf.name, [p.message for p in leaf.problems])
        for p in leaf.problems:
            assert p.code == "FACT_LIMIT" and p.field in facts and ":" not in p.field
            assert engine.fact_model.specs[p.field].label in p.message


@pytest.mark.parametrize("big", [Decimal("999999999999999.99"), 10**15 - 1, Decimal("0.00000000000000000001")])
def test_values_just_inside_the_limits_score(engine, reference_doc, big):
    facts = {
        name: big for name in ("procurement_plan", "procurement_actual", "fixed_assets_total", "fixed_assets_in_use")
    }
    card = engine.evaluate(with_facts(reference_doc, **facts))
    assert card["政府采购执行情况"].status == card["固定资产利用率"].status == "scored"
