"""The live run view: graph with node status, the log (node output, prints, tokens), interrupt panels, Stop.

Every update is a widget trait change, which reaches the widget from any thread, addressed by comm id rather than
by cell (anchors §3, lesson 9); nothing is appended to an ``Output`` widget. Graph redraws are rate-limited and
only restyle the SVG laid out once. The view also displays as a static HTML page (``text/html`` next to the
widget mime type), refreshed when the run pauses or ends, so a saved notebook still tells the story.
"""

from __future__ import annotations

import threading
from collections.abc import Hashable, Mapping
from typing import Any

import ipywidgets as w

from ..drawing.status import NodeStatus
from ._coalesce import Coalescer
from ._controller import RunHandle
from ._driver import NO_CHECKPOINTER
from ._entry_widget import EntryWidget
from ._journal import RunObserver, TokenText
from . import _retire
from ._outputs import collapsed
from ._panels import Panel, walk
from ._record import Entry, RunStatus
from ._static import GraphPicture, entry_html, page_html, status_badge
from ._stream_text import StreamText
from ._text import as_text, escape

__all__ = ["RunView"]


class RunView(w.VBox, RunObserver):
    """The widget tree of one run; it observes the run's journal."""

    def __init__(self, handle: RunHandle) -> None:
        self.handle = handle
        self.displayed = False
        self.closed = False  # its widgets were closed (its cell ran again); the run may go on without it
        self._display: Any = None
        self._lock = threading.RLock()
        self._entries: dict[str, w.Widget] = {}
        self._statuses: Mapping[str, NodeStatus] = {}
        self._schemas: Mapping[str, Any] | None = None
        self.picture = GraphPicture(handle.graph)
        self.title = w.HTML(self._title(RunStatus.RUNNING))
        self.stop_button = w.Button(description="Stop", icon="stop", tooltip="Stop after the running step")
        self.stop_button.on_click(self._guard("Stop button", handle.stop))
        self.graph_html = w.HTML(self.picture.html({}))
        self.log_box = w.VBox()
        note = w.HTML("" if handle.resumable else f"<div style='color:#b45309'>⚠ {escape(NO_CHECKPOINTER)}</div>")
        self._redraw = Coalescer(self._draw, interval=0.1)
        super().__init__([w.HBox([self.title, self.stop_button]), note, self.graph_html, self.log_box])
        self.add_class("hitl-run-view")
        handle.add_observer(self)

    @classmethod
    def of_run(cls, handle: RunHandle) -> RunView:
        """A new view of a run that has gone on for a while: its log so far, then live."""
        view = cls(handle)
        for entry in list(handle.record.entries):
            view.on_change(entry)
        view.on_node_status(dict(handle.journal.statuses))
        view.on_status(handle.status)
        return view

    # -- queries (tests, scripted use) -------------------------------------------------------------------------

    @property
    def panels(self) -> list[Panel]:
        """Interrupt panels, oldest first."""
        return [x for x in self.log_box.children if isinstance(x, Panel)]

    def panel(self, interrupt_id: str | None = None) -> Panel:
        """The panel of ``interrupt_id``, or the newest panel that is not locked."""
        for panel in reversed(self.panels):
            if interrupt_id == panel.interrupt.id or (interrupt_id is None and not panel.locked):
                return panel
        raise LookupError(f"no {'open ' if interrupt_id is None else ''}panel for {interrupt_id or 'this run'}")

    @property
    def buttons(self) -> list[w.Button]:
        return [x for x in walk(self) if isinstance(x, w.Button)]

    def text(self) -> str:
        """What the log widgets show, as text (HTML tags removed)."""
        import re
        from html import unescape

        def plain(html: str) -> str:
            return unescape(re.sub(r"<[^>]+>", "", re.sub(r"</(div|pre)>|<br\s*/?>", "\n", html)))

        return "\n".join(plain(x.value) if isinstance(x, w.HTML) else x.text for x in walk(self.log_box)
                         if isinstance(x, (w.HTML, StreamText)))

    # -- observer ----------------------------------------------------------------------------------------------

    def on_entry(self, entry: Entry) -> None:
        self._widget(entry)

    def on_change(self, entry: Entry) -> None:
        widget = self._widget(entry)
        if isinstance(widget, (Panel, EntryWidget)):
            widget.show(entry)
        elif entry.kind == "breakpoint":
            self._show_breakpoint(widget, entry)
        else:
            widget.value = entry_html(entry)

    def on_stream(self, items: list[tuple[Entry, str]]) -> None:
        for entry, text in items:
            widget = self._widget(entry)
            if isinstance(text, TokenText) and isinstance(widget, EntryWidget):
                widget.show(entry)  # chat-model tokens: the live assistant message (see _chat)
            elif isinstance(widget, EntryWidget):
                widget.stream(entry, text)  # only the new text goes over the wire (see _stream_text)
            elif isinstance(widget, w.HTML):
                widget.value = entry_html(entry)

    def on_display(self, entry: Entry, output: dict[str, Any], update: bool) -> None:
        widget = self._widget(entry)
        if isinstance(widget, EntryWidget):
            widget.display(output, update)

    def on_clear(self, entry: Entry) -> None:
        widget = self._widget(entry)
        if isinstance(widget, EntryWidget):
            widget.clear()

    def on_node_status(self, statuses: Mapping[str, NodeStatus]) -> None:
        self._statuses = statuses
        self._redraw.add("graph", ".")

    def on_status(self, status: RunStatus) -> None:
        self._redraw.flush()
        self.title.value = self._title(status)
        with self.stop_button.hold_sync():  # one comm message for both traits
            self.stop_button.disabled = status.finished
            self.stop_button.description = status.value.capitalize() if status.finished else "Stop"
        if status.finished:
            for panel in self.panels:
                panel.close_out(f"Not answered: the run is {status.value}.")
        if status is RunStatus.WAITING or status.finished:
            self.refresh_display()

    # -- widgets -----------------------------------------------------------------------------------------------

    def _widget(self, entry: Entry) -> w.Widget:
        """The entry's widget, created (and appended to the log) on first sight."""
        widget = self._new_widget(entry)
        if isinstance(widget, Panel):
            widget.ready()  # outside the lock: an early answer resumes the run, whose events come to this view
        return widget

    def _new_widget(self, entry: Entry) -> w.Widget:
        with self._lock:
            widget = self._entries.get(entry.key)
            if widget is not None:
                return widget
            if entry.kind == "interrupt":
                handle = self.handle
                widget = Panel(entry, answer=lambda iid, value: handle.answer(iid, value, by=handle.user),
                               approve_value=handle.approve_value, reject_value=handle.reject_value,
                               resumable=handle.resumable, blocked_reason=NO_CHECKPOINTER,
                               report=handle.journal.report, tool_schemas=self._tool_schemas)
            elif entry.kind == "breakpoint":
                widget = self._breakpoint(entry)
            elif entry.kind == "node":
                widget = EntryWidget(entry)
            else:
                widget = w.HTML(entry_html(entry), layout=w.Layout(width="100%"))
            self._entries[entry.key] = widget
            self.log_box.children = (*self.log_box.children, widget)
            return widget

    def _breakpoint(self, entry: Entry) -> w.VBox:
        go = w.Button(description="Continue", button_style="primary", icon="play")
        stop = w.Button(description="Stop", icon="stop")

        def press(action: Any) -> None:
            if go.disabled:  # already decided (a programmatic click ignores ``disabled``)
                return
            go.disabled = stop.disabled = True
            action()

        go.on_click(self._guard("Continue", lambda: press(self.handle.resume)))
        stop.on_click(self._guard("Stop", lambda: press(self.handle.stop)))
        return w.VBox([w.HTML(entry_html(entry)), w.HBox([go, stop]), *self._tool_review()])

    def _tool_schemas(self) -> Mapping[str, Any]:
        """The graph's tools' argument schemas (read once, when a tool-call review first asks)."""
        if self._schemas is None:
            from ._chat_review import tool_schemas

            self._schemas = tool_schemas(self.handle.graph)
        return self._schemas

    def _tool_review(self) -> list[w.Widget]:
        """Approve / Edit / Reject cards when the breakpoint is before a tools node (see :mod:`._chat_review`)."""
        from ._chat_review import ToolCallReview, pending_calls

        handle = self.handle
        try:
            pending = pending_calls(handle.graph, handle.graph.get_state(handle.config)) if handle.resumable else None
        except Exception as exc:  # the plain Continue / Stop still work
            handle.journal.report("tool call review", exc)
            return []
        if pending is None:
            return []
        return [ToolCallReview(pending, guard=self._guard, continue_with=lambda values, as_node, label:
                               handle.continue_with(values, as_node=as_node, label=label)).box]

    def _show_breakpoint(self, box: w.Widget, entry: Entry) -> None:
        box.children[0].value = entry_html(entry)
        for control in walk(box):
            if control.has_trait("disabled"):
                control.disabled = True

    def _guard(self, where: str, fn: Any) -> Any:
        def handler(_: Any) -> None:
            try:
                fn()
            except Exception as exc:  # ipywidgets would swallow it (anchors §3, lesson 10): show it in the log
                self.handle.journal.report(where, exc)

        return handler

    def _draw(self, _: Mapping[Hashable, str]) -> None:
        self.graph_html.value = self.picture.html(self._statuses)

    def _title(self, status: RunStatus) -> str:
        handle = self.handle
        name = escape(getattr(handle.graph, "name", "graph"))
        thread = f" · thread <code>{escape(handle.thread_id)}</code>" if handle.thread_id else ""
        return f"<b>{name}</b>{thread} {status_badge(status)}"

    # -- display -----------------------------------------------------------------------------------------------

    def static_html(self) -> str:
        """The run so far as one HTML block (graph with statuses, log, decisions)."""
        title = f"{as_text(getattr(self.handle.graph, 'name', 'graph'))} · thread {as_text(self.handle.thread_id)}"
        return page_html(title=title,
                         status=self.handle.status, graph_html=self.picture.html(self._statuses),
                         record=self.handle.record, note="" if self.handle.resumable else NO_CHECKPOINTER)

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any]:
        data = super()._repr_mimebundle_(**kwargs) or {}
        data["text/html"] = self.static_html()
        data["text/plain"] = f"{self.handle!r}\n{collapsed(self.handle.log_text())}"
        return data

    def show(self) -> None:
        """Display in the current cell (with a display id, so :meth:`refresh_display` can update the fallback)."""
        from ._display import CellDisplay

        self._display = CellDisplay(self, on_error=lambda exc: self.handle.journal.report("refresh display", exc))
        self.displayed = True
        if self._display.shell is not None:
            _retire.track(self, self._display.shell)

    def close_widgets(self) -> None:
        """Stop observing the run and close every widget of the view (see :mod:`._retire`); the run goes on."""
        with self._lock:
            if self.closed:
                return
            self.closed = True
        try:
            self.handle.journal.observers.remove(self)
        except ValueError:
            pass
        if self._display is not None:
            self._display.close()
        _retire.close_tree(self)

    def refresh_display(self) -> None:
        """Re-send the display data, so the saved notebook's ``text/html`` fallback shows the latest state.

        Called from the run's threads; the update is attributed to the cell that showed the view, and re-sent at
        the next cell boundary for clients that only listen to the executing cell (see :mod:`._display`)."""
        if self._display is not None and not self.closed:
            try:
                self._display.update(self)
            except Exception as exc:
                self.handle.journal.report("refresh display", exc)
