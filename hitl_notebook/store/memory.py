"""``InMemoryStore``: a dict-backed ``BaseStore``, as ``langgraph.store.memory`` without vector search."""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime, timezone
from typing import Any

from .base import (
    BaseStore,
    GetOp,
    IndexConfig,
    Item,
    ListNamespacesOp,
    MatchCondition,
    Op,
    PutOp,
    Result,
    SearchItem,
    SearchOp,
)

__all__ = ["InMemoryStore"]


class InMemoryStore(BaseStore):
    """Items in process memory, shared by every graph and thread given this store (lost when the process exits).

    Search filters by namespace prefix and by value (exact match, nested dicts, or ``$eq``/``$ne``/``$gt``/``$gte``/
    ``$lt``/``$lte``), in insertion order, then applies ``offset``/``limit``. A ``query`` string is accepted and,
    as in LangGraph without an ``index``, does not rank anything. Safe to use from the engine's worker threads.
    """

    __slots__ = ("_data", "_lock", "index_config")

    def __init__(self, *, index: IndexConfig | None = None) -> None:
        if index:
            raise NotImplementedError(
                "InMemoryStore(index=...) is not supported: hitl_notebook's store has no vector/semantic search. "
                "Drop the index argument (search then filters by namespace and value), or use LangGraph's "
                "InMemoryStore for embeddings."
            )
        # As in LangGraph, a namespace that was read or emptied stays listed by list_namespaces.
        self._data: defaultdict[tuple[str, ...], dict[str, Item]] = defaultdict(dict)
        self._lock = threading.Lock()
        self.index_config = None

    def batch(self, ops: Iterable[Op]) -> list[Result]:
        """Run ``ops``: reads see the store as it was before this batch; puts apply last (the last put per key wins)."""
        with self._lock:
            results: list[Result] = []
            puts: dict[tuple[tuple[str, ...], str], PutOp] = {}
            for op in ops:
                if isinstance(op, GetOp):
                    results.append(self._data[op.namespace].get(op.key))
                elif isinstance(op, SearchOp):
                    results.append(self._search(op))
                elif isinstance(op, ListNamespacesOp):
                    results.append(self._list_namespaces(op))
                elif isinstance(op, PutOp):
                    puts[(op.namespace, op.key)] = op
                    results.append(None)
                else:
                    raise ValueError(f"Unknown operation type: {type(op)}")
            self._apply(puts)
            return results

    async def abatch(self, ops: Iterable[Op]) -> list[Result]:
        """Same as ``batch`` (nothing here waits on I/O)."""
        return self.batch(ops)

    def _apply(self, puts: dict[tuple[tuple[str, ...], str], PutOp]) -> None:
        for (namespace, key), op in puts.items():
            if op.value is None:
                self._data[namespace].pop(key, None)
            else:
                now = datetime.now(timezone.utc)  # LangGraph stamps both times afresh on every put
                self._data[namespace][key] = Item(value=dict(op.value), key=key, namespace=namespace,
                                                  created_at=now, updated_at=now)

    def _search(self, op: SearchOp) -> list[SearchItem]:
        prefix, size = op.namespace_prefix, len(op.namespace_prefix)
        conditions = op.filter or {}
        start = op.offset
        stop = op.offset + op.limit
        found: list[Item] = []
        for namespace, items in self._data.items():
            if namespace[:size] != prefix:
                continue
            for item in items.values():
                if all(_matches(item.value.get(k), want) for k, want in conditions.items()):
                    found.append(item)
        return [SearchItem(namespace=i.namespace, key=i.key, value=i.value, created_at=i.created_at,
                           updated_at=i.updated_at) for i in found[start:stop]]

    def _list_namespaces(self, op: ListNamespacesOp) -> list[tuple[str, ...]]:
        namespaces = [ns for ns in self._data
                      if all(_namespace_matches(c, ns) for c in op.match_conditions or ())]
        if op.max_depth is not None:
            namespaces = sorted({ns[: op.max_depth] for ns in namespaces})
        else:
            namespaces = sorted(namespaces)
        return namespaces[op.offset: op.offset + op.limit]


def _namespace_matches(condition: MatchCondition, namespace: tuple[str, ...]) -> bool:
    path = condition.path
    if len(namespace) < len(path):
        return False
    if condition.match_type == "prefix":
        pairs = zip(namespace, path)
    elif condition.match_type == "suffix":
        pairs = zip(reversed(namespace), reversed(path))
    else:
        raise ValueError(f"Unsupported match type: {condition.match_type}")
    return all(want == "*" or have == want for have, want in pairs)


def _matches(value: Any, want: Any) -> bool:
    """One filter condition, compared the way LangGraph's in-memory store (and Postgres JSONB) compares."""
    if isinstance(want, dict):
        if any(k.startswith("$") for k in want):
            return all(_compare(value, op, operand) for op, operand in want.items())
        return isinstance(value, dict) and all(_matches(value.get(k), v) for k, v in want.items())
    if isinstance(want, (list, tuple)):
        return (isinstance(value, (list, tuple)) and len(value) == len(want)
                and all(_matches(v, w) for v, w in zip(value, want)))
    return value == want


def _compare(value: Any, op: str, operand: Any) -> bool:
    if op == "$eq":
        return value == operand
    if op == "$ne":
        return value != operand
    if op == "$gt":
        return float(value) > float(operand)
    if op == "$gte":
        return float(value) >= float(operand)
    if op == "$lt":
        return float(value) < float(operand)
    if op == "$lte":
        return float(value) <= float(operand)
    raise ValueError(f"Unsupported operator: {op}. Use one of $eq, $ne, $gt, $gte, $lt, $lte.")
