# Time travel as the docs show it: continuing with a snapshot's own config (`graph.invoke(None, state.config)`), even
# the thread's latest, forks the thread first; a Command(update=...) sent to an older checkpoint is carried by that
# fork; the fork's streamed checkpoint lists the tasks it replays and comes after the first values.
import operator
from typing import Annotated, TypedDict

from langgraph.checkpoint.memory import InMemorySaver
from langgraph.func import entrypoint, task
from langgraph.graph import START, StateGraph
from langgraph.types import Command, interrupt


class State(TypedDict):
    log: Annotated[list[str], operator.add]
    x: int


def a(state):
    return {"log": ["a"], "x": state.get("x", 0) + 1}


def b(state):
    return {"log": [f"b{state['x']}"]}


def c(state):
    return {"log": ["c"]}


def history(graph, config):
    return [(h.metadata["source"], h.metadata["step"], h.next, h.values.get("x")) for h in graph.get_state_history(config)]


builder = StateGraph(State)
builder.add_node(a)
builder.add_node(b)
builder.add_node(c)
builder.add_edge(START, "a")
builder.add_edge("a", "b")
builder.add_edge("b", "c")

print("-- a breakpoint continued with the snapshot's config")
graph = builder.compile(checkpointer=InMemorySaver(), interrupt_before=["b"])
config = {"configurable": {"thread_id": "1"}}
print(graph.invoke({"log": [], "x": 0}, config))
snapshot = graph.get_state(config)
for mode, chunk in graph.stream(None, snapshot.config, stream_mode=["values", "checkpoints"]):
    print(mode, chunk if mode == "values" else (chunk["metadata"], chunk["next"], [t["name"] for t in chunk["tasks"]]))
print(history(graph, config))

print("-- after update_state: no second fork")
config = {"configurable": {"thread_id": "2"}}
graph.invoke({"log": [], "x": 0}, config)
print(graph.invoke(None, graph.update_state(config, {"x": 5})))
print(history(graph, config))

print("-- Command(update) at an older checkpoint")
graph = builder.compile(checkpointer=InMemorySaver())
config = {"configurable": {"thread_id": "3"}}
graph.invoke({"log": [], "x": 0}, config)
before_b = [h for h in graph.get_state_history(config) if h.next == ("b",)][0]
for mode, chunk in graph.stream(Command(update={"x": 10}), before_b.config, stream_mode=["values", "debug", "updates"]):
    if mode == "debug":
        payload = chunk["payload"]
        print(mode, chunk["type"], chunk["step"], payload.get("metadata"), payload.get("next"), payload.get("name"))
    else:
        print(mode, chunk)
print(history(graph, config))
at_c = [h for h in graph.get_state_history(config) if h.next == ("c",)][-1]
print(graph.invoke(Command(goto="a", update={"log": ["jump"]}), at_c.config))
print(history(graph, config)[:5])

print("-- a paused interrupt replayed with the snapshot's config")
def ask(state):
    return {"log": [interrupt("continue?")]}


asking = StateGraph(State)
asking.add_node(a)
asking.add_node(ask)
asking.add_edge(START, "a")
asking.add_edge("a", "ask")
graph = asking.compile(checkpointer=InMemorySaver())
config = {"configurable": {"thread_id": "4"}}
graph.invoke({"log": [], "x": 0}, config)
print(graph.invoke(Command(resume="yes"), graph.get_state(config).config))  # a resume does not fork
print(history(graph, config))
config = {"configurable": {"thread_id": "5"}}
graph.invoke({"log": [], "x": 0}, config)
print(graph.invoke(None, graph.get_state(config).config))
print(history(graph, config))
print(graph.invoke(Command(resume="ok"), config))


print("-- functional API")
@task
def double(n):
    return n * 2


@entrypoint(checkpointer=InMemorySaver())
def workflow(n: int):
    value = double(n).result()
    return f"{value} {interrupt(f'ok {value}?')}"


config = {"configurable": {"thread_id": "6"}}
print(workflow.invoke(3, config))
print(workflow.invoke(None, workflow.get_state(config).config))
print([(h.metadata["source"], h.metadata["step"], h.next) for h in workflow.get_state_history(config)])
print(workflow.invoke(Command(resume="yes"), config))
