# get_state_history(config) where config names a checkpoint (a snapshot's config, or a subgraph task's state config
# from get_state(subgraphs=True)) lists that one checkpoint, as the checkpointer's list() does.
import sqlite3
from typing import TypedDict

from langgraph.checkpoint.memory import InMemorySaver
from langgraph.checkpoint.sqlite import SqliteSaver
from langgraph.graph import START, StateGraph


class State(TypedDict):
    x: int


def steps(history):
    return [(h.metadata["step"], h.metadata["source"], h.next, h.values) for h in history]


builder = StateGraph(State)
builder.add_node("a", lambda s: {"x": s["x"] + 1})
builder.add_node("b", lambda s: {"x": s["x"] * 2})
builder.add_edge(START, "a")
builder.add_edge("a", "b")
for saver in (InMemorySaver(), SqliteSaver(sqlite3.connect(":memory:", check_same_thread=False))):
    graph = builder.compile(checkpointer=saver)
    config = {"configurable": {"thread_id": "1"}}
    graph.invoke({"x": 1}, config)
    middle = list(graph.get_state_history(config))[2]
    print(type(saver).__name__, steps(graph.get_state_history(middle.config)))
    print(steps(graph.get_state_history(middle.config, limit=3)))
    print(steps(graph.get_state_history(config, before=middle.config)))
    print(steps(graph.get_state_history(config, filter={"source": "loop"}, limit=2)))


class SubState(TypedDict):
    foo: str
    bar: str


sub = StateGraph(SubState)
sub.add_node("one", lambda s: {"bar": "bar"})
sub.add_node("two", lambda s: {"foo": s["foo"] + s["bar"]})
sub.add_edge(START, "one")
sub.add_edge("one", "two")
parent = StateGraph(SubState)
parent.add_node("inner", sub.compile(interrupt_before=["two"]))
parent.add_edge(START, "inner")
graph = parent.compile(checkpointer=InMemorySaver())
config = {"configurable": {"thread_id": "2"}}
graph.invoke({"foo": "foo"}, config)
inner = graph.get_state(config, subgraphs=True).tasks[0].state
print(steps(graph.get_state_history(inner.config)))
print(len(list(graph.get_state_history(config))))
