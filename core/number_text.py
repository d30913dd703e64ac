"""How a number may be written in a facts file or a pack, and the refusal of everything else.

jixiao never guesses what a number means. "305,63" could be 305.63 or 30,563; "12%"
for an amount could be a typo or 0.12 万元; "１２" or "三百" need a conversion the user
did not ask for. Each is refused with a stable code and a Chinese message that says
what to write instead. What is accepted:

* digits with an optional sign and decimal point: ``305.63``, ``-2``, ``.5``;
* a plain thousands separator: ``1,234.56`` (groups of exactly three digits);
* exponent notation, as JSON exporters write it: ``1e-05``;
* a trailing percent sign (``%`` or full-width ``％``) where a rate is meant: ``98.1%`` is 0.981;
* ``int``, ``Decimal`` and, from Python, ``float`` by its shortest repr (``305.63`` is
  exactly 305.63, not the binary value nearest to it); NaN and infinities are refused.

Admitted numbers have at most ``MAX_INTEGER_DIGITS`` digits before the point and
``MAX_PLACES`` after it, so that every computation on them is exact and bounded.
"""

from __future__ import annotations

import math
import re
import unicodedata
from decimal import Decimal

from .errors import FACT_FORMAT, FACT_LIMIT, FACT_TYPE

MAX_INTEGER_DIGITS = 15  # |x| < 10**15: a thousand trillion 万元, far beyond any budget
MAX_PLACES = 20
LIMIT_TEXT = f"绝对值须小于 10^{MAX_INTEGER_DIGITS}，小数不超过 {MAX_PLACES} 位"
INT_LIMIT = 10**MAX_INTEGER_DIGITS

_PLAIN = re.compile(r"[+-]?(?:\d+(?:\.\d*)?|\.\d+)(?:[eE][+-]?\d+)?")
_GROUPED = re.compile(r"([+-]?)(\d{1,3}(?:,\d{3})+)(\.\d+)?")
_ALLOWED = frozenset("0123456789+-.,eE%")
_CHINESE_NUMERALS = frozenset("〇零一二三四五六七八九十百千万亿壹贰叁肆伍陆柒捌玖拾佰仟两")
_UNITS = ("万元", "元", "¥", "￥", "人", "个", "项", "件", "分")


class NumberRefused(ValueError):
    """A value that is not an admitted number: ``code`` is stable, ``reason`` is the Chinese explanation."""

    def __init__(self, code: str, reason: str):
        super().__init__(reason)
        self.code, self.reason = code, reason


def parse_number(raw: object, *, percent: bool = True) -> Decimal:
    """``raw`` as an exact Decimal, or ``NumberRefused``. ``percent``: whether "98.1%" may stand for 0.981."""
    if isinstance(raw, bool):
        raise NumberRefused(FACT_TYPE, "是/否不是数值")
    if isinstance(raw, int):
        if -INT_LIMIT < raw < INT_LIMIT:
            return Decimal(raw)
        raise NumberRefused(FACT_LIMIT, f"数值过大：{LIMIT_TEXT}")
    if isinstance(raw, Decimal):
        if not raw.is_finite():
            raise NumberRefused(FACT_TYPE, "不是有限数值")
        return _bounded(raw)
    if isinstance(raw, float):
        if not math.isfinite(raw):
            raise NumberRefused(FACT_TYPE, "不是有限数值（NaN 或无穷大）")
        return _bounded(Decimal(repr(raw)))
    if isinstance(raw, str):
        return _parse_text(raw, percent)
    raise NumberRefused(FACT_TYPE, f"不是数值（是{type(raw).__name__}）")


def to_decimal(value: object) -> Decimal:
    """A pack's number (a weight, points, a threshold like "10%"): ``parse_number`` with percents allowed."""
    return parse_number(value, percent=True)


def _parse_text(raw: str, percent: bool) -> Decimal:
    text = raw.strip()
    if text.endswith(("%", "％")):
        if not percent:
            raise NumberRefused(
                FACT_FORMAT,
                f"带百分号，但这一项是金额、数量或分数，不是比率：请只写数字（如 {text[:-1].strip() or '0'}）",
            )
        text = text[:-1].rstrip()
        if not text:
            raise NumberRefused(FACT_TYPE, "只有百分号，没有数字")
        sign, digits, exponent = _parse_plain(raw, text).as_tuple()
        assert isinstance(exponent, int)  # finite: _parse_plain admits digits only
        return Decimal((sign, digits, exponent - 2))  # exact: no division, no context
    return _parse_plain(raw, text)


def _parse_plain(raw: str, text: str) -> Decimal:
    if not text:
        raise NumberRefused(FACT_TYPE, "是空文字，不是数字")
    odd = [ch for ch in text if ch not in _ALLOWED]
    if odd:
        raise _odd_characters(text, odd)
    if "," in text:
        grouped = _GROUPED.fullmatch(text)
        if grouped is None:
            raise NumberRefused(FACT_FORMAT, _comma_advice(text))
        text = grouped.group(1) + grouped.group(2).replace(",", "") + (grouped.group(3) or "")
    if "%" in text or not _PLAIN.fullmatch(text):
        raise NumberRefused(
            FACT_TYPE, f"不是数字：请写阿拉伯数字，如 305.63、1,234.56{'、98.1%' if '%' in raw else ''}"
        )
    return _bounded(Decimal(text))


def _bounded(number: Decimal) -> Decimal:
    """``number`` itself when it has at most MAX_INTEGER_DIGITS integer digits and MAX_PLACES decimals."""
    if not number:
        return number
    if number.adjusted() >= MAX_INTEGER_DIGITS:
        raise NumberRefused(FACT_LIMIT, f"数值过大：{LIMIT_TEXT}")
    _, digits, exponent = number.as_tuple()
    assert isinstance(exponent, int)  # finite: every caller refused NaN and infinities
    if exponent < -MAX_PLACES:
        trailing = len(digits) - len(bytes(digits).rstrip(b"\0"))  # 1.500…0 has one place
        places = -exponent - trailing
        if places > MAX_PLACES:
            raise NumberRefused(FACT_LIMIT, f"小数位数过多（{places} 位）：{LIMIT_TEXT}")
    return number


def _odd_characters(text: str, odd: list[str]) -> NumberRefused:
    """The refusal of a text with characters no number has: FACT_FORMAT where a number was
    clearly meant but written in a way jixiao will not convert, FACT_TYPE for anything else."""
    normal = unicodedata.normalize("NFKC", text)
    if normal != text and all(ch in _ALLOWED for ch in normal):
        return NumberRefused(FACT_FORMAT, f"含全角字符，不按猜测换算：请改用半角数字，写作 {normal}")
    if any(unit in text for unit in _UNITS):
        return NumberRefused(FACT_FORMAT, "带有单位或货币符号：请只填数字，单位以评分体系规定的为准")
    if any(ch in _CHINESE_NUMERALS for ch in odd):
        return NumberRefused(FACT_FORMAT, "含中文数字：请用阿拉伯数字填写（如 300、1.5）")
    if all(ch.isspace() for ch in odd):
        return NumberRefused(FACT_FORMAT, "中间有空格：请去掉空格")
    shown = "".join(dict.fromkeys(odd))
    return NumberRefused(FACT_TYPE, f"不是数字（含有“{shown}”）：请写阿拉伯数字，如 305.63")


def _comma_advice(text: str) -> str:
    """Why a comma is refused, with both readings the user may have meant when there are two."""
    dot = text.find(".")
    if dot >= 0 and text.rfind(",") > dot:
        return "逗号在小数点之后，含义不明：请只用小数点表示小数，不用逗号"
    if text.count(",") == 1 and dot < 0:
        head, tail = text.split(",")
        return (
            f"逗号含义不明：逗号只能作千位分隔符（如 1,234.56）；若是小数请写 {head}.{tail}，若是整数请写 {head}{tail}"
        )
    return "逗号不是规范的千位分隔符（每三位一组，如 1,234,567.89）：请去掉逗号，核对后重新填写"
