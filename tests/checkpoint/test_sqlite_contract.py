"""The engine's persistence scenarios, run on InMemorySaver, SqliteSaver and AsyncSqliteSaver (with a simulated
kernel restart).

Each test gets a ``store``: ``store.saver`` is the current checkpointer and ``store.restart()`` stands for a kernel
restart. On SQLite it closes the connection and reopens the same file with a brand-new saver; the in-memory saver
cannot survive a restart, so there it keeps the same saver. Graphs are rebuilt after every restart, as a notebook
user would re-run the cells. The AsyncSqliteSaver lives on an event loop in a background thread, so the sync scenarios
reach it through its thread bridge (as the engine's worker does under ``ainvoke``).
"""

from __future__ import annotations

import asyncio
import dataclasses
import datetime as dt
import enum
import operator
import threading
from typing import Annotated, Any, TypedDict

import pytest

from hitl_notebook.checkpoint.base import BaseCheckpointSaver, PausedThread
from hitl_notebook.checkpoint.memory import InMemorySaver
from hitl_notebook.checkpoint.sqlite import SqliteSaver
from hitl_notebook.checkpoint.sqlite.aio import AsyncSqliteSaver
from hitl_notebook.func import entrypoint, task
from hitl_notebook.graph import END, START, StateGraph
from hitl_notebook.types import Command, Interrupt, Send, interrupt


class S(TypedDict, total=False):
    log: Annotated[list, operator.add]
    x: int
    items: list


class LoopThread:
    """An event loop running in a daemon thread (what owns an AsyncSqliteSaver in these tests)."""

    def __init__(self) -> None:
        self.loop = asyncio.new_event_loop()
        self.thread = threading.Thread(target=self.loop.run_forever, daemon=True)
        self.thread.start()

    def run(self, coro: Any) -> Any:
        return asyncio.run_coroutine_threadsafe(coro, self.loop).result()

    def stop(self) -> None:
        self.loop.call_soon_threadsafe(self.loop.stop)
        self.thread.join()
        self.loop.close()


async def open_async_saver(path) -> AsyncSqliteSaver:
    import aiosqlite

    return AsyncSqliteSaver(await aiosqlite.connect(path, isolation_level=None))


class Store:
    def __init__(self, kind: str, path) -> None:
        self.kind = kind
        self.path = path / "runs.sqlite"
        self.loop = LoopThread() if kind == "aiosqlite" else None
        self.saver: BaseCheckpointSaver = self._open()

    def _open(self) -> BaseCheckpointSaver:
        if self.loop is not None:
            return self.loop.run(open_async_saver(self.path))
        return InMemorySaver() if self.kind == "memory" else SqliteSaver(self.path)

    def close(self) -> None:
        if isinstance(self.saver, SqliteSaver):
            self.saver.close()
        elif self.loop is not None:
            self.loop.run(self.saver.conn.close())

    def restart(self) -> BaseCheckpointSaver:
        if self.kind != "memory":
            self.close()
            self.saver = self._open()
        return self.saver


@pytest.fixture(params=["memory", "sqlite", "aiosqlite"])
def store(request, tmp_path):
    s = Store(request.param, tmp_path)
    yield s
    s.close()
    if s.loop is not None:
        s.loop.stop()


def cfg(thread_id: str = "t1", **extra: Any) -> dict:
    return {"configurable": {"thread_id": thread_id, **extra}}


# -- interrupts ----------------------------------------------------------------------------------------------------


def ask_graph(saver, calls):
    def pre(state):
        calls.append("pre")
        return {"log": ["pre"]}

    def ask(state):
        calls.append("start")
        name = interrupt({"q": "name?"})
        calls.append(f"after-1 {name}")
        age = interrupt("age?")
        return {"log": [f"name={name} age={age}"]}

    builder = StateGraph(S).add_node(pre).add_node(ask).add_edge(START, "pre").add_edge("pre", "ask")
    return builder.compile(checkpointer=saver)


def test_interrupt_and_resume_across_restarts(store):
    calls = []
    first = ask_graph(store.saver, calls).invoke({}, cfg())
    [pending] = first["__interrupt__"]
    assert isinstance(pending, Interrupt) and pending.value == {"q": "name?"}

    graph = ask_graph(store.restart(), calls)
    state = graph.get_state(cfg())
    assert state.next == ("ask",) and [i.id for i in state.interrupts] == [pending.id]
    assert state.interrupts[0].value == {"q": "name?"} and state.values == {"log": ["pre"]}
    second = graph.invoke(Command(resume="Bob"), cfg())
    assert [i.value for i in second["__interrupt__"]] == ["age?"]

    graph = ask_graph(store.restart(), calls)
    assert graph.invoke(Command(resume=42), cfg()) == {"log": ["pre", "name=Bob age=42"]}
    assert calls == ["pre", "start", "start", "after-1 Bob", "start", "after-1 Bob"]
    assert graph.get_state(cfg()).next == ()


def parallel_graph(saver, runs):
    def make(name, asks):
        def node(state):
            runs.append(name)
            if asks:
                return {"log": [f"{name}={interrupt(f'question from {name}')}"]}
            return {"log": [name]}
        return node

    builder = StateGraph(S)
    for name, asks in (("a", True), ("b", True), ("c", False)):
        builder.add_node(name, make(name, asks)).add_edge(START, name)
    builder.add_node("join", lambda s: {"log": ["join"]}).add_edge(["a", "b", "c"], "join")
    return builder.compile(checkpointer=saver)


def test_parallel_interrupts_resume_map_keeps_finished_siblings(store):
    runs = []
    first = parallel_graph(store.saver, runs).invoke({}, cfg())
    ids = {i.value: i.id for i in first["__interrupt__"]}
    graph = parallel_graph(store.restart(), runs)
    assert graph.get_state(cfg()).next == ("a", "b")
    with pytest.raises(RuntimeError, match="multiple pending interrupts"):
        graph.invoke(Command(resume="x"), cfg())
    partial = graph.invoke(Command(resume={ids["question from a"]: "A!"}), cfg())
    assert partial["log"] == ["a=A!", "c"] and [i.id for i in partial["__interrupt__"]] == [ids["question from b"]]
    graph = parallel_graph(store.restart(), runs)
    done = graph.invoke(Command(resume={ids["question from b"]: "B!"}), cfg())
    assert done == {"log": ["a=A!", "b=B!", "c", "join"]}
    assert runs.count("c") == 1, "a finished sibling is not re-run after a restart"


def test_send_workers_interrupt_and_one_map_resumes_all(store):
    def build(saver):
        def fan(state):
            return [Send("worker", {"item": i}) for i in state["items"]]

        def worker(arg):
            return {"log": [f"{arg['item']}:{interrupt(arg['item'])}"]}

        return StateGraph(S).add_node(worker).add_conditional_edges(START, fan, ["worker"]).compile(checkpointer=saver)

    first = build(store.saver).invoke({"items": ["x", "y", "z"]}, cfg())
    answers = {i.id: f"ok-{i.value}" for i in first["__interrupt__"]}
    assert len(answers) == 3
    assert build(store.restart()).invoke(Command(resume=answers), cfg())["log"] == ["x:ok-x", "y:ok-y", "z:ok-z"]


def test_exit_durability_keeps_pending_writes(store):
    runs = []
    graph = parallel_graph(store.saver, runs)
    first = graph.invoke({}, cfg(), durability="exit")
    assert [h.metadata["source"] for h in graph.get_state_history(cfg())] == ["loop"]
    answers = {i.id: i.value[-1] for i in first["__interrupt__"]}
    graph = parallel_graph(store.restart(), runs)
    assert graph.invoke(Command(resume=answers), cfg(), durability="exit")["log"] == ["a=a", "b=b", "c", "join"]
    assert runs.count("c") == 1


def test_subgraph_interrupt_resumes_after_restart(store):
    class Sub(TypedDict, total=False):
        answer: str

    class Outer(TypedDict, total=False):
        answer: str
        log: Annotated[list, operator.add]

    def build(saver):
        inner = StateGraph(Sub).add_node("inner", lambda s: {"answer": f"inner={interrupt('inner?')}"})
        inner = inner.add_edge(START, "inner").compile()
        outer = StateGraph(Outer).add_node("sub", inner).add_node("after", lambda s: {"log": [s["answer"]]})
        return outer.add_edge(START, "sub").add_edge("sub", "after").compile(checkpointer=saver)

    first = build(store.saver).invoke({"log": ["start"]}, cfg())
    assert [i.value for i in first["__interrupt__"]] == ["inner?"]
    graph = build(store.restart())
    assert graph.get_state(cfg()).next == ("sub",)
    assert graph.invoke(Command(resume="yes"), cfg()) == {"answer": "inner=yes", "log": ["start", "inner=yes"]}


# -- pending writes ------------------------------------------------------------------------------------------------


def test_failed_sibling_reruns_alone_after_restart(store):
    runs = []
    broken = {"on": True}

    def build(saver):
        def good(state):
            runs.append("good")
            return {"log": ["good"]}

        def boom(state):
            runs.append("boom")
            if broken["on"]:
                raise ValueError("boom failed")
            return {"log": ["boom"]}

        builder = StateGraph(S).add_node(good).add_node(boom).add_node("after", lambda s: {"log": ["after"]})
        builder.add_edge(START, "good").add_edge(START, "boom").add_edge(["good", "boom"], "after")
        return builder.compile(checkpointer=saver)

    with pytest.raises(ValueError, match="boom failed"):
        build(store.saver).invoke({}, cfg())
    graph = build(store.restart())
    state = graph.get_state(cfg())
    assert state.next == ("boom",)
    assert [t.error for t in state.tasks if t.name == "boom"] == ["ValueError('boom failed')"]
    broken["on"] = False
    assert graph.invoke(None, cfg()) == {"log": ["boom", "good", "after"]}
    assert sorted(runs) == ["boom", "boom", "good"]


def test_functional_task_results_are_not_recomputed_after_restart(store):
    calls = []

    def build(saver):
        @task
        def write_essay(topic: str) -> str:
            calls.append(topic)
            return f"An essay about {topic}"

        @task
        def score(text: str) -> int:
            calls.append("score")
            return len(text)

        @entrypoint(checkpointer=saver)
        def workflow(topic: str) -> dict:
            essay = write_essay(topic).result()
            points = score(essay).result()
            approved = interrupt({"essay": essay, "points": points})
            return {"essay": essay, "points": points, "approved": approved}

        return workflow

    first = build(store.saver).invoke("cats", cfg("essay"))
    assert first["__interrupt__"][0].value == {"essay": "An essay about cats", "points": 19}
    workflow = build(store.restart())
    assert workflow.get_state(cfg("essay")).next == ("workflow",)
    assert workflow.invoke(Command(resume=True), cfg("essay")) == {
        "essay": "An essay about cats", "points": 19, "approved": True}
    assert calls == ["cats", "score"], "finished @task calls are not run again after a restart"


# -- state API -----------------------------------------------------------------------------------------------------


def chain(saver, **kw):
    builder = StateGraph(S)
    for name in ("a", "b", "c"):
        builder.add_node(name, lambda s, n=name: {"log": [n]})
    builder.add_edge(START, "a").add_edge("a", "b").add_edge("b", "c")
    return builder.compile(checkpointer=saver, **kw)


def test_history_limit_before_filter(store):
    chain(store.saver).invoke({"x": 1}, cfg())
    graph = chain(store.restart())
    history = list(graph.get_state_history(cfg()))
    assert [(h.metadata["step"], h.metadata["source"], h.next) for h in history] == [
        (3, "loop", ()), (2, "loop", ("c",)), (1, "loop", ("b",)), (0, "loop", ("a",)), (-1, "input", ("__start__",)),
    ]
    assert history[0].values == {"log": ["a", "b", "c"], "x": 1} and history[-1].values == {"log": []}
    assert [h.metadata["step"] for h in graph.get_state_history(cfg(), limit=2)] == [3, 2]
    assert [h.metadata["step"] for h in graph.get_state_history(cfg(), filter={"source": "loop"})] == [3, 2, 1, 0]
    assert [h.metadata["step"] for h in graph.get_state_history(cfg(), filter={"source": "loop"}, limit=1)] == [3]
    assert [h.metadata["step"] for h in graph.get_state_history(cfg(), filter={"step": 1})] == [1]
    assert [h.metadata["step"] for h in graph.get_state_history(cfg(), filter={"parents": {}}, limit=3)] == [3, 2, 1]
    assert [h.metadata["step"] for h in graph.get_state_history(cfg(), before=history[1].config)] == [1, 0, -1]
    assert [h.metadata["step"] for h in graph.get_state_history(cfg(), before=history[1].config, limit=1)] == [1]
    for newer, older in zip(history, history[1:]):
        assert newer.parent_config == older.config
    assert history[-1].parent_config is None
    assert graph.get_state(history[2].config).values == {"log": ["a"], "x": 1}


def test_update_state_and_as_node(store):
    chain(store.saver, interrupt_before=["b"]).invoke({}, cfg())
    graph = chain(store.restart(), interrupt_before=["b"])
    graph.update_state(cfg(), {"log": ["manual"]})
    assert graph.get_state(cfg()).next == ("b",)
    graph = chain(store.restart(), interrupt_before=["b"])
    graph.update_state(cfg(), {"log": ["as-b"]}, as_node="b")
    state = graph.get_state(cfg())
    assert state.next == ("c",) and state.values["log"] == ["a", "manual", "as-b"]
    assert state.metadata["source"] == "update"
    assert graph.invoke(None, cfg())["log"] == ["a", "manual", "as-b", "c"]


def test_replay_and_fork(store):
    chain(store.saver).invoke({}, cfg())
    graph = chain(store.restart())
    at_b = next(h for h in graph.get_state_history(cfg()) if h.next == ("b",))
    assert graph.invoke(None, at_b.config)["log"] == ["a", "b", "c"]
    sources = [h.metadata["source"] for h in graph.get_state_history(cfg())]
    assert sources[:4] == ["loop", "loop", "fork", "loop"]
    graph = chain(store.restart())
    forked = graph.update_state(at_b.config, {"x": 100})
    assert graph.invoke(None, forked) == {"log": ["a", "b", "c"], "x": 100}
    # new input at an old checkpoint branches again
    assert graph.invoke({"log": ["NEW"]}, at_b.config)["log"] == ["a", "NEW", "a", "b", "c"]


def test_several_threads_in_one_store(store):
    graph = chain(store.saver, interrupt_after=["a"])
    for name in ("one", "two", "three"):
        graph.invoke({"x": len(name)}, cfg(name))
    graph = chain(store.restart(), interrupt_after=["a"])
    graph.invoke(None, cfg("two"))
    assert graph.get_state(cfg("one")).next == ("b",) and graph.get_state(cfg("two")).next == ()
    assert graph.get_state(cfg("three")).values == {"log": ["a"], "x": 5}
    assert sorted(store.saver.list_threads()) == ["one", "three", "two"]
    store.saver.delete_thread("one")
    assert graph.get_state(cfg("one")).values == {} and list(graph.get_state_history(cfg("one"))) == []
    assert sorted(store.saver.list_threads()) == ["three", "two"]
    assert graph.invoke(None, cfg("three")) == {"log": ["a", "b", "c"], "x": 5}
    assert len(list(store.saver.list(None))) == len(list(store.saver.list(cfg("two")))) + len(
        list(store.saver.list(cfg("three"))))


def test_list_paused_threads(store):
    runs = []
    parallel_graph(store.saver, runs).invoke({}, cfg("parallel"))
    ask_graph(store.saver, []).invoke({}, cfg("single"))
    chain(store.saver, interrupt_after=["a"]).invoke({}, cfg("breakpoint"))  # a static breakpoint is not listed
    chain(store.saver).invoke({}, cfg("finished"))
    saver = store.restart()
    paused = saver.list_paused_threads()
    assert [p.thread_id for p in paused] == ["single", "parallel"], "most recently paused first"
    assert all(isinstance(p, PausedThread) for p in paused)
    single = paused[0]
    assert single.config == ask_graph(saver, []).get_state(cfg("single")).config
    assert [i.value for i in single.interrupts] == [{"q": "name?"}] and single.created_at
    assert sorted(i.value for i in paused[1].interrupts) == ["question from a", "question from b"]
    # answering one of two parallel interrupts leaves the other one listed
    graph = parallel_graph(saver, runs)
    ids = {i.value: i.id for i in paused[1].interrupts}
    graph.invoke(Command(resume={ids["question from a"]: "A"}), cfg("parallel"))
    again = {p.thread_id: p for p in saver.list_paused_threads()}
    assert [i.value for i in again["parallel"].interrupts] == ["question from b"]
    graph.invoke(Command(resume={ids["question from b"]: "B"}), cfg("parallel"))
    assert [p.thread_id for p in saver.list_paused_threads()] == ["single"]


# -- values --------------------------------------------------------------------------------------------------------


class Mood(enum.Enum):
    HAPPY = "happy"


@dataclasses.dataclass
class Note:
    text: str
    when: dt.datetime
    tags: frozenset = frozenset()


try:
    import pydantic

    class Score(pydantic.BaseModel):
        score: float
        labels: list[str]
except ImportError:  # pragma: no cover - pydantic is a dev dependency
    Score = None  # type: ignore[assignment,misc]


class Rich(TypedDict, total=False):
    note: Note
    mood: Mood
    pair: tuple
    seen: set
    raw: bytes
    model: Any


def test_rich_values_round_trip_across_restart(store):
    if Score is None:
        pytest.skip("pydantic is not installed")
    values = {
        "note": Note("hi", dt.datetime(2026, 1, 2, 3, 4, 5, tzinfo=dt.timezone.utc), frozenset({"a"})),
        "mood": Mood.HAPPY, "pair": (1, "two"), "seen": {1, 2}, "raw": b"\x00\x01",
        "model": Score(score=0.5, labels=["x"]),
    }

    def build(saver):
        graph = StateGraph(Rich).add_node("ask", lambda s: {"pair": (interrupt("go?"), 2)})
        return graph.add_edge(START, "ask").compile(checkpointer=saver)

    build(store.saver).invoke(values, cfg())
    graph = build(store.restart())
    state = graph.get_state(cfg())
    assert state.values == values
    assert type(state.values["note"]) is Note and type(state.values["model"]) is Score
    assert graph.invoke(Command(resume="yes"), cfg())["pair"] == ("yes", 2)


# -- concurrency inside one process --------------------------------------------------------------------------------


def test_nodes_on_worker_threads_and_concurrent_threads(store):
    def build(saver):
        builder = StateGraph(S)
        for name in "abcd":
            builder.add_node(name, lambda s, n=name: {"log": [n]}).add_edge(START, name)
        builder.add_node("ask", lambda s: {"x": interrupt("n?")}).add_edge(["a", "b", "c", "d"], "ask")
        return builder.compile(checkpointer=saver)

    graph = build(store.saver)
    errors = []

    def work(i):
        try:
            graph.invoke({}, cfg(f"w{i}"))
            graph.invoke(Command(resume=i), cfg(f"w{i}"))
        except BaseException as exc:  # noqa: BLE001 - reported below
            errors.append(exc)

    workers = [threading.Thread(target=work, args=(i,)) for i in range(6)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(30)
    assert not errors
    graph = build(store.restart())
    for i in range(6):
        assert graph.get_state(cfg(f"w{i}")).values == {"log": ["a", "b", "c", "d"], "x": i}


def test_async_api(store):
    import asyncio

    def build(saver):
        async def ask(state):
            return {"x": interrupt("n?")}

        return StateGraph(S).add_node("ask", ask).add_edge(START, "ask").add_edge("ask", END).compile(
            checkpointer=saver)

    async def main():
        graph = build(store.saver)
        await graph.ainvoke({"x": 0}, cfg())
        return await build(store.restart()).ainvoke(Command(resume=5), cfg())

    assert asyncio.run(main()) == {"x": 5, "log": []}
