"""Per-point deduction over a threshold: weight − step × excess, floor 0.

Whether the excess counts pro rata, per started point or per whole point is a pack
setting (``counting``); pro rata: 0.4548 points over at 0.1 a point loses 0.04548.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from jixiao.hookspecs import hookimpl
from jixiao.indicator import Computed, Configured, Deduction, EvalContext, Intermediate, Outcome, params_error
from jixiao.numbers import Number, div, fmt_detail, fmt_number, fmt_points, mul, sub
from jixiao.pack.model import LeafSpec
from jixiao.rules.intervals import Interval
from jixiao.rules.model import DecisionTable, Rule
from jixiao.shapes.base import Shape, choice_param, number_param, param
from jixiao.shapes.metric import Metric

COUNTING = {"pro_rata": "按比例", "started": "不足一个按一个计", "whole": "按整数个计"}


class OverThreshold(Shape):
    kind = "over_threshold"
    params = ("value", "threshold", "per", "step", "counting", "direction")
    summary = "超过阈值后按超出幅度扣分"
    default_direction, default_counting = "above", "pro_rata"

    def configure(self, leaf: LeafSpec) -> Configured:
        metric = Metric(leaf, param(leaf, "value"))
        threshold = number_param(leaf, "threshold")
        per = number_param(leaf, "per", "1%")
        step = number_param(leaf, "step")
        if step <= 0:
            raise params_error(leaf, "step", "每次扣分应大于 0")
        counting = choice_param(leaf, "counting", COUNTING, self.default_counting)
        below = choice_param(leaf, "direction", ("above", "below"), self.default_direction) == "below"
        if per <= 0:
            raise params_error(leaf, "per", "应大于 0")
        over = (
            Interval(None, False, threshold, False, metric.is_rate)
            if below
            else Interval(threshold, False, None, False, metric.is_rate)
        )
        table = DecisionTable(
            f"{leaf.code}:over", (Rule("over", over.conditions(f"{leaf.code}:value"), over.describe(metric.label)),)
        )
        unit = "个百分点" if metric.is_rate else "个单位"
        beyond = "低于" if below else "超过"
        shown_per = metric.show(per).rstrip("%") if metric.is_rate else fmt_number(per)
        per_step = f"每{beyond}{shown_per}{unit}扣{fmt_number(step)}分"
        within = f"{metric.label}{'≥' if below else '≤'}{metric.show(threshold)}"
        formula = (
            f"{metric.formula()}；{within}得{fmt_number(leaf.weight)}分，{per_step}（{COUNTING[counting]}），扣完为止"
        )
        state = OverThresholdState(
            metric,
            threshold,
            per,
            step,
            counting,
            unit,
            below,
            key=f"{leaf.code}:value",
            rule=f"{leaf.code}:over",
            over_text=f"{beyond}{metric.show(threshold)}",
            per_text=f"{per_step}，扣",
        )
        return Configured(metric.facts, [table], formula, state=state)

    @hookimpl
    def jixiao_indicator_rule_inputs(
        self, leaf: LeafSpec, configured: Configured, ctx: EvalContext
    ) -> Mapping[str, Number]:
        state: OverThresholdState = configured.state
        return {state.key: state.metric.compute(ctx)}

    def compute(self, leaf: LeafSpec, configured: Configured, ctx: EvalContext) -> OverThresholdComputed:
        state: OverThresholdState = configured.state
        value = ctx.inputs[state.key]
        if ctx.decisions.get(state.rule) != "over":
            return OverThresholdComputed(leaf.weight, value=value, over=None)
        excess = sub(state.threshold, value) if state.below else sub(value, state.threshold)
        units: Number = div(excess, state.per)
        if state.counting == "started":
            units = math.ceil(units)
        elif state.counting == "whole":
            units = math.floor(units)
        lost = min(mul(units, state.step), leaf.weight)
        return OverThresholdComputed(
            leaf.weight if lost == 0 else sub(leaf.weight, lost),
            (state.rule,),
            value=value,
            over=Excess(excess, units, lost),
        )

    def explain(self, leaf: LeafSpec, configured: Configured, ctx: EvalContext, computed: Computed) -> Outcome:
        """The threshold and per-step texts were built once at configure time."""
        assert isinstance(computed, OverThresholdComputed)
        state: OverThresholdState = configured.state
        metric, rule, value, over = state.metric, state.rule, computed.value, computed.over
        inputs, mids = metric.explain(ctx, value)
        if over is None:
            return Outcome(computed.score, inputs, mids)
        units, lost = over.units, over.lost
        excess_in_units = _in_units(over.excess, metric.is_rate)
        shown_excess = f"{fmt_points(excess_in_units)}{state.unit}"
        mids.append(Intermediate("超出幅度", excess_in_units, shown_excess))
        per_in_units = _in_units(state.per, metric.is_rate)
        if per_in_units != 1:  # the steps counted are not the excess itself
            per = f"{fmt_number(per_in_units)}{state.unit}"
            mids.append(
                Intermediate("计扣步数", units, f"{fmt_points(units)}（每{per}为一步，{COUNTING[state.counting]}）")
            )
        mids.append(Intermediate("扣分", lost, fmt_detail(lost)))
        if lost == 0:
            return Outcome(computed.score, inputs, mids, rules=[rule])
        deduction = Deduction(
            lost,
            f"{metric.label}{mids[0].shown}，{state.over_text}",
            f"{metric.sentence(ctx, value, (inputs, mids))}，{state.over_text}的标准{shown_excess}，"
            f"{state.per_text}{fmt_points(lost)}分",
            rule,
        )
        return Outcome(computed.score, inputs, mids, [deduction], [rule])


@dataclass(slots=True)
class Excess:
    excess: Number  # beyond the threshold, in the value's own terms (a rate's 0.0073)
    units: Number  # the steps counted
    lost: Number  # capped at the weight


@dataclass(slots=True, kw_only=True)
class OverThresholdComputed(Computed):
    value: Number
    over: Excess | None  # None: within the threshold


def _in_units(amount: Number, is_rate: bool) -> Number:
    """An excess or a step as people say it: a rate's in percentage points (0.0073 → 0.73)."""
    return mul(amount, 100) if is_rate else amount


class UnderTarget(OverThreshold):
    """Per-step deduction under a target ("100%计满分，每低于5%扣2分"): whole steps by default."""

    kind = "under_target"
    summary = "低于目标值后按不足幅度扣分（默认按整数个步长计）"
    default_direction, default_counting = "below", "whole"


@dataclass(frozen=True, slots=True)
class OverThresholdState:
    metric: Metric
    threshold: Decimal
    per: Decimal
    step: Decimal
    counting: str  # a key of COUNTING
    unit: str  # "个百分点"
    below: bool  # the shortfall under the threshold counts, not the excess over it (under_target)
    key: str  # the rule input holding the value
    rule: str  # the decision table's id
    over_text: str  # "超过5%"
    per_text: str  # "每超过1个百分点扣0.5分，扣"
