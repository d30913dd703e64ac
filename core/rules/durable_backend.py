"""Run a pack's decision tables on durable-rules: the one module that knows its sharp edges.

Everything durable-rules 2.0.28 gets wrong is handled here, so no other module imports it:

* A private ``Host`` whose ``_run`` does nothing: the stock host starts timer threads that
  take actions behind our back (lost results under load, crashes with threads).
  ``durable.lang`` is never used (one global host; ruleset names can never be replaced).
* Numbers: durable rejects ``Decimal``, compares strings as text, counts ``bool`` as 0/1
  and cannot parse ``1e-05``. Each input ``v`` (a Decimal, int or exact Fraction) travels
  as two exact ints, ``f = floor(v * 10**6)`` and ``x = 1 if v * 10**6 is integral else 0``;
  thresholds must be exact at 6 decimals, so every comparison becomes an exact integer
  comparison. Thresholds stay below 10**12 so ``f`` fits durable's int64; an input
  beyond that is posted as just beyond it, which every comparison answers alike.
* ``assert_fact`` fires every matching rule, so each action keeps the *smallest* rule
  index per table: first-match semantics whatever order durable fires in.
* A fact that matches no rule leaves a state whose ``delete_state`` segfaults the process
  (measured), and sids are capped at 1,024 live per ruleset. A sentinel rule that always
  fires makes every fact handled, so the state can always be deleted in ``finally``.
* Actions' exceptions (even ``KeyboardInterrupt``) are swallowed into ``state['exception']``:
  we check it on every call and re-raise.
* A missing field never matches a comparison, so absent inputs yield None like the oracle.
  Avoided on purpose: ``$nex`` on a missing field loops forever, so does ``{"$and": []}``.
* The C ruleset (~240 KB) is never freed by durable: ``close()`` (or garbage collection)
  calls ``delete_ruleset``.
* One ``assert_fact`` that fires more than 64 actions aborts the process (exit 134 or a
  segfault, no message). The tables are split over as many rulesets as needed so that
  no ruleset holds more than ``RULES_PER_RULESET`` rules; one table larger than that is
  refused with a clear error.
"""

from __future__ import annotations

import functools
import itertools
import threading
import warnings
import weakref
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from fractions import Fraction
from typing import Any

from ..errors import PACK_BANDS, RULES_ENGINE, JixiaoError, Problem
from ..numbers import Number
from .model import OP_TEXT, Condition, DecisionTable

SCALE = 10**6  # thresholds are exact at 6 decimals
LIMIT = 10**12  # |threshold| bound: f stays inside int64
_ALWAYS = "one"  # fact field every fact carries; the sentinel (and empty rules) match it
_DONE = "done"  # state key the sentinel writes: proves the actions ran
_RULESET_IDS = itertools.count(1)
# durable-rules 2.0.28 aborts or segfaults the process when one assert_fact fires more than
# 64 actions (measured: 64 run, 65 crash). With the sentinel, a ruleset holds at most this many rules.
RULES_PER_RULESET = 60


def available() -> bool:
    """Whether durable-rules can be imported here (it fails at import on Python 3.13)."""
    try:
        _durable()
    except ImportError:
        return False
    return True


@functools.lru_cache(maxsize=1)
def _durable() -> tuple[Any, Any, type]:
    """Import durable lazily, so importing this module never needs it; return (engine, C core, Host)."""
    try:
        import durable.engine as engine
        import durable_rules_engine as core
    except Exception as exc:  # ImportError, or whatever a broken build raises
        raise ImportError(f"durable-rules is not usable: {exc}") from exc

    class QuietHost(engine.Host):
        """A host without the background dispatch threads; we drive every call ourselves."""

        def _run(self) -> None:
            pass

    return engine, core, QuietHost


def _engine_error(message: str, **extra: Any) -> JixiaoError:
    return JixiaoError(Problem(code=RULES_ENGINE, message=message, **extra))


def encode(v: Decimal | Fraction | int) -> tuple[int, int]:
    """Exact ``(floor(v * 10**6), 1 if v * 10**6 is integral else 0)`` with integer arithmetic only.

    ``Decimal`` multiplication would round at the context precision (28 digits) and could turn
    1.000000000000000000000000000001 into an integral 10**6; integers never round. ``v`` is
    exactly ``n / d`` with ``d > 0`` (``as_integer_ratio``), so ``v * 10**6 == n * 10**6 / d`` and
    ``divmod`` gives its floor (also below zero) and whether anything is left over. This is
    the digit-by-digit arithmetic it replaces, five times faster (12 inputs a department).
    """
    if isinstance(v, Decimal) and not v.is_finite():
        raise TypeError(f"cannot encode {v}")  # as the digit-based version failed; callers check first
    n, d = v.as_integer_ratio()
    f, rest = divmod(n * SCALE, d)
    return f, int(rest == 0)


_BEYOND = (LIMIT * SCALE, 0)  # "just above LIMIT": above every threshold, which are all below LIMIT
_BELOW = (-LIMIT * SCALE - 1, 0)  # "just below -LIMIT"


def _encode_input(key: str, value: object) -> tuple[int, int]:
    """Reject everything durable would misread (bool, float, str, None, NaN) before posting.

    An exact value (Decimal, int or Fraction) at or beyond ±10^12 is posted as "just
    beyond the limit": every threshold lies strictly inside it, so each comparison
    still has the answer the exact value would give.
    """
    if isinstance(value, bool) or not isinstance(value, (Decimal, int, Fraction)):
        raise _engine_error(
            f"规则引擎的输入 {key} 必须是 Decimal、整数或分数，收到 {type(value).__name__}：{value!r}",
            field=key,
            value=value,
        )
    if isinstance(value, Decimal) and not value.is_finite():
        raise _engine_error(f"规则引擎的输入 {key} = {value} 不是有限数值", field=key, value=value)
    if value >= LIMIT:
        return _BEYOND
    if value <= -LIMIT:
        return _BELOW
    return encode(value)


def _comparison(f: str, x: str, op: str, n: int) -> dict:
    """``v op t`` as a durable expression over the two encoded fields (n = t * 10**6)."""
    if op == "ge":
        return {"$gte": {f: n}}
    if op == "lt":
        return {"$lt": {f: n}}
    if op == "gt":
        return {"$or": [{"$gt": {f: n}}, {"$and": [{f: n}, {x: 0}]}]}
    if op == "le":
        return {"$or": [{"$lt": {f: n}}, {"$and": [{f: n}, {x: 1}]}]}
    return {"$and": [{f: n}, {x: 1}]}  # eq


def _free_rulesets(core: Any, handles: list[int]) -> None:
    for handle in handles:
        core.delete_ruleset(handle)


@dataclass
class _Ruleset:
    """One durable ruleset: some of the pack's tables, and the input fields their conditions read."""

    name: str
    tables: tuple[int, ...]  # indices into DurableBackend.tables
    fields: dict[str, int] = field(default_factory=dict)  # input key -> i, carried as fields v{i}_f and v{i}_x


def partition(tables: Sequence[DecisionTable]) -> list[tuple[int, ...]]:
    """The tables in order, in groups of at most ``RULES_PER_RULESET`` rules: no assert can fire
    more actions than durable survives.

    Every rule of a table may hold at once (overlapping rules, first match wins), so the
    bound counts rules, not tables. A table larger than a whole ruleset is refused.
    """
    groups: list[tuple[int, ...]] = []
    current: list[int] = []
    size = 0
    for i, table in enumerate(tables):
        n = len(table.rules)
        if n > RULES_PER_RULESET:
            raise _engine_error(
                f"决策表 {table.id} 有 {n} 条规则，"
                f"durable-rules 一次最多执行 {RULES_PER_RULESET} 条；请改用 --rules python",
                field=table.id,
            )
        if size + n > RULES_PER_RULESET:
            groups.append(tuple(current))
            current, size = [], 0
        current.append(i)
        size += n
    if current:
        groups.append(tuple(current))
    return groups


class DurableBackend:
    """A pack's tables as durable rulesets on a private host (as few as the action bound allows);
    same contract as PythonBackend."""

    name = "durable-rules"

    def __init__(self, tables: Sequence[DecisionTable]):
        engine, core, host_class = _durable()
        self._not_handled = engine.MessageNotHandledException
        self._core_error = core.error
        self.tables = tuple(tables)
        self._lock = threading.Lock()  # one call at a time: durable's state handling is not thread-safe
        self._calls = itertools.count(1)
        self._failure: BaseException | None = None
        self._rulesets = [_Ruleset(f"jixiao_{next(_RULESET_IDS)}", group) for group in partition(self.tables)]
        definitions: dict[str, dict] = {}
        for ruleset in self._rulesets:
            rules: dict[str, dict] = {_DONE: {"all": [{"m": {_ALWAYS: 1}}], "run": self._sentinel}}
            for ti in ruleset.tables:
                table = self.tables[ti]
                for ri, rule in enumerate(table.rules):
                    terms = [self._compile(table, rule.id, c, ruleset.fields) for c in rule.conditions]
                    expr = {_ALWAYS: 1} if not terms else terms[0] if len(terms) == 1 else {"$and": terms}
                    rules[f"t{ti}r{ri}"] = {"all": [{"m": expr}], "run": self._action(f"t{ti}", ri)}
            definitions[ruleset.name] = rules
        self._host = host_class()
        try:
            self._host.set_rulesets(definitions)
        except Exception as exc:
            raise _engine_error(f"规则引擎无法编译规则：{exc}") from exc
        handles = [self._host.get_ruleset(r.name)._handle for r in self._rulesets]
        self._free = weakref.finalize(self, _free_rulesets, core, handles)
        self._free.atexit = False

    def _compile(self, table: DecisionTable, rule_id: str, c: Condition, fields: dict[str, int]) -> dict:
        """One condition as an exact integer comparison; thresholds not exact at 6 decimals are a pack error."""
        where = f"{table.id}/{rule_id}: {c.key} {OP_TEXT.get(c.op, c.op)} {c.value}"
        t = c.value if isinstance(c.value, Decimal) else Decimal(c.value)
        if c.op not in OP_TEXT or not t.is_finite() or abs(t) >= LIMIT:
            raise JixiaoError(Problem(code=PACK_BANDS, message=f"规则无法交给规则引擎（{where}）", value=c.value))
        n, exact = encode(t)
        if not exact:
            raise JixiaoError(Problem(code=PACK_BANDS, message=f"阈值最多 6 位小数（{where}）", value=c.value))
        i = fields.setdefault(c.key, len(fields))
        return _comparison(f"v{i}_f", f"v{i}_x", c.op, n)

    def _action(self, state_key: str, index: int):
        """A one-argument action (durable checks the arity) that records any exception it swallows."""

        def run(c: Any) -> None:
            try:
                self._fire(c, state_key, index)
            except BaseException as exc:
                self._failure = exc
                raise

        return run

    def _fire(self, c: Any, state_key: str, index: int) -> None:
        """Keep the smallest index: the first rule of the table that holds, in any firing order."""
        current = c.s[state_key]
        if current is None or index < current:
            c.s[state_key] = index

    def _sentinel(self, c: Any) -> None:
        c.s[_DONE] = 1

    def decide(self, values: Mapping[str, Number], sid: str = "") -> dict[str, str | None]:
        """Decide every table for one department: one ``assert_fact`` per ruleset, each state always deleted."""
        out: dict[str, str | None] = {}
        with self._lock:
            if self._host is None:
                raise _engine_error("规则引擎已关闭")
            run_sid = f"{sid}#{next(self._calls)}"  # unique per call: sids differ only by a 32-bit hash
            for ruleset in self._rulesets:
                state = self._run(ruleset, values, run_sid, sid)
                for ti in ruleset.tables:
                    table, index = self.tables[ti], state.get(f"t{ti}")
                    out[table.id] = None if index is None else table.rules[index].id
        return out

    def _run(self, ruleset: _Ruleset, values: Mapping[str, Number], run_sid: str, sid: str) -> dict[str, Any]:
        """One ruleset's state after asserting the department's inputs (absent inputs are left out:
        no condition on them can match)."""
        fact: dict[str, int | str] = {_ALWAYS: 1, "sid": run_sid}
        for key, i in ruleset.fields.items():
            if key in values:
                fact[f"v{i}_f"], fact[f"v{i}_x"] = _encode_input(key, values[key])
        self._failure = None
        deletable = True
        state: dict[str, Any] | None = None
        try:
            with warnings.catch_warnings():  # 3.12: utcfromtimestamp warns on every call
                warnings.simplefilter("ignore", DeprecationWarning)
                try:
                    self._host.assert_fact(ruleset.name, fact)
                except self._not_handled as exc:  # impossible with the sentinel; deleting would segfault
                    deletable = False
                    raise _engine_error(f"规则引擎未处理输入（{sid}）") from exc
                except self._core_error as exc:
                    raise _engine_error(f"规则引擎出错（{sid}）：{exc}") from exc
                state = self._host.get_state(ruleset.name, run_sid)
        finally:
            if deletable:
                try:
                    self._host.delete_state(ruleset.name, run_sid)
                except self._core_error as exc:  # fine only if assert_fact failed before creating it
                    if state is not None:
                        raise _engine_error(f"规则引擎无法删除状态（{sid}）：{exc}") from exc
        assert state is not None  # get_state returned it: every other way out of the try raises
        failure, self._failure = self._failure, None
        if "exception" in state or failure is not None:
            if failure is not None and not isinstance(failure, Exception):
                raise failure  # KeyboardInterrupt / SystemExit stay what they are
            raise _engine_error(f"规则引擎的动作出错（{sid}）：{state.get('exception', failure)}") from failure
        if state.get(_DONE) != 1:
            raise _engine_error(f"规则引擎未执行动作（{sid}）")
        return state

    def close(self) -> None:
        """Free the C rulesets (durable never does) and drop the host; later ``decide`` calls fail cleanly."""
        with self._lock:
            self._host = None
            self._free()

    def __enter__(self) -> DurableBackend:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()
