"""The rule shapes under their own names, for packs that describe an indicator in YAML alone."""
from jixiao.shapes import (Bands, Checklist, Judgement, Levels, OverThreshold, Parts, PerOccurrence, Progress, Qualitative,
                           RatioPoints, Target, TargetList, UnderTarget)

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
