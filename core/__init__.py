"""jixiao（绩效）：scores public-sector performance evaluations against a rubric pack.

>>> from jixiao import Engine
>>> card = Engine.from_rubric("shenzhen-yantian-2023").evaluate("examples/yantian-2023/facts.yaml")
>>> card.total, card.grade
"""

__version__ = "0.1.0"

from .errors import JixiaoError, Problem
from .facts import FactSpec
from .hookspecs import hookimpl
from .indicator import Computed, Configured, Deduction, EvalContext, InputValue, Intermediate, Outcome


def __getattr__(name):
    # The engine pulls in pydantic models and the rules backend: load it when first asked for.
    if name == "Engine":
        from .engine import Engine

        return Engine
    raise AttributeError(name)


__all__ = [
    "Engine",
    "JixiaoError",
    "Problem",
    "FactSpec",
    "hookimpl",
    "Computed",
    "Configured",
    "Deduction",
    "EvalContext",
    "InputValue",
    "Intermediate",
    "Outcome",
]
