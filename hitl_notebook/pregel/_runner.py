"""Run one task: bind its runtime context, retry by policy, and record the outcome on the task."""

from __future__ import annotations

import dataclasses
import time
from typing import Any

from ..errors import GraphBubbleUp, GraphInterrupt, ParentCommand
from ._algo import Task
from ._context import TaskRuntime, reset_current, set_current


def run_task(task: Task, config: dict[str, Any], runtime: TaskRuntime) -> None:
    """Call the node; a GraphInterrupt or an exception is stored on the task, never raised."""
    token = set_current(runtime)
    try:
        attempt = 0
        while True:
            attempt += 1
            try:
                task.writes, task.update = task.node.run(task.input, config)
                task.done = True
                return
            except GraphInterrupt as exc:
                task.interrupts, task.paused = exc.interrupts, True
                return
            except ParentCommand as exc:
                if getattr(exc, "from_subgraph", False):
                    # A subgraph node addressed its parent: apply it as this node's own Command.
                    command = dataclasses.replace(exc.args[0], graph=None)
                    task.writes, task.update = task.node.write(command, config)
                    task.done = True
                else:
                    task.error = exc
                return
            except GraphBubbleUp as exc:
                task.error = exc
                return
            except Exception as exc:
                if hasattr(exc, "add_note"):  # Python 3.11+: LangGraph's note naming the failed task
                    exc.add_note(f"During task with name '{task.name}' and id '{task.id}'")
                policy = _matching_policy(task, exc)
                if policy is None or attempt >= policy.max_attempts:
                    task.error = exc
                    task.writes, task.update = getattr(exc, "partial_writes", ([], None))
                    return
                runtime.reset_calls()
                runtime.retrying = True  # a subgraph the node runs again continues from its own checkpoint
                time.sleep(policy.delay(attempt))
    finally:
        task.answers = runtime.answers
        reset_current(token)


def _matching_policy(task: Task, exc: Exception) -> Any:
    for policy in task.node.retry_policy:
        if policy.should_retry(exc):
            return policy
    return None

