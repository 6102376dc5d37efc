"""An in-process checkpointer for demos and tests (``MemorySaver`` is an alias)."""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from typing import Any

from ..pregel._channels import MISSING
from .base import (
    WRITES_IDX_MAP,
    BaseCheckpointSaver,
    Checkpoint,
    CheckpointMetadata,
    CheckpointTuple,
    checkpoint_ns,
    config_for,
    get_checkpoint_id,
    metadata_matches,
    require_thread_id,
    serialize_value,
)
from .serde import SafeSerializer

__all__ = ["InMemorySaver", "MemorySaver"]

_Stored = tuple[tuple[str, bytes], str | None]  # (checkpoint header, metadata) serialized together, parent id


class _Batch:
    """One task's writes serialized in a single call; decoded once however many writes it holds."""

    __slots__ = ("blob",)

    def __init__(self, blob: tuple[str, bytes]) -> None:
        self.blob = blob


class InMemorySaver(BaseCheckpointSaver):
    """Keeps serialized checkpoints in a dict; a channel value is stored once per version.

    Values are serialized (not kept by reference) so a node mutating its state cannot rewrite history.
    """

    def __init__(self, *, serde: SafeSerializer | None = None) -> None:
        super().__init__(serde=serde)
        # thread -> ns -> checkpoint id -> stored
        self.storage: defaultdict[str, dict[str, dict[str, _Stored]]] = defaultdict(lambda: defaultdict(dict))
        # (thread, ns, version) -> batches holding channel values at that version (one batch per put() call)
        self.blobs: dict[tuple[str, str, str], list[_Batch]] = {}
        # (thread, ns, checkpoint) -> (task, slot) -> ([(index in batch, channel)], batch, task path)
        self.writes: defaultdict[tuple[str, str, str], dict[tuple[str, int], tuple[list, _Batch, str]]] = (
            defaultdict(dict)
        )
        self._lock = threading.RLock()

    def get_tuple(self, config: dict[str, Any]) -> CheckpointTuple | None:
        thread_id = require_thread_id(config)
        ns = checkpoint_ns(config)
        with self._lock:
            checkpoints = self.storage.get(thread_id, {}).get(ns)
            if not checkpoints:
                return None
            checkpoint_id = get_checkpoint_id(config) or max(checkpoints)
            stored = checkpoints.get(checkpoint_id)
            if stored is None:
                return None
            return self._tuple(thread_id, ns, checkpoint_id, stored)

    def list(
        self,
        config: dict[str, Any] | None,
        *,
        filter: dict[str, Any] | None = None,
        before: dict[str, Any] | None = None,
        limit: int | None = None,
    ) -> Iterator[CheckpointTuple]:
        with self._lock:
            thread_ids = [require_thread_id(config)] if config else list(self.storage)
            wanted_ns = checkpoint_ns(config) if config and "checkpoint_ns" in config.get("configurable", {}) else None
            wanted_id = get_checkpoint_id(config)
            before_id = get_checkpoint_id(before)
            found = []
            for thread_id in thread_ids:
                for ns, checkpoints in self.storage.get(thread_id, {}).items():
                    if wanted_ns is not None and ns != wanted_ns:
                        continue
                    for checkpoint_id in sorted(checkpoints, reverse=True):
                        if wanted_id and checkpoint_id != wanted_id:
                            continue
                        if before_id and checkpoint_id >= before_id:
                            continue
                        found.append((thread_id, ns, checkpoint_id, checkpoints[checkpoint_id]))
        count = 0
        for thread_id, ns, checkpoint_id, stored in found:
            header, metadata = self.serde.loads_typed(stored[0])
            if not metadata_matches(metadata, filter):
                continue
            if limit is not None and count >= limit:
                return
            count += 1
            yield self._tuple(thread_id, ns, checkpoint_id, stored, (header, metadata))

    def put(
        self,
        config: dict[str, Any],
        checkpoint: Checkpoint,
        metadata: CheckpointMetadata,
        new_versions: dict[str, int],
    ) -> dict[str, Any]:
        thread_id = require_thread_id(config)
        ns = checkpoint_ns(config)
        values = checkpoint["channel_values"]
        if values.keys() <= new_versions.keys():  # the engine passes exactly the changed channels
            changed = values
        else:
            changed = {c: values[c] for c in new_versions if c in values and values[c] is not MISSING}
        header = {k: v for k, v in checkpoint.items() if k != "channel_values"}
        # One serializer call for the changed values, one for header and metadata.
        batch = _Batch(_dump_batch(self.serde, changed, changed.items()))
        record = self.serde.dumps_typed([header, metadata])
        with self._lock:
            for version in set(new_versions.values()):
                self.blobs.setdefault((thread_id, ns, version), []).append(batch)
            self.storage[thread_id][ns][checkpoint["id"]] = (record, get_checkpoint_id(config))
        return config_for(thread_id, ns, checkpoint["id"])

    def put_writes(self, config: dict[str, Any], writes: Sequence[tuple[str, Any]], task_id: str, task_path: str = "") -> None:
        thread_id = require_thread_id(config)
        key = (thread_id, checkpoint_ns(config), get_checkpoint_id(config))
        names = [channel for channel, _ in writes]
        batch = _Batch(_dump_batch(self.serde, [value for _, value in writes], writes, task_path))
        special = []
        if WRITES_IDX_MAP.keys() & set(names):
            special = [(WRITES_IDX_MAP[c], i) for i, c in enumerate(names) if c in WRITES_IDX_MAP]
            regular = [(i, c) for i, c in enumerate(names) if c not in WRITES_IDX_MAP]
        else:
            regular = list(enumerate(names))
        with self._lock:
            bucket = self.writes[key]
            if regular:  # a task's regular writes arrive together and replace any earlier ones
                bucket[(task_id, 0)] = (regular, batch, task_path)
            for slot, idx in special:
                bucket[(task_id, slot)] = ([(idx, names[idx])], batch, task_path)

    def delete_thread(self, thread_id: str) -> None:
        thread_id = str(thread_id)
        with self._lock:
            self.storage.pop(thread_id, None)
            for key in [k for k in self.writes if k[0] == thread_id]:
                del self.writes[key]
            for key in [k for k in self.blobs if k[0] == thread_id]:
                del self.blobs[key]

    def list_threads(self) -> list[str]:
        with self._lock:
            return [t for t, spaces in self.storage.items() if any(spaces.values())]

    def _tuple(self, thread_id: str, ns: str, checkpoint_id: str, stored: _Stored,
               decoded: tuple[dict[str, Any], Any] | None = None) -> CheckpointTuple:
        loads = self.serde.loads_typed
        header, metadata = decoded if decoded is not None else loads(stored[0])
        values = {}
        decoded: dict[int, Any] = {}

        def load(batch: _Batch) -> Any:
            found = decoded.get(id(batch))
            if found is None:
                found = decoded[id(batch)] = loads(batch.blob)
            return found

        for channel, version in header["channel_versions"].items():
            for batch in self.blobs.get((thread_id, ns, version), ()):
                group = load(batch)
                if channel in group:
                    values[channel] = group[channel]
                    break
        checkpoint: Checkpoint = {**header, "channel_values": values}
        writes = self.writes.get((thread_id, ns, checkpoint_id), {})
        pending = []
        for (task_id, _), (entries, batch, _path) in writes.items():
            found = load(batch)
            pending.extend((task_id, channel, found[index]) for index, channel in entries)
        parent_id = stored[1]
        return CheckpointTuple(
            config=config_for(thread_id, ns, checkpoint_id),
            checkpoint=checkpoint,
            metadata=metadata,
            parent_config=config_for(thread_id, ns, parent_id) if parent_id else None,
            pending_writes=pending,
        )


def _dump_batch(serde: SafeSerializer, batch: Any, named: Iterable[tuple[str, Any]], task_path: str = "") -> Any:
    """Serialize several values in one call; on failure, name the state key (or write) that cannot be stored."""
    try:
        return serde.dumps_typed(batch)
    except TypeError:
        for key, value in named:
            serialize_value(serde, value, key, task_path or None)  # raises the precise, named error
        raise


MemorySaver = InMemorySaver
