"""What a plugin name resolves to for a leaf: the per-indicator hooks of that one plugin, called through pluggy.

For each per-indicator hook, pluggy's ``subset_hook_caller`` without the *other*
indicator plugins' implementations: the leaf's own implementation and every wrapper of
the hook (from any plugin) remain, so wrappers wrap each leaf's calls and pluggy's
tracing and monitoring see them. Resolved once per name, when a pack is bound.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .indicator import Configured, EvalContext, Outcome
    from .pack.model import LeafSpec

PER_INDICATOR = ("jixiao_indicator_configure", "jixiao_indicator_rule_inputs", "jixiao_indicator_evaluate")


@dataclass(frozen=True)
class Implementation:
    """One plugin's per-indicator hooks; a hook the plugin does not implement, with no wrapper either, is None."""

    name: str
    plugin: Any
    configure_hook: Any
    rule_inputs_hook: Any | None
    evaluate_hook: Any
    resolver: Any  # what the configure hook receives as ``plugins``: resolves other names (parts of a leaf)

    def configure(self, leaf: LeafSpec) -> Configured:
        self.resolver.used_by.setdefault(self.name, []).append(
            leaf.code
        )  # what this plugin scores, for the scorecard's provenance
        return self.configure_hook(leaf=leaf, plugins=self.resolver)

    def rule_inputs(self, leaf: LeafSpec, configured: Configured, ctx: EvalContext) -> Mapping[str, Any]:
        if self.rule_inputs_hook is None:
            return {}
        return self.rule_inputs_hook(leaf=leaf, configured=configured, ctx=ctx) or {}

    def evaluate(self, leaf: LeafSpec, configured: Configured, ctx: EvalContext) -> Outcome:
        return self.evaluate_hook(leaf=leaf, configured=configured, ctx=ctx)


def subset(pm: Any, hook_name: str, plugin: Any) -> Any | None:
    """The hook as ``plugin`` and the wrappers answer it; None when ``plugin`` has no implementation
    and nothing wraps it."""
    impls = getattr(pm.hook, hook_name).get_hookimpls()
    others = {i.plugin for i in impls if i.plugin is not plugin and not (i.wrapper or i.hookwrapper)}
    if all(i.plugin in others for i in impls):
        return None
    return pm.subset_hook_caller(hook_name, remove_plugins=others)
