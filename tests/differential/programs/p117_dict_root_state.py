# StateGraph(dict) (and int, list, str...: types with no annotations) keeps the whole state as one LastValue
# "__root__" channel, as LangGraph 1.2: a node's returned dict replaces the state rather than merging into it.
import operator
from typing import Annotated, Any
from langgraph.graph import StateGraph, START, END
from langgraph.types import Command, Send, interrupt
from langgraph.checkpoint.memory import InMemorySaver


def show(label, fn):
    try:
        print(label, fn())
    except Exception as exc:
        print(label, f"{type(exc).__name__}: {exc}")


def first(state):
    print("first got", state)
    return {"seen": sorted(state)}


def second(state):
    print("second got", state)
    return {"done": True}


g = StateGraph(dict).add_node(first).add_node(second).add_edge(START, "first").add_edge("first", "second")
g = g.compile(checkpointer=InMemorySaver())
cfg = {"configurable": {"thread_id": "1"}}
print(sorted(k for k in g.channels if not k.startswith("__pregel")))
print("invoke", g.invoke({"q": 1, "r": 2}, cfg))
for mode in ("values", "updates"):
    for chunk in g.stream({"q": 1}, cfg, stream_mode=mode):
        print(mode, chunk)
snap = g.get_state(cfg)
print("state", snap.values, snap.next, [t.name for t in snap.tasks])
print("update", sorted(g.update_state(cfg, {"z": 3})["configurable"]))
print("after update", g.get_state(cfg).values)
g.update_state(cfg, {"w": 4}, as_node="first")
print("after as_node", g.get_state(cfg).values, g.get_state(cfg).next)
g.update_state(cfg, 7)
print("non-dict update", g.get_state(cfg).values)
g.update_state(cfg, None)
print("None update", g.get_state(cfg).values)
print("history", [h.values for h in g.get_state_history(cfg)][:4])
print("input schema", g.get_input_jsonschema())
print("output schema", g.get_output_jsonschema())
show("invoke non-dict", lambda: g.invoke(5, {"configurable": {"thread_id": "2"}}))
show("invoke None fresh", lambda: g.invoke(None, {"configurable": {"thread_id": "3"}}))
show("no checkpointer", lambda: StateGraph(dict).add_node(first).add_edge(START, "first").compile().invoke({}))


# Commands: an update dict names keys that are not channels (dropped); a plain dict beside it replaces the state.
def by_command(state):
    return Command(update={"via": "cmd"}, goto="plain")


def plain(state):
    print("plain got", state)
    return None


def mixed(state):
    return [Command(update={"l": 1}), {"m": 2}]


b = StateGraph(dict)
for fn in (by_command, plain, mixed):
    b.add_node(fn.__name__, fn)
b.add_edge(START, "by_command").add_edge("plain", "mixed")
g2 = b.compile(checkpointer=InMemorySaver())
for mode in ("values", "updates"):
    for chunk in g2.stream({"q": 0}, {"configurable": {"thread_id": f"c-{mode}"}}, stream_mode=mode):
        print(mode, chunk)
for chunk in g2.stream({"q": 0}, {"configurable": {"thread_id": "debug"}}, stream_mode="debug"):
    if chunk["type"] == "task_result":
        print("task_result", chunk["payload"]["name"], chunk["payload"]["result"])


# Conditional edges and Send read the whole dict; an interrupt pauses and resumes it.
def ask(state):
    answer = interrupt({"question": "ok?", "state": state})
    return {**state, "answer": answer}


def route(state):
    return [Send("ask", {"item": i}) for i in state["items"]] if state.get("items") else END


g3 = StateGraph(dict).add_node(ask).add_conditional_edges(START, route).compile(checkpointer=InMemorySaver())
c3 = {"configurable": {"thread_id": "i"}}
print("interrupted", g3.invoke({"items": [1]}, c3))
print("paused", g3.get_state(c3).values, g3.get_state(c3).next)
print("resumed", g3.invoke(Command(resume="yes"), c3))
print("empty route", g3.invoke({"items": []}, {"configurable": {"thread_id": "j"}}))


# Other bare types are root states too: int, list, str, dict[str, int].
def bump(state):
    return state + 1


print("int", StateGraph(int).add_node(bump).add_edge(START, "bump").compile().invoke(1))
print("list", StateGraph(list).add_node("n", lambda s: s + ["x"]).add_edge(START, "n").compile().invoke(["a"]))
print("str", list(StateGraph(str).add_node("n", lambda s: s.upper()).add_edge(START, "n").compile()
                  .stream("hi", stream_mode="updates")))
print("dict[str, int]", StateGraph(dict[str, int]).add_node("n", lambda s: {"n": len(s)}).add_edge(START, "n")
      .compile().invoke({"a": 1, "b": 2}))
print("Any", StateGraph(Any).add_node("n", lambda s: {"n": 1}).add_edge(START, "n").compile().invoke({"a": 1}))
show("reducer root", lambda: StateGraph(Annotated[list, operator.add]).add_node("n", lambda s: ["y"])
     .add_edge(START, "n").compile().invoke(["x"]))
several = StateGraph(Annotated[list, operator.add])
several.add_node("m", lambda s: [Command(update=["c"]), ["d"], Command(goto="n")])
several.add_node("n", lambda s: Command(update={"k": 1})).add_edge(START, "m")
print("several root writes", list(several.compile().stream(["x"])))
show("two dicts in one step", lambda: StateGraph(dict).add_node("m", lambda s: [{"m": 2}, Command(), {"n": 3}])
     .add_edge(START, "m").compile().invoke({}))


# A dict-state subgraph as a node of a dict-state parent: the child's final dict replaces the parent's.
child = StateGraph(dict).add_node("inner", lambda s: {"inner_saw": sorted(s)}).add_edge(START, "inner").compile()
parent = StateGraph(dict).add_node("child", child).add_edge(START, "child").compile()
print("subgraph", parent.invoke({"p": 1}))
print("subgraph updates", list(parent.stream({"p": 1}, stream_mode="updates", subgraphs=True)))
