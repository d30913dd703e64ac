"""Registering plugins: pluggy's answer for each attribute is remembered per class attribute, and the
hooks found are exactly the ones pluggy's own lookup finds — for every shipped plugin, for an instance's
own attributes, and for a class attribute replaced after an instance was registered."""

from __future__ import annotations

import pluggy

from jixiao import hookimpl
from jixiao.implementation import ObservedPluginManager
from jixiao.plugins.shapes import Bands
from jixiao.registry import Registry


def hooks_of(pm: pluggy.PluginManager) -> dict[str, list[tuple[str, str, bool]]]:
    return {
        name: sorted(
            (impl.plugin_name, impl.function.__qualname__, impl.wrapper)
            for impl in getattr(pm.hook, name).get_hookimpls()
        )
        for name in dir(pm.hook)
        if name.startswith("jixiao_")
    }


def test_every_shipped_plugin_has_the_hooks_pluggys_lookup_finds():
    remembered = Registry()
    remembered.load_entry_points()
    plain = pluggy.PluginManager("jixiao")
    plain.add_hookspecs(__import__("jixiao.hookspecs", fromlist=["x"]))
    for name, plugin in remembered.pm.list_name_plugin():
        plain.register(plugin, name)
    assert hooks_of(remembered.pm) == hooks_of(plain)
    assert remembered.pm._opts_of  # the answers were remembered, not asked again for each instance


def test_an_instances_own_hook_and_a_replaced_class_attribute_are_found():
    pm = ObservedPluginManager("jixiao")
    pm.add_hookspecs(__import__("jixiao.hookspecs", fromlist=["x"]))
    seen: list[str] = []

    class Watched(Bands):
        @hookimpl
        def jixiao_rubric_loaded(self, pack):
            seen.append(f"old:{self.name}")

    pm.register(Watched("first"), "first")

    def unmarked(self, pack):
        seen.append(f"unmarked:{self.name}")

    Watched.jixiao_rubric_loaded = unmarked  # type: ignore[method-assign]  # no longer a hook implementation
    pm.register(Watched("second"), "second")

    @hookimpl
    def marked_again(self, pack):
        seen.append(f"new:{self.name}")

    Watched.jixiao_rubric_loaded = marked_again  # type: ignore[method-assign]
    pm.register(Watched("third"), "third")
    Watched.jixiao_rubric_loaded = unmarked  # type: ignore[method-assign]  # its answer is remembered (None)
    own = Watched("fourth")  # but this instance holds a hook implementation of its own under that name

    @hookimpl
    def on_instance(pack):
        seen.append("own:fourth")

    own.jixiao_rubric_loaded = on_instance  # type: ignore[attr-defined]
    pm.register(own, "fourth")
    pm.hook.jixiao_rubric_loaded(pack=None)
    assert sorted(seen) == ["new:third", "old:first", "own:fourth"]
