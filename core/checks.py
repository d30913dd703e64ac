"""Consistency checks between facts, declared by a pack: impossible facts are flagged, not scored.

A rubric scores what a department reports; it cannot tell that Q4 spending ten times
the budget, more projects finished on time than planned, or more assets in use than
owned are impossible — each would score, some at full marks. A pack declares the
relations its facts must satisfy, as chained comparisons of formulas::

    checks:
      - id: cumulative-spending
        rule: spent_q1 ≤ spent_q2 ≤ spent_q3 ≤ spent_q4 ≤ annual_budget
        label: 各季度末累计支出逐季不减，且不超过全年预算数
        effect: not_evaluable        # or warn (the default); ignore switches an inherited check off
        tolerance: 0.01              # optional, for ≤ ≥ =

Each link ``a op b`` becomes the exact rule input ``a − b`` and a decision table whose
rule fires when the link is broken, so checks run on the rules backend with the
pack's other tables. A broken check is a coded problem (``FACT_INCONSISTENT``) that
names every fact and value: a warning on the scorecard, or — where the pack says so —
it makes every indicator that reads one of its facts not evaluable.
"""

from __future__ import annotations

import ast
import re
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from . import errors
from .errors import FactError, JixiaoError, Place, Problem
from .facts import FactSpec
from .numbers import Number, fmt_number, sub
from .pack.model import CheckSpec
from .rules.model import Condition, DecisionTable, Op, Rule
from .shapes.formula import Formula, parse_expression

NUMERIC = ("money", "number", "count", "rate", "score")
EFFECTS = ("warn", "not_evaluable", "ignore")
_OPS: dict[type[ast.cmpop], Op] = {ast.LtE: "le", ast.GtE: "ge", ast.Lt: "lt", ast.Gt: "gt", ast.Eq: "eq"}
_OP_TEXT = {"le": "≤", "ge": "≥", "lt": "<", "gt": ">", "eq": "="}
_OP_WORDS = {"le": "不应超过", "ge": "不应低于", "lt": "应低于", "gt": "应高于", "eq": "应等于"}
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


@dataclass(frozen=True)
class Link:
    """One comparison of a chain: ``left op right``, decided on ``key`` = left − right."""

    left: Formula
    op: Op
    right: Formula
    key: str


@dataclass(frozen=True)
class Check:
    spec: CheckSpec
    links: tuple[Link, ...]
    facts: Mapping[str, FactSpec]  # every fact the rule reads
    table: DecisionTable
    broken_link: Mapping[str, int]  # the table's rule id → the index of the link it tests

    def inputs(self, values: Mapping[str, Any]) -> dict[str, Number]:
        """The exact difference of each link's sides, or nothing when a side cannot be computed (a zero divisor)."""
        try:
            return {
                link.key: sub(link.left.evaluate(values, self.spec.label), link.right.evaluate(values, self.spec.label))
                for link in self.links
            }
        except FactError:
            return {}

    def problem(self, rule_id: str, values: Mapping[str, Any]) -> Problem:
        """The broken link, in Chinese: both sides with every fact and value."""
        link = self.links[self.broken_link[rule_id]]
        left, right = (self._side(f, values) for f in (link.left, link.right))
        allowed = f"（允许误差 {fmt_number(self.spec.tolerance)}）" if self.spec.tolerance else ""
        names = list(dict.fromkeys(_names(link.left, self.facts) + _names(link.right, self.facts)))
        return Problem(
            errors.FACT_INCONSISTENT,
            f"事实之间不一致（{self.spec.label}）：{left} {_OP_WORDS[link.op]} {right}{allowed}",
            field=",".join(names),
            expected=f"{_text(link.left, self.facts)} {_OP_TEXT[link.op]} {_text(link.right, self.facts)}",
        )

    def _side(self, formula: Formula, values: Mapping[str, Any]) -> str:
        if len(formula.names) == 1 and formula.text.strip() == formula.names[0]:
            spec = self.facts[formula.names[0]]
            return f"{spec.label}（{spec.name}）{spec.show(values[spec.name])}"
        shown = "，".join(f"{self.facts[n].label} {self.facts[n].show(values[n])}" for n in _names(formula, self.facts))
        value = formula.evaluate(values, self.spec.label)
        return f"{_text(formula, self.facts)}={fmt_number(value)}（{shown}）" if shown else fmt_number(value)


def _names(formula: Formula, facts: Mapping[str, FactSpec]) -> list[str]:
    """The facts a side reads, in the order the rule writes them."""
    return list(dict.fromkeys(n for n in _NAME.findall(formula.text) if n in facts))


def _text(formula: Formula, facts: Mapping[str, FactSpec]) -> str:
    """A side as a reader says it: facts by their Chinese labels, × and ÷."""
    text = _NAME.sub(lambda m: facts[m.group()].label if m.group() in facts else m.group(), formula.text)
    return text.replace("*", "×").replace("/", "÷").replace(" ", "")


def compile_checks(specs: tuple[CheckSpec, ...], facts: Mapping[str, FactSpec]) -> list[Check]:
    """Every check of the pack against its declared facts; the problems of all of them at once."""
    numeric = {name: spec for name, spec in facts.items() if spec.kind in NUMERIC}
    checks, problems = [], []
    for spec in specs:
        if spec.effect == "ignore":
            continue
        try:
            checks.append(_compile(spec, numeric))
        except JixiaoError as exc:
            problems += exc.problems
    if problems:
        raise JixiaoError(problems)
    return checks


def _compile(spec: CheckSpec, numeric: Mapping[str, FactSpec]) -> Check:
    where = spec.place or Place(spec.id)

    def refuse(message: str) -> JixiaoError:
        return JixiaoError(
            where.problem(
                errors.PACK_FORMULA, f"一致性检查 {spec.id} 的规则“{spec.rule}”{message}", field="rule", value=spec.rule
            )
        )

    text = (
        spec.rule.replace("≤", "<=")
        .replace("≥", ">=")
        .replace("＝", "=")
        .replace("×", "*")
        .replace("÷", "/")
        .replace("−", "-")
    )
    text = re.sub(r"(?<![<>=!])=(?!=)", "==", text)
    text = re.sub(r"(?<![\w.])(\d+(?:\.\d+)?)%", r"(\1/100)", text)  # "90% × b": a percent of a number, exactly
    try:
        tree = parse_expression(text).body
    except SyntaxError as exc:
        raise refuse(f"无法解析：{exc.msg}") from None
    if not isinstance(tree, ast.Compare) or any(type(op) not in _OPS for op in tree.ops):
        raise refuse("应为比较，如 a ≤ b、a ≤ b × 1.1、a = b + c，或连写 a ≤ b ≤ c（可用 ≤ ≥ < > =）")
    ops = [_OPS[type(op)] for op in tree.ops]
    if spec.tolerance is not None and (spec.tolerance < 0 or any(op in ("lt", "gt") for op in ops)):
        raise refuse("的允许误差 tolerance 须为非负数，且只用于 ≤、≥、=")
    sides = [ast.get_source_segment(text, node) or "" for node in [tree.left, *tree.comparators]]
    formulas = [Formula(side.strip(), numeric, where) for side in sides]
    links = tuple(Link(formulas[i], op, formulas[i + 1], f"check:{spec.id}:{i}") for i, op in enumerate(ops))
    rules, broken_link = [], {}
    tolerance = spec.tolerance or Decimal(0)
    for i, link in enumerate(links):
        for suffix, op, bound in _broken(link.op, tolerance):
            rule_id = f"broken{i}{suffix}"
            rules.append(
                Rule(
                    rule_id,
                    (Condition(link.key, op, bound),),
                    f"{spec.label}：{sides[i].strip()} {_OP_TEXT[link.op]} {sides[i + 1].strip()} 不成立",
                )
            )
            broken_link[rule_id] = i
    used = {n: numeric[n] for f in formulas for n in f.names}
    return Check(spec, links, used, DecisionTable(f"check:{spec.id}", tuple(rules)), broken_link)


def _broken(op: Op, tolerance: Decimal) -> list[tuple[str, Op, Decimal]]:
    """When ``left − right`` breaks ``left op right`` (within ``tolerance``): the conditions of the table's rules."""
    if op == "le":
        return [("", "gt", tolerance)]
    if op == "ge":
        return [("", "lt", -tolerance)]
    if op == "lt":
        return [("", "ge", Decimal(0))]
    if op == "gt":
        return [("", "le", Decimal(0))]
    return [("low", "lt", -tolerance), ("high", "gt", tolerance)]
