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

import asyncio
import importlib
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

__all__ = ["Engine", "engine_of", "needs_async", "saver_loop", "task_path"]


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
    replays_failed_answer: bool = False
    """After a node raised having received its answer (the thread still paused at that interrupt), this engine
    gives the node that same answer again on every later resume, whatever ``Command(resume=...)`` says (LangGraph
    1.2: the resume value saved for the task is replayed). This package's engine takes the new answer instead."""

    def resume(self, value: Any) -> Any:
        """``Command(resume=value)`` of this engine."""
        return self.command(resume=value)

    def task_of_context(self) -> list[tuple[str, str]]:
        """The task running in the current context (e.g. the one printing), as :func:`task_path` gives it."""
        try:
            config = self.get_config()
        except Exception:  # outside a node: both engines raise
            return []
        return task_path((config.get("configurable") or {}).get("checkpoint_ns"))


def task_path(namespace: str | tuple[str, ...] | None) -> list[tuple[str, str]]:
    """``[(task_id, node), ...]`` from the root task down, read from a checkpoint namespace (``"node:id|child:id2"``,
    or the tuple of segments a ``subgraphs=True`` stream gives); empty for the root graph itself."""
    if not namespace:
        return []
    parts = namespace if isinstance(namespace, tuple) else namespace.split("|")
    path = []
    for part in parts:
        node, sep, task_id = part.partition(":")
        if sep and task_id:
            path.append((task_id, node))
    return path


def needs_async(graph: Any) -> bool:
    """Whether ``graph`` must be driven with ``astream``: a node, ``@entrypoint`` or subgraph node of it is an
    ``async def`` with no sync version (both engines then refuse ``stream`` with "No synchronous function
    provided ... use ainvoke/astream"). This engine's nodes say so (``is_async``); LangGraph's wrap the function in
    a ``RunnableCallable`` whose ``func`` is None."""
    seen: set[int] = set()
    graphs = [graph]
    while graphs:
        current = graphs.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        for node in (getattr(current, "nodes", None) or {}).values():
            if getattr(node, "is_async", False) or _async_only(getattr(node, "bound", None)):
                return True
            graphs.extend(x for x in (getattr(node, "subgraph", None), *(getattr(node, "subgraphs", None) or ()))
                          if x is not None)
    return False


def saver_loop(graph: Any) -> asyncio.AbstractEventLoop | None:
    """The running event loop ``graph``'s checkpointer is bound to, if any (``AsyncSqliteSaver.loop`` of either
    engine: the kernel's loop when the saver was opened in a cell). Its connection and locks work only there, and
    its sync methods wait for that loop, so the run needs that loop free."""
    loop = getattr(getattr(graph, "checkpointer", None), "loop", None)
    if isinstance(loop, asyncio.AbstractEventLoop) and loop.is_running() and not loop.is_closed():
        return loop
    return None


def _async_only(runnable: Any) -> bool:
    if runnable is None:
        return False
    if hasattr(runnable, "func") and hasattr(runnable, "afunc"):  # LangGraph's RunnableCallable
        return runnable.func is None and runnable.afunc is not None
    return any(_async_only(step) for step in getattr(runnable, "steps", None) or ())  # RunnableSeq


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
        engine = _ENGINES[name] = Engine(name, types.Command, config.get_config, options,
                                         replays_failed_answer=name == "langgraph")
    return engine
