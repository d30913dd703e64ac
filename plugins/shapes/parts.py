"""Parts: a leaf scored as the sum of several shapes, each with its own points
(a ratio part plus a checklist part, say).

Each part's ``shape:`` resolves through the plugin registry exactly as a leaf's ``use:``
does, so a district's own shape works inside ``parts:`` too, and each part is
configured and scored through that plugin's hooks (wrappers included).
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import partial

from jixiao.hookspecs import Resolver, hookimpl
from jixiao.implementation import Implementation
from jixiao.indicator import Computed, Configured, EvalContext, Outcome, params_error
from jixiao.numbers import ZERO, Number, add, total
from jixiao.pack.lines import LinesWhenRead
from jixiao.pack.model import LeafSpec
from jixiao.shapes.base import Shape, check_params, check_points, number_at, param


@dataclass(frozen=True)
class Part:
    implementation: Implementation
    leaf: LeafSpec  # the part as a leaf of its own: code "2.1.1.1", its points as weight, its params
    configured: Configured
    prefix: str  # "政府采购执行率：", put before the part's intermediate values


class Parts(Shape):
    kind = "parts"
    params = ("parts",)
    summary = "由若干部分组成，各部分按各自规则计分后相加"

    @hookimpl
    def jixiao_indicator_configure(self, leaf: LeafSpec, plugins: Resolver) -> Configured:
        check_params(self, leaf)
        raw = param(leaf, "parts")
        if not isinstance(raw, list) or not raw:
            raise params_error(leaf, "parts", "应为非空列表，每部分含 shape 与 points")
        parts, facts, tables, formulas = [], {}, [], []
        for i, p in enumerate(raw):
            if not isinstance(p, dict) or "shape" not in p or "points" not in p:
                raise params_error(leaf, f"parts[{i}]", "每部分须含 shape（规则形态）与 points（分值）")
            implementation = plugins.get(str(p["shape"]))
            if implementation is None:
                raise params_error(
                    leaf,
                    f"parts[{i}].shape",
                    f"未知的规则形态 {p['shape']!r}：没有这一名称的插件（jixiao plugins 列出全部）",
                )
            sub = _part_leaf(leaf, i, p)
            configured = implementation.configure(sub)
            label = p.get("label", "")
            parts.append(Part(implementation, sub, configured, f"{label}：" if label else ""))
            facts.update(configured.facts)
            tables += configured.tables
            formulas.append(f"{label or f'第{i + 1}部分'}：{configured.formula}")
        check_points(leaf, total(part.leaf.weight for part in parts), "parts")
        return Configured(facts, tables, "\n".join(formulas), state=tuple(parts))

    @hookimpl
    def jixiao_indicator_rule_inputs(
        self, leaf: LeafSpec, configured: Configured, ctx: EvalContext
    ) -> dict[str, Number]:
        out: dict[str, Number] = {}
        for part in configured.state:
            out.update(part.implementation.rule_inputs(part.leaf, part.configured, ctx))
        return out

    def compute(self, leaf: LeafSpec, configured: Configured, ctx: EvalContext) -> PartsComputed:
        score: Number = ZERO
        rules: list[str] = []
        done = []
        for part in configured.state:
            result = compute_part(part.implementation, part.leaf, part.configured, ctx)
            score = add(score, result.result.score)
            rules.extend(result.result.rules)
            done.append(result)
        return PartsComputed(score, tuple(rules), parts=done)

    def explain(self, leaf: LeafSpec, configured: Configured, ctx: EvalContext, computed: Computed) -> Outcome:
        assert isinstance(computed, PartsComputed)
        whole = Outcome(ZERO)
        for part, done in zip(configured.state, computed.parts):
            whole.absorb(done.outcome(part.leaf, part.configured, ctx), part.prefix)
        return whole


@dataclass(slots=True)
class PartComputed:
    """A part's (or a chosen option's) result: computed by a built-in shape, to be explained with it, or
    the outcome its plugin's evaluate hook gave."""

    result: Outcome | Computed
    explain: Callable[..., Outcome] | None  # None: ``result`` is an outcome

    def outcome(self, leaf: LeafSpec, configured: Configured, ctx: EvalContext) -> Outcome:
        if self.explain is None:
            assert isinstance(self.result, Outcome)
            return self.result
        return self.explain(leaf, configured, ctx, self.result)


def compute_part(
    implementation: Implementation, leaf: LeafSpec, configured: Configured, ctx: EvalContext
) -> PartComputed:
    """A part scored in two steps where its own plugin allows it (``Implementation.two_steps``), else
    evaluated through its hooks, texts and all (wrappers and tracers see it)."""
    steps = implementation.two_steps()
    if steps is None:
        return PartComputed(implementation.evaluate(leaf, configured, ctx), None)
    return PartComputed(steps[0](leaf, configured, ctx), steps[1])


@dataclass(slots=True, kw_only=True)
class PartsComputed(Computed):
    parts: list[PartComputed]


def _part_leaf(leaf: LeafSpec, i: int, p: dict) -> LeafSpec:
    """Part ``i`` as a leaf: its own code, weight (its points), params and lines (for messages that say where)."""
    return sub_leaf(leaf, ("parts", i), f"{leaf.code}.{i + 1}", p)


def _lines_of_part(lines: Mapping[str, int], prefix: str) -> Mapping[str, int]:
    """The lines below ``prefix`` ("params.parts.0") as the part's own ("params.bands", "" for the part), or the
    leaf's when none is known there."""
    own = {
        ("params" + k[len(prefix) :]) if k != prefix else "": v
        for k, v in lines.items()
        if k == prefix or k.startswith(prefix + ".")
    }
    return own or lines


def sub_leaf(leaf: LeafSpec, at: tuple[str | int, ...], code: str, p: dict) -> LeafSpec:
    """The entry at ``params`` + ``at`` of a leaf (a part, an option) as a leaf of its own, scored by
    ``p["shape"]`` with ``p["points"]`` as its weight, its messages pointing at its own lines."""
    params = {k: v for k, v in p.items() if k not in ("shape", "points", "label")}
    prefix = ".".join(["params", *(str(x) for x in at)])
    node = (leaf.params_at if leaf.params_at is not None else leaf.node + ("params",)) + at
    shown = "".join(f"[{x}]" if isinstance(x, int) else f".{x}" for x in at)
    return dataclasses.replace(
        leaf,
        code=code,
        weight=number_at(leaf, f"{shown[1:]}.points", p["points"]),
        params=params,
        path=f"{leaf.path}.params{shown}",
        name=p.get("label", leaf.name),
        lines=LinesWhenRead(partial(_lines_of_part, leaf.lines, prefix)),
        use=str(p["shape"]),
        node=node,
        params_at=node,
    )
