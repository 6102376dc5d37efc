"""HTML and text renderings of a run: the graph picture, the status badge, the outcome and the whole page.

The page is what a saved notebook shows once the run has ended (and, next to the live widget, while it waits): the
graph as an ``<img>`` holding an SVG data URI (an inline ``<svg>`` would be stripped by JupyterLab's sanitizer in an
untrusted notebook), the outcome or the open questions near the top, and the timeline (see :mod:`._timeline`).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from ..constants import END, START
from ..drawing import INSTALL_HINT, Graph, GraphvizNotFoundError, NodeStatus, StatusView, svg_img
from ._chat import chat_text, role_of, split_update, summarize
from ._payloads import question_of
from ._outputs import outputs_text
from ._policy import HEADLESS_HINT
from ._record import Entry, RunRecord, RunStatus
from ._terminal import plain_text
from ._text import escape, safe_repr, shorten
from ._timeline import _ICONS, payload_html, rows
from ._values_html import FONT, MUTED, PRE, text_block, value_lines

__all__ = ["GraphPicture", "entry_text", "outcome_html", "page_html", "status_badge"]

_COLORS = {RunStatus.RUNNING: "#d97706", RunStatus.WAITING: "#ea580c", RunStatus.DONE: "#16a34a",
           RunStatus.ERROR: "#dc2626", RunStatus.STOPPED: "#71717a"}
_RAN = {NodeStatus.RUNNING, NodeStatus.DONE, NodeStatus.INTERRUPTED, NodeStatus.ERROR}
_BOX = "margin:0 0 8px;padding:6px 10px;border-radius:6px;border:1px solid {};background:{}"
GRAPH_COLUMN = "flex:0 1 auto;max-width:48%;overflow:auto"
TIMELINE_COLUMN = "flex:1 1 340px;min-width:0"
COLUMNS = "display:flex;flex-wrap:wrap;gap:6px 18px;align-items:flex-start"


class GraphPicture:
    """The graph laid out once (``dot`` runs here only), recoloured per status; mermaid text without Graphviz."""

    def __init__(self, graph: Any) -> None:
        self.view: StatusView | None = None
        self.fallback = ""
        try:
            drawable = Graph.from_drawable(graph.get_graph())  # LangGraph's get_graph() too
        except Exception as exc:
            self.fallback = f"<div style='{PRE}'>(the graph cannot be drawn: {escape(safe_repr(exc))})</div>"
            return
        try:
            self.view = StatusView(drawable)
        except GraphvizNotFoundError:
            self.fallback = (f"<div style='{MUTED};font-size:12px'>{escape(INSTALL_HINT)}</div>"
                             f"<div style='{PRE}'>{escape(drawable.draw_mermaid())}</div>")
        except Exception as exc:  # a failing dot run: show the structure as text rather than nothing
            self.fallback = (f"<div style='{MUTED};font-size:12px'>dot failed: {escape(exc)}</div>"
                             f"<div style='{PRE}'>{escape(drawable.draw_mermaid())}</div>")

    def svg(self, statuses: Mapping[str, NodeStatus | str] | None = None, *, finished: bool = False,
            runs: Sequence[str] = ()) -> str | None:
        """The SVG with node statuses and the path taken (see :meth:`taken`); once ``finished``, nodes that never
        ran are drawn as skipped rather than pending. ``None`` without a layout."""
        if self.view is None:
            return None
        shown = dict(statuses or {})
        if finished:
            for node in self.view.graph.nodes:
                if node not in shown and node not in (START, END):
                    shown[node] = NodeStatus.SKIPPED
        return self.view.render(shown, self.taken(statuses or {}, finished=finished, runs=runs))

    def taken(self, statuses: Mapping[str, NodeStatus | str], *, finished: bool,
              runs: Sequence[str] = ()) -> list[tuple[str, str]]:
        """Edges between nodes that both ran (from START into a node that ran; into END once the run is done).
        ``runs``: the nodes in the order their runs started; with it, an edge between two nodes counts only once
        its target ran after its source did (so a loop's edge back is not drawn taken before the loop goes back)."""
        if self.view is None:
            return []
        ran = {node for node, status in statuses.items() if NodeStatus(status) in _RAN}
        first: dict[str, int] = {}
        last: dict[str, int] = {}
        for index, node in enumerate(runs):
            first.setdefault(node, index)
            last[node] = index
        edges = []
        for edge in self.view.graph.edges:
            source, target = edge.source, edge.target
            source_ran = source in ran or source == START
            target_ran = target in ran or (target == END and finished)
            if not (source_ran and target_ran and (source in ran or target in ran)):
                continue
            if source in first and target in last and first[source] > last[target]:
                continue  # the target ran only before the source: this edge was not followed (yet)
            edges.append((source, target))
        return edges

    def html(self, statuses: Mapping[str, NodeStatus | str] | None = None, *, finished: bool = False,
             runs: Sequence[str] = ()) -> str:
        """The picture as an ``<img>`` (an SVG data URI: survives sanitising, and ids cannot clash on a page)."""
        svg = self.svg(statuses, finished=finished, runs=runs)
        if svg is None:
            return self.fallback
        return svg_img(svg, alt="the graph, nodes coloured by status", css_class="hitl-graph",
                       style="max-width:100%;max-height:380px;height:auto")


def status_badge(status: RunStatus, detail: str = "") -> str:
    color = _COLORS[status]
    text = escape(status.value + (f" · {detail}" if detail else ""))
    return (f"<span class='hitl-badge' style='background:{color};color:white;border-radius:9px;padding:1px 8px;"
            f"font-size:12px;font-weight:600'>{text}</span>")


def header_html(name: str, thread: str | None, status: RunStatus) -> str:
    """``graph-name · thread t`` and the status badge."""
    where = f" <span style='{MUTED}'>· thread</span> <code>{escape(thread)}</code>" if thread else ""
    return f"<b>{escape(name)}</b>{where} {status_badge(status)}"


def outcome_html(status: RunStatus, record: RunRecord, error: str = "") -> str:
    """The box at the top once the run ended: the result (done), the error, or that it was stopped."""
    if status is RunStatus.DONE:
        result = next((e for e in reversed(record.entries) if e.kind == "result"), None)
        value = summarize(result.update) if result is not None and result.has_update else None  # messages counted
        body = value_lines(value, compact=True) if isinstance(value, Mapping) and value else (
            text_block(value if isinstance(value, str) else safe_repr(value)) if value is not None else "")
        return (f"<div class='hitl-outcome' style='{_BOX.format('#86efac', '#f0fdf4')}'>"
                f"<b style='color:#15803d'>✔ Done</b> <span style='{MUTED}'>result</span>{body}</div>")
    if status is RunStatus.ERROR:
        return (f"<div class='hitl-outcome' style='{_BOX.format('#fca5a5', '#fef2f2')}'>"
                f"<b style='color:#b91c1c'>✖ Failed</b> {escape(error)}</div>")
    if status is RunStatus.STOPPED:
        return (f"<div class='hitl-outcome' style='{_BOX.format('#d4d4d8', '#fafafa')}'>"
                f"<b style='color:#52525b'>■ Stopped</b> <span style='{MUTED}'>before the run finished</span></div>")
    return ""


def waiting_html(entry: Entry) -> str:
    """An open question as a box (the saved page's stand-in for the panel: no kernel can take the answer)."""
    value = entry.interrupt.value if entry.interrupt is not None else entry.text
    question = question_of(value)
    note = (f"<div style='{MUTED};font-size:12px;margin-top:2px'>Saved while waiting for an answer. To answer, run "
            "the notebook again, or <code>show(graph, config)</code> on this thread with a persistent checkpointer. "
            f"{escape(HEADLESS_HINT.partition('. ')[2])}</div>")
    if entry.kind == "breakpoint":
        head = f"⏸ {escape(entry.text)}"
    else:
        head = (f"⏸ <b>{escape(entry.node or 'graph')}</b> asks{': ' + escape(question) if question else ''}"
                f"{payload_html(value, {})}")
    return f"<div class='hitl-waiting' style='{_BOX.format('#fdba74', '#fff7ed')}'>{head}{note}</div>"


def page_html(*, name: str, thread: str | None, status: RunStatus, graph_html: str, record: RunRecord,
              note: str = "", error: str = "") -> str:
    """The whole run as one self-contained HTML block (what a saved notebook shows)."""
    extra = f"<div style='color:#b45309;font-size:12px'>⚠ {escape(note)}</div>" if note else ""
    focus = outcome_html(status, record, error)
    if status is RunStatus.WAITING:
        focus = "".join(waiting_html(e) for e in open_questions(record.entries))
    timeline = "".join(html for _, html in rows(record.entries, error or None))
    return (f"<div class='hitl-notebook-run hitl-run-view' style='{FONT};font-size:13px;max-width:100%'>"
            f"<div style='margin:0 0 6px'>{header_html(name, thread, status)}</div>{extra}{focus}"
            f"<div style='{COLUMNS}'><div style='{GRAPH_COLUMN}'>{graph_html}</div>"
            f"<div class='hitl-timeline' style='{TIMELINE_COLUMN}'>{timeline}</div></div></div>")


def open_questions(entries: Iterable[Entry]) -> list[Entry]:
    """The interrupts and breakpoints still waiting for an answer (latest version of each entry)."""
    latest: dict[str, Entry] = {}
    for entry in entries:
        latest[entry.key] = entry
    return [e for e in latest.values() if e.kind in ("interrupt", "breakpoint") and e.decision is None
            and e.status == "waiting"]


def entry_text(entry: Entry) -> str:
    """One log entry as plain text."""
    if entry.kind == "node":
        lines = [f"{_ICONS.get(entry.status, '')} {entry.node or 'output'}{' (cached)' if entry.cached else ''}"]
        if entry.text:
            lines.append(plain_text(entry.text).rstrip("\n"))
        if entry.outputs:
            lines.append(outputs_text(entry.outputs))
        messages, rest = split_update(entry.update) if entry.has_update else ([], None)
        if entry.tokens and not any(role_of(m) == "assistant" for m in messages):
            lines.append(entry.tokens)
        if messages:
            lines.append(chat_text(messages if entry.chat is None else entry.chat))
        if entry.has_update and (rest is not None or not messages):
            shown = rest if messages else entry.update
            lines.append("  → no state update" if shown is None else f"  → {_short(shown)}")
        if entry.error:
            lines.append(f"  ✖ {entry.error}")
        return "\n".join(lines)
    if entry.kind == "interrupt":
        from ._payloads import pretty

        value = entry.interrupt.value if entry.interrupt is not None else None
        lines = [f"⏸ {entry.node or 'graph'} asked: {pretty(value)}"]
        lines += [d.caption() + "".join(f"\n  {line}" for line in (d.error or "").splitlines()) for d in entry.earlier]
        if entry.decision is not None:
            lines.append(entry.decision.caption(waiting_for_others=entry.waiting_for_others))
        if entry.error:
            lines.append(f"✖ {entry.error}")
        return "\n".join(lines)
    if entry.kind == "error":
        return f"✖ {entry.error} ({entry.node})\n{entry.text}"
    if entry.kind == "result":
        return f"■ done: {_short(summarize(entry.update))}"
    text = entry.text
    if entry.decision is not None:
        text += "\n" + entry.decision.caption()
    return text


def summary_text(name: str, thread: str | None, status: RunStatus, record: RunRecord) -> str:
    """A few lines for ``text/plain``: the run, its status, its decisions (the page itself is the HTML)."""
    lines = [f"{name} · thread {thread} · {status.value}"]
    lines += [d.caption() for d in record.decisions]
    result = next((e for e in reversed(record.entries) if e.kind == "result"), None)
    if result is not None:
        lines.append(f"result: {_short(result.update, 300)}")
    return "\n".join(lines)


def _short(value: Any, limit: int = 2000) -> str:
    from ._payloads import pretty

    return shorten(pretty(value) if isinstance(value, (dict, list)) else safe_repr(value), limit)
