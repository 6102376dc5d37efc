# interrupt_after on the graph's last node: the run ends paused (an empty __interrupt__), with nothing next.
import asyncio
import operator
from typing import Annotated, TypedDict
from langgraph.graph import StateGraph, START, END
from langgraph.checkpoint.memory import InMemorySaver

class S(TypedDict):
    x: int
    log: Annotated[list, operator.add]

def first(s): return {"x": s["x"] + 1, "log": ["first"]}
def last(s): return {"x": s["x"] * 10, "log": ["last"]}

def chain(**kw):
    return StateGraph(S).add_node("first", first).add_node("last", last).add_edge(START, "first") \
        .add_edge("first", "last").add_edge("last", END).compile(**kw)

def show(g, cfg):
    st = g.get_state(cfg)
    print("  state", st.values, st.next, st.tasks, st.interrupts, st.metadata)

for mode in ["updates", "values", "debug", ["updates", "values", "checkpoints", "tasks"]]:
    print("== stream_mode", mode)
    g, cfg = chain(checkpointer=InMemorySaver(), interrupt_after=["last"]), {"configurable": {"thread_id": "1"}}
    for i in range(3):  # the pause, then two calls that find nothing left to run
        for chunk in g.stream({"x": 1, "log": []} if i == 0 else None, cfg, stream_mode=mode):
            print(" ", chunk)
        show(g, cfg)

print("== invoke and history")
g, cfg = chain(checkpointer=InMemorySaver(), interrupt_after=["last"]), {"configurable": {"thread_id": "1"}}
print(g.invoke({"x": 1, "log": []}, cfg))
print(g.invoke(None, cfg))
for h in g.get_state_history(cfg):
    print("  H", h.values, h.next, h.metadata["source"], h.metadata["step"], [t.name for t in h.tasks])

print("== interrupt_after='*' and at call time")
g, cfg = chain(checkpointer=InMemorySaver(), interrupt_after="*"), {"configurable": {"thread_id": "1"}}
for i in range(3):
    print(list(g.stream({"x": 1, "log": []} if i == 0 else None, cfg)))
    show(g, cfg)
g, cfg = chain(checkpointer=InMemorySaver()), {"configurable": {"thread_id": "1"}}
print(list(g.stream({"x": 1, "log": []}, cfg, interrupt_after=["last"])))
print(list(g.stream({"x": 2, "log": []}, cfg, interrupt_after=["first"], stream_mode="values")))
show(g, cfg)

print("== a conditional edge to END, and no checkpointer")
def inc(s): return {"x": s["x"] + 1, "log": ["inc"]}
g = StateGraph(S).add_node("inc", inc).add_edge(START, "inc") \
    .add_conditional_edges("inc", lambda s: END if s["x"] > 1 else "inc") \
    .compile(checkpointer=InMemorySaver(), interrupt_after=["inc"])
cfg = {"configurable": {"thread_id": "1"}}
for i in range(4):
    print(list(g.stream({"x": 0, "log": []} if i == 0 else None, cfg)))
    show(g, cfg)
print(list(chain(interrupt_after=["last"]).stream({"x": 1, "log": []})))
print(chain(interrupt_after=["last"]).invoke({"x": 1, "log": []}))

for name in ["__end__", "__start__"]:
    try:
        chain(checkpointer=InMemorySaver(), interrupt_before=[name])
    except ValueError as e:
        print("ValueError", e)

print("== a subgraph whose last node has interrupt_after")
def after(s): return {"x": s["x"] + 3, "log": ["after"]}
def other(s): return {"log": ["other"]}
for sub_kw, tail, sibling in [(dict(interrupt_after=["last"]), True, False),
                              (dict(interrupt_after=["last"]), False, True),
                              (dict(interrupt_after="*"), False, False)]:
    print("--", sub_kw, "tail" if tail else "", "sibling" if sibling else "")
    pb = StateGraph(S).add_node("sub", chain(**sub_kw)).add_edge(START, "sub")
    if tail:
        pb.add_node("after", after).add_edge("sub", "after")
    if sibling:
        pb.add_node("other", other).add_edge(START, "other")
    g, cfg = pb.compile(checkpointer=InMemorySaver()), {"configurable": {"thread_id": "1"}}
    for i in range(3):
        for ns, mode, chunk in g.stream({"x": 1, "log": []} if i == 0 else None, cfg,
                                        stream_mode=["updates", "values"], subgraphs=True):
            if not (sibling and (ns or "other" in chunk)):  # the sibling and the subgraph run side by side
                print("  ", [p.split(":")[0] for p in ns], mode, chunk)
        st = g.get_state(cfg, subgraphs=True)
        print("  state", st.values, st.next, [(t.name, t.interrupts, t.state.values, t.state.next)
                                              for t in st.tasks if t.state is not None])
    print("  invoke", g.invoke({"x": 1, "log": []}, {"configurable": {"thread_id": "2"}}))

print("== async")
async def main():
    g, cfg = chain(checkpointer=InMemorySaver(), interrupt_after=["last"]), {"configurable": {"thread_id": "a"}}
    print([c async for c in g.astream({"x": 1, "log": []}, cfg, stream_mode=["updates", "values"])])
    print((await g.aget_state(cfg)).next, await g.ainvoke(None, cfg))
asyncio.run(main())
