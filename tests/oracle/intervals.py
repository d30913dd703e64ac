"""The pack's interval notation, parsed by hand into exact predicates.

Why: bands, gates, ``zero_when`` and grades are written as rubrics print them —
``"[90%, ∞)"``, ``"(10%, ∞)"``, ``"[0, 0]"`` (``docs/rubric-packs.md``, "Intervals"). Square
brackets are closed, round ones open, ∞ always open. Endpoints are exact Fractions, so an
edge like 90% is exactly 9/10 and a value exactly on it falls on the side the bracket says.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

from .values import to_fraction

_POS_INF = {"∞", "+∞", "inf", "+inf"}
_NEG_INF = {"-∞", "−∞", "-inf", "−inf"}


@dataclass(frozen=True)
class Interval:
    lo: Fraction | None  # None: -∞
    lo_closed: bool
    hi: Fraction | None  # None: +∞
    hi_closed: bool
    text: str = ""

    def __contains__(self, x) -> bool:
        x = Fraction(x)
        if self.lo is not None:
            if x < self.lo or (x == self.lo and not self.lo_closed):
                return False
        if self.hi is not None:
            if x > self.hi or (x == self.hi and not self.hi_closed):
                return False
        return True

    def scaled(self, factor: Fraction) -> Interval:
        """The interval with both ends multiplied by a positive factor (a qualitative level's range × weight)."""
        f = Fraction(factor)
        if f <= 0:
            raise ValueError("factor must be positive")
        return Interval(
            None if self.lo is None else self.lo * f,
            self.lo_closed,
            None if self.hi is None else self.hi * f,
            self.hi_closed,
            self.text,
        )


def _endpoint(text: str, low: bool) -> Fraction | None:
    t = text.strip()
    if t in _POS_INF:
        if low:
            raise ValueError(f"+∞ as a lower end: {text!r}")
        return None
    if t in _NEG_INF:
        if not low:
            raise ValueError(f"-∞ as an upper end: {text!r}")
        return None
    return to_fraction(t)


def parse_interval(text) -> Interval:
    s = str(text).strip()
    if len(s) < 5 or s[0] not in "[(" or s[-1] not in "])":
        raise ValueError(f"not an interval: {text!r}")
    inner = s[1:-1].replace("，", ",")
    pieces = inner.split(",")
    if len(pieces) != 2:
        raise ValueError(f"an interval has two ends: {text!r}")
    lo = _endpoint(pieces[0], low=True)
    hi = _endpoint(pieces[1], low=False)
    lo_closed = s[0] == "["
    hi_closed = s[-1] == "]"
    if (lo is None and lo_closed) or (hi is None and hi_closed):
        raise ValueError(f"∞ is always open: {text!r}")
    if lo is not None and hi is not None and (lo > hi or (lo == hi and not (lo_closed and hi_closed))):
        raise ValueError(f"empty interval: {text!r}")
    return Interval(lo, lo_closed, hi, hi_closed, s)
