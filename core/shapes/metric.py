"""The value a shape scores: a fact, a ratio of sums of facts, or a difference of two facts."""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import Any

from .. import errors
from ..errors import FactError, Problem
from ..facts import FactSpec
from ..indicator import EvalContext, InputValue, Intermediate, params_error
from ..numbers import Number, div, fmt_number, fmt_percent, sub, total
from ..pack.model import LeafSpec
from .base import declared
from .formula import Formula

_NUMERIC = ("money", "number", "count", "rate", "score")


class Metric:
    """Parsed from ``value:``, e.g. ``{ratio: {numerator: a, denominator: [b, c]}, label: 某比率}``."""

    num: list[FactSpec]
    den: list[FactSpec]
    minus: list[FactSpec]
    compute: Callable[[EvalContext], Number]
    """The value for one department: ``_fact``, ``_ratio``, ``_difference`` or ``_formula_value``, chosen at
    construction (it runs for every department, the choice depends on the pack alone)."""

    def __init__(self, leaf: LeafSpec, spec: Any, where: str = "value"):
        if not isinstance(spec, dict):
            raise params_error(
                leaf,
                where,
                "应为 {fact: …}、{ratio: {numerator, denominator}}、{difference: [a, b]}、{formula: …} 或 {metric: …}",
            )
        self.label: str = spec.get("label", "")
        if not isinstance(self.label, str):
            raise params_error(leaf, f"{where}.label", f"应为文字，实际为 {self.label!r}")
        self.is_rate = "ratio" in spec
        self.expr: Formula | None = None
        if "metric" in spec:
            m = leaf.metrics.get(spec["metric"]) if isinstance(spec["metric"], str) else None
            if m is None:
                raise params_error(
                    leaf, f"{where}.metric", f"评分体系没有定义派生指标 {spec['metric']!r}（见 metrics:）"
                )
            spec = {"formula": m.formula, "label": self.label or m.label, "rate": m.rate}
        if "formula" in spec:
            numeric = {k: v for k, v in leaf.facts.items() if v.kind in _NUMERIC}
            self.expr = Formula(spec["formula"], numeric, leaf.place(f"params.{where}"))
            self.num = [leaf.facts[n] for n in self.expr.names]
            self.den, self.minus = [], []
            self.label = spec.get("label", self.label)
            self.is_rate = bool(spec.get("rate", False))
        elif "fact" in spec:
            self.num = [declared(leaf, spec["fact"], _NUMERIC, f"{where}.fact")]
            self.den, self.minus = [], []
            self.is_rate = self.num[0].kind == "rate"
            self.label = self.label or self.num[0].label
        elif "ratio" in spec:
            r = spec["ratio"] or {}
            if not isinstance(r, dict):
                raise params_error(leaf, f"{where}.ratio", f"应为 {{numerator: …, denominator: …}}，实际为 {r!r}")
            self.num = [declared(leaf, n, _NUMERIC, f"{where}.ratio.numerator") for n in _list(r.get("numerator"))]
            self.den = [declared(leaf, n, _NUMERIC, f"{where}.ratio.denominator") for n in _list(r.get("denominator"))]
            self.minus = []
            if not self.num or not self.den:
                raise params_error(leaf, f"{where}.ratio", "须有 numerator 与 denominator")
        elif "difference" in spec:
            pair = _list(spec["difference"])
            if len(pair) != 2:
                raise params_error(leaf, f"{where}.difference", "应为两个事实 [被减数, 减数]")
            self.num = [declared(leaf, pair[0], _NUMERIC, f"{where}.difference")]
            self.minus = [declared(leaf, pair[1], _NUMERIC, f"{where}.difference")]
            self.den = []
        else:
            raise params_error(
                leaf, where, "应为 {fact: …}、{ratio: …}、{difference: […]}、{formula: …} 或 {metric: …}"
            )
        if not self.label:
            raise params_error(leaf, f"{where}.label", "比率或差值须有中文名称 label")
        self.shown_specs = tuple(self.facts.values())  # explain() shows these, for every department
        self._template = self._sentence_template()
        self._sentence_order = self._formatted_facts()
        self._num = tuple(s.name for s in self.num)
        self._den = tuple(s.name for s in self.den)
        self._first = self._num[0] if self._num else None
        self._minus = self.minus[0].name if self.minus else None
        self.compute = self._computation()

    @property
    def facts(self) -> dict[str, FactSpec]:
        if self.expr is not None:
            return {s.name: s for s in self.num}
        return {s.name: s for s in self.num + self.den + self.minus}

    def formula(self) -> str:
        if self.expr is not None:
            return f"{self.label}={self.expr.text}"
        if self.den:
            return f"{self.label}=({_sum_text(self.num)})÷({_sum_text(self.den)})"
        if self.minus:
            return f"{self.label}={self.num[0].label}－{self.minus[0].label}"
        return f"{self.label}={self.num[0].label}"

    def show(self, value: Number) -> str:
        return fmt_percent(value) if self.is_rate else fmt_number(value)

    def _computation(self) -> Callable[[EvalContext], Number]:
        if self.expr is not None:
            return self._formula_value
        if self.den:
            return self._ratio
        return self._difference if self.minus else self._fact

    def _fact(self, ctx: EvalContext) -> Number:
        assert self._first is not None  # chosen for a single fact
        return Decimal(ctx.facts[self._first])

    def _difference(self, ctx: EvalContext) -> Number:
        assert self._first is not None and self._minus is not None  # chosen for a difference of two facts
        facts = ctx.facts
        return sub(Decimal(facts[self._first]), Decimal(facts[self._minus]))

    def _ratio(self, ctx: EvalContext) -> Number:
        """The exact quotient of the two sums (a fraction), rounded only if the pack rounds rates."""
        facts = ctx.facts
        top = total(facts[name] for name in self._num)
        bottom = total(facts[name] for name in self._den)
        if not bottom:
            raise self._zero_divisor()
        return ctx.pack.round_rate(div(top, bottom))

    def _zero_divisor(self) -> FactError:
        names = "+".join(self._den)
        return FactError(
            Problem(
                errors.FACT_ZERO_DIVISOR,
                f"计算“{self.label}”时分母（{_sum_text(self.den)}：{names}）为 0，无法计算",
                field=names,
                value=0,
                expected="大于 0 的数",
            )
        )

    def _formula_value(self, ctx: EvalContext) -> Number:
        assert self.expr is not None  # chosen for a formula
        value = self.expr.evaluate(ctx.facts, self.label)
        return ctx.pack.round_rate(value) if self.is_rate else value

    def explain(self, ctx: EvalContext, value: Number) -> tuple[list[InputValue], list[Intermediate]]:
        facts = ctx.facts
        inputs = [InputValue(s.name, s.label, facts[s.name], s.show(facts[s.name])) for s in self.shown_specs]
        return inputs, [Intermediate(self.label, value, self.show(value))]

    def sentence(
        self, ctx: EvalContext, value: Number, explained: tuple[list[InputValue], list[Intermediate]] | None = None
    ) -> str:
        """ "某比率为30.2%（甲16人÷（乙37人+甲16人））".

        ``explained`` is what ``explain(ctx, value)`` returned: its texts are reused
        instead of formatting every fact and the value a second time, and taken by
        position (``shown_specs`` order) to fill the template built at construction.
        """
        if explained is None:
            facts = ctx.facts
            shown_value = self.show(value)
            texts = {s.name: s.show(facts[s.name]) for s in self._sentence_order}
            return self._template.format(shown_value, *[texts[s.name] for s in self.shown_specs] if texts else ())
        inputs, mids = explained
        return self._template.format(mids[0].shown, *[i.shown for i in inputs])

    def _formatted_facts(self) -> tuple[FactSpec, ...]:
        """What ``sentence`` formats when not given ``explain``'s texts, in the order it always did (a ratio's
        denominators first), so that a department with several bad facts gets the same error; none for a plain fact."""
        if self.expr is None and not self.den and not self.minus:
            return ()
        specs = self.den + self.num if self.den else self.num + self.minus
        return tuple({s.name: s for s in specs}.values())

    def _sentence_template(self) -> str:
        """The sentence as a ``str.format`` template, built once: "{0}" is the value, "{1}", "{2}",
        … the facts of ``shown_specs``."""
        at = {s.name: i for i, s in enumerate(self.shown_specs, 1)}
        item = lambda s: f"{_literal(s.label)}{{{at[s.name]}}}"
        head = f"{_literal(self.label)}为{{0}}"
        if self.expr is not None:
            return f"{head}（{'，'.join(map(item, self.num))}）"
        if not self.den and not self.minus:
            return head
        parts = lambda specs: "+".join(map(item, specs))
        if self.minus:
            return f"{head}（{parts(self.num)}－{parts(self.minus)}）"
        den = parts(self.den)
        return f"{head}（{parts(self.num)}÷{'（' + den + '）' if len(self.den) > 1 else den}）"


def _list(v: Any) -> list:
    return [] if v is None else list(v) if isinstance(v, (list, tuple)) else [v]


def _sum_text(specs: list[FactSpec]) -> str:
    return "+".join(s.label for s in specs)


def _literal(text: str) -> str:
    """``text`` as it reads inside a ``str.format`` template."""
    return text.replace("{", "{{").replace("}", "}}")
