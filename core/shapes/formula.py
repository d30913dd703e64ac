"""Derived metrics written in the pack as formulas ("(本年 − 上年) / 上年"), evaluated exactly.

Parsing and evaluation are simpleeval's (a maintained, sandboxed evaluator; never
``eval``). The formula is parsed once at pack load, where names that are not declared
numeric facts or metrics are refused; number literals are read as written (0.1 is 1/10)
and every operation is done on fractions, so a formula's value is exact. A power must
have a small integer exponent: anything else would leave the rationals or cost without
bound.
"""

from __future__ import annotations

import ast
import operator
from collections.abc import Mapping
from fractions import Fraction

from simpleeval import DEFAULT_OPERATORS, SimpleEval

from .. import errors
from ..errors import FactError, JixiaoError, Place, Problem, shortened
from ..numbers import Number, exact

FUNCTIONS = {"min": min, "max": max, "abs": abs}
_ALLOWED = (
    ast.Expression,
    ast.BinOp,
    ast.UnaryOp,
    ast.Constant,
    ast.Name,
    ast.Load,
    ast.Call,
    ast.Add,
    ast.Sub,
    ast.Mult,
    ast.Div,
    ast.USub,
    ast.UAdd,
    ast.Pow,
)


MAX_EXPONENT = 64  # "x ** 2" is a formula; "10 ** 10 ** 10" is a way to stop the engine
MAX_DEGREE = 1024  # how many times over the digits of its facts a value may grow: "(x ** 64) ** 64" may not
MAX_NESTING = 100  # brackets and operations inside one another: evaluation recurses through them


def _small_integer(node: ast.AST) -> bool:
    """An integer literal (optionally signed) within ±MAX_EXPONENT: a power that stays exact and cheap."""
    if isinstance(node, ast.UnaryOp) and isinstance(node.op, (ast.USub, ast.UAdd)):
        node = node.operand
    return isinstance(node, ast.Constant) and type(node.value) is int and node.value <= MAX_EXPONENT


def parse_expression(text: str) -> ast.Expression:
    """``ast.parse`` of one expression; Python's parser answers a very deep or very long one with
    ``MemoryError`` or ``RecursionError``, which is a ``SyntaxError`` of the pack's here."""
    try:
        return ast.parse(text, mode="eval")
    except (MemoryError, RecursionError):
        raise SyntaxError("嵌套过深或过长") from None


def _degree(node: ast.AST, depth: int = 0) -> int:
    """A bound on how many times over the digits of its facts and constants a value's numerator and
    denominator can grow: each operation on fractions adds its sides' sizes, a power multiplies.
    ``RecursionError`` when the formula nests deeper than ``MAX_NESTING``."""
    if depth > MAX_NESTING:
        raise RecursionError
    if isinstance(node, ast.BinOp):
        base = _degree(node.left, depth + 1)
        if isinstance(node.op, ast.Pow):
            exponent = node.right.operand if isinstance(node.right, ast.UnaryOp) else node.right
            assert isinstance(exponent, ast.Constant) and isinstance(exponent.value, int)  # _small_integer said so
            return base * abs(exponent.value)
        return base + _degree(node.right, depth + 1)
    if isinstance(node, ast.UnaryOp):
        return _degree(node.operand, depth + 1)
    if isinstance(node, ast.Call):
        return sum(_degree(arg, depth + 1) for arg in node.args)
    return 1


def _unsafe(tree: ast.Expression, unknown: list[str]) -> str:
    """Why a parsed formula is refused, or "": a construct outside the language, an undeclared name,
    an exponent that is not a small integer, a cost without bound."""
    for node in ast.walk(tree):
        if not isinstance(node, _ALLOWED):
            return f"使用了不允许的写法 {type(node).__name__}：只能用 + − × ÷ ** 、括号、数值、事实名和 min/max/abs"
        if isinstance(node, ast.Call) and not (isinstance(node.func, ast.Name) and node.func.id in FUNCTIONS):
            return "只能调用 min、max、abs"
    if unknown:
        return f"使用了未声明的名称：{'、'.join(unknown)}"
    for node in ast.walk(tree):
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Pow) and not _small_integer(node.right):
            return f"的乘方指数须为 -{MAX_EXPONENT}～{MAX_EXPONENT} 的整数常量（如 x ** 2），以保证结果精确"
    try:
        degree = _degree(tree.body)
    except RecursionError:
        return f"的括号和运算嵌套超过 {MAX_NESTING} 层，无法安全计算；请拆开写"
    if degree > MAX_DEGREE:
        return f"的乘方嵌套或连乘过多：结果的位数可达事实的 {degree:,} 倍（上限 {MAX_DEGREE:,} 倍），计算代价无界"
    return ""


class _ExactEval(SimpleEval):
    """simpleeval over fractions: number literals as written ("0.1" is 1/10), every operation exact.

    A power is Python's own: simpleeval's guard refuses any base over four million (a budget of
    5,000,000 元 squared), and ``_degree`` has already bounded what a power can cost."""

    def __init__(self) -> None:
        super().__init__(operators={**DEFAULT_OPERATORS, ast.Pow: operator.pow}, functions=FUNCTIONS)

    def _eval_constant(self, node):
        if isinstance(node.value, bool) or not isinstance(node.value, (int, float)):
            raise ValueError(f"公式中只能使用数值常量，不能使用 {node.value!r}")
        return Fraction(repr(node.value)) if isinstance(node.value, float) else Fraction(node.value)


class Formula:
    def __init__(self, text: str, known: Mapping[str, object], where: Place):
        self.text = str(text)
        try:
            tree = parse_expression(self.text.replace("−", "-").replace("×", "*").replace("÷", "/"))
        except SyntaxError as exc:
            at = f"（第 {exc.offset} 个字符附近）" if exc.offset else ""
            raise self._refused(where, f"无法解析：{exc.msg}{at}") from None
        called = {n.func.id for n in ast.walk(tree) if isinstance(n, ast.Call) and isinstance(n.func, ast.Name)}
        self.names = sorted({n.id for n in ast.walk(tree) if isinstance(n, ast.Name)} - called)
        why = _unsafe(tree, [n for n in self.names if n not in known])
        if why:
            raise self._refused(where, why)
        self.tree = tree.body
        self.evaluator = _ExactEval()
        self.fact = tree.body.id if isinstance(tree.body, ast.Name) else None  # a bare fact name is its own value

    def _refused(self, where: Place, why: str) -> JixiaoError:
        shown = shortened(self.text, 200)
        return JixiaoError(where.problem(errors.PACK_FORMULA, f"公式“{shown}”{why}", field="formula", value=shown))

    def evaluate(self, values: Mapping[str, Number], label: str) -> Number:
        """The formula's exact value for these facts (a fraction, or the fact itself for a bare fact name)."""
        if self.fact is not None:
            return values[self.fact]
        self.evaluator.names = {n: exact(values[n]) for n in self.names}
        try:
            return exact(self.evaluator.eval(self.text, previously_parsed=self.tree))
        except ZeroDivisionError:
            raise FactError(
                Problem(
                    errors.FACT_ZERO_DIVISOR,
                    f"计算“{label}”（{self.text}）时出现除以 0，无法计算",
                    field=",".join(self.names),
                    value=0,
                    expected="分母不为 0 的事实",
                )
            ) from None
