"""The engine room: supersteps, channels and checkpoint bookkeeping (no UI imports here)."""

from .main import Pregel

__all__ = ["Pregel"]
