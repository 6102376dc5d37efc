# Which parameters get injected (§ issue 13.4): names and annotations as LangGraph reads them, retries counted in
# execution_info, explicit keyword arguments to @task winning over injection, and Runtime as a plain value.
import operator
from typing import Annotated, Optional, TypedDict

from langgraph.func import entrypoint, task
from langgraph.graph import END, START, StateGraph
from langgraph.runtime import Runtime
from langgraph.store.base import BaseStore
from langgraph.store.memory import InMemoryStore
from langgraph.types import RetryPolicy, StreamWriter


class S(TypedDict):
    log: Annotated[list, operator.add]


def annotated(state: S, *, runtime: "Runtime", store: Optional[BaseStore], writer: StreamWriter, previous):
    writer({"custom": runtime.context})
    return {"log": [f"store={type(store).__name__} previous={previous!r}"]}


def wrongly_typed(state: S, store: int = 7):
    return {"log": [f"store default kept: {store}"]}


attempts = []


def flaky(state: S, runtime: Runtime):
    attempts.append(runtime.execution_info.node_attempt)
    if len(attempts) < 3:
        raise ConnectionError("retry me")
    return {"log": [f"attempts seen {attempts}"]}


def router(state: S, store: BaseStore, runtime: Runtime) -> str:
    return END if store.get(("flags",), "stop") else "flaky"


store = InMemoryStore()
b = StateGraph(S)
b.add_node(annotated).add_node(wrongly_typed).add_node(flaky, retry_policy=RetryPolicy(initial_interval=0.001, jitter=False))
b.add_edge(START, "annotated").add_edge("annotated", "wrongly_typed").add_conditional_edges("wrongly_typed", router)
g = b.compile(store=store)
for mode, chunk in g.stream({"log": []}, stream_mode=["custom", "updates"], context="ctx-1"):
    print(mode, chunk)
store.put(("flags",), "stop", {"v": True})
print(g.invoke({"log": []})["log"])


# @task: an explicit keyword beats injection; injected otherwise
@task
def describe(x: int, runtime: Runtime = None, store: BaseStore = None) -> str:
    return f"x={x} context={runtime.context!r} store={type(store).__name__}"


@entrypoint(store=store)
def flow(x: int, runtime: Runtime) -> list:
    return [describe(x).result(), describe(x + 1, runtime=Runtime(context="mine"), store=None).result()]


print(flow.invoke(1, context="outer"))

# Runtime is an ordinary frozen dataclass: build one to unit-test a node, override, merge
rt = Runtime(context={"user": "u"}, store=store)
print(wrongly_typed({"log": []}), router({"log": []}, store=store, runtime=rt))
print(rt.override(context="new").context, rt.merge(Runtime(context="other")).context, rt.merge(Runtime()).context)
print(rt.previous, rt.execution_info, rt.merge(Runtime()).store is store)
try:
    rt.context = "x"
except Exception as exc:
    print(type(exc).__name__)
try:
    rt.patch_execution_info(node_attempt=2)
except Exception as exc:
    print(f"{type(exc).__name__}: {exc}")
