"""pytest collects every pack's YAML cases: ``<pack folder>/cases/*.yaml`` with facts → expected scores.

Installed with jixiao (entry point ``pytest11``), so a district tests its own pack the
same way ``make test`` tests the shipped ones: put cases beside the pack, run pytest.
"""

from __future__ import annotations

from decimal import Decimal
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pytest
from pydantic import BaseModel, ConfigDict, ValidationError, model_validator
from pydantic_core import ErrorDetails

if TYPE_CHECKING:
    from _pytest._code.code import TerminalRepr, TracebackStyle

Number = str | int | Decimal


class Expectation(BaseModel):
    """What a case expects; a key that is not one of these is a typo and fails the case (as OpenFisca's runner does)."""

    model_config = ConfigDict(extra="forbid")
    scores: dict[str, Number] = {}
    status: dict[str, str] = {}
    total: Number | None = None
    grade: str | None = None
    complete: bool | None = None

    @model_validator(mode="after")
    def expects_something(self) -> Expectation:
        if not (
            self.scores or self.status or self.total is not None or self.grade is not None or self.complete is not None
        ):
            raise ValueError(
                "用例没有写任何期望（expect 应至少有 scores、status、"
                "total、grade、complete 之一）：这样的用例永远不会失败"
            )
        return self


class Case(BaseModel):
    model_config = ConfigDict(extra="forbid")
    name: str | None = None
    id: str | None = None
    facts: dict[Any, Any] | None = None
    facts_file: str | None = None
    expect: Expectation

    @model_validator(mode="after")
    def has_facts(self) -> Case:
        if (self.facts is None) == (self.facts_file is None):
            raise ValueError("须且只能写 facts（事实）或 facts_file（事实文件路径）之一")
        return self


def pytest_collect_file(file_path: Path, parent):
    if (
        file_path.suffix in (".yaml", ".yml")
        and file_path.parent.name == "cases"
        and (file_path.parent.parent / "pack.yaml").is_file()
    ):
        return PackCases.from_parent(parent, path=file_path)
    return None


@cache
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


def _case_error(e: ErrorDetails) -> str:
    if e["type"] == "extra_forbidden":
        return (
            "未知的键（是否拼写有误？可用："
            f"{'、'.join(Case.model_fields) if len(e['loc']) == 1 else '、'.join(Expectation.model_fields)}）"
        )
    if e["type"] == "missing":
        return "缺少此项"
    return str(e["msg"]).removeprefix("Value error, ")


class PackCase(pytest.Item):
    def __init__(self, *, case: dict, rules: str, **kwargs):
        super().__init__(**kwargs)
        self.case, self.rules = case, rules

    def runtest(self) -> None:
        try:
            case = Case.model_validate(self.case)
        except ValidationError as exc:
            raise CaseMismatch(
                "\n".join(f"{'.'.join(map(str, e['loc'])) or '用例'}：{_case_error(e)}" for e in exc.errors())
            ) from None
        pack_dir = self.path.parent.parent
        if case.facts_file is not None:
            from .facts_document import read_facts_file

            doc = read_facts_file(self.path.parent / case.facts_file)
        else:
            doc = {"department": {"id": case.id or "case", "name": case.name or ""}, "facts": case.facts}
        card = _engine(str(pack_dir), self.rules).evaluate(doc)
        expect, diffs = case.expect, []
        leaves = {key: leaf for leaf in card.leaves() for key in (leaf.code, leaf.name)}
        unknown = [name for name in [*expect.scores, *expect.status] if name not in leaves]
        if unknown:
            raise CaseMismatch(f"期望中的指标 {'、'.join(unknown)} 不在评分体系中（请写指标编码或名称）")
        for name, want in expect.scores.items():
            got = leaves[name].score
            if got is None or got != Decimal(str(want)):
                diffs.append(
                    f"{name}：期望 {want}，实际 {got}"
                    f"（{leaves[name].status}：{'；'.join(p.message for p in leaves[name].problems)}）"
                )
        for name, status in expect.status.items():
            if leaves[name].status != status:
                diffs.append(f"{name}：期望状态 {status}，实际 {leaves[name].status}")
        if expect.total is not None and card.total != Decimal(str(expect.total)):
            diffs.append(f"总分：期望 {expect.total}，实际 {card.total}")
        if expect.grade is not None and card.grade != expect.grade:
            diffs.append(f"等级：期望 {expect.grade}，实际 {card.grade}")
        if expect.complete is not None and card.complete != expect.complete:
            diffs.append(f"评分完整：期望 {expect.complete}，实际 {card.complete}")
        if diffs:
            raise CaseMismatch("\n".join(diffs))

    def repr_failure(
        self, excinfo: pytest.ExceptionInfo[BaseException], style: TracebackStyle | None = None
    ) -> str | TerminalRepr:
        if isinstance(excinfo.value, CaseMismatch):
            return f"评分体系用例“{self.name}”与期望不符：\n{excinfo.value}"
        return super().repr_failure(excinfo, style)

    def reportinfo(self):
        return self.path, 0, f"评分体系用例：{self.name}"
