"""Long-term memory stores shared across threads (``langgraph.store``): ``base.BaseStore``, ``memory.InMemoryStore``."""

from .base import BaseStore, Item, SearchItem
from .memory import InMemoryStore

__all__ = ["BaseStore", "InMemoryStore", "Item", "SearchItem"]
