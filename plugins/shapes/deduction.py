"""Per-occurrence deduction: weight − n × step, floor 0 ("发现一项不符合的扣1分，扣完为止")."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from jixiao.indicator import Computed, Configured, Deduction, EvalContext, Intermediate, Outcome, params_error
from jixiao.numbers import ZERO, Number, fmt_detail, fmt_number, fmt_points, mul, sub
from jixiao.pack.model import LeafSpec
from jixiao.shapes.base import Shape, number_param, param, text_param
from jixiao.shapes.metric import Metric


class PerOccurrence(Shape):
    kind = "per_occurrence"
    params = ("count", "step", "unit", "what")
    summary = "每发生一次扣固定分值，扣完为止"

    def configure(self, leaf: LeafSpec) -> Configured:
        metric = Metric(leaf, param(leaf, "count"), "count")
        step = number_param(leaf, "step")
        if step <= 0:
            raise params_error(leaf, "step", "每次扣分应大于 0")
        unit = text_param(leaf, "unit", "项")
        what = text_param(leaf, "what", metric.label)
        formula = f"得分=max({fmt_number(leaf.weight)}－{metric.label}×{fmt_number(step)}, 0)；{metric.formula()}"
        state = PerOccurrenceState(metric, step, unit, what, per_step=f"，每{unit}扣{fmt_number(step)}分，共扣")
        return Configured(metric.facts, formula=formula, state=state)

    def compute(self, leaf: LeafSpec, configured: Configured, ctx: EvalContext) -> PerOccurrenceComputed:
        """The floor and the cap are comparisons that keep ``max``'s and ``min``'s choice between equal values
        (1 and 1.0 print differently)."""
        state: PerOccurrenceState = configured.state
        n = state.metric.compute(ctx)
        weight = leaf.weight
        lost = mul(ZERO if ZERO > n else n, state.step)
        if weight < lost:
            lost = weight
        return PerOccurrenceComputed(sub(weight, lost), count=n, lost=lost)

    def explain(self, leaf: LeafSpec, configured: Configured, ctx: EvalContext, computed: Computed) -> Outcome:
        assert isinstance(computed, PerOccurrenceComputed)
        state: PerOccurrenceState = configured.state
        n, lost = computed.count, computed.lost
        inputs, mids = state.metric.explain(ctx, n)
        mids.append(Intermediate("扣分", lost, fmt_detail(lost)))
        deductions = []
        if lost > 0:
            found = f"{state.what}{fmt_number(n)}{state.unit}"
            deductions.append(
                Deduction(lost, found, f"存在{found}{state.per_step}{fmt_points(lost)}分", "per_occurrence")
            )
        return Outcome(computed.score, inputs, mids, deductions)


@dataclass(slots=True, kw_only=True)
class PerOccurrenceComputed(Computed):
    count: Number
    lost: Number  # capped at the weight


@dataclass(frozen=True, slots=True)
class PerOccurrenceState:
    metric: Metric
    step: Decimal
    unit: str  # "项"
    what: str  # what is counted, "不符合"
    per_step: str  # "，每项扣1分，共扣"
