"""The 盐田 2023 reference rubric (21 leaves) written out by hand in Fraction arithmetic.

Why: an oracle that re-reads the pack's params can share a misreading with the engine;
this one is typed in from the rubric's 参考评分标准 as a finance analyst would score it
with pen and paper, exactly, truncating each indicator score to 0.01 as the published
report does (5.98661 → 5.98). It is checked against the published scores (94.91, 优).

Facts are as the YAML reader gives them: ``Decimal``/``int`` amounts and counts, bools
(or 是/否), ``"93.4%"`` or ``Decimal`` rates, choice keys (or their Chinese labels).

Readings of the rubric text (each agrees with ``pack.yaml`` and the reference notes):
- 政府采购执行情况: "如实际采购金额大于采购计划金额，本项得0分" zeroes the 执行率 item only
  (the pack's ``zero_when`` is on that part); the 政策功能 item still counts.
- 财务合规性: the adjustment item loses 0.1 × (rate − 10%) / 1% pro rata, floor 0; a veto
  (irregular spending) makes the whole indicator 0.
- 预算执行率: each quarter min(支出进度 / 序时进度, 1) × 1; the 全年平均执行率 is the mean of
  the four *uncapped* quarterly ratios (the reference arithmetic: average 1.0277), × 2,
  capped at 2.
- 项目完成及时性: on time / planned × 6, capped at 6; no projects planned → full marks.
- 群众信访办理情况: no petitions received → full marks, whatever the items say.
- 预决算信息公开: 涉密 → full marks, whatever was published.
A leaf whose rate has a zero denominator cannot be scored: its score is None.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction as F

from .rounding import round_fraction
from .values import to_bool, to_fraction

LEAVES = (
    "预算编制合理性",
    "预算编制规范性",
    "绩效目标完整性",
    "绩效指标明确性",
    "政府采购执行情况",
    "财务合规性",
    "预决算信息公开",
    "项目实施程序",
    "项目管理",
    "资产管理安全性",
    "固定资产利用率",
    "财政供养人员控制率",
    "编外人员控制率",
    "管理制度健全性",
    "公用经费控制率",
    "预算执行率",
    "重点工作完成情况",
    "项目完成及时性",
    "社会效益、经济效益、生态效益及可持续影响等",
    "群众信访办理情况",
    "公众或服务对象满意度",
)
WEIGHTS = dict(zip(LEAVES, (5, 5, 5, 5, 2, 3, 3, 2, 2, 2, 1, 1, 1, 3, 6, 6, 8, 6, 25, 3, 6)))
DISCLOSURE_LABELS = {
    "按规定内容、时限、范围公开": "compliant",
    "已公开但存在不符合时限、内容、范围等要求": "partial",
    "未公开": "none",
}


@dataclass
class Result:
    raw: dict[str, F | None] = field(default_factory=dict)  # exact, before truncation
    scores: dict[str, Decimal | None] = field(default_factory=dict)
    total: Decimal | None = None
    grade: str | None = None


def grade_for(total: Decimal) -> str:
    if total >= 90:
        return "优"
    if total >= 80:
        return "良"
    if total >= 60:
        return "中"
    return "差"


def _yes(facts, *names) -> list[bool]:
    return [to_bool(facts[n]) for n in names]


def _n(facts, name) -> F:
    return to_fraction(facts[name])


def _items(facts, weighted: list[tuple[str, F | int]]) -> F:
    return sum((F(p) for name, p in weighted if to_bool(facts[name])), F(0))


def _disclosure(value: str) -> str:
    return DISCLOSURE_LABELS.get(value, value)


def raw_scores(facts: dict) -> dict[str, F | None]:
    s: dict[str, F | None] = {}
    # 1.1.1 预算编制合理性: five items, 1 point each
    s["预算编制合理性"] = F(
        sum(
            _yes(
                facts,
                "budget_fits_duties",
                "budget_allocated_by_priority",
                "special_funds_detailed",
                "classification_accurate",
                "allocation_not_rigid",
            )
        )
    )
    # 1.1.2 预算编制规范性: 5, −1 per non-compliance, floor 0
    s["预算编制规范性"] = max(F(0), 5 - _n(facts, "budget_noncompliance_count"))
    # 1.2.1 绩效目标完整性: 5, −1 per missing or non-conforming target, floor 0
    s["绩效目标完整性"] = max(F(0), 5 - _n(facts, "target_noncompliance_count"))
    # 1.2.2 绩效指标明确性: five items, 1 point each
    s["绩效指标明确性"] = F(
        sum(
            _yes(
                facts,
                "indicators_decompose_tasks",
                "indicators_include_benefits",
                "indicators_clear_values",
                "indicators_quantified",
                "target_values_justified",
            )
        )
    )
    # 2.1.1 政府采购执行情况: 执行率 × 1 (0 if actual > plan) + policy functions 1
    plan, actual = _n(facts, "procurement_plan"), _n(facts, "procurement_actual")
    if plan == 0:
        s["政府采购执行情况"] = None
    else:
        rate = actual / plan
        execution = F(0) if rate > 1 else rate
        s["政府采购执行情况"] = execution + (1 if to_bool(facts["procurement_policy_met"]) else 0)
    # 2.1.2 财务合规性: veto → 0; else spending 1 + adjustment (1 − 0.1 per point over 10%, pro rata) + accounting 1
    if to_bool(facts["irregular_spending"]):
        s["财务合规性"] = F(0)
    else:
        initial = _n(facts, "initial_budget")
        if initial == 0:
            s["财务合规性"] = None
        else:
            adjustment_rate = _n(facts, "budget_adjustment") / initial
            over_points = max(F(0), adjustment_rate - F(1, 10)) / F(1, 100)
            adjustment_item = max(F(0), 1 - F(1, 10) * over_points)
            s["财务合规性"] = (
                (1 if to_bool(facts["spending_compliant"]) else 0)
                + adjustment_item
                + (1 if to_bool(facts["accounting_compliant"]) else 0)
            )
    # 2.1.3 预决算信息公开: 涉密 → full 3; else 1.5 / 1 / 0 for each of budget and final accounts
    if to_bool(facts["classified_unit"]):
        s["预决算信息公开"] = F(3)
    else:
        level = {"compliant": F(3, 2), "partial": F(1), "none": F(0)}
        s["预决算信息公开"] = (
            level[_disclosure(facts["budget_disclosure"])] + level[_disclosure(facts["final_accounts_disclosure"])]
        )
    # 2.2.1, 2.2.2, 2.3.1: two items, 1 point each
    s["项目实施程序"] = F(sum(_yes(facts, "project_approval_compliant", "project_execution_compliant")))
    s["项目管理"] = F(sum(_yes(facts, "monitoring_mechanism_effective", "supervision_effective")))
    s["资产管理安全性"] = F(sum(_yes(facts, "assets_secure", "asset_disposal_compliant")))
    # 2.3.2 固定资产利用率: ≥90% 1; [75%, 90%) 0.7; [60%, 75%) 0.4; <60% 0
    total_assets = _n(facts, "fixed_assets_total")
    if total_assets == 0:
        s["固定资产利用率"] = None
    else:
        u = _n(facts, "fixed_assets_in_use") / total_assets
        s["固定资产利用率"] = F(1) if u >= F(9, 10) else F(7, 10) if u >= F(3, 4) else F(2, 5) if u >= F(3, 5) else F(0)
    # 2.4.1 财政供养人员控制率: 在编 / 核定编制 ≤ 100% → 1, else 0
    posts = _n(facts, "authorized_posts")
    s["财政供养人员控制率"] = None if posts == 0 else (F(1) if _n(facts, "staffed_headcount") / posts <= 1 else F(0))
    # 2.4.2 编外人员控制率: 编外 / (在编 + 编外): <5% 1; [5%, 10%] 0.5; >10% 0
    out, staffed = _n(facts, "outsourced_staff"), _n(facts, "staffed_headcount")
    if staffed + out == 0:
        s["编外人员控制率"] = None
    else:
        r = out / (staffed + out)
        s["编外人员控制率"] = F(1) if r < F(1, 20) else F(1, 2) if r <= F(1, 10) else F(0)
    # 2.5.1 管理制度健全性: 0.5 + 1.5 + 1
    s["管理制度健全性"] = _items(
        facts, [("systems_established", F(1, 2)), ("systems_enforced", F(3, 2)), ("performance_system_established", 1)]
    )

    # 3.1.1 公用经费控制率: 三公 and 日常公用, each <90% 3; [90%, 100%] 2; >100% 0
    def control(actual_name: str, budget_name: str) -> F | None:
        budget = _n(facts, budget_name)
        if budget == 0:
            return None
        c = _n(facts, actual_name) / budget
        return F(3) if c < F(9, 10) else F(2) if c <= 1 else F(0)

    a, b = (
        control("three_public_actual", "three_public_budget"),
        control("office_expense_actual", "office_expense_budget"),
    )
    s["公用经费控制率"] = None if a is None or b is None else a + b
    # 3.2.1 预算执行率: Σ min(进度/序时进度, 1) × 1 + min(平均执行率 × 2, 2)
    budget = _n(facts, "annual_budget")
    if budget == 0:
        s["预算执行率"] = None
    else:
        schedule = (F(1, 4), F(1, 2), F(3, 4), F(1))
        ratios = [
            (_n(facts, q) / budget) / sch for q, sch in zip(("spent_q1", "spent_q2", "spent_q3", "spent_q4"), schedule)
        ]
        average = sum(ratios, F(0)) / 4
        s["预算执行率"] = sum((min(r, F(1)) for r in ratios), F(0)) + min(average * 2, F(2))
    # 3.2.2 重点工作完成情况: 8, −4 per key task not completed, floor 0
    missed = _n(facts, "key_tasks_planned") - _n(facts, "key_tasks_completed")
    s["重点工作完成情况"] = max(F(0), 8 - 4 * missed)
    # 3.2.3 项目完成及时性: no projects → full 6; else on time / planned × 6 (at most 6)
    planned = _n(facts, "projects_planned")
    s["项目完成及时性"] = F(6) if planned == 0 else min(_n(facts, "projects_on_time") / planned, F(1)) * 6
    # 3.3.1 效果性: the evaluator's score in [0, 25], with a written reason
    score = _n(facts, "effectiveness_score")
    reason = facts.get("effectiveness_reason")
    ok = 0 <= score <= 25 and isinstance(reason, str) and reason.strip() != ""
    s["社会效益、经济效益、生态效益及可持续影响等"] = score if ok else None
    # 3.4.1 群众信访办理情况: no petitions → full 3; else three items, 1 point each
    if _n(facts, "petitions_received") == 0:
        s["群众信访办理情况"] = F(3)
    else:
        s["群众信访办理情况"] = F(
            sum(_yes(facts, "petition_channel_established", "petitions_all_replied", "petitions_replied_on_time"))
        )
    # 3.4.2 公众或服务对象满意度: ≥95% 6; [90%, 95%) 4; [80%, 90%) 2; <80% 1
    sat = _n(facts, "satisfaction_rate")
    s["公众或服务对象满意度"] = (
        F(6) if sat >= F(95, 100) else F(4) if sat >= F(9, 10) else F(2) if sat >= F(4, 5) else F(1)
    )
    assert tuple(s) == LEAVES
    return s


def evaluate(facts: dict) -> Result:
    raw = raw_scores(facts)
    scores = {name: None if v is None else round_fraction(v, 2, "truncate") for name, v in raw.items()}
    result = Result(raw=raw, scores=scores)
    if all(v is not None for v in scores.values()):
        result.total = sum(scores.values(), Decimal("0.00"))  # a sum of 2-place Decimals: exact
        result.grade = grade_for(result.total)
    return result
