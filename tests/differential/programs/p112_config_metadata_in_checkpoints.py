# A call's config["metadata"] and plain configurable entries are copied into the metadata of the checkpoints it
# saves (invoke, stream, resume, update_state, bulk_update_state, replay forks, subgraphs, @entrypoint, async).
import asyncio
from typing import TypedDict
from langgraph.graph import StateGraph, START
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.func import entrypoint, task
from langgraph.types import Command, StateUpdate, interrupt

class S(TypedDict):
    x: int

def first(s): return {"x": s["x"] + 1}
def ask(s): return {"x": interrupt("q")}

def show(saver, thread_id, **filter):
    for c in saver.list({"configurable": {"thread_id": thread_id}}, filter=filter or None):
        ns = c.config["configurable"]["checkpoint_ns"].split(":")[0]
        print("  ", ns or "root", {k: v for k, v in c.metadata.items() if k != "parents"})

print("== which entries are copied")
saver = InMemorySaver()
g = StateGraph(S).add_node("first", first).add_node("ask", ask).add_edge(START, "first").add_edge("first", "ask") \
    .compile(checkpointer=saver)
cfg = {"configurable": {"thread_id": "1", "user_id": "u1", "n": 3, "f": 1.5, "b": True, "obj": {"a": 1}, "lst": [1],
                        "none": None, "__hidden": "h", "api_key": "kept", "langgraph_step": 9, "assistant_id": "a1",
                        "checkpoint_id_like": "c", "step": 99, "source": "mine"},
       "metadata": {"m1": "v1", "m2": 2, "mobj": {"a": 1}, "user_id": "metadata wins", "thread_id": "x",
                    "langgraph_node": "n", "__m": 1, "nul": "a\u0000b"},
       "tags": ["t"], "run_name": "rn", "extra_top": "moved into configurable"}
print(g.invoke({"x": 1}, cfg))
st = g.get_state({"configurable": {"thread_id": "1"}})
print(st.metadata)
print("== resume and update_state use their own config")
g.invoke(Command(resume=5), {"configurable": {"thread_id": "1", "other": "o"}, "metadata": {"m3": 3}})
g.update_state({"configurable": {"thread_id": "1", "upd": "u"}, "metadata": {"m4": 4}}, {"x": 9})
show(saver, "1")
print("filter", [c.metadata["step"] for c in saver.list({"configurable": {"thread_id": "1"}}, filter={"user_id": "metadata wins"})])
print("filter", [c.metadata["step"] for c in saver.list(None, filter={"m3": 3, "other": "o"})])
print("history", [h.metadata.get("m1") for h in g.get_state_history({"configurable": {"thread_id": "1"}})])
print("== stream: checkpoint events show the metadata without them")
for c in g.stream({"x": 1}, {"configurable": {"thread_id": "2", "k": "v"}, "metadata": {"m": 1}}, stream_mode="checkpoints"):
    print("  ", c["metadata"])
show(saver, "2")

print("== with_config, bulk_update_state, replay fork, __copy__, durability='exit'")
saver = InMemorySaver()
base = StateGraph(S).add_node("first", first).add_edge(START, "first").compile(checkpointer=saver)
g = base.with_config({"metadata": {"wc": "yes"}, "configurable": {"wk": 7}})
g.invoke({"x": 1}, {"configurable": {"thread_id": "w"}, "metadata": {"call": 1}})
g.bulk_update_state({"configurable": {"thread_id": "w", "bk": "b"}, "metadata": {"bm": 1}},
                    [[StateUpdate({"x": 5}, "first")], [StateUpdate({"x": 6}, "first")]])
old = list(g.get_state_history({"configurable": {"thread_id": "w"}}))[-2].config
g.invoke(None, {**old, "metadata": {"replay": "r"}, "configurable": {**old["configurable"], "rk": "r"}})
g.update_state({"configurable": {"thread_id": "w", "copy": 1}}, None, as_node="__copy__")
g.update_state({"configurable": {"thread_id": "w", "copy": 2}}, [({"x": 7}, "first")], as_node="__copy__")
show(saver, "w")
base.invoke({"x": 1}, {"configurable": {"thread_id": "e", "ek": "e"}}, durability="exit")
show(saver, "e")

print("== subgraphs (plain and checkpointer=True)")
for cp in [None, True]:
    sub = StateGraph(S).add_node("first", first).add_node("ask", ask).add_edge(START, "first") \
        .add_edge("first", "ask").compile(checkpointer=cp)
    saver = InMemorySaver()
    g = StateGraph(S).add_node("sub", sub).add_edge(START, "sub").compile(checkpointer=saver)
    g.invoke({"x": 1}, {"configurable": {"thread_id": "s", "user_id": "u"}, "metadata": {"m": 1}})
    g.invoke(Command(resume=2), {"configurable": {"thread_id": "s", "k2": "v2"}})
    show(saver, "s")

print("== a subgraph's nodes see the caller's configurable and metadata")
def peek(s, config):
    print("  ", config["configurable"].get("user_id"), config["metadata"].get("m"))
    return {"x": 1}
inner = StateGraph(S).add_node("peek", peek).add_edge(START, "peek").compile()
StateGraph(S).add_node("sub", inner).add_edge(START, "sub").compile(checkpointer=InMemorySaver()) \
    .invoke({"x": 0}, {"configurable": {"thread_id": "p", "user_id": "u"}, "metadata": {"m": 1}})

print("== @entrypoint")
saver = InMemorySaver()
@task
def plus(x): return x + 1
@entrypoint(checkpointer=saver)
def ep(x):
    return interrupt(plus(x).result())
ep.invoke(1, {"configurable": {"thread_id": "f", "fk": "f"}, "metadata": {"fm": True}})
ep.invoke(Command(resume=3), {"configurable": {"thread_id": "f", "fk2": 0.5}})
show(saver, "f")

print("== async")
async def main():
    saver = InMemorySaver()
    g = StateGraph(S).add_node("first", first).add_edge(START, "first").compile(checkpointer=saver)
    await g.ainvoke({"x": 1}, {"configurable": {"thread_id": "a", "ak": "a"}, "metadata": {"am": 1}})
    async for _ in g.astream({"x": 1}, {"configurable": {"thread_id": "a", "ak2": "a"}}):
        pass
    await g.aupdate_state({"configurable": {"thread_id": "a"}, "metadata": {"um": 1}}, {"x": 3})
    await g.abulk_update_state({"configurable": {"thread_id": "a", "bk": 1}}, [[StateUpdate({"x": 4}, "first")]])
    show(saver, "a")
    print("  ", [c.metadata["step"] async for c in saver.alist({"configurable": {"thread_id": "a"}}, filter={"ak": "a"})])
asyncio.run(main())
