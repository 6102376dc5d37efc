# Several writes from one node, LangGraph's task notes on errors, task(partial), live @task updates.
import functools, operator, time
from typing import Annotated, TypedDict
from langgraph.graph import StateGraph, START, END
from langgraph.types import Command, CachePolicy, RetryPolicy
from langgraph.errors import NodeError
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.cache.memory import InMemoryCache
from langgraph.func import entrypoint, task
def show(label, fn):
    try:
        print(f"{label}:", fn())
    except Exception as e:
        msg = str(e).splitlines()[0] if str(e) else ""
        print(f"{label}: {type(e).__name__}: {msg}", getattr(e, "__notes__", None))
class S(TypedDict, total=False):
    log: Annotated[list, operator.add]
    x: int
# multiple writes
g = StateGraph(S).add_node("n", lambda s: [Command(update={"log": ["c"]}), {"log": ["d"], "x": 1}]).add_edge(START, "n")
show("cmd+dict", lambda: g.compile().invoke({}))
show("cmd+dict stream", lambda: list(g.compile().stream({})))
g = StateGraph(S).add_node("n", lambda s: Command(update=[("log", ["a"]), ("log", ["b"])])).add_edge(START, "n")
show("pairs", lambda: list(g.compile().stream({}, stream_mode=["updates", "values"])))
g = StateGraph(S).add_node("n", lambda s: [{"log": ["a"]}, {"log": ["b"]}]).add_edge(START, "n")
show("list of dicts", lambda: list(g.compile().stream({}, stream_mode=["updates", "values"])))
g = StateGraph(S).add_node("n", lambda s: [Command(update={"x": 1}), Command(update={"x": 2})]).add_edge(START, "n")
show("two lastvalue", lambda: g.compile().invoke({}))
# error note
def boom(s):
    raise ValueError("bad")
g = StateGraph(S).add_node("boom", boom).add_edge(START, "boom")
show("note", lambda: g.compile().invoke({}))
@task
def tboom(x):
    raise KeyError("k")
@entrypoint()
def wf(x):
    return tboom(x).result()
show("task note", lambda: wf.invoke(1))
# partial task
def add(a, b):
    return a + b
padd = task(functools.partial(add, 10))
@entrypoint()
def wf2(x):
    return padd(x).result()
show("partial", lambda: wf2.invoke(1))
show("partial stream", lambda: list(wf2.stream(1)))
# streaming as tasks finish: the entrypoint waits until the consumer has seen the first task's update
import threading
seen_first = threading.Event()
@task
def slow(x):
    return x
@entrypoint()
def wf3(x):
    a = slow(x).result()
    print("consumer saw first update before the entrypoint went on:", seen_first.wait(5))
    b = slow(x + 1).result()
    return a + b
chunks = []
for c in wf3.stream(1, stream_mode="updates"):
    chunks.append(c)
    if c == {"slow": 1}:
        seen_first.set()
print("chunks", chunks)
