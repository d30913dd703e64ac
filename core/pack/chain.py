"""A pack as the files it is written in: the pack and the packs it ``extend``s, with their lines.

The loader builds one resolved tree; a mistake found there is about a node of that tree,
but the line to edit may be in another file: a district's override that changed a weight,
added an indicator under a group or dropped one from it. ``relocate`` points a problem
at that line, from the problem's data (``file``, ``node``), never from its message. The
loader uses it for every refusal of an extending pack, and ``rubric check`` for each of
its findings, so both name the same line.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import errors
from ..errors import JixiaoError, Problem, located
from ..yamlio import load_with_lines, nearest_line
from .discovery import locate


@dataclass(frozen=True)
class PackFile:
    """One pack.yaml as written: its data and the line of every node path."""

    path: Path
    raw: dict
    lines: dict[tuple, int]

    def line(self, at: tuple) -> int | None:
        return nearest_line(self.lines, tuple(at))

    def where(self, at: tuple) -> str:
        line = self.line(at)
        return f"{self.path}:{line}" if line else str(self.path)

    def overrides(self) -> list[dict]:
        found = self.raw.get("overrides")
        return [o if isinstance(o, dict) else {} for o in found] if isinstance(found, list) else []


def read_chain(ref: str | Path) -> list[PackFile]:
    """The pack's file and the files it extends, base first, located exactly as the loader
    locates them (so file names match its messages). An unreadable file ends the chain
    quietly: the loader reports it."""
    path: Path | None = locate(ref)
    chain: list[PackFile] = []
    seen: set[Path] = set()
    while path is not None and path.resolve() not in seen:
        seen.add(path.resolve())
        try:
            raw, lines = load_with_lines(path)
        except Exception:
            break
        if not isinstance(raw, dict):
            break
        chain.insert(0, PackFile(path, raw, lines))
        parent = raw.get("extend")
        try:
            path = locate(str(parent), path.parent) if parent else None
        except JixiaoError:
            path = None
    return chain


def walk_nodes(nodes: Any, at: tuple) -> Iterator[tuple[dict, tuple]]:
    """Every indicator node (dict) of a raw tree with its node path."""
    for i, node in enumerate(nodes if isinstance(nodes, list) else []):
        if isinstance(node, dict):
            yield node, at + (i,)
            yield from walk_nodes(node.get("children"), at + (i, "children"))


def chain_nodes(chain: list[PackFile]) -> Iterator[tuple[PackFile, dict, tuple]]:
    """Indicator nodes written in any file of the chain, including those added by overrides."""
    for f in chain:
        yield from ((f, n, at) for n, at in walk_nodes(f.raw.get("indicators"), ("indicators",)))
        for i, ov in enumerate(f.overrides()):
            add = ov.get("add")
            if isinstance(add, dict) and isinstance(add.get("indicator"), dict):
                at = ("overrides", i, "add", "indicator")
                yield f, add["indicator"], at
                yield from ((f, n, p) for n, p in walk_nodes(add["indicator"].get("children"), at + ("children",)))


def key_path(dotted: str) -> tuple:
    """An override's ``set`` key as a node path: "params.parts.0.step" → ("params", "parts", 0, "step")."""
    return tuple(int(p) if p.isdigit() else p for p in str(dotted).split("."))


def node_at(raw: Any, at: tuple) -> tuple[dict | None, tuple]:
    """The deepest indicator node (a dict with a code) on the path, and its own path."""
    found: tuple[dict | None, tuple] = (None, ())
    node = raw
    for depth, part in enumerate(at):
        try:
            node = node[part]
        except (KeyError, IndexError, TypeError):
            break
        if isinstance(node, dict) and "code" in node and "name" in node:
            found = (node, tuple(at[: depth + 1]))
    return found


def override_target(ov: dict) -> str:
    add = ov.get("add")
    if isinstance(add, dict) and isinstance(add.get("indicator"), dict):
        return str(add["indicator"].get("code", ""))
    return str(ov.get("target", ""))


def relocate(p: Problem, chain: list[PackFile]) -> Problem:
    """Point a problem at the line to edit: the deepest line of the node it is about (read from
    ``p.node``), or the override that wrote the value when that node lies in a base pack."""
    from .resolve import _path_text

    if p.file is None or p.node is None or p.detail is None or not p.node or p.node[0] == "overrides":
        return p  # nowhere to look, or already at an override: relocating twice would lose its wording
    f = next((c for c in chain if str(c.path) == p.file), None)
    if f is None:
        return p
    at = tuple(p.node)
    node, node_path = node_at(f.raw, at)
    if p.code == errors.PACK_WEIGHTS and isinstance(node, dict) and node_path == at:
        at += ("weight",)
    extra = {"field": p.field, "value": p.value, "expected": p.expected}
    here = located(p.code, p.detail, f.path, f.line(at), at, _path_text(f.raw, tuple(p.node)), **extra)
    found = override_for(chain, f, at, p.code)
    if found is None:
        return here
    g, i, rel = found
    written = ("overrides", i) + rel
    text = f"overrides[{i}]（{override_target(g.overrides()[i])}）.{'.'.join(str(x) for x in rel)}"
    return located(
        p.code,
        f"{p.detail}（所覆盖的原指标：{here.location}：{_path_text(f.raw, tuple(p.node))}）",
        g.path,
        g.line(written),
        written,
        text,
        **extra,
    )


def override_for(chain: list[PackFile], f: PackFile, at: tuple, code: str) -> tuple[PackFile, int, tuple] | None:
    """The last override, in a pack extending ``f``, that wrote the value at ``at`` (or, for
    a sum that no longer agrees, a weight below it)."""
    if f not in chain:
        return None
    node, node_path = node_at(f.raw, at)
    if node is None and at[:1] == ("indicators",) and code == errors.PACK_WEIGHTS:
        written = f.raw.get("indicators")
        tops = [n for n in written if isinstance(n, dict)] if isinstance(written, list) else []
        keys = {str(n.get(k)) for n in tops for k in ("code", "name")}
        node_path, sub, children = (), ("weight",), keys
    elif node is None:
        return None
    else:
        sub = tuple(at[len(node_path) :])
        kids = node.get("children")
        children = (
            {str(c.get(k)) for c in kids if isinstance(c, dict) for k in ("code", "name")}
            if isinstance(kids, list)
            else set()
        )
    names = {str(node.get("code")), str(node.get("name"))} if node is not None else set()
    found = fallback = None
    for g in chain[chain.index(f) + 1 :]:
        for i, ov in enumerate(g.overrides()):
            target = str(ov.get("target"))
            written = ov.get("set")
            sets = written if isinstance(written, dict) else {}
            if target in names:
                for key in sets:
                    k = key_path(key)
                    if sub[: len(k)] == k or (len(sub) >= 2 and k[: len(sub)] == sub):
                        found = (g, i, ("set", key) + sub[len(k) :])
                if ov.get("use") is not None and sub[:1] == ("use",):
                    found = (g, i, ("use",))
                elif code in (errors.PACK_PARAMS, errors.PACK_BANDS) and sub[:1] == ("params",):
                    # the params were the base's; what changed is the implementation or the weight they must fit
                    fallback = (
                        (g, i, ("use",))
                        if ov.get("use") is not None
                        else (g, i, ("set", "weight"))
                        if "weight" in sets
                        else fallback
                    )
            if code == errors.PACK_WEIGHTS and sub == ("weight",):
                if target in children and "weight" in sets:
                    found = (g, i, ("set", "weight"))
                elif target in children and ov.get("drop") is not None:
                    found = (g, i, ("drop",))
                elif _adds_under(ov, names or {""}):  # a top-level add has no parent: the pack's total
                    found = (g, i, ("add", "indicator", "weight"))
    return found or fallback


def _adds_under(ov: dict, names: set[str]) -> bool:
    """Whether the override adds an indicator under the group named by one of ``names``."""
    add = ov.get("add")
    return isinstance(add, dict) and str(add.get("parent") or "") in names
