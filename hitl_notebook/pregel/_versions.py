"""Channel versions and ``versions_seen`` of a run's checkpoints, in LangGraph 1.2's format."""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping
from typing import Any

from ..constants import INTERRUPT
from ._algo import Task, _path
from ._channels import BinaryOperatorAggregate, Channel, LastValue

_STAYS_SET = (LastValue, BinaryOperatorAggregate)  # once written, never unset by consume()


class VersionsMixin:
    """Part of :class:`._checkpointing.Checkpointing`: the version each channel got when it last changed, what
    each node saw when it last ran, and the channels a checkpoint lists as updated."""

    def _init_versions(self) -> None:
        self.versions: dict[str, str] = {}
        """``channel_versions``: the version each channel got when it last changed (LangGraph's format)."""
        self.seen: dict[str, dict[str, str]] = {}
        """``versions_seen``: per node, the versions of its triggers when it last ran."""
        self._counter = 0  # the number in the newest version
        self._dirty: dict[str, str] = {}  # channel -> version, for those changed since the last persisted checkpoint
        self._marked: set[str] = set()
        self._marked_order: list[str] = []

    def mark_updated(self, channels: set[str], writes: Iterable[tuple[str, Any]] = ()) -> None:
        """Channels changed outside a step (a Command's update); ``settle`` versions them all at once."""
        self._marked |= channels
        self._marked_order.extend(k for k, _ in writes)

    def settle(self) -> None:
        """Version what ``mark_updated`` collected, as LangGraph versions the writes of its input task."""
        self.seen.setdefault("__input__", {})
        if self._marked:
            self.bump(self._marked, self._marked_order)
        self._marked, self._marked_order = set(), []

    def see_interrupt(self, channels: Iterable[str]) -> None:
        """A resumed run records every channel's version under ``__interrupt__`` (LangGraph's ``versions_seen``)."""
        if self.versions:
            versions, seen = self.versions, self.seen
            # A new dict, not an update in place: saved checkpoints share the entries (see ``see``).
            seen[INTERRUPT] = {**seen.get(INTERRUPT, {}), **{k: versions[k] for k in channels if k in versions}}

    def see(self, tasks: list[Task]) -> None:
        """Record, per node, the versions of the triggers its tasks ran on (before this step's new versions).

        A node's entry is replaced, never changed in place, so each saved checkpoint can share the entries
        (``_checkpoint`` copies only the outer dict).
        """
        seen, versions = self.seen, self.versions
        if len(tasks) == 1:  # the common case, without the bookkeeping for several tasks of one node
            task = tasks[0]
            entry = seen.get(task.name)
            fresh = None
            for trigger in task.triggers:
                version = versions.get(trigger)
                if version is not None:
                    if fresh is None:
                        fresh = {} if entry is None else dict(entry)
                    fresh[trigger] = version
            if fresh is not None or entry is None:
                seen[task.name] = fresh or {}
            return
        for task in tasks:
            if task.name not in seen:  # new entries in task-path order, as LangGraph inserts them
                for t in sorted(tasks, key=_path):
                    seen.setdefault(t.name, {})
                break
        changed: dict[str, dict[str, str]] = {}
        for task in tasks:
            for trigger in task.triggers:
                version = versions.get(trigger)
                if version is not None:
                    entry = changed.get(task.name)
                    if entry is None:
                        entry = changed[task.name] = dict(seen[task.name])
                    entry[trigger] = version
        if changed:
            seen.update(changed)

    def bump(self, changed: set[str], order: Iterable[str] = (), ran: list[Task] | None = None) -> None:
        """Give ``changed`` one new version; channels versioned for the first time are added in ``order`` (or in
        the order the tasks in ``ran`` wrote them), then by name."""
        if not changed:
            return
        self._counter = counter = self._counter + 1
        suffix = self._suffix
        if suffix is None:
            # LangGraph's "<counter>.<random>"; one random part per run keeps versions unique across forks of a
            # thread (the counter already orders those of one run) without formatting a float per checkpoint.
            suffix = self._suffix = f"{random.random():016}"
        version = f"{counter:032}.{suffix}"
        versions = self.versions
        new = changed.difference(versions)
        if len(new) > 1:  # their order in the checkpoint: as written, then by name
            for key in order if ran is None else [k for t in ran for k, _ in t.writes]:
                if key in new and key not in versions:
                    versions[key] = version
            for key in sorted(new.difference(versions)):
                versions[key] = version
        if len(changed) > 8:  # C loops pay off for wide states
            given = dict.fromkeys(changed, version)
            versions.update(given)
            self._dirty.update(given)
        else:
            dirty = self._dirty
            for key in changed:
                versions[key] = dirty[key] = version

    _suffix: str | None = None

    def _still_set(self, channels: Mapping[str, Channel], updated: set[str]) -> list[str]:
        """The ``updated`` channels that are still set, sorted; only volatile ones (triggers, barriers, Sends: the
        kinds a step can leave unset after writing them) need a look."""
        volatile = self._volatile
        if volatile is None:  # the run's channels never change kind
            volatile = self._volatile = frozenset(k for k, c in channels.items() if type(c) not in _STAYS_SET)
        listed = sorted(updated)
        for key in updated & volatile:  # a loop, not a list comprehension: usually one or two keys
            if not channels[key].is_available():
                listed.remove(key)
        return listed

    _volatile: frozenset[str] | None = None


def version_number(version: Any) -> int:
    """The counter in a LangGraph-style version (``"<32 digits>.<random>"``); 0 for versions saved by older
    releases of this package (checkpoint ids), so numbering restarts above them without clashing."""
    if isinstance(version, int):
        return version
    head = str(version).split(".", 1)[0]
    return int(head) if head.isdigit() else 0
