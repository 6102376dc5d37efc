# Functional API with runtime and store (§ issue 13.4): @entrypoint(store=..., context_schema=...) taking
# `store`, `runtime` and `previous`; @task functions using get_store(), get_runtime() and a `runtime` parameter.
import asyncio
from dataclasses import dataclass

from langgraph.checkpoint.memory import InMemorySaver
from langgraph.config import get_store
from langgraph.func import entrypoint, task
from langgraph.runtime import Runtime, get_runtime
from langgraph.store.base import BaseStore
from langgraph.store.memory import InMemoryStore
from langgraph.types import Command, interrupt


@dataclass
class Ctx:
    user: str


@task
def save_note(text: str) -> str:
    user = get_runtime().context.user
    key = f"n{len(get_store().search(('notes', user))) + 1}"
    get_store().put(("notes", user), key, {"text": text})
    return key


@task
def summarize(user: str, runtime: Runtime) -> str:
    notes = [i.value["text"] for i in runtime.store.search(("notes", user))]
    return f"{user}: {', '.join(notes)} (previous={runtime.previous!r})"


store = InMemoryStore()


@entrypoint(checkpointer=InMemorySaver(), store=store, context_schema=Ctx)
def notes(text: str, *, previous: list | None, store: BaseStore, runtime: Runtime[Ctx]) -> list:
    key = save_note(text).result()
    seen = previous or []
    if text == "confirm":
        answer = interrupt(f"delete {seen[-2]}?")
        if answer == "yes":
            store.delete(("notes", runtime.context.user), seen[-2])
    return [*seen, key, summarize(runtime.context.user).result()]


cfg = {"configurable": {"thread_id": "a"}}
print(notes.invoke("milk", cfg, context=Ctx("ann")))
print(notes.invoke("eggs", cfg, context={"user": "ann"}))
print(notes.invoke("tea", {"configurable": {"thread_id": "b"}}, context=Ctx("bob")))
out = notes.invoke("confirm", cfg, context=Ctx("ann"))
print(out["__interrupt__"][0].value)
print(notes.invoke(Command(resume="yes"), cfg, context=Ctx("ann")))
print("ann's notes", [(i.key, i.value["text"]) for i in store.search(("notes", "ann"))])
print("all", store.list_namespaces(prefix=("notes",)), store.list_namespaces(max_depth=1))


# an entrypoint without a store: get_store() is None, the parameter is None
@entrypoint()
def bare(x: int, store: BaseStore, runtime: Runtime) -> str:
    return f"x={x} store={store} get_store={get_store()} context={runtime.context!r}"


print(bare.invoke(1))
print(bare.invoke(2, context={"any": "dict"}))


# async entrypoint and task
@task
async def aput(key: str, runtime: Runtime) -> str:
    await runtime.store.aput(("async",), key, {"user": runtime.context.user})
    item = await runtime.store.aget(("async",), key)
    return item.value["user"]


@entrypoint(store=store)
async def aflow(keys: list, runtime: Runtime) -> list:
    got = [await aput(k) for k in keys]
    found = await runtime.store.asearch(("async",), filter={"user": "cy"})
    return [got, [i.key for i in found], await runtime.store.alist_namespaces(prefix=("async",))]


print(asyncio.run(aflow.ainvoke(["k1", "k2"], context=Ctx("cy"))))
