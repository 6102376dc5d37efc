"""Exceptions raised by the engine, named as in ``langgraph.errors``."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import Any

__all__ = [
    "ErrorCode",
    "GraphRecursionError",
    "InvalidUpdateError",
    "EmptyInputError",
    "EmptyChannelError",
    "GraphBubbleUp",
    "GraphInterrupt",
    "NodeInterrupt",
    "ParentCommand",
    "TaskNotFound",
    "CheckpointConflictError",
    "UnknownInterruptError",
    "NodeError",
    "NodeTimeoutError",
    "create_error_message",
    "is_invalid_resume",
]

_TROUBLESHOOTING = "https://docs.langchain.com/oss/python/langgraph/errors/"


class ErrorCode(Enum):
    GRAPH_RECURSION_LIMIT = "GRAPH_RECURSION_LIMIT"
    INVALID_CONCURRENT_GRAPH_UPDATE = "INVALID_CONCURRENT_GRAPH_UPDATE"
    INVALID_GRAPH_NODE_RETURN_VALUE = "INVALID_GRAPH_NODE_RETURN_VALUE"
    MULTIPLE_SUBGRAPHS = "MULTIPLE_SUBGRAPHS"
    INVALID_CHAT_HISTORY = "INVALID_CHAT_HISTORY"


def create_error_message(*, message: str, error_code: ErrorCode) -> str:
    """Append LangGraph's troubleshooting trailer so messages read the same."""
    return f"{message}\nFor troubleshooting, visit: {_TROUBLESHOOTING}{error_code.value}"


class GraphRecursionError(RecursionError):
    """The run hit ``recursion_limit`` supersteps without reaching END."""


class InvalidUpdateError(Exception):
    """A node or caller tried to write state in a way the channels forbid."""


class EmptyInputError(Exception):
    """A run was started with no input and no checkpoint to continue from."""


class EmptyChannelError(Exception):
    """A channel was read before anything was written to it."""


class TaskNotFound(Exception):
    """A resume or update named a task the checkpoint does not know."""


class UnknownInterruptError(Exception):
    """A ``Command(resume={id: value})`` names an interrupt that is not pending (as ``langgraph.errors``).

    LangGraph 1.2 raises it only in its strict resume mode and otherwise ignores such ids, leaving the run paused
    with no hint; here it is always raised, before anything is written, so the pending interrupts stay answerable.
    ``reason`` is ``"not_pending"``; ``interrupt_ids`` lists the unknown ids, ``pending_ids`` those still waiting.
    """

    def __init__(self, message: str, *, reason: str = "not_pending", interrupt_ids: Any = (),
                 pending_ids: Any = ()) -> None:
        super().__init__(message)
        self.reason = reason
        self.interrupt_ids = tuple(interrupt_ids)
        self.pending_ids = tuple(pending_ids)


class CheckpointConflictError(RuntimeError):
    """Another process advanced the same thread first; reload and try again."""


class GraphBubbleUp(Exception):
    """Base of control-flow exceptions that travel up through user code."""


class GraphInterrupt(GraphBubbleUp):
    """Raised inside a task by ``interrupt()``; never reaches the caller of ``invoke``."""

    def __init__(self, interrupts: Any = ()) -> None:
        super().__init__(interrupts)

    @property
    def interrupts(self) -> tuple:
        return tuple(self.args[0]) if self.args else ()


class NodeInterrupt(GraphInterrupt):
    """Deprecated raise-style interrupt, kept for LangGraph programs that still use it."""

    def __init__(self, value: Any, id: str | None = None) -> None:
        from .types import Interrupt

        # No id: LangGraph's placeholder, which a resume cannot address by id (answer it with a plain value).
        super().__init__([Interrupt(value=value) if id is None else Interrupt(value=value, id=id)])


class ParentCommand(GraphBubbleUp):
    """Carries ``Command(graph=Command.PARENT)`` out of a subgraph."""

    def __init__(self, command: Any) -> None:
        super().__init__(command)


@dataclass(frozen=True, slots=True)
class NodeError:
    """What an error handler (``add_node(..., error_handler=h)``) is told: declare ``error: NodeError`` in ``h``.

    As LangGraph 1.2: ``node`` is the failed node's name, ``error`` the exception it raised.
    """

    node: str
    error: BaseException


class NodeTimeoutError(Exception):
    """A node attempt ran past its ``timeout`` (as LangGraph 1.2; not a ``TimeoutError``, so retries apply)."""

    def __init__(self, node: str, elapsed: float, *, kind: str, idle_timeout: float | None = None,
                 run_timeout: float | None = None) -> None:
        if kind == "idle":
            if idle_timeout is None:
                raise ValueError("idle_timeout is required when kind='idle'")
            message = (f"Node '{node}' exceeded its idle timeout of {idle_timeout:.3f}s without making progress "
                       f"(elapsed: {elapsed:.3f}s).")
            self.timeout = idle_timeout
        elif kind == "run":
            if run_timeout is None:
                raise ValueError("run_timeout is required when kind='run'")
            message = f"Node '{node}' exceeded its run timeout of {run_timeout:.3f}s (elapsed: {elapsed:.3f}s)."
            self.timeout = run_timeout
        else:
            raise ValueError("kind must be 'idle' or 'run'")
        super().__init__(message)
        self.node, self.elapsed, self.kind = node, elapsed, kind
        self.idle_timeout, self.run_timeout = idle_timeout, run_timeout


_INVALID_RESUME = "_langgraph_invalid_resume"


def mark_invalid_resume(error: BaseException) -> None:
    """Flag ``error`` as a resume value rejected by ``interrupt(response_schema=...)``."""
    setattr(error, _INVALID_RESUME, True)


def is_invalid_resume(error: BaseException) -> bool:
    """Whether ``error`` was raised because a resume value didn't match ``response_schema`` (LangGraph 1.2).

    ``ToolNode`` never turns such an error into a ToolMessage: the model cannot fix it, so the run fails and the
    interrupt can be answered again.
    """
    return getattr(error, _INVALID_RESUME, False) is True
