"""One ``graph.stream(...)`` call of a run, turned into journal entries.

A *segment* runs from a start (or a resume) to the end of the run, an interrupt, a breakpoint, an error or a stop.
``tasks`` events give each node run its entry and its status (running, done, error, interrupted); ``updates``
give the node's output; ``custom`` chunks (e.g. LLM tokens) and ``print`` output are streamed into the entry of
the node that produced them.
"""

from __future__ import annotations

import json
import threading
from typing import Any

from ..constants import INTERRUPT
from ..drawing.status import NodeStatus
from ..pregel._context import running_task
from ..types import Interrupt
from . import _capture
from ._journal import Journal
from ._record import Entry

__all__ = ["MODES", "UNSET", "Segment"]

MODES = ("updates", "custom", "values", "tasks")
UNSET: Any = object()


class Segment:
    """Consume one stream call; afterwards ``values``, ``interrupts`` and ``breakpoint`` describe how it ended."""

    def __init__(self, journal: Journal, node_of: dict[str, str]) -> None:
        self.journal = journal
        self.node_of = node_of  # interrupt id -> node name, shared with the run
        self.values: Any = UNSET
        self.interrupts: list[Interrupt] = []
        self.breakpoint = False
        self._open: dict[str, Entry] = {}  # task id -> entry of the node run in progress
        self._stash: dict[str, list[Any]] = {}  # node -> updates waiting for their task's result event
        self._misc: Entry | None = None
        self._lock = threading.Lock()

    def run(self, graph: Any, input: Any, config: dict[str, Any], cancel: threading.Event) -> BaseException | None:
        """Drive the stream to its end; returns the exception that ended it, if any (never raises)."""
        try:
            with _capture.routed(self.on_print):
                for mode, chunk in graph.stream(input, config, stream_mode=list(MODES), _cancel=cancel,
                                                _custom_source=True):
                    self.on_chunk(mode, chunk)
        except BaseException as exc:  # noqa: BLE001 - handed to the run, which shows and/or re-raises it
            return exc
        finally:
            self.journal.text.flush()
            self._close()
        return None

    # -- chunks ------------------------------------------------------------------------------------------------

    def on_chunk(self, mode: str, chunk: Any) -> None:
        if mode == "values":
            self.values = chunk
        elif mode == "tasks":
            if "result" in chunk or "error" in chunk:
                self._task_end(chunk)
            else:
                self._entry_for(chunk["id"], chunk["name"])
                self.journal.node_status(chunk["name"], NodeStatus.RUNNING)
        elif mode == "updates":
            self._updates(chunk)
        elif mode == "custom":
            task_id, chunk = chunk  # the engine tags each custom chunk with the task that wrote it
            with self._lock:
                entry = self._open.get(task_id)
                running = list(self._open.values())
            if entry is None:  # e.g. a @task call inside an entrypoint: no entry of its own
                entry = running[0] if len(running) == 1 else self._misc_entry()
            self.journal.write(entry, chunk if isinstance(chunk, str) else _one_line(chunk) + "\n")

    def on_print(self, text: str, stream: str) -> None:
        """The print sink: runs on the node's own thread, so the engine's task context names the node."""
        task = running_task()
        if task is None:
            entry = self._misc_entry()
        else:
            namespace = (task.config.get("configurable") or {}).get("checkpoint_ns") or task.namespace
            name, _, task_id = namespace.split("|")[0].partition(":")
            entry = self._entry_for(task_id or name, name)
        self.journal.write(entry, text)

    def _updates(self, chunk: dict[str, Any]) -> None:
        if INTERRUPT in chunk:
            found = list(chunk[INTERRUPT] or ())
            self.interrupts.extend(found)
            self.breakpoint = self.breakpoint or not found
            return
        cached = bool((chunk.get("__metadata__") or {}).get("cached"))
        for node, update in chunk.items():
            if node.startswith("__"):
                continue
            if cached:
                self.journal.add("node", node=node, update=update, status="done", cached=True)
                self.journal.node_status(node, NodeStatus.DONE)
            else:
                self._stash.setdefault(node, []).append(update)

    def _task_end(self, chunk: dict[str, Any]) -> None:
        self.journal.text.flush()  # the node's streamed text is complete before it is marked finished
        name = chunk["name"]
        entry = self._entry_for(chunk["id"], name)
        with self._lock:
            self._open.pop(chunk["id"], None)
        fields: dict[str, Any] = {}
        if chunk.get("error"):
            fields.update(status="error", error=chunk["error"])
            self.journal.node_status(name, NodeStatus.ERROR)
        elif chunk.get("interrupts"):
            fields.update(status="interrupted")
            for item in chunk["interrupts"]:
                self.node_of[item["id"]] = name
            self.journal.node_status(name, NodeStatus.INTERRUPTED)
        else:
            fields.update(status="done")
            self.journal.node_status(name, NodeStatus.DONE)
        stashed = self._stash.get(name)
        if stashed and fields["status"] == "done":
            fields["update"] = stashed.pop(0)
        self.journal.change(entry, **fields)

    # -- entries -----------------------------------------------------------------------------------------------

    def _entry_for(self, task_id: str, name: str) -> Entry:
        """The entry of this node run, created on first sight (a print may come before the task's start event)."""
        with self._lock:
            entry = self._open.get(task_id)
            if entry is not None:
                return entry
            entry = self._open[task_id] = self.journal.insert("node", node=name)
        self.journal.emit("on_entry", entry)
        return entry

    def _misc_entry(self) -> Entry:
        """Output that belongs to no single node (custom chunks while several nodes run, prints outside nodes)."""
        with self._lock:
            if self._misc is not None:
                return self._misc
            entry = self._misc = self.journal.insert("node", node=None, status="done")
        self.journal.emit("on_entry", entry)
        return entry

    def _close(self) -> None:
        """Entries still open when the stream ended (a stop, an error elsewhere) and updates without a task."""
        with self._lock:
            left, self._open = list(self._open.values()), {}
        for entry in left:
            if entry.status == "running":
                self.journal.change(entry, status="stopped")
        for node, updates in self._stash.items():
            for update in updates:
                self.journal.add("node", node=node, update=update, status="done")
        self._stash.clear()


def _one_line(value: Any) -> str:
    try:
        return json.dumps(value, ensure_ascii=False, default=repr)
    except Exception:
        return repr(value)
