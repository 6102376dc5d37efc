"""The state API: ``get_state``, ``get_state_history`` and ``update_state`` over a checkpointer."""

from __future__ import annotations

from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from ..checkpoint.base import CheckpointTuple, require_thread_id
from ..constants import END, NULL_TASK_ID, PULL, START
from ..errors import InvalidUpdateError
from ..types import PregelTask, StateSnapshot
from ._algo import Task, apply_writes, classify_writes, prepare_tasks, read_values, task_id
from ._channels import Ephemeral, Topic
from ._checkpointing import Checkpointing
from ._nesting import stateful_ns

if TYPE_CHECKING:
    from .main import Pregel


def _saver(graph: "Pregel", saver: Any = None) -> Any:
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
    saver = _saver(graph, saver)
    require_thread_id(config)
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
    saver = _saver(graph, saver)
    require_thread_id(config)
    # The graph's own namespace only: its subgraphs' checkpoints are not its history (as LangGraph 1.2).
    configurable = {"checkpoint_ns": "", **{k: v for k, v in config["configurable"].items() if k != "checkpoint_id"}}
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
    tasks, waiting, interrupts, finished = [], [], [], []
    for task in planned:
        entry = pending.get(task.id)
        result = None
        if entry and entry["ok"]:
            result = {k: v for k, v in entry["writes"] if k in graph.state_keys}
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


def _child_state(task: Task, saved: CheckpointTuple, subgraphs: bool, saver: Any) -> Any:
    """A subgraph task's own state: its config, or (``subgraphs=True``) its snapshot."""
    child = task.node.subgraph
    if child is None:
        return None
    parent = saved.config["configurable"]
    ns = f"{parent['checkpoint_ns']}|{task.namespace}" if parent.get("checkpoint_ns") else task.namespace
    if child.checkpointer is True:
        ns = stateful_ns(ns)
    config = {"configurable": {"thread_id": parent["thread_id"], "checkpoint_ns": ns}}
    if not subgraphs:
        return config
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


def update_state(graph: "Pregel", config: dict[str, Any], values: Any, as_node: str | None,
                 saver: Any = None) -> dict[str, Any]:
    """Apply ``values`` as the output of ``as_node`` (its edges fire too) in a new ``update`` checkpoint."""
    saver = _saver(graph, saver)
    require_thread_id(config)
    saved = saver.get_tuple(config)
    parents = saved.metadata.get("parents") if saved is not None else None
    store = Checkpointing(graph, config, frozenset(), "sync", lambda *_: None, saver, parents)
    channels = {k: c.fresh() for k, c in graph.channels.items()}
    if saved is not None:
        store.restore(channels, saved)
    else:
        store.step = -1  # a fresh thread's first update lands at step 0, as in LangGraph
    as_node = _resolve_as_node(graph, saved, as_node)
    if as_node == START:  # treated as new input: pending triggers are dropped
        for channel in channels.values():
            if isinstance(channel, (Ephemeral, Topic)):
                channel.consume()
    if as_node not in graph.nodes:
        raise InvalidUpdateError(f"Node {as_node} does not exist")
    node = graph.nodes[as_node]
    state_values = read_values(channels, graph.state_keys)

    def read_fresh(writes: list[tuple[str, Any]]) -> dict[str, Any]:
        preview = {k: c.copy() for k, c in channels.items()}
        _apply(preview, node, writes)
        return read_values(preview, graph.state_keys)

    task_config = {**config, "configurable": {**config["configurable"], "__pregel_read": read_fresh}}
    writes, _ = node.write(values, task_config)
    _apply(channels, node, writes)
    del state_values
    store.save(channels, "update", next_tasks=None, updated=_changed(channels, saved, graph), ran=[_as_task(node, writes)])
    return with_checkpoint_map(store.checkpoint_config, {"parents": parents})


def _apply(channels: dict[str, Any], node: Any, writes: list[tuple[str, Any]]) -> None:
    apply_writes(channels, [Task("update", node.name, (PULL, node.name), node, node.triggers, writes=writes)])


def _as_task(node: Any, writes: list[tuple[str, Any]]) -> Task:
    return Task(task_id("update", "", 0, node.name, (PULL, node.name)), node.name, (PULL, node.name), node, (),
                writes=writes)


def _changed(channels: dict[str, Any], saved: CheckpointTuple | None, graph: "Pregel") -> set[str]:
    before = saved.checkpoint["channel_values"] if saved else {}
    from ._channels import MISSING

    changed = set()
    for key, channel in channels.items():
        stored = channel.checkpoint()
        old = before.get(key, MISSING)
        if stored is MISSING and old is MISSING:
            continue
        if stored is MISSING or old is MISSING or stored is not old and stored != old:
            changed.add(key)
    return changed


def _resolve_as_node(graph: "Pregel", saved: CheckpointTuple | None, as_node: str | None) -> str:
    if as_node is not None:
        return START if as_node == START else as_node
    if saved is None:
        return START
    writers = [w for w in saved.checkpoint.get("versions_seen", {}) if w in graph.nodes]
    if not writers or writers == [START]:
        return START
    named = [w for w in writers if w != START]
    if len(set(named)) == 1:
        return named[0]
    raise InvalidUpdateError(
        f"Ambiguous update, specify as_node: the last step ran {sorted(set(named))}. "
        "Pass update_state(config, values, as_node='<one of them>')."
    )


__all__ = ["get_state", "get_state_history", "update_state", "snapshot", "END"]
