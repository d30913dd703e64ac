"""Fact and parameter values as exact Fractions, and booleans as the pack reader accepts them.

Why: facts arrive as the YAML reader gives them — ``Decimal`` (never float), ``int``,
strings such as ``"93.4%"`` or ``"10%"`` — and pack params likewise (``threshold: 10%`` is
the string "10%", ``step: 0.1`` a Decimal). ``docs/rubric-packs.md``: "Numbers may be written
plainly (0.5), as strings, or as percents ("10%" is 0.1)"; bools are ``true``/``false``/
``是``/``否``. Everything numeric becomes a Fraction here, exactly.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from fractions import Fraction


def to_fraction(value) -> Fraction:
    if isinstance(value, bool):
        raise TypeError(f"a number was expected, got the bool {value!r}")
    if isinstance(value, int):
        return Fraction(value)
    if isinstance(value, Decimal):
        if not value.is_finite():
            raise ValueError(f"not a finite number: {value!r}")
        return Fraction(value)
    if isinstance(value, Fraction):
        return value
    if isinstance(value, str):
        text = value.strip().replace(",", "").replace("，", "")
        percent = text.endswith("%") or text.endswith("％")
        if percent:
            text = text[:-1].strip()
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValueError(f"not a number: {value!r}") from None
        if not number.is_finite():
            raise ValueError(f"not a finite number: {value!r}")
        return Fraction(number) / 100 if percent else Fraction(number)
    raise TypeError(f"a number was expected, got {type(value).__name__} {value!r}")


TRUE_WORDS = {"true", "是"}
FALSE_WORDS = {"false", "否"}


def to_bool(value) -> bool:
    if isinstance(value, bool):
        return value
    if isinstance(value, str):
        word = value.strip().lower()
        if word in TRUE_WORDS:
            return True
        if word in FALSE_WORDS:
            return False
    raise ValueError(f"a yes/no fact was expected, got {value!r}")
