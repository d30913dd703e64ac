"""Exact rounding of a Fraction to N decimal places, with integer arithmetic only.

Why: the pack's rounding (``rounding.score``, ``rounding.rate``) is the *only* place a
score may lose precision. Rounding here goes through ``divmod`` on integers — no Decimal
context, no float — so the result is the correctly rounded value of the exact rational,
whatever its length. The result is a Decimal with exactly ``places`` places.

Modes, as ``docs/rubric-packs.md`` names them:
- ``truncate``: toward zero (5.98661 → 5.98; -1.239 → -1.23);
- ``half_up``: to nearest, a tie away from zero (2.345 → 2.35; -2.345 → -2.35);
- ``half_even``: to nearest, a tie to the even neighbour (2.345 → 2.34; 2.355 → 2.36).
"""

from __future__ import annotations

from decimal import Decimal
from fractions import Fraction

MODES = ("truncate", "half_up", "half_even")


def round_fraction(x: Fraction | int, places: int, mode: str) -> Decimal:
    if mode not in MODES:
        raise ValueError(f"unknown rounding mode {mode!r}")
    if places < 0:
        raise ValueError("places must be >= 0")
    x = Fraction(x)
    scaled_num = abs(x.numerator) * 10**places
    den = x.denominator  # always > 0
    q, r = divmod(scaled_num, den)
    if mode == "half_up":
        if 2 * r >= den:
            q += 1
    elif mode == "half_even":
        if 2 * r > den or (2 * r == den and q % 2 == 1):
            q += 1
    sign = 1 if (x < 0 and q != 0) else 0
    return Decimal((sign, tuple(int(c) for c in str(q)), -places))


def round_to_fraction(x: Fraction | int, places: int, mode: str) -> Fraction:
    """The same rounding, kept as a Fraction for further exact arithmetic."""
    return Fraction(round_fraction(x, places, mode))
