# Runtime context (§ issue 13.4): context_schema, invoke(context=...), a node's `runtime` parameter, get_runtime(),
# routers taking runtime, Send targets, subgraphs (as a node and invoked inside a node), dict coercion.
import asyncio
import operator
from dataclasses import dataclass
from typing import Annotated, TypedDict

from pydantic import BaseModel

from langgraph.checkpoint.memory import InMemorySaver
from langgraph.graph import END, START, StateGraph
from langgraph.runtime import Runtime, get_runtime
from langgraph.types import Send


@dataclass
class Ctx:
    user: str
    lang: str = "en"


class S(TypedDict):
    log: Annotated[list, operator.add]
    item: str


def greet(state: S, runtime: Runtime[Ctx]):
    ctx = runtime.context
    return {"log": [f"greet {ctx.user} in {ctx.lang} ({type(ctx).__name__})"]}


def fan_out(state: S, runtime: Runtime[Ctx]):
    # a router that takes runtime too
    return [Send("worker", {"item": f"{runtime.context.user}-{i}", "log": []}) for i in range(2)]


def worker(state: S, runtime: Runtime[Ctx]):
    return {"log": [f"worker {state['item']} sees {runtime.context.user}"]}


class Sub(TypedDict):
    log: Annotated[list, operator.add]


def inner(state: Sub, runtime: Runtime):
    return {"log": [f"inner sees {runtime.context!r} via get_runtime={get_runtime().context!r}"]}


sub = StateGraph(Sub).add_node(inner).add_edge(START, "inner").compile()


def calls_sub(state: S):
    out = sub.invoke({"log": []}, context="explicit-subcontext")
    return {"log": out["log"]}


builder = StateGraph(S, context_schema=Ctx)
builder.add_node(greet).add_node(worker).add_node("sub", sub).add_node(calls_sub)
builder.add_edge(START, "greet")
builder.add_conditional_edges("greet", fan_out, ["worker"])
builder.add_edge("worker", "sub")
builder.add_edge("sub", "calls_sub")
builder.add_edge("calls_sub", END)
graph = builder.compile()

print("dataclass:", graph.invoke({"log": []}, context=Ctx(user="ann", lang="pt"))["log"])
print("dict coerced:", graph.invoke({"log": []}, context={"user": "bob"})["log"][0])
for chunk in graph.stream({"log": []}, context=Ctx(user="cy"), stream_mode="updates", subgraphs=True):
    ns, update = chunk
    print("stream", len(ns), update)


# no context given: runtime.context is None
class Plain(TypedDict):
    v: str


def show(state: Plain, runtime: Runtime):
    return {"v": f"context={runtime.context!r} previous={runtime.previous!r} store={runtime.store!r}"}


print(StateGraph(Plain).add_node(show).add_edge(START, "show").compile().invoke({"v": ""}))


# pydantic and TypedDict context schemas
class PCtx(BaseModel):
    n: int


def use_p(state: Plain, runtime: Runtime[PCtx]):
    return {"v": f"{type(runtime.context).__name__} n={runtime.context.n}"}


print(StateGraph(Plain, context_schema=PCtx).add_node(use_p).add_edge(START, "use_p").compile()
      .invoke({"v": ""}, context={"n": 3}))


class TCtx(TypedDict):
    n: int


def use_t(state: Plain, runtime: Runtime[TCtx]):
    return {"v": f"{type(runtime.context).__name__} n={runtime.context['n']}"}


print(StateGraph(Plain, context_schema=TCtx).add_node(use_t).add_edge(START, "use_t").compile()
      .invoke({"v": ""}, context={"n": 4}))


# context survives an interrupt/resume only if passed again (it is not checkpointed)
def ask(state: Plain, runtime: Runtime):
    from langgraph.types import interrupt

    answer = interrupt("name?")
    return {"v": f"{answer} / context={runtime.context!r}"}


g2 = StateGraph(Plain).add_node(ask).add_edge(START, "ask").compile(checkpointer=InMemorySaver())
cfg = {"configurable": {"thread_id": "t"}}
print(g2.invoke({"v": ""}, cfg, context="first")["__interrupt__"][0].value)
from langgraph.types import Command

print(g2.invoke(Command(resume="ok"), cfg, context="second"))


# execution info
def info(state: Plain, runtime: Runtime):
    e = runtime.execution_info
    return {"v": f"thread={e.thread_id} ns_node={e.checkpoint_ns.split(':')[0]} attempt={e.node_attempt}"}


print(StateGraph(Plain).add_node(info).add_edge(START, "info").compile(checkpointer=InMemorySaver())
      .invoke({"v": ""}, {"configurable": {"thread_id": "x1"}}))


# async API with context
async def anode(state: Plain, runtime: Runtime[Ctx]):
    await asyncio.sleep(0)
    return {"v": f"async {runtime.context.user}"}


ag = StateGraph(Plain, context_schema=Ctx).add_node(anode).add_edge(START, "anode").compile()


async def main():
    print(await ag.ainvoke({"v": ""}, context={"user": "dee"}))
    async for chunk in ag.astream({"v": ""}, context=Ctx(user="eve")):
        print("astream", chunk)


asyncio.run(main())

# a graph invoked in a node on its own thread starts afresh: no parent context, its own store
from langgraph.store.memory import InMemoryStore

own_store = InMemoryStore()


def where(state: Plain, runtime: Runtime):
    return {"v": f"context={runtime.context!r} own store={runtime.store is own_store}"}


other_builder = StateGraph(Plain).add_node(where).add_edge(START, "where")
other = other_builder.compile(checkpointer=InMemorySaver(), store=own_store)
nested = other_builder.compile(store=own_store)


def calls_other(state: Plain):
    return {"v": other.invoke({"v": ""}, {"configurable": {"thread_id": "own"}})["v"] + " / nested: "
            + nested.invoke({"v": ""})["v"]}


print(StateGraph(Plain).add_node(calls_other).add_edge(START, "calls_other").compile(store=InMemoryStore())
      .invoke({"v": ""}, context="parent"))

# outside a run
try:
    get_runtime()
except Exception as exc:
    print(f"outside: {type(exc).__name__}: {exc}")
