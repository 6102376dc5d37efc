"""Access the running task's config, store and stream writer, as ``langgraph.config`` does."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from .pregel._context import current_task
from .types import StreamWriter

if TYPE_CHECKING:
    from .store.base import BaseStore

__all__ = ["get_config", "get_store", "get_stream_writer"]


def get_config() -> dict[str, Any]:
    """The config of the task that is running now (raises outside a run)."""
    return current_task().config


def get_store() -> "BaseStore | None":
    """The store the running graph or ``@entrypoint`` was given (``compile(store=...)``), or ``None`` without one.

    A nested subgraph sees its parent's store. Raises ``RuntimeError`` outside a run, as LangGraph 1.2 does.
    """
    run = current_task().run
    return run.kv_store if run is not None else None


def get_stream_writer() -> StreamWriter:
    """A function that emits ``custom`` stream chunks; a no-op when ``custom`` was not requested."""
    return current_task().writer
