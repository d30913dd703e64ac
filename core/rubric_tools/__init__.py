"""Tools for the people who write rubric packs: ``check``, ``show`` and ``diff``.

Loading a pack (``jixiao.pack``) refuses a malformed one at the first stage that fails;
an author wants every mistake at once, each with the line to fix, a readable view of
what a pack scores, and what changed between two packs. These tools sit on top of the
loader and the binding and never change how a pack scores.

This module holds what the three share: the chain of pack files a pack is made of (the
pack and the packs it ``extend``s, each with its YAML lines), and the walking of their
indicator nodes. Where a problem is, tools read from the problem's data (``file``,
``line``, ``node``), never from its message.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import JixiaoError
from ..pack.discovery import locate
from ..yamlio import load_with_lines, nearest_line


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
