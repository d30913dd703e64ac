"""A loaded rubric pack: an immutable tree of nodes and leaves, its rounding and grades."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from .. import tree
from ..errors import Place
from ..facts import FactSpec
from ..numbers import Number, quantize
from ..rules.intervals import Interval


@dataclass(frozen=True)
class Gate:
    """A veto (score 0) or exemption (full marks) decided by one fact."""

    kind: str  # "veto" | "exempt"
    fact: str
    interval: Interval  # bool facts are 1/0: "is: true" is [1, 1]
    reason: str
    place: Place  # where the gate is written, for messages


@dataclass(frozen=True)
class ReasonRule:
    """A reason the leaf requires when ``when`` holds; missing, it costs ``deduct`` points."""

    when: str
    fact: str
    deduct: Decimal
    reason: str
    place: Place


@dataclass(frozen=True)
class LeafSpec:
    code: str
    name: str
    weight: Decimal
    use: str
    params: Mapping[str, Any]
    facts: Mapping[str, FactSpec]
    description: str = ""
    criteria: str = ""
    improvement: str = ""
    vetoes: tuple[Gate, ...] = ()
    exemptions: tuple[Gate, ...] = ()
    path: str = ""  # "file:line：node path", for error messages
    ancestors: tuple[str, ...] = ()  # codes of 一级/二级 nodes above
    not_applicable: tuple[Gate, ...] = ()
    origins: Mapping[str, str] = field(default_factory=dict)  # param path → the override that set it
    scale: Number = Decimal(1)  # raw score multiplier when an override moved points here (exact)
    metrics: Mapping[str, Any] = field(default_factory=dict)  # the pack's derived metrics
    file: str = ""
    lines: Mapping[str, int] = field(default_factory=dict)  # "params.bands" → line in ``file``
    node: tuple = ()  # the YAML node path of the leaf within ``file``
    params_at: tuple | None = (
        None  # the YAML path of its params when not ``node + ("params",)`` (a part of a parts leaf)
    )
    reasons: tuple[ReasonRule, ...] = ()  # written reasons required under a condition

    def locate(self, param: str) -> str:
        """ "file:line" of a parameter of this leaf, or of the leaf itself."""
        line = self.place(param).line
        return f"{self.file}:{line}" if line else self.file

    def place(self, param: str = "") -> Place:
        """Where a parameter of this leaf is written ("params.bands[1].points"), or the leaf itself:
        the deepest line known."""
        parts = [p for p in param.replace("[", ".").replace("]", "").split(".") if p]
        keys = tuple(int(p) if p.isdigit() else p for p in parts)
        if keys[:1] == ("params",) and self.params_at is not None:
            node = self.params_at + keys[1:]
        else:
            node = self.node + keys
        text = f"{self.path.split('：', 1)[-1]}.{param}" if param else self.path.split("：", 1)[-1]
        while parts:
            line = self.lines.get(".".join(parts))
            if line:
                return Place(self.file, line, node, text)
            parts = parts[:-1]
        return Place(self.file, self.lines.get("") or None, node, text)


@dataclass(frozen=True)
class NodeSpec:
    code: str
    name: str
    weight: Decimal
    printed_name: str
    description: str
    children: tuple[NodeSpec | LeafSpec, ...]


@dataclass(frozen=True)
class CheckSpec:
    """A consistency check between facts as the pack writes it (see ``checks``); after ``extend``,
    the base pack's checks with those of the same id replaced."""

    id: str
    rule: str
    label: str
    effect: str = "warn"  # warn | not_evaluable | ignore
    tolerance: Decimal | None = None
    place: Place | None = None


@dataclass(frozen=True)
class GradeBand:
    grade: str
    interval: Interval


@dataclass(frozen=True)
class Pack:
    id: str
    title: str
    region: str
    year: int
    version: str
    kind: str
    source: str
    total: Decimal
    score_rounding: tuple[int, str]
    rate_rounding: tuple[int, str] | None
    grades: tuple[GradeBand, ...]
    roots: tuple[NodeSpec | LeafSpec, ...]
    plugin_files: tuple[Path, ...]
    directory: Path | None
    digest: str
    raw: Mapping[str, Any] = field(repr=False, compare=False, default_factory=dict)
    overrides: tuple[Any, ...] = ()  # AppliedOverride, in order
    base: str | None = None  # id of the pack this one extends
    dropped_weight: Decimal = Decimal(0)  # points removed by "drop: rescale"; the total is rescaled to ``total``
    checks: tuple[CheckSpec, ...] = ()  # consistency checks between facts
    form: Any = None  # FormSchema: the project form's layout, when the pack is one

    def leaves(self) -> Iterator[LeafSpec]:
        return tree.leaves(self.roots, LeafSpec)

    def nodes(self) -> Iterator[NodeSpec]:
        return tree.groups(self.roots, LeafSpec)

    def round_score(self, value: Number) -> Decimal:
        places, mode = self.score_rounding
        return quantize(value, places, mode)

    def round_rate(self, value: Number) -> Number:
        if self.rate_rounding is None:
            return value
        places, mode = self.rate_rounding
        return quantize(value, places, mode)

    @property
    def rate_places(self) -> int | None:
        """How many decimals a percentage prints with: the pack's rate rounding, or None (the default, 0.1%)."""
        return None if self.rate_rounding is None else max(self.rate_rounding[0] - 2, 0)

    def grade_for(self, total: Number) -> str | None:
        for band in self.grades:
            if band.interval.contains(total):
                return band.grade
        return None

    def find(self, key: str) -> LeafSpec | None:
        for leaf in self.leaves():
            if key in (leaf.code, leaf.name):
                return leaf
        return None
