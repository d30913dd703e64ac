"""The pack's formula language evaluated over Fractions, by a small hand-written parser.

Why: ``metrics:`` and inline ``{formula: …}`` values are part of a pack's semantics
(``docs/rubric-packs.md``: ``+ - * / **``, parentheses, numbers, declared numeric facts,
``min``/``max``/``abs``). The oracle must not share the engine's evaluator, so this is a
recursive-descent parser with Python's precedence (``**`` binds tighter than unary minus
and is right-associative). Every operation is exact: ``/`` is a Fraction quotient and
``**`` accepts integer exponents only (a fractional power has no exact rational value).
"""

from __future__ import annotations

import re
from collections.abc import Callable
from fractions import Fraction

_TOKEN = re.compile(
    r"\s*(?:(\d+(?:\.\d*)?|\.\d+)(%?)|([A-Za-z_\u4e00-\u9fff][A-Za-z0-9_\u4e00-\u9fff]*)|(\*\*|[-+*/(),]))"
)
_FUNCS: dict[str, Callable[..., Fraction]] = {
    "min": lambda *a: min(a),
    "max": lambda *a: max(a),
    "abs": lambda a: abs(a),
}


def _tokens(text: str) -> list[tuple[str, object]]:
    out: list[tuple[str, object]] = []
    pos = 0
    text = text.rstrip()
    while pos < len(text):
        m = _TOKEN.match(text, pos)
        if not m or m.end() == pos:
            raise SyntaxError(f"cannot read the formula at {text[pos:]!r}")
        number, percent, name, op = m.groups()
        if number is not None:
            value = Fraction(number)
            out.append(("num", value / 100 if percent else value))
        elif name is not None:
            out.append(("name", name))
        else:
            out.append(("op", op))
        pos = m.end()
    out.append(("end", None))
    return out


class _Parser:
    def __init__(self, text: str, lookup: Callable[[str], Fraction]):
        self.toks = _tokens(text)
        self.i = 0
        self.lookup = lookup

    def peek(self):
        return self.toks[self.i]

    def take(self, op=None):
        tok = self.toks[self.i]
        if op is not None and tok != ("op", op):
            raise SyntaxError(f"expected {op!r}, found {tok[1]!r}")
        self.i += 1
        return tok

    def parse(self) -> Fraction:
        value = self.expr()
        if self.peek()[0] != "end":
            raise SyntaxError(f"unexpected {self.peek()[1]!r}")
        return value

    def expr(self) -> Fraction:
        value = self.term()
        while self.peek() in (("op", "+"), ("op", "-")):
            op = self.take()[1]
            rhs = self.term()
            value = value + rhs if op == "+" else value - rhs
        return value

    def term(self) -> Fraction:
        value = self.unary()
        while self.peek() in (("op", "*"), ("op", "/")):
            op = self.take()[1]
            rhs = self.unary()
            value = value * rhs if op == "*" else value / rhs  # ZeroDivisionError: not evaluable
        return value

    def unary(self) -> Fraction:
        if self.peek() == ("op", "-"):
            self.take()
            return -self.unary()
        if self.peek() == ("op", "+"):
            self.take()
            return self.unary()
        return self.power()

    def power(self) -> Fraction:
        base = self.atom()
        if self.peek() == ("op", "**"):
            self.take()
            exponent = self.unary()
            if exponent.denominator != 1:
                raise ValueError("only integer powers have an exact rational value")
            return base ** int(exponent)
        return base

    def atom(self) -> Fraction:
        kind, value = self.take()
        if kind == "num":
            return value  # type: ignore[return-value]
        if kind == "name":
            if self.peek() == ("op", "("):
                if value not in _FUNCS:
                    raise NameError(f"unknown function {value}")
                self.take("(")
                args = [self.expr()]
                while self.peek() == ("op", ","):
                    self.take()
                    args.append(self.expr())
                self.take(")")
                return Fraction(_FUNCS[value](*args))  # type: ignore[index]
            return self.lookup(value)  # type: ignore[arg-type]
        if (kind, value) == ("op", "("):
            inner = self.expr()
            self.take(")")
            return inner
        raise SyntaxError(f"unexpected {value!r}")


def evaluate_formula(text: str, lookup: Callable[[str], Fraction]) -> Fraction:
    """The exact value of ``text``; names are resolved by ``lookup`` (a fact's Fraction)."""
    return _Parser(str(text), lookup).parse()
