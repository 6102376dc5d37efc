"""Append-only byte arenas: how ``InMemorySaver`` keeps a growing list of plain data in O(n) memory.

A list channel that only grows (``Annotated[list, operator.add]``) is stored at every step. Kept whole, a run of n
steps holds O(n²) bytes. Here each version is a slice of one ``bytearray`` holding the list's packed items: when the
new value's packed items start with exactly the bytes stored last (compared byte for byte, so an item changed in
place is noticed), only the new items' bytes are appended. Earlier slices stay valid, since an arena only grows.
"""

from __future__ import annotations

from typing import NamedTuple

from ._delta import array_header, items_start

__all__ = ["Arenas", "Slice"]


class Slice(NamedTuple):
    """One stored version: the first ``end`` bytes of ``arena`` are its ``count`` packed items."""

    arena: bytearray
    end: int
    count: int

    def packed(self) -> bytes:
        """The msgpack array, byte for byte what serializing the value whole gave."""
        return array_header(self.count) + bytes(self.arena[:self.end])


class Arenas:
    """The arena each (thread, namespace, channel) stored last, and how far it is filled."""

    def __init__(self) -> None:
        self._tips: dict[tuple[str, str, str], Slice] = {}

    def store(self, key: tuple[str, str, str], count: int, blob: bytes) -> Slice | None:
        """A slice standing for ``blob``, the packed list of ``count`` items; ``None`` if it is not a msgpack array
        with the shortest header (then store it whole)."""
        start = items_start(blob, count)
        if start is None:
            return None
        tip = self._tips.get(key)
        if tip is not None and count >= tip.count and blob.startswith(tip.arena, start):  # a tip is always full
            arena = tip.arena
            arena.extend(memoryview(blob)[start + tip.end:])
        else:  # the first value, a shorter one, or earlier items changed: a new arena
            arena = bytearray(memoryview(blob)[start:])
        stored = self._tips[key] = Slice(arena, len(arena), count)
        return stored

    def forget(self, thread_id: str) -> None:
        for key in [k for k in self._tips if k[0] == thread_id]:
            del self._tips[key]
