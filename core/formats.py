"""Output formats of ``jixiao evaluate --format``: name → writer.

A writer takes the scorecard and the engine (for the pack's texts) and returns text, or
bytes for binary formats (which need ``-o``). A new format registers here, nowhere else.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from . import render

if TYPE_CHECKING:
    from .engine import Engine
    from .scorecard import Scorecard

Writer = Callable[["Scorecard", "Engine"], "str | bytes"]

FORMATS: dict[str, Writer] = {
    "table": lambda card, engine: render.table(card),
    "json": lambda card, engine: render.to_json(card),
    "markdown": lambda card, engine: render.markdown(card, engine.pack),
    # Office and HTML writers import openpyxl/python-docx only when asked for, to keep start-up fast.
    "html": lambda card, engine: _office("html").scorecard_html(card, engine),
    "xlsx": lambda card, engine: _office("workbook").scorecard_workbook(card, engine),
    "docx": lambda card, engine: _office("document").scorecard_document(card, engine),
}


def _office(module: str):
    from importlib import import_module

    return import_module(f"{__package__}.office.{module}")
