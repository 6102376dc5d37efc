# Command(update=..., goto=...) as graph input (§2.7), on an existing and on a fresh thread.
import operator
from typing import Annotated, TypedDict

from langgraph.graph import StateGraph, START, END
from langgraph.types import Command
from langgraph.checkpoint.memory import InMemorySaver


class S(TypedDict, total=False):
    log: Annotated[list, operator.add]
    x: int


def mk(name):
    return lambda s: {"log": [f"{name}(x={s.get('x')})"]}


g = StateGraph(S).add_node("a", mk("a")).add_node("b", mk("b")).add_node("c", mk("c"))
g.add_edge(START, "a").add_edge("a", "b")
graph = g.compile(checkpointer=InMemorySaver())

cfg = {"configurable": {"thread_id": "existing"}}
print("first:", graph.invoke({"log": ["in"], "x": 1}, cfg))
print("goto c:", graph.invoke(Command(update={"x": 2, "log": ["u"]}, goto="c"), cfg))
print("goto a:", graph.invoke(Command(update={"x": 3}, goto="a"), cfg))
print("update only:", graph.invoke(Command(update={"log": ["only"]}), cfg))
print("goto only:", graph.invoke(Command(goto=["b", "c"]), cfg))
for snap in graph.get_state_history(cfg):
    print("  ", snap.metadata["source"], snap.metadata["step"], snap.next, snap.values)

fresh = {"configurable": {"thread_id": "fresh"}}
print("fresh update:", graph.invoke(Command(update={"log": ["u"]}), fresh))
fresh2 = {"configurable": {"thread_id": "fresh2"}}
print("fresh goto:", graph.invoke(Command(update={"x": 9}, goto="c"), fresh2))

# stream a Command input
cfg3 = {"configurable": {"thread_id": "streamed"}}
graph.invoke({"x": 0}, cfg3)
for chunk in graph.stream(Command(update={"x": 5}, goto="c"), cfg3, stream_mode="updates"):
    print("updates:", chunk)
