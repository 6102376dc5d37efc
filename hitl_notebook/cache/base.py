"""The cache interface a graph compiled with ``cache=...`` uses, shaped like ``langgraph.cache.base``."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any, Generic, TypeVar

ValueT = TypeVar("ValueT")


class Namespace(tuple):
    """A cache namespace: a tuple of strings (for node results, the node's identity and name)."""


FullKey = tuple[Namespace, str]


class BaseCache(Generic[ValueT]):
    """Stores values under ``(namespace, key)`` with an optional time to live (seconds).

    ``serde`` copies values in and out, so a cached result cannot be changed through the object a node returned.
    The default is this package's pickle-free serializer.
    """

    def __init__(self, *, serde: Any = None) -> None:
        if serde is None:
            from ..checkpoint.serde import SafeSerializer

            serde = SafeSerializer()
        self.serde = serde

    def get(self, keys: Sequence[FullKey]) -> dict[FullKey, ValueT]:
        """The values found (and not expired) for ``keys``."""
        raise NotImplementedError

    def set(self, pairs: Mapping[FullKey, tuple[ValueT, int | None]]) -> None:
        """Store each value with its time to live in seconds (``None``: never expires)."""
        raise NotImplementedError

    def clear(self, namespaces: Sequence[Namespace] | None = None) -> None:
        """Forget the given namespaces, or everything."""
        raise NotImplementedError

    async def aget(self, keys: Sequence[FullKey]) -> dict[FullKey, ValueT]:
        return self.get(keys)

    async def aset(self, pairs: Mapping[FullKey, tuple[ValueT, int | None]]) -> None:
        self.set(pairs)

    async def aclear(self, namespaces: Sequence[Namespace] | None = None) -> None:
        self.clear(namespaces)
