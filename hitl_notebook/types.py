"""Data types of the public API, shaped like ``langgraph.types``."""

from __future__ import annotations

import random
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, Literal, NamedTuple, TypeVar, Union

__all__ = [
    "All",
    "CachePolicy",
    "CheckpointStreamPart",
    "Command",
    "CustomStreamPart",
    "DebugStreamPart",
    "Durability",
    "GraphOutput",
    "Interrupt",
    "MessagesStreamPart",
    "Overwrite",
    "PregelTask",
    "RetryPolicy",
    "Send",
    "StateSnapshot",
    "StateUpdate",
    "StreamMode",
    "StreamPart",
    "StreamWriter",
    "TasksStreamPart",
    "TimeoutPolicy",
    "UpdatesStreamPart",
    "ValuesStreamPart",
    "interrupt",
]

N = TypeVar("N", bound=Hashable)

All = Literal["*"]
"""Pass as ``interrupt_before``/``interrupt_after`` to pause at every node."""
StreamMode = Literal["values", "updates", "custom", "tasks", "debug", "checkpoints", "messages"]
Durability = Literal["sync", "async", "exit"]
StreamWriter = Callable[[Any], None]
"""Type of the ``writer`` parameter a node may declare to emit ``custom`` stream chunks."""


@dataclass(init=False, slots=True)
class Interrupt:
    """A pause requested by ``interrupt()``; ``id`` is what ``Command(resume={id: ...})`` answers."""

    value: Any
    id: str
    response_schema: dict[str, Any] | None = None

    def __init__(self, value: Any, id: str = "placeholder-id", response_schema: dict[str, Any] | None = None) -> None:
        self.value = value
        self.id = id
        self.response_schema = response_schema

    @property
    def interrupt_id(self) -> str:
        """Deprecated alias of ``id`` kept for LangGraph 0.x programs."""
        return self.id


@dataclass(init=False, slots=True)
class Send:
    """Run ``node`` in the next step with ``arg`` as its whole input (map-reduce fan-out)."""

    node: str
    arg: Any

    def __init__(self, node: str, arg: Any) -> None:
        self.node = node
        self.arg = arg

    def __hash__(self) -> int:
        return hash((self.node, repr(self.arg)))


@dataclass(slots=True)
class Overwrite:
    """Write ``value`` to a reducer channel as is, bypassing the reducer."""

    value: Any
    type: str = "__overwrite__"


@dataclass(frozen=True, slots=True)
class Command(Generic[N]):
    """Update state, jump to nodes and/or answer interrupts in one value.

    Return it from a node (``update``/``goto``), or pass it as graph input
    (``resume`` answers pending interrupts).
    """

    graph: str | None = None
    update: Any | None = None
    resume: dict[str, Any] | Any | None = None
    goto: Send | Sequence[Send | N] | N = ()

    PARENT: ClassVar[Literal["__parent__"]] = "__parent__"

    def __repr__(self) -> str:
        shown = (f"{k}={getattr(self, k)!r}" for k in ("graph", "update", "resume", "goto"))
        return "Command(" + ", ".join(s for s in shown if not s.endswith(("=None", "=()"))) + ")"

    def _update_as_tuples(self) -> list[tuple[str, Any]]:
        from .graph._schema import update_as_tuples

        return update_as_tuples(self.update)

    def _goto_as_list(self) -> list[Any]:
        goto = self.goto
        if isinstance(goto, (str, Send)):
            return [goto]
        return list(goto or ())


class RetryPolicy(NamedTuple):
    """How often, and after which errors, a failing node is run again."""

    initial_interval: float = 0.5
    backoff_factor: float = 2.0
    max_interval: float = 128.0
    max_attempts: int = 3
    jitter: bool = True
    retry_on: type[Exception] | Sequence[type[Exception]] | Callable[[Exception], bool] = (
        lambda exc: default_retry_on(exc)
    )

    def should_retry(self, exc: Exception) -> bool:
        retry_on = self.retry_on
        if isinstance(retry_on, type) and issubclass(retry_on, BaseException):
            return isinstance(exc, retry_on)
        if isinstance(retry_on, Sequence):
            return isinstance(exc, tuple(retry_on))
        return bool(retry_on(exc))

    def delay(self, attempt: int) -> float:
        interval = min(self.max_interval, self.initial_interval * self.backoff_factor ** (attempt - 1))
        return interval + (random.uniform(0, 1) if self.jitter else 0)


def as_retry_policies(value: Any) -> tuple["RetryPolicy", ...]:
    """Accept one policy, a sequence of them, or None."""
    if not value:
        return ()
    return (value,) if isinstance(value, RetryPolicy) else tuple(value)


def default_retry_on(exc: Exception) -> bool:
    """Retry transient errors, not programming mistakes (LangGraph's default rule)."""
    if isinstance(exc, ConnectionError):
        return True
    return not isinstance(
        exc,
        (ValueError, TypeError, ArithmeticError, ImportError, LookupError, NameError,
         SyntaxError, RuntimeError, ReferenceError, StopIteration, StopAsyncIteration, OSError),
    )


def default_cache_key(*args: Any, **kwargs: Any) -> bytes:
    """Key of a node's input (or a task's arguments): their pickled bytes, with dicts/lists made order-stable.

    Only ever dumped and hashed, never loaded, so no code runs from it (as LangGraph's default key).
    """
    import pickle

    return pickle.dumps((_freeze(args), _freeze(kwargs)), protocol=5, fix_imports=False)


def _freeze(obj: Any) -> Any:
    if isinstance(obj, dict):
        return tuple(sorted(((k, _freeze(v)) for k, v in obj.items()), key=lambda kv: repr(kv[0])))
    if isinstance(obj, (list, tuple, set, frozenset)):
        items = [_freeze(v) for v in obj]
        return tuple(sorted(items, key=repr)) if isinstance(obj, (set, frozenset)) else tuple(items)
    return obj


@dataclass(frozen=True)
class CachePolicy:
    """Cache a node's (or ``@task``'s) result: ``key_func`` maps its input to a key; ``ttl`` is in seconds."""

    key_func: Callable[..., str | bytes] = default_cache_key
    ttl: int | None = None


from .pregel._timeouts import TimeoutPolicy  # noqa: E402  (defined with its coercion rules)
from ._stream_parts import (  # noqa: E402  (version="v2" output, in its own module)
    CheckpointStreamPart,
    CustomStreamPart,
    DebugStreamPart,
    GraphOutput,
    MessagesStreamPart,
    StreamPart,
    TasksStreamPart,
    UpdatesStreamPart,
    ValuesStreamPart,
)


class PregelTask(NamedTuple):
    """One scheduled node run, as reported by ``get_state().tasks``."""

    id: str
    name: str
    path: tuple[Union[str, int, tuple], ...]
    error: Exception | None = None
    interrupts: tuple[Interrupt, ...] = ()
    state: Any = None
    result: Any | None = None


class StateSnapshot(NamedTuple):
    """The state of a thread at one checkpoint."""

    values: dict[str, Any] | Any
    next: tuple[str, ...]
    config: dict[str, Any]
    metadata: dict[str, Any] | None
    created_at: str | None
    parent_config: dict[str, Any] | None
    tasks: tuple[PregelTask, ...]
    interrupts: tuple[Interrupt, ...]


class StateUpdate(NamedTuple):
    """One entry of ``bulk_update_state``."""

    values: dict[str, Any] | None
    as_node: str | None = None
    task_id: str | None = None


def interrupt(value: Any, *, response_schema: Any = None) -> Any:
    """Pause the running node and surface ``value`` to the caller.

    The first call raises a ``GraphInterrupt`` that the engine catches; when the run is resumed with
    ``Command(resume=answer)`` the node starts again from its first line and this call returns ``answer``.
    """
    from .pregel._context import current_task

    return current_task().interrupt(value, response_schema)

