"""Load-time work, done once per pack: each leaf resolved to its plugin's hook functions,
configured, its facts merged into the pack's fact model, its tables compiled.

Whatever the engine would otherwise recompute for every department from the pack alone
(a leaf's path of names, its gate table ids, the keys of its gate inputs, which facts
it needs) is computed here, once, and kept on the ``Binding``.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from . import errors
from .checks import Check, compile_checks
from .controls import first_control
from .errors import JixiaoError, Problem
from .fact_model import FactModel
from .facts import FactSpec
from .implementation import Implementation
from .indicator import Configured
from .pack.model import CheckSpec, Gate, LeafSpec, NodeSpec, Pack, ReasonRule
from .registry import Registry
from .rules.model import DecisionTable, Rule

GateIds = tuple[tuple[Gate, str], ...]  # each gate with the id of its decision table


@dataclass(slots=True)
class Binding:
    leaf: LeafSpec
    configured: Configured | None = None
    implementation: Implementation | None = None
    gate_facts: dict[str, FactSpec] = field(default_factory=dict)
    status: str = "ok"  # or "blocked", "error"
    problem: Problem | None = None
    path: tuple[str, ...] = ()  # names of the nodes above the leaf
    vetoes: GateIds = ()
    exemptions: GateIds = ()
    not_applicable: GateIds = ()
    gate_inputs: tuple[tuple[str, str, FactSpec], ...] = ()  # (fact, rule input key, spec) of every gate fact
    gate_checks: tuple[tuple[Gate, str], ...] = ()  # gates whose fact only the gate needs, with the input key
    needs: frozenset[str] = frozenset()  # names of part_facts
    gated: bool = False  # has vetoes, exemptions or not-applicable conditions
    reason_checks: tuple[tuple[ReasonRule, Check], ...] = ()  # each required reason with its compiled condition

    @property
    def part_facts(self) -> dict[str, FactSpec]:
        return self.configured.facts if self.configured else {}

    @property
    def computes_inputs(self) -> bool:
        """Whether its plugin (or a wrapper of the hook) computes rule inputs."""
        return self.implementation is not None and self.implementation.rule_inputs_hook is not None

    def precompute(self, pack: Pack) -> None:
        """Fill the per-pack constants from the leaf and its configuration (after configure)."""
        leaf = self.leaf
        self.path = leaf_path(pack, leaf)
        self.vetoes, self.exemptions, self.not_applicable = (
            tuple((g, gate_table_id(leaf, g, i)) for i, g in enumerate(gates))
            for gates in (leaf.vetoes, leaf.exemptions, leaf.not_applicable)
        )
        self.gated = bool(self.vetoes or self.exemptions or self.not_applicable)
        self.gate_inputs = tuple((name, f"fact:{name}", spec) for name, spec in self.gate_facts.items())
        self.needs = frozenset(self.part_facts) - (self.configured.optional if self.configured else frozenset())
        self.gate_checks = tuple(
            (g, gate_key(g))
            for g in leaf.vetoes + leaf.exemptions + leaf.not_applicable
            if g.fact in self.gate_facts and g.fact not in self.part_facts
        )


def _reason_checks(
    leaf: LeafSpec, configured: Configured, problems: list[Problem]
) -> tuple[tuple[ReasonRule, Check], ...]:
    """Each ``require_reason`` condition compiled as a check over the facts the leaf is scored from.

    Its facts must be the leaf's own scoring facts, so a department missing one leaves the
    leaf not evaluable rather than the requirement silently undecided.
    """
    out = []
    for i, rule in enumerate(leaf.reasons):
        spec = leaf.facts.get(rule.fact)
        if spec is None or spec.kind != "text":
            problems.append(
                rule.place.problem(
                    errors.PACK_INVALID, f"require_reason 的原因 {rule.fact} 须是该指标 facts 中声明的文字（text）事实"
                )
            )
            continue
        if not 0 < rule.deduct <= leaf.weight:
            problems.append(
                rule.place.problem(
                    errors.PACK_PARAMS, f"require_reason 的扣分 {rule.deduct} 应在 0～{leaf.weight} 之间"
                )
            )
            continue
        try:
            [check] = compile_checks(
                (CheckSpec(f"{leaf.code}:reason{i}", rule.when, rule.reason, place=rule.place),),
                {**leaf.facts, **configured.facts},
            )
        except JixiaoError as exc:
            problems.extend(exc.problems)
            continue
        outside = sorted(set(check.facts) - set(configured.facts))
        if outside:
            problems.append(
                rule.place.problem(
                    errors.PACK_INVALID,
                    f"require_reason 的条件用到 {'、'.join(outside)}，须只用本指标计分所用的事实",
                )
            )
            continue
        out.append((rule, check))
    return tuple(out)


def _unusable(spec: FactSpec) -> str:
    """What is wrong with a fact the pack declares, or "". Its name is a key of a facts document, a CSV
    column, a template's row: non-empty text, not padded, without control characters; its label is text."""
    name = spec.name
    if not (isinstance(name, str) and name != "" and name == name.strip() and first_control(name) is None):
        return f"事实名 {name!r} 无效：应为非空文字（如 budget_spent），首尾无空白，不含换行等控制字符"
    if not isinstance(spec.label, str):
        return f"事实 {name} 的名称（label）应为文字，实际为 {spec.label!r}"
    return ""


def gate_key(gate: Gate) -> str:
    return f"fact:{gate.fact}"


def gate_table_id(leaf: LeafSpec, gate: Gate, index: int) -> str:
    return f"{leaf.code}:{gate.kind}{index}"


def leaf_path(pack: Pack, leaf: LeafSpec) -> tuple[str, ...]:
    """Names of the nodes above ``leaf`` (一级, 二级 …), found by walking its ancestors' codes."""
    names, nodes = [], pack.roots
    for code in leaf.ancestors:
        node = next(n for n in nodes if n.code == code and isinstance(n, NodeSpec))
        names.append(node.name)
        nodes = node.children
    return tuple(names)


def subtotal_plan(pack: Pack) -> tuple[tuple[Any, ...], tuple[Any, ...]]:
    """The pack's tree as post-order steps, so subtotals are summed in one loop per department.

    Returns (steps, roots). A step is ``(node, children)``; a child or root is a leaf
    code (str) or the index (int) of an earlier step whose result it reuses.
    """
    steps: list[tuple[NodeSpec, tuple[str | int, ...]]] = []

    def visit(node: NodeSpec | LeafSpec) -> str | int:
        if isinstance(node, LeafSpec):
            return node.code
        kids = tuple(visit(c) for c in node.children)
        steps.append((node, kids))
        return len(steps) - 1

    roots = tuple(visit(n) for n in pack.roots)
    return tuple(steps), roots


def bind(pack: Pack, registry: Registry) -> tuple[list[Binding], FactModel, list[DecisionTable]]:
    problems: list[Problem] = []
    bindings: list[Binding] = []
    for leaf in pack.leaves():
        b = Binding(leaf)
        bindings.append(b)
        if registry.pm.is_blocked(leaf.use):
            b.status = "blocked"
            b.problem = Problem(
                errors.PLUGIN_BLOCKED,
                f"“{leaf.name}”的评分实现“{leaf.use}”已被停用，本指标无法评价",
                field=leaf.code,
                value=leaf.use,
            )
            continue
        implementation = registry.implementation(leaf.use)
        if implementation is None:
            close = difflib.get_close_matches(leaf.use, list(registry.info), n=1)
            known = (
                (f"是否应为“{close[0]}”？" if close else "")
                + "已注册："
                + ("、".join(sorted(registry.info)) or "（无）")
            )
            problems.append(
                leaf.place("use").problem(
                    errors.PLUGIN_UNKNOWN,
                    f"“{leaf.name}”的评分实现“{leaf.use}”不存在或不是指标插件；{known}",
                    field="use",
                    value=leaf.use,
                )
            )
            continue
        try:
            configured = implementation.configure(leaf)
            if not isinstance(configured, Configured):
                raise TypeError(f"返回了 {configured!r}，应返回 Configured")
            b.configured = configured
        except JixiaoError as exc:
            problems.extend(exc.problems)
            continue
        except (Exception, SystemExit) as exc:  # a faulty plugin: its leaf is "error", the rest still score
            b.status = "error"
            b.problem = leaf.place().problem(
                errors.PLUGIN_FAILED,
                f"插件“{leaf.use}”配置“{leaf.name}”时出错：{type(exc).__name__}: {exc}",
                field=leaf.code,
            )
            continue
        b.implementation = implementation
        for gate in leaf.vetoes + leaf.exemptions + leaf.not_applicable:
            spec = leaf.facts.get(gate.fact) or b.configured.facts.get(gate.fact)
            if spec is None and gate.interval.lo == gate.interval.hi and gate.interval.lo in (0, 1):
                spec = FactSpec(gate.fact, "bool", gate.reason)
            if spec is None:
                problems.append(
                    gate.place.problem(
                        errors.PACK_INVALID, f"条件引用的事实 {gate.fact} 没有在该指标的 facts 中声明", field=gate.fact
                    )
                )
                continue
            b.gate_facts[gate.fact] = spec
        b.reason_checks = _reason_checks(leaf, b.configured, problems)
    specs: dict[str, FactSpec] = {}
    for b in bindings:
        for spec in (
            list(b.part_facts.values())
            + list(b.gate_facts.values())
            + [f for f in b.leaf.facts.values() if f.name not in b.part_facts and f.name not in b.gate_facts]
        ):
            wrong = _unusable(spec)
            if wrong:
                problems.append(
                    b.leaf.place().problem(errors.PACK_PARAMS, f"“{b.leaf.name}”用到的{wrong}", field=b.leaf.code)
                )
                continue
            old = specs.setdefault(spec.name, spec)
            if (old.kind, old.unit, dict(old.choices)) != (spec.kind, spec.unit, dict(spec.choices)):
                problems.append(
                    b.leaf.place().problem(
                        errors.FACT_CONFLICT,
                        f"事实 {spec.name} 的声明（{spec.kind} {spec.unit}）"
                        f"与其他指标的声明（{old.kind} {old.unit}）不一致",
                        field=spec.name,
                    )
                )
    if problems:
        raise JixiaoError(problems)
    tables: list[DecisionTable] = []
    for b in bindings:
        b.precompute(pack)
        if b.configured is None:
            continue
        tables += b.configured.tables
        tables += [check.table for _, check in b.reason_checks]
        for _kind, gates in (
            ("veto", b.leaf.vetoes),
            ("exempt", b.leaf.exemptions),
            ("not_applicable", b.leaf.not_applicable),
        ):
            for i, gate in enumerate(gates):
                tables.append(
                    DecisionTable(
                        gate_table_id(b.leaf, gate, i),
                        (Rule("hit", gate.interval.conditions(gate_key(gate)), gate.reason),),
                    )
                )
    return bindings, FactModel(specs), tables


def gate_value(spec: FactSpec, value: Any) -> Decimal:
    if spec.kind == "bool":
        return Decimal(1 if value else 0)
    return Decimal(value)
