"""Ratio × points, with a cap on the ratio and an interval where the score is 0
("实际采购金额大于采购计划金额，本项得0分")."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from jixiao.hookspecs import hookimpl
from jixiao.indicator import Computed, Configured, Deduction, EvalContext, Intermediate, Outcome, params_error
from jixiao.numbers import ZERO, Number, fmt_detail, fmt_number, fmt_points, mul, sub
from jixiao.pack.model import LeafSpec
from jixiao.rules.intervals import Interval, parse_interval
from jixiao.rules.model import DecisionTable, Rule
from jixiao.shapes.base import Shape, number_param, param
from jixiao.shapes.metric import Metric


class RatioPoints(Shape):
    kind = "ratio"
    params = ("value", "cap", "zero_when")
    summary = "比率×分值，可设上限与得零分区间"

    def configure(self, leaf: LeafSpec) -> Configured:
        metric = Metric(leaf, param(leaf, "value"))
        cap = number_param(leaf, "cap", "1")
        if cap <= 0:
            raise params_error(leaf, "cap", "上限应大于 0")
        tables = []
        zero = param(leaf, "zero_when", None)
        interval = zero_text = None
        if zero is not None:
            try:
                interval = parse_interval(zero)
            except ValueError as exc:
                raise params_error(leaf, "zero_when", str(exc)) from None
            zero_text = interval.describe(metric.label)
            tables.append(
                DecisionTable(
                    f"{leaf.code}:zero", (Rule("zero", interval.conditions(f"{leaf.code}:value"), zero_text),)
                )
            )
        capped = f"（{metric.label}以{fmt_number(cap * 100)}%为上限）"
        formula = f"得分={metric.label}×{fmt_number(leaf.weight)}分{capped}；{metric.formula()}"
        if zero_text is not None:
            formula += f"；{zero_text}时得0分"
        state = RatioState(
            metric,
            cap,
            interval,
            key=f"{leaf.code}:value",
            zero_rule=f"{leaf.code}:zero",
            zero_reason="" if zero_text is None else f"{zero_text}，得0分",
            zero_tail="" if zero_text is None else f"，属于“{zero_text}”的情形，此项得0分，扣",
            by_ratio=f"，按“{metric.label}×{fmt_number(leaf.weight)}分”计分，扣",
        )
        return Configured(metric.facts, tables, formula, state=state)

    @hookimpl
    def jixiao_indicator_rule_inputs(
        self, leaf: LeafSpec, configured: Configured, ctx: EvalContext
    ) -> Mapping[str, Number]:
        state: RatioState = configured.state
        return {state.key: state.metric.compute(ctx)}

    def compute(self, leaf: LeafSpec, configured: Configured, ctx: EvalContext) -> RatioComputed:
        """The ratio is bounded as ``max(min(value, cap), 0)`` would bound it, equal values included,
        without the builtins' argument tuples: this runs for every department."""
        state: RatioState = configured.state
        value = ctx.inputs[state.key]
        if ctx.decisions.get(state.zero_rule) == "zero":
            return RatioComputed(ZERO, (state.zero_rule,), value=value, zeroed=True)
        cap = state.cap
        ratio = cap if cap < value else value
        return RatioComputed(mul(ZERO if ratio < ZERO else ratio, leaf.weight), value=value, zeroed=False)

    def explain(self, leaf: LeafSpec, configured: Configured, ctx: EvalContext, computed: Computed) -> Outcome:
        """The zero interval's reading and the pro-rata rule's text were built once at configure time."""
        assert isinstance(computed, RatioComputed)
        state: RatioState = configured.state
        metric, value, score = state.metric, computed.value, computed.score
        inputs, mids = metric.explain(ctx, value)
        mids.append(Intermediate("比率得分", score, fmt_detail(score)))
        lost = sub(leaf.weight, score)
        if computed.zeroed:
            deductions = [
                Deduction(
                    lost,
                    state.zero_reason,
                    f"{metric.sentence(ctx, value, (inputs, mids))}{state.zero_tail}{fmt_points(lost)}分",
                    state.zero_rule,
                )
            ]
        elif lost > 0:
            deductions = [
                Deduction(
                    lost,
                    f"{metric.label}{mids[0].shown}",
                    f"{metric.sentence(ctx, value, (inputs, mids))}{state.by_ratio}{fmt_points(lost)}分",
                    "ratio",
                )
            ]
        else:
            deductions = []
        return Outcome(score, inputs, mids, deductions, list(computed.rules))


@dataclass(slots=True, kw_only=True)
class RatioComputed(Computed):
    value: Number  # the metric, before the cap
    zeroed: bool  # in the zero interval


@dataclass(frozen=True, slots=True)
class RatioState:
    metric: Metric
    cap: Decimal
    zero_when: Interval | None
    key: str  # the rule input holding the value
    zero_rule: str  # the zero decision table's id
    zero_reason: str  # this and zero_tail are "" without ``zero_when``
    zero_tail: str
    by_ratio: str  # "，按“比率×5分”计分，扣"
