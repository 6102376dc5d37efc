"""Shared fixtures: small graphs used across engine tests."""

from __future__ import annotations

import importlib
import operator
from types import SimpleNamespace
from typing import Annotated, TypedDict

import pytest

from hitl_notebook.checkpoint.memory import InMemorySaver


class LogState(TypedDict, total=False):
    log: Annotated[list, operator.add]
    x: int


@pytest.fixture
def saver() -> InMemorySaver:
    return InMemorySaver()


@pytest.fixture
def thread() -> dict:
    return {"configurable": {"thread_id": "t1"}}


# -- one test, both engines -------------------------------------------------------------------------------------

ENGINES = ("hitl_notebook", "langgraph")


def engine_api(name: str) -> SimpleNamespace:
    """The LangGraph-style names a test program imports, from ``hitl_notebook`` or the real ``langgraph``."""
    if name == "langgraph":
        pytest.importorskip("langgraph")
    mod = lambda path: importlib.import_module(f"{name}.{path}")  # noqa: E731
    graph, types, func, config = mod("graph"), mod("types"), mod("func"), mod("config")
    return SimpleNamespace(
        name=name, StateGraph=graph.StateGraph, START=graph.START, END=graph.END, interrupt=types.interrupt,
        Command=types.Command, Send=types.Send, entrypoint=func.entrypoint, task=func.task,
        InMemorySaver=mod("checkpoint.memory").InMemorySaver, SqliteSaver=mod("checkpoint.sqlite").SqliteSaver,
        get_stream_writer=config.get_stream_writer, get_config=config.get_config,
    )


@pytest.fixture(params=ENGINES)
def eng(request) -> SimpleNamespace:
    """Parametrizes a test over this package's engine and the real ``langgraph`` (the notebook layer drives both)."""
    return engine_api(request.param)
