"""Through a real kernel (see bench/_kernel.py): async graphs run in the cell and are answered by a click (issue 17
item 8); awaiting a handle waits or fails at once, never hangs, and the stop button ends a wait (item 9)."""

from __future__ import annotations

import time
from typing import Any

import pytest

pytest.importorskip("jupyter_client")
pytest.importorskip("ipykernel")

from bench._kernel import KernelSession  # noqa: E402
from tests.notebook.test_kernel_lifecycle import errors, stdout  # noqa: E402

ASYNC_SEED = '''
import asyncio
from typing import Any, TypedDict
from hitl_notebook.graph import StateGraph, START
from hitl_notebook.types import interrupt
from hitl_notebook.checkpoint.memory import InMemorySaver
from hitl_notebook.notebook import run, RunPendingError

class S(TypedDict, total=False):
    draft: str
    verdict: Any

async def write(state: S):
    await asyncio.sleep(0.01)
    print("drafting")
    return {"draft": "hello"}

async def review(state: S):
    return {"verdict": interrupt({"question": "Ship it?", "draft": state["draft"]})}

graph = (StateGraph(S).add_node("write", write).add_node("review", review).add_edge(START, "write")
         .add_edge("write", "review").compile(checkpointer=InMemorySaver()))
'''


@pytest.mark.slow
def test_an_async_graph_runs_in_the_cell_and_a_click_resumes_it():
    with KernelSession() as kernel:
        assert not errors(kernel.run(ASYNC_SEED))
        started = time.monotonic()
        outputs = kernel.run("handle = run(graph, {})")
        assert not errors(outputs) and time.monotonic() - started < 10
        assert kernel.value("handle.wait_idle(timeout=30).value") == "'waiting'"
        [approve] = kernel.comm_ids("ButtonModel", description="Approve")
        kernel.click(approve)
        outputs = kernel.run("print(handle.wait(timeout=30))")
        assert "'verdict': 'approve'" in stdout(outputs), outputs
        assert "drafting" in kernel.value("handle.log_text()")
