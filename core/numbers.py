"""Exact numbers: Decimal in and out, fractions inside, rounding only where the pack says.

Facts and pack parameters are finite decimals (``Decimal``), parsed by ``number_text``
without guessing. Every quotient a score depends on is an exact ``fractions.Fraction``
(16 of 53 on time is 16/53, not 0.3018867924528301886792452830), so truncating 2/15 × 6
gives 0.80, never 0.79. Values are turned back into decimals only where something is
rounded: a score by the pack's ``rounding.score``, a rate by its ``rounding.rate``, a
number for the text a report prints. ``round_to`` does that with integer arithmetic,
whatever the caller's decimal context.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from decimal import (
    ROUND_CEILING,
    ROUND_DOWN,
    ROUND_FLOOR,
    ROUND_HALF_EVEN,
    ROUND_HALF_UP,
    ROUND_UP,
    Context,
    Decimal,
    DivisionByZero,
    Inexact,
    InvalidOperation,
    Overflow,
    Subnormal,
    Underflow,
)
from fractions import Fraction

from .number_text import to_decimal

__all__ = [
    "CONTEXT",
    "Number",
    "exact",
    "add",
    "sub",
    "mul",
    "div",
    "total",
    "round_to",
    "quantize",
    "exact_text",
    "fmt_number",
    "fmt_percent",
    "fmt_points",
    "fmt_detail",
    "to_decimal",
    "quantum",
    "as_decimal",
]

Number = Decimal | Fraction | int
ROUNDING_MODES = {"truncate": ROUND_DOWN, "half_up": ROUND_HALF_UP, "half_even": ROUND_HALF_EVEN}
HUNDRED = Decimal(100)
ZERO = Decimal(0)
ONE = Decimal(1)
_QUANTA: dict[int, Decimal] = {}  # places → 10**-places, see quantum()
_INT_PLAIN = (
    10**27
)  # an int below this in size prints as itself (larger ones exceed the context's 28 digits when quantized)
_TENTH, _CENT, _MILLIONTH = Decimal("0.1"), Decimal("0.01"), Decimal("0.000001")

# The arithmetic context every load and evaluation runs in: Python's default (28 digits,
# half-even, the usual traps), fixed here so that a caller who changed
# ``decimal.getcontext()`` does not change anything jixiao computes. Scores do not depend
# on it (quotients are fractions); it bounds what a plugin's own Decimal arithmetic does.
CONTEXT = Context(
    prec=28,
    rounding=ROUND_HALF_EVEN,
    Emin=-999999,
    Emax=999999,
    capitals=1,
    clamp=0,
    flags=[],
    traps=[InvalidOperation, DivisionByZero, Overflow],
)
# Quantizing an admitted value (at most 15 integer and 20 decimal digits) to a few places
# is exact: the rounding mode decides, never the precision.
_WIDE = Context(
    prec=100, rounding=ROUND_HALF_EVEN, Emin=-999999, Emax=999999, traps=[InvalidOperation, DivisionByZero, Overflow]
)
# Sums, differences and products of Decimals: exact, or the ``Inexact`` signal, on which
# ``add``/``sub``/``mul`` compute the same thing with fractions instead.
_EXACT = Context(
    prec=100,
    rounding=ROUND_HALF_EVEN,
    Emin=-999999,
    Emax=999999,
    traps=[Inexact, InvalidOperation, DivisionByZero, Overflow, Underflow, Subnormal],
)


def exact(value: Number) -> Fraction:
    """The exact rational value of a Decimal, int or Fraction (a float is refused: it is not what was written)."""
    cls = value.__class__
    if cls is Fraction:
        return value  # type: ignore[return-value]  # a Fraction: mypy does not narrow through the alias ``cls``
    if cls is Decimal or isinstance(value, int):
        return Fraction(*value.as_integer_ratio())  # two ints: no abstract-class checks on the way
    if isinstance(value, Decimal):
        return Fraction(value)
    raise TypeError(f"不是精确数值：{value!r}")


_SIGNALS = (Inexact, Underflow, Subnormal, Overflow)


def _pair(value: Number) -> tuple[int, int]:
    """``value`` as (numerator, denominator), the denominator positive; a float refused, as ``exact`` refuses it.

    The fallbacks below build one ``Fraction`` from two such pairs: half the cost of
    converting both operands to fractions and letting ``Fraction`` combine them.
    """
    cls = value.__class__
    if cls is Fraction or cls is Decimal or cls is int:
        return value.as_integer_ratio()
    return exact(value).as_integer_ratio()


def add(a: Number, b: Number) -> Number:
    """``a + b`` exactly: a Decimal while it fits, else a Fraction (never a rounded Decimal)."""
    if a.__class__ is not Fraction and b.__class__ is not Fraction:
        try:
            # neither is a Fraction: a class test (not isinstance, 10× dearer) does not narrow
            return _EXACT.add(a, b)  # type: ignore[arg-type]
        except _SIGNALS:
            pass
    (an, ad), (bn, bd) = _pair(a), _pair(b)
    return Fraction(an * bd + bn * ad, ad * bd)


def sub(a: Number, b: Number) -> Number:
    """``a - b`` exactly (see ``add``)."""
    if a.__class__ is not Fraction and b.__class__ is not Fraction:
        try:
            return _EXACT.subtract(a, b)  # type: ignore[arg-type]  # no Fraction (see ``add``)
        except _SIGNALS:
            pass
    (an, ad), (bn, bd) = _pair(a), _pair(b)
    return Fraction(an * bd - bn * ad, ad * bd)


def mul(a: Number, b: Number) -> Number:
    """``a × b`` exactly (see ``add``)."""
    if a.__class__ is not Fraction and b.__class__ is not Fraction:
        try:
            return _EXACT.multiply(a, b)  # type: ignore[arg-type]  # no Fraction (see ``add``)
        except _SIGNALS:
            pass
    (an, ad), (bn, bd) = _pair(a), _pair(b)
    return Fraction(an * bn, ad * bd)


def div(a: Number, b: Number) -> Fraction:
    """``a ÷ b`` as an exact fraction (``ZeroDivisionError`` when ``b`` is 0)."""
    (an, ad), (bn, bd) = _pair(a), _pair(b)
    return Fraction(an * bd, ad * bn)


def total(values, start: Number = ZERO) -> Number:
    """The exact sum of ``values``, in order."""
    for value in values:
        start = add(start, value)
    return start


def quantum(places: int) -> Decimal:
    """The rounding unit ``10**-places`` (0.01 for 2), built once per ``places``."""
    q = _QUANTA.get(places)
    if q is None:
        q = _QUANTA[places] = Decimal(1).scaleb(-places, _WIDE)
    return q


def _rounded_int(n: int, d: int, rounding: str) -> int:
    """``n / d`` (``d > 0``) rounded to an integer by a decimal rounding mode."""
    q, r = divmod(n, d)  # floor division: q = floor(n / d), 0 <= r < d
    if r == 0 or rounding == ROUND_FLOOR:
        return q
    if rounding == ROUND_CEILING:
        return q + 1
    negative = n < 0
    if rounding == ROUND_DOWN:
        return q + 1 if negative else q
    if rounding == ROUND_UP:
        return q if negative else q + 1
    twice = 2 * r
    if twice != d:
        return q + 1 if twice > d else q
    if rounding == ROUND_HALF_UP:
        return q if negative else q + 1
    if rounding == ROUND_HALF_EVEN:
        return q if q % 2 == 0 else q + 1
    raise ValueError(f"不支持的取舍方式 {rounding}")


def round_to(value: Number, places: int, rounding: str) -> Decimal:
    """``value`` rounded to ``places`` decimals (``rounding`` is a ``decimal.ROUND_*`` mode), exactly.

    A Decimal is quantized in a context wide enough that only the mode decides; a
    fraction is rounded with integer arithmetic, so 2/15 × 6 truncated to 0.01 is 0.80.
    """
    if value.__class__ is Decimal:
        return value.quantize(_QUANTA.get(places) or quantum(places), rounding=rounding, context=_WIDE)
    fraction = exact(value)
    scale = 10**places if places >= 0 else 1
    n, d = fraction.numerator * scale, fraction.denominator * (10**-places if places < 0 else 1)
    return Decimal(_rounded_int(n, d, rounding)).scaleb(-places, _WIDE)


def quantize(value: Number, places: int, mode: str) -> Decimal:
    """``value`` rounded as a pack declares it (``mode``: truncate, half_up or half_even)."""
    return round_to(value, places, ROUNDING_MODES[mode])


def as_decimal(value: Number) -> Decimal | None:
    """The Decimal equal to ``value``, or None when its decimal expansion does not end (1/3)."""
    if value.__class__ is Decimal:
        return value
    fraction = exact(value)
    d, places = fraction.denominator, 0
    twos = fives = 0
    while d % 2 == 0:
        d //= 2
        twos += 1
    while d % 5 == 0:
        d //= 5
        fives += 1
    if d != 1:
        return None
    places = max(twos, fives)
    return Decimal(fraction.numerator * 10**places // fraction.denominator).scaleb(-places, _WIDE)


def exact_text(value: Number) -> str:
    """A value for JSON, exactly: a decimal ("0.8", "5.986614"), or "p/q" when its expansion does not end ("16/53")."""
    if value.__class__ is Decimal:
        return str(value)
    d = as_decimal(value)
    if d is not None:
        return format(d, "f")
    fraction = exact(value)
    return f"{fraction.numerator}/{fraction.denominator}"


def _approximate(value: Number) -> Decimal:
    """A value as a Decimal: itself when it is one, else its quotient to 28 significant digits (for printing only)."""
    if value.__class__ is Decimal:
        return value
    if isinstance(value, int):
        return Decimal(value)
    d = as_decimal(value)
    if d is not None:
        return d
    fraction = exact(value)
    return CONTEXT.divide(Decimal(fraction.numerator), Decimal(fraction.denominator))


def fmt_number(value: Number | None) -> str:
    """Plain decimal string without exponent or trailing zeros: 5.980 → 5.98, 5.00 → 5.

    Most values reach here as counts (ints, printed as they are) or written in plain
    notation with a point ("5.980"): dropping the trailing zeros of ``str`` is then the
    whole job. Anything else (integral Decimals, exponents, very long or non-finite
    values) goes through ``_fmt_number_general``. A fraction whose expansion does not
    end prints its first 28 significant digits.
    """
    if value is None:
        return "—"
    if type(value) is int and -_INT_PLAIN < value < _INT_PLAIN:
        return str(value)
    d = value if type(value) is Decimal else _approximate(value)
    text = str(d)
    if "." in text and "E" not in text and len(text) < 30:
        return text.rstrip("0").rstrip(".")
    return _fmt_number_general(d)


def _fmt_number_general(d: Decimal) -> str:
    """``fmt_number`` for any Decimal: integral values quantized to units, others without trailing zeros."""
    if not d.is_finite():
        return str(d)
    if d == d.to_integral_value():
        return format(d.quantize(ONE, context=_WIDE), "f")
    text = format(d, "f")
    return text.rstrip("0").rstrip(".") if "." in text else text


def _rounded(value: Number, places: int, rounding: str) -> str:
    """``fmt_number(round_to(value, places, rounding))``, written out for 0–6 places.

    There the rounded value's ``str`` is plain notation with exactly ``places``
    decimals, so dropping trailing zeros (and a bare point) is what ``fmt_number``
    would print: "30.0" → "30", "-0.0" → "-0", "0.50" → "0.5". A fraction is rounded
    to an integer count of 10**-places and its digits are placed around the point.
    """
    if value.__class__ is Fraction and 0 <= places <= 6:
        n, d = value.numerator, value.denominator
        units = _rounded_int(n * 10**places, d, rounding)
        digits = str(abs(units)).rjust(places + 1, "0")
        whole, part = (digits[:-places], digits[-places:].rstrip("0")) if places else (digits, "")
        return f"{'-' if units < 0 or (units == 0 and n < 0) else ''}{whole}{'.' + part if part else ''}"
    q = round_to(value, places, rounding)
    if not 0 <= places <= 6:
        return fmt_number(q)
    text = str(q)
    return text.rstrip("0").rstrip(".") if "." in text else text


RATE_PLACES: ContextVar[int | None] = ContextVar("jixiao_rate_places", default=None)
"""The decimals of a percentage the pack being scored declares (``rounding.rate``); the engine
sets it while it scores. None: the usual 0.1%, with a trailing ".0" dropped."""


def fmt_percent(rate: Number, places: int | None = None) -> str:
    """0.30188 → "30.2%" (half-up, as reports print rates).

    Without ``places``, at the precision the pack being scored declares for rates, every
    decimal printed as forms print them (95.10%); with none declared, one place, a ".0"
    dropped. One place is what reports use (~25 times a department), written out for a
    Decimal: the quantized text is "d.d".
    """
    if places is None:
        declared = RATE_PLACES.get()
        if declared is not None:
            return f"{round_to(mul(rate, HUNDRED), declared, ROUND_HALF_UP):.{declared}f}%"
        places = 1
    if places == 1 and rate.__class__ is Decimal:
        text = str((rate * HUNDRED).quantize(_TENTH, rounding=ROUND_HALF_UP, context=_WIDE))
        return f"{text[:-2] if text[-1] == '0' else text}%"
    if rate.__class__ is Decimal:
        return f"{_rounded(rate * HUNDRED, places, ROUND_HALF_UP)}%"
    fraction = exact(rate)
    return f"{_rounded(Fraction(fraction.numerator * 100, fraction.denominator), places, ROUND_HALF_UP)}%"


def fmt_points(value: Number) -> str:
    """Points in a sentence: two places half-up, trailing zeros dropped (0.019254 → 0.02)."""
    text = str(round_to(value, 2, ROUND_HALF_UP))
    return text.rstrip("0").rstrip(".")


def fmt_detail(value: Number) -> str:
    """An intermediate value for the explanation: up to six places, exact below that hidden.

    Rounded (half-even) when the value has more than six decimal places. For a Decimal
    the places are read off ``str(d)`` — plain notation with exactly -exponent digits
    after the point unless it shows an "E" — because ``as_tuple()`` builds a tuple of
    all its digits.
    """
    if value.__class__ is Fraction:  # rounding to six places is exact when the expansion is shorter
        return _rounded(value, 6, ROUND_HALF_EVEN)
    # not a Fraction: those returned above
    d = value if type(value) is Decimal else Decimal(value)  # type: ignore[arg-type]
    text = str(d)
    dot = text.find(".")
    if dot >= 0 and "E" not in text:
        if len(text) - dot > 7:
            text = str(d.quantize(_MILLIONTH, rounding=ROUND_HALF_EVEN, context=_WIDE))
        elif len(text) >= 30:
            return _fmt_number_general(d)
        return text.rstrip("0").rstrip(".")
    if d.is_finite():
        places = "E" in text and text[text.find("E") + 1] == "-"
    else:
        places = d.as_tuple().exponent < -6  # type: ignore[operator]  # TypeError for NaN and infinities, as ever
    return _rounded(d, 6, ROUND_HALF_EVEN) if places else fmt_number(d)


@contextmanager
def rate_places(places: int | None) -> Iterator[None]:
    """Percentages printed at ``places`` decimals within the block (see ``RATE_PLACES``)."""
    token = RATE_PLACES.set(places)
    try:
        yield
    finally:
        RATE_PLACES.reset(token)
