"""Alternatives: a leaf scored by one of several rules, the department saying which (二者择其一).

Some rubrics let a department be scored either way — 在职人员控制率 "按比例计分" or "分档计分",
预算执行率 by quarter or by the year. Each option is a shape with its own params, resolved
through the registry as a ``parts:`` entry is; a choice fact the leaf declares names the
option, one choice per option. Only the chosen option's facts are required: the others'
are checked when given and otherwise never asked for, and only the chosen option computes
rule inputs. Every option has the leaf's full weight.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from jixiao.facts import FactSpec
from jixiao.hookspecs import Resolver, hookimpl
from jixiao.implementation import Implementation
from jixiao.indicator import Computed, Configured, EvalContext, Outcome, params_error
from jixiao.numbers import ZERO, Number, add
from jixiao.pack.model import LeafSpec
from jixiao.shapes.base import Shape, check_params, declared, param, shown_input

from .parts import PartComputed, compute_part, sub_leaf


@dataclass(frozen=True, slots=True)
class Option:
    implementation: Implementation
    leaf: LeafSpec  # the option as a leaf of its own, with the leaf's weight
    configured: Configured
    label: str  # the choice's Chinese label: "按比例计分"


@dataclass(frozen=True, slots=True)
class AlternativesState:
    choice: FactSpec  # the fact that names the option
    options: Mapping[str, Option]  # choice key → option


class Alternatives(Shape):
    kind = "alternatives"
    params = ("choose", "options")
    summary = "由部门在若干计分方式中选择一种（二者择其一）"

    @hookimpl
    def jixiao_indicator_configure(self, leaf: LeafSpec, plugins: Resolver) -> Configured:
        check_params(self, leaf)
        choice = declared(leaf, param(leaf, "choose"), ("choice",), "choose")
        raw = param(leaf, "options")
        if not isinstance(raw, dict) or set(raw) != set(choice.choices):
            keys = "、".join(choice.choices)
            raise params_error(leaf, "options", f"应为映射，每个选项一项，键与 {choice.name} 的选项（{keys}）一一对应")
        options: dict[str, Option] = {}
        facts: dict[str, FactSpec] = {choice.name: choice}
        tables, formulas = [], []
        for i, (key, spec) in enumerate(raw.items()):
            if not isinstance(spec, dict) or "shape" not in spec:
                raise params_error(leaf, f"options.{key}", "每个选项须含 shape（规则形态）及其参数")
            implementation = plugins.get(str(spec["shape"]))
            if implementation is None:
                raise params_error(leaf, f"options.{key}.shape", f"未知的规则形态 {spec['shape']!r}")
            label = str(choice.choices[key])
            sub = sub_leaf(
                leaf, ("options", key), f"{leaf.code}.{i + 1}", {**spec, "points": leaf.weight, "label": label}
            )
            configured = implementation.configure(sub)
            options[key] = Option(implementation, sub, configured, label)
            facts.update(configured.facts)
            tables += configured.tables
            formulas.append(f"{label}：{configured.formula}")
        optional = frozenset(facts) - {choice.name}
        formula = f"按{choice.label}择一计分（{'；'.join(formulas)}）"
        return Configured(facts, tables, formula, AlternativesState(choice, options), optional)

    def _chosen(self, configured: Configured, ctx: EvalContext) -> Option:
        state: AlternativesState = configured.state
        ctx.require([state.choice])
        option = state.options[ctx.facts[state.choice.name]]
        ctx.require(option.configured.facts.values())
        return option

    @hookimpl
    def jixiao_indicator_rule_inputs(
        self, leaf: LeafSpec, configured: Configured, ctx: EvalContext
    ) -> dict[str, Number]:
        option = self._chosen(configured, ctx)
        return dict(option.implementation.rule_inputs(option.leaf, option.configured, ctx))

    def compute(self, leaf: LeafSpec, configured: Configured, ctx: EvalContext) -> AlternativesComputed:
        """The chosen option is scored as ``Parts`` scores a part (``compute_part``)."""
        option = self._chosen(configured, ctx)
        done = compute_part(option.implementation, option.leaf, option.configured, ctx)
        return AlternativesComputed(add(ZERO, done.result.score), tuple(done.result.rules), option=option, done=done)

    def explain(self, leaf: LeafSpec, configured: Configured, ctx: EvalContext, computed: Computed) -> Outcome:
        assert isinstance(computed, AlternativesComputed)
        state: AlternativesState = configured.state
        option = computed.option
        outcome = Outcome(ZERO, [shown_input(state.choice, ctx.facts[state.choice.name])])
        outcome.absorb(computed.done.outcome(option.leaf, option.configured, ctx), f"{option.label}：")
        return outcome


@dataclass(slots=True, kw_only=True)
class AlternativesComputed(Computed):
    option: Option  # the one the department chose
    done: PartComputed  # its result
