"""Exact numbers: Decimal from parsing to printing, and the pack's rounding policy.

Floats never enter: YAML floats are read as Decimal (see ``pack.yamlio``), percent
strings are parsed here, and every rate is a Decimal fraction (0.302 for 30.2%).
"""
from __future__ import annotations

from decimal import ROUND_DOWN, ROUND_HALF_EVEN, ROUND_HALF_UP, Context, Decimal, DivisionByZero, InvalidOperation, Overflow

ROUNDING_MODES = {"truncate": ROUND_DOWN, "half_up": ROUND_HALF_UP, "half_even": ROUND_HALF_EVEN}
HUNDRED = Decimal(100)
ZERO = Decimal(0)
ONE = Decimal(1)
_QUANTA: dict[int, Decimal] = {}  # places → 10**-places, see quantum()
_INT_PLAIN = 10**27  # an int below this in size prints as itself (larger ones exceed the context's 28 digits when quantized)
_TENTH, _CENT, _MILLIONTH = Decimal("0.1"), Decimal("0.01"), Decimal("0.000001")

# The arithmetic context every evaluation runs in: Python's default (28 digits, half-even,
# the usual traps), fixed here so that a caller who changed ``decimal.getcontext()`` does
# not get different quotients, rates or scores. The engine enters it with ``localcontext``.
CONTEXT = Context(prec=28, rounding=ROUND_HALF_EVEN, Emin=-999999, Emax=999999, capitals=1, clamp=0,
                  flags=[], traps=[InvalidOperation, DivisionByZero, Overflow])


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


def quantum(places: int) -> Decimal:
    """The rounding unit ``10**-places`` (0.01 for 2), built once per ``places``: quantize runs ~100 times a department."""
    q = _QUANTA.get(places)
    if q is None:
        q = _QUANTA[places] = Decimal(1).scaleb(-places)
    return q


def quantize(value: Decimal, places: int, mode: str) -> Decimal:
    return value.quantize(_QUANTA.get(places) or quantum(places), rounding=ROUNDING_MODES[mode])


def fmt_number(value: Decimal | int | None) -> str:
    """Plain decimal string without exponent or trailing zeros: 5.980 → 5.98, 5.00 → 5.

    Most values reach here as counts (ints, printed as they are) or written in plain
    notation with a point ("5.980"): dropping the trailing zeros of ``str`` is then the
    whole job. Anything else (integral Decimals, exponents, very long or non-finite
    values) goes through ``_fmt_number_general``.
    """
    if value is None:
        return "—"
    if type(value) is int and -_INT_PLAIN < value < _INT_PLAIN:
        return str(value)
    d = value if type(value) is Decimal else Decimal(value)
    text = str(d)
    if "." in text and "E" not in text and len(text) < 30:
        return text.rstrip("0").rstrip(".")
    return _fmt_number_general(d)


def _fmt_number_general(d: Decimal) -> str:
    """``fmt_number`` for any Decimal: integral values quantized to units, others normalised."""
    if d == d.to_integral_value():
        return str(d.quantize(ONE))
    n = d.normalize()
    text = str(n)
    return format(n, "f") if "E" in text else text


def _rounded(value: Decimal, places: int, rounding: str) -> str:
    """``fmt_number(value.quantize(10**-places, rounding))``, faster for 0–6 places.

    There the quantized value's ``str`` is plain notation with exactly ``places``
    decimals, so dropping trailing zeros (and a bare point) is what ``fmt_number``
    would print: "30.0" → "30", "-0.0" → "-0", "0.50" → "0.5".
    """
    q = value.quantize(_QUANTA.get(places) or quantum(places), rounding=rounding)
    if not 0 <= places <= 6:
        return fmt_number(q)
    text = str(q)
    return text.rstrip("0").rstrip(".") if "." in text else text


def fmt_percent(rate: Decimal, places: int = 1) -> str:
    """0.30188 → "30.2%" (half-up, as reports print rates).

    One place is what reports use (~25 times a department), written out: the quantized
    text is "d.d", and a ".0" is dropped.
    """
    if places == 1:
        text = str((rate * HUNDRED).quantize(_TENTH, rounding=ROUND_HALF_UP))
        return f"{text[:-2] if text[-1] == '0' else text}%"
    return f"{_rounded(rate * HUNDRED, places, ROUND_HALF_UP)}%"


def fmt_points(value: Decimal) -> str:
    """Points in a sentence: two places half-up, trailing zeros dropped (0.019254 → 0.02)."""
    text = str((value if type(value) is Decimal else Decimal(value)).quantize(_CENT, rounding=ROUND_HALF_UP))
    return text.rstrip("0").rstrip(".")


def fmt_detail(value: Decimal) -> str:
    """An intermediate value for the explanation: up to six places, exact below that hidden.

    Rounded (half-even) when the value is written with more than six decimal places.
    The places are read off ``str(d)`` — plain notation with exactly -exponent digits
    after the point unless it shows an "E" — because ``as_tuple()`` builds a tuple of
    all 28 digits of a quotient.
    """
    d = value if type(value) is Decimal else Decimal(value)
    text = str(d)
    dot = text.find(".")
    if dot >= 0 and "E" not in text:
        if len(text) - dot > 7:
            text = str(d.quantize(_MILLIONTH, rounding=ROUND_HALF_EVEN))
        elif len(text) >= 30:
            return _fmt_number_general(d)
        return text.rstrip("0").rstrip(".")
    if d.is_finite():
        places = "E" in text and text[text.find("E") + 1] == "-"
    else:
        places = d.as_tuple().exponent < -6  # type: ignore[operator]  # TypeError for NaN and infinities, as ever
    return _rounded(d, 6, ROUND_HALF_EVEN) if places else fmt_number(d)
