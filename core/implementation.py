"""What a plugin name resolves to for a leaf: the per-indicator hooks of that one plugin, called through pluggy.

For each per-indicator hook, pluggy's ``subset_hook_caller`` without the *other*
indicator plugins' implementations: the leaf's own implementation and every wrapper of
the hook (from any plugin) remain, so wrappers wrap each leaf's calls and pluggy's
tracing and monitoring see them. Resolved once per name, when a pack is bound.

When nothing would see a call — the subset holds the plugin's own implementation alone
and no monitor is installed — a ``Hook`` calls that implementation's function itself:
what pluggy would do for one plain implementation of a ``firstresult`` hook, without
its bookkeeping (a sixth of the engine's time). The plugin manager counts every change
that could add an observer (``ObservedPluginManager.generation``); a hook re-checks
when the count moved, so a wrapper or tracer added later is honoured from the next call.

A built-in shape written in two steps (``Shape.compute``, ``Shape.explain``) that is
called directly also offers them apart (``Implementation.two_steps``): the engine then
computes the leaf and leaves its texts to be made when read. A plugin from outside
jixiao is always evaluated in one call, so a failure in its texts ends its own leaf.
"""

from __future__ import annotations

import types
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import pluggy

if TYPE_CHECKING:
    from .indicator import Computed, Configured, EvalContext, Outcome
    from .pack.model import LeafSpec

PER_INDICATOR = ("jixiao_indicator_configure", "jixiao_indicator_rule_inputs", "jixiao_indicator_evaluate")
ARGUMENTS = ("leaf", "configured", "ctx")  # what the per-department hooks are called with, in this order


class ObservedPluginManager(pluggy.PluginManager):
    """pluggy's manager, counting the changes after which a hook call may be observed or answered otherwise."""

    def __init__(self, project_name: str) -> None:
        super().__init__(project_name)
        self.generation = 0
        self.monitors = 0
        self._opts_of: dict[int, tuple[Any, Any]] = {}  # id of a class attribute → (it, pluggy's answer)

    def parse_hookimpl_opts(self, plugin: Any, name: str) -> Any:
        """pluggy's answer for an attribute an instance gets from its class, remembered per attribute.

        The built-in shapes register some thirty instances of a dozen classes sharing most
        of their methods, and pluggy looks every attribute of each up statically
        (``inspect.getattr_static``): a tenth of start-up. The answer depends on the
        attribute alone (the marker its function carries). What an instance holds itself
        (its ``__dict__``, its slots) is asked of pluggy every time.
        """
        if isinstance(plugin, (type, types.ModuleType)):
            return super().parse_hookimpl_opts(plugin, name)
        attribute = next((klass.__dict__[name] for klass in type(plugin).__mro__ if name in klass.__dict__), _ABSENT)
        if attribute is _ABSENT or isinstance(attribute, types.MemberDescriptorType) or name in _own(plugin):
            return super().parse_hookimpl_opts(plugin, name)
        known = self._opts_of.get(id(attribute))
        if known is not None:
            return known[1]
        opts = super().parse_hookimpl_opts(plugin, name)
        self._opts_of[id(attribute)] = (attribute, opts)  # the attribute kept: its id is not reused
        return opts

    def register(self, plugin: Any, name: str | None = None) -> str | None:
        self.generation += 1
        return super().register(plugin, name)

    def unregister(self, plugin: Any = None, name: str | None = None) -> Any:
        self.generation += 1
        return super().unregister(plugin, name)

    def add_hookcall_monitoring(self, before: Any, after: Any) -> Callable[[], None]:
        """Also what ``enable_tracing`` calls: while any monitor is installed, every call goes through pluggy."""
        undo = super().add_hookcall_monitoring(before, after)
        self.monitors += 1
        self.generation += 1

        def undo_and_count() -> None:
            undo()
            self.monitors -= 1
            self.generation += 1

        return undo_and_count


_ABSENT = object()


def _own(plugin: Any) -> dict[str, Any]:
    """``plugin``'s own ``__dict__``, read without ``getattr`` (as pluggy reads it)."""
    try:
        own = object.__getattribute__(plugin, "__dict__")
    except AttributeError:
        return {}
    return own if isinstance(own, dict) else {}


@dataclass
class Hook:
    """One per-department hook of one plugin: pluggy's subset caller, or its one implementation called directly."""

    caller: Any
    pm: Any
    seen: int = -1  # the manager's generation when ``direct`` was decided
    direct: Callable[..., Any] | None = field(default=None, repr=False)
    steps: tuple[Callable[..., Computed], Callable[..., Outcome]] | None = field(default=None, repr=False)

    def __call__(self, leaf: LeafSpec, configured: Configured, ctx: EvalContext) -> Any:
        if self.seen != self.pm.generation:
            self._decide()
        if self.direct is not None:
            return self.direct(leaf, configured, ctx)
        return self.caller(leaf=leaf, configured=configured, ctx=ctx)

    def two_steps(self) -> tuple[Callable[..., Computed], Callable[..., Outcome]] | None:
        """The implementation's ``compute`` and ``explain`` (``Shape.two_steps``) while it is called directly."""
        if self.seen != self.pm.generation:
            self._decide()
        return self.steps

    def _decide(self) -> None:
        self.seen = self.pm.generation
        impls = self.caller.get_hookimpls()
        plain = len(impls) == 1 and not (impls[0].wrapper or impls[0].hookwrapper)
        self.direct = _positional(impls[0]) if plain and not getattr(self.pm, "monitors", 1) else None
        owner = getattr(impls[0].function, "__self__", None) if self.direct is not None else None
        two_steps = getattr(owner, "two_steps", None)
        self.steps = two_steps() if callable(two_steps) else None


def _positional(impl: Any) -> Callable[..., Any]:
    """``impl``'s function called as pluggy calls it: with the arguments it names, taken from the three."""
    names = tuple(impl.argnames)
    function = impl.function
    if names == ARGUMENTS:
        return function
    where = tuple(ARGUMENTS.index(n) for n in names)
    return lambda *args: function(*[args[i] for i in where])


@dataclass(frozen=True)
class Implementation:
    """One plugin's per-indicator hooks; a hook the plugin does not implement, with no wrapper either, is None."""

    name: str
    plugin: Any
    configure_hook: Any
    rule_inputs_hook: Any | None
    evaluate_hook: Any
    resolver: Any  # what the configure hook receives as ``plugins``: resolves other names (parts of a leaf)
    builtin: bool = False  # shipped with jixiao: its ``explain`` may run later, when the texts are read

    def configure(self, leaf: LeafSpec) -> Configured:
        self.resolver.used_by.setdefault(self.name, []).append(
            leaf.code
        )  # what this plugin scores, for the scorecard's provenance
        return self.configure_hook(leaf=leaf, plugins=self.resolver)

    def rule_inputs(self, leaf: LeafSpec, configured: Configured, ctx: EvalContext) -> Mapping[str, Any]:
        if self.rule_inputs_hook is None:
            return {}
        return self.rule_inputs_hook(leaf, configured, ctx) or {}

    def evaluate(self, leaf: LeafSpec, configured: Configured, ctx: EvalContext) -> Outcome:
        return self.evaluate_hook(leaf, configured, ctx)

    def two_steps(self) -> tuple[Callable[..., Computed], Callable[..., Outcome]] | None:
        """``compute`` and ``explain`` of a built-in shape whose evaluate hook nothing observes now, for the
        engine to explain when the texts are read; None: call ``evaluate`` (wrappers and tracers see it)."""
        if not self.builtin or self.evaluate_hook.__class__ is not Hook:
            return None
        return self.evaluate_hook.two_steps()


def subset(pm: Any, hook_name: str, plugin: Any) -> Any | None:
    """The hook as ``plugin`` and the wrappers answer it; None when ``plugin`` has no implementation
    and nothing wraps it."""
    impls = getattr(pm.hook, hook_name).get_hookimpls()
    others = {i.plugin for i in impls if i.plugin is not plugin and not (i.wrapper or i.hookwrapper)}
    if all(i.plugin in others for i in impls):
        return None
    return pm.subset_hook_caller(hook_name, remove_plugins=others)
