"""BaseStore: the convenience methods turn into the ops a custom store's batch/abatch receives."""

from __future__ import annotations

import asyncio
from collections.abc import Iterable

import pytest

from hitl_notebook.store.base import (
    BaseStore,
    GetOp,
    InvalidNamespaceError,
    ListNamespacesOp,
    MatchCondition,
    Op,
    PutOp,
    Result,
    SearchOp,
    validate_op_namespace,
)


class Recorder(BaseStore):
    def __init__(self) -> None:
        self.ops: list[Op] = []

    def batch(self, ops: Iterable[Op]) -> list[Result]:
        ops = list(ops)
        self.ops.extend(ops)
        return [None] * len(ops)

    async def abatch(self, ops: Iterable[Op]) -> list[Result]:
        return self.batch(ops)


def test_methods_build_langgraph_ops() -> None:
    s = Recorder()
    s.get(("a",), 1)
    s.search(("a",), filter={"x": 1}, limit=3, offset=2, query="q")
    s.put(("a",), "k", {"v": 1}, index=False)
    s.delete(("a",), "k")
    s.list_namespaces(prefix=("a",), suffix=("z",), max_depth=2, limit=5, offset=1)
    assert s.ops == [
        GetOp(("a",), "1", True),
        SearchOp(("a",), {"x": 1}, 3, 2, "q", True),
        PutOp(("a",), "k", {"v": 1}, False, None),
        PutOp(("a",), "k", None, None, None),
        ListNamespacesOp((MatchCondition("prefix", ("a",)), MatchCondition("suffix", ("z",))), 2, 5, 1),
    ]


def test_async_methods_and_ttl_config_defaults() -> None:
    s = Recorder()
    s.ttl_config = {"refresh_on_read": False, "default_ttl": 5.0}
    s.supports_ttl = True

    async def go() -> None:
        await s.aget(("a",), "k")
        await s.aput(("a",), "k", {})
        await s.asearch(("a",))
        await s.adelete(("a",), "k")
        await s.alist_namespaces()

    asyncio.run(go())
    assert s.ops[0] == GetOp(("a",), "k", False)
    assert s.ops[1].ttl == 5.0 and s.ops[2].refresh_ttl is False
    assert s.ops[3] == PutOp(("a",), "k", None) and s.ops[4] == ListNamespacesOp((), None, 100, 0)


def test_validate_op_namespace() -> None:
    validate_op_namespace(GetOp(("ok",), "k"))
    with pytest.raises(InvalidNamespaceError, match="cannot contain periods"):
        validate_op_namespace(SearchOp(("a.b",)))
    with pytest.raises(InvalidNamespaceError, match="NUL bytes"):
        validate_op_namespace(ListNamespacesOp((MatchCondition("prefix", ("a\x00",)),)))


def test_base_store_is_abstract() -> None:
    with pytest.raises(TypeError):
        BaseStore()  # type: ignore[abstract]
