"""State editing: ``update_state`` and ``bulk_update_state``, as LangGraph 1.2 applies them.

Each superstep of updates becomes one checkpoint. An update runs the writers of ``as_node`` (its state writes and
its edges, routed on the edited state) as a task of a new step: branches that were pending and that the update
does not write again are dropped, so an edit that makes a conditional edge pick another node replaces the
pending branch. ``as_node`` may also be ``"__input__"`` (new input, pending branches kept), ``"__copy__"`` (a copy of
the checkpoint, optionally followed by updates) or ``END`` with ``None`` values (finish the pending tasks' step
without running them).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ..checkpoint.base import CheckpointTuple, require_thread_id
from ..constants import END, INTERRUPT, NULL_TASK_ID, START
from ..errors import InvalidUpdateError
from ..types import StateUpdate
from ._algo import Task, apply_writes, classify_writes, prepare_tasks, read_values, task_id
from ._channels import Ephemeral, Topic
from ._checkpointing import Checkpointing, version_number
from ._nesting import own_config
from ._state import with_checkpoint_map

if TYPE_CHECKING:
    from .main import Pregel

COPY = "__copy__"
INPUT = "__input__"


def update_state(graph: "Pregel", saver: Any, config: dict[str, Any], values: Any, as_node: str | None,
                 task_id: str | None = None) -> dict[str, Any]:
    """Apply ``values`` as the output of ``as_node`` in a new checkpoint; returns that checkpoint's config.

    Raises ``InvalidUpdateError`` for an unknown node, or when ``as_node`` is omitted and the last step ran
    several nodes at once (LangGraph's "Ambiguous update, specify as_node").
    """
    return bulk_update_state(graph, saver, config, [[StateUpdate(values, as_node, task_id)]])


def bulk_update_state(graph: "Pregel", saver: Any, config: dict[str, Any],
                      supersteps: Sequence[Sequence[Any]]) -> dict[str, Any]:
    """Apply each superstep's updates together, one checkpoint per superstep (as LangGraph 1.2).

    Raises ``ValueError`` when ``supersteps`` or one of them is empty, ``InvalidUpdateError`` for updates LangGraph
    refuses (several updates with ``__input__``, ``__copy__`` or ``END``, or without ``as_node``).
    """
    require_thread_id(config)
    config = own_config(graph, config)
    if len(supersteps) == 0:
        raise ValueError("No supersteps provided")
    if any(len(updates) == 0 for updates in supersteps):
        raise ValueError("No updates provided")
    for i, updates in enumerate(supersteps):
        config = _superstep(graph, saver, config, [_entry(u) for u in updates], first=i == 0)
    return config


def _entry(update: Any) -> tuple[Any, str | None, str | None]:
    values, as_node, tid = (*update, None, None)[:3]
    return values, as_node, tid


def _superstep(graph: "Pregel", saver: Any, config: dict[str, Any], updates: list[tuple[Any, Any, Any]],
               first: bool) -> dict[str, Any]:
    saved = saver.get_tuple(config)
    parents = saved.metadata.get("parents") if saved is not None else None  # a subgraph's enclosing checkpoints
    store = Checkpointing(graph, config, frozenset(), "sync", _ignore, saver, parents)
    channels = {k: c.fresh() for k, c in graph.channels.items()}
    if saved is not None:
        store.restore(channels, saved)
    else:
        store.step = -1  # a fresh thread's first update lands at step 0, as in LangGraph
    values, as_node, _ = updates[0]
    if values is None and as_node == END:
        if len(updates) > 1:
            raise InvalidUpdateError("Cannot apply multiple updates when clearing state")
        saved_config = _finish_pending(graph, store, channels, saved)
    elif as_node == INPUT:
        if len(updates) > 1:
            raise InvalidUpdateError("Cannot apply multiple updates when updating as input")
        saved_config = _as_input(graph, store, channels, saved, values, first)
    elif as_node == COPY:
        if len(updates) > 1:
            raise InvalidUpdateError("Cannot copy checkpoint with multiple updates")
        saved_config = _copy(graph, saver, store, channels, saved, values)
    else:
        saved_config = _as_nodes(graph, store, channels, saved, updates, first)
    return with_checkpoint_map(saved_config, {"parents": parents})  # type: ignore[return-value]


def _ignore(*_: Any) -> None:
    return None


def _finish_pending(graph: "Pregel", store: Checkpointing, channels: dict[str, Any],
                    saved: CheckpointTuple | None) -> dict[str, Any]:
    """``update_state(cfg, None, as_node=END)``: apply what the pending step already wrote and drop the rest."""
    tasks: list[Task] = []
    updated: set[str] = set()
    if saved is not None:
        tasks = prepare_tasks(graph.nodes, channels, saved.checkpoint["id"], store.step + 1, store.ns)
        pending = classify_writes(saved.pending_writes or [])
        null = pending.pop(NULL_TASK_ID, None)
        if null and null["writes"]:
            writes = null["writes"]
            store.mark_updated(apply_writes(channels, [_task(NULL_TASK_ID, INPUT, (), graph, writes)]), writes)
            store.settle()
        for task in tasks:
            entry = pending.get(task.id)
            if entry:
                task.writes = list(entry["writes"])
        updated = apply_writes(channels, tasks)
    store.save(channels, "update", next_tasks=None, updated=updated, ran=tasks, list_updated=False)
    return store.checkpoint_config  # type: ignore[return-value]


def _as_input(graph: "Pregel", store: Checkpointing, channels: dict[str, Any], saved: CheckpointTuple | None,
              values: Any, first: bool) -> dict[str, Any]:
    """``as_node="__input__"``: ``values`` become new input (``__start__`` runs next, beside pending tasks)."""
    if values is None:
        raise InvalidUpdateError(f"Received no input writes for {START}")
    writes = [(START, values)]
    if saved is not None and not (first and _superseded(store, saved)):
        store.saver.put_writes(saved.config, writes, task_id(saved.checkpoint["id"], store.ns, -1, INPUT, ()), "")
    channels[START].update([values])
    if saved is None:
        store.step = -2  # LangGraph numbers input on a fresh thread -1
    store.save(channels, "input", next_tasks=None, updated={START}, ran=[_task(NULL_TASK_ID, INPUT, (), graph, writes)],
               list_updated=False)
    return store.checkpoint_config  # type: ignore[return-value]


def _copy(graph: "Pregel", saver: Any, store: Checkpointing, channels: dict[str, Any],
          saved: CheckpointTuple | None, values: Any) -> dict[str, Any]:
    """``as_node="__copy__"``: a ``fork`` copy of the checkpoint beside it (same parent); a list of
    ``(values, as_node)`` pairs in ``values`` is then applied to the copy as one superstep."""
    if saved is None:
        raise InvalidUpdateError("Cannot copy a non-existent checkpoint")
    configurable = saved.config["configurable"]
    store.checkpoint_config = saved.parent_config or {
        "configurable": {k: v for k, v in configurable.items() if k != "checkpoint_id"}}
    store.extra_metadata = {}  # LangGraph 1.2 saves the copy under the saved config alone: nothing of the call's
    store.save(channels, "fork", next_tasks=None, updated=set(), list_updated=False)
    copied = store.checkpoint_config
    if not (isinstance(values, list) and values):
        return copied  # type: ignore[return-value]
    grouped: dict[Any, list[tuple[Any, Any, Any]]] = {}  # LangGraph applies them grouped by node
    for item in values:
        if not isinstance(item, Sequence) or isinstance(item, str):
            raise InvalidUpdateError(f"Invalid update item: {item} when copying checkpoint")
        item_values, item_node = item[0], item[1]
        grouped.setdefault(item_node, []).append((item_values, item_node, None))
    return _superstep(graph, saver, copied, [u for group in grouped.values() for u in group], first=False)


def _as_nodes(graph: "Pregel", store: Checkpointing, channels: dict[str, Any], saved: CheckpointTuple | None,
              updates: list[tuple[Any, Any, Any]], first: bool) -> dict[str, Any]:
    """Run each ``as_node``'s writers on its values, as tasks of one new step."""
    step = store.step
    planned: dict[str, list[str]] = {}  # reuse the ids of the tasks the checkpoint planned, as LangGraph does
    if saved is not None and saved.pending_writes is not None:
        for task in prepare_tasks(graph.nodes, channels, saved.checkpoint["id"], step + 1, store.ns):
            planned.setdefault(task.name, []).append(task.id)
    if len(updates) == 1:
        values, as_node, given_id = updates[0]
        if as_node is None:
            as_node = _infer_as_node(graph, store, saved)
        if as_node is None:
            raise InvalidUpdateError(
                "Ambiguous update, specify as_node. The last step ran several nodes; pass "
                "update_state(config, values, as_node='<node>')."
            )
        valid = [(values, as_node, given_id)]
    else:
        valid = []
        for values, as_node, given_id in updates:
            if as_node is None:
                raise InvalidUpdateError("as_node is required when applying multiple updates")
            valid.append((values, as_node, given_id))
    for _, as_node, _ in valid:
        if as_node not in graph.nodes:
            raise InvalidUpdateError(f"Node {as_node} does not exist")
    tasks = []
    for i, (values, as_node, given_id) in enumerate(valid):
        node = graph.nodes[as_node]
        ids = planned.get(as_node)
        tid = given_id or (ids.pop(0) if ids else task_id(saved.checkpoint["id"] if saved else "", store.ns, i,
                                                         INTERRUPT, (INTERRUPT, i)))
        writes, _ = node.write(values, _task_config(graph, store.config, channels, node))
        tasks.append(Task(tid, as_node, (INTERRUPT, i), node, (), writes=writes))
    if saved is not None and not (first and _superseded(store, saved)):
        for task in tasks:  # the edit shows as the planned task's result in the history (LangGraph 1.2)
            if task.writes:
                store.saver.put_writes(saved.config, task.writes, task.id, task.path_str)
    # A new step: pending branches and Sends not written again are dropped.
    updated = {k for k, c in channels.items() if isinstance(c, (Ephemeral, Topic)) and c.consume()}
    updated |= apply_writes(channels, tasks)
    store.save(channels, "update", next_tasks=None, updated=updated, ran=tasks, list_updated=False)
    return store.checkpoint_config  # type: ignore[return-value]


def _task_config(graph: "Pregel", config: dict[str, Any], channels: dict[str, Any], node: Any) -> dict[str, Any]:
    """The config a node's writers see: conditional edges read the state with this update applied."""

    def read_fresh(writes: list[tuple[str, Any]]) -> dict[str, Any]:
        preview = {k: c.copy() for k, c in channels.items()}
        apply_writes(preview, [Task("update", node.name, (INTERRUPT,), node, (), writes=writes)])
        return read_values(preview, graph.state_keys)

    return {**config, "configurable": {**config["configurable"], "__pregel_read": read_fresh}}


def _task(tid: str, name: str, triggers: tuple[str, ...], graph: "Pregel", writes: list[tuple[str, Any]]) -> Task:
    return Task(tid, name, ("~",), next(iter(graph.nodes.values())), triggers, writes=writes)


def _superseded(store: Checkpointing, saved: CheckpointTuple) -> bool:
    """The thread moved past ``saved`` (a ``checkpoint_id`` named an older one): its writes stay untouched."""
    if not store.config["configurable"].get("checkpoint_id"):
        return False
    configurable = {k: v for k, v in store.config["configurable"].items() if k != "checkpoint_id"}
    head = store.saver.get_tuple({**store.config, "configurable": configurable})
    return head is not None and head.checkpoint["id"] != saved.checkpoint["id"]


def _infer_as_node(graph: "Pregel", store: Checkpointing, saved: CheckpointTuple | None) -> str | None:
    """The node that saw the newest channel version (LangGraph's rule); ``None`` when two saw it at once."""
    if len(graph.nodes) == 1:
        return next(iter(graph.nodes))
    seen = store.seen
    if saved is not None and store.versions and not any(version_number(v) for v in store.versions.values()):
        # Saved by an older release, whose versions_seen named only the nodes of the last step.
        named = {n for n in seen if n in graph.nodes and n != START}
        return named.pop() if len(named) == 1 else (START if not named else None)
    if not any(v for versions in seen.values() for v in versions.values()):
        return START if START in graph.nodes else None
    last = sorted((v, n) for n, versions in seen.items() if n in graph.nodes for v in versions.values())
    if len(last) == 1 or (last and last[-1][0] != last[-2][0]):
        return last[-1][1]
    return None
