"""The state API: ``get_state``, ``get_state_history`` and ``update_state`` over a checkpointer."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from ..checkpoint.base import CheckpointTuple, require_thread_id
from ..constants import NULL_TASK_ID
from ..types import PregelTask, StateSnapshot
from ._algo import Task, apply_writes, classify_writes, prepare_tasks, read_values
from ._events import writes_result
from ._nesting import own_config, stateful_ns

if TYPE_CHECKING:
    from .main import Pregel


def saver_of(graph: "Pregel", saver: Any = None) -> Any:
    """The checkpointer the state API reads and writes; ``ValueError`` naming the fix when there is none."""
    if saver is not None:
        return saver
    if graph.checkpointer is True:
        raise RuntimeError("checkpointer=True cannot be used for root graphs.")
    if not graph.checkpointer:
        raise ValueError(
            "No checkpointer set. Compile the graph with one, e.g. builder.compile(checkpointer=InMemorySaver())."
        )
    return graph.checkpointer


def get_state(graph: "Pregel", config: dict[str, Any], *, subgraphs: bool = False, saver: Any = None) -> StateSnapshot:
    saver = saver_of(graph, saver)
    require_thread_id(config)
    config = own_config(graph, config)
    saved = saver.get_tuple(config)
    if saved is None:
        return StateSnapshot(values={}, next=(), config=config, metadata=None, created_at=None,
                             parent_config=None, tasks=(), interrupts=())
    return snapshot(graph, saved, apply_pending="checkpoint_id" not in config["configurable"],
                    subgraphs=subgraphs, saver=saver)


def get_state_history(
    graph: "Pregel",
    config: dict[str, Any],
    *,
    filter: dict[str, Any] | None,
    before: dict[str, Any] | None,
    limit: int | None,
    saver: Any = None,
) -> Iterator[StateSnapshot]:
    saver = saver_of(graph, saver)
    require_thread_id(config)
    config = own_config(graph, config)
    # The graph's own namespace only: its subgraphs' checkpoints are not its history. A ``checkpoint_id`` in the
    # config is passed on, so the saver lists that one checkpoint (as LangGraph 1.2).
    configurable = {"checkpoint_ns": "", **config["configurable"]}
    for saved in saver.list({"configurable": configurable}, filter=filter, before=before, limit=limit):
        yield snapshot(graph, saved)


def _restore(graph: "Pregel", saved: CheckpointTuple) -> dict[str, Any]:
    channels = {k: c.fresh() for k, c in graph.channels.items()}
    for key, value in saved.checkpoint["channel_values"].items():
        if key in channels:
            channels[key].restore(value)
    return channels


def snapshot(graph: "Pregel", saved: CheckpointTuple, apply_pending: bool = False, *, subgraphs: bool = False,
             saver: Any = None) -> StateSnapshot:
    """Describe a checkpoint; on the thread's head, finished tasks' pending writes count as done."""
    channels = _restore(graph, saved)
    checkpoint = saved.checkpoint
    step = saved.metadata.get("step", -1) + 1
    planned = prepare_tasks(graph.nodes, channels, checkpoint["id"], step,
                            saved.config["configurable"].get("checkpoint_ns", ""))
    pending = classify_writes(saved.pending_writes or [])
    null = pending.pop(NULL_TASK_ID, None)
    if null and null["writes"]:  # Commands sent as input show in the values, not in ``next`` (as LangGraph)
        apply_writes(channels, [Task(NULL_TASK_ID, "__input__", ("~",), None, (), writes=null["writes"])])  # type: ignore[arg-type]
        planned += _commanded(graph, channels, checkpoint["id"], step, saved, planned, pending)
    tasks, waiting, interrupts, finished = [], [], [], []
    for task in planned:
        entry = pending.get(task.id)
        result = None
        if entry and entry["ok"]:
            # as LangGraph 1.2: an @entrypoint's output value, else the state keys written ({"$writes": [...]})
            result = writes_result(entry["writes"], graph.output_channel or graph.state_keys)
            task.writes = entry["writes"]
            finished.append(task)
        if not (apply_pending and entry and entry["ok"]):
            waiting.append(task.name)
        # The head lists only unanswered interrupts; an older checkpoint shows each task's last one.
        task_interrupts = tuple(entry["interrupts"]) if entry and (not entry["ok"] or not apply_pending) else ()
        interrupts.extend(task_interrupts)
        tasks.append(PregelTask(task.id, task.name, task.path, entry["error"] if entry else None,
                                task_interrupts, _child_state(task, saved, subgraphs, saver), result))
    if apply_pending and finished:
        apply_writes(channels, finished)
        if not waiting:
            # Every task of the step saved its writes but the run stopped before the step's checkpoint (a crash
            # between the two): the run is not over. ``next`` names the tasks ``invoke(None, config)`` runs after
            # committing the step (LangGraph 1.2 shows ``next == ()`` here, as if the thread had finished).
            waiting = [t.name for t in prepare_tasks(graph.nodes, channels, "", step + 1,
                                                     saved.config["configurable"].get("checkpoint_ns", ""))]
    values: Any = read_values(channels, graph.state_keys)
    if graph.output_channel is not None:
        values = values.get(graph.output_channel)
    return StateSnapshot(
        values=values,
        next=tuple(waiting),
        config=with_checkpoint_map(saved.config, saved.metadata),
        metadata=saved.metadata,
        created_at=checkpoint["ts"],
        parent_config=with_checkpoint_map(saved.parent_config, saved.metadata),
        tasks=tuple(tasks),
        interrupts=tuple(interrupts),
    )


def _commanded(graph: "Pregel", channels: dict[str, Any], checkpoint_id: str, step: int, saved: CheckpointTuple,
               planned: list[Task], pending: dict[str, dict[str, Any]]) -> list[Task]:
    """Tasks a ``Command(goto=...)`` sent while the thread was paused added to the step, still to run or paused.

    LangGraph 1.2 plans before applying the Command, so a task it added (a ``Send`` that interrupted) is missing
    from ``next`` and ``interrupts`` although the next resume runs it; we list it. Finished ones stay out, as there.
    """
    known = {t.id for t in planned}
    ns = saved.config["configurable"].get("checkpoint_ns", "")
    return [t for t in prepare_tasks(graph.nodes, channels, checkpoint_id, step, ns)
            if t.id not in known and not pending.get(t.id, {}).get("ok")]


def _child_state(task: Task, saved: CheckpointTuple, subgraphs: bool, saver: Any) -> Any:
    """A subgraph task's own state: its config, or (``subgraphs=True``) its snapshot."""
    child = task.node.subgraph
    if child is None:
        return None
    parent = saved.config["configurable"]
    ns = f"{parent['checkpoint_ns']}|{task.namespace}" if parent.get("checkpoint_ns") else task.namespace
    if not subgraphs:  # the task's namespace, with its id even for a checkpointer=True subgraph (LangGraph 1.2)
        return {"configurable": {"thread_id": parent["thread_id"], "checkpoint_ns": ns}}
    if child.checkpointer is True:
        ns = stateful_ns(ns)
    config = {"configurable": {"thread_id": parent["thread_id"], "checkpoint_ns": ns}}
    own = child.checkpointer not in (None, True, False)
    return get_state(child, config, subgraphs=True, saver=None if own else saver)


def with_checkpoint_map(config: dict[str, Any] | None, metadata: Any) -> dict[str, Any] | None:
    """A subgraph checkpoint's config also names its ancestors' checkpoints (``checkpoint_map``, LangGraph 1.2)."""
    parents = metadata.get("parents") if config and metadata else None
    if not parents:
        return config
    configurable = config["configurable"]
    return {**config, "configurable": {
        **configurable, "checkpoint_map": {**parents, configurable["checkpoint_ns"]: configurable["checkpoint_id"]},
    }}
__all__ = ["get_state", "get_state_history", "snapshot", "saver_of", "with_checkpoint_map"]
