# Error handlers survive a resume: a step whose handler ran but another task interrupted re-runs the handler
# (told the saved error), not the failed node.
import asyncio, operator
from typing import Annotated, TypedDict
from langgraph.graph import StateGraph, START
from langgraph.types import interrupt, Command
from langgraph.errors import NodeError
from langgraph.checkpoint.memory import InMemorySaver
class S(TypedDict, total=False):
    log: Annotated[list, operator.add]
calls = {"boom": 0, "h": 0, "ask": 0}
def boom(s):
    calls["boom"] += 1
    raise ValueError("bad")
def h(s, error: NodeError):
    calls["h"] += 1
    return {"log": [f"handled {error.node} {error.error!r}"]}
def ask(s):
    calls["ask"] += 1
    return {"log": [interrupt("q?")]}
def after(s):
    return {"log": ["after"]}
def build():
    g = StateGraph(S).add_node("boom", boom, error_handler=h).add_node("ask", ask).add_node("after", after)
    g.add_edge(START, "boom").add_edge(START, "ask").add_edge(["boom", "ask"], "after")
    g.add_edge("__error_handler__boom", "after")
    return g.compile(checkpointer=InMemorySaver())
app = build()
cfg = {"configurable": {"thread_id": "1"}}
print(sorted(str(c) for c in app.stream({"log": []}, cfg, stream_mode="updates")))
print(calls)
st = app.get_state(cfg)
print(st.next, [(t.name, t.error, [i.value for i in t.interrupts]) for t in st.tasks])
print(sorted((w[1], str(w[2])) for w in app.checkpointer.get_tuple(cfg).pending_writes))
events = list(app.stream(Command(resume="yes"), cfg, stream_mode=["tasks", "updates"]))
print(sorted((m, c.get("name"), "input" in c) for m, c in events if m == "tasks"))
print(sorted(str(c) for m, c in events if m == "updates"))
print(calls)
print(app.get_state(cfg).values)
for snap in app.get_state_history(cfg):
    print(snap.metadata["step"], snap.next, [(t.name, t.error) for t in snap.tasks])
# the handler itself asks a question
calls.update(boom=0, h=0)
def asking_handler(s, error: NodeError):
    calls["h"] += 1
    return {"log": [f"handled {interrupt(f'handle {error.node}?')}"]}
g = StateGraph(S).add_node("boom", boom, error_handler=asking_handler).add_edge(START, "boom")
app2 = g.compile(checkpointer=InMemorySaver())
out = app2.invoke({"log": []}, cfg)
print([i.value for i in out["__interrupt__"]])
st = app2.get_state(cfg)
print(st.next, [(t.name, t.error) for t in st.tasks])
print(app2.invoke(Command(resume="ok"), cfg), calls)
# async
calls.update(boom=0, h=0, ask=0)
async def main():
    app = build()
    cfg = {"configurable": {"thread_id": "a"}}
    await app.ainvoke({"log": []}, cfg)
    print(await app.ainvoke(Command(resume="async yes"), cfg), calls)
asyncio.run(main())
