"""An in-process checkpointer for demos and tests (``MemorySaver`` is an alias)."""

from __future__ import annotations

import threading
from collections import defaultdict
from collections.abc import Generator, Iterable, Iterator, Sequence
from functools import partial
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
from ._arena import Arenas, Slice
from ._delta import DELTA, ListDeltas, Planned, resolve
from .serde import SafeSerializer

__all__ = ["InMemorySaver", "MemorySaver"]

_SPECIAL = frozenset(WRITES_IDX_MAP)
_MIN_LIST = 16  # shorter lists are stored with the other changed values (a delta needs a 1 KiB base anyway)
_Stored = tuple[tuple[str, bytes], str | None]  # [checkpoint header, metadata, ...] serialized together, parent id


class _Batch(tuple):
    """The ``(type tag, bytes)`` of values serialized in one call (a task's writes, a checkpoint's changed channels).

    Its own object, so it is decoded once however many values it holds; a tuple subclass, so building one runs no
    Python code.
    """

    __slots__ = ()


class _Part(tuple):
    """``(batch, index)``: item ``index`` of a batch holding several groups (``put_with_writes`` serializes a
    checkpoint's record, its changed values and the writes before it in one call)."""

    __slots__ = ()


class InMemorySaver(BaseCheckpointSaver):
    """Keeps serialized checkpoints in a dict; a channel value is stored once per version.

    Values are serialized (not kept by reference) so a node mutating its state cannot rewrite history.
    """

    _blocking = False  # no I/O: the async twins call the sync methods directly, as LangGraph's InMemorySaver does

    def __init__(self, *, serde: SafeSerializer | None = None) -> None:
        super().__init__(serde=serde)
        # thread -> ns -> checkpoint id -> stored
        self.storage: defaultdict[str, dict[str, dict[str, _Stored]]] = defaultdict(lambda: defaultdict(dict))
        # (thread, ns, version) -> batches holding channel values at that version (one batch per put() call)
        self.blobs: dict[tuple[str, str, str], list[_Part]] = {}
        # (thread, ns, checkpoint) -> (task, slot) -> ([(index in batch, channel)], batch, task path)
        self.writes: defaultdict[tuple[str, str, str], dict[tuple[str, int], tuple[list, _Batch | _Part, str]]] = (
            defaultdict(dict)
        )
        # (thread, ns, channel, version) -> a list of at least _MIN_LIST items: an arena slice, or (type tag, bytes)
        self.lists: dict[tuple[str, str, str, str], Slice | tuple[str, bytes]] = {}
        self._deltas = ListDeltas()
        self._arenas = Arenas()
        self._fingerprint = getattr(self.serde, "items_fingerprint", None)
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
            record = self.serde.loads_typed(stored[0])
            if not metadata_matches(record[1], filter):
                continue
            if limit is not None and count >= limit:
                return
            count += 1
            yield self._tuple(thread_id, ns, checkpoint_id, stored, record)

    def put(
        self,
        config: dict[str, Any],
        checkpoint: Checkpoint,
        metadata: CheckpointMetadata,
        new_versions: dict[str, int],
    ) -> dict[str, Any]:
        return self._put(config, checkpoint, metadata, new_versions, None)

    def put_with_writes(self, config: dict[str, Any], writes: Sequence[tuple[str, Any]], task_id: str,
                        task_path: str, checkpoint: Checkpoint, metadata: CheckpointMetadata,
                        new_versions: dict[str, Any]) -> dict[str, Any]:
        """``put_writes(config, writes, ...)`` then ``put(config, checkpoint, ...)``, serialized in one call. The
        engine uses it for a step's lone task, whose checkpoint follows at once. A subclass that overrides ``put``
        or ``put_writes`` gets the two calls."""
        cls = type(self)
        if cls.put is not InMemorySaver.put or cls.put_writes is not InMemorySaver.put_writes:
            self.put_writes(config, writes, task_id, task_path)
            return self.put(config, checkpoint, metadata, new_versions)
        return self._put(config, checkpoint, metadata, new_versions, (writes, task_id, task_path))

    def _put(self, config: dict[str, Any], checkpoint: Checkpoint, metadata: CheckpointMetadata,
             new_versions: dict[str, Any], writes: tuple[Sequence[tuple[str, Any]], str, str] | None
             ) -> dict[str, Any]:
        address = thread_id, ns, parent_id = _address(config)
        values = checkpoint["channel_values"]
        if values.keys() <= new_versions.keys():  # the engine passes exactly the changed channels
            changed = values
        else:
            changed = {c: values[c] for c in new_versions if c in values and values[c] is not MISSING}
        header = dict(checkpoint)  # everything but the values, in the checkpoint's key order
        del header["channel_values"]
        with self._lock:  # the lists build on what this saver stored last: one put at a time
            lists = self._list_rows(thread_id, ns, changed, new_versions)
            if lists:
                changed = {c: v for c, v in changed.items() if c not in lists}
            # One serializer call for the record (header, metadata), the other changed values and the writes.
            group: list[Any] = [header, metadata, changed if changed or not lists else None]
            if writes is not None:
                group.append([value for _, value in writes[0]])
            try:
                record = _Batch(self.serde.dumps_typed(group))
            except TypeError:
                if writes is not None:  # saved first, as with two calls; then the precise error
                    self.put_writes(config, *writes)
                _name_unstorable(self.serde, changed.items())
                raise
            if group[2] is not None:
                batch = _Part((record, 2))
                for version in set(new_versions.values()):
                    self.blobs.setdefault((thread_id, ns, version), []).append(batch)
            for channel, (row, planned) in lists.items():
                self.lists[(thread_id, ns, channel, str(new_versions[channel]))] = row
                if planned is not None:
                    self._deltas.remember(thread_id, ns, channel, planned)
            if writes is not None:
                self._keep_writes(address, [channel for channel, _ in writes[0]], _Part((record, 3)), *writes[1:])
            self.storage[thread_id][ns][checkpoint["id"]] = (record, parent_id)
        return config_for(thread_id, ns, checkpoint["id"])

    def _list_rows(self, thread_id: str, ns: str, changed: dict[str, Any], new_versions: dict[str, Any]
                   ) -> dict[str, tuple[Slice | tuple[str, bytes], Planned | None]]:
        """Growing lists stored apart, so memory grows with the new items, not the whole list at every step: plain
        data as slices of an append-only arena (``_arena``), chat messages (pydantic models) as deltas on the list
        stored before (``_delta``), which serializes only the new messages."""
        lists: dict[str, tuple[Slice | tuple[str, bytes], Planned | None]] = {}
        if self._fingerprint is None:
            return lists
        for channel, value in changed.items():
            if type(value) is not list or len(value) < _MIN_LIST:
                continue
            fp = self._fingerprint(value)
            if fp is not None and fp[2]:  # natively packed: the fingerprint is the serialized list
                row = self._arenas.store((thread_id, ns, channel), len(value), fp[1])
                lists[channel] = (row if row is not None else ("msgpack", fp[1]), None)
            else:  # models (only the new ones are serialized), or items beyond msgpack (compared as bytes)
                planned = self._deltas.plan(thread_id, ns, channel, str(new_versions[channel]), value,
                                            partial(serialize_value, self.serde, key=channel), known=fp)
                lists[channel] = ((planned.kind, planned.blob), planned)
        return lists

    def put_writes(self, config: dict[str, Any], writes: Sequence[tuple[str, Any]], task_id: str, task_path: str = "") -> None:
        try:
            batch = _Batch(self.serde.dumps_typed([value for _, value in writes]))
        except TypeError:
            _name_unstorable(self.serde, writes, task_path)
            raise
        with self._lock:
            self._keep_writes(_address(config), [channel for channel, _ in writes], batch, task_id, task_path)

    def _keep_writes(self, key: tuple[str, str, str | None], names: list[str], batch: _Batch | _Part, task_id: str,
                     task_path: str) -> None:
        """Index a task's serialized writes under the checkpoint they belong to (the caller holds the lock)."""
        special = []
        if not _SPECIAL.isdisjoint(names):
            special = [(WRITES_IDX_MAP[c], i) for i, c in enumerate(names) if c in WRITES_IDX_MAP]
            regular = [(i, c) for i, c in enumerate(names) if c not in WRITES_IDX_MAP]
        else:
            regular = list(enumerate(names))
        bucket = self.writes[key]
        # Kept in the order written (a marker after ``__error__`` lists after it, as LangGraph's saver).
        first = regular[0][0] if regular else len(names)
        for slot, idx in special:
            if first < idx:  # a task's regular writes arrive together and replace any earlier ones
                bucket[(task_id, 0)] = (regular, batch, task_path)
                first = len(names)
            bucket[(task_id, slot)] = ([(idx, names[idx])], batch, task_path)
        if first < len(names):
            bucket[(task_id, 0)] = (regular, batch, task_path)

    def delete_thread(self, thread_id: str) -> None:
        thread_id = str(thread_id)
        with self._lock:
            self.storage.pop(thread_id, None)
            for key in [k for k in self.writes if k[0] == thread_id]:
                del self.writes[key]
            for key in [k for k in self.blobs if k[0] == thread_id]:
                del self.blobs[key]
            for key in [k for k in self.lists if k[0] == thread_id]:
                del self.lists[key]
            self._deltas.forget(thread_id)
            self._arenas.forget(thread_id)

    def list_threads(self) -> list[str]:
        with self._lock:
            return [t for t, spaces in self.storage.items() if any(spaces.values())]

    def _tuple(self, thread_id: str, ns: str, checkpoint_id: str, stored: _Stored,
               record: list[Any] | None = None) -> CheckpointTuple:
        """The stored checkpoint as a tuple; ``record``: ``stored[0]`` already decoded (by ``list``)."""
        loads = self.serde.loads_typed
        cache: dict[int, Any] = {} if record is None else {id(stored[0]): record}

        def load(batch: _Batch | _Part) -> Any:
            if type(batch) is _Part:
                return load(batch[0])[batch[1]]
            found = cache.get(id(batch))
            if found is None:
                found = cache[id(batch)] = loads(batch)
            return found

        header, metadata = load(stored[0])[:2]
        values = {}

        for channel, version in header["channel_versions"].items():
            row = self.lists.get((thread_id, ns, channel, str(version))) if self.lists else None
            if row is not None:
                values[channel] = self._load_list(thread_id, ns, channel, str(version), row)
                continue
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

    def _load_list(self, thread_id: str, ns: str, channel: str, version: str,
                   row: Slice | tuple[str, bytes]) -> Any:
        if isinstance(row, Slice):
            return self.serde.loads(row.packed())
        if row[0] == DELTA:
            key = (thread_id, ns, channel, version)
            found = {key: row}

            def fetch(keys: list) -> Generator[Any, Any, dict]:
                return {k: self.lists[k] for k in keys if k in self.lists}
                yield  # a generator, as resolve() expects of its fetch operation; this one never waits

            for _ in resolve(found, fetch):
                pass
            row = found[key]
        return self.serde.loads_typed(row)


def _address(config: dict[str, Any]) -> tuple[str, str, str | None]:
    """``(thread_id, checkpoint_ns, checkpoint_id)`` of a config, read in one go (put and put_writes run every step)."""
    configurable = config.get("configurable") if config else None
    thread_id = configurable.get("thread_id") if configurable else None
    if thread_id is None:
        require_thread_id(config)  # raises the explanatory error
    return str(thread_id), configurable.get("checkpoint_ns") or "", configurable.get("checkpoint_id")


def _name_unstorable(serde: SafeSerializer, named: Iterable[tuple[str, Any]], task_path: str = "") -> None:
    """After a batch failed to serialize: raise the precise error naming the state key (or write) at fault."""
    for key, value in named:
        serialize_value(serde, value, key, task_path or None)


MemorySaver = InMemorySaver
