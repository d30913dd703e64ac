"""A generic exact oracle for the shapes of ``docs/rubric-packs.md``, driven by a pack's params.

Why: every YAML-only pack (``use: bands`` …) and every built-in indicator of the reference
pack is an instance of a documented shape. One small function per shape, from the leaf's
params (as ``jixiao.yamlio.load_path`` gives them: Decimals, ints, "10%" strings) and the
facts to an exact Fraction raw score bounded to [0, weight], lets any pack be checked.

Semantics, from the shapes table of ``docs/rubric-packs.md`` and the cases beside the packs:

- values: ``{fact}`` as given (a rate fact is never rounded); ``{ratio}`` (sums on both
  sides) and ``{formula …, rate: true}`` / ``{metric}`` marked ``rate: true`` are *computed
  rates*, rounded by the pack's optional ``rounding.rate`` before any use (cap, band,
  threshold, zero_when); ``{difference: [a, b]}`` is a − b, not a rate.
- checklist: Σ points of the items whose bool fact holds.
- per_occurrence: weight − count × step, floor 0.
- ratio: min(value, cap) × weight (cap default 1); 0 when the value lies in ``zero_when``.
- bands: the points of the band containing the value (none contains it: not evaluable).
- over_threshold: excess = value − threshold; units = excess / per (per default 1%), counted
  pro_rata (exact), started (⌈units⌉) or whole (⌊units⌋); weight − step × units, floor 0.
  Default counting: pro_rata (the doc gives no default for this shape; see the report).
- under_target: the same on the shortfall threshold − value; counting ``whole`` by default.
- target / proportional: ``>=``: actual ≥ target → weight, else actual / target × weight;
  ``<=``: actual ≤ target → weight, else target / actual × weight; ``=``: equal → weight,
  else min(actual/target, target/actual) × weight (undocumented; unused by these packs).
  The completion quotient itself is not rounded as a rate (only the ``actual`` value is,
  when it is a ratio or a rate formula).
- levels: the points of the chosen choice (by key, or by its Chinese label).
- progress: per period the 支出进度 p = spent / budget and the 执行率 r = p / schedule, both
  computed rates, each rounded by ``rounding.rate`` (the all-shapes case reads "比率先取四位：
  0.8 + 0.9 + 0.9333 + 0.95 + 1.79165"; that the 支出进度 is rounded first, as the table prints
  it, is this oracle's reading); Σ min(r, cap) × points + min(mean(r) × average_points,
  average_points); cap default 1; the mean is of the rounded, *uncapped* ratios (the 盐田
  reference average is 1.0277) and is not itself rounded (the case's 1.79165 = 2 × 0.895825).
- judgement: the evaluator's score fact, within [0, weight], with a non-empty reason.
- qualitative: the score fact, which must lie in the chosen level's range × weight, with a reason.
- parts: Σ of the parts, each scored as its shape with ``points`` as its weight; the parts
  are not rounded, only the leaf.

Gates: ``not_applicable`` (dropped, total rescaled), then ``veto`` (0), then ``exempt`` (full).
Each gate is ``{fact, is: …}`` (bool facts compared as bools) or ``{fact, range: interval}``.
Leaf scores are rounded by ``rounding.score``; the total is the sum of the rounded leaves,
and with a leaf not applicable it is rescaled to the pack total over the applicable weight and
rounded again by ``rounding.score`` (the all-shapes case: 76.72 × 100 ÷ 96 → 79.92).
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction as F
from typing import Any

from .formula import evaluate_formula
from .intervals import parse_interval
from .rounding import round_fraction
from .values import to_bool, to_fraction

# The built-in indicators of the reference pack, by the shape each one is an instance of
# (read off the params each takes in rubrics/shenzhen-yantian-2023/pack.yaml).
BUILTIN_SHAPES = {
    "budget-reasonableness": "checklist",
    "budget-compliance": "per_occurrence",
    "target-completeness": "per_occurrence",
    "indicator-clarity": "checklist",
    "procurement-execution": "parts",
    "financial-compliance": "parts",
    "disclosure": "parts",
    "project-procedure": "checklist",
    "project-management": "checklist",
    "asset-safety": "checklist",
    "fixed-asset-utilisation": "bands",
    "staff-control-rate": "bands",
    "outsourced-staff-rate": "bands",
    "management-systems": "checklist",
    "public-funds-control": "parts",
    "budget-execution": "progress",
    "key-tasks": "per_occurrence",
    "project-timeliness": "ratio",
    "effectiveness": "judgement",
    "petition-handling": "checklist",
    "satisfaction": "bands",
}


_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_]*")


class NotEvaluable(Exception):
    """The facts do not allow a score (a zero denominator, a value outside every band, no reason…)."""


@dataclass
class Context:
    facts: dict
    metrics: dict
    rate_rounding: dict | None
    choices: dict  # fact name → {key: label}

    def fact(self, name: str):
        if name not in self.facts:
            raise NotEvaluable(f"missing fact {name}")
        return self.facts[name]

    def number(self, name: str) -> F:
        return to_fraction(self.fact(name))

    def rate(self, q: F) -> F:
        """A computed rate, rounded as the pack's ``rounding.rate`` says (if it says)."""
        if not self.rate_rounding:
            return q
        return F(round_fraction(q, int(self.rate_rounding["places"]), self.rate_rounding["mode"]))

    def choice(self, name: str) -> str:
        value = self.fact(name)
        labels = {label: key for key, label in self.choices.get(name, {}).items()}
        return labels.get(value, value)


def _div(a: F, b: F) -> F:
    if b == 0:
        raise NotEvaluable("zero denominator")
    return a / b


def _names(x) -> list[str]:
    return list(x) if isinstance(x, (list, tuple)) else [x]


def value(spec, ctx: Context) -> F:
    if not isinstance(spec, dict):
        return to_fraction(spec)
    if "fact" in spec:
        return ctx.number(spec["fact"])
    if "ratio" in spec:
        r = spec["ratio"]
        num = sum((ctx.number(n) for n in _names(r["numerator"])), F(0))
        den = sum((ctx.number(n) for n in _names(r["denominator"])), F(0))
        return ctx.rate(_div(num, den))
    if "difference" in spec:
        a, b = spec["difference"]
        return _operand(a, ctx) - _operand(b, ctx)
    if "formula" in spec:
        return _formula(spec["formula"], bool(spec.get("rate", False)), ctx)
    if "metric" in spec:
        m = ctx.metrics[spec["metric"]]
        return _formula(m["formula"], bool(m.get("rate", False)), ctx)
    raise ValueError(f"unknown value form {spec!r}")


def _operand(x, ctx: Context) -> F:
    if isinstance(x, dict):
        return value(x, ctx)
    if isinstance(x, str) and _IDENT.fullmatch(x.strip()):
        return ctx.number(x.strip())
    return to_fraction(x)


def _formula(text: str, is_rate: bool, ctx: Context) -> F:
    try:
        q = evaluate_formula(text, ctx.number)
    except ZeroDivisionError:
        raise NotEvaluable("zero denominator in a formula") from None
    return ctx.rate(q) if is_rate else q


def _bound(x: F, weight: F) -> F:
    return max(F(0), min(x, weight))


# --- the shapes: (params, weight, ctx) → exact raw score in [0, weight] -----------------


def checklist(p, w, ctx):
    return _bound(sum((to_fraction(i["points"]) for i in p["items"] if to_bool(ctx.fact(i["fact"]))), F(0)), w)


def per_occurrence(p, w, ctx):
    return _bound(w - value(p["count"], ctx) * to_fraction(p["step"]), w)


def ratio(p, w, ctx):
    v = value(p["value"], ctx)
    if "zero_when" in p and v in parse_interval(p["zero_when"]):
        return F(0)
    cap = to_fraction(p.get("cap", 1))
    return _bound(min(v, cap) * w, w)


def bands(p, w, ctx):
    v = value(p["value"], ctx)
    if v not in parse_interval(p.get("domain", "(-∞, ∞)")):
        raise NotEvaluable(f"{v} outside the domain")
    for band in p["bands"]:
        if v in parse_interval(band["range"]):
            return _bound(to_fraction(band["points"]), w)
    raise NotEvaluable(f"{v} in no band")


def _count(units: F, counting: str) -> F:
    if counting == "pro_rata":
        return units
    if counting == "started":
        return F(math.ceil(units))
    if counting == "whole":
        return F(math.floor(units))
    raise ValueError(f"unknown counting {counting!r}")


def over_threshold(p, w, ctx, default_counting="pro_rata"):
    v = value(p["value"], ctx)
    excess = max(F(0), v - to_fraction(p["threshold"]))
    units = _count(excess / to_fraction(p.get("per", "1%")), p.get("counting", default_counting))
    return _bound(w - to_fraction(p["step"]) * units, w)


def under_target(p, w, ctx):
    v = value(p["value"], ctx)
    shortfall = max(F(0), to_fraction(p["threshold"]) - v)
    units = _count(shortfall / to_fraction(p.get("per", "1%")), p.get("counting", "whole"))
    return _bound(w - to_fraction(p["step"]) * units, w)


def target(p, w, ctx):
    goal = value(p["target"], ctx)
    actual = value(p["actual"], ctx)
    nature = p["nature"]
    if nature == ">=":
        return w if actual >= goal else _bound(_div(actual, goal) * w, w)
    if nature == "<=":
        return w if actual <= goal else _bound(_div(goal, actual) * w, w)
    if nature == "=":
        return w if actual == goal else _bound(min(_div(actual, goal), _div(goal, actual)) * w, w)
    raise ValueError(f"unknown nature {nature!r}")


proportional = target


def levels(p, w, ctx):
    return _bound(to_fraction(p["scores"][ctx.choice(p["fact"])]), w)


def progress(p, w, ctx):
    budget = ctx.number(p["budget"])
    cap = to_fraction(p.get("cap", 1))
    ratios, score = [], F(0)
    for period in p["periods"]:
        progress_rate = ctx.rate(_div(ctx.number(period["fact"]), budget))  # 支出进度
        r = ctx.rate(progress_rate / to_fraction(period["schedule"]))  # 执行率
        ratios.append(r)
        score += min(r, cap) * to_fraction(period["points"])
    avg_points = to_fraction(p.get("average_points", 0))
    mean = sum(ratios, F(0)) / len(ratios)
    score += min(mean * avg_points, avg_points)
    return _bound(score, w)


def _reason_ok(ctx, name) -> bool:
    reason = ctx.facts.get(name)
    return isinstance(reason, str) and reason.strip() != ""


def judgement(p, w, ctx):
    s = ctx.number(p["score"])
    if not (0 <= s <= w) or not _reason_ok(ctx, p["reason"]):
        raise NotEvaluable("judgement out of range or without a reason")
    return s


def qualitative(p, w, ctx):
    s = ctx.number(p["score"])
    allowed = parse_interval(p["ranges"][ctx.choice(p["level"])]).scaled(w)
    if s not in allowed or not _reason_ok(ctx, p["reason"]):
        raise NotEvaluable("qualitative score outside its level's range or without a reason")
    return s


def parts(p, w, ctx):
    total = F(0)
    for part in p["parts"]:
        total += SHAPES[part["shape"]](part, to_fraction(part["points"]), ctx)
    return _bound(total, w)


SHAPES: dict[str, Callable[[dict, F, Context], F]] = {
    "checklist": checklist,
    "per_occurrence": per_occurrence,
    "ratio": ratio,
    "bands": bands,
    "over_threshold": over_threshold,
    "under_target": under_target,
    "target": target,
    "proportional": proportional,
    "levels": levels,
    "progress": progress,
    "judgement": judgement,
    "qualitative": qualitative,
    "parts": parts,
}


# --- gates and the whole pack -------------------------------------------------------------


def _holds(gate: dict, ctx: Context) -> bool:
    raw = ctx.fact(gate["fact"])
    if "is" in gate:
        wanted = gate["is"]
        if isinstance(wanted, bool):
            return to_bool(raw) == wanted
        return ctx.choice(gate["fact"]) == wanted
    if "range" in gate:
        return to_fraction(raw) in parse_interval(gate["range"])
    raise ValueError(f"a gate needs is or range: {gate!r}")


@dataclass
class LeafResult:
    name: str
    code: str
    weight: F
    status: str  # scored | vetoed | exempt | not_applicable | not_evaluable
    raw: F | None = None
    score: Decimal | None = None


@dataclass
class PackResult:
    leaves: dict[str, LeafResult] = field(default_factory=dict)
    total: Decimal | None = None
    grade: str | None = None

    @property
    def scores(self) -> dict[str, Decimal | None]:
        return {n: r.score for n, r in self.leaves.items()}


class PackOracle:
    """Scores a department against a pack (the dict ``load_path(pack.yaml)`` gives)."""

    def __init__(self, pack: dict[str, Any]):
        if "extend" in pack:
            raise NotImplementedError("the oracle scores resolved packs only")
        self.pack = pack
        self.total_points = to_fraction(pack.get("total", 100))
        self.score_rounding = pack["rounding"]["score"]
        self.rate_rounding = pack["rounding"].get("rate")
        self.metrics = pack.get("metrics", {}) or {}
        self.leaves: list[dict] = []
        self.choices: dict[str, dict] = {}
        for name, decl in (pack.get("facts") or {}).items():
            if isinstance(decl, dict) and decl.get("choices"):
                self.choices[name] = decl["choices"]
        self._walk(pack["indicators"])
        self.grades = [(g["grade"], parse_interval(g["range"])) for g in pack["grades"]]

    def _walk(self, nodes):
        for node in nodes:
            if node.get("children"):
                self._walk(node["children"])
            else:
                self.leaves.append(node)
                for name, decl in (node.get("facts") or {}).items():
                    if isinstance(decl, dict) and decl.get("choices"):
                        self.choices[name] = decl["choices"]

    def leaf(self, name: str) -> dict:
        for node in self.leaves:
            if name in (node["name"], node["code"]):
                return node
        raise KeyError(name)

    def round_score(self, x: F) -> Decimal:
        return round_fraction(x, int(self.score_rounding["places"]), self.score_rounding["mode"])

    def score_leaf(self, node: dict, facts: dict) -> LeafResult:
        ctx = Context(facts, self.metrics, self.rate_rounding, self.choices)
        w = to_fraction(node["weight"])
        out = LeafResult(node["name"], str(node["code"]), w, "scored")
        try:
            if any(_holds(g, ctx) for g in node.get("not_applicable", []) or []):
                out.status = "not_applicable"
                return out
            if any(_holds(g, ctx) for g in node.get("veto", []) or []):
                out.status, out.raw = "vetoed", F(0)
            elif any(_holds(g, ctx) for g in node.get("exempt", []) or []):
                out.status, out.raw = "exempt", w
            else:
                shape = node["use"] if node["use"] in SHAPES else BUILTIN_SHAPES[node["use"]]
                out.raw = SHAPES[shape](node.get("params", {}) or {}, w, ctx)
        except NotEvaluable:
            out.status, out.raw = "not_evaluable", None
            return out
        out.score = self.round_score(out.raw)
        return out

    def evaluate(self, facts: dict) -> PackResult:
        result = PackResult()
        for node in self.leaves:
            result.leaves[node["name"]] = self.score_leaf(node, facts)
        leaves = result.leaves.values()
        if any(r.status == "not_evaluable" for r in leaves):
            return result
        applicable = [r for r in leaves if r.status != "not_applicable"]
        total = sum((F(r.score) for r in applicable), F(0))
        applicable_weight = sum((r.weight for r in applicable), F(0))
        if applicable_weight != self.total_points:
            total = F(self.round_score(total * self.total_points / applicable_weight))
        result.total = self.round_score(total)
        result.grade = self.grade_for(total)
        return result

    def grade_for(self, total) -> str:
        for grade, interval in self.grades:
            if F(total) in interval:
                return grade
        raise ValueError(f"no grade for {total}")
