"""Shared fixtures: small graphs used across engine tests."""

from __future__ import annotations

import operator
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
