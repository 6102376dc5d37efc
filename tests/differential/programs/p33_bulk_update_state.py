# bulk_update_state with StateUpdate supersteps (§4.4), and with_config / batch on a compiled graph.
import operator
from typing import Annotated, TypedDict

from langgraph.graph import StateGraph, START, END
from langgraph.types import StateUpdate
from langgraph.checkpoint.memory import InMemorySaver


class S(TypedDict, total=False):
    log: Annotated[list, operator.add]


g = StateGraph(S)
for n in ("a", "b", "c"):
    g.add_node(n, (lambda name: lambda s: {"log": [name]})(n))
g.add_edge(START, "a").add_edge("a", "b").add_edge("b", "c").add_edge("c", END)
graph = g.compile(checkpointer=InMemorySaver())

cfg = {"configurable": {"thread_id": "bulk"}}
ret = graph.bulk_update_state(cfg, [
    [StateUpdate({"log": ["input"]}, START)],
    [StateUpdate({"log": ["as-a"]}, "a")],
])
print("returned keys:", sorted(ret["configurable"]))
snap = graph.get_state(cfg)
print("after bulk:", snap.values, snap.next, snap.metadata["source"], snap.metadata["step"])
print("history:", [(s.metadata["source"], s.metadata["step"], s.next) for s in graph.get_state_history(cfg)])
print("continue:", graph.invoke(None, cfg))
print("StateUpdate fields:", StateUpdate._fields, StateUpdate({"x": 1}))

bound = graph.with_config({"configurable": {"thread_id": "bound"}})
print("with_config invoke:", bound.invoke({"log": ["w"]}))
print("with_config state:", graph.get_state({"configurable": {"thread_id": "bound"}}).values)
plain = g.compile()
print("batch:", plain.batch([{"log": ["1"]}, {"log": ["2"]}]))
