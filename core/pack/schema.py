"""The YAML schema of a rubric pack, validated by pydantic (unknown keys are errors: typos show)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field

from ..number_text import parse_number

# A weight or total: a plain number, read without guessing and within the admitted range.
Points = Annotated[Decimal, BeforeValidator(lambda v: parse_number(v, percent=False))]
# A bound of a fact's values: "100%" is allowed for a rate.
Bound = Annotated[Decimal, BeforeValidator(lambda v: parse_number(v, percent=True))]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class RoundingRule(_Strict):
    places: int = Field(ge=0, le=6)
    mode: Literal["truncate", "half_up", "half_even"]


class RoundingPolicy(_Strict):
    score: RoundingRule
    rate: RoundingRule | None = None


class GradeBandSchema(_Strict):
    grade: str
    range: str


class FactDecl(_Strict):
    kind: Literal["money", "number", "count", "rate", "bool", "choice", "score", "text", "date", "table"]
    label: str
    unit: str = ""
    choices: dict[str, str] = {}
    minimum: Bound | None = None
    maximum: Bound | None = None
    note: str = ""


class GateSchema(_Strict):
    fact: str
    is_: bool | None = Field(default=None, alias="is")
    range: str | None = None
    reason: str


class MetricSchema(_Strict):
    formula: str
    label: str
    rate: bool = False


class NodeSchema(_Strict):
    code: str
    name: str
    weight: Points
    printed_name: str | None = None
    description: str = ""
    criteria: str = ""
    use: str | None = None
    params: dict[str, Any] = {}
    facts: dict[str, FactDecl] = {}
    veto: list[GateSchema] = []
    exempt: list[GateSchema] = []
    not_applicable: list[GateSchema] = []
    improvement: str = ""
    children: list[NodeSchema] = []


class DropSchema(_Strict):
    move_to: str


class AddSchema(_Strict):
    parent: str
    indicator: NodeSchema


class OverrideSchema(_Strict):
    """One labelled change of a base pack: a reform, in OpenFisca's word."""

    target: str | None = None
    set: dict[str, Any] | None = None
    use: str | None = None
    drop: Literal["rescale"] | DropSchema | None = None
    add: AddSchema | None = None
    reason: str
    authority: str
    effective: date | None = None


class CheckSchema(_Strict):
    """A consistency check between facts (see ``jixiao.checks``)."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9._-]*$")
    rule: str
    label: str
    effect: Literal["warn", "not_evaluable", "ignore"] = "warn"
    tolerance: Bound | None = None


class PackSchema(_Strict):
    """A pack file. With ``extend`` most keys are inherited; the resolved pack must have them all."""

    id: str = Field(pattern=r"^[a-z0-9][a-z0-9._-]*$")
    extend: str | None = None
    title: str | None = None
    region: str | None = None
    year: int | None = None
    version: str | None = None
    kind: str | None = None
    source: str | None = None
    total: Points | None = None
    rounding: RoundingPolicy | None = None
    grades: list[GradeBandSchema] | None = None
    plugins: list[str] = []
    facts: dict[str, FactDecl] = {}
    metrics: dict[str, MetricSchema] = {}
    indicators: list[NodeSchema] | None = None
    overrides: list[OverrideSchema] = []
    checks: list[CheckSchema] = []
