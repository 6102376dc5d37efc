"""``InMemoryCache``: a thread-safe cache in this process, as ``langgraph.cache.memory``."""

from __future__ import annotations

import threading
import time
from collections.abc import Mapping, Sequence
from typing import Any

from .base import BaseCache, FullKey, Namespace, ValueT

__all__ = ["InMemoryCache"]


class InMemoryCache(BaseCache[ValueT]):
    """Keeps serialized values in a dict; expired entries are dropped when read."""

    def __init__(self, *, serde: Any = None) -> None:
        super().__init__(serde=serde)
        self._data: dict[Namespace, dict[str, tuple[tuple[str, bytes], float | None]]] = {}
        self._lock = threading.RLock()

    def get(self, keys: Sequence[FullKey]) -> dict[FullKey, ValueT]:
        found: dict[FullKey, ValueT] = {}
        now = time.time()
        with self._lock:
            for ns, key in keys:
                ns = Namespace(ns)
                entries = self._data.get(ns)
                if entries is None or key not in entries:
                    continue
                stored, expiry = entries[key]
                if expiry is not None and now >= expiry:
                    del entries[key]
                    continue
                found[(ns, key)] = self.serde.loads_typed(stored)
        return found

    def set(self, pairs: Mapping[FullKey, tuple[ValueT, int | None]]) -> None:
        now = time.time()
        with self._lock:
            for (ns, key), (value, ttl) in pairs.items():
                expiry = None if ttl is None else now + ttl
                self._data.setdefault(Namespace(ns), {})[key] = (self.serde.dumps_typed(value), expiry)

    def clear(self, namespaces: Sequence[Namespace] | None = None) -> None:
        with self._lock:
            if namespaces is None:
                self._data.clear()
            else:
                for ns in namespaces:
                    self._data.pop(Namespace(ns), None)
