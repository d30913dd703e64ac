"""The YAML schema of a rubric pack, validated by pydantic (unknown keys are errors: typos show)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any, Literal

from pydantic import BaseModel, BeforeValidator, ConfigDict, Field, model_validator

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


class RateRounding(_Strict):
    """A rate's rounding, said either way: ``percent_places`` counts the decimals of the percentage
    (2: 99.27%), ``places`` those of the fraction (4: 0.9927, the same). One of the two, not both."""

    places: int | None = Field(default=None, ge=0, le=8)
    percent_places: int | None = Field(default=None, ge=0, le=6)
    mode: Literal["truncate", "half_up", "half_even"]

    @model_validator(mode="after")
    def _one_way(self) -> RateRounding:
        if (self.places is None) == (self.percent_places is None):
            raise ValueError(
                "rounding.rate 须且只能写 places（小数位数，如 4 即 0.9927）"
                "或 percent_places（百分数的小数位数，如 2 即 99.27%）之一"
            )
        return self

    @property
    def fraction_places(self) -> int:
        return self.places if self.places is not None else (self.percent_places or 0) + 2


class RoundingPolicy(_Strict):
    score: RoundingRule
    rate: RateRounding | None = None


class GradeBandSchema(_Strict):
    grade: str
    range: str


class FactDecl(_Strict):
    kind: Literal["money", "number", "count", "rate", "bool", "choice", "score", "text", "date", "table"]
    label: str
    unit: str = ""
    choices: dict[str, str] = Field(default_factory=dict)
    minimum: Bound | None = None
    maximum: Bound | None = None
    note: str = ""


class GateSchema(_Strict):
    fact: str
    is_: bool | None = Field(default=None, alias="is")
    range: str | None = None
    reason: str


class ReasonSchema(_Strict):
    """A written reason the form requires when a condition holds ("执行率低于90%的须说明原因，未说明的扣1分")."""

    when: str  # a comparison of formulas over the leaf's facts, as a consistency check writes it
    fact: str  # the text fact that holds the reason
    deduct: Points
    reason: str  # what is missing, as the deduction says it


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
    params: dict[str, Any] = Field(default_factory=dict)
    facts: dict[str, FactDecl] = Field(default_factory=dict)
    veto: list[GateSchema] = Field(default_factory=list)
    exempt: list[GateSchema] = Field(default_factory=list)
    not_applicable: list[GateSchema] = Field(default_factory=list)
    require_reason: list[ReasonSchema] = Field(default_factory=list)
    improvement: str = ""
    children: list[NodeSchema] = Field(default_factory=list)


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


class FundsRowSchema(_Strict):
    """A row of the form's 项目资金 block: its label and the facts in its 年初预算数/全年预算数/全年执行数 columns."""

    label: str
    initial: str | None = None
    full_year: str | None = None
    spent: str | None = None


class FormSchema(_Strict):
    """The 项目支出绩效自评表 layout: which facts fill its fixed rows. The indicator rows come from the tree."""

    funds_indicator: str  # the leaf whose 分值/执行率/得分 the 年度资金总额 row shows
    funds: list[FundsRowSchema]
    goal_expected: str | None = None  # text facts: 年度总体目标 预期目标 / 实际完成情况
    goal_actual: str | None = None

    def fact_names(self) -> list[str]:
        cells = [n for row in self.funds for n in (row.initial, row.full_year, row.spent)]
        return [n for n in cells + [self.goal_expected, self.goal_actual] if n]


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
    plugins: list[str] = Field(default_factory=list)
    facts: dict[str, FactDecl] = Field(default_factory=dict)
    metrics: dict[str, MetricSchema] = Field(default_factory=dict)
    indicators: list[NodeSchema] | None = None
    overrides: list[OverrideSchema] = Field(default_factory=list)
    checks: list[CheckSchema] = Field(default_factory=list)
    form: FormSchema | None = None  # a project form's own layout (财预〔2020〕10号 自评表)
