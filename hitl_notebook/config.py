"""Access the running task's config and stream writer, as ``langgraph.config`` does."""

from __future__ import annotations

from typing import Any

from .pregel._context import current_task
from .types import StreamWriter

__all__ = ["get_config", "get_stream_writer"]


def get_config() -> dict[str, Any]:
    """The config of the task that is running now (raises outside a run)."""
    return current_task().config


def get_stream_writer() -> StreamWriter:
    """A function that emits ``custom`` stream chunks; a no-op when ``custom`` was not requested."""
    return current_task().writer
