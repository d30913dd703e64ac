"""Target completion: 指标性质 ≥ scores 完成值/指标值 × 分值, ≤ scores 指标值/完成值 × 分值,
= scores the smaller of the two ratios; met or beaten gives full marks.

The target is a number in the pack ("proportional": ≤ 100% full, else by proportion) or
a fact the department supplies (a project's own 指标值). Either way the decision "met"
is a static table on the completion ratio, so it runs on the rules engine.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from jixiao import errors
from jixiao.errors import FactError, Problem
from jixiao.hookspecs import hookimpl
from jixiao.indicator import Computed, Configured, Deduction, EvalContext, Intermediate, Outcome, params_error
from jixiao.numbers import Number, div, fmt_detail, fmt_number, fmt_percent, fmt_points, mul, sub, to_decimal
from jixiao.pack.model import LeafSpec
from jixiao.rules.model import Condition, DecisionTable, Rule
from jixiao.shapes.base import Shape, declared, param, shown_input
from jixiao.shapes.metric import Metric

NATURES = {">=": "≥", "≥": "≥", "<=": "≤", "≤": "≤", "=": "="}


class Target(Shape):
    kind = "target"
    params = ("nature", "target", "actual")
    summary = "按指标性质（≥/≤/=）比较完成值与指标值，达到得满分，未达到按比例计分"

    def configure(self, leaf: LeafSpec) -> Configured:
        nature = NATURES.get(str(param(leaf, "nature", ">=")))
        if nature is None:
            raise params_error(leaf, "nature", "指标性质应为 >=、<= 或 =")
        actual = Metric(leaf, param(leaf, "actual"), "actual")
        raw_target = param(leaf, "target")
        facts = dict(actual.facts)
        if isinstance(raw_target, dict):
            target_spec = declared(
                leaf, raw_target.get("fact"), ("money", "number", "count", "rate", "score"), "target.fact"
            )
            facts[target_spec.name] = target_spec
            target: Decimal | str = target_spec.name
        else:
            try:
                target = to_decimal(raw_target)
            except ValueError:
                raise params_error(leaf, "target", f"应为数值或 {{fact: 事实名}}，实际为 {raw_target!r}") from None
        table = DecisionTable(
            f"{leaf.code}:met", (Rule("met", (Condition(f"{leaf.code}:completion", "ge", Decimal(1)),), "完成率≥100%"),)
        )
        shown_target = target if isinstance(target, str) else actual.show(target)
        ratio = {"≥": "完成值÷指标值", "≤": "指标值÷完成值", "=": "完成值与指标值之比（取较小者）"}[nature]
        points = fmt_number(leaf.weight)
        rule = f"达到得{points}分，否则得分=({ratio})×{points}分"
        formula = f"指标性质“{nature}”，指标值 {shown_target}；{rule}；{actual.formula()}"
        return Configured(facts, [table], formula, state=TargetState(nature, actual, target))

    def _target(self, configured: Configured, ctx: EvalContext) -> Decimal:
        target: Decimal | str = configured.state.target
        return Decimal(ctx.facts[target]) if isinstance(target, str) else target

    @hookimpl
    def jixiao_indicator_rule_inputs(
        self, leaf: LeafSpec, configured: Configured, ctx: EvalContext
    ) -> Mapping[str, Number]:
        state: TargetState = configured.state
        a, t = state.actual.compute(ctx), self._target(configured, ctx)
        return {f"{leaf.code}:actual": a, f"{leaf.code}:completion": completion(state.nature, a, t, state.actual.label)}

    def compute(self, leaf: LeafSpec, configured: Configured, ctx: EvalContext) -> TargetComputed:
        a, t = ctx.inputs[f"{leaf.code}:actual"], self._target(configured, ctx)
        ratio = ctx.inputs[f"{leaf.code}:completion"]
        if ctx.decisions.get(f"{leaf.code}:met") == "met":
            return TargetComputed(leaf.weight, (f"{leaf.code}:met",), actual=a, target=t, ratio=ratio, met=True)
        return TargetComputed(mul(leaf.weight, ratio), actual=a, target=t, ratio=ratio, met=False)

    def explain(self, leaf: LeafSpec, configured: Configured, ctx: EvalContext, computed: Computed) -> Outcome:
        assert isinstance(computed, TargetComputed)
        state: TargetState = configured.state
        nature, actual = state.nature, state.actual
        a, t, ratio, score = computed.actual, computed.target, computed.ratio, computed.score
        inputs, mids = actual.explain(ctx, a)
        if isinstance(state.target, str):
            inputs.append(shown_input(leaf.facts[state.target], t))
        out = Outcome(
            score,
            inputs,
            mids
            + [Intermediate("完成比例", ratio, fmt_percent(ratio)), Intermediate("得分", score, fmt_detail(score))],
            rules=list(computed.rules),
        )
        if not computed.met:
            lost = sub(leaf.weight, score)
            out.deductions.append(
                Deduction(
                    lost,
                    f"{actual.label}{actual.show(a)}，未达到指标值{actual.show(t)}",
                    f"{actual.label}完成值为{actual.show(a)}，未达到“{nature}{actual.show(t)}”的指标值，完成比例{fmt_percent(ratio)}，扣{fmt_points(lost)}分",
                    f"{leaf.code}:ratio",
                )
            )
        return out


@dataclass(slots=True, kw_only=True)
class TargetComputed(Computed):
    actual: Number
    target: Number
    ratio: Number  # completion, ≥ 1 when met
    met: bool


@dataclass(frozen=True, slots=True)
class TargetState:
    nature: str  # "≥", "≤" or "="
    actual: Metric
    target: Decimal | str  # a number in the pack, or the name of the fact that holds it


def completion(nature: str, actual: Number, target: Number, label: str) -> Number:
    """Completion ratio (an exact fraction), ≥ 1 when the target is met; 0 where nothing was achieved."""
    if nature == "≥":
        if target <= 0:
            return Decimal(1) if actual >= target else Decimal(0)
        return _at_least(div(actual, target), Decimal(0))
    if nature == "≤":
        if actual <= target:
            return Decimal(1) if actual <= 0 or target <= 0 else _at_least(div(target, actual), Decimal(1))
        if actual <= 0:
            raise FactError(
                Problem(
                    errors.FACT_RANGE, f"“{label}”为 {fmt_number(actual)}，无法计算完成比例", field=label, value=actual
                )
            )
        return _at_least(div(target, actual), Decimal(0))
    if actual == target:
        return Decimal(1)
    if actual <= 0 or target <= 0:
        return Decimal(0)
    a_over_t, t_over_a = div(actual, target), div(target, actual)
    return a_over_t if a_over_t <= t_over_a else t_over_a


def _at_least(value: Number, floor: Decimal) -> Number:
    return value if value >= floor else floor
