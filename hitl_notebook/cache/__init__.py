"""Node and task result caches, as ``langgraph.cache`` (``InMemoryCache`` lives in ``.memory``)."""

from .base import BaseCache, FullKey, Namespace

__all__ = ["BaseCache", "FullKey", "Namespace"]
