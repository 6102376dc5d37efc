# The store API itself (§ issue 13.4): put/get/search/delete/list_namespaces, filters and paging, batch ops,
# async twins, Item/SearchItem fields, namespace validation and refused options.
import asyncio

from langgraph.store.base import GetOp, Item, ListNamespacesOp, MatchCondition, PutOp, SearchItem, SearchOp
from langgraph.store.memory import InMemoryStore

store = InMemoryStore()
store.put(("docs", "ann"), "a", {"kind": "note", "score": 3, "tags": ["x", "y"], "meta": {"lang": "en", "v": 1}})
store.put(("docs", "ann"), "b", {"kind": "todo", "score": 9})
store.put(("docs", "bob"), "a", {"kind": "note", "score": 5.5})
store.put(("other",), 1, {"kind": "note"})


def keys(items):
    return [(i.namespace, i.key) for i in items]


print("get", store.get(("docs", "ann"), "a").value, store.get(("docs", "ann"), "zz"), store.get(("other",), "1").key)
print("search all", keys(store.search(())))
print("prefix", keys(store.search(("docs",))))
print("eq", keys(store.search((), filter={"kind": "note"})))
print("ops", keys(store.search(("docs",), filter={"score": {"$gt": 3}})),
      keys(store.search(("docs",), filter={"score": {"$lte": 5.5, "$ne": 3}})))
print("nested", keys(store.search((), filter={"meta": {"lang": "en"}})), keys(store.search((), filter={"tags": ["x", "y"]})))
print("missing field", keys(store.search((), filter={"nope": None})))
print("paging", keys(store.search((), limit=2)), keys(store.search((), limit=2, offset=2)), keys(store.search((), offset=10)))
print("query ignored without index", keys(store.search(("docs",), query="anything")))
hit = store.search(("docs", "bob"))[0]
print("search item", type(hit).__name__, isinstance(hit, Item), hit.score, hit.dict()["namespace"], sorted(hit.dict()))

# replacing keeps the position, delete then put moves to the end
store.put(("docs", "ann"), "a", {"kind": "note", "score": 4})
print("after replace", keys(store.search(("docs", "ann"))), store.get(("docs", "ann"), "a").value)
store.delete(("docs", "ann"), "a")
store.put(("docs", "ann"), "a", {"kind": "note", "score": 1})
print("after re-put", keys(store.search(("docs", "ann"))))

print("namespaces", store.list_namespaces())
print("prefix ns", store.list_namespaces(prefix=("docs",)), store.list_namespaces(prefix=("*", "bob")))
print("suffix ns", store.list_namespaces(suffix=("ann",)), store.list_namespaces(suffix=("docs", "*")))
print("depth", store.list_namespaces(max_depth=1), store.list_namespaces(limit=1, offset=1))
store.get(("never", "written"), "k")
store.put(("temp",), "t", {"v": 1})
store.delete(("temp",), "t")
print("read or emptied namespaces stay listed", store.list_namespaces())

print("batch", store.batch([
    PutOp(("b",), "k", {"v": 1}),
    GetOp(("b",), "k"),
    SearchOp(("b",)),
    ListNamespacesOp(match_conditions=(MatchCondition("prefix", ("docs",)),), max_depth=2),
]))
print("batch then", store.get(("b",), "k").value)
print("last put wins", store.batch([PutOp(("b",), "k", {"v": 2}), PutOp(("b",), "k", {"v": 3})]), store.get(("b",), "k").value)


async def main():
    await store.aput(("async",), "k", {"v": 1})
    print("aget", (await store.aget(("async",), "k")).value)
    print("asearch", keys(await store.asearch(("async",), filter={"v": 1})))
    await store.adelete(("async",), "k")
    print("after adelete", await store.aget(("async",), "k"), await store.alist_namespaces(prefix=("async",)))
    print("abatch", await store.abatch([GetOp(("b",), "k")]))


asyncio.run(main())

for label, call in [
    ("empty", lambda: store.put((), "k", {})),
    ("root", lambda: store.put(("langgraph", "x"), "k", {})),
    ("period", lambda: store.get(("a.b",), "k")),
    ("not str", lambda: store.search(("a", 1))),
    ("empty label", lambda: store.delete(("a", ""), "k")),
    ("list prefix", lambda: store.list_namespaces(prefix=("a.b",))),
    ("ttl", lambda: store.put(("a",), "k", {}, ttl=1.0)),
    ("operator", lambda: store.search(("docs",), filter={"score": {"$in": [1]}})),
    ("compare with a missing field", lambda: store.search((), filter={"score": {"$gt": 1}})),
]:
    try:
        call()
        print(label, "ok")
    except Exception as exc:
        print(f"{label}: {type(exc).__name__}: {exc}")
store.put(("a",), "k", {}, ttl=None)
print("ttl=None ok", store.get(("a",), "k").value)
print("empty namespace get", store.get((), "k"), keys(store.search((), limit=1)))
