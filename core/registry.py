"""Finding, registering, replacing and blocking plugins.

Built-in indicators come from the ``jixiao.plugins`` entry-point group like any
third-party package's. A name is a plugin's identity: registering a taken name is an
error unless the newcomer declares ``jixiao_replaces = True`` (a class attribute or a
module-level name), and a blocked name is never registered.
"""

from __future__ import annotations

import hashlib
import importlib.util
import inspect
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Any

import pluggy

from . import errors, hookspecs
from .errors import JixiaoError, Problem
from .implementation import PER_INDICATOR, Hook, Implementation, ObservedPluginManager, subset

ENTRY_POINT_GROUP = "jixiao.plugins"


@dataclass
class PluginInfo:
    name: str
    origin: str  # "entry point jixiao.plugins (dist 0.1.0)", "file /x/y.py", "python"
    kind: str
    replaced: str | None = None  # origin of the plugin it replaced
    sha256: str | None = None  # of the file the plugin's code was loaded from; None when it has no source file
    builtin: bool = False  # shipped with jixiao (its own entry points)
    path: Path | None = None  # the local file it was loaded from

    def to_dict(self) -> dict[str, Any]:
        return {"name": self.name, "origin": self.origin, "sha256": self.sha256, "replaced": self.replaced}


def source_hash(plugin: Any, path: Path | None = None) -> str | None:
    """ "sha256:…" of ``path``, or of the source file of the module ``plugin`` was defined in.

    A batch records it with every result, so a resumed batch can tell that a plugin's
    code changed between runs even when its name and origin did not.
    """
    if path is None:
        module = inspect.getmodule(plugin) if not inspect.ismodule(plugin) else plugin
        try:
            found = inspect.getsourcefile(module) if module is not None else None
        except TypeError:  # a built-in module
            found = None
        path = Path(found) if found else None
    try:
        return "sha256:" + hashlib.sha256(path.read_bytes()).hexdigest() if path is not None else None
    except OSError:
        return None


def _claims_once(found: list, dist_of) -> None:
    """Refuse one plugin name offered by two installed packages other than jixiao (which of them would win is luck)."""
    by_name: dict[str, list] = {}
    for ep in found:
        if dist_of(ep) != "jixiao":
            by_name.setdefault(ep.name, []).append(ep)
    clashes = {name: eps for name, eps in by_name.items() if len({(dist_of(e), e.value) for e in eps}) > 1}
    if clashes:
        raise JixiaoError(
            [
                Problem(
                    errors.PLUGIN_CONFLICT,
                    f"插件名称“{name}”由多个已安装的包提供："
                    + "、".join(f"{dist_of(e)}（{e.value}）" for e in eps)
                    + "；请卸载其一，或用 --block 停用该名称后以 --plugin 明确指定",
                    field="plugin",
                    value=name,
                )
                for name, eps in sorted(clashes.items())
            ]
        )


class Registry:
    """A pluggy PluginManager with declared replacement and blocking."""

    def __init__(self, block: Iterable[str] = ()):
        self.pm = ObservedPluginManager(hookspecs.PROJECT)
        self.pm.add_hookspecs(hookspecs)
        self.info: dict[str, PluginInfo] = {}
        self.blocked: dict[str, str] = {}
        self.offered: set[str] = set()  # every name a source offered, blocked ones included
        self._implementations: dict[str, Implementation | None] = {}  # resolved once all plugins are loaded
        self.used_by: dict[str, list[str]] = {}  # plugin name → codes of the leaves (and parts) it configured
        for name in block:
            self.block(name)

    def block(self, name: str, why: str = "") -> None:
        if self.pm.get_plugin(name) is not None:
            self.pm.unregister(name=name)
        self.pm.set_blocked(name)
        self.blocked[name] = why or "按要求停用"
        self.info.pop(name, None)

    def register(self, plugin: Any, name: str, origin: str, source: Path | None = None, builtin: bool = False) -> None:
        self.offered.add(name)
        if self.pm.is_blocked(name):
            return
        replaces = bool(getattr(plugin, "jixiao_replaces", False))
        old = self.info.get(name)
        if old is not None:
            if not replaces:
                raise JixiaoError(
                    Problem(
                        errors.PLUGIN_CONFLICT,
                        f"插件名称“{name}”已被占用（来自 {old.origin}）；"
                        f"{origin} 若要替换它，须声明 jixiao_replaces = True",
                        field="plugin",
                        value=name,
                    )
                )
            self.pm.unregister(name=name)
        try:
            self.pm.register(plugin, name=name)
        except (ValueError, pluggy.PluginValidationError) as exc:
            raise JixiaoError(
                Problem(errors.PLUGIN_LOAD, f"插件“{name}”（{origin}）无法注册：{exc}", field="plugin", value=name)
            ) from None
        kind = getattr(plugin, "kind", None) or getattr(plugin, "__name__", type(plugin).__name__)
        self.info[name] = PluginInfo(
            name,
            origin,
            str(kind),
            old.origin if old else None,
            source_hash(plugin, source),
            builtin,
            source if origin.startswith("文件") else None,
        )

    def load_entry_points(self) -> None:
        """Every installed plugin, jixiao's own first: the outcome never depends on the order packages were found in.

        Two installed packages (other than jixiao) offering one name is an error naming
        both; a package offering a name jixiao ships must declare ``jixiao_replaces``.
        """
        found = list(metadata.entry_points(group=ENTRY_POINT_GROUP))
        dists: dict[int, tuple[str, str]] = {}  # a distribution's name and version parse its METADATA each time

        def named(ep: Any) -> tuple[str, str]:
            if ep.dist is None:
                return ("?", "?")
            if id(ep.dist) not in dists:
                dists[id(ep.dist)] = (ep.dist.name, ep.dist.version)
            return dists[id(ep.dist)]

        dist_of = lambda ep: named(ep)[0]
        _claims_once(found, dist_of)
        for ep in sorted(found, key=lambda e: (e.name, dist_of(e) != "jixiao", dist_of(e), e.value)):
            if self.pm.is_blocked(ep.name):
                self.offered.add(ep.name)
                continue
            dist = " ".join(named(ep)) if ep.dist else "?"
            try:
                obj = ep.load()
            except Exception as exc:
                raise JixiaoError(
                    Problem(
                        errors.PLUGIN_LOAD,
                        f"入口点插件“{ep.name}”（{ep.value}）加载失败：{exc}",
                        field="plugin",
                        value=ep.name,
                    )
                ) from None
            module_file = getattr(sys.modules.get(ep.module), "__file__", None)
            self.register(
                obj,
                ep.name,
                f"入口点 {ep.value}（{dist}）",
                Path(module_file) if module_file else None,
                builtin=dist_of(ep) == "jixiao",
            )

    def load_file(self, path: str | Path) -> list[str]:
        """Register the plugins a local ``.py`` declares in ``JIXIAO_PLUGINS = {name: obj}``, or the
        module itself under its stem."""
        p = Path(path).resolve()
        if not p.is_file():
            raise JixiaoError(Problem(errors.PLUGIN_LOAD, f"找不到插件文件 {p}", field="plugin", value=str(p)))
        mod_name = f"jixiao_local_{p.stem}_{abs(hash(str(p))) & 0xFFFFFF:x}"
        spec = importlib.util.spec_from_file_location(mod_name, p)
        if spec is None or spec.loader is None:  # a suffix Python does not import
            raise JixiaoError(
                Problem(
                    errors.PLUGIN_LOAD,
                    f"插件文件 {p} 不是 Python 文件：文件名应以 .py 结尾",
                    field="plugin",
                    value=str(p),
                )
            )
        module = importlib.util.module_from_spec(spec)
        sys.modules[mod_name] = module
        try:
            spec.loader.exec_module(module)
        except Exception as exc:
            sys.modules.pop(mod_name, None)
            raise JixiaoError(
                Problem(
                    errors.PLUGIN_LOAD,
                    f"插件文件 {p} 执行出错：{type(exc).__name__}: {exc}",
                    field="plugin",
                    value=str(p),
                )
            ) from None
        plugins = getattr(module, "JIXIAO_PLUGINS", None) or {p.stem: module}
        for name, obj in plugins.items():
            self.register(obj, name, f"文件 {p}", p)
        return list(plugins)

    def load_object(self, obj: Any, name: str | None = None) -> str:
        name = name or getattr(obj, "name", None) or getattr(obj, "__name__", None)
        if not name:
            raise JixiaoError(Problem(errors.PLUGIN_LOAD, f"插件对象 {obj!r} 没有名称，请传入 name", field="plugin"))
        self.register(obj, name, "Python 调用")
        return name

    def check_blocked(self) -> None:
        """Refuse a blocked name that no source offered (a typo would otherwise switch nothing off, silently)."""
        unknown = [name for name in self.blocked if name not in self.offered]
        if unknown:
            known = "、".join(sorted(self.offered)) or "（无）"
            raise JixiaoError(
                Problem(
                    errors.PLUGIN_UNKNOWN,
                    f"要停用的插件“{'、'.join(unknown)}”不存在；已知的插件：{known}",
                    field="--block",
                    value=",".join(unknown),
                )
            )

    def implementation(self, name: str) -> Implementation | None:
        """What ``use: name`` means: that plugin's per-indicator hooks, through pluggy (None: no
        such indicator plugin)."""
        if name in self._implementations:
            return self._implementations[name]
        plugin = self.pm.get_plugin(name)
        found = None
        if plugin is not None and not self.pm.is_blocked(name):
            hooks = [subset(self.pm, hook, plugin) for hook in PER_INDICATOR]
            own = {
                impl.plugin_name for impl in self.pm.hook.jixiao_indicator_evaluate.get_hookimpls() if not impl.wrapper
            }
            if name in own and hooks[0] is not None:
                per_department = [Hook(h, self.pm) if h is not None else None for h in hooks[1:]]
                info = self.info.get(name)
                found = Implementation(
                    name,
                    plugin,
                    hooks[0],
                    per_department[0],
                    per_department[1],
                    self,
                    info is not None and info.builtin,
                )
        self._implementations[name] = found
        return found

    def get(self, name: str) -> Implementation | None:
        """``implementation``: the resolver a configure hook receives as ``plugins`` (``plugins.get("bands")``)."""
        return self.implementation(name)

    def check_pending(self) -> None:
        """Refuse an implementation of a hook that does not exist (a misspelled hook would never be called)."""
        try:
            self.pm.check_pending()
        except pluggy.PluginValidationError as exc:
            plugin = self.pm.get_name(exc.plugin) or repr(exc.plugin)
            known = "、".join(sorted(name for name in dir(hookspecs) if name.startswith("jixiao_")))
            raise JixiaoError(
                Problem(
                    errors.PLUGIN_LOAD,
                    f"插件“{plugin}”实现了不存在的钩子：{exc}；是否拼写有误？可用的钩子：{known}",
                    field="plugin",
                    value=plugin,
                )
            ) from None

    def has_broadcast(self, hook_name: str) -> bool:
        return bool(getattr(self.pm.hook, hook_name).get_hookimpls())
