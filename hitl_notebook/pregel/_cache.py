"""Node and ``@task`` result caching (``compile(cache=...)`` plus a ``CachePolicy``), as LangGraph 1.2.

A task whose node has a cache policy looks its input's key up before it runs; a hit supplies the saved writes,
the task is not run, and its update is streamed with ``"__metadata__": {"cached": True}``. A successful run
stores its writes under that key. Keys live in the namespace ``(CACHE_NS_WRITES, <function id>, <node>)``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import Any

from ..cache.base import Namespace

CACHE_NS_WRITES = "__pregel_ns_writes"


@dataclass(frozen=True, slots=True)
class NodeCache:
    """A node's cache policy with the namespace its entries live in."""

    policy: Any
    namespace: Namespace

    @classmethod
    def build(cls, policy: Any, action: Any, name: str) -> "NodeCache | None":
        if policy is None:
            return None
        return cls(policy, Namespace((CACHE_NS_WRITES, _identity(action), name)))

    def key(self, *args: Any, **kwargs: Any) -> tuple[Namespace, str]:
        """The full cache key for a call with these arguments (the node input, or a task's arguments)."""
        raw = self.policy.key_func(*args, **kwargs)
        digest = hashlib.blake2b(raw.encode() if isinstance(raw, str) else raw, digest_size=16).hexdigest()
        return self.namespace, digest


def lookup(cache: Any, node_cache: NodeCache, *args: Any, **kwargs: Any) -> tuple[Any, Any]:
    """``(full key, cached value or None)``."""
    key = node_cache.key(*args, **kwargs)
    found = cache.get([key])
    return key, found.get(key)


def store(cache: Any, node_cache: NodeCache, key: Any, value: Any) -> None:
    cache.set({key: (value, node_cache.policy.ttl)})


def _identity(action: Any) -> str:
    func = getattr(action, "func", action)  # functools.partial and @task functions wrap the real one
    module, qualname = getattr(func, "__module__", None), getattr(func, "__qualname__", None)
    return f"{module}.{qualname}" if module and qualname else "__dynamic__"
