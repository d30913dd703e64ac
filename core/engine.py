"""The orchestrator: a department's facts in, a scorecard out.

Per department: validate the facts against the pack's model; compute every leaf's
rule inputs; decide every declarative table in one call to the rules backend; score
each leaf through its plugin; apply exemptions, vetoes, the 0..weight bound and the
pack's rounding; sum the rounded leaves into subtotals and the total.
"""
from __future__ import annotations

import logging
from decimal import Decimal
from pathlib import Path
from typing import Any, Iterable, Mapping

import structlog

from . import __version__, errors
from .binding import Binding, bind, gate_key, gate_table_id, gate_value
from .errors import FactError, JixiaoError, Problem
from .facts import DepartmentFacts, normalise_document, read_facts_file
from .indicator import Deduction, EvalContext, Intermediate, Outcome
from .numbers import fmt_detail, fmt_number
from .pack import load_pack
from .pack.model import LeafSpec, NodeSpec, Pack
from .registry import Registry
from .rules.python_backend import PythonBackend
from .scorecard import ERROR, NOT_APPLICABLE, NOT_EVALUABLE, SCORED, LeafResult, NodeResult, Scorecard

audit = structlog.wrap_logger(
    logging.getLogger("jixiao.audit"),
    processors=[structlog.stdlib.add_log_level, structlog.processors.TimeStamper(fmt="iso"), structlog.processors.JSONRenderer(ensure_ascii=False)],
    wrapper_class=structlog.stdlib.BoundLogger,
)
_warned_no_durable = False


def make_backend(kind: str, tables):
    global _warned_no_durable
    if kind == "python":
        return PythonBackend(tables)
    from .rules import durable_backend

    if durable_backend.available():
        return durable_backend.DurableBackend(tables)
    if kind == "durable":
        raise JixiaoError(Problem(errors.RULES_ENGINE, "无法导入 durable-rules，不能使用 durable 规则引擎（可改用 --rules python）"))
    if not _warned_no_durable:
        logging.getLogger("jixiao").warning("无法导入 durable-rules，改用纯 Python 规则求值器")
        _warned_no_durable = True
    return PythonBackend(tables)


class Engine:
    """Scores departments against one loaded pack. Build it once; evaluate many times."""

    def __init__(self, pack: Pack, registry: Registry, rules: str = "auto"):
        self.pack = pack
        self.registry = registry
        self.bindings, self.fact_model, self.tables = bind(pack, registry)
        self.backend = make_backend(rules, self.tables)
        self._scored_hook = registry.has_broadcast("jixiao_indicator_scored")
        self._built_hook = registry.has_broadcast("jixiao_scorecard_built")
        self._seq = 0
        self._origins = {leaf.code: {"weight": leaf.origins.get("weight", pack.base or pack.id), "use": leaf.origins.get("use", pack.base or pack.id), **leaf.origins}
                         for leaf in pack.leaves()}
        registry.pm.hook.jixiao_rubric_loaded(pack=pack)

    @classmethod
    def from_rubric(cls, rubric: str | Path | Pack, *, plugins: Iterable[Any] = (), block: Iterable[str] = (), rules: str = "auto") -> "Engine":
        """Load a pack by id or path, its built-in and local plugins, then ``plugins`` (paths or objects)."""
        pack = rubric if isinstance(rubric, Pack) else load_pack(rubric)
        registry = Registry(block=block)
        registry.load_entry_points()
        for f in pack.plugin_files:
            registry.load_file(f)
        for p in plugins:
            if isinstance(p, (str, Path)):
                registry.load_file(p)
            else:
                registry.load_object(p)
        return cls(pack, registry, rules)

    @property
    def rubric_info(self) -> dict[str, str]:
        p = self.pack
        return {"id": p.id, "title": p.title, "version": p.version, "digest": p.digest, "region": p.region, "year": str(p.year)}

    def evaluate(self, facts: Mapping[str, Any] | str | Path, department_id: str | None = None) -> Scorecard:
        """Score one department. ``facts`` is a facts document (dict) or the path of a YAML/JSON file."""
        doc = read_facts_file(facts) if isinstance(facts, (str, Path)) else normalise_document(dict(facts), "（传入的字典）")
        dept = self.fact_model.validate(doc["facts"], department_id or doc["department"]["id"], doc["department"]["name"], doc["source"])
        return self.score(dept)

    def score(self, dept: DepartmentFacts) -> Scorecard:
        values: dict[str, Decimal] = {}
        blocked: dict[str, list[Problem]] = {}
        failed: dict[str, Problem] = {}
        for b in self.bindings:
            if b.configured is None:
                continue
            for name, spec in b.gate_facts.items():
                if name in dept.values:
                    values[f"fact:{name}"] = gate_value(spec, dept.values[name])
            missing = self._fact_problems(b, dept)
            if missing:
                blocked[b.leaf.code] = missing
                continue
            try:
                ctx = EvalContext(dept.values, self.pack)
                if b.rule_inputs is not None:
                    values.update(b.rule_inputs(leaf=b.leaf, configured=b.configured, ctx=ctx) or {})
            except JixiaoError as exc:
                blocked[b.leaf.code] = exc.problems
            except Exception as exc:
                failed[b.leaf.code] = _plugin_failure(b, exc)
        self._seq += 1
        decisions = self.backend.decide(values, f"{dept.department_id}#{self._seq}")
        log = audit.bind(pack=self.pack.id, department=dept.department_id) if audit.isEnabledFor(logging.INFO) else None
        results = {}
        for b in self.bindings:
            result = self._score_leaf(b, dept, values, decisions, blocked.get(b.leaf.code), failed.get(b.leaf.code))
            if self._scored_hook:
                self.registry.pm.hook.jixiao_indicator_scored(leaf=b.leaf, result=result, department_id=dept.department_id)
            if log is not None:
                log.info("indicator_scored", indicator=b.leaf.code, name=b.leaf.name, score=None if result.score is None else fmt_number(result.score), status=result.status, rules=result.rules)
            results[b.leaf.code] = result
        roots = [self._node(n, results, ()) for n in self.pack.roots]
        total = raw_total = sum((n.score or Decimal(0) for n in roots), Decimal(0))
        dropped = self.pack.dropped_weight + sum((r.weight for r in results.values() if r.status == NOT_APPLICABLE), Decimal(0))
        dropped += sum((r.weight - r.applicable_weight for r in results.values() if r.applicable_weight is not None), Decimal(0))
        if dropped:
            total = self.pack.round_score(raw_total * self.pack.total / (self.pack.total - dropped)) if dropped < self.pack.total else Decimal(0)
        complete = all(r.status in (SCORED, NOT_APPLICABLE) for r in results.values())
        card = Scorecard(dept.department_id, dept.department_name, self.rubric_info, __version__, self.backend.name,
                         roots, total, self.pack.grade_for(total) if complete else None, complete,
                         list(dept.unknown), [o.to_dict() for o in self.pack.overrides], raw_total if dropped else None)
        if log is not None:
            log.info("scorecard_built", total=fmt_number(total), grade=card.grade, complete=complete)
        if self._built_hook:
            self.registry.pm.hook.jixiao_scorecard_built(scorecard=card)
        return card

    def _fact_problems(self, b: Binding, dept: DepartmentFacts) -> list[Problem]:
        out = []
        for name, spec in b.part_facts.items():
            if name in dept.problems:
                out.append(dept.problems[name])
            elif name not in dept.values:
                out.append(Problem(spec.missing_code, f"缺少事实“{spec.label}”（{name}），应为{spec.expected()}", field=name, expected=spec.expected()))
        return out

    def _score_leaf(self, b: Binding, dept, values, decisions, problems, failure) -> LeafResult:
        leaf = b.leaf
        result = LeafResult(leaf.code, leaf.name, leaf.weight, None, NOT_EVALUABLE, leaf.use,
                            b.configured.formula if b.configured else "", path=self._path(leaf), origins=self._origins[leaf.code])
        if b.problem is not None:
            result.status = ERROR if b.status == "error" else NOT_EVALUABLE
            result.problems = [b.problem]
            return result
        fired = lambda kind, gates: [g for i, g in enumerate(gates) if decisions.get(gate_table_id(leaf, g, i)) == "hit"]
        vetoes, exempts = fired("veto", leaf.vetoes), fired("exempt", leaf.exemptions)
        if fired("not_applicable", leaf.not_applicable):
            result.status = NOT_APPLICABLE
            result.notes.append(f"不适用：{fired('not_applicable', leaf.not_applicable)[0].reason}（不计分，总分按适用指标折算）")
            return result
        gate_missing = [dept.problems.get(g.fact) or Problem(errors.FACT_MISSING, f"缺少事实“{b.gate_facts[g.fact].label}”（{g.fact}），应为{b.gate_facts[g.fact].expected()}", field=g.fact)
                        for g in leaf.vetoes + leaf.exemptions + leaf.not_applicable if gate_key(g) not in values and g.fact in b.gate_facts and g.fact not in b.part_facts]
        if vetoes:
            outcome = Outcome(Decimal(0), deductions=[Deduction(leaf.weight, g.reason, f"存在“{g.reason}”的情形，本项指标得0分，扣{fmt_number(leaf.weight)}分", f"{leaf.code}:veto") for g in vetoes[:1]])
            outcome.rules.append(f"{leaf.code}:veto")
            result.notes.append(f"否决：{vetoes[0].reason}")
        elif exempts:
            outcome = Outcome(leaf.weight, rules=[f"{leaf.code}:exempt"])
            result.notes.append(f"直接得分：{exempts[0].reason}")
        elif failure is not None:
            result.status, result.problems = ERROR, [failure]
            return result
        elif problems or gate_missing:
            result.problems = (problems or []) + gate_missing
            return result
        else:
            try:
                ctx = EvalContext(dept.values, self.pack, values, decisions)
                outcome = b.evaluate(leaf=leaf, configured=b.configured, ctx=ctx)
            except FactError as exc:
                result.problems = exc.problems
                return result
            except JixiaoError as exc:
                result.problems = exc.problems
                return result
            except Exception as exc:
                result.status, result.problems = ERROR, [_plugin_failure(b, exc)]
                return result
        raw = outcome.score
        if leaf.scale != 1:
            raw = raw * leaf.scale
            outcome.intermediates.append(Intermediate("按调整后的分值折算", leaf.scale, f"×{fmt_detail(leaf.scale)}"))
        ceiling = leaf.weight if outcome.applicable_weight is None else outcome.applicable_weight
        bounded = min(max(raw, Decimal(0)), ceiling)
        if bounded != raw:
            outcome.intermediates.append(Intermediate("按分值上下限调整", bounded, f"{fmt_detail(raw)}→{fmt_detail(bounded)}"))
        score = self.pack.round_score(bounded)
        if score != bounded:
            outcome.intermediates.append(Intermediate("按评分体系取舍", score, f"{fmt_detail(bounded)}→{fmt_number(score)}"))
        result.status, result.score, result.raw_score = SCORED, score, raw
        result.inputs, result.intermediates = outcome.inputs, outcome.intermediates
        result.deductions, result.rules = outcome.deductions, outcome.rules
        result.rows, result.applicable_weight = outcome.rows, outcome.applicable_weight
        return result

    def _path(self, leaf: LeafSpec) -> tuple[str, ...]:
        names, nodes = [], self.pack.roots
        for code in leaf.ancestors:
            node = next(n for n in nodes if n.code == code)
            names.append(node.name)
            nodes = node.children  # type: ignore[union-attr]
        return tuple(names)

    def _node(self, node, results, trail) -> NodeResult | LeafResult:
        if isinstance(node, LeafSpec):
            return results[node.code]
        kids = [self._node(c, results, trail + (node.name,)) for c in node.children]
        score = sum(((k.score or Decimal(0)) for k in kids), Decimal(0))
        return NodeResult(node.code, node.name, node.printed_name, node.weight, score, kids)

    def explain_text(self, card: Scorecard, key: str) -> str:
        from .render import explain

        return explain(card[key])


def _plugin_failure(b: Binding, exc: Exception) -> Problem:
    return Problem(errors.PLUGIN_FAILED, f"插件“{b.leaf.use}”评分“{b.leaf.name}”时出错：{type(exc).__name__}: {exc}", field=b.leaf.code)

