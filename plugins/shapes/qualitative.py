"""Qualitative judgement by level: the evaluator picks a level (达成 / 部分达成 / 未达成, say)
and a score inside that level's range of the weight, with a written reason."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal

from jixiao import errors
from jixiao.errors import FactError, Problem
from jixiao.facts import FactSpec
from jixiao.indicator import Computed, Configured, Deduction, EvalContext, Intermediate, Outcome, params_error
from jixiao.numbers import Number, div, fmt_number, fmt_points, mul, round_to, sub
from jixiao.pack.model import LeafSpec
from jixiao.rules.intervals import Interval, parse_interval
from jixiao.shapes.base import Shape, declared, param, shown_input


class Qualitative(Shape):
    kind = "qualitative"
    params = ("level", "ranges", "score", "reason")
    summary = "评价人选定档次（如达成/部分达成/未达成），在该档分值区间内评分并写明理由"

    def configure(self, leaf: LeafSpec) -> Configured:
        level = declared(leaf, param(leaf, "level"), ("choice",), "level")
        raw = param(leaf, "ranges")
        if not isinstance(raw, dict) or set(raw) != set(level.choices):
            raise params_error(
                leaf,
                "ranges",
                f'应为每个档次（{"、".join(level.choices)}）的得分区间（占分值的比例），如 "[80%, 100%]"',
            )
        try:
            ranges = {k: parse_interval(v) for k, v in raw.items()}
        except ValueError as exc:
            raise params_error(leaf, "ranges", str(exc)) from None
        score_name, reason_name = param(leaf, "score"), param(leaf, "reason")
        for key, name in (("score", score_name), ("reason", reason_name)):
            if not isinstance(name, str):
                raise params_error(leaf, key, f"应为事实名（文字），实际为 {name!r}")
        score = FactSpec(
            score_name,
            "score",
            leaf.facts[score_name].label if score_name in leaf.facts else f"{leaf.name}评分",
            "分",
            minimum=Decimal(0),
            maximum=leaf.weight,
        )
        reason = leaf.facts.get(reason_name) or FactSpec(reason_name, "text", f"{leaf.name}评分理由")
        text = "；".join(f"{level.choices[k]}：{r.describe('得分率')}" for k, r in ranges.items())
        return Configured(
            {level.name: level, score.name: score, reason.name: reason},
            formula=f"评价人选定档次并在该档区间内评分（{text}），须写明理由",
            state=QualitativeState(level, score, reason, ranges),
        )

    def compute(self, leaf: LeafSpec, configured: Configured, ctx: EvalContext) -> QualitativeComputed:
        state: QualitativeState = configured.state
        level, score = state.level, state.score
        chosen, got = ctx.facts[level.name], Decimal(ctx.facts[score.name])
        share = div(got, leaf.weight) if leaf.weight else Decimal(0)
        allowed = state.ranges[chosen]
        if not allowed.contains(share):
            raise FactError(
                Problem(
                    errors.FACT_RANGE,
                    f"“{leaf.name}”选定档次“{level.choices[chosen]}”，"
                    f"得分 {fmt_number(got)} 不在该档区间 {allowed.describe('得分率')} 内",
                    field=score.name,
                    value=got,
                    expected=allowed.describe("得分率"),
                )
            )
        return QualitativeComputed(got, chosen=chosen, share=share)

    def explain(self, leaf: LeafSpec, configured: Configured, ctx: EvalContext, computed: Computed) -> Outcome:
        assert isinstance(computed, QualitativeComputed)
        state: QualitativeState = configured.state
        level, score, reason = state.level, state.score, state.reason
        chosen, got, share, why = computed.chosen, computed.score, computed.share, ctx.facts[reason.name]
        out = Outcome(
            got,
            [shown_input(level, chosen), shown_input(score, got), shown_input(reason, why)],
            [Intermediate("得分率", share, f"{round_to(mul(share, 100), 0, ROUND_HALF_EVEN)}%")],
        )
        if got < leaf.weight:
            lost = sub(leaf.weight, got)
            out.deductions.append(
                Deduction(
                    lost,
                    f"{level.choices[chosen]}：{why}",
                    f"“{leaf.name}”评定为“{level.choices[chosen]}”，扣{fmt_points(lost)}分：{why}",
                    f"{leaf.code}:{chosen}",
                )
            )
        return out


@dataclass(slots=True, kw_only=True)
class QualitativeComputed(Computed):
    chosen: str  # the level
    share: Number  # the score's share of the weight


@dataclass(frozen=True, slots=True)
class QualitativeState:
    level: FactSpec
    score: FactSpec
    reason: FactSpec
    ranges: dict[str, Interval]  # level → the share of the weight its score must fall in
