"""The 盐田 2023 rubric written out by hand: the yardstick the engine is timed against.

Why it exists: "how fast is the engine?" only means something next to "how fast is the
plainest correct program for the same rubric?". This is that program: one function,
plain Decimal arithmetic, if/elif bands, truncation to 0.01, no explanations, no
plugins, no pydantic. It reads the pack's thresholds as literals, exactly as a
programmer copying the 评分标准 would.

Because it shares no code with the engine (not even the number parser), bench/run.py
also uses it as a cross-check: every department it times must get the same 21 leaf
scores and total from both, or the run aborts.

Semantics it reproduces, from the rubric text and the pack:
- a leaf whose facts are missing or unusable is not scored (None), never silently 0;
- a veto (财务合规性: irregular spending) gives 0 and an exemption (涉密单位, no projects,
  no petitions) gives full marks, both even when the leaf's other facts are unusable;
- the formulas divide first and multiply by the points after ("已完成项目数/计划完成
  项目总数×6分"); every quotient is an exact fraction, so 2/15 × 6 truncates to 0.80
  (a 28-digit Decimal quotient would give 0.79); each leaf is truncated to 0.01 with
  integer arithmetic and the total is the sum of the truncated leaves.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import ROUND_DOWN, Decimal, InvalidOperation
from fractions import Fraction
from typing import Any

Exact = Decimal | Fraction

CENT = Decimal("0.01")
ZERO, ONE = Decimal(0), Decimal(1)
TRUE = {True, "true", "是", "yes", "y", "1", "已", "符合"}
FALSE = {False, "false", "否", "no", "n", "0", "未", "不符合"}


class Unusable(Exception):
    """A fact the leaf needs is missing or not a valid value."""


def _number(facts: Mapping[str, Any], name: str) -> Decimal:
    raw = facts.get(name)
    if isinstance(raw, bool) or raw is None:
        raise Unusable(name)
    if isinstance(raw, (Decimal, int)):
        value = Decimal(raw)
    elif isinstance(raw, str):
        text = raw.strip().replace(",", "").replace("，", "")
        percent = text.endswith(("%", "％"))
        try:
            value = Decimal(text[:-1] if percent else text)
        except InvalidOperation:
            raise Unusable(name) from None
        value = value / 100 if percent else value
    else:
        raise Unusable(name)
    if not value.is_finite():
        raise Unusable(name)
    return value


def money(facts: Mapping[str, Any], name: str) -> Decimal:
    value = _number(facts, name)
    if value < 0:
        raise Unusable(name)
    return value


def count(facts: Mapping[str, Any], name: str) -> Decimal:
    value = money(facts, name)
    if value != value.to_integral_value():
        raise Unusable(name)
    return value


def rate(facts: Mapping[str, Any], name: str) -> Decimal:
    value = _number(facts, name)
    if not ZERO <= value <= ONE:
        raise Unusable(name)
    return value


def flag(facts: Mapping[str, Any], name: str) -> bool:
    raw = facts.get(name)
    key = raw.strip().lower() if isinstance(raw, str) else raw
    if isinstance(key, (bool, str)) and key in TRUE:
        return True
    if isinstance(key, (bool, str)) and key in FALSE:
        return False
    raise Unusable(name)


def checklist(facts: Mapping[str, Any], items: tuple[tuple[str, str], ...]) -> Decimal:
    flags = [(flag(facts, name), Decimal(points)) for name, points in items]  # all usable, or none scored
    return sum((points for met, points in flags if met), ZERO)


def per_occurrence(n: Decimal, step: int, weight: int) -> Decimal:
    return weight - min(max(n, ZERO) * step, Decimal(weight))


def ratio_of(facts: Mapping[str, Any], top: str, bottom: str, kind=money) -> Fraction:
    a, b = kind(facts, top), kind(facts, bottom)
    if b == 0:
        raise Unusable(bottom)
    return Fraction(a) / Fraction(b)


def truncated(value: Exact) -> Decimal:
    """To 0.01 toward zero, exactly (scores are never negative)."""
    if isinstance(value, Decimal):
        return value.quantize(CENT, rounding=ROUND_DOWN)
    return Decimal(value.numerator * 100 // value.denominator).scaleb(-2)


def three_band(value: Exact) -> Decimal:
    """公用经费控制率: <90% → 3, 90%–100% → 2, >100% → 0."""
    if value < Decimal("0.9"):
        return Decimal(3)
    elif value <= ONE:
        return Decimal(2)
    return ZERO


def _leaves(f: Mapping[str, Any]) -> dict[str, Any]:
    """Each leaf as a zero-argument function, so one unusable fact spoils only its own leaf."""

    def procurement():
        v = ratio_of(f, "procurement_actual", "procurement_plan")
        part = 0 if v > ONE else max(min(v, Fraction(1)), Fraction(0))
        return part + Fraction(checklist(f, (("procurement_policy_met", 1),)))

    def financial():
        if flag(f, "irregular_spending"):
            return ZERO  # veto
        v = ratio_of(f, "budget_adjustment", "initial_budget")
        adjust = (
            1 - min((v - Fraction(1, 10)) * 100 * Fraction(1, 10), Fraction(1)) if v > Fraction(1, 10) else Fraction(1)
        )
        return (
            Fraction(checklist(f, (("spending_compliant", 1),)))
            + adjust
            + Fraction(checklist(f, (("accounting_compliant", 1),)))
        )

    def disclosure():
        if flag(f, "classified_unit"):
            return Decimal(3)  # exempt
        levels = {
            "compliant": Decimal("1.5"),
            "partial": ONE,
            "none": ZERO,
            "按规定内容、时限、范围公开": Decimal("1.5"),
            "已公开但存在不符合时限、内容、范围等要求": ONE,
            "未公开": ZERO,
        }
        budget, final = f.get("budget_disclosure"), f.get("final_accounts_disclosure")
        if budget not in levels:
            raise Unusable("budget_disclosure")
        if final not in levels:
            raise Unusable("final_accounts_disclosure")
        return levels[budget] + levels[final]

    def fixed_assets():
        v = ratio_of(f, "fixed_assets_in_use", "fixed_assets_total")
        if v >= Decimal("0.9"):
            return ONE
        elif v >= Decimal("0.75"):
            return Decimal("0.7")
        elif v >= Decimal("0.6"):
            return Decimal("0.4")
        return ZERO

    def staff():
        return ONE if ratio_of(f, "staffed_headcount", "authorized_posts", count) <= ONE else ZERO

    def outsourced():
        staffed, out = count(f, "staffed_headcount"), count(f, "outsourced_staff")
        if staffed + out == 0:
            raise Unusable("outsourced_staff")
        v = Fraction(out) / Fraction(staffed + out)
        if v < Decimal("0.05"):
            return ONE
        elif v <= Decimal("0.1"):
            return Decimal("0.5")
        return ZERO

    def execution():
        budget = money(f, "annual_budget")
        spent = [money(f, q) for q in ("spent_q1", "spent_q2", "spent_q3", "spent_q4")]
        if budget == 0:
            raise Unusable("annual_budget")
        score, ratios = Fraction(0), []
        for s, schedule in zip(spent, (Fraction(1, 4), Fraction(1, 2), Fraction(3, 4), Fraction(1))):
            ratios.append(Fraction(s) / Fraction(budget) / schedule)  # 季度支出进度 ÷ 序时进度
            score += min(ratios[-1], Fraction(1))
        return score + min(sum(ratios, Fraction(0)) / 4 * 2, Fraction(2))

    def key_tasks():
        return per_occurrence(count(f, "key_tasks_planned") - count(f, "key_tasks_completed"), 4, 8)

    def timeliness():
        if count(f, "projects_planned") == 0:
            return Decimal(6)  # exempt: no projects this year
        return max(min(ratio_of(f, "projects_on_time", "projects_planned", count), ONE), ZERO) * 6

    def effectiveness():
        score = _number(f, "effectiveness_score")
        reason = f.get("effectiveness_reason")
        if not ZERO <= score <= 25:
            raise Unusable("effectiveness_score")
        if not isinstance(reason, str) or not reason.strip():
            raise Unusable("effectiveness_reason")
        return score

    def petitions():
        if count(f, "petitions_received") == 0:
            return Decimal(3)  # exempt: no petitions this year
        return checklist(
            f, (("petition_channel_established", 1), ("petitions_all_replied", 1), ("petitions_replied_on_time", 1))
        )

    def satisfaction():
        v = rate(f, "satisfaction_rate")
        if v >= Decimal("0.95"):
            return Decimal(6)
        elif v >= Decimal("0.9"):
            return Decimal(4)
        elif v >= Decimal("0.8"):
            return Decimal(2)
        return ONE

    return {
        "预算编制合理性": lambda: checklist(
            f,
            (
                ("budget_fits_duties", 1),
                ("budget_allocated_by_priority", 1),
                ("special_funds_detailed", 1),
                ("classification_accurate", 1),
                ("allocation_not_rigid", 1),
            ),
        ),
        "预算编制规范性": lambda: per_occurrence(count(f, "budget_noncompliance_count"), 1, 5),
        "绩效目标完整性": lambda: per_occurrence(count(f, "target_noncompliance_count"), 1, 5),
        "绩效指标明确性": lambda: checklist(
            f,
            (
                ("indicators_decompose_tasks", 1),
                ("indicators_include_benefits", 1),
                ("indicators_clear_values", 1),
                ("indicators_quantified", 1),
                ("target_values_justified", 1),
            ),
        ),
        "政府采购执行情况": procurement,
        "财务合规性": financial,
        "预决算信息公开": disclosure,
        "项目实施程序": lambda: checklist(f, (("project_approval_compliant", 1), ("project_execution_compliant", 1))),
        "项目管理": lambda: checklist(f, (("monitoring_mechanism_effective", 1), ("supervision_effective", 1))),
        "资产管理安全性": lambda: checklist(f, (("assets_secure", 1), ("asset_disposal_compliant", 1))),
        "固定资产利用率": fixed_assets,
        "财政供养人员控制率": staff,
        "编外人员控制率": outsourced,
        "管理制度健全性": lambda: checklist(
            f, (("systems_established", "0.5"), ("systems_enforced", "1.5"), ("performance_system_established", 1))
        ),
        "公用经费控制率": lambda: (
            three_band(ratio_of(f, "three_public_actual", "three_public_budget"))
            + three_band(ratio_of(f, "office_expense_actual", "office_expense_budget"))
        ),
        "预算执行率": execution,
        "重点工作完成情况": key_tasks,
        "项目完成及时性": timeliness,
        "社会效益、经济效益、生态效益及可持续影响等": effectiveness,
        "群众信访办理情况": petitions,
        "公众或服务对象满意度": satisfaction,
    }


def score(facts: Mapping[str, Any]) -> tuple[dict[str, Decimal | None], Decimal]:
    """{leaf name: score truncated to 0.01, or None if its facts are unusable}, and the total of the scored leaves."""
    leaves: dict[str, Decimal | None] = {}
    for name, leaf in _leaves(facts).items():
        try:
            leaves[name] = truncated(leaf())
        except (Unusable, InvalidOperation):
            leaves[name] = None
    return leaves, sum((s for s in leaves.values() if s is not None), ZERO)


def grade(total: Decimal) -> str:
    return "优" if total >= 90 else "良" if total >= 80 else "中" if total >= 60 else "差"


class _Reading(dict):
    """The facts, remembering which ones a leaf read, in order."""

    def __init__(self, facts: Mapping[str, Any]):
        super().__init__(facts)
        self.read: list[str] = []

    def get(self, key, default=None):
        self.read.append(key)
        return super().get(key, default)


def _shown(value: Any) -> str:
    if value is True or value is False:
        return "是" if value else "否"
    if isinstance(value, Fraction):
        percent = Decimal(value.numerator * 1000 // value.denominator).scaleb(-1)
        return f"{percent}%"
    if isinstance(value, Decimal):
        return f"{value:,}万元" if value != value.to_integral_value() else f"{value:,}"
    return str(value)


def _exact(value: Exact) -> str:
    """A raw score to six places, as an explanation prints it."""
    if isinstance(value, Fraction):
        return str(Decimal(value.numerator * 10**6 // value.denominator).scaleb(-6).normalize())
    return str(Decimal(value).normalize())


def explained(facts: Mapping[str, Any]) -> tuple[dict[str, Decimal | None], Decimal, dict[str, str]]:
    """``score`` plus one explanation string per leaf: every fact it read and every ratio it computed,
    formatted, then its score — what a hand-written scorer that explains itself would print."""
    reading = _Reading(facts)
    ratios: list[Fraction] = []
    global ratio_of
    plain = ratio_of

    def recorded(f, top, bottom, kind=money):
        value = plain(f, top, bottom, kind)
        ratios.append(value)
        return value

    ratio_of = recorded
    try:
        leaves: dict[str, Decimal | None] = {}
        texts: dict[str, str] = {}
        for name, leaf in _leaves(reading).items():
            reading.read.clear()
            ratios.clear()
            raw: Exact | None = None
            try:
                raw = leaf()
                leaves[name] = truncated(raw)
            except (Unusable, InvalidOperation):
                leaves[name] = None
            inputs = "，".join(f"{key}={_shown(reading[key])}" for key in reading.read if key in reading)
            middle = "，".join(_shown(r) for r in ratios)
            result = "无法评价" if raw is None else f"未取舍 {_exact(raw)}，得{leaves[name]}分"
            texts[name] = f"{name}：{inputs}" + (f"；比率 {middle}" if middle else "") + f"；{result}"
    finally:
        ratio_of = plain
    return leaves, sum((s for s in leaves.values() if s is not None), ZERO), texts
