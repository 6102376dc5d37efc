"""Fixtures for the notebook layer: a counting comm stub (no frontend), the two seed programs, run helpers."""

from __future__ import annotations

import time
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any, Literal, TypedDict

import comm
import pytest

from hitl_notebook.notebook import RunHandle, run
from hitl_notebook.notebook import _capture
from tests.conftest import engine_api


class CountingComm:
    """Stands in for a kernel comm (like ipywidgets' own tests' ``DummyComm``) and records every message."""

    kernel = "Truthy"
    log: list[dict] = []

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.comm_id = kwargs.get("comm_id") or f"comm-{id(self)}"

    def open(self, *args: Any, **kwargs: Any) -> None:
        pass

    def on_msg(self, *args: Any, **kwargs: Any) -> None:
        pass

    def on_close(self, *args: Any, **kwargs: Any) -> None:
        pass

    def send(self, data: Any = None, buffers: Any = None, **kwargs: Any) -> None:
        CountingComm.log.append({"comm": self.comm_id, "data": data})

    def close(self, *args: Any, **kwargs: Any) -> None:
        pass


@pytest.fixture(autouse=True)
def comms(monkeypatch) -> list[dict]:
    """Widgets get a :class:`CountingComm`; the fixture value is the list of messages they sent."""
    CountingComm.log = []
    monkeypatch.setattr(comm, "create_comm", lambda *a, **k: CountingComm(*a, **k))
    yield CountingComm.log


@pytest.fixture(autouse=True)
def clean_env(monkeypatch):
    monkeypatch.delenv("HITL_NOTEBOOK_POLICY", raising=False)
    monkeypatch.delenv("HITL_NOTEBOOK_UI", raising=False)
    yield
    _capture.uninstall()


@pytest.fixture
def start() -> Callable[..., RunHandle]:
    """``start(graph, input, **run_kwargs)``: a widget-mode run (no display), waited until it needs a human."""

    def go(graph: Any, input: Any = None, config: dict | None = None, **kwargs: Any) -> RunHandle:
        kwargs.setdefault("ui", "widgets")
        kwargs.setdefault("display", False)
        handle = run(graph, input, config, **kwargs)
        handle.wait_idle(timeout=10)
        return handle

    return go


# -- the seed programs, written against either engine's API (``eng``) ------------------------------------------


class SeedState(TypedDict):
    llm_output: str
    decision: str


def seed000(checkpointer: Any = None, eng: SimpleNamespace | None = None) -> Any:
    """Seed 000: approve or reject with interrupt (expects resume "approve" / "reject"), compiled by ``eng``
    (see ``tests/conftest.py``; this package's engine by default)."""
    eng = eng or engine_api("hitl_notebook")
    StateGraph, END, Command, interrupt = eng.StateGraph, eng.END, eng.Command, eng.interrupt

    def generate_llm_output(state: SeedState) -> SeedState:
        return {"llm_output": "This is the generated output."}

    def human_approval(state: SeedState) -> Command[Literal["approved_path", "rejected_path"]]:
        decision = interrupt({
            "question": "Do you approve the following output?",
            "llm_output": state["llm_output"]
        })
        if decision == "approve":
            return Command(goto="approved_path", update={"decision": "approved"})
        else:
            return Command(goto="rejected_path", update={"decision": "rejected"})

    def approved_node(state: SeedState) -> SeedState:
        print("✅ Approved path taken.")
        return state

    def rejected_node(state: SeedState) -> SeedState:
        print("❌ Rejected path taken.")
        return state

    builder = StateGraph(SeedState)
    builder.add_node("generate_llm_output", generate_llm_output)
    builder.add_node("human_approval", human_approval)
    builder.add_node("approved_path", approved_node)
    builder.add_node("rejected_path", rejected_node)
    builder.set_entry_point("generate_llm_output")
    builder.add_edge("generate_llm_output", "human_approval")
    builder.add_edge("approved_path", END)
    builder.add_edge("rejected_path", END)
    return builder.compile(checkpointer=checkpointer if checkpointer is not None else eng.InMemorySaver())


def seed003(checkpointer: Any = None, eng: SimpleNamespace | None = None) -> Any:
    """Seed 003: functional essay review (expects a boolean), compiled by ``eng`` (this package's by default)."""
    eng = eng or engine_api("hitl_notebook")
    task, entrypoint, interrupt = eng.task, eng.entrypoint, eng.interrupt

    @task
    def write_essay(topic: str) -> str:
        """Write an essay about the given topic."""
        time.sleep(0.01)  # A placeholder for a long-running task.
        return f"An essay about topic: {topic}"

    @entrypoint(checkpointer=checkpointer if checkpointer is not None else eng.InMemorySaver())
    def workflow(topic: str) -> dict:
        """A simple workflow that writes an essay and asks for a review."""
        essay = write_essay("cat").result()
        is_approved = interrupt({
            "essay": essay,
            "action": "Please approve/reject the essay",
        })
        return {"essay": essay, "is_approved": is_approved}

    return workflow


@pytest.fixture
def seeds(eng: SimpleNamespace) -> SimpleNamespace:
    """``seeds.seed000(checkpointer=None)`` and ``seeds.seed003(checkpointer=None)`` build fresh seed graphs with
    the ``eng`` engine, so a test that uses them runs once per engine; ``seeds.eng`` is that engine's API."""
    return SimpleNamespace(seed000=lambda checkpointer=None: seed000(checkpointer, eng),
                           seed003=lambda checkpointer=None: seed003(checkpointer, eng), eng=eng)


def picture_svg(html: str) -> str:
    """The SVG inside the view's graph picture (an ``<img>`` with a base64 data URI)."""
    import base64
    import re

    match = re.search(r"data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)", html)
    assert match is not None, f"no SVG picture in {html[:200]!r}"
    return base64.b64decode(match.group(1)).decode("utf-8")
