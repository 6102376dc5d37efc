"""@entrypoint and @task: futures, parallelism, caching across resumes, previous/final, async, errors."""

from __future__ import annotations

import asyncio
import threading

import pytest

from hitl_notebook.checkpoint.memory import InMemorySaver
from hitl_notebook.config import get_stream_writer
from hitl_notebook.func import entrypoint, task
from hitl_notebook.types import Command, interrupt


def test_seed_essay_review_streams_like_langgraph():
    calls = []

    @task
    def write_essay(topic: str) -> str:
        calls.append(topic)
        return f"An essay about topic: {topic}"

    @entrypoint(checkpointer=InMemorySaver())
    def workflow(topic: str) -> dict:
        essay = write_essay(topic).result()
        approved = interrupt({"essay": essay, "action": "Please approve/reject the essay"})
        return {"essay": essay, "is_approved": approved}

    config = {"configurable": {"thread_id": "essay"}}
    first = list(workflow.stream("cat", config))
    assert first[0] == {"write_essay": "An essay about topic: cat"}
    assert list(first[1]) == ["__interrupt__"] and first[1]["__interrupt__"][0].value["essay"].endswith("cat")
    assert workflow.get_state(config).next == ("workflow",)
    assert list(workflow.stream(Command(resume=True), config)) == [
        {"workflow": {"essay": "An essay about topic: cat", "is_approved": True}}
    ]
    assert calls == ["cat"], "a finished task is not called again on resume"
    assert workflow.get_state(config).values == {"essay": "An essay about topic: cat", "is_approved": True}
    history = [(h.metadata["source"], h.metadata["step"], h.next) for h in workflow.get_state_history(config)]
    assert history == [("loop", 0, ()), ("input", -1, ("workflow",))]


def test_task_calls_before_result_run_in_parallel_and_are_cached():
    barrier = threading.Barrier(3, timeout=5)
    calls = []

    @task
    def slow(i: int) -> int:
        calls.append(i)
        if i < 100:
            barrier.wait()
        return i * 10

    @entrypoint(checkpointer=InMemorySaver())
    def par(n: int) -> list:
        futures = [slow(i) for i in (1, 2, 3)]
        values = [f.result() for f in futures]
        interrupt("continue?")
        return values + [slow(100).result()]

    config = {"configurable": {"thread_id": "par"}}
    assert "__interrupt__" in par.invoke(0, config)
    assert par.invoke(Command(resume="go"), config) == [10, 20, 30, 1000]
    assert sorted(calls) == [1, 2, 3, 100]


def test_previous_and_final():
    @entrypoint(checkpointer=InMemorySaver())
    def counter(n: int, *, previous=None):
        previous = previous or 0
        return entrypoint.final(value=previous, save=previous + n)

    @entrypoint(checkpointer=InMemorySaver())
    def accumulate(n: int, *, previous=None):
        return (previous or []) + [n]

    config = {"configurable": {"thread_id": "c"}}
    assert [counter.invoke(i, config) for i in (1, 2, 3)] == [0, 1, 3]
    assert [accumulate.invoke(i, config) for i in (1, 2, 3)] == [[1], [1, 2], [1, 2, 3]]


def test_interrupt_inside_a_task_then_resume():
    @task
    def review(text: str) -> str:
        return interrupt(f"review {text}")

    @entrypoint(checkpointer=InMemorySaver())
    def wf(text: str) -> dict:
        return {"a": review(text).result()}

    config = {"configurable": {"thread_id": "r"}}
    first = list(wf.stream("t", config))
    assert list(first[-1]) == ["__interrupt__"]
    assert list(wf.stream(Command(resume="fine"), config)) == [{"review": "fine"}, {"wf": {"a": "fine"}}]


def test_custom_stream_from_tasks_and_writer_parameter():
    @task
    def step(i: int) -> int:
        get_stream_writer()({"task": i})
        return i

    @entrypoint()
    def wf(n: int, *, writer) -> int:
        writer("start")
        return sum(step(i).result() for i in range(n))

    chunks = list(wf.stream(2, stream_mode=["custom", "updates"]))
    assert chunks[0] == ("custom", "start")
    assert ("custom", {"task": 0}) in chunks and ("updates", {"step": 1}) in chunks
    assert chunks[-1] == ("updates", {"wf": 1})


def test_async_entrypoint_awaits_async_tasks():
    @task
    async def double(x: int) -> int:
        await asyncio.sleep(0)
        return x * 2

    @entrypoint(checkpointer=InMemorySaver())
    async def wf(x: int) -> int:
        return sum(await asyncio.gather(double(x), double(x + 1)))

    assert asyncio.run(wf.ainvoke(1, {"configurable": {"thread_id": "a"}})) == 6
    with pytest.raises(TypeError, match="invoke via the async API"):
        wf.invoke(1, {"configurable": {"thread_id": "b"}})


def test_bad_use_gets_clear_errors():
    @task
    def t(x):
        return x

    with pytest.raises(RuntimeError, match="outside of a runnable context"):
        t(1)

    @entrypoint()
    def two(a, b):
        return a

    with pytest.raises(TypeError, match=r"takes one positional input .* Pass several values in one dict"):
        two.invoke(1)


def test_a_failure_while_saving_a_task_result_reaches_the_caller():
    class FailingSaver(InMemorySaver):
        def put_writes(self, config, writes, task_id, task_path=""):
            if any(channel == "__return__" for channel, _ in writes):
                raise OSError("disk full")
            return super().put_writes(config, writes, task_id, task_path)

    @task
    def step(x: int) -> int:
        return x

    @entrypoint(checkpointer=FailingSaver())
    def wf(x: int) -> int:
        return step(x).result()

    with pytest.raises(OSError, match="disk full"):  # before the fix this blocked forever
        wf.invoke(1, {"configurable": {"thread_id": "f"}})


def test_sync_entrypoint_called_where_a_loop_is_running_can_use_result():
    """A notebook cell always runs with an event loop; `.result()` of a task must still work there."""

    @task
    def double(x: int) -> int:
        return 2 * x

    @entrypoint(checkpointer=InMemorySaver())
    def workflow(n: int) -> list[int]:
        return [future.result() for future in [double(i) for i in range(n)]]

    async def cell() -> list[int]:  # what ipykernel does with a cell
        return workflow.invoke(3, {"configurable": {"thread_id": "cell"}})

    assert asyncio.run(cell()) == [0, 2, 4]


def test_task_futures_can_be_gathered_in_an_async_entrypoint():
    @task
    def double(x: int) -> int:
        return 2 * x

    @entrypoint(checkpointer=InMemorySaver())
    async def workflow(n: int) -> list[int]:
        return list(await asyncio.gather(*(double(i) for i in range(n))))

    assert asyncio.run(workflow.ainvoke(3, {"configurable": {"thread_id": "g"}})) == [0, 2, 4]


def test_task_of_a_partial_is_named_after_the_function_and_cached_calls_stream_as_cached():
    import functools

    from hitl_notebook.cache.memory import InMemoryCache
    from hitl_notebook.types import CachePolicy

    calls = []

    def add(a, b):
        calls.append(b)
        return a + b

    plus_ten = task(functools.partial(add, 10), cache_policy=CachePolicy())

    @entrypoint(cache=InMemoryCache())
    def flow(x):
        return plus_ten(x).result()

    assert list(flow.stream(1)) == [{"add": 11}, {"flow": 11}]
    assert list(flow.stream(1)) == [{"add": 11, "__metadata__": {"cached": True}}, {"flow": 11}]
    assert calls == [1]


def test_a_resume_streams_the_start_of_calls_answered_from_saved_results():
    from hitl_notebook.checkpoint.memory import InMemorySaver
    from hitl_notebook.func import entrypoint, task
    from hitl_notebook.types import Command, interrupt

    ran = []

    @task
    def double(n: int) -> int:
        ran.append(n)
        return n * 2

    @entrypoint(checkpointer=InMemorySaver())
    def flow(n: int) -> dict:
        return {"d": double(n).result(), "ok": interrupt("ok?")}

    config = {"configurable": {"thread_id": "t"}}
    flow.invoke(3, config)
    events = list(flow.stream(Command(resume=True), config, stream_mode="tasks"))
    assert [(e["name"], "result" in e) for e in events] == [("flow", False), ("double", False), ("flow", True)]
    assert ran == [3]  # answered from its saved result, not run again (as LangGraph 1.2, its start still streams)
