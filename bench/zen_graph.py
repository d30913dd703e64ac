"""The 盐田 2023 rubric as a GoRules zen-engine decision graph (JDM), for ``bench/peers.py``.

One expression node computes the 21 leaves, each truncated to 0.01, in ZEN's expression
language (decimal arithmetic, ternaries for the bands, ``min``/``max`` over lists); a
second sums them and grades the total. It is written the way a zen user would write this
rubric, from the same 评分标准 as ``bench/handwritten.py``, and shares no code with the
engine. ``context`` turns a synthetic department's facts into the JSON zen reads: numbers
as JSON numbers written exactly (never through a float), 是/否 as booleans.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from decimal import Decimal
from typing import Any

import handwritten

FLAGS = (
    "budget_fits_duties budget_allocated_by_priority special_funds_detailed classification_accurate "
    "allocation_not_rigid indicators_decompose_tasks indicators_include_benefits indicators_clear_values "
    "indicators_quantified target_values_justified procurement_policy_met irregular_spending spending_compliant "
    "accounting_compliant classified_unit project_approval_compliant project_execution_compliant "
    "monitoring_mechanism_effective supervision_effective assets_secure asset_disposal_compliant "
    "systems_established systems_enforced performance_system_established petition_channel_established "
    "petitions_all_replied petitions_replied_on_time"
).split()
TEXTS = ("budget_disclosure", "final_accounts_disclosure", "effectiveness_reason")


def trunc(x: str) -> str:
    return f"floor(({x}) * 100) / 100"


def chk(*items: tuple[str, str | int]) -> str:
    return "(" + " + ".join(f"({name} ? {points} : 0)" for name, points in items) + ")"


def per_occurrence(n: str, step: int, weight: int) -> str:
    return f"({weight} - min([max([{n}, 0]) * {step}, {weight}]))"


def three_band(v: str) -> str:
    return f"(({v}) < 0.9 ? 3 : (({v}) <= 1 ? 2 : 0))"


def level(x: str) -> str:
    full = f'({x} == "compliant" or {x} == "按规定内容、时限、范围公开")'
    part = f'({x} == "partial" or {x} == "已公开但存在不符合时限、内容、范围等要求")'
    return f"({full} ? 1.5 : ({part} ? 1 : 0))"


def leaves() -> dict[str, str]:
    # multiplied before divided wherever the rubric allows: ZEN's decimals carry 28 digits, not fractions
    ratios = [f"(spent_q{i} * {m} / ({d} * annual_budget))" for i, m, d in ((1, 4, 1), (2, 2, 1), (3, 4, 3), (4, 1, 1))]
    procurement = "(procurement_actual / procurement_plan)"
    adjustment = "(budget_adjustment / initial_budget)"
    assets = "(fixed_assets_in_use / fixed_assets_total)"
    outsourced = "(outsourced_staff / (staffed_headcount + outsourced_staff))"
    return {
        "预算编制合理性": chk(*((n, 1) for n in FLAGS[0:5])),
        "预算编制规范性": per_occurrence("budget_noncompliance_count", 1, 5),
        "绩效目标完整性": per_occurrence("target_noncompliance_count", 1, 5),
        "绩效指标明确性": chk(*((n, 1) for n in FLAGS[5:10])),
        "政府采购执行情况": f"({procurement} > 1 ? 0 : max([min([{procurement}, 1]), 0])) + "
        + chk(("procurement_policy_met", 1)),
        "财务合规性": (
            f"irregular_spending ? 0 : {chk(('spending_compliant', 1))} + "
            f"({adjustment} > 0.1 ? 1 - min([({adjustment} - 0.1) * 100 * 0.1, 1]) : 1) + "
            + chk(("accounting_compliant", 1))
        ),
        "预决算信息公开": f"classified_unit ? 3 : {level('budget_disclosure')} + {level('final_accounts_disclosure')}",
        "项目实施程序": chk(("project_approval_compliant", 1), ("project_execution_compliant", 1)),
        "项目管理": chk(("monitoring_mechanism_effective", 1), ("supervision_effective", 1)),
        "资产管理安全性": chk(("assets_secure", 1), ("asset_disposal_compliant", 1)),
        "固定资产利用率": f"{assets} >= 0.9 ? 1 : ({assets} >= 0.75 ? 0.7 : ({assets} >= 0.6 ? 0.4 : 0))",
        "财政供养人员控制率": "staffed_headcount / authorized_posts <= 1 ? 1 : 0",
        "编外人员控制率": f"{outsourced} < 0.05 ? 1 : ({outsourced} <= 0.1 ? 0.5 : 0)",
        "管理制度健全性": chk(
            ("systems_established", "0.5"), ("systems_enforced", "1.5"), ("performance_system_established", 1)
        ),
        "公用经费控制率": three_band("three_public_actual / three_public_budget")
        + " + "
        + three_band("office_expense_actual / office_expense_budget"),
        "预算执行率": " + ".join(f"min([{r}, 1])" for r in ratios) + f" + min([({' + '.join(ratios)}) / 2, 2])",
        "重点工作完成情况": per_occurrence("key_tasks_planned - key_tasks_completed", 4, 8),
        "项目完成及时性": "projects_planned == 0 ? 6 : max([min([projects_on_time * 6 / projects_planned, 6]), 0])",
        "社会效益、经济效益、生态效益及可持续影响等": "effectiveness_score",
        "群众信访办理情况": "petitions_received == 0 ? 3 : "
        + chk(("petition_channel_established", 1), ("petitions_all_replied", 1), ("petitions_replied_on_time", 1)),
        "公众或服务对象满意度": "satisfaction_rate >= 0.95 ? 6 : "
        "(satisfaction_rate >= 0.9 ? 4 : (satisfaction_rate >= 0.8 ? 2 : 1))",
    }


def graph() -> str:
    """The decision graph, as the JSON zen's ``create_decision`` takes."""
    names = list(leaves())
    node = lambda i, kind, name, **extra: {"id": i, "type": kind, "name": name, "position": {"x": 0, "y": 0}, **extra}
    expressions = [
        {"id": f"l{i}", "key": f"leaves.{n}", "value": trunc(v)} for i, (n, v) in enumerate(leaves().items())
    ]
    total = " + ".join(f'leaves["{n}"]' for n in names)
    summary = [
        {"id": "t", "key": "total", "value": total},
        {
            "id": "g",
            "key": "grade",
            "value": f'({total}) >= 90 ? "优" : (({total}) >= 80 ? "良" : (({total}) >= 60 ? "中" : "差"))',
        },
        {"id": "l", "key": "leaves", "value": "leaves"},
    ]
    nodes = [
        node("in", "inputNode", "事实"),
        node("leaves", "expressionNode", "21 个末级指标", content={"expressions": expressions}),
        node("sum", "expressionNode", "总分与等级", content={"expressions": summary}),
        node("out", "outputNode", "结果"),
    ]
    edges = [
        {"id": f"e{i}", "sourceId": a, "targetId": b, "type": "edge"}
        for i, (a, b) in enumerate((("in", "leaves"), ("leaves", "sum"), ("sum", "out")))
    ]
    return json.dumps({"nodes": nodes, "edges": edges}, ensure_ascii=False)


def context(facts: Mapping[str, Any]) -> str:
    """A department's facts as zen's JSON input: exact numbers, booleans, texts."""
    parts = []
    for name, value in facts.items():
        if name in FLAGS:
            text = "true" if handwritten.flag(facts, name) else "false"
        elif name in TEXTS:
            text = json.dumps(value, ensure_ascii=False)
        else:
            number = handwritten._number(facts, name)
            text = format(number.normalize() if number == number.to_integral_value() else number, "f")
        parts.append(f"{json.dumps(name)}: {text}")
    return "{" + ", ".join(parts) + "}"


def scores(result: Mapping[str, Any]) -> tuple[dict[str, Decimal], Decimal, str]:
    """zen's answer as the hand-written scorer's: leaf scores and total as Decimal, the grade."""
    out = result["result"]
    return (
        {k: Decimal(str(v)) for k, v in out["leaves"].items()},
        Decimal(str(out["total"])),
        out["grade"],
    )
