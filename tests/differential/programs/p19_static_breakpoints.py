# Static breakpoints (§3.6): interrupt_before/after lists and "*", resuming, per-call breakpoints,
# a conditional edge evaluated before pausing, and no effect without a checkpointer.
import operator
from typing import Annotated, TypedDict

from langgraph.graph import StateGraph, START, END
from langgraph.types import Command
from langgraph.checkpoint.memory import InMemorySaver


class S(TypedDict, total=False):
    log: Annotated[list, operator.add]


router_calls = []


def router(s):
    router_calls.append(list(s["log"]))
    return "mid"


def build():
    g = StateGraph(S)
    for n in ("pre", "mid", "post"):
        g.add_node(n, (lambda name: lambda s: {"log": [name]})(n))
    g.add_edge(START, "pre").add_conditional_edges("pre", router, ["mid"]).add_edge("mid", "post").add_edge("post", END)
    return g


def run(label, graph, inputs, **kw):
    cfg = {"configurable": {"thread_id": label}}
    router_calls.clear()
    outs = []
    for inp in inputs:
        outs.append(graph.invoke(inp, cfg, **kw) if inp != "STREAM" else list(graph.stream(None, cfg, **kw)))
        outs.append(graph.get_state(cfg).next)
    print(f"{label}: {outs} router calls: {len(router_calls)}")


g = build()
run("before mid", g.compile(checkpointer=InMemorySaver(), interrupt_before=["mid"]), [{"log": []}, None])
run("after pre", g.compile(checkpointer=InMemorySaver(), interrupt_after=["pre"]), [{"log": []}, None])
run("before *", g.compile(checkpointer=InMemorySaver(), interrupt_before="*"), [{"log": []}, None, None, None, None])
run("after *", g.compile(checkpointer=InMemorySaver(), interrupt_after="*"), [{"log": []}, None, None, None])
run("both", g.compile(checkpointer=InMemorySaver(), interrupt_before=["post"], interrupt_after=["pre"]),
    [{"log": []}, None, None])
run("resume passes", g.compile(checkpointer=InMemorySaver(), interrupt_before=["mid"]),
    [{"log": []}, Command(resume="ignored")])
run("stream None", g.compile(checkpointer=InMemorySaver(), interrupt_before=["mid"]), [{"log": []}, "STREAM"])
run("per call", g.compile(checkpointer=InMemorySaver()), [{"log": []}, None], interrupt_before=["post"])
saver = InMemorySaver()
graph = g.compile(checkpointer=saver)
cfg = {"configurable": {"thread_id": "per call once"}}
print("per call once:", graph.invoke({"log": []}, cfg, interrupt_before=["mid"]), graph.invoke(None, cfg))
print("no checkpointer:", g.compile(interrupt_before=["mid"]).invoke({"log": []}))
print("no checkpointer after:", g.compile(interrupt_after="*").invoke({"log": []}))
# new input while paused at a breakpoint restarts from START
graph = g.compile(checkpointer=InMemorySaver(), interrupt_before=["post"])
cfg = {"configurable": {"thread_id": "new input"}}
print("new input:", graph.invoke({"log": ["x"]}, cfg), graph.invoke({"log": ["y"]}, cfg), graph.get_state(cfg).next)
