"""The journal of a run: its log record, the observers that display it, node statuses and coalesced text.

Observers (the widget view, the console printer) are called outside the journal's lock, from whichever thread
produced the event; an observer that raises is reported as an error entry, never swallowed.
"""

from __future__ import annotations

import itertools
import threading
import traceback
from collections.abc import Hashable, Mapping
from typing import Any

from ..drawing.status import NodeStatus
from . import _capture, _chat
from ._coalesce import Coalescer
from ._record import Entry, EntryKind, RunRecord, RunStatus
from ._terminal import feed
from ._traceback import trace_of

__all__ = ["Journal", "RunObserver", "TokenText"]


class TokenText(str):
    """Streamed chat-model tokens in an ``on_stream`` item (kept apart from print output, in ``entry.tokens``)."""


class RunObserver:
    """Receives what a run shows; override the methods you need (each is a no-op here)."""

    def on_entry(self, entry: Entry) -> None:
        """A new log entry (a node started, an interrupt surfaced, an error, a note)."""

    def on_change(self, entry: Entry) -> None:
        """An entry changed: a node finished, a decision was recorded, an answer was rejected."""

    def on_stream(self, items: list[tuple[Entry, str]]) -> None:
        """Text was appended to entries (coalesced: at most one call per interval)."""

    def on_display(self, entry: Entry, output: dict[str, Any], update: bool) -> None:
        """A node called ``display()``: ``output`` is a ``display_data`` output (``data``, ``metadata``, and
        ``transient.display_id`` when it has one), appended to the entry, or replacing the output with the same
        display id when ``update``."""

    def on_clear(self, entry: Entry) -> None:
        """A node called ``clear_output()``: the entry's text and outputs so far are gone."""

    def on_node_status(self, statuses: Mapping[str, NodeStatus]) -> None:
        """The status of some node changed; ``statuses`` is the full current map."""

    def on_status(self, status: RunStatus) -> None:
        """The run changed state (running, waiting for a human, done, error, stopped)."""


class Journal:
    """Owns the record; creates and updates entries and tells every observer."""

    def __init__(self, interval: float = 0.05) -> None:
        self.record = RunRecord()
        self.lock = threading.RLock()
        self.observers: list[RunObserver] = []
        self.statuses: dict[str, NodeStatus] = {}
        self.text = Coalescer(self._deliver, interval)
        self._ids = itertools.count(1)
        self.seen_messages: set[str] = set()  # ids of the chat messages in the state (see _chat.input_entry)
        self.shown_messages: dict[str, tuple[str, str]] = {}  # id -> (fingerprint, entry key) (see _chat.claim)
        self._reporting = threading.local()
        self._clear_pending: set[str] = set()  # entries whose clear_output(wait=True) waits for the next output

    # -- entries -----------------------------------------------------------------------------------------------

    def new_key(self, prefix: str) -> str:
        return f"{prefix}-{next(self._ids)}"

    def insert(self, kind: EntryKind, *, key: str | None = None, **fields: Any) -> Entry:
        """Append an entry to the record without announcing it yet (see :meth:`add`)."""
        with self.lock:
            entry = self.record.add(Entry(key=key or self.new_key(kind), kind=kind, **fields))
            self._claim(entry)
            return entry

    def add(self, kind: EntryKind, *, key: str | None = None, **fields: Any) -> Entry:
        """Append an entry and announce it."""
        entry = self.insert(kind, key=key, **fields)
        self.emit("on_entry", entry)
        return entry

    def change(self, entry: Entry, **fields: Any) -> None:
        """Update an entry's fields and announce it."""
        with self.lock:
            for name, value in fields.items():
                setattr(entry, name, value)
            if "update" in fields:
                self._claim(entry)
        self.emit("on_change", entry)

    def _claim(self, entry: Entry) -> None:
        """The chat messages a node entry's update shows: each message once across the run (see :mod:`._chat`)."""
        if entry.kind == "node" and entry.has_update:
            entry.chat = _chat.claim(self.shown_messages, entry.key, entry.update)

    def error(self, where: str, exc: BaseException) -> Entry:
        """An error entry with the traceback (the user's frames first, library frames folded; see _traceback)."""
        trace = trace_of(exc)
        with self.lock:  # the node that raised it said it first: the error entry states it, with the traceback
            stated = [e for e in self.record.entries if e.kind == "node" and e.error == trace.headline]
        for entry in stated:
            self.change(entry, error=None)
        return self.add("error", node=where, text=trace.text(), error=trace.headline, status="error", trace=trace)

    def write(self, entry: Entry, text: str, *, tokens: bool = False) -> None:
        """Stream ``text`` into ``entry`` (coalesced); ``tokens``: chat-model tokens, kept apart from prints."""
        self.text.add((entry.key, "tokens") if tokens else entry.key, text)

    def display(self, entry: Entry, data: Mapping[str, Any], metadata: Mapping[str, Any], display_id: str | None,
                update: bool = False) -> None:
        """A rich output in ``entry`` (after the text written so far); ``update`` replaces the one shown with
        ``display_id`` (none shown: ignored, as a notebook does)."""
        self.text.flush()
        output: dict[str, Any] = {"output_type": "display_data", "data": dict(data), "metadata": dict(metadata)}
        if display_id:
            output["transient"] = {"display_id": display_id}
        with self.lock:
            cleared = self._take_clear(entry)
            shown = not update
            if update:
                for index, old in enumerate(entry.outputs):
                    if display_id and old.get("transient", {}).get("display_id") == display_id:
                        entry.outputs[index], shown = output, True
            else:
                entry.outputs.append(output)
        if cleared:
            self.emit("on_clear", entry)
        if shown:
            self.emit("on_display", entry, output, update)

    def clear(self, entry: Entry, wait: bool = False) -> None:
        """``clear_output(wait)`` in ``entry``: its text and outputs go, now or (``wait``) at its next output."""
        self.text.flush()
        with self.lock:
            if wait:
                self._clear_pending.add(entry.key)
                return
            self._clear_pending.discard(entry.key)
            entry.text, entry.outputs = "", []
        self.emit("on_clear", entry)

    def _take_clear(self, entry: Entry) -> bool:
        """Carry out a pending ``clear_output(wait=True)`` of ``entry`` (under the lock); True if there was one."""
        if entry.key not in self._clear_pending:
            return False
        self._clear_pending.discard(entry.key)
        entry.text, entry.outputs = "", []
        return True

    def node_status(self, node: str | None, status: NodeStatus) -> None:
        if node is None:
            return
        with self.lock:
            if self.statuses.get(node) is status:
                return
            self.statuses[node] = status
            snapshot = dict(self.statuses)
        self.emit("on_node_status", snapshot)

    def _deliver(self, batch: Mapping[Hashable, str]) -> None:
        items, cleared = [], []
        with self.lock:
            for key, text in batch.items():
                tokens = isinstance(key, tuple)
                entry = self.record.get(str(key[0] if tokens else key))
                if entry is not None:
                    if self._take_clear(entry):
                        cleared.append(entry)
                    if tokens:
                        entry.tokens += text
                        text = TokenText(text)
                    else:
                        entry.text = feed(entry.text, text)  # \r and \b applied: a progress bar stays one line
                    items.append((entry, text))
        for entry in cleared:
            self.emit("on_clear", entry)
        if items:
            self.emit("on_stream", items)

    # -- observers ---------------------------------------------------------------------------------------------

    def emit(self, method: str, *args: Any) -> None:
        """Call ``method`` on every observer; a failure becomes an error entry shown by the others."""
        for observer in list(self.observers):
            try:
                getattr(observer, method)(*args)
            except Exception as exc:
                self.report(f"{type(observer).__name__}.{method}", exc,
                            skip=observer if method == "on_entry" else None)

    def report(self, where: str, exc: BaseException, *, skip: object = None) -> None:
        """Show an error raised by a callback (view update, click handler, done callback) in the run's log."""
        if getattr(self._reporting, "active", False):  # the error view itself failed: last resort is stderr
            traceback.print_exception(type(exc), exc, exc.__traceback__, file=_capture.original("stderr"))
            return
        self._reporting.active = True
        try:
            trace = trace_of(exc)
            text = trace.text()
            with self.lock:
                entry = self.record.add(Entry(key=self.new_key("error"), kind="error", node=where, text=text,
                                              error=trace.headline, status="error", trace=trace))
            shown = False
            for observer in list(self.observers):
                if observer is skip:
                    continue
                try:
                    observer.on_entry(entry)
                    shown = True
                except Exception as again:
                    traceback.print_exception(type(again), again, again.__traceback__,
                                              file=_capture.original("stderr"))
            if not shown:
                print(f"hitl_notebook: error in {where}: {trace.headline}\n{text}", file=_capture.original("stderr"))
        finally:
            self._reporting.active = False
