"""The rule shapes, written once. Each is a plugin class; packs name instances of them."""
from .bands import Bands
from .base import Shape
from .checklist import Checklist
from .deduction import PerOccurrence
from .excess import OverThreshold, UnderTarget
from .judgement import Judgement
from .levels import Levels
from .parts import Parts
from .progress import Progress
from .qualitative import Qualitative
from .target import Target
from .target_list import TargetList
from .ratio import RatioPoints

SHAPES: dict[str, type[Shape]] = {
    cls.kind: cls
    for cls in (Checklist, PerOccurrence, RatioPoints, Bands, OverThreshold, UnderTarget, Target, Levels, Progress, Judgement, Qualitative, TargetList, Parts)
}

__all__ = ["SHAPES", "Shape", "Bands", "Checklist", "PerOccurrence", "RatioPoints", "OverThreshold", "UnderTarget", "Target", "Qualitative", "TargetList", "Levels", "Progress", "Judgement", "Parts"]
