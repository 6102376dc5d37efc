"""The pure parts of a superstep: which tasks run next, and how their writes update the channels."""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ..constants import END, ERROR, ERROR_SOURCE_NODE, INTERRUPT, NO_WRITES, PULL, PUSH, RESUME, TASKS
from ..errors import InvalidUpdateError
from ..types import Interrupt, Send
from ._channels import MISSING, Channel, LastValue
from ._node import PregelNode

logger = logging.getLogger("hitl_notebook")

_BLAKE2B = hashlib.blake2b(digest_size=16)  # copied per id: cheaper than building a hasher with options
SPECIAL_WRITES = frozenset({ERROR, ERROR_SOURCE_NODE, INTERRUPT, RESUME})
_PULL_REPR = f"({PULL!r}, "  # how repr((PULL, name)) starts


@dataclass(slots=True, eq=False)
class Task:
    """One node run planned for a superstep."""

    id: str
    name: str
    path: tuple[Any, ...]
    node: PregelNode
    triggers: tuple[str, ...]
    packet: Any = MISSING  # Send.arg for push tasks
    input: Any = MISSING
    writes: list[tuple[str, Any]] = field(default_factory=list)
    update: Any = None
    done: bool = False  # finished, in this run or an earlier one (writes restored)
    error: BaseException | None = None
    interrupts: tuple[Interrupt, ...] = ()
    paused: bool = False  # stopped by interrupt() or by a subgraph's breakpoint (then with no interrupts)
    answers: list[Any] = field(default_factory=list)
    cache_key: Any = None  # set when the task's result is to be stored in the graph's cache
    path_repr: str = ""  # repr(path), when the planner had it already (savers store it with every write)

    @property
    def namespace(self) -> str:
        return f"{self.name}:{self.id}"

    @property
    def path_str(self) -> str:
        """The path as savers store it (``task_path``)."""
        return self.path_repr or repr(self.path)


def task_id(checkpoint_id: str, ns: str, step: int, name: str, path: tuple[Any, ...],
            path_repr: str | None = None) -> str:
    """Deterministic per checkpoint, so a resumed run finds the same tasks (and interrupt ids) again.

    ``path_repr``: ``repr(path)``, when the caller has it cheaper.
    """
    hasher = _BLAKE2B.copy()
    hasher.update(f"{checkpoint_id}|{ns}|{step}|{name}|{path_repr or repr(path)}".encode())
    digest = hasher.hexdigest()
    return f"{digest[:8]}-{digest[8:12]}-{digest[12:16]}-{digest[16:20]}-{digest[20:]}"


def trigger_name(node: str) -> str:
    return f"branch:to:{node}"


def prepare_tasks(
    nodes: Mapping[str, PregelNode],
    channels: Mapping[str, Channel],
    checkpoint_id: str,
    step: int,
    ns: str = "",
    candidates: Iterable[str] | None = None,
) -> list[Task]:
    """Plan the next step: pull tasks for nodes whose triggers are set, push tasks for pending Sends.

    Deferred nodes run only when nothing else would.
    """
    ready: list[Task] = []  # LangGraph plans pushed Sends first, then triggered nodes
    sends = channels.get(TASKS)
    if sends is not None and sends.is_available():
        for index, packet in enumerate(sends.value):
            node = nodes.get(packet.node)
            if node is None:
                logger.warning("Ignoring Send to unknown node %r", packet.node)
                continue
            path = (PUSH, index, False)
            ready.append(Task(task_id(checkpoint_id, ns, step, packet.node, path), packet.node, path, node,
                              (PUSH,), packet=packet.arg))
    deferred: list[Task] = []
    for name in candidates if candidates is not None else nodes:  # definition order, as LangGraph lists tasks
        node = nodes[name]
        for trigger in node.triggers:  # a loop, not any(<genexpr>): this runs for every candidate of every step
            if channels[trigger].is_available():
                break
        else:
            continue
        path = (PULL, name)
        # repr(path) without the tuple's repr: this runs for every task of every step
        path_repr = f"{_PULL_REPR}{name!r})"
        task = Task(task_id(checkpoint_id, ns, step, name, path, path_repr), name, path, node, node.triggers,
                    path_repr=path_repr)
        (deferred if node.deferred else ready).append(task)
    return ready or deferred


def apply_writes(channels: Mapping[str, Channel], tasks: list[Task]) -> set[str]:
    """Consume the triggers the tasks ran on, then apply their writes grouped per channel in task-path order."""
    updated: set[str] = set()
    ordered = tasks if len(tasks) == 1 else sorted(tasks, key=_path)
    consumed_sends = False
    for task in ordered:
        if task.path[0] == PUSH:
            consumed_sends = True
            continue
        for trigger in task.triggers:
            if channels[trigger].consume():
                updated.add(trigger)
    if consumed_sends and TASKS in channels and channels[TASKS].consume():
        updated.add(TASKS)
    if len(ordered) == 1:
        writes = ordered[0].writes
        if len(writes) == len(dict(writes)):  # one write per key: no grouping needed
            add = updated.add
            for channel, value in writes:
                target = channels.get(channel)
                if target.__class__ is LastValue:  # a plain key (LastValue.update_one, without the call)
                    target.value = value
                    add(channel)
                elif target is None:
                    _warn_unknown(channel)
                elif target.update_one(value):
                    add(channel)
            return updated
    grouped: dict[str, list[Any]] = {}
    for task in ordered:
        for channel, value in task.writes:
            bucket = grouped.get(channel)
            if bucket is None:
                grouped[channel] = [value]
            else:
                bucket.append(value)
    for channel, values in grouped.items():
        target = channels.get(channel)
        if target is None:
            _warn_unknown(channel)
        elif target.update(values):
            updated.add(channel)
    return updated


def _warn_unknown(channel: str) -> None:
    if channel not in SPECIAL_WRITES and channel != NO_WRITES:
        logger.warning("Ignoring write to unknown channel %s", channel)


def _path(task: Task) -> tuple[Any, ...]:
    return task.path


def read_values(channels: Mapping[str, Channel], keys: Iterable[str]) -> dict[str, Any]:
    return {key: value for key in keys if (value := channels[key].value) is not MISSING}


def fresh_reader(channels: Mapping[str, Channel], state_keys: frozenset[str],
                 step_values: dict[str, Any]) -> Callable[[list[tuple[str, Any]]], dict[str, Any]]:
    """A task's ``__pregel_read``: the state as of its step, with ``writes`` applied to copies of the channels
    (what a conditional edge sees of its own node's update, as LangGraph's ``read`` with ``fresh=True``)."""

    def read_fresh(writes: list[tuple[str, Any]]) -> dict[str, Any]:
        values = dict(step_values)
        grouped: dict[str, list[Any]] = {}
        for key, value in writes:
            if key in values or key in state_keys:
                grouped.setdefault(key, []).append(value)
        for key, items in grouped.items():
            local = channels[key].copy()
            local.update(items)
            if local.value is not MISSING:
                values[key] = local.value
        return values

    return read_fresh


def classify_writes(pending: Iterable[tuple[str, str, Any]]) -> dict[str, dict[str, Any]]:
    """Group a checkpoint's pending writes per task: ``{"writes", "interrupts", "answers", "error", "ok"}``, plus
    ``"handled"`` (the node's name) when the task failed and its error handler took over."""
    per_task: dict[str, dict[str, Any]] = {}
    for tid, channel, value in pending:
        entry = per_task.setdefault(tid, {"writes": [], "interrupts": (), "answers": [], "error": None, "ok": False})
        if channel == INTERRUPT:
            entry["interrupts"] = tuple(value)
        elif channel == RESUME:
            entry["answers"] = list(value)
        elif channel == ERROR:
            entry["error"] = value
        elif channel == ERROR_SOURCE_NODE:
            entry["handled"] = value
        else:
            entry["ok"] = True
            if channel != NO_WRITES:
                entry["writes"].append((channel, value))
    return per_task


def send_targets(value: Any, nodes: Mapping[str, PregelNode], source: str) -> list[tuple[str, Any]]:
    """Turn routing results (node names, END, Sends) into trigger writes."""
    writes: list[tuple[str, Any]] = []
    for target in value:
        if isinstance(target, Send):
            if target.node == END:
                raise InvalidUpdateError("Cannot send a packet to the END node")
            writes.append((TASKS, target))
        elif target == END:
            continue
        elif target in nodes:
            writes.append((trigger_name(target), None))
        else:
            logger.warning("Task %s wrote to unknown channel branch:to:%s, ignoring it.", source, target)
    return writes
