"""A graph with its own checkpointer, invoked inside a node of a graph that has none: it runs and saves nothing."""

from typing import TypedDict

from langgraph.checkpoint.memory import InMemorySaver
from langgraph.graph import START, StateGraph


class S(TypedDict, total=False):
    v: str


inner = StateGraph(S).add_node("i", lambda s: {"v": "in"}).add_edge(START, "i").compile(checkpointer=InMemorySaver())
outer = StateGraph(S).add_node("n", lambda s: inner.invoke({})).add_edge(START, "n").compile()
print(outer.invoke({}))
print("inner checkpoints:", len(list(inner.checkpointer.list(None))))
