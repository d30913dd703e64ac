"""``jixiao rubric check``: every problem of a pack in one run, each with the line to fix.

The loader stops at the first stage that fails (schema, overrides, tree, binding), so a
pack with a weight mismatch never gets its band tables checked. Here, when the tree is
refused only for its sums (weights, grades), it is loaded once more with those sums
made to agree, so the binding can report its own problems in the same run. Every
message is then pointed at the line to edit: the deepest line of the node path it
names, and for a value an ``extend``ing pack replaced, the override that wrote it (the
base pack's line would send the author to a file they must not edit). Lint findings
that do not make a pack wrong (no criteria text, unused facts, an override effective
after the pack's year) are warnings: they never fail the check.
"""

from __future__ import annotations

import copy
import dataclasses
import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from .. import errors
from ..errors import JixiaoError, Place, Problem
from ..numbers import fmt_detail, fmt_number, to_decimal
from ..pack.chain import PackFile, chain_nodes, override_target, read_chain, relocate
from ..pack.model import Pack

LINT_NO_CRITERIA = "LINT_NO_CRITERIA"
LINT_RESCALED_CRITERIA = "LINT_RESCALED_CRITERIA"
LINT_UNUSED_FACT = "LINT_UNUSED_FACT"
LINT_UNUSED_METRIC = "LINT_UNUSED_METRIC"
LINT_EFFECTIVE_DATE = "LINT_EFFECTIVE_DATE"
_NUMERIC = ("money", "number", "count", "rate", "score")


@dataclass
class CheckReport:
    ref: str
    pack: Pack | None = None
    engine: Any = None
    problems: list[Problem] = field(default_factory=list)
    warnings: list[Problem] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.problems

    def summary(self) -> str:
        tail = f"；{len(self.warnings)} 条提示" if self.warnings else ""
        if not self.ok:
            name = f"{self.pack.id}（{self.pack.title}）" if self.pack else f"{self.ref} "
            return f"评分体系 {name}检查未通过：{len(self.problems)} 个问题{tail}"
        p, e = self.pack, self.engine
        assert p is not None and e is not None
        groups = sum(1 for _ in p.nodes())
        extra = f"，在 {p.base} 基础上调整 {len(p.overrides)} 处" if p.base else ""
        return (
            f"评分体系 {p.id}（{p.title}）检查通过：{sum(1 for _ in p.leaves())} 个指标（{groups} 个分组），"
            f"总分 {fmt_number(p.total)}；{len(e.fact_model.specs)} 项事实，{len(e.tables)} 张决策表{extra}{tail}"
        )

    def to_dict(self) -> dict[str, Any]:
        return {
            "rubric": self.pack.id if self.pack else self.ref,
            "ok": self.ok,
            "summary": self.summary(),
            "errors": [p.to_dict() for p in self.problems],
            "warnings": [w.to_dict() for w in self.warnings],
        }


def check_pack(ref: str | Path) -> CheckReport:
    """Check a pack by id or path. A pack that cannot be found at all raises PACK_NOT_FOUND."""
    from ..engine import Engine
    from ..pack import load_pack

    chain = read_chain(ref)
    report = CheckReport(str(ref))
    if chain and chain[-1].raw.get("id"):
        report.ref = str(chain[-1].raw["id"])
    problems: list[Problem] = []
    bound: Pack | None
    try:
        report.pack = bound = load_pack(ref)
    except JixiaoError as exc:
        problems += _own_duplicates(exc.problems, chain)
        bound = _lenient(ref)
    if bound is not None:
        try:
            report.engine = Engine.from_rubric(bound, rules="python")
        except JixiaoError as exc:
            problems += exc.problems
        else:
            problems += [
                b.problem
                if b.problem.file
                else b.leaf.place("use").problem(
                    b.problem.code, b.problem.message, field=b.problem.field, value=b.problem.value
                )
                for b in report.engine.bindings
                if b.problem is not None
            ]
    problems += _negative_weights(chain) + _metric_formulas(chain, bound)
    warnings = _lint(chain, bound, report.engine)
    report.problems = _unique([relocate(p, chain) for p in problems])
    report.warnings = _unique([relocate(w, chain) for w in warnings])
    if report.problems:
        report.engine = None
    return report


def _unique(problems: list[Problem]) -> list[Problem]:
    """Each problem once, in the order of the files and lines an author edits."""
    seen: set[tuple[str, str]] = set()
    once = []
    for p in problems:
        if (p.code, p.message) not in seen:
            seen.add((p.code, p.message))
            once.append(p)
    return sorted(once, key=lambda p: (p.file or p.location or "\uffff", p.line or 0))


def _lenient(ref: str | Path) -> Pack | None:
    """The pack with group weights, the total and the grades made to agree, so the binding
    can still be checked; None when the tree is refused for anything else."""
    from ..pack import loader
    from ..pack.discovery import locate
    from ..pack.resolve import _resolve
    from ..pack.schema import GradeBandSchema

    try:
        resolved = _resolve(locate(ref), ())
        indicators = copy.deepcopy(resolved.indicators)

        def settle(node: dict) -> Decimal:
            if node.get("children"):
                node["weight"] = sum((settle(c) for c in node["children"]), Decimal(0))
            return to_decimal(node["weight"])

        total = sum((settle(n) for n in indicators), Decimal(0)) + resolved.dropped
        grades = [GradeBandSchema(grade="—", range=f"[0, {fmt_number(total)}]")]
        schema = resolved.schema.model_copy(update={"total": total, "grades": grades})
        return loader._build(dataclasses.replace(resolved, schema=schema, indicators=indicators), locate(ref))
    except Exception:  # refused for more than sums (or the loader changed): the binding is not checked
        return None


def _own_duplicates(problems: list[Problem], chain: list[PackFile]) -> list[Problem]:
    """Duplicate codes told with both places (the loader names one node twice)."""
    from ..pack.resolve import _path_text

    duplicate = lambda p: p.code == errors.PACK_INVALID and p.field == "code"
    codes = {str(p.value) for p in problems if duplicate(p)}
    if not codes:
        return problems
    out = [p for p in problems if not duplicate(p)]
    first: dict[str, str] = {}
    for f, node, at in chain_nodes(chain):
        code = str(node.get("code"))
        place = Place(str(f.path), f.line(at + ("code",)), at + ("code",), _path_text(f.raw, at))
        if code in codes and code in first:
            out.append(
                place.problem(errors.PACK_INVALID, f"指标编码 {code} 与 {first[code]} 重复", field="code", value=code)
            )
        first.setdefault(code, str(place))
    return out


def _negative_weights(chain: list[PackFile]) -> list[Problem]:
    """A negative weight can make a sum agree; the loader checks only the sums."""
    out = []
    for f, node, at in chain_nodes(chain):
        try:
            weight = to_decimal(node.get("weight"))
        except ValueError:
            continue
        if weight < 0:
            out.append(
                Problem(
                    errors.PACK_WEIGHTS,
                    f"{f.where(at + ('weight',))}：“{node.get('name')}”的分值 {fmt_number(weight)} 为负数",
                    field="weight",
                    value=weight,
                    location=f.where(at + ("weight",)),
                )
            )
    return out


def _metric_formulas(chain: list[PackFile], pack: Pack | None) -> list[Problem]:
    """Pack-level formulas no leaf uses are never parsed by the binding: parse them here."""
    from ..shapes.formula import Formula

    if pack is None:
        return []
    used = _used_metrics(pack)
    numeric = {name: spec for leaf in pack.leaves() for name, spec in leaf.facts.items() if spec.kind in _NUMERIC}
    out = []
    for f, name, decl in _declared(chain, "metrics"):
        if name in used or not isinstance(decl, dict) or "formula" not in decl:
            continue
        try:
            at = ("metrics", name, "formula")
            Formula(decl["formula"], numeric, Place(str(f.path), f.line(at), at, f"metrics.{name}.formula"))
        except JixiaoError as exc:
            out += exc.problems
    return out


def _declared(chain: list[PackFile], section: str) -> list[tuple[PackFile, str, Any]]:
    """Pack-level declarations (facts, metrics) by name, the last file that declares one winning."""
    found: dict[str, tuple[PackFile, str, Any]] = {}
    for f in chain:
        decls = f.raw.get(section)
        for name, decl in decls.items() if isinstance(decls, dict) else []:
            found[str(name)] = (f, str(name), decl)
    return list(found.values())


def _used_metrics(pack: Pack) -> set[str]:
    def scan(value: Any) -> Any:
        if isinstance(value, dict):
            if isinstance(value.get("metric"), str):
                yield value["metric"]
            for v in value.values():
                yield from scan(v)
        elif isinstance(value, list):
            for v in value:
                yield from scan(v)

    return {m for leaf in pack.leaves() for m in scan(dict(leaf.params))}


def _rescaled_criteria(chain: list[PackFile], pack: Pack) -> list[Problem]:
    """A leaf that received a dropped sibling's points still describes its old points."""
    out = []
    for ov in pack.overrides:
        leaf = pack.find(ov.moved_to) if ov.moved_to else None
        if leaf is None or "criteria" in leaf.origins:
            continue
        f = next((c for c in reversed(chain) if str(c.raw.get("id")) == ov.pack), chain[-1])
        where = f.where(("overrides", ov.index, "drop"))
        out.append(
            Problem(
                LINT_RESCALED_CRITERIA,
                f"{where}：overrides[{ov.index}]：“{leaf.name}”移入{fmt_number(ov.moved_points)}分后分值为"
                f"{fmt_number(leaf.weight)}分，其参考评分标准仍按原分值书写，得分将按比例折算（×{fmt_detail(leaf.scale)}），"
                f"评分表中已加注；如要改写评分标准，请另加一项调整：target: {leaf.name}，set: {{criteria: …}}",
                field="criteria",
                location=where,
            )
        )
    return out


def _lint(chain: list[PackFile], pack: Pack | None, engine: Any) -> list[Problem]:
    out: list[Problem] = []
    if pack is not None:
        for leaf in pack.leaves():
            if not str(leaf.criteria).strip():
                out.append(
                    Problem(
                        LINT_NO_CRITERIA,
                        f"{leaf.path}：末级指标“{leaf.name}”没有写参考评分标准（criteria），评分表中该栏将为空",
                        field="criteria",
                        location=leaf.path,
                    )
                )
        out += _rescaled_criteria(chain, pack)
        used_metrics = _used_metrics(pack)
        for f, name, _ in _declared(chain, "metrics"):
            if name not in used_metrics:
                where = f.where(("metrics", name))
                out.append(
                    Problem(
                        LINT_UNUSED_METRIC,
                        f"{where}：metrics.{name}：派生指标 {name} 已定义，但没有指标使用它",
                        field=name,
                        location=where,
                    )
                )
    if engine is not None:
        used = {name for b in engine.bindings for name in list(b.part_facts) + list(b.gate_facts)}
        used |= {name for check in engine.checks for name in check.facts}  # a 其中 row only checked against its total
        used |= set(engine.pack.form.fact_names() if engine.pack.form else ())  # printed by the project form
        for f, name, _ in _declared(chain, "facts"):
            if name not in used:
                where = f.where(("facts", name))
                out.append(
                    Problem(
                        LINT_UNUSED_FACT,
                        f"{where}：facts.{name}：事实 {name} 已在评分体系层面声明，"
                        "但没有指标的评分规则、条件、一致性检查或表式（form）使用它（填报表仍会要求填写）",
                        field=name,
                        location=where,
                    )
                )
    year = next((f.raw["year"] for f in reversed(chain) if isinstance(f.raw.get("year"), int)), None)
    for f in chain[1:]:
        for i, ov in enumerate(f.overrides()):
            effective = ov.get("effective")
            if isinstance(effective, str):
                try:
                    effective = dt.date.fromisoformat(effective)
                except ValueError:
                    continue
            if year is not None and isinstance(effective, dt.date) and effective.year > year:
                where = f.where(("overrides", i, "effective"))
                out.append(
                    Problem(
                        LINT_EFFECTIVE_DATE,
                        f"{where}：overrides[{i}]（{override_target(ov)}）："
                        f"生效日期 {effective.isoformat()} 晚于评分体系的年度 {year} 年："
                        f"请确认这项调整适用于 {year} 年度的评价，或改正 year / effective",
                        field="effective",
                        value=effective.isoformat(),
                        location=where,
                    )
                )
    return out
