"""Checklist: the sum of the points of the items met (items of 0.5 + 1.5 + 1 points, say)."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from jixiao.facts import FactSpec
from jixiao.indicator import Computed, Configured, Deduction, EvalContext, InputValue, Outcome, params_error
from jixiao.numbers import ZERO, Number, add, fmt_number, total
from jixiao.pack.model import LeafSpec
from jixiao.shapes.base import Shape, check_points, number_at, param


class Checklist(Shape):
    kind = "checklist"
    params = ("items",)
    summary = "逐项核对，满足一项得该项分值"

    def configure(self, leaf: LeafSpec) -> Configured:
        items = param(leaf, "items")
        if not isinstance(items, list) or not items:
            raise params_error(leaf, "items", "应为非空列表，每项含 fact、label、points")
        parsed = []
        for i, item in enumerate(items):
            if not isinstance(item, dict) or not {"fact", "label", "points"} <= set(item):
                raise params_error(leaf, f"items[{i}]", "每项须含 fact、label、points")
            if not isinstance(item["fact"], str):
                raise params_error(leaf, f"items[{i}].fact", f"应为事实名（文字），实际为 {item['fact']!r}")
            declared = leaf.facts.get(item["fact"])
            spec = declared or FactSpec(item["fact"], "bool", item["label"])
            if spec.kind != "bool":
                raise params_error(leaf, f"items[{i}].fact", f"核对项的事实须为是/否类型，{spec.name} 是 {spec.kind}")
            parsed.append((spec, str(item["label"]), number_at(leaf, f"items[{i}].points", item["points"])))
        check_points(leaf, total(p for _, _, p in parsed), "items")
        formula = "＋".join(f"{label}（{fmt_number(p)}分）" for _, label, p in parsed)
        state = tuple(
            ChecklistItem(
                spec.name,
                spec.label,
                points,
                {True: spec.show(True), False: spec.show(False)},
                spec.show,
                f"未满足：{label}",
                f"未达到“{label}”的要求，扣{fmt_number(points)}分",
            )
            for spec, label, points in parsed
        )
        return Configured({s.name: s for s, _, _ in parsed}, formula=f"满足即得分：{formula}", state=state)

    def compute(self, leaf: LeafSpec, configured: Configured, ctx: EvalContext) -> Computed:
        facts = ctx.facts
        score: Number = ZERO
        items: tuple[ChecklistItem, ...] = configured.state
        for item in items:
            if facts[item.name]:
                score = add(score, item.points)
        return Computed(score)

    def explain(self, leaf: LeafSpec, configured: Configured, ctx: EvalContext, computed: Computed) -> Outcome:
        """Reasons, problem sentences and how 是/否 is shown depend on the pack alone: built at configure time."""
        facts = ctx.facts
        inputs: list[InputValue] = []
        deductions: list[Deduction] = []
        items: tuple[ChecklistItem, ...] = configured.state
        for item in items:
            met = facts[item.name]
            inputs.append(
                InputValue(item.name, item.label, met, item.shown[met] if met.__class__ is bool else item.show(met))
            )
            if not met:
                deductions.append(Deduction(item.points, item.reason, item.problem, item.name))
        return Outcome(computed.score, inputs, [], deductions)


@dataclass(frozen=True, slots=True)
class ChecklistItem:
    """One item as the pack fixes it, its texts built once: the state is a tuple of these."""

    name: str
    label: str
    points: Decimal
    shown: dict[bool, str]  # 是/否 as the fact shows them
    show: Callable[[Any], str]  # any other value
    reason: str
    problem: str
