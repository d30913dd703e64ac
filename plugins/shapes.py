"""The rule shapes under their own names, for packs that describe an indicator in YAML alone."""
from jixiao.shapes import Bands, Checklist, Judgement, Levels, OverThreshold, Parts, PerOccurrence, Progress, RatioPoints

checklist = Checklist()
per_occurrence = PerOccurrence()
ratio = RatioPoints()
bands = Bands()
over_threshold = OverThreshold()
levels = Levels()
progress = Progress()
judgement = Judgement()
parts = Parts()
