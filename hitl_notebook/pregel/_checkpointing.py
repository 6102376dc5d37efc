"""A run's view of its thread: loading, saving checkpoints and pending writes, and the current step."""

from __future__ import annotations

import asyncio
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING, Any

from ..checkpoint.base import (
    Checkpoint,
    CheckpointTuple,
    checkpoint_ns,
    get_checkpoint_id,
    new_checkpoint_id,
    require_thread_id,
)
from ..constants import NULL_TASK_ID
from ..types import Command, Interrupt
from . import _events
from ._algo import Task, classify_writes, read_values
from ._async import current_bridge
from ._channels import MISSING, Channel
from ._config import checkpoint_metadata_of, configurable_of, merge_configs
from ._versions import VersionsMixin, version_number

if TYPE_CHECKING:
    from .main import Pregel


class Checkpointing(VersionsMixin):
    """Owns the current checkpoint of a run and everything that goes to the saver."""

    def __init__(
        self,
        graph: "Pregel",
        config: dict[str, Any],
        modes: frozenset[str],
        durability: str,
        emit: Callable[[str, Any], None],
        saver: Any = None,
        parents: dict[str, str] | None = None,
    ) -> None:
        self.graph = graph
        # A subgraph's checkpoints name the checkpoint of each enclosing graph they ran under (``parents``).
        self.parents = parents or {}
        own = graph.checkpointer
        # checkpointer=True/False are flags for a subgraph (the saver is lent by its parent), never a saver;
        # ``saver=False`` from the caller means nothing is saved whatever the graph was compiled with.
        self.saver = None if saver is False else saver or (None if isinstance(own, bool) else own)
        self.enabled = self.saver is not None
        self.config = config
        self.thread_id = require_thread_id(config) if self.enabled else None
        # Added to each saved checkpoint's metadata (LangGraph 1.2's savers copy them from the config they get).
        self.extra_metadata = checkpoint_metadata_of(merge_configs(graph.config, config) if graph.config else config) \
            if self.enabled else {}
        self.ns = checkpoint_ns(config)
        self.modes = modes
        self.emits_checkpoints = bool(modes & {"checkpoints", "debug"})
        self.durability = durability
        self.emit = emit
        self.step = -2
        self.checkpoint_id = ""
        self.checkpoint_config: dict[str, Any] | None = None  # last persisted checkpoint
        self._init_versions()
        self.pending_by_task: dict[str, dict[str, Any]] = {}
        self._unsaved: tuple[Mapping[str, Channel], dict[str, Any], dict[str, Any]] | None = None
        self._buffered_writes: list[tuple[Task | None, list[tuple[str, Any]]]] = []
        # A step's lone task's writes, saved in one transaction with the checkpoint right after (savers that can).
        self._held: tuple[Task, list[tuple[str, Any]]] | None = None
        self._combine = (self.enabled and durability != "exit"
                         and callable(getattr(self.saver, "put_with_writes", None)))
        bridge = current_bridge()
        if bridge is not None:
            bridge.register(self)

    def disarm(self) -> None:
        """The async caller was cancelled: save no more checkpoints (tasks' pending writes still go through).

        Under ``durability="exit"`` the last finished checkpoint is still saved when the run winds down, with the
        writes of the tasks that finished after it, as LangGraph 1.2 does; a ``flush`` then raises
        ``CancelledError`` so the run stops.
        """
        self.save = _cancelled  # type: ignore[method-assign]
        self.flush = self._flush_cancelled  # type: ignore[method-assign]

    def _flush_cancelled(self) -> None:
        self.flush_finished()
        raise asyncio.CancelledError()

    def flush_finished(self) -> None:
        """After a cancel: persist what ``durability="exit"`` held back, less the cancelled tasks' error writes."""
        if self._unsaved is None:
            return
        self._buffered_writes = [(t, w) for t, w in self._buffered_writes
                                 if not (t is not None and isinstance(t.error, asyncio.CancelledError))]
        Checkpointing.flush(self)

    # -- loading ---------------------------------------------------------------------------------------------------

    def load(self) -> CheckpointTuple | None:
        return self.saver.get_tuple(self.config) if self.enabled else None

    def restore(self, channels: Mapping[str, Channel], saved: CheckpointTuple) -> None:
        checkpoint = saved.checkpoint
        for key, value in checkpoint["channel_values"].items():
            if key in channels:
                channels[key].restore(value)
        self.versions = dict(checkpoint["channel_versions"])
        self.seen = {node: dict(seen) for node, seen in (checkpoint.get("versions_seen") or {}).items()}
        self._counter = max(map(version_number, self.versions.values()), default=0)
        self.step = saved.metadata.get("step", -1)
        self.checkpoint_id = checkpoint["id"]
        self._step_configurable = None
        self.checkpoint_config = saved.config

    def is_replay(self, input: Any, saved: CheckpointTuple, nested: bool) -> bool:
        """The call replays ``saved``, so the run forks the thread first (LangGraph 1.2's time travel).

        ``input`` is ``None`` (or a ``Command`` without ``resume``, root graphs only) and the config names a
        ``checkpoint_id``. As LangGraph, the root graph forks even from the thread's head, unless that checkpoint is
        itself a fork or an ``update_state`` result; a nested run forks only from a checkpoint its thread moved past.
        """
        if get_checkpoint_id(self.config) is None:
            return False
        if nested:
            return input is None and self.superseded()
        if input is not None and not (isinstance(input, Command) and input.resume is None):
            return False
        if not saved.checkpoint["channel_versions"]:
            return False
        return saved.metadata.get("source") not in ("update", "fork") or self.superseded()

    def superseded(self) -> bool:
        """The call addressed a checkpoint (``checkpoint_id``) that is not the thread's head."""
        if get_checkpoint_id(self.config) is None:
            return False
        configurable = {k: v for k, v in self.config["configurable"].items() if k != "checkpoint_id"}
        head = self.saver.get_tuple({**self.config, "configurable": configurable})
        return head is not None and head.checkpoint["id"] != self.checkpoint_id

    def adopt_pending(self, saved: CheckpointTuple) -> list[tuple[str, Any]]:
        """Reuse the writes of tasks that already finished at this checkpoint; return earlier Commands' writes."""
        self.pending_by_task = classify_writes(saved.pending_writes or [])
        null = self.pending_by_task.pop(NULL_TASK_ID, None)
        self._null_writes = list(null["writes"]) if null else []
        return self._null_writes

    def announce(self, channels: Mapping[str, Channel], saved: CheckpointTuple, plan: Callable[[], list[Task]],
                 output: str | tuple[str, ...]) -> None:
        """On resume, LangGraph first re-emits the checkpoint it continues from (``checkpoints``/``debug``); tasks
        that saved writes there show their outcome (``output``: the run's output keys or single channel)."""
        if not self.enabled or not self.emits_checkpoints:
            return
        pending = self.pending_by_task
        tasks = plan()
        payload = _events.checkpoint_payload(
            self._event_config(self.checkpoint_id), saved.parent_config, read_values(channels, self.graph.state_keys),
            saved.metadata, tasks,
        )
        entries = payload["tasks"]
        for index, task in enumerate(tasks):
            found = pending.get(task.id)
            if found:
                entries[index] = _events.saved_outcome(entries[index], found, output)
        self.emit("checkpoints", payload)
        self.emit("debug", _events.debug(self.step, "checkpoint", payload))

    def fork(self, channels: Mapping[str, Channel], plan: Callable[[], list[Task]] | None = None) -> None:
        """Replaying from an old checkpoint first writes a ``fork`` copy of it (LangGraph 1.2); its streamed
        ``checkpoints``/``debug`` event lists the tasks ``plan`` gives, as LangGraph's lists the replayed ones."""
        self.save(channels, "fork", next_tasks=plan, updated=set(), list_updated=False, hold_event=True)

    def emit_held(self) -> None:
        """Stream the held ``fork`` checkpoint event: LangGraph streams it after the replay's first ``values``."""
        held, self._held_event = self._held_event, None
        if held is not None:
            self.emit("checkpoints", held[1])
            self.emit("debug", _events.debug(held[0], "checkpoint", held[1]))

    _held_event: tuple[int, dict[str, Any]] | None = None

    def pending_interrupts(self) -> list[tuple[str, Interrupt]]:
        found = []
        for tid, entry in self.pending_by_task.items():
            if entry["interrupts"] and not entry["ok"]:
                found.extend((tid, i) for i in entry["interrupts"])
        return found

    # -- saving ----------------------------------------------------------------------------------------------------

    def save(
        self,
        channels: Mapping[str, Channel],
        source: str,
        *,
        next_tasks: Callable[[], list[Task]] | None,
        updated: set[str],
        ran: list[Task] | None = None,
        list_updated: bool = True,
        hold_event: bool = False,
    ) -> None:
        """Write a checkpoint after ``ran`` changed ``updated``; ``list_updated=False`` stores
        ``updated_channels=None`` (LangGraph's update_state and copies); ``hold_event`` keeps its streamed event
        for ``emit_held``."""
        self.step += 1
        self.checkpoint_id = checkpoint_id = new_checkpoint_id(self.step)
        self._step_configurable = None
        if self.pending_by_task:
            self.pending_by_task = {}
        if not self.enabled:  # versions are only ever read from saved checkpoints: none to keep
            if self._marked:
                self._marked, self._marked_order = set(), []
            return
        if ran:
            self.see(ran)
        if self._marked:
            self.settle()
        if updated:
            self.bump(updated, ran=ran)
        header = {
            "v": 4,
            "ts": _events.now_iso(),
            "id": checkpoint_id,
            # Channels still set after the step: the next step looks only at nodes they trigger (LangGraph 1.2).
            "updated_channels": self._still_set(channels, updated) if list_updated else None,
        }
        metadata = {"source": source, "step": self.step, "parents": dict(self.parents)}
        if self.durability == "exit":
            self._unsaved = (channels, header, metadata)  # built and persisted once, at exit
            self._buffered_writes = []  # they belonged to the checkpoint this one replaces
        else:
            self._persist(self._checkpoint(channels, header, self._dirty), metadata)
        if self.emits_checkpoints:
            config = self._event_config(self.checkpoint_id)
            payload = _events.checkpoint_payload(
                config, self._event_config(self._parent_id()), read_values(channels, self.graph.state_keys), metadata,
                next_tasks() if next_tasks else [],
            )
            if hold_event:
                self._held_event = (self.step, payload)
                return
            self.emit("checkpoints", payload)
            self.emit("debug", _events.debug(self.step, "checkpoint", payload))

    def _checkpoint(self, channels: Mapping[str, Channel], header: dict[str, Any], changed: Mapping[str, str]) -> Checkpoint:
        """The checkpoint to store (completes ``header``, used once); ``channel_values`` carries the changed channels
        (savers keep the rest)."""
        values = {
            key: stored for key in changed
            if (stored := (ch.value if (ch := channels[key]).plain else ch.checkpoint())) is not MISSING
        }
        # LangGraph's key order, so a printed checkpoint reads the same.
        return {  # type: ignore[return-value]
            "v": header["v"], "ts": header["ts"], "id": header["id"], "channel_versions": dict(self.versions),
            "versions_seen": dict(self.seen),  # entries are replaced, never changed in place (see ``see``)
            "updated_channels": header["updated_channels"], "channel_values": values,
        }

    def _persist(self, checkpoint: Checkpoint, metadata: dict[str, Any]) -> None:
        if self.extra_metadata:  # a copy: the streamed checkpoint event shows the metadata without them
            metadata = {**metadata, **{k: v for k, v in self.extra_metadata.items() if k not in metadata}}
        parent = self.checkpoint_config or {"configurable": {"thread_id": self.thread_id, "checkpoint_ns": self.ns}}
        self._parent_config = self.checkpoint_config
        new_versions = self._dirty
        held, self._held = self._held, None
        if held is None:
            self.checkpoint_config = self.saver.put(parent, checkpoint, metadata, new_versions)
        else:
            task, writes = held
            self.checkpoint_config = self.saver.put_with_writes(parent, writes, task.id, task.path_str, checkpoint,
                                                                metadata, new_versions)
        self._dirty = {}

    _parent_config: dict[str, Any] | None = None

    def _parent_id(self) -> str | None:
        """The id of the checkpoint the last saved one follows (only checkpoint events show it)."""
        return get_checkpoint_id(self._parent_config)

    def _event_config(self, checkpoint_id: str | None) -> dict[str, Any] | None:
        """A checkpoint's config in ``checkpoints``/``debug`` events: as LangGraph 1.2, the namespace, then the call's
        configurable entries (``thread_id``, a ``user_id``...), the ``checkpoint_map`` of a subgraph, the id."""
        if not checkpoint_id:
            return None
        shown = self._shown_configurable
        if shown is None:
            shown = {k: v for k, v in configurable_of(self.config).items()
                     if not k.startswith("__pregel_") and k not in ("checkpoint_ns", "checkpoint_id", "checkpoint_map")}
            shown["thread_id"] = self.thread_id
            shown = self._shown_configurable = {"checkpoint_ns": self.ns, **shown}
        configurable = dict(shown)
        if self.parents:
            configurable["checkpoint_map"] = {**self.parents, self.ns: checkpoint_id}
        configurable["checkpoint_id"] = checkpoint_id
        return {"configurable": configurable}

    _shown_configurable: dict[str, Any] | None = None

    def put_writes(self, task: Task, writes: list[tuple[str, Any]], *, before_save: bool = False) -> None:
        """Save a finished task's writes. ``before_save``: the loop saves the next checkpoint right after this
        (nothing runs or is yielded in between), so a saver with ``put_with_writes`` stores both at once."""
        if not self.enabled:
            return
        if self._unsaved is not None:
            self._buffered_writes.append((task, writes))
            return
        if before_save and self._combine:
            self._held = (task, writes)
            return
        self.saver.put_writes(self.checkpoint_config, writes, task.id, task.path_str)

    def release(self) -> None:
        """The run stopped before the checkpoint that was to carry the held writes: save them alone (as LangGraph
        would have already). A failure here is not raised over the error that stopped the run."""
        held, self._held = self._held, None
        if held is not None:
            try:
                self.saver.put_writes(self.checkpoint_config, held[1], held[0].id, held[0].path_str)
            except Exception:  # noqa: BLE001 - the run is already failing with its own error
                pass

    _null_writes: list[tuple[str, Any]] = []

    def add_null_writes(self, writes: list[tuple[str, Any]]) -> None:
        """Keep a Command's writes as pending writes of the head (re-sent whole, so earlier ones stay)."""
        self._null_writes = [*self._null_writes, *writes]
        if self.enabled and self.checkpoint_config is not None:
            self.saver.put_writes(self.checkpoint_config, self._null_writes, NULL_TASK_ID, "")

    def flush(self) -> None:
        """Persist what ``durability="exit"`` held back."""
        if self._unsaved is None:
            return
        channels, header, metadata = self._unsaved
        self._unsaved = None
        self._persist(self._checkpoint(channels, header, self._dirty), metadata)
        for task, writes in self._buffered_writes:
            self.saver.put_writes(self.checkpoint_config, writes, task.id, task.path_str)
        self._buffered_writes = []

    # -- task config -----------------------------------------------------------------------------------------------

    def task_config(self, task: Task, step: int, read_fresh: Callable) -> dict[str, Any]:
        """The config a node sees: the run's, plus its namespace, checkpoint and LangGraph's task metadata."""
        rest, configurable, metadata = self._task_base or self.shared_task_config()
        ns = task.namespace if not self.ns else f"{self.ns}|{task.namespace}"
        task_metadata = {
            **metadata, "langgraph_step": step, "langgraph_node": task.name, "langgraph_triggers": task.triggers,
            "langgraph_path": task.path, "langgraph_checkpoint_ns": ns,
        }
        if task.node.metadata:  # add_node(metadata=...), as LangGraph 1.2
            task_metadata.update(task.node.metadata)
        return {
            **rest,
            "metadata": task_metadata,
            "configurable": {**(self._step_configurable or self._step_base(configurable)), "checkpoint_ns": ns,
                             "__pregel_read": read_fresh},
        }

    def shared_task_config(self) -> tuple[dict[str, Any], dict[str, Any], dict[str, Any]]:
        """What the configs of the run's tasks share: the other config keys, ``configurable``, ``metadata``."""
        config = self.config
        configurable = configurable_of(config)  # unknown top-level keys move into it, as LangGraph 1.2
        metadata = dict(config.get("metadata") or {})
        for key in _IDS_TO_METADATA:  # as LangGraph 1.2's ensure_config
            if key not in metadata and configurable.get(key):
                metadata[key] = configurable[key]
        rest = {k: v for k, v in config.items() if k in _TASK_CONFIG_KEYS}
        self._task_base = (rest, configurable, metadata)
        return self._task_base

    _task_base: tuple[dict[str, Any], dict[str, Any], dict[str, Any]] | None = None

    def _step_base(self, configurable: dict[str, Any]) -> dict[str, Any]:
        """What the step's tasks' ``configurable`` share, built once per step (dropped when ``checkpoint_id``
        changes). As LangGraph 1.2, ``checkpoint_map`` names the checkpoint the step was planned from (and each
        enclosing graph's) by namespace, and a task's own ``checkpoint_id`` is None."""
        self._step_configurable = {**configurable, "checkpoint_map": {**self.parents, self.ns: self.checkpoint_id},
                                   "checkpoint_id": None}
        return self._step_configurable

    _step_configurable: dict[str, Any] | None = None


# ``configurable`` ids LangGraph 1.2 copies into a run's metadata, and the other config keys a task's config keeps.
_IDS_TO_METADATA = ("thread_id", "checkpoint_id", "checkpoint_ns", "task_id", "run_id", "assistant_id", "graph_id")
_TASK_CONFIG_KEYS = frozenset({"tags", "callbacks", "max_concurrency", "recursion_limit", "run_id"})


def _cancelled(*args: Any, **kwargs: Any) -> None:
    raise asyncio.CancelledError()
