"""pytest collects every pack's YAML cases: ``<pack folder>/cases/*.yaml`` with facts → expected scores.

Installed with jixiao (entry point ``pytest11``), so a district tests its own pack the
same way ``make test`` tests the shipped ones: put cases beside the pack, run pytest.
"""
from __future__ import annotations

from decimal import Decimal
from functools import lru_cache
from pathlib import Path

import pytest


def pytest_collect_file(file_path: Path, parent):
    if file_path.suffix in (".yaml", ".yml") and file_path.parent.name == "cases" and (file_path.parent.parent / "pack.yaml").is_file():
        return PackCases.from_parent(parent, path=file_path)
    return None


@lru_cache(maxsize=None)
def _engine(pack_dir: str, rules: str):
    from .engine import Engine

    return Engine.from_rubric(pack_dir, rules=rules)


class PackCases(pytest.File):
    def collect(self):
        from .yamlio import load_path

        doc = load_path(self.path)
        for i, case in enumerate((doc or {}).get("cases") or []):
            for rules in ("python", "durable"):
                yield PackCase.from_parent(self, name=f"{case.get('name', i)}[{rules}]", case=case, rules=rules)


class CaseMismatch(Exception):
    pass


class PackCase(pytest.Item):
    def __init__(self, *, case: dict, rules: str, **kwargs):
        super().__init__(**kwargs)
        self.case, self.rules = case, rules

    def runtest(self) -> None:
        case, pack_dir = self.case, self.path.parent.parent
        facts = case.get("facts")
        if "facts_file" in case:
            from .facts import read_facts_file

            doc = read_facts_file(self.path.parent / case["facts_file"])
        else:
            doc = {"department": {"id": case.get("id", "case"), "name": case.get("name", "")}, "facts": facts}
        card = _engine(str(pack_dir), self.rules).evaluate(doc)
        expect, diffs = case.get("expect") or {}, []
        for name, want in (expect.get("scores") or {}).items():
            got = card[name].score
            if got is None or got != Decimal(str(want)):
                diffs.append(f"{name}：期望 {want}，实际 {got}（{card[name].status}：{'；'.join(p.message for p in card[name].problems)}）")
        for name, want in (expect.get("status") or {}).items():
            if card[name].status != want:
                diffs.append(f"{name}：期望状态 {want}，实际 {card[name].status}")
        if "total" in expect and card.total != Decimal(str(expect["total"])):
            diffs.append(f"总分：期望 {expect['total']}，实际 {card.total}")
        if "grade" in expect and card.grade != expect["grade"]:
            diffs.append(f"等级：期望 {expect['grade']}，实际 {card.grade}")
        if diffs:
            raise CaseMismatch("\n".join(diffs))

    def repr_failure(self, excinfo):
        if isinstance(excinfo.value, CaseMismatch):
            return f"评分体系用例“{self.name}”与期望不符：\n{excinfo.value}"
        return super().repr_failure(excinfo)

    def reportinfo(self):
        return self.path, 0, f"评分体系用例：{self.name}"
