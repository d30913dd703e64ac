"""The evaluator's judgement: a score within [0, weight] and a written reason, both mandatory."""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from decimal import Decimal

from jixiao import errors
from jixiao.facts import FactSpec
from jixiao.indicator import Computed, Configured, Deduction, EvalContext, Outcome, params_error
from jixiao.numbers import fmt_number, fmt_points, sub
from jixiao.pack.model import LeafSpec
from jixiao.shapes.base import Shape, declared, param, shown_input


class Judgement(Shape):
    kind = "judgement"
    params = ("score", "reason")
    summary = "评价人在分值范围内酌情评分，须写明理由"

    def configure(self, leaf: LeafSpec) -> Configured:
        score_name, reason_name = param(leaf, "score"), param(leaf, "reason")
        if not isinstance(reason_name, str):
            raise params_error(leaf, "reason", f"应为评分理由的事实名（文字），实际为 {reason_name!r}")
        declared(leaf, score_name, ("score",), "score")
        base = leaf.facts[score_name]
        score = FactSpec(
            base.name,
            "score",
            base.label,
            "分",
            minimum=base.minimum if base.minimum is not None else Decimal(0),
            maximum=leaf.weight,
            note=base.note,
        )
        reason = dataclasses.replace(
            leaf.facts.get(reason_name) or FactSpec(reason_name, "text", f"{leaf.name}评分理由"),
            missing_code=errors.FACT_REASON_REQUIRED,
        )
        formula = f"评价人根据绩效目标完成情况酌情评分（0～{fmt_number(leaf.weight)}分），须写明理由"
        return Configured(
            {score.name: score, reason.name: reason}, formula=formula, state=JudgementState(score, reason)
        )

    def compute(self, leaf: LeafSpec, configured: Configured, ctx: EvalContext) -> Computed:
        state: JudgementState = configured.state
        return Computed(ctx.facts[state.score.name])

    def explain(self, leaf: LeafSpec, configured: Configured, ctx: EvalContext, computed: Computed) -> Outcome:
        state: JudgementState = configured.state
        score, reason = state.score, state.reason
        got, why = computed.score, ctx.facts[reason.name]
        out = Outcome(got, [shown_input(score, got), shown_input(reason, why)])
        if got < leaf.weight:
            lost = sub(leaf.weight, got)
            out.deductions.append(Deduction(lost, why, f"评价人酌情扣{fmt_points(lost)}分：{why}", "judgement"))
        return out


@dataclass(frozen=True, slots=True)
class JudgementState:
    score: FactSpec
    reason: FactSpec
