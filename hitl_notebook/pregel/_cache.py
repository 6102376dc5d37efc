"""Node and ``@task`` result caching (``compile(cache=...)`` plus a ``CachePolicy``), as LangGraph 1.2.

A task whose node has a cache policy looks its input's key up before it runs; a hit supplies the saved writes,
the task is not run, and its update is streamed with ``"__metadata__": {"cached": True}``. A successful run
stores its writes under that key. Keys live in the namespace ``(CACHE_NS_WRITES, <function id>, <node>)``.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

from ..cache.base import Namespace
from ..constants import NO_WRITES

if TYPE_CHECKING:
    from ._algo import Task
    from ._loop import Run

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


def finish_cached(run: "Run", todo: list["Task"]) -> list["Task"]:
    """Finish the step's tasks whose results are in the cache (streamed as cached); return those left to run."""
    left = []
    for task in todo:
        node_cache = task.node.cache
        if node_cache is None:
            left.append(task)
            continue
        task.cache_key, hit = lookup(run.cache, node_cache, task.input)
        if hit is None:
            left.append(task)
            continue
        task.writes, task.update = [tuple(w) for w in hit[0]], hit[1]
        task.done = True
        run.store.put_writes(task, task.writes or [(NO_WRITES, None)])
        run._emit("updates", {task.name: task.update, "__metadata__": {"cached": True}})
    return left


def clear(graph: Any, nodes: Any) -> None:
    """``graph.clear_cache(nodes)``: drop the cache namespaces of those nodes (all nodes by default)."""
    if not graph.cache:
        raise ValueError("No cache is set for this graph. Cannot clear cache.")
    chosen = [graph.nodes[n] for n in (nodes or graph.nodes) if n in graph.nodes]
    graph.cache.clear([node.cache.namespace for node in chosen if node.cache is not None])


def store(cache: Any, node_cache: NodeCache, key: Any, value: Any) -> None:
    cache.set({key: (value, node_cache.policy.ttl)})


def _identity(action: Any) -> str:
    func = getattr(action, "func", action)  # functools.partial and @task functions wrap the real one
    module, qualname = getattr(func, "__module__", None), getattr(func, "__qualname__", None)
    return f"{module}.{qualname}" if module and qualname else "__dynamic__"
