"""What each command answers, as data and as JSON text: one function per answer.

The CLI's ``--format json`` prints these strings and ``jixiao serve``'s API returns the
same bytes, so a script moving from one to the other reads the same document. Scorecards,
comparisons and 复核 have their JSON where they are made (``render.to_json``,
``render.compare_json``, ``audit.text.to_json``); this module holds the rest.
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from .engine import Engine
    from .registry import Registry
    from .rubric_tools.changes import DiffResult
    from .scorecard import LeafResult, Scorecard


def dumps(data: Any) -> str:
    """JSON as every command prints it: Chinese kept as written, two-space indent."""
    return json.dumps(data, ensure_ascii=False, indent=2)


def pack_entries() -> list[dict[str, Any]]:
    """The installed packs, each with its title, or the reason it cannot be loaded."""
    from .errors import JixiaoError
    from .pack import available_packs, load_pack

    out: list[dict[str, Any]] = []
    for pack_id, path in available_packs().items():
        try:
            p = load_pack(path)
        except JixiaoError as exc:
            out.append({"id": pack_id, "error": exc.problems[0].to_dict(), "folder": str(path.parent)})
            continue
        out.append(
            {
                "id": pack_id,
                "title": p.title,
                "version": p.version,
                "digest": p.digest,
                "region": p.region,
                "year": str(p.year),
                "kind": p.kind,
                "base": p.base,
                "folder": str(path.parent),
            }
        )
    return out


def rubrics_json(entries: list[dict[str, Any]]) -> str:
    """``jixiao rubrics --format json``: without the folders, which say where the server keeps its files."""
    return dumps([{k: v for k, v in e.items() if k != "folder"} for e in entries])


def pack_json(engine: Engine) -> str:
    """``jixiao rubric show --format json``: the tree, each rule in Chinese, the facts with their labels."""
    from .rubric_tools.show import pack_tree

    return dumps(pack_tree(engine))


def plugin_entries(registry: Registry) -> list[dict[str, Any]]:
    """Every plugin with its title, kind and origin; replaced and blocked ones say so."""
    out: list[dict[str, Any]] = []
    for info in sorted(registry.info.values(), key=lambda i: i.name):
        plugin = registry.pm.get_plugin(info.name)
        out.append(
            {
                "name": info.name,
                "title": getattr(plugin, "title", "") or "",
                "kind": info.kind,
                "origin": info.origin,
                "sha256": info.sha256,
                "replaced": info.replaced,
            }
        )
    out += [{"name": name, "blocked": why} for name, why in sorted(registry.blocked.items())]
    return out


def plugins_json(registry: Registry) -> str:
    return dumps(plugin_entries(registry))


def leaf_named(card: Scorecard, indicator: str) -> LeafResult:
    """The leaf ``indicator`` names (a code like 2.4.2, or a name), or INDICATOR_UNKNOWN listing them all."""
    from .errors import INDICATOR_UNKNOWN, JixiaoError, Problem

    try:
        return card[indicator]
    except KeyError:
        names = "、".join(f"{leaf.code} {leaf.name}" for leaf in card.leaves())
        raise JixiaoError(
            Problem(
                INDICATOR_UNKNOWN,
                f"没有编码或名称为“{indicator}”的指标；可选：{names}",
                field="--indicator",
                value=indicator,
            )
        ) from None


def explain_json(leaf: LeafResult) -> str:
    """``jixiao explain --format json``: the indicator as the scorecard's JSON holds it."""
    return dumps(leaf.to_dict())


def diff_json(result: DiffResult) -> str:
    """``jixiao rubric diff --format json``: one entry per change."""
    return dumps([c.to_dict() for c in result.changes])
