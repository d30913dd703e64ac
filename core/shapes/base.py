"""The base of every rule shape: a plugin class whose instances are indicator implementations.

A shape is written once; an indicator is an instance of a shape registered under the
indicator's name (``Bands("some-indicator", "某指标")``), so one
indicator can be replaced or blocked without touching the others.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

from ..facts import FactSpec
from ..hookspecs import Resolver, hookimpl
from ..indicator import Computed, Configured, EvalContext, InputValue, Outcome, params_error
from ..number_text import NumberRefused
from ..numbers import Number, to_decimal
from ..pack.model import LeafSpec


class Shape:
    kind = "shape"
    params: tuple[str, ...] | None = None  # the params this shape reads; None: not checked
    summary = ""

    def __init__(self, name: str | None = None, title: str = ""):
        self.name = name or self.kind
        self.title = title

    def __repr__(self) -> str:
        return f"<{type(self).__name__} {self.name}>"

    # Hook implementations delegate to the methods subclasses write. A shape with decision
    # tables also implements ``jixiao_indicator_rule_inputs``; the others do not, so the
    # engine makes no call for them.
    @hookimpl
    def jixiao_indicator_configure(self, leaf: LeafSpec, plugins: Resolver) -> Configured:
        """Most shapes read their own params only; a shape made of others (``Parts``) uses ``plugins``."""
        check_params(self, leaf)
        return self.configure(leaf)

    @hookimpl
    def jixiao_indicator_evaluate(self, leaf: LeafSpec, configured: Configured, ctx: EvalContext) -> Outcome:
        return self.evaluate(leaf, configured, ctx)

    def configure(self, leaf: LeafSpec) -> Configured:
        raise NotImplementedError

    def evaluate(self, leaf: LeafSpec, configured: Configured, ctx: EvalContext) -> Outcome:
        """A shape written in two steps: its explanation of what it computed. A shape written in one step
        overrides this and nothing else."""
        return self.explain(leaf, configured, ctx, self.compute(leaf, configured, ctx))

    def compute(self, leaf: LeafSpec, configured: Configured, ctx: EvalContext) -> Computed:
        """The score, the rules that fired and the values the texts need, without making any text.

        Everything that can refuse the department (a zero divisor, a value outside every
        band) is found here: ``explain`` of a computed result never fails.
        """
        raise NotImplementedError

    def explain(self, leaf: LeafSpec, configured: Configured, ctx: EvalContext, computed: Computed) -> Outcome:
        """The outcome of ``computed``, every input, intermediate value and deduction with its text."""
        raise NotImplementedError

    def two_steps(self) -> tuple[Callable[..., Computed], Callable[..., Outcome]] | None:
        """``compute`` and ``explain`` when this shape's ``evaluate`` is exactly the one after the other, so
        the engine may compute now and explain when the texts are first read; None for a shape written in
        one step, or one whose subclass changed what ``evaluate`` does."""
        cls = type(self)
        if (
            cls.compute is Shape.compute
            or cls.evaluate is not Shape.evaluate
            or cls.jixiao_indicator_evaluate is not Shape.jixiao_indicator_evaluate
        ):
            return None
        return self.compute, self.explain


def check_params(shape: Shape, leaf: LeafSpec) -> None:
    """A param the shape does not read is a typo: refused, never silently ignored."""
    if shape.params is None:
        return
    for key in leaf.params:
        if key not in shape.params:
            raise params_error(
                leaf, key, f"未知的参数（是否拼写有误？）；{shape.kind} 可用的参数：{'、'.join(shape.params)}"
            )


def param(leaf: LeafSpec, key: str, default: Any = ...) -> Any:
    if key in leaf.params:
        return leaf.params[key]
    if default is ...:
        raise params_error(leaf, key, "缺少此参数")
    return default


def text_param(leaf: LeafSpec, key: str, default: Any = ...) -> str:
    """A parameter that is text (a fact's name, a unit, a label), refused at its line when it is not."""
    value = param(leaf, key, default)
    if not isinstance(value, str):
        raise params_error(leaf, key, f"应为文字，实际为 {value!r}")
    return value


def choice_param(leaf: LeafSpec, key: str, choices: Iterable[str], default: Any = ...) -> str:
    """A parameter that names one of ``choices``: anything else, a typo included, is refused, never taken
    for the default."""
    value = param(leaf, key, default)
    if not isinstance(value, str) or value not in choices:
        raise params_error(leaf, key, f"应为 {'、'.join(choices)} 之一，实际为 {value!r}")
    return value


def number_param(leaf: LeafSpec, key: str, default: Any = ...) -> Decimal:
    return number_at(leaf, key, param(leaf, key, default))


def number_at(leaf: LeafSpec, where: str, raw: Any) -> Decimal:
    """A number written in the leaf's params at ``where`` ("items[2].points"); refused, the refusal names
    that parameter and its line, and says why."""
    try:
        return to_decimal(raw)
    except ValueError as exc:
        reason = f"：{exc.reason}" if isinstance(exc, NumberRefused) else ""
        raise params_error(leaf, where, f"应为数值，实际为 {raw!r}{reason}") from None


def declared(leaf: LeafSpec, name: object, kinds: tuple[str, ...], where: str) -> FactSpec:
    """The leaf's declaration of a fact it uses, checked for kind."""
    if not isinstance(name, str) or name not in leaf.facts:
        raise params_error(leaf, where, f"引用的事实 {name!r} 没有在该指标的 facts 中声明")
    spec = leaf.facts[name]
    if spec.kind not in kinds:
        raise params_error(leaf, where, f"事实 {name} 的类型 {spec.kind} 不适用，应为 {'/'.join(kinds)}")
    return spec


def shown_input(spec: FactSpec, value: Any) -> InputValue:
    return InputValue(spec.name, spec.label, value, spec.show(value))


def check_points(leaf: LeafSpec, total: Number, what: str) -> None:
    if total != leaf.weight:
        from ..numbers import fmt_number

        raise params_error(leaf, what, f"各项分值合计 {fmt_number(total)} 与指标分值 {fmt_number(leaf.weight)} 不符")
