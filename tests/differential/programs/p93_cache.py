# Node and @task caching: CachePolicy, InMemoryCache, compile(cache=...), clear_cache.
import operator
from typing import Annotated, TypedDict
from langgraph.graph import StateGraph, START, END
from langgraph.types import CachePolicy
from langgraph.cache.memory import InMemoryCache
from langgraph.checkpoint.memory import InMemorySaver
from langgraph.func import entrypoint, task
class S(TypedDict, total=False):
    log: Annotated[list, operator.add]
    x: int
calls = []
def a(s):
    calls.append("a"); return {"log": ["a"], "x": s.get("x", 0) + 1}
def b(s):
    calls.append("b"); return {"log": ["b"]}
g = StateGraph(S).add_node("a", a, cache_policy=CachePolicy()).add_node("b", b).add_edge(START, "a").add_edge("a", "b")
cache = InMemoryCache()
app = g.compile(cache=cache)
print(list(app.stream({"x": 1}, stream_mode=["updates", "values"])))
print(list(app.stream({"x": 1}, stream_mode=["updates", "values"])))
print(list(app.stream({"x": 1}, stream_mode=["tasks"])))
print(list(app.stream({"x": 2})))
print(calls); calls.clear()
app2 = g.compile()
print("no cache", list(app2.stream({"x": 1})))
g = StateGraph(S).add_node("a", a, cache_policy=CachePolicy(key_func=lambda s: str(s.get("log")), ttl=100)).add_edge(START, "a")
app = g.compile(cache=cache, checkpointer=InMemorySaver())
cfg = {"configurable": {"thread_id": "1"}}
print(list(app.stream({"x": 1}, cfg)))
print(list(app.stream({"x": 5}, {"configurable": {"thread_id": "2"}})))
print(app.get_state({"configurable": {"thread_id": "2"}}).values)
print(calls); calls.clear()
app.clear_cache()
print(list(app.stream({"x": 1}, cfg)))
print(calls); calls.clear()
@task(cache_policy=CachePolicy())
def double(x):
    calls.append(x); return 2 * x
@entrypoint(cache=InMemoryCache())
def wf(x):
    return double(x).result() + double(x + 1).result()
print(list(wf.stream(1)))
print(list(wf.stream(1)))
print(calls)
