"""Node error handlers (``add_node(..., error_handler=...)``), as LangGraph 1.2.

When a node with a handler fails (after its retries; interrupts and other control flow do not count), the
handler runs at once in the same step, on the failed task's input, with a ``NodeError`` in its config. Its
writes take the failed task's place in the step, so its update and ``Command`` decide what happens next; the
failed node's own edges do not fire. If the handler fails too, its error ends the run.

The failed task's saved writes carry an ``__error_source_node__`` marker, so when another task of that step
interrupts it, the resume runs the handler again (told the saved error, a string) rather than the failed node.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ..constants import PUSH
from ..errors import GraphBubbleUp, NodeError
from ._algo import Task, fresh_reader, task_id
from ._runner import run_task

if TYPE_CHECKING:
    from ._loop import Run

CONFIG_KEY_NODE_ERROR = "__pregel_node_error"
"""Where a handler task's config carries the ``NodeError`` it was scheduled for (LangGraph's key)."""


def handles(task: Task) -> bool:
    """Whether ``task`` failed in a way its node's error handler takes over."""
    return task.node.error_handler is not None and not isinstance(task.error, GraphBubbleUp)


def run_error_handler(run: "Run", failed: Task, step: int, announce: bool = False) -> None:
    """Run the handler for ``failed`` and fold its outcome into ``failed`` (which the step then commits).

    ``announce``: stream the handler's task-start event first (a resume plans it with the step, as LangGraph).
    """
    node = run.graph.nodes.get(failed.node.error_handler)
    if node is None:
        return
    store = run.store
    handler = Task(
        task_id(store.checkpoint_id, store.ns, step, node.name, (PUSH, "node_error_handler", failed.id)),
        node.name, (*failed.path[:3], "node_error_handler", False), node, (PUSH,), input=failed.input,
    )
    if announce and run._task_events:
        run._emit_task_event("task", step, run._task_start(handler))
    runtime = run.runtime_for(handler)
    runtime.config = store.task_config(handler, step, fresh_reader(run.channels, run.graph.state_key_set,
                                                                  run._step_values))
    runtime.config["configurable"][CONFIG_KEY_NODE_ERROR] = NodeError(node=failed.name, error=failed.error)
    run_task(handler, runtime.config, runtime)
    run._finish(handler, step)
    # The step commits the handler's writes in the failed task's slot (its path sorts right after it).
    failed.error, failed.interrupts, failed.paused = handler.error, handler.interrupts, handler.paused
    failed.writes, failed.done = handler.writes, handler.done
