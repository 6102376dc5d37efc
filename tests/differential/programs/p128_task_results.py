# Task results as LangGraph 1.2 shows them: a node writing one key several times shows {'$writes': [...]} in
# get_state_history and in tasks events, an @entrypoint's task result is its output value, and on resume the
# @task calls answered from saved results still stream their task start events (tasks and debug modes).
import operator
from typing import Annotated, TypedDict
from langgraph.graph import StateGraph, START
from langgraph.cache.memory import InMemoryCache
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.config import get_stream_writer
from langgraph.func import entrypoint, task
from langgraph.types import CachePolicy, Command, RetryPolicy, Send, interrupt

class S(TypedDict, total=False):
    log: Annotated[list, operator.add]
    x: int

def many(state):
    return [{"log": [1]}, Command(update={"log": [2], "x": 5}), {"log": [3]}]
def ask(state):
    return {"log": [interrupt("?")]}
def fan(state):
    return [Send("worker", {"x": i}) for i in range(2)]
def worker(state):
    return {"log": [f"w{state['x']}"]}
b = StateGraph(S)
b.add_node(many); b.add_node(ask); b.add_node(worker)
b.add_edge(START, "many"); b.add_edge("many", "ask"); b.add_conditional_edges("ask", fan, ["worker"])
g = b.compile(checkpointer=InMemorySaver())
c = {"configurable": {"thread_id": "1"}}
g.invoke({"log": []}, c)
g.invoke(Command(resume="ok"), c)
for h in g.get_state_history(c):
    print(h.metadata["step"], h.next, [(t.name, t.result, t.error) for t in h.tasks])
for ch in g.stream({"log": []}, {"configurable": {"thread_id": "2"}}, stream_mode="tasks"):
    if "result" in ch:
        print(ch["name"], ch["result"])

@task
def double(n):
    return n * 2
@entrypoint(checkpointer=InMemorySaver())
def wf(n: int, *, previous=None):
    d = double(n).result()
    return entrypoint.final(value={"d": d, "ok": interrupt("go?")}, save=d)
c = {"configurable": {"thread_id": "f"}}
wf.invoke(2, c)
print([(t.name, t.result, [i.value for i in t.interrupts]) for t in wf.get_state(c).tasks])
wf.invoke(Command(resume="yes"), c)
for h in wf.get_state_history(c):
    print(h.metadata["step"], h.next, h.values, [(t.name, t.result) for t in h.tasks])
@entrypoint(checkpointer=InMemorySaver())
def plain(n: int):
    return n + 1
plain.invoke(1, c)
for h in plain.get_state_history(c):
    print(h.metadata["step"], h.next, h.values, [(t.name, t.result) for t in h.tasks])
calls = {"flaky": 0, "exp": 0}

@task(retry_policy=RetryPolicy(max_attempts=3, initial_interval=0.01, jitter=False))
def flaky(x):
    calls["flaky"] += 1
    if calls["flaky"] < 2:
        raise ConnectionError("boom")
    get_stream_writer()({"flaky": x})
    return x + 1

@task(cache_policy=CachePolicy(ttl=60))
def expensive(x):
    calls["exp"] += 1
    return x * 10

@entrypoint(checkpointer=InMemorySaver(), cache=InMemoryCache())
def reviewed(x: int):
    a = flaky(x).result()
    b = expensive(a).result()
    ok = interrupt({"a": a, "b": b})
    return {"a": a, "b": b, "ok": ok}

c = {"configurable": {"thread_id": "r1"}}
for ch in reviewed.stream(1, c, stream_mode=["updates", "custom", "tasks"]):
    mode, data = ch
    if mode == "tasks":
        print(mode, data.get("name"), sorted(data), data.get("result"), data.get("error"), data.get("interrupts"))
    else:
        print(ch)
for ch in reviewed.stream(Command(resume="y"), c, stream_mode=["updates", "tasks"]):
    mode, data = ch
    print(mode, data if mode == "updates" else (data.get("name"), data.get("result")))
print(calls)
print(reviewed.invoke(1, {"configurable": {"thread_id": "2"}}))
print(calls)
for h in reviewed.get_state_history(c):
    print(h.metadata["source"], h.metadata["step"], h.next, h.values, [(t.name, t.result) for t in h.tasks])
# durability exit
c3 = {"configurable": {"thread_id": "3"}}
print(reviewed.invoke(5, c3, durability="exit"))
print([(h.metadata["source"], h.metadata["step"], h.next) for h in reviewed.get_state_history(c3)])
print(reviewed.invoke(Command(resume="z"), c3, durability="exit"))
print([(h.metadata["source"], h.metadata["step"], h.next) for h in reviewed.get_state_history(c3)])

c4 = {"configurable": {"thread_id": "4"}}
reviewed.invoke(7, c4)
for ch in reviewed.stream(Command(resume="d"), c4, stream_mode="debug"):
    print(ch["type"], ch["step"], ch["payload"].get("name"), ch["payload"].get("result"))
