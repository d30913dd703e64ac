"""Levels: a choice fact picks a tier ("按规定公开 1.5 / 存在不符合 1 / 未公开 0")."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from jixiao.facts import FactSpec
from jixiao.indicator import (
    Computed,
    Configured,
    Deduction,
    EvalContext,
    InputValue,
    Intermediate,
    Outcome,
    params_error,
)
from jixiao.numbers import fmt_number, fmt_points
from jixiao.pack.model import LeafSpec
from jixiao.shapes.base import Shape, declared, number_at, param


class Levels(Shape):
    kind = "levels"
    params = ("fact", "scores")
    summary = "按所选档次计分"

    def configure(self, leaf: LeafSpec) -> Configured:
        spec = declared(leaf, param(leaf, "fact"), ("choice",), "fact")
        raw = param(leaf, "scores")
        if not isinstance(raw, dict) or set(raw) != set(spec.choices):
            raise params_error(leaf, "scores", f"应为每个选项（{'、'.join(spec.choices)}）的分值")
        points = {k: number_at(leaf, f"scores.{k}", v) for k, v in raw.items()}
        if max(points.values()) != leaf.weight or min(points.values()) < 0:
            raise params_error(leaf, "scores", f"最高档应等于分值 {fmt_number(leaf.weight)}，且不得为负")
        text = "；".join(f"{spec.choices[k]}得{fmt_number(v)}分" for k, v in points.items())
        lost = {k: leaf.weight - v for k, v in points.items()}
        texts = {
            k: LevelDeduction(
                lost[k],
                f"{spec.label}：{spec.choices[k]}",
                f"{spec.label}为“{spec.choices[k]}”，得{fmt_number(v)}分，扣{fmt_points(lost[k])}分",
                f"{leaf.code}:{k}",
            )
            for k, v in points.items()
            if v < leaf.weight
        }
        levels = {k: Level(v, spec.show(k), spec.choices[k], texts.get(k)) for k, v in points.items()}
        return Configured({spec.name: spec}, formula=f"{spec.label}：{text}", state=LevelsState(spec, levels))

    def compute(self, leaf: LeafSpec, configured: Configured, ctx: EvalContext) -> LevelsComputed:
        state: LevelsState = configured.state
        choice = ctx.facts[state.fact.name]
        level = state.levels[choice]
        return LevelsComputed(level.points, choice=choice, level=level)

    def explain(self, leaf: LeafSpec, configured: Configured, ctx: EvalContext, computed: Computed) -> Outcome:
        """Every level's points, texts and deduction depend on the pack alone: built once at configure time."""
        assert isinstance(computed, LevelsComputed)
        spec: FactSpec = configured.state.fact
        level = computed.level
        d = level.deduction
        deductions = [] if d is None else [Deduction(d.lost, d.reason, d.problem, d.rule)]
        return Outcome(
            level.points,
            [InputValue(spec.name, spec.label, computed.choice, level.shown)],
            [Intermediate("档次", level.points, level.name)],
            deductions,
        )


@dataclass(frozen=True, slots=True)
class LevelDeduction:
    """A deduction's parts, not a ``Deduction``: that one is mutable, so each outcome gets its own."""

    lost: Decimal
    reason: str
    problem: str
    rule: str


@dataclass(frozen=True, slots=True)
class Level:
    points: Decimal
    shown: str  # the choice as the fact shows it
    name: str  # the choice's label
    deduction: LevelDeduction | None  # None at full points


@dataclass(slots=True, kw_only=True)
class LevelsComputed(Computed):
    choice: str
    level: Level


@dataclass(frozen=True, slots=True)
class LevelsState:
    fact: FactSpec
    levels: dict[str, Level]  # choice → its level
