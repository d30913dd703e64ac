"""复核: re-checking the scores a department claimed against what its facts score.

``audit(engine, document)`` scores the document as ``Engine.evaluate`` does, reads its
``claimed:`` block and lists the findings. The score itself never depends on the claims.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .claims import Claim, Claims, read_claims
from .findings import KIND_TEXT, Finding, find
from .model import Audit, AuditRow

if TYPE_CHECKING:
    from ..engine import Engine

__all__ = ["KIND_TEXT", "Audit", "AuditRow", "Claim", "Claims", "Finding", "audit", "audit_card"]


def audit_card(engine: Engine, card: Any, claimed: Any) -> Audit:
    """The audit of an already computed scorecard against a raw ``claimed:`` mapping."""
    pack = engine.pack
    claims = read_claims(claimed, card, [band.grade for band in pack.grades])
    return Audit(card, claims, find(card, claims, pack.grade_for, pack.total))


def audit(engine: Engine, document: Mapping[str, Any] | str | Path) -> Audit:
    """Score ``document`` (a facts document or the path of one) and check what it claims."""
    from ..facts import read_facts_file

    doc = read_facts_file(document) if isinstance(document, (str, Path)) else document
    return audit_card(engine, engine.evaluate(doc), doc.get("claimed"))
