"""Batch evaluation of a whole district: streamed input, worker processes, append-only results
that survive a kill, and the district view (ranking, grade distribution, points lost)."""
from .runner import BatchReport, run_batch

__all__ = ["BatchReport", "run_batch"]
