"""The checkpointer interface: small enough to implement for any store.

A saver keeps, per ``(thread_id, checkpoint_ns)``, a tree of checkpoints (each with a parent) and, per
checkpoint, the *pending writes* of tasks that finished in the step that follows it. Values go through
``self.serde`` (never pickle).
"""

from __future__ import annotations

import asyncio
import random
import threading
import time
from abc import ABC, abstractmethod
from collections.abc import AsyncIterator, Callable, Iterator, Sequence
from typing import Any, NamedTuple, TypedDict

from ._metadata import EXCLUDED_METADATA_KEYS, get_checkpoint_metadata
from .serde import SafeSerializer, SerializationError

__all__ = [
    "BaseCheckpointSaver",
    "Checkpoint",
    "CheckpointMetadata",
    "CheckpointTuple",
    "EXCLUDED_METADATA_KEYS",
    "PausedThread",
    "PendingWrite",
    "WRITES_IDX_MAP",
    "get_checkpoint_id",
    "get_checkpoint_metadata",
    "new_checkpoint_id",
    "pending_interrupts",
    "require_thread_id",
    "serialize_value",
]

PendingWrite = tuple[str, str, Any]
"""``(task_id, channel, value)``."""

WRITES_IDX_MAP = {"__error__": -1, "__scheduled__": -2, "__interrupt__": -3, "__resume__": -4}
"""Special writes get a fixed slot so a later one replaces an earlier one of the same task."""


class Checkpoint(TypedDict):
    """A snapshot of every channel at the end of one superstep."""

    v: int
    id: str
    ts: str
    channel_values: dict[str, Any]
    channel_versions: dict[str, str]
    versions_seen: dict[str, dict[str, str]]
    updated_channels: list[str] | None


class CheckpointMetadata(TypedDict, total=False):
    source: str
    step: int
    parents: dict[str, str]


class PausedThread(NamedTuple):
    """A thread waiting for a human: its newest checkpoint has tasks stopped at ``interrupt()``."""

    thread_id: str
    config: dict[str, Any]
    """Config of the paused checkpoint (``thread_id``, ``checkpoint_ns``, ``checkpoint_id``)."""
    interrupts: tuple[Any, ...]
    """The pending ``Interrupt`` objects; answer with ``Command(resume={interrupt.id: answer})``."""
    created_at: str | None = None
    """When the paused checkpoint was written (ISO timestamp)."""


class CheckpointTuple(NamedTuple):
    config: dict[str, Any]
    checkpoint: Checkpoint
    metadata: CheckpointMetadata
    parent_config: dict[str, Any] | None = None
    pending_writes: list[PendingWrite] | None = None


def require_thread_id(config: dict[str, Any] | None) -> str:
    configurable = (config or {}).get("configurable") or {}
    thread_id = configurable.get("thread_id")
    if thread_id is None:
        raise ValueError(
            "Checkpointer requires one or more of the following 'configurable' keys: thread_id, checkpoint_ns, "
            "checkpoint_id. Pass config={'configurable': {'thread_id': 'some-id'}} to invoke/stream/get_state."
        )
    return str(thread_id)


def get_checkpoint_id(config: dict[str, Any] | None) -> str | None:
    return ((config or {}).get("configurable") or {}).get("checkpoint_id")


def checkpoint_ns(config: dict[str, Any] | None) -> str:
    return ((config or {}).get("configurable") or {}).get("checkpoint_ns") or ""


_last_tick = 0
_id_lock = threading.Lock()
_NODE = f"{random.getrandbits(48):012x}"  # per process, like a MAC address in a classic UUID


def new_checkpoint_id(step: int) -> str:
    """A time-ordered UUIDv6 whose clock sequence is the step, as LangGraph's ids are.

    Ticks are 100 ns and strictly increase within a process, so string order equals creation order, which
    history listing relies on.
    """
    global _last_tick
    with _id_lock:
        tick = time.time_ns() // 100
        _last_tick = tick = tick if tick > _last_tick else _last_tick + 1
    # 100-ns intervals since 1582-10-15: 60 bits, 15 hex digits, split 8/4/3 as the UUID fields
    t = f"{tick + 0x01B21DD213814000:015x}"
    return f"{t[:8]}-{t[8:12]}-6{t[12:]}-{(step & 0x3FFF) | 0x8000:04x}-{_NODE}"


class BaseCheckpointSaver(ABC):
    """Implement these five methods to plug in a store (see ``InMemorySaver`` for a compact example)."""

    serde: SafeSerializer

    def __init__(self, *, serde: SafeSerializer | None = None) -> None:
        self.serde = serde or SafeSerializer()

    @abstractmethod
    def get_tuple(self, config: dict[str, Any]) -> CheckpointTuple | None:
        """The checkpoint ``config`` names (its ``checkpoint_id``), else the thread's newest one."""

    @abstractmethod
    def list(
        self,
        config: dict[str, Any] | None,
        *,
        filter: dict[str, Any] | None = None,
        before: dict[str, Any] | None = None,
        limit: int | None = None,
    ) -> Iterator[CheckpointTuple]:
        """Checkpoints newest first; ``filter`` matches metadata, ``before`` is exclusive."""

    @abstractmethod
    def put(
        self,
        config: dict[str, Any],
        checkpoint: Checkpoint,
        metadata: CheckpointMetadata,
        new_versions: dict[str, int],
    ) -> dict[str, Any]:
        """Store a checkpoint whose parent is ``config``'s; return the new checkpoint's config.

        ``new_versions`` names the channels that changed since the parent (``checkpoint["channel_values"]``
        holds at least their values); every other channel keeps the version, and value, it had.
        """

    @abstractmethod
    def put_writes(self, config: dict[str, Any], writes: Sequence[tuple[str, Any]], task_id: str, task_path: str = "") -> None:
        """Store a finished task's writes against the checkpoint ``config`` names."""

    @abstractmethod
    def delete_thread(self, thread_id: str) -> None:
        """Forget every checkpoint and write of a thread."""

    def get(self, config: dict[str, Any]) -> Checkpoint | None:
        found = self.get_tuple(config)
        return found.checkpoint if found else None

    # -- async twins, as LangGraph's BaseCheckpointSaver has them ------------------------------------------------

    _blocking = True
    """The sync methods do I/O, so the async twins run them on a worker thread (``False``: call them inline)."""

    async def _call(self, fn: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        if self._blocking:
            return await asyncio.to_thread(fn, *args, **kwargs)
        return fn(*args, **kwargs)

    async def aget(self, config: dict[str, Any]) -> Checkpoint | None:
        """Async ``get``."""
        found = await self.aget_tuple(config)
        return found.checkpoint if found else None

    async def aget_tuple(self, config: dict[str, Any]) -> CheckpointTuple | None:
        """Async ``get_tuple``; runs without blocking the event loop."""
        return await self._call(self.get_tuple, config)

    async def alist(
        self,
        config: dict[str, Any] | None,
        *,
        filter: dict[str, Any] | None = None,
        before: dict[str, Any] | None = None,
        limit: int | None = None,
    ) -> AsyncIterator[CheckpointTuple]:
        """Async ``list``: the same checkpoints, newest first."""
        found = await self._call(lambda: list(self.list(config, filter=filter, before=before, limit=limit)))
        for item in found:
            yield item

    async def aput(self, config: dict[str, Any], checkpoint: Checkpoint, metadata: CheckpointMetadata,
                   new_versions: dict[str, Any]) -> dict[str, Any]:
        """Async ``put``."""
        return await self._call(self.put, config, checkpoint, metadata, new_versions)

    async def aput_writes(self, config: dict[str, Any], writes: Sequence[tuple[str, Any]], task_id: str,
                          task_path: str = "") -> None:
        """Async ``put_writes``."""
        await self._call(self.put_writes, config, writes, task_id, task_path)

    async def adelete_thread(self, thread_id: str) -> None:
        """Async ``delete_thread``."""
        await self._call(self.delete_thread, thread_id)

    def get_next_version(self, current: int | None, channel: str | None = None) -> int:
        return (current or 0) + 1

    def list_threads(self) -> list[str]:
        """Thread ids with at least one checkpoint (used by the notebook inbox)."""
        raise NotImplementedError(f"{type(self).__name__} cannot list threads")

    def list_paused_threads(self) -> list[PausedThread]:
        """Threads whose newest (root) checkpoint has pending interrupts, most recently paused first.

        A task counts as pending when it saved an ``__interrupt__`` write and no successful write. Static
        breakpoints (``interrupt_before``/``interrupt_after``) save no interrupt and are not listed.
        """
        found = []
        for thread_id in self.list_threads():
            saved = self.get_tuple({"configurable": {"thread_id": thread_id, "checkpoint_ns": ""}})
            if saved is None:
                continue
            interrupts = pending_interrupts(saved.pending_writes or ())
            if interrupts:
                found.append(PausedThread(thread_id, saved.config, interrupts, saved.checkpoint.get("ts")))
        found.sort(key=lambda p: p.config["configurable"]["checkpoint_id"], reverse=True)
        return found


_SPECIAL_WRITES = frozenset({"__interrupt__", "__resume__", "__error__"})


def pending_interrupts(writes: Any) -> tuple[Any, ...]:
    """The interrupts of tasks that saved an ``__interrupt__`` write and no successful write, in write order."""
    per_task: dict[str, tuple[list[Any], list[bool]]] = {}
    for task_id, channel, value in writes:
        interrupts, ok = per_task.setdefault(task_id, ([], [False]))
        if channel == "__interrupt__":
            interrupts[:] = list(value or ())
        elif channel not in _SPECIAL_WRITES:
            ok[0] = True
    found: dict[Any, Any] = {}
    for interrupts, ok in per_task.values():
        if not ok[0]:
            for item in interrupts:
                found.setdefault(getattr(item, "id", None) or id(item), item)
    return tuple(found.values())


def serialize_value(serde: SafeSerializer, value: Any, key: str, task_path: str | None = None) -> tuple[str, bytes]:
    """``serde.dumps_typed(value)``; a failure names the state key (or special write) it was stored under."""
    try:
        return serde.dumps_typed(value)
    except TypeError as exc:  # SerializationError is a TypeError
        name = key
        if key == "__start__":
            where, name = "the graph input", "input"
        elif key == "__interrupt__":
            where, name = "the value passed to interrupt()", "interrupt"
        elif key == "__resume__":
            where, name = "the resume value (Command(resume=...))", "resume"
        elif key == "__pregel_tasks":
            where, name = "a Send() argument", "sends"
        elif key.startswith("__") or ":" in key:
            where = f"channel {key!r}"
        else:
            where = f"state key {key!r}"
        if task_path:
            where += f" written by task {task_path}"
        message = str(exc)
        if message.startswith("cannot serialize value"):  # SafeSerializer: "cannot serialize value[...] of type"
            message = f"cannot save {where} in a checkpoint: {name}{message[len('cannot serialize value'):]}"
        else:
            t = type(value)
            qualname = t.__qualname__ if t.__module__ == "builtins" else f"{t.__module__}.{t.__qualname__}"
            message = f"cannot save {where} in a checkpoint: {name} of type {qualname!r}: {message}"
        raise SerializationError(message) from exc


def config_for(thread_id: str, ns: str, checkpoint_id: str) -> dict[str, Any]:
    return {"configurable": {"thread_id": thread_id, "checkpoint_ns": ns, "checkpoint_id": checkpoint_id}}


def metadata_matches(metadata: dict[str, Any], filter: dict[str, Any] | None) -> bool:
    return not filter or all(metadata.get(k) == v for k, v in filter.items())
