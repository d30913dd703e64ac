"""The orchestrator: a department's facts in, a scorecard out.

Per department: validate the facts against the pack's model; compute every leaf's
rule inputs; decide every declarative table in one call to the rules backend; score
each leaf through its plugin; apply exemptions, vetoes, the 0..weight bound and the
pack's rounding; sum the rounded leaves into subtotals and the total.

This module holds ``Engine``: loading, the public calls and the per-department
orchestration. The steps of one leaf are in ``leaf_scoring`` (``Engine`` inherits them),
the choice of rules backend in ``rules.backends``.
"""

from __future__ import annotations

import functools
import hashlib
import json
import logging
from collections.abc import Iterable, Mapping
from decimal import Decimal, localcontext
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import __version__, collector, errors
from .binding import bind, gate_value, subtotal_plan
from .checks import compile_checks
from .errors import JixiaoError, Problem
from .fact_model import DepartmentFacts
from .facts_document import normalise_document, read_facts_file
from .indicator import EvalContext
from .leaf_scoring import LeafScoring, _plugin_failure
from .numbers import CONTEXT, ROUNDING_MODES, ZERO, Number, add, div, fmt_number, mul, rate_places, sub, total
from .pack import load_pack
from .pack.loader import PACK_FILE, blame_overrides
from .pack.model import Pack
from .registry import Registry
from .rules.backends import RULES as RULES
from .rules.backends import make_backend as make_backend
from .scorecard import NOT_APPLICABLE, SCORED, LeafResult, NodeResult, Scorecard

_audit_logger = logging.getLogger(
    "jixiao.audit"
)  # asked directly whether INFO is on: through the proxy below it costs 1.7 µs


@functools.cache
def trail() -> Any:
    """The audit trail's structlog logger, made when ``--log-json`` first asks (structlog imports asyncio:
    a tenth of the command's start-up)."""
    import structlog

    return structlog.wrap_logger(
        _audit_logger,
        processors=[
            structlog.stdlib.add_log_level,
            structlog.processors.TimeStamper(fmt="iso"),
            structlog.processors.JSONRenderer(ensure_ascii=False),
        ],
        wrapper_class=structlog.stdlib.BoundLogger,
    )


if TYPE_CHECKING:
    from .audit import Audit


class Engine(LeafScoring):
    """Scores departments against one loaded pack. Build it once; evaluate many times."""

    def __init__(self, pack: Pack, registry: Registry, rules: str = "python"):
        with localcontext(CONTEXT):  # plugins configure themselves with the same numbers whatever the caller's context
            self._load(pack, registry, rules)

    def _load(self, pack: Pack, registry: Registry, rules: str) -> None:
        self.pack = pack
        self.registry = registry
        try:
            self.bindings, self.fact_model, self.tables = bind(pack, registry)
            self.checks = compile_checks(pack.checks, self.fact_model.specs)
        except JixiaoError as exc:  # in an extending pack, point at the override that wrote the mistake
            if pack.base is None or pack.directory is None:
                raise
            raise JixiaoError(blame_overrides(exc.problems, pack.directory / PACK_FILE)) from None
        self.tables = self.tables + [c.table for c in self.checks]
        self._check_blocks = {
            c.spec.id: tuple(
                b.leaf.code for b in self.bindings if b.configured is not None and not b.needs.isdisjoint(c.facts)
            )
            for c in self.checks
            if c.spec.effect == "not_evaluable"
        }  # the leaves a broken check makes not evaluable
        self.backend = make_backend(rules, self.tables)
        self._scored_hook = registry.has_broadcast("jixiao_indicator_scored")
        self._built_hook = registry.has_broadcast("jixiao_scorecard_built")
        self._seq = 0
        self._configured = [b for b in self.bindings if b.configured is not None]
        self._with_inputs = [b for b in self._configured if b.gate_inputs or b.computes_inputs]
        self._all_needs = frozenset().union(*(b.needs for b in self._configured))
        self._reason_checks = [check for b in self._configured for _, check in b.reason_checks]
        self._form_facts = self._check_form(pack)
        self._plan, self._roots = subtotal_plan(pack)
        self._steps = [
            (b, b.leaf.code, b.problem is None and not b.gated) for b in self.bindings
        ]  # plain: no gates, nothing wrong at load
        self._rubric_info = self.rubric_info
        self._overrides = tuple(o.to_dict() for o in pack.overrides)  # each scorecard gets its own copies
        self._score_places, self._score_mode = pack.score_rounding[0], ROUNDING_MODES[pack.score_rounding[1]]
        self._rate_places = pack.rate_places
        self._origins = {
            leaf.code: {
                "weight": leaf.origins.get("weight", pack.base or pack.id),
                "use": leaf.origins.get("use", pack.base or pack.id),
                **leaf.origins,
            }
            for leaf in pack.leaves()
        }
        registry.pm.hook.jixiao_rubric_loaded(pack=pack)

    @classmethod
    def from_rubric(
        cls, rubric: str | Path | Pack, *, plugins: Iterable[Any] = (), block: Iterable[str] = (), rules: str = "python"
    ) -> Engine:
        """Load a pack by id or path, its built-in and local plugins, then ``plugins`` (paths or objects).

        The cyclic garbage collector is paused meanwhile: loading makes tens of thousands of
        objects and no garbage worth a collection pass (a fifth of a large pack's load time);
        what the load made is moved to the oldest generation, where a pack kept for scoring ends up.
        """
        with collector.paused(promote=True):
            return cls._from_rubric(rubric, plugins, block, rules)

    @classmethod
    def _from_rubric(
        cls, rubric: str | Path | Pack, plugins: Iterable[Any], block: Iterable[str], rules: str
    ) -> Engine:
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
        registry.check_blocked()
        registry.check_pending()
        return cls(pack, registry, rules)

    @property
    def rubric_info(self) -> dict[str, Any]:
        """What the scorecard says scored it: the pack, and every plugin that scored a leaf other than the pack's own.

        ``digest`` covers those plugins too: a card scored with a district's replacement
        never shows the bare pack's digest (``pack_digest`` keeps that one).
        """
        p = self.pack
        info: dict[str, Any] = {
            "id": p.id,
            "title": p.title,
            "version": p.version,
            "digest": p.digest,
            "region": p.region,
            "year": str(p.year),
            "total": fmt_number(p.total),
        }
        plugins = self.outside_plugins()
        if plugins:
            record = json.dumps(
                [[q["name"], q["sha256"]] for q in plugins], ensure_ascii=False
            )  # the code, wherever it lies
            info.update(
                digest="sha256:" + hashlib.sha256(f"{p.digest}\n{record}".encode()).hexdigest()[:16],
                pack_digest=p.digest,
            )
        info["plugins"] = plugins
        return info

    def outside_plugins(self) -> list[dict[str, Any]]:
        """The plugins that scored some leaf (or part) and are neither jixiao's own nor the pack's
        local files, with what they scored."""
        own = {f.resolve() for f in self.pack.plugin_files}
        out = []
        for name, codes in sorted(self.registry.used_by.items()):
            info = self.registry.info.get(name)
            if info is None or info.builtin or (info.path is not None and info.path.resolve() in own):
                continue
            out.append({**info.to_dict(), "indicators": sorted(codes)})
        return out

    def evaluate(self, facts: Mapping[str, Any] | str | Path, department_id: str | None = None) -> Scorecard:
        """Score one department. ``facts`` is a facts document (dict) or the path of a YAML/JSON file.

        Parsing and scoring run in ``numbers.CONTEXT``, whatever the caller's decimal context.
        """
        with localcontext(CONTEXT), rate_places(self._rate_places):
            doc = (
                read_facts_file(facts)
                if isinstance(facts, (str, Path))
                else normalise_document(dict(facts), "（传入的字典）")
            )
            dept = self.fact_model.validate(
                doc["facts"], department_id or doc["department"]["id"], doc["department"]["name"], doc["source"]
            )
            return self._score(dept)

    def audit(self, document: Mapping[str, Any] | str | Path) -> Audit:
        """复核: score ``document`` and compare it with what its ``claimed:`` block says (see ``jixiao.audit``)."""
        from .audit import audit

        return audit(self, document)

    def evaluate_many(self, documents: Iterable[Mapping[str, Any] | str | Path]) -> list[Scorecard]:
        """Score every document in turn, with CPython's cyclic garbage collector paused meanwhile.

        Keeping thousands of scorecards alive makes the collector rescan them again and
        again, which doubles the time of a batch (docs/performance.md). Scorecards hold
        no reference cycles, so nothing is freed late. The collector's state is restored
        afterwards, also when a document raises; it is process-wide, so do not rely on
        it being paused while other threads switch it.
        """
        with collector.paused():
            return [self.evaluate(doc) for doc in documents]

    def score(self, dept: DepartmentFacts) -> Scorecard:
        """One validated department's scorecard, computed in ``numbers.CONTEXT``."""
        with localcontext(CONTEXT), rate_places(self._rate_places):
            return self._score(dept)

    def _score(self, dept: DepartmentFacts) -> Scorecard:
        """One validated department's scorecard.

        Everything that depends on the pack alone was prepared at load (see
        ``binding``); per department there is one context for the rule-input phase and
        one for scoring, shared by all leaves.
        """
        facts, fact_problems = dept.values, dept.problems
        have = facts.keys()
        values: dict[str, Number] = {}
        blocked: dict[str, list[Problem]] = {}
        failed: dict[str, Problem] = {}
        ctx = EvalContext(facts, self.pack, problems=fact_problems)  # rule inputs: no inputs, no decisions yet
        whole = not fact_problems and have >= self._all_needs  # every leaf has its facts: only rule inputs to compute
        for b in self._with_inputs if whole else self._configured:
            for name, key, spec in b.gate_inputs:
                if name in facts:
                    values[key] = gate_value(spec, facts[name])
            if not whole and not (
                have >= b.needs and fact_problems.keys().isdisjoint(b.needs)
            ):  # a fact it needs is missing or invalid
                missing = self._fact_problems(b, dept)
                if missing:
                    blocked[b.leaf.code] = missing
                    continue
            implementation = b.implementation
            assert implementation is not None and b.configured is not None  # in _configured: bind set both
            if implementation.rule_inputs_hook is not None:
                try:
                    values.update(implementation.rule_inputs(b.leaf, b.configured, ctx))
                except JixiaoError as exc:
                    blocked[b.leaf.code] = exc.problems
                except (Exception, SystemExit) as exc:
                    failed[b.leaf.code] = _plugin_failure(b, exc)
        for check in self.checks:
            if have >= check.facts.keys() and fact_problems.keys().isdisjoint(check.facts):
                values.update(check.inputs(facts))
        for check in self._reason_checks:  # their facts are their leaf's: absent, the leaf is blocked anyway
            if have >= check.facts.keys():
                values.update(check.inputs(facts))
        self._seq += 1
        decisions = self.backend.decide(values, f"{dept.department_id}#{self._seq}")
        warnings = self._broken_checks(decisions, facts, blocked) if self.checks else []
        log = (
            trail().bind(pack=self.pack.id, department=dept.department_id)
            if _audit_logger.isEnabledFor(logging.INFO)
            else None
        )
        ctx = EvalContext(facts, self.pack, values, decisions, fact_problems)
        results = {}
        for b, code, plain in self._steps:
            if plain and not (blocked and code in blocked) and not (failed and code in failed):
                result = self._evaluated(b, ctx, [])
            else:
                result = self._score_leaf(b, dept, values, decisions, blocked.get(code), failed.get(code), ctx)
            if self._scored_hook:
                self.registry.pm.hook.jixiao_indicator_scored(
                    leaf=b.leaf, result=result, department_id=dept.department_id
                )
            if log is not None:
                log.info(
                    "indicator_scored",
                    indicator=code,
                    name=b.leaf.name,
                    score=None if result.score is None else fmt_number(result.score),
                    status=result.status,
                    rules=result.rules,
                )
            results[code] = result
        roots = self._subtotals(results)
        total = raw_total = sum_scores(roots)
        dropped: Number = self.pack.dropped_weight
        complete = True
        for r in results.values():
            if r.status == NOT_APPLICABLE:
                dropped = add(dropped, r.weight)
            elif r.status != SCORED:
                complete = False
            if r.applicable_weight is not None:
                dropped = add(dropped, sub(r.weight, r.applicable_weight))
        if dropped:
            pack_total = self.pack.total
            total = (
                self.pack.round_score(div(mul(raw_total, pack_total), sub(pack_total, dropped)))
                if dropped < pack_total
                else ZERO
            )
        card = Scorecard(
            dept.department_id,
            dept.department_name,
            _own_copy(self._rubric_info),
            __version__,
            self.backend.name,
            roots,
            total,
            self.pack.grade_for(total) if complete else None,
            complete,
            list(dept.unknown),
            [dict(o) for o in self._overrides],
            raw_total if dropped else None,
            warnings,
        )
        if self._form_facts:
            card.form_values = {name: dept.values[name] for name in self._form_facts if name in dept.values}
        if log is not None:
            log.info("scorecard_built", total=fmt_number(total), grade=card.grade, complete=complete)
        if self._built_hook:
            self.registry.pm.hook.jixiao_scorecard_built(scorecard=card)
        return card

    def _check_form(self, pack: Pack) -> tuple[str, ...]:
        """The facts a project form's fixed rows print; a form naming an undeclared fact or leaf is refused."""
        if pack.form is None:
            return ()
        names = pack.form.fact_names()
        unknown = [n for n in names if n not in self.fact_model.specs]
        leaf = pack.find(pack.form.funds_indicator)
        problems = [Problem(errors.PACK_INVALID, f"{pack.id}：form 引用的事实 {n} 没有声明", field=n) for n in unknown]
        if leaf is None:
            problems.append(
                Problem(
                    errors.PACK_INVALID,
                    f"{pack.id}：form.funds_indicator “{pack.form.funds_indicator}”不是本评分体系的末级指标",
                    field="form.funds_indicator",
                )
            )
        if problems:
            raise JixiaoError(problems)
        return tuple(names)

    def _broken_checks(
        self, decisions: Mapping[str, str | None], facts: Mapping[str, Any], blocked: dict[str, list[Problem]]
    ) -> list[Problem]:
        """Each broken consistency check as a problem: on the leaves it blocks, or returned as a warning."""
        warnings = []
        for check in self.checks:
            fired = decisions.get(check.table.id)
            if fired is None:
                continue
            problem = check.problem(fired, facts)
            codes = self._check_blocks.get(check.spec.id)
            if codes is None:
                warnings.append(problem)
            for code in codes or ():
                blocked.setdefault(code, []).append(problem)
        return warnings

    def _subtotals(self, results: Mapping[str, LeafResult]) -> list[NodeResult | LeafResult]:
        """The result tree over ``results``: each node's score is the sum of its children's, in the pack's order."""
        built: list[NodeResult] = []
        for node, kids in self._plan:
            children = [results[k] if k.__class__ is str else built[k] for k in kids]
            built.append(
                NodeResult(node.code, node.name, node.printed_name, node.weight, sum_scores(children), children)
            )
        return [results[k] if k.__class__ is str else built[k] for k in self._roots]


def _own_copy(rubric_info: dict[str, Any]) -> dict[str, Any]:
    """What ``copy.deepcopy`` gives for ``Engine.rubric_info`` (strings, and a list of plugins each with a
    list of indicators), at a fifth of its cost: every scorecard gets one."""
    return {**rubric_info, "plugins": [{**p, "indicators": list(p["indicators"])} for p in rubric_info["plugins"]]}


def sum_scores(results: Iterable[NodeResult | LeafResult]) -> Decimal:
    """The exact sum of rounded scores (an unscored result counts 0): subtotals and totals are sums
    of the printed scores."""
    # rounded Decimals sum to a Decimal
    return total((r.score or ZERO for r in results), ZERO)  # type: ignore[return-value]
