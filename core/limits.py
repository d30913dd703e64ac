"""How much work a small input may cost: the documented limits, and the flag that raises them.

Files come from other people. A 1 KB YAML file of nested aliases expands to billions of
nodes; a facts mapping of 300,000 misspelled names asks for 300,000 spelling
suggestions. Each limit below turns such input into a coded refusal (``INPUT_LIMIT``)
in bounded time. A user who really has a bigger document raises one with
``jixiao --limit NAME=VALUE …`` (or ``set_limit`` from Python).
"""
from __future__ import annotations

from dataclasses import dataclass, fields

from . import errors
from .errors import JixiaoError, Problem


@dataclass
class Limits:
    yaml_nodes: int = 200_000  # nodes of a YAML document with its aliases expanded
    depth: int = 64  # nesting of a YAML or JSON document
    facts: int = 5_000  # entries in one department's facts mapping
    suggestions: int = 20  # unknown fact names that get a "did you mean" (each costs a scan of the pack's facts)


LIMITS = Limits()
DESCRIPTIONS = {"yaml_nodes": "YAML 文档别名展开后的节点数", "depth": "YAML/JSON 嵌套层数", "facts": "一个部门的事实项数",
                "suggestions": "给出拼写建议的未知事实名个数"}


def raise_hint(name: str) -> str:
    """How to raise the limit ``name`` (a field of ``Limits``), for the end of a refusal."""
    return f"（确需更大时，可用 jixiao --limit {name.replace('_', '-')}=N 提高上限）"


def set_limit(text: str) -> None:
    """Apply ``NAME=VALUE`` (``facts=20000``; ``-`` or ``_`` in the name alike) to ``LIMITS``."""
    name, _, value = text.partition("=")
    key = name.strip().replace("-", "_")
    known = {f.name for f in fields(Limits)}
    if key not in known or not value.strip().isdigit() or int(value) < 1:
        listing = "、".join(f"{k.replace('_', '-')}（{DESCRIPTIONS[k]}，默认 {getattr(Limits, k):,}）" for k in sorted(known))
        raise JixiaoError(Problem(errors.OPTION_INVALID, f"--limit {text!r} 无效：应为 名称=正整数；可设的上限：{listing}",
                                  field="--limit", value=text, expected="名称=正整数"))
    setattr(LIMITS, key, int(value))
