"""An in-process checkpointer for demos and tests (``MemorySaver`` is an alias)."""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Iterator, Sequence
from typing import Any

from ..pregel._channels import MISSING
from .base import (
    BaseCheckpointSaver,
    Checkpoint,
    CheckpointMetadata,
    CheckpointTuple,
    WRITES_IDX_MAP,
    checkpoint_ns,
    config_for,
    get_checkpoint_id,
    metadata_matches,
    require_thread_id,
)
from .serde import SafeSerializer

__all__ = ["InMemorySaver", "MemorySaver"]

_Stored = tuple[tuple[str, bytes], tuple[str, bytes], str | None]  # checkpoint, metadata, parent id


class InMemorySaver(BaseCheckpointSaver):
    """Keeps serialized checkpoints in a dict; a channel value is stored once per version.

    Values are serialized (not kept by reference) so a node mutating its state cannot rewrite history.
    """

    def __init__(self, *, serde: SafeSerializer | None = None) -> None:
        super().__init__(serde=serde)
        # thread -> ns -> checkpoint id -> stored
        self.storage: defaultdict[str, dict[str, dict[str, _Stored]]] = defaultdict(lambda: defaultdict(dict))
        self.blobs: dict[tuple[str, str, str, int], tuple[str, bytes]] = {}
        self.writes: defaultdict[tuple[str, str, str], dict[tuple[str, int], tuple[str, str, tuple[str, bytes], str]]] = defaultdict(dict)
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
            metadata = self.serde.loads_typed(stored[1])
            if not metadata_matches(metadata, filter):
                continue
            if limit is not None and count >= limit:
                return
            count += 1
            yield self._tuple(thread_id, ns, checkpoint_id, stored, metadata)

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
        dumps = self.serde.dumps_typed
        with self._lock:
            for channel, version in new_versions.items():
                value = values.get(channel, MISSING)
                self.blobs[(thread_id, ns, channel, version)] = ("empty", b"") if value is MISSING else dumps(value)
            header = {k: v for k, v in checkpoint.items() if k != "channel_values"}
            self.storage[thread_id][ns][checkpoint["id"]] = (
                dumps(header), dumps(metadata), get_checkpoint_id(config),
            )
        return config_for(thread_id, ns, checkpoint["id"])

    def put_writes(self, config: dict[str, Any], writes: Sequence[tuple[str, Any]], task_id: str, task_path: str = "") -> None:
        thread_id = require_thread_id(config)
        key = (thread_id, checkpoint_ns(config), get_checkpoint_id(config))
        dumps = self.serde.dumps_typed
        with self._lock:
            bucket = self.writes[key]
            for idx, (channel, value) in enumerate(writes):
                slot = WRITES_IDX_MAP.get(channel, idx)
                bucket[(task_id, slot)] = (task_id, channel, dumps(value), task_path)

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

    def _tuple(self, thread_id: str, ns: str, checkpoint_id: str, stored: _Stored, metadata: Any = None) -> CheckpointTuple:
        loads = self.serde.loads_typed
        header = loads(stored[0])
        values = {}
        for channel, version in header["channel_versions"].items():
            blob = self.blobs.get((thread_id, ns, channel, version))
            if blob is not None and blob[0] != "empty":
                values[channel] = loads(blob)
        checkpoint: Checkpoint = {**header, "channel_values": values}
        writes = self.writes.get((thread_id, ns, checkpoint_id), {})
        parent_id = stored[2]
        return CheckpointTuple(
            config=config_for(thread_id, ns, checkpoint_id),
            checkpoint=checkpoint,
            metadata=metadata if metadata is not None else loads(stored[1]),
            parent_config=config_for(thread_id, ns, parent_id) if parent_id else None,
            pending_writes=[(task_id, channel, loads(value)) for task_id, channel, value, _ in writes.values()],
        )


MemorySaver = InMemorySaver
