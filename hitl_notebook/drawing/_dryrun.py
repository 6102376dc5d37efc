"""Find a graph's edges the way LangGraph's ``get_graph()`` does: by dry-running its trigger channels.

LangGraph never reads the builder's edge lists when it draws; it runs the compiled graph's superstep loop on an
empty checkpoint, with every node writing only what it declares statically (its edges, joins, and the possible
targets of its branches and ``Command`` returns), and records which node's writes triggered which node.  This
module replays that loop over a small model of the channels, so quirks (implicit conditional edges into deferred
nodes, a static edge turning conditional when a branch also targets it, undiscoverable branches) come out the same.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any, NamedTuple

from ..constants import END

__all__ = ["Channel", "DryRun", "FoundEdge", "NodeWrites", "barrier", "deferred", "dry_run", "ephemeral"]

_MISSING: Any = object()


class FoundEdge(NamedTuple):
    """An edge as the dry run finds it (before ``data`` equal to the target is dropped)."""

    source: str
    target: str
    conditional: bool
    data: str | None


class _Trigger(NamedTuple):
    """A write a node made: ``channel`` triggers some node; conditional writes carry their path-map label."""

    channel: str
    conditional: bool
    data: str | None


@dataclass(frozen=True)
class NodeWrites:
    """What one node writes in the dry run.

    ``writes`` are plain ``(channel, value)`` writes (static edges and joins); ``declared`` are the
    ``(channel_or_END, label)`` writes declared for static analysis (branch targets, ``Command`` destinations).
    """

    triggers: tuple[str, ...]
    writes: tuple[tuple[str, Any], ...] = ()
    declared: tuple[tuple[str, str | None], ...] = ()
    defer: bool = False


@dataclass
class Channel:
    """``EphemeralValue``, ``LastValueAfterFinish`` or a ``NamedBarrierValue[AfterFinish]``, reduced to availability."""

    names: frozenset[str] | None = None  # a barrier when set
    after_finish: bool = False
    value: Any = _MISSING
    seen: set[Any] = field(default_factory=set)
    finished: bool = False

    def _complete(self) -> bool:
        return self.seen == self.names if self.names is not None else self.value is not _MISSING

    def available(self) -> bool:
        return self._complete() and (self.finished or not self.after_finish)

    def update(self, values: list[Any]) -> bool:
        if self.names is not None:
            fresh = {v for v in values if v in self.names} - self.seen
            self.seen |= fresh
            return bool(fresh)
        if not values:
            if self.after_finish or self.value is _MISSING:
                return False
            self.value = _MISSING
            return True
        self.value, self.finished = values[-1], False
        return True

    def consume(self) -> bool:
        if self.after_finish and self.finished and self._complete():
            self.value, self.seen, self.finished = _MISSING, set(), False
            return True
        if self.names is not None and not self.after_finish and self._complete():
            self.seen = set()
            return True
        return False

    def finish(self) -> bool:
        if self.after_finish and not self.finished and self._complete():
            self.finished = True
            return True
        return False


def ephemeral() -> Channel:
    return Channel()


def deferred() -> Channel:
    return Channel(after_finish=True)


def barrier(names: Iterable[str], *, defer: bool = False) -> Channel:
    return Channel(names=frozenset(names), after_finish=defer)


@dataclass
class DryRun:
    """The outcome: discovered edges, the first step's tasks, and the last step's sources."""

    edges: set[FoundEdge]
    start_tasks: list[str]
    last_sources: list[str]


def _apply(channels: Mapping[str, Channel], read: set[str], writes: list[tuple[str, Any]], triggers: set[str],
           bump: bool) -> set[str]:
    """``langgraph.pregel._algo.apply_writes``: consume what was read, write, clear, and finish when idle."""
    for name in read:
        channels[name].consume()
    pending: dict[str, list[Any]] = defaultdict(list)
    for name, value in writes:
        if name in channels:
            pending[name].append(value)
    updated = {n for n, vals in pending.items() if channels[n].update(vals) and channels[n].available()}
    if bump:
        for name, chan in channels.items():
            if name not in updated and chan.available() and chan.update([]) and chan.available():
                updated.add(name)
        if updated.isdisjoint(triggers):
            updated |= {n for n, chan in channels.items() if chan.finish() and chan.available()}
    return updated


def _next(nodes: Mapping[str, NodeWrites], channels: Mapping[str, Channel], updated: set[str]) -> list[str]:
    return [n for n, node in nodes.items()
            if any(t in updated for t in node.triggers) and any(channels[t].available() for t in node.triggers)]


def dry_run(nodes: Mapping[str, NodeWrites], channels: Mapping[str, Channel], input_channel: str,
            limit: int = 250) -> DryRun:
    """Replay ``langgraph.pregel._draw.draw_graph``'s loop; ``channels`` are consumed (pass fresh ones)."""
    edges: set[FoundEdge] = set()
    triggers = {t for node in nodes.values() for t in node.triggers}
    static_seen: set[str] = set()
    sources: dict[str, set[_Trigger]] = {}
    step_sources: dict[str, set[_Trigger]] = {}
    declared: defaultdict[str, set[_Trigger]] = defaultdict(set)
    tasks = _next(nodes, channels, _apply(channels, set(), [(input_channel, None)], triggers, bump=False))
    start_tasks = list(tasks)
    for _ in range(-1, limit):
        if not tasks:
            break
        conditionals: dict[tuple[str, str], str | None] = {}
        task_writes: dict[str, list[tuple[str, Any]]] = {}
        for name in tasks:
            node = nodes[name]
            writes = list(node.writes)
            if name not in static_seen:
                static_seen.add(name)
                for channel, label in node.declared:
                    if channel == END:  # END writes are not written, they become edges directly
                        edges.add(FoundEdge(name, END, True, label))
                    else:
                        conditionals[(name, channel)] = label
                        declared[name].add(_Trigger(channel, True, label))
                        writes.append((channel, None))
            task_writes[name] = writes
        step_sources = {}
        for name, writes in task_writes.items():
            found = {
                _Trigger(ch, (name, ch) in conditionals, conditionals.get((name, ch)))
                if value is None else _Trigger(ch, False, None)
                for ch, value in writes
            }
            step_sources[name] = found | declared.get(name, set())
        sources.update(step_sources)
        trigger_sources: defaultdict[str, set[tuple[str, bool, str | None]]] = defaultdict(set)
        for src, found in sources.items():
            for channel, cond, label in found:
                trigger_sources[channel].add((src, cond, label))
        read = {t for name in tasks for t in nodes[name].triggers}
        step_writes = [w for name in tasks for w in task_writes[name]]
        tasks = _next(nodes, channels, _apply(channels, read, step_writes, triggers, bump=True))
        for name in tasks:
            added = False
            for trigger in nodes[name].triggers:
                for src, cond, label in trigger_sources[trigger]:
                    edges.add(FoundEdge(src, name, cond, label))
                    if _Trigger(trigger, cond, label) in step_sources.get(src, set()):
                        added = True
                    else:
                        sources[src].discard(_Trigger(trigger, cond, label))
            if not added:  # reached from an earlier step (e.g. a deferred node): LangGraph links every last source
                edges.update(FoundEdge(src, name, True, None) for src in step_sources)
    return DryRun(edges=edges, start_tasks=start_tasks, last_sources=list(step_sources))
