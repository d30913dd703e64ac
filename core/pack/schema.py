"""The YAML schema of a rubric pack, validated by pydantic (unknown keys are errors: typos show)."""
from __future__ import annotations

from decimal import Decimal
from typing import Any, Literal, Optional

from pydantic import BaseModel, ConfigDict, Field


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", populate_by_name=True)


class RoundingRule(_Strict):
    places: int = Field(ge=0, le=6)
    mode: Literal["truncate", "half_up", "half_even"]


class RoundingPolicy(_Strict):
    score: RoundingRule
    rate: Optional[RoundingRule] = None


class GradeBandSchema(_Strict):
    grade: str
    range: str


class FactDecl(_Strict):
    kind: Literal["money", "number", "count", "rate", "bool", "choice", "score", "text", "date"]
    label: str
    unit: str = ""
    choices: dict[str, str] = {}
    minimum: Optional[Decimal] = None
    maximum: Optional[Decimal] = None
    note: str = ""


class GateSchema(_Strict):
    fact: str
    is_: Optional[bool] = Field(default=None, alias="is")
    range: Optional[str] = None
    reason: str


class NodeSchema(_Strict):
    code: str
    name: str
    weight: Decimal
    printed_name: Optional[str] = None
    description: str = ""
    criteria: str = ""
    use: Optional[str] = None
    params: dict[str, Any] = {}
    facts: dict[str, FactDecl] = {}
    veto: list[GateSchema] = []
    exempt: list[GateSchema] = []
    improvement: str = ""
    children: list["NodeSchema"] = []


class PackSchema(_Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9._-]*$")
    title: str
    region: str
    year: int
    version: str
    kind: str = "部门整体支出绩效评价"
    source: str
    total: Decimal = Decimal(100)
    rounding: RoundingPolicy
    grades: list[GradeBandSchema] = Field(min_length=1)
    plugins: list[str] = []
    indicators: list[NodeSchema] = Field(min_length=1)
