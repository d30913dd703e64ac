"""Every hook of jixiao, in one place.

An indicator implementation is a plugin registered under a name; a pack leaf names
the implementation that scores it (``use:``). The per-indicator hooks below are
``firstresult`` hooks called, through pluggy, on that one plugin and on every wrapper
of the hook (``@hookimpl(wrapper=True)``, from any plugin): the engine resolves each
leaf's plugin name once, when the pack is loaded (``implementation.Implementation``).
The remaining hooks are broadcast to every plugin.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Protocol

import pluggy

if TYPE_CHECKING:
    from .implementation import Implementation
    from .indicator import Configured, EvalContext, Outcome
    from .numbers import Number
    from .pack.model import LeafSpec, Pack
    from .scorecard import LeafResult, Scorecard

PROJECT = "jixiao"


class Resolver(Protocol):
    """What the configure hook receives as ``plugins``."""

    def get(self, name: str) -> Implementation | None:
        """The implementation registered under ``name`` (as ``use: name`` would resolve it), or None."""


hookspec = pluggy.HookspecMarker(PROJECT)
hookimpl = pluggy.HookimplMarker(PROJECT)


# Per-indicator hooks: called on the plugin a leaf names. A spec's body never runs (pluggy
# calls the plugins' implementations), hence the ``type: ignore[empty-body]`` on each.


@hookspec(firstresult=True)
def jixiao_indicator_configure(leaf: LeafSpec, plugins: Resolver) -> Configured:  # type: ignore[empty-body]
    """Read the leaf's params once, at pack load.

    Return a ``Configured``: the facts the indicator needs (``FactSpec``), the
    declarative tables it wants decided (bands, thresholds), the formula in Chinese,
    and any state the other two hooks need (a frozen dataclass). Raise ``JixiaoError``
    (code PACK_PARAMS) naming the parameter for a malformed leaf. ``plugins.get(name)``
    resolves another plugin name to its ``Implementation``, as ``use:`` does: a leaf
    made of parts uses it for each part's shape.
    """


@hookspec(firstresult=True)
def jixiao_indicator_rule_inputs(  # type: ignore[empty-body]
    leaf: LeafSpec, configured: Configured, ctx: EvalContext
) -> Mapping[str, Number]:
    """Compute the numeric inputs of this leaf's decision tables from a department's facts (``ctx.facts``).

    Called only when every fact the leaf needs is present and valid. All leaves' inputs
    of one department are decided in one call to the rules engine.
    """


@hookspec(firstresult=True)
def jixiao_indicator_evaluate(  # type: ignore[empty-body]
    leaf: LeafSpec, configured: Configured, ctx: EvalContext
) -> Outcome:
    """Score one leaf for one department: the raw score and its explanation.

    ``ctx`` carries the facts, the inputs computed above and the tables' decisions.
    Return an ``Outcome``; the engine applies exemptions, vetoes, the 0..weight bound
    and the pack's rounding after.
    """


# Broadcast hooks.


@hookspec
def jixiao_rubric_loaded(pack: Pack) -> None:
    """A pack has been loaded and every leaf bound to its implementation."""


@hookspec
def jixiao_indicator_scored(leaf: LeafSpec, result: LeafResult, department_id: str) -> None:
    """After each leaf is scored, before totals: audit it, or cap it by editing ``result``.

    A plugin that changes a score must add a ``Deduction`` saying why.
    """


@hookspec
def jixiao_scorecard_built(scorecard: Scorecard) -> None:
    """After a department's scorecard is complete: export, notify, check."""
