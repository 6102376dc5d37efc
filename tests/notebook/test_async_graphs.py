"""run() drives async graphs (``async def`` nodes, async ``@entrypoint``) on an event loop of its own, for both
engines (issue 17 item 8)."""

from __future__ import annotations

import asyncio
from typing import Any, TypedDict

from hitl_notebook.notebook import RunStatus
from hitl_notebook.notebook._engine import needs_async


class S(TypedDict, total=False):
    draft: str
    verdict: Any


def async_graph(eng: Any, *, subgraph: bool = False) -> Any:
    async def write(state: S) -> dict:
        await asyncio.sleep(0.01)
        print("drafting")
        return {"draft": "hello"}

    async def review(state: S) -> dict:
        return {"verdict": eng.interrupt({"question": "Ship it?", "draft": state["draft"]})}

    builder = (eng.StateGraph(S).add_node("write", write).add_node("review", review)
               .add_edge(eng.START, "write").add_edge("write", "review"))
    if not subgraph:
        return builder.compile(checkpointer=eng.InMemorySaver())
    inner = builder.compile()
    return (eng.StateGraph(S).add_node("inner", inner).add_edge(eng.START, "inner")
            .compile(checkpointer=eng.InMemorySaver()))


def test_needs_async_finds_async_nodes_entrypoints_and_subgraphs(eng):
    assert needs_async(async_graph(eng)) and needs_async(async_graph(eng, subgraph=True))

    @eng.entrypoint(checkpointer=eng.InMemorySaver())
    async def flow(topic: str) -> str:
        return topic

    @eng.entrypoint(checkpointer=eng.InMemorySaver())
    def sync_flow(topic: str) -> str:
        return topic

    def node(state: S) -> dict:
        return {}

    sync = eng.StateGraph(S).add_node("n", node).add_edge(eng.START, "n").compile()
    assert needs_async(flow) and not needs_async(sync_flow) and not needs_async(sync)


def test_async_nodes_run_stream_prints_and_resume_on_a_click(eng, start):
    handle = start(async_graph(eng), {})
    assert handle.status is RunStatus.WAITING, handle.log_text()
    assert "drafting" in handle.view.text()
    handle.view.panel().button("Approve").click()
    assert handle.wait(10) == {"draft": "hello", "verdict": "approve"}


def test_async_subgraph_node_runs(eng, start):
    handle = start(async_graph(eng, subgraph=True), {})
    assert handle.status is RunStatus.WAITING, handle.log_text()
    handle.resume("reject")
    assert handle.wait(10) == {"draft": "hello", "verdict": "reject"}


def test_async_entrypoint_with_a_task_waits_and_resumes(eng, start):
    @eng.task
    async def draft(topic: str) -> str:
        await asyncio.sleep(0.01)
        return f"essay on {topic}"

    @eng.entrypoint(checkpointer=eng.InMemorySaver())
    async def flow(topic: str) -> dict:
        essay = await draft(topic)
        return {"essay": essay, "ok": eng.interrupt({"question": "Approve?", "essay": essay})}

    handle = start(flow, "cats")
    assert handle.status is RunStatus.WAITING, handle.log_text()
    handle.resume(True)
    assert handle.wait(10) == {"essay": "essay on cats", "ok": True}


def test_stopping_an_async_run_ends_it_between_steps(eng, start):
    import threading

    started = threading.Event()

    async def slow(state: S) -> dict:
        started.set()
        await asyncio.sleep(0.3)
        return {"draft": "x"}

    async def after(state: S) -> dict:
        raise AssertionError("the step after a stop must not run")

    graph = (eng.StateGraph(S).add_node("slow", slow).add_node("after", after).add_edge(eng.START, "slow")
             .add_edge("slow", "after").compile(checkpointer=eng.InMemorySaver()))
    from hitl_notebook.notebook import run

    handle = run(graph, {}, ui="widgets", display=False)
    assert started.wait(5)
    handle.stop()
    assert handle.wait_idle(10) is RunStatus.STOPPED


def test_console_run_of_an_async_graph_from_async_code(eng, capsys):
    from hitl_notebook.notebook import run

    async def main() -> Any:
        return run(async_graph(eng), {}, ui="console", policy="approve").result

    assert asyncio.run(main()) == {"draft": "hello", "verdict": "approve"}
    assert "drafting" in capsys.readouterr().out
