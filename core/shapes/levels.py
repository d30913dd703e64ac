"""Levels: a choice fact picks a tier ("按规定公开 1.5 / 存在不符合 1 / 未公开 0")."""
from __future__ import annotations

from ..indicator import Configured, Deduction, EvalContext, Intermediate, Outcome, params_error
from ..numbers import fmt_number, fmt_points, to_decimal
from ..pack.model import LeafSpec
from .base import Shape, declared, param, shown_input


class Levels(Shape):
    kind = "levels"
    params = ('fact', 'scores')
    summary = "按所选档次计分"

    def configure(self, leaf: LeafSpec) -> Configured:
        spec = declared(leaf, param(leaf, "fact"), ("choice",), "fact")
        raw = param(leaf, "scores")
        if not isinstance(raw, dict) or set(raw) != set(spec.choices):
            raise params_error(leaf, "scores", f"应为每个选项（{'、'.join(spec.choices)}）的分值")
        points = {k: to_decimal(v) for k, v in raw.items()}
        if max(points.values()) != leaf.weight or min(points.values()) < 0:
            raise params_error(leaf, "scores", f"最高档应等于分值 {fmt_number(leaf.weight)}，且不得为负")
        text = "；".join(f"{spec.choices[k]}得{fmt_number(v)}分" for k, v in points.items())
        lost = {k: leaf.weight - v for k, v in points.items()}
        texts = {k: (lost[k], f"{spec.label}：{spec.choices[k]}", f"{spec.label}为“{spec.choices[k]}”，得{fmt_number(v)}分，扣{fmt_points(lost[k])}分",
                     f"{leaf.code}:{k}") for k, v in points.items() if v < leaf.weight}
        return Configured({spec.name: spec}, formula=f"{spec.label}：{text}", state=(spec, points, texts))

    def evaluate(self, leaf: LeafSpec, configured: Configured, ctx: EvalContext) -> Outcome:
        """Every level's deduction depends on the pack alone: built once at configure time."""
        spec, points, texts = configured.state
        choice = ctx.facts[spec.name]
        got = points[choice]
        out = Outcome(got, [shown_input(spec, choice)], [Intermediate("档次", got, spec.choices[choice])])
        if choice in texts:
            out.deductions.append(Deduction(*texts[choice]))
        return out
