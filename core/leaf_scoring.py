"""One leaf's result: gates, its plugin's score, the bound to 0..weight and the pack's rounding.

``Engine._score`` orchestrates a department (rule inputs, one call to the rules backend,
subtotals); what happens to each leaf after that is here, in a base class of ``Engine``
so the steps stay methods of the engine that prepared their data at load
(``_origins``, the score rounding). A plugin that raises, exits or returns no exact
number ends its own leaf with a problem, never the department.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from fractions import Fraction
from typing import Any

from . import errors
from .binding import Binding
from .errors import JixiaoError, Problem
from .fact_model import DepartmentFacts
from .indicator import Computed, Configured, Deduction, EvalContext, Intermediate, Outcome
from .numbers import RATE_PLACES, ZERO, Number, fmt_detail, fmt_number, fmt_points, mul, round_to, sub
from .pack.model import Gate, LeafSpec
from .scorecard import ERROR, NOT_APPLICABLE, NOT_EVALUABLE, SCORED, ExplainedWhenRead, LeafResult


class LeafScoring:
    """The per-leaf steps of ``Engine``: problems, gates, the plugin's outcome, bound and rounded."""

    _origins: dict[str, dict[str, str]]  # set by Engine at load, like the three below
    _score_places: int
    _score_mode: str
    _rate_places: int | None

    def _fact_problems(self, b: Binding, dept: DepartmentFacts) -> list[Problem]:
        out = []
        for name, spec in b.part_facts.items():
            if name not in b.needs:
                continue  # optional: its plugin asks for it when it needs it
            if name in dept.problems:
                out.append(dept.problems[name])
            elif name not in dept.values:
                out.append(
                    Problem(
                        spec.missing_code,
                        f"{dept.where(name)}缺少事实“{spec.label}”（{name}），应为{spec.expected()}",
                        field=name,
                        expected=spec.expected(),
                        location=dept.locations.get(name),
                    )
                )
        return out

    def _score_leaf(self, b: Binding, dept, values, decisions, problems, failure, ctx: EvalContext) -> LeafResult:
        """One leaf's result: gates first (not applicable, veto, exemption), then its plugin, bound and rounded."""
        leaf = b.leaf
        if b.problem is not None:
            return self._unscored(b, ERROR if b.status == "error" else NOT_EVALUABLE, [b.problem])
        if problems and any(
            p.code == errors.FACT_INCONSISTENT for p in problems
        ):  # impossible facts: no gate scores them either
            return self._unscored(b, NOT_EVALUABLE, problems)
        vetoes: Sequence[Gate] = ()  # most leaves have no gates: no lists to build
        exempts: Sequence[Gate] = ()
        gate_missing: Sequence[Problem] = ()
        notes: list[str] = []
        if b.gated:
            fired = lambda gates: [g for g, table in gates if decisions.get(table) == "hit"]
            vetoes, exempts = fired(b.vetoes), fired(b.exemptions)
            not_applicable = fired(b.not_applicable)
            if not_applicable:
                return self._unscored(
                    b, NOT_APPLICABLE, [], [f"不适用：{not_applicable[0].reason}（不计分，总分按适用指标折算）"]
                )
            gate_missing = [
                dept.problems.get(g.fact)
                or Problem(
                    errors.FACT_MISSING,
                    f"缺少事实“{b.gate_facts[g.fact].label}”（{g.fact}），应为{b.gate_facts[g.fact].expected()}",
                    field=g.fact,
                )
                for g, key in b.gate_checks
                if key not in values
            ]
        if vetoes:
            outcome = Outcome(
                ZERO,
                deductions=[
                    Deduction(
                        leaf.weight,
                        g.reason,
                        f"存在“{g.reason}”的情形，本项指标得0分，扣{fmt_number(leaf.weight)}分",
                        f"{leaf.code}:veto",
                    )
                    for g in vetoes[:1]
                ],
            )
            outcome.rules.append(f"{leaf.code}:veto")
            notes.append(f"否决：{vetoes[0].reason}")
        elif exempts:
            outcome = Outcome(leaf.weight, rules=[f"{leaf.code}:exempt"])
            notes.append(f"直接得分：{exempts[0].reason}")
        elif failure is not None:
            return self._unscored(b, ERROR, [failure])
        elif problems or gate_missing:
            return self._unscored(b, NOT_EVALUABLE, (problems or []) + list(gate_missing))
        else:
            return self._evaluated(b, ctx, notes)
        assert b.configured is not None  # no problem at load: bind configured it
        return self._finish(b, b.configured, outcome, notes)

    def _evaluated(self, b: Binding, ctx: EvalContext, notes: list[str]) -> LeafResult:
        """The leaf scored by its plugin; a refusal of the facts or a plugin's failure makes it unscored.

        A built-in shape written in two steps that nothing observes is computed only: its
        texts are made when the result's inputs, intermediates or deductions are first
        read (``ExplainedWhenRead``). A leaf with reasons to check deducts with texts: it
        is explained at once.
        """
        implementation, configured = b.implementation, b.configured
        assert implementation is not None and configured is not None  # no problem at load: bind set both
        steps = None if b.reason_checks else implementation.two_steps()
        try:
            if steps is not None:
                return self._finish(b, configured, steps[0](b.leaf, configured, ctx), notes, steps[1], ctx)
            outcome = implementation.evaluate(b.leaf, configured, ctx)
        except JixiaoError as exc:  # a FactError too
            return self._unscored(b, NOT_EVALUABLE, exc.problems)
        except (Exception, SystemExit) as exc:  # a plugin that exits ends its indicator, not the run
            return self._unscored(b, ERROR, [_plugin_failure(b, exc)])
        if outcome.__class__ is not Outcome and not isinstance(outcome, Outcome):
            return self._unscored(b, ERROR, [_plugin_failure(b, TypeError(f"返回了 {outcome!r}，应返回 Outcome"))])
        if b.reason_checks and _exact_number(outcome.score):
            _require_reasons(b, ctx, outcome, notes)
        return self._finish(b, configured, outcome, notes)

    def _finish(
        self,
        b: Binding,
        configured: Configured,
        outcome: Outcome | Computed,
        notes: list[str],
        explain: Callable[..., Outcome] | None = None,
        ctx: EvalContext | None = None,
    ) -> LeafResult:
        """An outcome scaled, bounded to 0..weight and rounded as the pack says, each step explained
        (``adjustments``); a computed result is explained by ``explain`` when its texts are read."""
        leaf = b.leaf
        raw = outcome.score
        if not _exact_number(raw):
            return self._unscored(b, ERROR, [_bad_score(b, raw)])
        if leaf.scale != 1:
            raw = mul(raw, leaf.scale)
        applicable = outcome.applicable_weight
        ceiling = leaf.weight if applicable is None else applicable
        bounded = raw if ZERO <= raw <= ceiling else ZERO if raw < ZERO else ceiling
        score = round_to(bounded, self._score_places, self._score_mode)  # = self.pack.round_score(bounded)
        if explain is not None:
            assert ctx is not None and isinstance(outcome, Computed)
            later = Later(explain, leaf, configured, ctx, outcome, raw, bounded, score, self._rate_places)
            return ExplainedWhenRead(
                leaf.code,
                leaf.name,
                leaf.weight,
                score,
                leaf.use,
                configured.formula,
                raw,
                list(outcome.rules),
                notes,
                b.path,
                self._origins[leaf.code],
                applicable,
                later,
            )
        assert isinstance(outcome, Outcome)
        outcome.intermediates += adjustments(leaf, raw, bounded, score)
        return LeafResult(
            leaf.code,
            leaf.name,
            leaf.weight,
            score,
            SCORED,
            leaf.use,
            configured.formula,
            raw,
            outcome.inputs,
            outcome.intermediates,
            outcome.deductions,
            outcome.rules,
            [],
            notes,
            b.path,
            self._origins[leaf.code],
            outcome.rows,
            outcome.applicable_weight,
        )

    def _unscored(self, b: Binding, status: str, problems: list[Problem], notes: list[str] | None = None) -> LeafResult:
        leaf = b.leaf
        return LeafResult(
            leaf.code,
            leaf.name,
            leaf.weight,
            None,
            status,
            leaf.use,
            b.configured.formula if b.configured else "",
            problems=problems,
            notes=[] if notes is None else notes,
            path=b.path,
            origins=self._origins[leaf.code],
        )


def adjustments(leaf: LeafSpec, raw: Number, bounded: Number, score: Decimal) -> list[Intermediate]:
    """The engine's steps after the plugin's, as intermediate values: the score scaled to the adjusted weight,
    bounded to 0..weight, rounded as the pack says (only the steps that changed something)."""
    out = []
    if leaf.scale != 1:
        out.append(Intermediate("按调整后的分值折算", leaf.scale, f"×{fmt_detail(leaf.scale)}"))
    if bounded is not raw:
        out.append(Intermediate("按分值上下限调整", bounded, f"{fmt_detail(raw)}→{fmt_detail(bounded)}"))
    if score != bounded:
        out.append(Intermediate("按评分体系取舍", score, f"{fmt_detail(bounded)}→{fmt_number(score)}"))
    return out


@dataclass(slots=True)
class Later:
    """A computed leaf's explanation, made when first read: its shape's ``explain``, then the engine's
    ``adjustments``, rates printed at the pack's places. The reader's decimal context does not matter:
    built-in shapes compute in jixiao's own contexts (``numbers.add`` and the rest)."""

    explain: Callable[..., Outcome]
    leaf: LeafSpec
    configured: Configured
    ctx: EvalContext
    computed: Computed
    raw: Number  # the computed score, scaled
    bounded: Number
    score: Decimal
    rate_places: int | None

    def __call__(self) -> Outcome:
        places = RATE_PLACES.set(self.rate_places)  # what ``rate_places`` does, without a generator per leaf
        try:
            outcome = self.explain(self.leaf, self.configured, self.ctx, self.computed)
            outcome.intermediates += adjustments(self.leaf, self.raw, self.bounded, self.score)
        finally:
            RATE_PLACES.reset(places)
        return outcome


def _require_reasons(b: Binding, ctx: EvalContext, outcome: Outcome, notes: list[str]) -> None:
    """Where a condition holds and its reason is not written, the points the pack says are deducted (floor 0)."""
    for rule, check in b.reason_checks:
        if any(link.key not in ctx.inputs for link in check.links) or ctx.decisions.get(check.table.id) is not None:
            continue  # the condition does not hold (or cannot be computed: a zero divisor)
        written = ctx.facts.get(rule.fact)
        if isinstance(written, str) and written.strip():
            notes.append(f"已说明原因：{written.strip()}")
            continue
        lost = rule.deduct if rule.deduct <= outcome.score else outcome.score
        outcome.score = sub(outcome.score, lost)
        key = check.spec.id
        outcome.deductions.append(Deduction(lost, rule.reason, f"{rule.reason}，扣{fmt_points(lost)}分", key))
        outcome.rules.append(key)


def _exact_number(value: Any) -> bool:
    """Whether a plugin's score is an exact finite number (Decimal, int or Fraction), not a float, None or NaN."""
    cls = value.__class__
    return cls is Fraction or cls is int or (cls is Decimal and value.is_finite())


def _bad_score(b: Binding, value: Any) -> Problem:
    return Problem(
        errors.PLUGIN_FAILED,
        f"插件“{b.leaf.use}”为“{b.leaf.name}”返回的得分 {value!r} 不是精确数值"
        "（应为 Decimal、int 或 fractions.Fraction，不能是浮点数、None 或 NaN）",
        field=b.leaf.code,
        value=value,
    )


def _plugin_failure(b: Binding, exc: BaseException) -> Problem:
    return Problem(
        errors.PLUGIN_FAILED,
        f"插件“{b.leaf.use}”评分“{b.leaf.name}”时出错：{type(exc).__name__}: {exc}",
        field=b.leaf.code,
    )
