"""How much work a small input may cost: the documented limits, and the flag that raises them.

Files come from other people. A 1 KB YAML file of nested aliases expands to billions of
nodes; a facts mapping of 300,000 misspelled names asks for 300,000 spelling
suggestions. Each limit below turns such input into a coded refusal (``INPUT_LIMIT``)
in bounded time. A user who really has a bigger document raises one with
``jixiao --limit NAME=VALUE …`` (or ``set_limit`` from Python).
"""

from __future__ import annotations

from dataclasses import dataclass, fields
from decimal import Decimal

from . import errors
from .errors import JixiaoError, Problem

MB = 1024 * 1024


@dataclass
class Limits:
    yaml_nodes: int = 200_000  # nodes of a YAML document with its aliases expanded
    depth: int = 32  # nesting of a YAML or JSON document (a facts document is 4 deep, a pack about 20)
    facts: int = 10_000  # entries in one department's facts mapping (a pack asks for a few dozen)
    suggestions: int = 20  # unknown fact names that get a "did you mean" (each costs a scan of the pack's facts)
    xlsx_mb: Decimal = Decimal(100)  # an xlsx's parts, unpacked, checked before it is opened
    record_mb: Decimal = Decimal(
        16
    )  # one document: a JSON line or CSV row of a batch, a facts file, a YAML file's text with aliases expanded

    @property
    def xlsx_bytes(self) -> int:
        return int(self.xlsx_mb * MB)

    @property
    def record_bytes(self) -> int:
        return int(self.record_mb * MB)


LIMITS = Limits()
DESCRIPTIONS = {
    "yaml_nodes": "YAML 文档别名展开后的节点数",
    "depth": "YAML/JSON 嵌套层数",
    "facts": "一个部门的事实项数",
    "suggestions": "给出拼写建议的未知事实名个数",
    "xlsx_mb": "xlsx 解压后的大小（MB）",
    "record_mb": "一个文档（批量输入的一条记录、一个事实文件）的大小（MB）",
}


def reset() -> None:
    """Every limit back to its default (each command starts from them, then applies its --limit)."""
    for f in fields(Limits):
        setattr(LIMITS, f.name, getattr(Limits(), f.name))


def raise_hint(name: str) -> str:
    """How to raise the limit ``name`` (a field of ``Limits``), for the end of a refusal."""
    return f"（确需更大时，可用 jixiao --limit {name.replace('_', '-')}=N 提高上限）"


def set_limit(text: str) -> None:
    """Apply ``NAME=VALUE`` (``facts=20000``, ``xlsx-mb=250``; ``-`` or ``_`` in the name alike) to ``LIMITS``."""
    name, _, value = text.partition("=")
    key = name.strip().replace("-", "_")
    kinds = {f.name: f.type for f in fields(Limits)}
    try:
        number = Decimal(value.strip()) if key in kinds else None
    except ArithmeticError:
        number = None
    whole = number is not None and (kinds[key] != "int" or number == number.to_integral_value())
    if number is None or not number.is_finite() or number <= 0 or not whole:
        listing = "、".join(f"{k.replace('_', '-')}（{DESCRIPTIONS[k]}，默认 {getattr(Limits, k):,}）" for k in kinds)
        raise JixiaoError(
            Problem(
                errors.OPTION_INVALID,
                f"--limit {text!r} 无效：应为 名称=正数；可设的上限：{listing}",
                field="--limit",
                value=text,
                expected="名称=正数",
            )
        )
    setattr(LIMITS, key, int(number) if kinds[key] == "int" else number)
