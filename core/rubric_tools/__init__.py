"""Tools for the people who write rubric packs: ``check``, ``show`` and ``diff``.

Loading a pack (``jixiao.pack``) refuses a malformed one at the first stage that fails;
an author wants every mistake at once, each with the line to fix, a readable view of
what a pack scores, and what changed between two packs. These tools sit on top of the
loader and the binding and never change how a pack scores.

This module holds what the three share: the chain of pack files a pack is made of (the
pack and the packs it ``extend``s, each with its YAML lines), and the reading of the
node paths that pack messages print (``indicators[1]（名称）.children[0]（名称）.params``).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Iterator

from ..errors import JixiaoError
from ..pack.loader import locate
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

    def path_at_line(self, line: int) -> tuple:
        """The node path that starts on ``line`` (the outermost one, for a flow mapping), to read
        a message that gives only a line."""
        found = [at for at, n in self.lines.items() if n == line]
        return min(found, key=len) if found else ()

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


_KEY = re.compile(r"[^.\[（：\s]+")


def parse_node_path(raw: Any, text: str) -> tuple[tuple, int]:
    """Read the node path a pack message starts with, checked against the file's data.

    ``"indicators[1]（名称）.params.bands：…"`` → ``(("indicators", 1, "params", "bands"), n)``
    where ``n`` is the number of characters read. Keys the data does not have end the
    path, except ``params`` where a part of a ``parts`` leaf is named like a leaf
    (``parts[1].params.value`` is written ``parts[1].value``).
    """
    at: list = []
    node, i = raw, 0
    while i < len(text):
        if text[i] == "[":
            j = text.find("]", i)
            if j < 0 or not text[i + 1:j].isdigit():
                break
            index = int(text[i + 1:j])
            if not isinstance(node, list) or index >= len(node):
                break
            at.append(index)
            node, i = node[index], j + 1
            name = node.get("name") if isinstance(node, dict) else None
            if name is not None and text.startswith(f"（{name}）", i):
                i += len(str(name)) + 2
        elif text[i] == "." and at:
            i += 1
        else:
            m = _KEY.match(text, i)
            if not m or not isinstance(node, dict):
                break
            key = m.group()
            if key in node:
                at.append(key)
                node = node[key]
            elif key != "params":
                break
            i = m.end()
    while i > 0 and text[i - 1] == ".":
        i -= 1
    return tuple(at), i


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
            found = (node, tuple(at[:depth + 1]))
    return found
