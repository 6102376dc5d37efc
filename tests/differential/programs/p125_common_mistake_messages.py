# Common first-day mistakes and the errors they raise: a node that is not callable, graph input that is not a dict,
# a node returning a string. hitl_notebook may append a fix after LangGraph's text (". ...").
from typing import TypedDict

from langgraph.checkpoint.memory import InMemorySaver
from langgraph.graph import START, StateGraph
from langgraph.types import Command


class State(TypedDict):
    x: int


def attempt(label, fn):
    try:
        print(label, "OK", fn())
    except Exception as e:
        print(label, f"{type(e).__name__}: {e}")


def graph_with(node):
    return StateGraph(State).add_node("a", node).add_edge(START, "a")


attempt("node is an int", lambda: graph_with(5))
attempt("node is a string", lambda: graph_with("a"))
attempt("input is an int", lambda: graph_with(lambda s: {}).compile().invoke(5))
attempt("input is a string", lambda: graph_with(lambda s: {}).compile().invoke("hello"))
attempt("input is a list", lambda: graph_with(lambda s: {}).compile().invoke([("x", 1)]))
attempt("node returns a string", lambda: graph_with(lambda s: "done").compile().invoke({"x": 1}))
attempt("resume without a checkpointer", lambda: graph_with(lambda s: {}).compile().invoke(Command(resume=1)))
attempt("no thread_id", lambda: graph_with(lambda s: {}).compile(checkpointer=InMemorySaver()).invoke({"x": 1}))
