"""The toolkit for writing rule shapes: the ``Shape`` base class, ``Metric`` (the value a shape
scores), ``Formula`` and the parameter helpers.

The shapes themselves (bands, checklist, ratio, …) are plugins like any other, in
``jixiao.plugins.shapes``, registered through the ``jixiao.plugins`` entry points.
"""

from .base import Shape
from .formula import Formula
from .metric import Metric

__all__ = ["Shape", "Metric", "Formula"]


def __getattr__(name: str):
    """``from jixiao.shapes import Bands``, as plugins written before the shapes moved do: still
    works, with a warning."""
    import importlib
    import warnings

    shapes = importlib.import_module("jixiao.plugins.shapes")
    if name in shapes.__all__:
        warnings.warn(f"jixiao.shapes.{name} 已移至 jixiao.plugins.shapes.{name}", DeprecationWarning, stacklevel=2)
        return getattr(shapes, name)
    raise AttributeError(name)
