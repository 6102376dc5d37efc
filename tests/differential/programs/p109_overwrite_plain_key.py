# Overwrite written to a plain (non-reducer) key: the object itself is stored; only reducer keys unwrap it.
import operator
from typing import Annotated, TypedDict
from langgraph.graph import StateGraph, START
from langgraph.types import Overwrite, Command
from langgraph.checkpoint.memory import InMemorySaver
class S(TypedDict, total=False):
    plain: str
    log: Annotated[list, operator.add]
def a(s):
    return {"plain": Overwrite("v1"), "log": Overwrite(["x"])}
def b(s):
    print("b sees", s)
    return {"plain": {"__overwrite__": "v2"}}
g = StateGraph(S).add_node("a", a).add_node("b", b).add_edge(START, "a").add_edge("a", "b")
app = g.compile(checkpointer=InMemorySaver())
cfg = {"configurable": {"thread_id": "1"}}
for c in app.stream({"plain": "p", "log": []}, cfg, stream_mode=["updates", "values"]):
    print(c)
print(app.get_state(cfg).values)
print(app.checkpointer.get_tuple(cfg).checkpoint["channel_values"])
app.update_state(cfg, {"plain": Overwrite("v3")})
print(app.get_state(cfg).values)
print(app.invoke(Command(update={"plain": Overwrite("v4")}, goto="b"), cfg))
print(app.invoke({"plain": Overwrite("in")}, {"configurable": {"thread_id": "2"}}))
print([s.values for s in app.get_state_history(cfg)][:3])
