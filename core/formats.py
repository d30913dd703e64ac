"""Output formats of ``jixiao evaluate --format``: name → writer.

A writer takes the scorecard and the engine (for the pack's texts) and returns text, or
bytes for binary formats (which need ``-o``). A new format registers here, nowhere else.
"""
from __future__ import annotations

from typing import TYPE_CHECKING, Callable

from . import render

if TYPE_CHECKING:
    from .engine import Engine
    from .scorecard import Scorecard

Writer = Callable[["Scorecard", "Engine"], "str | bytes"]

FORMATS: dict[str, Writer] = {
    "table": lambda card, engine: render.table(card),
    "json": lambda card, engine: render.to_json(card),
    "markdown": lambda card, engine: render.markdown(card, engine.pack),
}
