"""The live run view: a title row with the status badge (and Stop while there is something to stop), the open
questions or the outcome near the top, then the graph beside the timeline (they stack when the cell is narrow).

Every update is a widget trait change, which reaches the widget from any thread, addressed by comm id rather than
by cell (anchors §3, lesson 9); nothing is appended to an ``Output`` widget. Graph redraws are rate-limited and
only restyle the SVG laid out once. Rows are rendered by :mod:`._timeline`, the same HTML the saved page uses.

What is displayed in the cell is described in :mod:`._bundle`: the widget while the run can still change, and the
static page (:mod:`._static`) once it has ended, so a saved notebook shows the run with or without a kernel.
"""

from __future__ import annotations

import re
import threading
import uuid
from collections.abc import Hashable, Mapping
from html import unescape
from typing import Any

import ipywidgets as w

from ..drawing.status import NodeStatus
from . import _retire
from ._bundle import ViewDisplays
from ._coalesce import Coalescer
from ._controller import RunHandle
from ._driver import NO_CHECKPOINTER
from ._entry_widget import EntryWidget
from ._journal import RunObserver, TokenText
from ._panels import Panel, walk
from ._record import Entry, RunStatus
from ._static import GraphPicture, header_html, outcome_html, page_html
from ._stream_text import StreamText
from ._text import as_text, escape
from ._timeline import known_values, node_parts, plan, question_parts, question_status, row_html
from ._traceback import headline
from ._values_html import FONT

__all__ = ["RunView"]

_CSS = ("<style>.hitl-run-view .hitl-panel button:disabled:not(.hitl-chosen){opacity:.35}"
        ".hitl-run-view .hitl-panel button.hitl-chosen{opacity:1;outline:3px solid #1d4ed8;outline-offset:1px}"
        ".hitl-run-view .widget-html-content{line-height:1.45}"
        ".hitl-run-view .hitl-action .widget-toggle-button.mod-active{color:#fff;font-weight:600}"
        ".hitl-run-view .hitl-pick-approve .widget-toggle-button.mod-active{background:#16a34a}"
        ".hitl-run-view .hitl-pick-reject .widget-toggle-button.mod-active{background:#dc2626}"
        ".hitl-run-view .hitl-pick-edit .widget-toggle-button.mod-active,"
        ".hitl-run-view .hitl-pick-respond .widget-toggle-button.mod-active{background:#2563eb}</style>")


class RunView(w.VBox, RunObserver):
    """The widget tree of one run; it observes the run's journal."""

    def __init__(self, handle: RunHandle) -> None:
        self.handle = handle
        self.key = uuid.uuid4().hex[:12]  # marks this view's outputs (see _bundle)
        self.closed = False  # its widgets were closed (its cell ran again); the run may go on without it
        self.displays = ViewDisplays(self)
        self._lock = threading.RLock()
        self._entries: dict[str, w.HTML | EntryWidget] = {}  # row key -> its widget (a node's: EntryWidget)
        self._hosts: dict[str, str] = {}  # node run key -> the question row it is folded into (streams there)
        self._panels: list[Panel] = []
        self._tops: list[w.Widget] = []  # every widget ever shown at the top (closed with the view)
        self._statuses: Mapping[str, NodeStatus] = {}
        self._schemas: Mapping[str, Any] | None = None
        self.picture = GraphPicture(handle.graph)
        self.title = w.HTML(self._title(RunStatus.RUNNING))
        self.stop_button = w.Button(description="Stop", icon="stop", tooltip="Stop after the running step",
                                    layout=w.Layout(width="auto", margin="0 0 0 12px"))
        self.stop_button.on_click(self._guard("Stop button", handle.stop))
        self.top = w.VBox(layout=w.Layout(width="100%"))  # the open questions, or the outcome
        self.graph_html = w.HTML(self.picture.html({}),  # (a layout given later would orphan the default one)
                                 layout=w.Layout(flex="0 1 auto", max_width="48%", margin="0 18px 6px 0"))
        self.log_box = w.VBox(layout=w.Layout(flex="1 1 340px", min_width="0"))
        self.log_box.add_class("hitl-timeline")
        note = "" if handle.resumable else f"<div style='color:#b45309'>⚠ {escape(NO_CHECKPOINTER)}</div>"
        self._redraw = Coalescer(self._draw, interval=0.1)
        self._late = Coalescer(lambda _: self.refresh_display(), interval=0.1)  # changes after the end
        columns = w.Box([self.graph_html, self.log_box],
                        layout=w.Layout(display="flex", flex_flow="row wrap", align_items="flex-start", width="100%"))
        super().__init__([w.HBox([self.title, self.stop_button], layout=w.Layout(align_items="center")),
                          w.HTML(note), self.top, columns])
        self.add_class("hitl-run-view")
        handle.add_observer(self)

    @classmethod
    def of_run(cls, handle: RunHandle) -> RunView:
        """A new view of a run that has gone on for a while: its log so far, the open questions, then live."""
        view = cls(handle)
        for entry in list(handle.record.entries):
            if entry.kind in ("interrupt", "breakpoint") and entry.decision is None and entry.status == "waiting":
                view.on_entry(entry)  # still open: its panel
        view._render_rows(list(handle.record.by_key))
        view.on_node_status(dict(handle.journal.statuses))
        view.on_status(handle.status)
        return view

    # -- queries (tests, scripted use) -------------------------------------------------------------------------

    @property
    def displayed(self) -> bool:
        """Whether the view has been shown in a cell."""
        return self.displays.shown

    @property
    def panels(self) -> list[Panel]:
        """Interrupt panels, oldest first (answered ones too, after they left the view)."""
        return list(self._panels)

    def panel(self, interrupt_id: str | None = None) -> Panel:
        """The panel of ``interrupt_id``, or the newest panel that is not locked."""
        for panel in reversed(self._panels):
            if interrupt_id == panel.interrupt.id or (interrupt_id is None and not panel.locked):
                return panel
        raise LookupError(f"no {'open ' if interrupt_id is None else ''}panel for {interrupt_id or 'this run'}")

    @property
    def buttons(self) -> list[w.Button]:
        return [x for x in walk(self) if isinstance(x, w.Button)]

    def text(self) -> str:
        """What the view shows, as text (HTML tags removed)."""
        hidden = {id(x) for top in walk(self) if getattr(top, "layout", None) is not None
                  and top.layout.display == "none" for x in walk(top)}
        parts = [x.value if isinstance(x, w.HTML) else escape(x.text) for x in walk(self)
                 if isinstance(x, (w.HTML, StreamText)) and x is not self.graph_html and id(x) not in hidden]
        text = re.sub(r"</(div|pre|summary)>|<br\s*/?>", "\n", "\n".join(parts))
        return unescape(re.sub(r"<style>.*?</style>|<[^>]+>", "", text, flags=re.DOTALL))

    # -- observer ----------------------------------------------------------------------------------------------

    def on_entry(self, entry: Entry) -> None:
        if entry.kind == "interrupt":
            self._add_panel(entry)
        elif entry.kind == "breakpoint":
            self._add_breakpoint(entry)
        # The result is shown at the top: rows that returned it say so instead of repeating it.
        self._render_rows(list(self._entries) if entry.kind == "result" else [entry.key])
        if self.handle.status.finished:  # e.g. a done callback's prints, after the end
            self._late.add("page", ".")

    def on_change(self, entry: Entry) -> None:
        if entry.kind == "interrupt":
            for panel in self._panels:
                if panel.interrupt.id == entry.key:
                    panel.show(entry)
        self._render_rows([entry.key])
        if self.handle.status.finished:
            self._late.add("page", ".")

    def on_stream(self, items: list[tuple[Entry, str]]) -> None:
        rerender: dict[str, None] = {}
        for entry, text in items:
            widget = self._live(entry)
            if widget is not None and not isinstance(text, TokenText):
                widget.stream(entry, text)  # only the new text goes over the wire (see _stream_text)
            else:  # chat-model tokens (the live assistant bubble), or a node run folded into its question's row
                rerender[entry.key] = None
        if rerender:
            self._render_rows(list(rerender))
        if self.handle.status.finished:
            self._late.add("page", ".")

    def on_display(self, entry: Entry, output: dict[str, Any], update: bool) -> None:
        widget = self._live(entry)
        if widget is not None:
            widget.display(output, update)
        else:
            self._render_rows([entry.key])
        if self.handle.status.finished:
            self._late.add("page", ".")

    def on_clear(self, entry: Entry) -> None:
        widget = self._live(entry)
        if widget is not None:
            widget.clear()
        else:
            self._render_rows([entry.key])
        if self.handle.status.finished:
            self._late.add("page", ".")

    def _live(self, entry: Entry) -> EntryWidget | None:
        """The widget streaming the node entry's text: its own row's, or its question's row once folded there."""
        widget = self._entries.get(self._hosts.get(entry.key, entry.key))
        return widget if isinstance(widget, EntryWidget) and widget.layout.display != "none" else None

    def _entry_row(self, row: str, entry: Entry, head: str, tail: str, status: str) -> EntryWidget:
        """Show row ``row`` as an entry widget streaming ``entry`` (it replaces the row's HTML widget, in place)."""
        widget = self._entries.get(row)
        if isinstance(widget, EntryWidget):
            widget.show(entry, head, tail, status=status)
            return widget
        new = self._entries[row] = EntryWidget(entry, head, tail, status=status)
        children = list(self.log_box.children)
        if widget is not None and widget in children:
            children[children.index(widget)] = new
        else:
            children.append(new)
        self.log_box.children = tuple(children)
        if widget is not None:
            _retire.close_tree(widget)  # with its layout and style
        return new

    def on_node_status(self, statuses: Mapping[str, NodeStatus]) -> None:
        self._statuses = statuses
        self._redraw.add("graph", ".")

    def on_status(self, status: RunStatus) -> None:
        self._redraw.flush()
        self.title.value = self._title(status)
        with self.stop_button.hold_sync():  # one comm message for all traits
            self.stop_button.disabled = status.finished
            self.stop_button.layout.display = "none" if status.finished else ""
        if status.finished:
            for panel in self._panels:
                panel.close_out(f"Not answered: the run is {status.value}.")
            self._draw({})
            if status is RunStatus.ERROR:  # the outcome states the error: its row now shows only where
                self._render_rows(list(self._entries))
        self._set_top(status)
        if status is RunStatus.WAITING or status.finished:
            self.refresh_display()

    # -- rows --------------------------------------------------------------------------------------------------

    def _render_rows(self, keys: list[str]) -> None:
        """Re-render the rows holding ``keys`` (a folded node run re-renders its question's row)."""
        with self._lock:
            the_plan = plan(self.handle.record.entries, self._failure() or None)
            rows = {the_plan.row_of(k) for k in keys}
            for key in the_plan.folded:  # a node run shown before its question arrived: now inside that row
                widget = self._entries.get(key)
                if widget is not None and widget.layout.display != "none":
                    widget.layout.display = "none"
            for row in [k for k in the_plan.order if k in rows]:
                entry = the_plan.latest[row]
                if entry.kind == "node":  # its text streams append-only, its outputs are widgets (_entry_widget)
                    head, tail = node_parts(entry, the_plan, known_values(the_plan, row))
                    self._entry_row(row, entry, head, tail, entry.status)
                    continue
                folded = question_parts(entry, the_plan, known_values(the_plan, row)) if entry.kind == "interrupt" \
                    else None
                if folded is not None:  # the question, then the node run that asked streaming as a node row does
                    node, head, tail = folded
                    self._hosts[node.key] = row
                    self._entry_row(row, node, head, tail, question_status(entry, node)).add_class("hitl-question")
                    continue
                html = row_html(entry, the_plan, known_values(the_plan, row))
                widget = self._entries.get(row)
                if widget is None:
                    if not html:
                        continue
                    widget = self._entries[row] = w.HTML(html, layout=w.Layout(width="100%"))
                    self.log_box.children = (*self.log_box.children, widget)
                elif widget.value != html:
                    widget.value = html

    # -- the top: open questions, or the outcome ---------------------------------------------------------------

    def _add_panel(self, entry: Entry) -> None:
        handle = self.handle
        panel = Panel(entry, answer=lambda iid, value: handle.answer(iid, value, by=handle.user),
                      approve_value=handle.approve_value, reject_value=handle.reject_value,
                      resumable=handle.resumable, blocked_reason=NO_CHECKPOINTER, report=handle.journal.report,
                      tool_schemas=self._tool_schemas)
        with self._lock:
            self._panels.append(panel)
            self._tops.append(panel)
            self.top.children = (*self.top.children, panel)
        panel.ready()  # outside the lock: an early answer resumes the run, whose events come to this view

    def _add_breakpoint(self, entry: Entry) -> None:
        go = w.Button(description="Continue", button_style="primary", icon="play")
        stop = w.Button(description="Stop", icon="stop")

        def press(action: Any, button: w.Button) -> None:
            if go.disabled:  # already decided (a programmatic click ignores ``disabled``)
                return
            button.add_class("hitl-chosen")
            go.disabled = stop.disabled = True
            action()

        go.on_click(self._guard("Continue", lambda: press(self.handle.resume, go)))
        stop.on_click(self._guard("Stop", lambda: press(self.handle.stop, stop)))
        review = self._tool_review()
        # With tool-call cards (whose heading says where the run paused), their Submit is the one way on:
        # approving every call is Continue, and a second Continue button left teachers unsure which to press.
        # Stopping is the header's Stop, as for any question (a second Stop under the cards repeated it).
        controls = review if review else [w.HTML(f"⏸ {escape(entry.text)}"), w.HBox([go, stop])]
        box = w.VBox(controls,
                     layout=w.Layout(border="1px solid #fdba74", padding="4px 8px", margin="0 0 8px"))
        box.add_class("hitl-panel")
        with self._lock:
            self._tops.append(box)
            self.top.children = (*self.top.children, box)

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

    def _set_top(self, status: RunStatus) -> None:
        """Running: nothing (answered panels leave); waiting: the open panels; ended: the outcome."""
        with self._lock:
            if status.finished:
                self._tops.append(w.HTML(outcome_html(status, self.handle.record, self._failure())))
                self.top.children = (self._tops[-1],)
            elif status is RunStatus.RUNNING:
                self.top.children = tuple(p for p in self.top.children if isinstance(p, Panel) and not p.locked)

    # -- helpers -----------------------------------------------------------------------------------------------

    def _guard(self, where: str, fn: Any) -> Any:
        def handler(_: Any) -> None:
            try:
                fn()
            except Exception as exc:  # ipywidgets would swallow it (anchors §3, lesson 10): show it in the log
                self.handle.journal.report(where, exc)

        return handler

    def _draw(self, _: Mapping[Hashable, str]) -> None:
        self.graph_html.value = self._graph()

    def _graph(self) -> str:
        runs = [e.node for e in list(self.handle.record.entries) if e.kind == "node" and e.node]
        return self.picture.html(self._statuses, finished=self.handle.status is RunStatus.DONE, runs=runs)

    def _title(self, status: RunStatus) -> str:
        css = _CSS.replace("</style>", self.displays.live_style() + "</style>")
        return css + f"<span style='{FONT}'>{header_html(self._name(), self.handle.thread_id, status)}</span>"

    def _name(self) -> str:
        return as_text(getattr(self.handle.graph, "name", None) or "graph")

    # -- display -----------------------------------------------------------------------------------------------

    def static_html(self) -> str:
        """The run so far as one HTML block (graph with statuses, outcome or open questions, timeline)."""
        return page_html(name=self._name(), thread=self.handle.thread_id, status=self.handle.status,
                         graph_html=self._graph(), record=self.handle.record,
                         note="" if self.handle.resumable else NO_CHECKPOINTER, error=self._failure())

    def _failure(self) -> str:
        """The run's error as its error entry states it (``Type: message``, see _traceback), or ``""``."""
        error = self.handle._error  # the view belongs to the handle
        return headline(error) if error is not None else ""

    def _repr_mimebundle_(self, **kwargs: Any) -> dict[str, Any]:
        return self.displays.bundle(widget=super()._repr_mimebundle_(**kwargs) or {})

    def _ipython_display_(self) -> None:
        if self.displays.show(again_in_same_cell=False):
            _retire.track(self, self.displays.shell)

    def show(self) -> None:
        """Display in the current cell; each call shows the view again (after ``clear_output()`` too)."""
        if self.displays.show():
            _retire.track(self, self.displays.shell)

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
        self.displays.close()
        _retire.close_tree(self)
        for widget in self._tops:  # answered panels and the like, no longer in the tree
            _retire.close_tree(widget)

    def refresh_display(self) -> None:
        """Re-send every display of the view, so what a saved notebook keeps is the latest state."""
        if not self.closed:
            self.displays.refresh()

