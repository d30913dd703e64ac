"""Exact numbers: Decimal from parsing to printing, and the pack's rounding policy.

Floats never enter: YAML floats are read as Decimal (see ``pack.yamlio``), percent
strings are parsed here, and every rate is a Decimal fraction (0.302 for 30.2%).
"""
from __future__ import annotations

from decimal import ROUND_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP, Decimal, InvalidOperation

ROUNDING_MODES = {"truncate": ROUND_DOWN, "half_up": ROUND_HALF_UP, "half_even": ROUND_HALF_EVEN}
HUNDRED = Decimal(100)
ZERO = Decimal(0)
ONE = Decimal(1)


def to_decimal(value: object) -> Decimal:
    """Parse an int, Decimal or numeric string ("98.1%", "1,599.06") into a Decimal.

    Raises ValueError for anything else, floats included: a float has already lost
    the value the user wrote.
    """
    if isinstance(value, bool):
        raise ValueError("布尔值不是数值")
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError("非有限数值")
        return value
    if isinstance(value, int):
        return Decimal(value)
    if isinstance(value, str):
        text = value.strip().replace(",", "").replace("，", "")
        percent = text.endswith(("%", "％"))
        if percent:
            text = text[:-1].strip()
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValueError(f"无法解析为数值：{value!r}") from None
        if not number.is_finite():
            raise ValueError("非有限数值")
        return number / HUNDRED if percent else number
    raise ValueError(f"不支持的数值类型：{type(value).__name__}")


def quantize(value: Decimal, places: int, mode: str) -> Decimal:
    return value.quantize(Decimal(1).scaleb(-places), rounding=ROUNDING_MODES[mode])


def fmt_number(value: Decimal | int | None) -> str:
    """Plain decimal string without exponent or trailing zeros: 5.980 → 5.98, 5.00 → 5."""
    if value is None:
        return "—"
    d = Decimal(value)
    if d == d.to_integral_value():
        return str(d.quantize(ONE))
    return format(d.normalize(), "f")


def fmt_percent(rate: Decimal, places: int = 1) -> str:
    """0.30188 → "30.2%" (half-up, as reports print rates)."""
    return f"{fmt_number(quantize(rate * HUNDRED, places, 'half_up'))}%"


def fmt_fixed(value: Decimal, places: int = 2) -> str:
    return format(value.quantize(Decimal(1).scaleb(-places)), "f")


def fmt_points(value: Decimal) -> str:
    """Points in a sentence: two places half-up, trailing zeros dropped (0.019254 → 0.02)."""
    return fmt_number(quantize(Decimal(value), 2, "half_up"))


def fmt_detail(value: Decimal) -> str:
    """An intermediate value for the explanation: up to six places, exact below that hidden."""
    d = Decimal(value)
    return fmt_number(quantize(d, 6, "half_even")) if d.as_tuple().exponent < -6 else fmt_number(d)  # type: ignore[operator]
