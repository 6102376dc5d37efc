"""Which engine compiled a graph, and the few facts the view needs from that engine's public API.

The run view drives graphs compiled by this package, by the real ``langgraph`` package, and LangChain v1 agents
(``create_agent`` returns a LangGraph graph). It uses only what both engines offer publicly: ``stream`` with
``subgraphs=True``, ``get_state`` / ``get_state_history``, the engine's own ``Command`` for resuming (LangGraph
treats a foreign ``Command`` as new input and restarts the graph), and the engine's ``get_config()`` inside a
node to learn which task printed. This engine also tags ``custom`` chunks with the task that wrote them
(``stream(..., custom_source=True)``); for LangGraph graphs a chunk's task comes from its namespace, or from the
only task running. ``langgraph`` is imported only when the graph comes from it.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Engine", "engine_of", "root_task_id"]


@dataclass(frozen=True)
class Engine:
    """The engine behind a graph: ``"hitl_notebook"`` or ``"langgraph"``."""

    name: str
    command: type
    """The ``Command`` class whose ``resume`` this engine recognises."""
    get_config: Callable[[], dict[str, Any]]
    """The engine's ``get_config()``: the running task's config (raises outside a node)."""
    stream_options: dict[str, Any] = field(default_factory=dict)
    """Extra keywords for ``graph.stream`` that only this engine takes."""

    def resume(self, value: Any) -> Any:
        """``Command(resume=value)`` of this engine."""
        return self.command(resume=value)

    def task_of_context(self) -> tuple[str, str] | None:
        """``(task_id, node)`` of the root-graph task running in the current context (e.g. the one printing)."""
        try:
            config = self.get_config()
        except Exception:  # outside a node: both engines raise
            return None
        configurable = config.get("configurable") or {}
        return root_task_id(configurable.get("checkpoint_ns") or "")


def root_task_id(namespace: str | tuple[str, ...] | None) -> tuple[str, str] | None:
    """``(task_id, node)`` of the root task in a checkpoint namespace (``"node:id|child:id2"`` or a tuple of
    segments, as ``subgraphs=True`` streams give); ``None`` for the root graph itself."""
    if not namespace:
        return None
    first = namespace[0] if isinstance(namespace, tuple) else namespace.split("|", 1)[0]
    node, sep, task_id = first.partition(":")
    return (task_id, node) if sep and task_id else None


_ENGINES: dict[str, Engine] = {}


def engine_of(graph: Any) -> Engine:
    """The engine that compiled ``graph`` (looked up from its class's module).

    Raises:
        TypeError: ``graph`` is neither a graph of this package nor one of ``langgraph`` (e.g. an uncompiled
            ``StateGraph`` builder), with the fix.
    """
    for cls in type(graph).__mro__:
        root = (cls.__module__ or "").split(".", 1)[0]
        if root in ("hitl_notebook", "langgraph"):
            if callable(getattr(graph, "stream", None)) and callable(getattr(graph, "get_state", None)):
                return _load(root)
            break
    hint = " Call .compile() on the builder first." if hasattr(graph, "compile") else ""
    raise TypeError(f"run() and show() take a compiled graph or @entrypoint of hitl_notebook or langgraph (or a "
                    f"LangChain create_agent agent); got {type(graph).__module__}.{type(graph).__qualname__}.{hint}")


def _load(name: str) -> Engine:
    engine = _ENGINES.get(name)
    if engine is None:
        types = importlib.import_module(f"{name}.types")
        config = importlib.import_module(f"{name}.config")
        options = {"custom_source": True} if name == "hitl_notebook" else {}
        engine = _ENGINES[name] = Engine(name, types.Command, config.get_config, options)
    return engine
