"""Rubric packs: the finance bureau's rubric as validated data."""

from .discovery import available_packs
from .loader import load_pack
from .model import Gate, LeafSpec, NodeSpec, Pack

__all__ = ["Gate", "LeafSpec", "NodeSpec", "Pack", "available_packs", "load_pack"]
