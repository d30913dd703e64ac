"""The rule shapes, written once, and each registered under its own name for packs that describe an
indicator in YAML alone (``use: bands``). Indicators (``plugins/department.py``) are further
instances of these classes under their own names."""

from .alternatives import Alternatives
from .bands import Bands
from .checklist import Checklist
from .deduction import PerOccurrence
from .excess import OverThreshold, UnderTarget
from .judgement import Judgement
from .levels import Levels
from .parts import Parts
from .progress import Progress
from .qualitative import Qualitative
from .ratio import RatioPoints
from .target import Target
from .target_list import TargetList

__all__ = [
    "Alternatives",
    "Bands",
    "Checklist",
    "PerOccurrence",
    "OverThreshold",
    "UnderTarget",
    "Judgement",
    "Levels",
    "Parts",
    "Progress",
    "Qualitative",
    "RatioPoints",
    "Target",
    "TargetList",
]

checklist = Checklist()
per_occurrence = PerOccurrence()
ratio = RatioPoints()
bands = Bands()
over_threshold = OverThreshold()
levels = Levels()
progress = Progress()
judgement = Judgement()
parts = Parts()
under_target = UnderTarget()
target = Target()
proportional = Target("proportional", "按比例计分")
qualitative = Qualitative()
target_list = TargetList()
alternatives = Alternatives()
