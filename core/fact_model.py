"""The per-pack validation model of facts, and what validating a department's facts gives.

``facts`` says what one fact is and how a raw value converts; this module holds what
the engine builds from a pack's whole set of ``FactSpec``s: ``FactModel``, one pydantic
model per pack that validates a department's facts at once and words every problem,
and ``DepartmentFacts``, the values and problems that come out. ``LocatedFacts`` and
``cell_text`` carry a workbook cell through validation into the messages.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Annotated, Any

from pydantic import BaseModel, BeforeValidator, ConfigDict, ValidationError, create_model

from . import errors
from .errors import JixiaoError, Problem
from .limits import LIMITS, raise_hint

if TYPE_CHECKING:
    from .facts import FactSpec


class LocatedFacts(dict):
    """A facts mapping that remembers where each value was read ({name: "事实!D7"}).

    A workbook's user fixes a cell, not a field: FactModel.validate names the cell in
    its messages. It is a plain dict otherwise, so every path that takes facts takes it.
    """

    def __init__(self, values: Mapping[str, Any], locations: Mapping[str, str]):
        super().__init__(values)
        self.locations = dict(locations)


def cell_text(location: str) -> str:
    """ "事实!D7" → 工作表“事实”单元格 D7 (anything else is returned as is)."""
    sheet, _, cell = location.rpartition("!")
    return f"工作表“{sheet}”单元格 {cell}" if sheet else location


@dataclass
class DepartmentFacts:
    """One department's facts after validation: values by name plus the problems found."""

    department_id: str
    department_name: str
    values: dict[str, Any]
    problems: dict[str, Problem]  # fact name → why it is unusable
    unknown: list[Problem]
    source: str = ""
    locations: Mapping[str, str] = field(default_factory=dict)  # fact name → "sheet!cell" when read from a workbook

    def where(self, name: str) -> str:
        """ "工作表“事实”单元格 D7：" for a fact read from a workbook, else nothing."""
        return f"{cell_text(self.locations[name])}：" if name in self.locations else ""


SUGGESTION_CANDIDATES = 3


def _pairs(text: str) -> set[str]:
    return {text[i : i + 2] for i in range(len(text) - 1)} or {text}


class FactModel:
    """The validation model of a pack's facts, built once per pack."""

    def __init__(self, specs: Mapping[str, FactSpec]):
        self.specs = dict(specs)
        self._model: type[BaseModel] | None = None
        self._names = frozenset(self.specs)
        self._pairs: dict[str, set[str]] | None = None  # letter pair → the names holding it, made when first asked
        self._converters = tuple((name, spec.convert) for name, spec in self.specs.items())

    @property
    def model(self) -> type[BaseModel]:
        """The pydantic model that finds and words every problem of a department's facts.

        Built when first needed: departments whose facts are all known and valid never need
        it (``_convert_all``), and building it costs more than loading the rest of a large pack.
        """
        if self._model is None:
            fields: dict[str, Any] = {
                name: (Annotated[Any, BeforeValidator(spec.convert)] | None, None) for name, spec in self.specs.items()
            }
            self._model = create_model("DepartmentFactsModel", __config__=ConfigDict(extra="forbid"), **fields)
        return self._model

    def _convert_all(self, raw: Mapping[str, Any]) -> dict[str, Any] | None:
        """Every fact converted, in the model's order, or None at the first problem.

        Most departments' facts are all known and all valid: the converters alone then
        give what the pydantic model would. Anything else (an unknown name, a value a
        converter refuses) returns None, and ``validate`` lets the model find and word
        every problem.
        """
        if not raw.keys() <= self._names:
            return None
        values = {}
        try:
            for name, convert in self._converters:
                value = raw.get(name)
                if value is not None:
                    values[name] = convert(value)
        except Exception:
            return None
        return values

    def suggest(self, unknown: str) -> str | None:
        """The declared fact name ``unknown`` most likely misspells, or None.

        difflib compares against a handful of names only — those sharing the most letter pairs
        with ``unknown``, found through an index — so a suggestion costs the same in a pack of
        500 facts as in one of 50.
        """
        if self._pairs is None:
            self._pairs = {}
            for name in self.specs:
                for pair in _pairs(name):
                    self._pairs.setdefault(pair, set()).add(name)
        shared: dict[str, int] = {}
        for pair in _pairs(unknown):
            for name in self._pairs.get(pair, ()):
                shared[name] = shared.get(name, 0) + 1
        nearest = sorted(shared, key=lambda n: (-shared[n], n))[:SUGGESTION_CANDIDATES]
        close = difflib.get_close_matches(unknown, nearest, n=1)
        return close[0] if close else None

    def validate(
        self,
        raw: Mapping[str, Any],
        department_id: str,
        department_name: str = "",
        source: str = "",
        locations: Mapping[str, str] | None = None,
    ) -> DepartmentFacts:
        locations = getattr(raw, "locations", {}) if locations is None else locations
        if len(raw) > LIMITS.facts:
            raise JixiaoError(
                Problem(
                    errors.INPUT_LIMIT,
                    f"{source or '事实'}：有 {len(raw):,} 项事实，超过上限 {LIMITS.facts:,} 项"
                    f"（本评分体系只声明了 {len(self.specs)} 项）{raise_hint('facts')}",
                    field="facts",
                    value=len(raw),
                )
            )
        values = self._convert_all(raw)
        if values is not None:
            return DepartmentFacts(department_id, department_name, values, {}, [], source, dict(locations))
        at = lambda name: f"{cell_text(locations[name])}：" if name in locations else ""
        problems: dict[str, Problem] = {}
        unknown = [
            Problem(
                errors.FACT_UNKNOWN,
                f"事实名应为文字，{k!r}（{type(k).__name__}）不是：请写评分体系声明的事实名",
                field=str(k),
                value=v,
            )
            for k, v in raw.items()
            if not isinstance(k, str)
        ]
        data = {k: v for k, v in raw.items() if v is not None and isinstance(k, str)}
        suggestions = LIMITS.suggestions
        while True:
            try:
                parsed = self.model.model_validate(data)
                break
            except ValidationError as exc:
                for err in exc.errors():
                    name = str(err["loc"][0])
                    data.pop(name, None)
                    if err["type"] == "extra_forbidden":
                        close = self.suggest(name) if suggestions > 0 else None
                        suggestions -= 1
                        hint = f"是否应为“{close}”（{self.specs[close].label}）？" if close else "是否拼写有误？"
                        unknown.append(
                            Problem(
                                errors.FACT_UNKNOWN,
                                f"{at(name)}未知的事实“{name}”：本评分体系没有这一项（{hint}）",
                                field=name,
                                value=err.get("input"),
                                location=locations.get(name),
                            )
                        )
                    else:
                        spec = self.specs[name]
                        problems[name] = Problem(
                            err["type"],
                            at(name) + err["msg"],
                            field=name,
                            value=err.get("input"),
                            expected=spec.expected(),
                            location=locations.get(name),
                        )
        values = {k: v for k, v in parsed.model_dump().items() if v is not None}
        return DepartmentFacts(department_id, department_name, values, problems, unknown, source, dict(locations))
