"""Growing lists (a message history) stored as deltas: only the bytes of the new items, plus a reference to the blob
this saver stored for the same channel before.

Without this, a run of n steps that appends to a list writes O(n²) bytes: every step stores the whole list again
(as LangGraph's savers do), and SQLite's cost grows with the bytes written.

The comparison is on the serialized bytes, never on the objects (no identity, no promise that the list only grows):
msgpack items are self-delimiting, so when the new list's packed items start with exactly the previous list's
packed items, the first items decode to the same values and ``previous items + new bytes`` is byte for byte the
full value. An earlier item changed in place packs differently, and the full value is stored. Reading rebuilds
the exact bytes a full write would have stored, then decodes them as usual.

A delta row has type :data:`DELTA` and holds msgpack ``[base version, item count, new items' bytes]``.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Generator
from typing import Any, NamedTuple

import ormsgpack

DELTA = "msgpack-delta"
"""The ``blobs.type`` of a delta row. Files holding one need this version of hitl_notebook (or newer) to read."""
_MAX_CHAIN = 32  # deltas in a row before a full value is stored again: bounds the lookups when reading
_MIN_BASE = 1024  # smaller lists are cheap to store whole, and reading them needs no second lookup
_MAX_REMEMBERED = 16 << 20  # larger blobs are not kept in memory to compare with (they are stored whole)
_REMEMBER = 256  # (thread, ns, channel) entries kept

BlobKey = tuple[str, str, str, str]  # (thread_id, checkpoint_ns, channel, version)


class _Stored(NamedTuple):
    version: str
    blob: bytes  # the full packed list, as a full write would store it
    start: int  # where its items begin (after the array header)
    count: int
    depth: int  # deltas since the last full value
    types: list[type] | None  # the items' types, when there is a fingerprint
    fingerprint: tuple[int, bytes, bool] | None  # the serializer's items_fingerprint() of the list
    fp_start: int  # where the fingerprint's items begin


class Planned(NamedTuple):
    """A blob row to write and, once it is committed, what to remember for the channel's next value."""

    kind: str
    blob: bytes
    base: str | None  # the version a delta builds on (must still be stored when the delta is written)
    stored: _Stored | None  # always set for a delta: its ``blob`` is the full value


Serialize = Callable[[Any], tuple[str, bytes]]
Fingerprint = Callable[[list], "tuple[int, bytes, bool] | None"]


def items_start(blob: bytes, count: int) -> int | None:
    """Offset of the first item if ``blob`` is a msgpack array of ``count`` items (shortest header), else ``None``."""
    if not blob or count < 0:
        return None
    first = blob[0]
    if count < 16:
        return 1 if first == 0x90 | count else None
    if count < 1 << 16:
        return 3 if first == 0xDC and int.from_bytes(blob[1:3], "big") == count else None
    return 5 if first == 0xDD and int.from_bytes(blob[1:5], "big") == count else None


def array_header(count: int) -> bytes:
    if count < 16:
        return bytes((0x90 | count,))
    if count < 1 << 16:
        return b"\xdc" + count.to_bytes(2, "big")
    return b"\xdd" + count.to_bytes(4, "big")


class ListDeltas:
    """What one saver last stored for each list channel, to store the next value of that channel as a delta."""

    def __init__(self) -> None:
        self._last: OrderedDict[tuple[str, str, str], _Stored] = OrderedDict()

    def plan(self, thread_id: str, ns: str, channel: str, version: str, value: Any, serialize: Serialize,
             fingerprint: Fingerprint | None = None, *, known: tuple[int, bytes, bool] | None = None) -> Planned:
        """The row to store ``value`` under: a delta when it extends the list last stored for this channel, else the
        full ``serialize(value)``.

        With a ``fingerprint`` (``SafeSerializer.items_fingerprint``), a list whose earlier items fingerprint as
        before has only its new items serialized; otherwise the whole list is, and its bytes are compared.
        ``known``: the value's fingerprint, when the caller has already computed it (then ``fingerprint`` is not
        called)."""
        last = self._last.get((thread_id, ns, channel))
        if type(value) is not list:
            return Planned(*serialize(value), None, None)
        usable = (last is not None and last.version != version and len(last.blob) >= _MIN_BASE
                  and len(value) >= last.count)
        fp = known
        # A list that once failed to fingerprint (items beyond plain msgpack) is retried only after a full write.
        if fp is None and fingerprint is not None and (last is None or last.fingerprint is not None
                                                       or last.depth == 0):
            fp = fingerprint(value)
        if usable and fp is not None and last.fingerprint is not None:
            extended = self._extend(last, version, value, fp, serialize)
            if extended is not None:
                return extended
        if fp is not None and fp[2]:  # the fingerprint is the serialized list itself
            kind, blob = "msgpack", fp[1]
        else:
            kind, blob = serialize(value)
        count = len(value)
        start = items_start(blob, count) if kind == "msgpack" else None
        if start is None:
            return Planned(kind, blob, None, None)
        fp_start = items_start(fp[1], count) if fp is not None else None
        if fp_start is None:
            fp, fp_start = None, 0
        types = list(map(type, value)) if fp is not None and not fp[2] else None
        if len(blob) > _MAX_REMEMBERED:
            return Planned(kind, blob, None, None)
        if usable and last.depth < _MAX_CHAIN and blob.startswith(memoryview(last.blob)[last.start:], start):
            added = memoryview(blob)[start + len(last.blob) - last.start:]
            stored = _Stored(version, blob, start, count, last.depth + 1, types, fp, fp_start)
            return Planned(DELTA, ormsgpack.packb([last.version, count, added]), last.version, stored)
        return Planned(kind, blob, None, _Stored(version, blob, start, count, 0, types, fp, fp_start))

    @staticmethod
    def _extend(last: _Stored, version: str, value: list, fp: tuple[int, bytes, bool], serialize: Serialize
                ) -> Planned | None:
        """Serialize only the items after the ``last.count`` stored ones, if those fingerprint exactly as then."""
        old = last.count
        count = len(value)
        fp_start = items_start(fp[1], count)
        # Natively packed bytes (exact fingerprints) tell the values apart by themselves; a model's fingerprint is
        # its __dict__, so there the item types must match too.
        if (fp_start is None or fp[0] != last.fingerprint[0] or fp[2] != last.fingerprint[2]
                or (not fp[2] and last.types != list(map(type, value[:old])))
                or not fp[1].startswith(memoryview(last.fingerprint[1])[last.fp_start:], fp_start)):
            return None
        header = array_header(count)
        if fp[2]:  # exact: the new items' bytes follow the old ones in the fingerprint, which is the full value
            blob = fp[1]
            added = memoryview(blob)[fp_start + len(last.fingerprint[1]) - last.fp_start:]
        else:
            try:  # any error is raised again, with its usual message, by serializing the whole list
                kind, packed = serialize(value[old:])
            except Exception:
                return None
            added_start = items_start(packed, count - old) if kind == "msgpack" else None
            if added_start is None:
                return None
            added = memoryview(packed)[added_start:]
            blob = b"".join((header, memoryview(last.blob)[last.start:], added))
        types = None if fp[2] else last.types + list(map(type, value[old:]))
        if len(blob) > _MAX_REMEMBERED:
            return Planned("msgpack", blob, None, None)
        if last.depth >= _MAX_CHAIN:
            return Planned("msgpack", blob, None, _Stored(version, blob, len(header), count, 0, types, fp, fp_start))
        stored = _Stored(version, blob, len(header), count, last.depth + 1, types, fp, fp_start)
        return Planned(DELTA, ormsgpack.packb([last.version, count, added]), last.version, stored)

    def remember(self, thread_id: str, ns: str, channel: str, planned: Planned) -> None:
        """Call once the row of ``planned`` is committed."""
        key = (thread_id, ns, channel)
        if planned.stored is None:
            self._last.pop(key, None)
            return
        self._last[key] = planned.stored
        self._last.move_to_end(key)
        if len(self._last) > _REMEMBER:
            self._last.popitem(last=False)

    def forget(self, thread_id: str | None = None) -> None:
        """Drop what was remembered for ``thread_id`` (every thread: ``None``)."""
        for key in [k for k in self._last if thread_id is None or k[0] == thread_id]:
            del self._last[key]


class BrokenDeltaError(ValueError):
    """A delta row whose base row is missing or unreadable: the file was edited or damaged."""


def resolve(found: dict[BlobKey, tuple[str, bytes]], fetch: Callable[[list[BlobKey]], Generator[Any, Any, dict]]
            ) -> Generator[Any, Any, None]:
    """Replace each delta row in ``found`` by the full ``("msgpack", bytes)`` it stands for, fetching the base rows
    it needs: ``fetch(keys)`` is an operation of the savers' ``_ops`` returning ``{key: (type, blob)}`` for those it
    finds, and this is one too (``yield from resolve(...)``).

    Raises :class:`BrokenDeltaError` if a base is missing or a row is malformed."""
    deltas = [key for key, (kind, _) in found.items() if kind == DELTA]
    if not deltas:
        return
    rows = dict(found)
    parsed: dict[BlobKey, tuple[BlobKey, int, bytes]] = {}
    todo = deltas
    while todo:
        wanted = []
        for key in todo:
            if key in parsed:
                continue
            try:
                base_version, count, added = ormsgpack.unpackb(rows[key][1])
            except (ValueError, TypeError) as exc:
                raise BrokenDeltaError(f"stored value {key} is not a readable delta") from exc
            if not (isinstance(base_version, str) and type(count) is int and count >= 0
                    and isinstance(added, bytes)):
                raise BrokenDeltaError(f"stored value {key} is not a readable delta")
            base = (key[0], key[1], key[2], base_version)
            parsed[key] = (base, count, added)
            if base not in rows:
                wanted.append(base)
        if wanted:
            rows.update((yield from fetch(list(dict.fromkeys(wanted)))))
        todo = []
        for key in list(parsed):
            base = parsed[key][0]
            if base not in rows:
                raise BrokenDeltaError(f"stored value {key} builds on {base}, which is missing: the file was "
                                       "edited or damaged")
            if rows[base][0] == DELTA and base not in parsed:
                todo.append(base)
    items: dict[BlobKey, bytes] = {}  # key -> its packed items (no array header)
    for key in deltas:
        chain = []
        at = key
        while at in parsed and at not in items:
            if len(chain) > len(parsed):
                raise BrokenDeltaError(f"stored value {key} builds on itself")
            chain.append(at)
            at = parsed[at][0]
        if at not in items:  # a full row: the chain's root
            kind, blob = rows[at]
            start = items_start(blob, _array_count(blob)) if kind == "msgpack" else None
            if start is None:
                raise BrokenDeltaError(f"stored value {at}, the base of {key}, is not a list")
            items[at] = blob[start:]
        for link in reversed(chain):
            items[link] = items[parsed[link][0]] + parsed[link][2]
        found[key] = ("msgpack", array_header(parsed[key][1]) + items[key])


def _array_count(blob: bytes) -> int:
    first = blob[0] if blob else 0
    if 0x90 <= first <= 0x9F:
        return first & 0x0F
    if first == 0xDC:
        return int.from_bytes(blob[1:3], "big")
    if first == 0xDD:
        return int.from_bytes(blob[1:5], "big")
    return -1
