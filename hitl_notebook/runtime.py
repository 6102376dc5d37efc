"""``Runtime``: the run-scoped context, store and stream writer a node can ask for, as ``langgraph.runtime`` (1.2).

A node, router, ``@task`` or ``@entrypoint`` function gets it by declaring a ``runtime`` parameter (any
annotation, e.g. ``runtime: Runtime[Context]``), or from ``get_runtime()`` while it runs. The context is what
``invoke(..., context=...)`` was given (a dict is turned into the graph's ``context_schema`` when that is a
dataclass or pydantic model); nested subgraphs inherit it, and the store, from the graph that runs them.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, field, is_dataclass, replace
from typing import Any, Generic, TypeVar, is_typeddict

from .store.base import BaseStore
from .types import StreamWriter

__all__ = ["ExecutionInfo", "Runtime", "get_runtime"]

ContextT = TypeVar("ContextT")


@dataclass(frozen=True, slots=True)
class ExecutionInfo:
    """Read-only facts about the task that is running: its checkpoint, namespace, ids and attempt number."""

    checkpoint_id: str
    checkpoint_ns: str
    task_id: str
    thread_id: str | None = None
    run_id: str | None = None
    node_attempt: int = 1
    node_first_attempt_time: float | None = None

    def patch(self, **overrides: Any) -> "ExecutionInfo":
        """A copy with ``overrides`` applied."""
        return replace(self, **overrides)


def _no_op_stream_writer(_chunk: Any) -> None:
    return None


def _no_op_heartbeat() -> None:
    return None


@dataclass(kw_only=True, slots=True, frozen=True)
class Runtime(Generic[ContextT]):
    """Run-scoped dependencies of a node: ``context``, ``store``, ``stream_writer``, ``previous``, ``execution_info``.

    ``previous`` is the value an ``@entrypoint`` saved on its thread's last run (``None`` elsewhere).
    ``heartbeat()`` records progress for the node's ``idle_timeout`` (a no-op outside a node with one), as LangGraph.
    ``server_info`` is always ``None`` (no LangGraph Server here). ``Runtime`` carries no ``config``: declare a
    ``config`` parameter or call ``get_config()`` for that, as in LangGraph.
    """

    context: ContextT = field(default=None)  # type: ignore[assignment]
    store: BaseStore | None = field(default=None)
    stream_writer: StreamWriter = field(default=_no_op_stream_writer)
    heartbeat: Callable[[], None] = field(default=_no_op_heartbeat)
    previous: Any = field(default=None)
    execution_info: ExecutionInfo | None = field(default=None)
    server_info: Any = field(default=None)

    def merge(self, other: "Runtime[ContextT]") -> "Runtime[ContextT]":
        """``other``'s values where it has them, this runtime's otherwise (LangGraph's rule, falsy counts as unset)."""
        return Runtime(
            context=other.context or self.context,
            store=other.store or self.store,
            stream_writer=self.stream_writer if other.stream_writer is _no_op_stream_writer else other.stream_writer,
            heartbeat=self.heartbeat if other.heartbeat is _no_op_heartbeat else other.heartbeat,
            previous=self.previous if other.previous is None else other.previous,
            execution_info=other.execution_info or self.execution_info,
            server_info=other.server_info or self.server_info,
        )

    def override(self, **overrides: Any) -> "Runtime[ContextT]":
        """A copy with the named fields replaced."""
        return replace(self, **overrides)

    def patch_execution_info(self, **overrides: Any) -> "Runtime[ContextT]":
        """A copy whose ``execution_info`` has ``overrides`` applied; raises ``RuntimeError`` before it is set."""
        if self.execution_info is None:
            raise RuntimeError("Cannot patch execution_info before it has been set")
        return replace(self, execution_info=self.execution_info.patch(**overrides))


def get_runtime(context_schema: type[ContextT] | None = None) -> Runtime[ContextT]:
    """The ``Runtime`` of the node, router or task running now.

    ``context_schema`` only helps type checkers. Raises ``RuntimeError`` outside a run (LangGraph's text, plus
    where it does work).
    """
    from .pregel._context import current_task

    return current_task().public_runtime()


def coerce_context(context_schema: Any, context: Any) -> Any:
    """``invoke(context=...)`` as nodes see it: a dict becomes ``context_schema(**dict)`` for a dataclass or
    pydantic model schema (as LangGraph 1.2); anything else is passed through unchanged."""
    if context is None or context_schema is None or not isinstance(context, dict):
        return context
    if is_dataclass(context_schema) or _is_pydantic_model(context_schema):
        return context_schema(**context)
    return context


def _is_pydantic_model(schema: Any) -> bool:
    pydantic = sys.modules.get("pydantic")  # a pydantic class can only exist once pydantic is imported
    return pydantic is not None and isinstance(schema, type) and issubclass(schema, pydantic.BaseModel)


def context_jsonschema(context_schema: Any) -> dict[str, Any] | None:
    """JSON Schema of a graph's ``context_schema`` (pydantic model, TypedDict or dataclass), as LangGraph 1.2."""
    if context_schema is None:
        return None
    if _is_pydantic_model(context_schema):
        return context_schema.model_json_schema()
    if _is_typeddict(context_schema) or is_dataclass(context_schema):
        from pydantic import TypeAdapter  # pydantic builds the schema, as for get_input_jsonschema

        return TypeAdapter(context_schema).json_schema()
    raise ValueError(
        f"Invalid context schema type: {context_schema}. Must be a BaseModel, TypedDict or dataclass."
    )


def _is_typeddict(schema: Any) -> bool:
    """``typing`` or ``typing_extensions`` TypedDict (the latter is what pydantic wants before Python 3.12)."""
    extensions = sys.modules.get("typing_extensions")
    return is_typeddict(schema) or (extensions is not None and extensions.is_typeddict(schema))
