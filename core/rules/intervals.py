"""Intervals as rubrics write them ("[75%, 90%)", "(10%, ∞)") and the check that a band table
covers its domain without gaps or overlaps, before any rule is compiled."""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from ..numbers import Number, fmt_number, fmt_percent, to_decimal
from .model import Condition

_INF = {"∞", "+∞", "inf", "+inf", "-∞", "-inf", "−∞"}
_PATTERN = re.compile(r"^\s*([\[(])\s*([^,，]+?)\s*[,，]\s*([^,，]+?)\s*([\])])\s*$")


@dataclass(frozen=True)
class Interval:
    lo: Decimal | None
    lo_closed: bool
    hi: Decimal | None
    hi_closed: bool
    percent: bool = False

    def contains(self, x: Number) -> bool:
        if self.lo is not None and (x < self.lo or (x == self.lo and not self.lo_closed)):
            return False
        if self.hi is not None and (x > self.hi or (x == self.hi and not self.hi_closed)):
            return False
        return True

    def conditions(self, key: str) -> tuple[Condition, ...]:
        out = []
        if self.lo is not None:
            out.append(Condition(key, "ge" if self.lo_closed else "gt", self.lo))
        if self.hi is not None:
            out.append(Condition(key, "le" if self.hi_closed else "lt", self.hi))
        if self.lo is not None and self.lo == self.hi:
            return (Condition(key, "eq", self.lo),)
        return tuple(out)

    def _edge(self, v: Decimal | None, sign: str) -> str:
        if v is None:
            return f"{sign}∞"
        return fmt_percent(v, 4) if self.percent else fmt_number(v)

    def __str__(self) -> str:
        lo = self._edge(self.lo, "-")
        hi = self._edge(self.hi, "+")
        return f"{'[' if self.lo_closed else '('}{lo}, {hi}{']' if self.hi_closed else ')'}"

    def describe(self, label: str) -> str:
        """Chinese reading of the interval: "75%≤比率<90%", "比率>10%"."""
        lo, hi = self._edge(self.lo, ""), self._edge(self.hi, "")
        if self.lo is not None and self.lo == self.hi:
            return f"{label}={lo}"
        if self.lo is None and self.hi is None:
            return f"{label}为任意值"
        if self.hi is None:
            return f"{label}{'≥' if self.lo_closed else '>'}{lo}"
        if self.lo is None:
            return f"{label}{'≤' if self.hi_closed else '<'}{hi}"
        return f"{lo}{'≤' if self.lo_closed else '<'}{label}{'≤' if self.hi_closed else '<'}{hi}"


def parse_interval(text: str) -> Interval:
    """Parse "[a, b)" with percent or plain numbers and ∞; raises ValueError in Chinese."""
    m = _PATTERN.match(str(text))
    if not m:
        raise ValueError(f"区间“{text}”格式不对，应写成 [下限, 上限) 之类，开闭用 ( ) [ ]，无穷写 ∞")
    lb, lo_s, hi_s, rb = m.groups()
    percent = "%" in lo_s or "%" in hi_s
    lo = None if lo_s in _INF else to_decimal(lo_s)
    hi = None if hi_s in _INF else to_decimal(hi_s)
    if lo is None and lb == "[" or hi is None and rb == "]":
        raise ValueError(f"区间“{text}”：无穷端必须是开区间")
    if lo is not None and hi is not None and (lo > hi or lo == hi and not (lb == "[" and rb == "]")):
        raise ValueError(f"区间“{text}”为空：下限应小于上限")
    return Interval(lo, lb == "[", hi, rb == "]", percent)


_NEG_INF = Decimal("-Infinity")
_POS_INF = Decimal("Infinity")


def _start(iv: Interval) -> tuple[Decimal, int]:
    """Position where coverage starts: (v, 0) is v itself, (v, 1) just after v."""
    return (_NEG_INF, 0) if iv.lo is None else (iv.lo, 0 if iv.lo_closed else 1)


def _end(iv: Interval) -> tuple[Decimal, int]:
    """First position past the interval."""
    return (_POS_INF, 0) if iv.hi is None else (iv.hi, 1 if iv.hi_closed else 0)


def _span(a: tuple[Decimal, int], b: tuple[Decimal, int], percent: bool) -> Interval:
    lo = None if a[0] == _NEG_INF else a[0]
    hi = None if b[0] == _POS_INF else b[0]
    return Interval(lo, a[1] == 0 and lo is not None, hi, b[1] == 1 and hi is not None, percent)


def partition_problems(intervals: list[Interval], domain: Interval) -> list[str]:
    """Gaps and overlaps of ``intervals`` within ``domain``, each named in Chinese."""
    percent = any(i.percent for i in intervals)
    problems: list[str] = []
    cursor = _start(domain)
    for iv in sorted(intervals, key=_start):
        s, e = _start(iv), _end(iv)
        if s > cursor:
            problems.append(f"缺口：{_span(cursor, s, percent)} 不属于任何一档")
        elif s < cursor:
            problems.append(f"重叠：{iv} 与前一档在 {_span(s, min(cursor, e), percent)} 重叠")
        cursor = max(cursor, e)
    if cursor < _end(domain):
        problems.append(f"缺口：{_span(cursor, _end(domain), percent)} 不属于任何一档")
    return problems
