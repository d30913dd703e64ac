"""The lines of a leaf's nodes in its pack file, made when first read.

A leaf's messages say where a parameter is written (``LeafSpec.place``), so every leaf
carries the lines of the nodes below it, by path relative to it ("params.bands.0.points"
→ 12). Made for every leaf at load, they were a third of loading a large pack, and most
are never read: only a mistake, or a shape that splits its leaf into parts, reads them.
``lines_below`` gives that mapping, made on first read from the file's lines sorted once.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterator, Mapping
from functools import partial


class FileLines:
    """Every node path of one file and its line, sorted on first use so that the paths below a node are a slice."""

    __slots__ = ("lines", "_keys", "_items")

    def __init__(self, lines: Mapping[tuple, int]):
        self.lines = lines
        self._keys: list[tuple] | None = None
        self._items: list[tuple[tuple, int]] = []

    def below(self, at: tuple) -> dict[str, int]:
        """The lines of ``at`` and the nodes below it, by dotted path relative to it ("" for ``at`` itself).
        The paths sort: siblings are all mapping keys (YAML's text, whatever the key's type once
        constructed) or all sequence indexes."""
        if self._keys is None:
            self._items = sorted(self.lines.items())
            self._keys = [k for k, _ in self._items]
        out = {}
        depth = len(at)
        for i in range(bisect.bisect_left(self._keys, at), len(self._keys)):
            key, line = self._items[i]
            if key[:depth] != at:
                break
            out[".".join(map(str, key[depth:]))] = line
        return out


class LinesWhenRead(Mapping[str, int]):
    """The mapping ``make()`` returns, made when first read (``make`` a ``functools.partial``, so that it pickles)."""

    __slots__ = ("_make", "_made")

    def __init__(self, make: Callable[[], Mapping[str, int]]):
        self._make = make
        self._made: Mapping[str, int] | None = None

    def _lines(self) -> Mapping[str, int]:
        if self._made is None:
            self._made = self._make()
        return self._made

    def __getitem__(self, key: str) -> int:
        return self._lines()[key]

    def __iter__(self) -> Iterator[str]:
        return iter(self._lines())

    def __len__(self) -> int:
        return len(self._lines())

    def __repr__(self) -> str:
        return repr(self._lines())


def lines_below(file: FileLines, at: tuple) -> LinesWhenRead:
    """The lines of ``at`` and of the nodes below it in ``file``, made when first read."""
    return LinesWhenRead(partial(file.below, at))
