# Long-term memory (§ issue 13.4): InMemoryStore given to compile(store=...), used from nodes through a `store`
# parameter, runtime.store and get_store(); shared across threads and with subgraphs and Send targets.
import operator
from dataclasses import dataclass
from typing import Annotated, Optional, TypedDict

from langgraph.checkpoint.memory import InMemorySaver
from langgraph.config import get_store
from langgraph.graph import START, StateGraph
from langgraph.runtime import Runtime
from langgraph.store.base import BaseStore
from langgraph.store.memory import InMemoryStore
from langgraph.types import Command, Send, interrupt


@dataclass
class Ctx:
    user_id: str


class S(TypedDict):
    fact: str
    log: Annotated[list, operator.add]


def remember(state: S, runtime: Runtime[Ctx]):
    ns = ("memories", runtime.context.user_id)
    key = f"m{len(runtime.store.search(ns)) + 1}"
    runtime.store.put(ns, key, {"fact": state["fact"], "len": len(state["fact"])})
    return {"log": [f"stored {key}"]}


def recall(state: S, runtime: Runtime[Ctx], *, store: BaseStore):
    ns = ("memories", runtime.context.user_id)
    facts = [(i.key, i.value["fact"], i.namespace, i.score) for i in store.search(ns)]
    long = [i.key for i in store.search(("memories",), filter={"len": {"$gte": 6}})]
    one = store.get(ns, "m1")
    return {"log": [f"recall {facts}", f"long {long}", f"m1={one.value if one else None} key={one.key if one else None}"]}


def fan(state: S):
    return [Send("count", {"fact": ns[1], "log": []}) for ns in get_store().list_namespaces(prefix=("memories",))]


def count(state: S, store: Optional[BaseStore]):
    return {"log": [f"{state['fact']} has {len(store.search(('memories', state['fact'])))}"]}


class Sub(TypedDict):
    log: Annotated[list, operator.add]


def sub_node(state: Sub, store: BaseStore):
    store.put(("audit",), "last", {"by": "subgraph"})
    return {"log": [f"sub sees same store: {get_store() is store}"]}


sub = StateGraph(Sub).add_node(sub_node).add_edge(START, "sub_node").compile()

store = InMemoryStore()
b = StateGraph(S, context_schema=Ctx)
b.add_node(remember).add_node(recall).add_node(count).add_node("sub", sub)
b.add_edge(START, "remember").add_edge("remember", "recall").add_conditional_edges("recall", fan, ["count"])
b.add_edge("count", "sub")
graph = b.compile(checkpointer=InMemorySaver(), store=store)

# two threads, two users: the store outlives threads; the checkpointer does not share state between them
print(graph.invoke({"fact": "likes tea", "log": []}, {"configurable": {"thread_id": "1"}}, context=Ctx("ann"))["log"])
print(graph.invoke({"fact": "cats", "log": []}, {"configurable": {"thread_id": "2"}}, context=Ctx("ann"))["log"])
print(graph.invoke({"fact": "likes jazz", "log": []}, {"configurable": {"thread_id": "3"}}, context=Ctx("bob"))["log"])
print("namespaces", store.list_namespaces())
print("audit", store.get(("audit",), "last").value)


# delete from a node, then an interrupt between two store writes
def forget(state: S, store: BaseStore):
    store.delete(("memories", "ann"), "m1")
    answer = interrupt("really forget m2?")
    if answer == "yes":
        store.delete(("memories", "ann"), "m2")
    return {"log": [f"left {[i.key for i in store.search(('memories', 'ann'))]}"]}


g2 = StateGraph(S).add_node(forget).add_edge(START, "forget").compile(checkpointer=InMemorySaver(), store=store)
cfg = {"configurable": {"thread_id": "f"}}
print(g2.invoke({"fact": "", "log": []}, cfg)["__interrupt__"][0].value)
print(g2.invoke(Command(resume="yes"), cfg)["log"])


# no store compiled in: the parameters and get_store() give None
def nostore(state: S, store: BaseStore):
    return {"log": [f"store={store} get_store={get_store()}"]}


print(StateGraph(S).add_node(nostore).add_edge(START, "nostore").compile().invoke({"fact": "", "log": []})["log"])

try:
    get_store()
except Exception as exc:
    print(f"outside: {type(exc).__name__}: {exc}")
