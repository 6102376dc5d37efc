"""What a tool call can see of the running graph: its context, store, stream writer and current state."""

from __future__ import annotations

from typing import Any

from ..pregel._context import running_task


def _no_writer(_chunk: Any) -> None:
    return None


def graph_runtime() -> tuple[Any, Any, Any]:
    """``(context, store, stream_writer)`` of the running graph task; ``(None, None, no-op)`` outside a run."""
    task = running_task()
    if task is None:
        return None, None, _no_writer
    from ..runtime import get_runtime

    runtime = get_runtime()
    return runtime.context, runtime.store, runtime.stream_writer


def read_state(config: dict[str, Any]) -> dict[str, Any]:
    """The graph state as the running task sees it now (for tool calls sent without their state)."""
    read = config.get("configurable", {}).get("__pregel_read")
    if read is None:
        return {}
    return {k: v for k, v in read([]).items() if not k.startswith("__")}


def node_runtime() -> Any:
    """The running node's ``Runtime`` (context, store, stream writer), for dynamic model callables."""
    from ..runtime import get_runtime

    return get_runtime()
