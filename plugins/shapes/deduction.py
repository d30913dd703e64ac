"""Per-occurrence deduction: weight − n × step, floor 0 ("发现一项不符合的扣1分，扣完为止")."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from jixiao.indicator import Configured, Deduction, EvalContext, Intermediate, Outcome
from jixiao.numbers import ZERO, fmt_detail, fmt_number, fmt_points, mul, sub
from jixiao.pack.model import LeafSpec
from jixiao.shapes.base import Shape, number_param, param
from jixiao.shapes.metric import Metric


class PerOccurrence(Shape):
    kind = "per_occurrence"
    params = ("count", "step", "unit", "what")
    summary = "每发生一次扣固定分值，扣完为止"

    def configure(self, leaf: LeafSpec) -> Configured:
        metric = Metric(leaf, param(leaf, "count"), "count")
        step = number_param(leaf, "step")
        unit = param(leaf, "unit", "项")
        what = param(leaf, "what", metric.label)
        formula = f"得分=max({fmt_number(leaf.weight)}－{metric.label}×{fmt_number(step)}, 0)；{metric.formula()}"
        state = PerOccurrenceState(metric, step, unit, what, per_step=f"，每{unit}扣{fmt_number(step)}分，共扣")
        return Configured(metric.facts, formula=formula, state=state)

    def evaluate(self, leaf: LeafSpec, configured: Configured, ctx: EvalContext) -> Outcome:
        """The floor and the cap are comparisons that keep ``max``'s and ``min``'s choice between equal values
        (1 and 1.0 print differently)."""
        state: PerOccurrenceState = configured.state
        metric = state.metric
        n = metric.compute(ctx)
        inputs, mids = metric.explain(ctx, n)
        weight = leaf.weight
        lost = mul(ZERO if ZERO > n else n, state.step)
        if weight < lost:
            lost = weight
        mids.append(Intermediate("扣分", lost, fmt_detail(lost)))
        deductions = []
        if lost > 0:
            found = f"{state.what}{fmt_number(n)}{state.unit}"
            deductions.append(
                Deduction(lost, found, f"存在{found}{state.per_step}{fmt_points(lost)}分", "per_occurrence")
            )
        return Outcome(sub(weight, lost), inputs, mids, deductions)


@dataclass(frozen=True, slots=True)
class PerOccurrenceState:
    metric: Metric
    step: Decimal
    unit: str  # "项"
    what: str  # what is counted, "不符合"
    per_step: str  # "，每项扣1分，共扣"
