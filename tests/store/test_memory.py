"""InMemoryStore: LangGraph's store semantics (namespaces, filters, paging, validation) without vector search."""

from __future__ import annotations

import asyncio
import threading

import pytest

from hitl_notebook.store.base import GetOp, InvalidNamespaceError, Item, PutOp, SearchItem, SearchOp
from hitl_notebook.store.memory import InMemoryStore


@pytest.fixture
def store() -> InMemoryStore:
    s = InMemoryStore()
    s.put(("users", "alice"), "prefs", {"theme": "dark", "size": 3, "tags": ["a", "b"], "meta": {"v": 1}})
    s.put(("users", "bob"), "prefs", {"theme": "light", "size": 7})
    s.put(("docs",), "d1", {"theme": "dark", "size": 5})
    return s


def test_put_get_replace_delete(store: InMemoryStore) -> None:
    item = store.get(("users", "alice"), "prefs")
    assert isinstance(item, Item) and item.value["theme"] == "dark"
    assert item.namespace == ("users", "alice") and item.key == "prefs"
    store.put(("users", "alice"), "prefs", {"theme": "blue"})
    assert store.get(("users", "alice"), "prefs").value == {"theme": "blue"}
    store.delete(("users", "alice"), "prefs")
    assert store.get(("users", "alice"), "prefs") is None
    store.delete(("users", "alice"), "missing")  # deleting nothing is fine


def test_search_prefix_filter_and_paging(store: InMemoryStore) -> None:
    assert [i.key for i in store.search(("users",))] == ["prefs", "prefs"]
    assert all(isinstance(i, SearchItem) and i.score is None for i in store.search(()))
    assert [i.namespace for i in store.search((), filter={"theme": "dark"})] == [("users", "alice"), ("docs",)]
    assert [i.value["size"] for i in store.search((), filter={"size": {"$gt": 3}})] == [7, 5]
    assert [i.value["size"] for i in store.search((), filter={"size": {"$gte": 3, "$lt": 7}})] == [3, 5]
    assert [i.value["size"] for i in store.search((), filter={"theme": {"$ne": "dark"}})] == [7]
    assert len(store.search((), filter={"tags": ["a", "b"], "meta": {"v": 1}})) == 1
    assert [i.value["size"] for i in store.search((), limit=1, offset=1)] == [7]
    assert len(store.search((), query="anything")) == 3  # no index: the query ranks nothing
    with pytest.raises(ValueError, match="Unsupported operator: \\$in"):
        store.search((), filter={"size": {"$in": [1]}})


def test_list_namespaces(store: InMemoryStore) -> None:
    assert store.list_namespaces() == [("docs",), ("users", "alice"), ("users", "bob")]
    assert store.list_namespaces(prefix=("users",)) == [("users", "alice"), ("users", "bob")]
    assert store.list_namespaces(suffix=("bob",)) == [("users", "bob")]
    assert store.list_namespaces(prefix=("*", "alice")) == [("users", "alice")]
    assert store.list_namespaces(max_depth=1) == [("docs",), ("users",)]
    assert store.list_namespaces(limit=1, offset=1) == [("users", "alice")]
    store.get(("never", "written"), "k")  # LangGraph quirk kept: a namespace once read stays listed
    assert ("never", "written") in store.list_namespaces()


def test_namespace_validation() -> None:
    store = InMemoryStore()
    with pytest.raises(InvalidNamespaceError, match="Namespace cannot be empty."):
        store.put((), "k", {})
    with pytest.raises(InvalidNamespaceError, match='Root label for namespace cannot be "langgraph"'):
        store.put(("langgraph",), "k", {})
    with pytest.raises(InvalidNamespaceError, match="cannot contain periods"):
        store.get(("a.b",), "k")
    with pytest.raises(InvalidNamespaceError, match="must be strings, but got int"):
        store.search((1,))
    with pytest.raises(InvalidNamespaceError, match="cannot be empty strings"):
        store.list_namespaces(prefix=("",))


def test_ttl_and_index_are_refused() -> None:
    with pytest.raises(NotImplementedError, match="TTL is not supported by InMemoryStore"):
        InMemoryStore().put(("a",), "k", {}, ttl=5)
    with pytest.raises(NotImplementedError, match="no vector/semantic search"):
        InMemoryStore(index={"dims": 3, "embed": lambda texts: [[0.0] * 3 for _ in texts]})


def test_batch_reads_before_writes_and_async_twins() -> None:
    store = InMemoryStore()
    results = store.batch([PutOp(("a",), "k", {"v": 1}), GetOp(("a",), "k"), SearchOp(("a",))])
    assert results == [None, None, []]  # puts apply after the batch's reads, as in LangGraph
    assert store.get(("a",), "k").value == {"v": 1}

    async def go() -> list:
        await store.aput(("a",), "k2", {"v": 2})
        got = await store.aget(("a",), "k2")
        found = await store.asearch(("a",), filter={"v": 2})
        await store.adelete(("a",), "k")
        return [got.value, [i.key for i in found], await store.alist_namespaces(), store.get(("a",), "k")]

    assert asyncio.run(go()) == [{"v": 2}, ["k2"], [("a",)], None]


def test_item_dict_repr_and_equality() -> None:
    store = InMemoryStore()
    store.put(("a", "b"), 7, {"x": 1})  # keys are stringified
    item = store.get(("a", "b"), "7")
    assert item.dict()["namespace"] == ["a", "b"] and item.key == "7"
    assert repr(item).startswith("Item(namespace=['a', 'b'], key='7', value={'x': 1}, created_at='")
    assert item == Item(**{**item.dict(), "namespace": ("a", "b")}) and hash(item) == hash((("a", "b"), "7"))


def test_concurrent_puts_from_threads() -> None:
    store = InMemoryStore()
    threads = [threading.Thread(target=lambda n=n: [store.put(("t", str(n)), str(i), {"i": i}) for i in range(50)])
               for n in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(store.search(("t",), limit=1000)) == 200
