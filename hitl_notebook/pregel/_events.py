"""Payloads of the ``tasks``, ``debug`` and ``checkpoints`` stream modes, shaped as LangGraph's."""

from __future__ import annotations

import time
from datetime import datetime, timezone
from typing import Any

from ..constants import RETURN
from ._algo import Task


def task_start(task: Task) -> dict[str, Any]:
    return {"id": task.id, "name": task.name, "input": task.input, "triggers": task.triggers}


def task_result(task: Task, state_keys: frozenset[str]) -> dict[str, Any]:
    if task.paused or task.error is not None:  # LangGraph shows {} (and the exception itself)
        result: Any = {}
    else:
        result = fold_writes(task.writes, state_keys)
    return {
        "id": task.id,
        "name": task.name,
        "error": task.error,
        "result": result,
        "interrupts": [interrupt_dict(i) for i in task.interrupts],
    }


def interrupt_dict(item: Any) -> dict[str, Any]:
    return {"value": item.value, "id": item.id, "response_schema": item.response_schema}


def debug(step: int, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
    return {"step": step, "timestamp": now_iso(), "type": kind, "payload": payload}


def checkpoint_payload(
    config: dict[str, Any],
    parent_config: dict[str, Any] | None,
    values: dict[str, Any],
    metadata: dict[str, Any],
    next_tasks: list[Task],
) -> dict[str, Any]:
    return {
        "config": config,
        "parent_config": parent_config,
        "values": values,
        "metadata": metadata,
        "next": [t.name for t in next_tasks],
        "tasks": [{"id": t.id, "name": t.name, "interrupts": (), "state": _subgraph_config(config, t)} for t in next_tasks],
    }


def saved_outcome(entry: dict[str, Any], saved: dict[str, Any], output: str | tuple[str, ...]) -> dict[str, Any]:
    """A checkpoint event's task ``entry`` once the task has saved writes (``classify_writes``' ``saved``), as
    LangGraph 1.2: a failed task shows its ``error``; one whose writes reach ``output`` (the run's output keys, or
    its single output channel) shows them as ``result``; every task lists the interrupts it raised."""
    if saved["error"] is not None:
        return {"id": entry["id"], "name": entry["name"], "error": saved["error"], "state": entry["state"]}
    interrupts = tuple(interrupt_dict(i) for i in saved["interrupts"])
    result = writes_result(saved["writes"], output)
    if result:
        return {"id": entry["id"], "name": entry["name"], "result": result, "interrupts": interrupts,
                "state": entry["state"]}
    return {**entry, "interrupts": interrupts}


def writes_result(writes: list[tuple[str, Any]], output: str | tuple[str, ...]) -> Any:
    """A task's result from its writes: its ``@task`` return value, or its writes to ``output`` (the output keys,
    or an ``@entrypoint``'s single output channel, whose value is then the result), as LangGraph 1.2."""
    for key, value in writes:
        if key == RETURN:
            return value
    if isinstance(output, str):
        return fold_writes(writes, (output,)).get(output)
    return fold_writes(writes, output)


def fold_writes(writes: list[tuple[str, Any]], keys: Any) -> dict[str, Any]:
    """``{key: value}`` of the writes to ``keys``; a key written more than once shows ``{"$writes": [...]}`` (as
    LangGraph's ``map_task_result_writes``, which also lets a write follow a ``None`` one)."""
    result: dict[str, Any] = {}
    for key, value in writes:
        if key in keys:
            earlier = result.get(key)
            if earlier is None:
                result[key] = value
            else:
                many = earlier["$writes"] if isinstance(earlier, dict) and isinstance(earlier.get("$writes"), list) \
                    else [earlier]
                result[key] = {"$writes": [*many, value]}
    return result


def _subgraph_config(config: dict[str, Any] | None, task: Task) -> dict[str, Any] | None:
    """A subgraph node's task names where its checkpoints go (as LangGraph's debug events do)."""
    if task.node.subgraph is None or config is None:
        return None
    conf = config["configurable"]
    ns = f"{conf['checkpoint_ns']}|{task.namespace}" if conf["checkpoint_ns"] else task.namespace
    return {"configurable": {"thread_id": conf["thread_id"], "checkpoint_ns": ns}}


def now_iso() -> str:
    """``datetime.now(timezone.utc).isoformat()``: every checkpoint has one, so the part up to the seconds is
    formatted once per second (both read the system clock and truncate it to microseconds)."""
    global _second
    second, micro = divmod(time.time_ns() // 1000, 1_000_000)
    cached, prefix = _second
    if cached != second:
        prefix = datetime.fromtimestamp(second, timezone.utc).isoformat()[:-6]  # drop "+00:00"
        _second = (second, prefix)  # one tuple: threads never see a prefix of another second
    return f"{prefix}.{micro:06d}+00:00" if micro else f"{prefix}+00:00"


_second: tuple[int, str] = (-1, "")
