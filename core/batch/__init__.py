"""Batch evaluation of a whole district: streamed input, worker processes, append-only results
that know where they came from and survive a kill, and the district view (ranking, grade
distribution, points lost)."""

from .runner import BatchReport, run_batch
from .stop import BatchInterrupted

__all__ = ["BatchInterrupted", "BatchReport", "run_batch"]
