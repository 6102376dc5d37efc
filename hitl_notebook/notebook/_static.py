"""HTML and text renderings of a run: the graph picture, each log entry, and the whole page.

The live view reuses :func:`entry_html` for node output, and the page is the ``text/html`` fallback that a saved
notebook shows without a kernel (graph, log, decisions).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..drawing import INSTALL_HINT, Graph, GraphvizNotFoundError, NodeStatus, StatusView
from ._chat import chat_html, chat_text, role_of, split_update, summarize, tokens_html
from ._outputs import collapsed, outputs_html, outputs_text
from ._payloads import pretty, question_of
from ._policy import HEADLESS_HINT
from ._record import Entry, RunRecord, RunStatus
from ._terminal import WRAP_CSS, plain_text, terminal_html
from ._text import escape, safe_repr, shorten
from ._traceback import trace_html

__all__ = ["GraphPicture", "entry_html", "entry_text", "node_head_html", "node_tail_html", "page_html",
           "status_badge"]


_ICONS = {"running": "⏳", "done": "✔", "error": "✖", "interrupted": "⏸", "stopped": "■", "waiting": "⏸",
          "answered": "✔", "blocked": "⏸"}
_COLORS = {RunStatus.RUNNING: "#d97706", RunStatus.WAITING: "#ea580c", RunStatus.DONE: "#16a34a",
           RunStatus.ERROR: "#dc2626", RunStatus.STOPPED: "#71717a"}
_PRE = ("margin:2px 0 2px 14px;padding:4px 6px;background:#f8f8fa;border-radius:4px;" + WRAP_CSS + ";"
        "font-size:12px;max-height:24em;overflow:auto")
_BOX = "margin:3px 0;padding:3px 6px;border-left:3px solid {};font-family:var(--jp-ui-font-family,sans-serif)"


class GraphPicture:
    """The graph laid out once (``dot`` runs here only), recoloured per status; mermaid text without Graphviz."""

    def __init__(self, graph: Any) -> None:
        self.view: StatusView | None = None
        self.fallback = ""
        try:
            drawable = Graph.from_drawable(graph.get_graph())  # LangGraph's get_graph() too
        except Exception as exc:
            self.fallback = f"<pre style='{_PRE}'>(the graph cannot be drawn: {escape(safe_repr(exc))})</pre>"
            return
        try:
            self.view = StatusView(drawable)
        except GraphvizNotFoundError:
            self.fallback = (f"<div style='color:#71717a;font-size:12px'>{escape(INSTALL_HINT)}</div>"
                             f"<pre style='{_PRE}'>{escape(drawable.draw_mermaid())}</pre>")
        except Exception as exc:  # a failing dot run: show the structure as text rather than nothing
            self.fallback = (f"<div style='color:#71717a;font-size:12px'>dot failed: {escape(exc)}</div>"
                             f"<pre style='{_PRE}'>{escape(drawable.draw_mermaid())}</pre>")

    def html(self, statuses: Mapping[str, NodeStatus] | None = None) -> str:
        if self.view is None:
            return self.fallback
        return f"<div style='max-width:100%;overflow:auto'>{self.view.render(statuses or {})}</div>"


def status_badge(status: RunStatus, detail: str = "") -> str:
    color = _COLORS[status]
    text = escape(status.value + (f" · {detail}" if detail else ""))
    return (f"<span style='background:{color};color:white;border-radius:9px;padding:1px 8px;font-size:12px'>"
            f"{text}</span>")


def entry_html(entry: Entry) -> str:
    """One log entry as HTML (interrupt entries show the payload and the decision, as a record)."""
    if entry.kind == "node":
        text = f"<pre style='{_PRE}'>{terminal_html(collapsed(entry.text))}</pre>" if entry.text else ""
        return (f"<div style='{_BOX.format('#a1a1aa')}'>{node_head_html(entry)}{text}{outputs_html(entry.outputs)}"
                f"{node_tail_html(entry)}</div>")
    if entry.kind == "interrupt":
        value = entry.interrupt.value if entry.interrupt is not None else None
        question = question_of(value)
        head = f"⏸ <b>{escape(entry.node or 'graph')}</b> asked" + (f": {escape(question)}" if question else "")
        body = "" if isinstance(value, str) else f"<pre style='{_PRE}'>{escape(pretty(value))}</pre>"
        return f"<div style='{_BOX.format('#ea580c')}'>{head}{body}{_decision_html(entry)}</div>"
    if entry.kind == "breakpoint":
        return f"<div style='{_BOX.format('#ea580c')}'>⏸ {escape(entry.text)}{_decision_html(entry)}</div>"
    if entry.kind == "error":
        return (f"<div style='{_BOX.format('#dc2626')}'><b style='color:#dc2626'>✖ {escape(entry.error or '')}</b>"
                f" <span style='color:#71717a'>({escape(entry.node or '')})</span>"
                f"{trace_html(entry.trace, entry.text, _PRE)}</div>")
    if entry.kind == "result":
        return (f"<div style='{_BOX.format('#16a34a')}'><b>■ done</b>"
                f"<pre style='{_PRE}'>{escape(_result_text(entry.update))}</pre></div>")
    return f"<div style='{_BOX.format('#e4e4e7')};color:#52525b'><i>{escape(entry.text)}</i></div>"


def _chat_part(entry: Entry) -> str:
    """A node entry's messages as a conversation (see :mod:`._chat`), its streamed tokens as the assistant's
    message until the node's own message replaces them, and the rest of its update as JSON."""
    messages, rest = split_update(entry.update) if entry.has_update else ([], None)
    html = chat_html(messages if entry.chat is None else entry.chat)  # entry.chat: each message once in the run
    if entry.tokens and not any(role_of(m) == "assistant" for m in messages):
        html = tokens_html(entry.tokens, live=entry.status == "running") + html
    if entry.has_update and (rest is not None or not messages):
        html += f"<pre style='{_PRE};color:#3f3f46'>{escape(_short(rest if messages else entry.update))}</pre>"
    return html


def node_head_html(entry: Entry) -> str:
    """A node entry's title line: status icon, node name, cached mark."""
    suffix = " <i>(cached)</i>" if entry.cached else ""
    return f"<b>{_ICONS.get(entry.status, '')} {escape(entry.node or 'output')}</b>{suffix}"


def node_tail_html(entry: Entry) -> str:
    """What follows a node entry's streamed output: its messages, tokens and update (see :func:`_chat_part`), and
    its error."""
    parts = [_chat_part(entry)]
    if entry.error:
        parts.append(f"<pre style='{_PRE};color:#dc2626'>{escape(entry.error)}</pre>")
    return "".join(parts)


def _decision_html(entry: Entry) -> str:
    earlier = "".join(f"<div style='color:#dc2626'>{escape(d.caption())}</div><pre style='{_PRE};color:#dc2626'>"
                      f"{escape(d.error or '')}</pre>" for d in entry.earlier)
    return earlier + _current_decision_html(entry)


def _current_decision_html(entry: Entry) -> str:
    if entry.decision is not None:
        caption = entry.decision.caption(waiting_for_others=entry.waiting_for_others)
        if entry.decision.applied is False:
            return (f"<div style='color:#dc2626'>{escape(caption)}</div>"
                    f"<pre style='{_PRE};color:#dc2626'>{escape(entry.error or '')}</pre>")
        return f"<div style='color:#15803d'>{escape(caption)}</div>"
    if entry.error:
        return f"<pre style='{_PRE};color:#dc2626'>{escape(entry.error)}</pre>{trace_html(entry.trace, '', _PRE)}"
    return "<div style='color:#ea580c'>waiting for a human…</div>"


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
            lines.append(f"  → {_short(rest if messages else entry.update)}")
        if entry.error:
            lines.append(f"  ✖ {entry.error}")
        return "\n".join(lines)
    if entry.kind == "interrupt":
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
        return f"■ done: {_result_text(entry.update)}"
    text = entry.text
    if entry.decision is not None:
        text += "\n" + entry.decision.caption()
    return text


def page_html(*, title: str, status: RunStatus, graph_html: str, record: RunRecord, note: str = "") -> str:
    """The whole run as one self-contained HTML block (the saved notebook's fallback)."""
    entries = "".join(entry_html(e) for e in record.entries)
    extra = f"<div style='color:#b45309'>{escape(note)}</div>" if note else ""
    if status is RunStatus.WAITING:  # what a saved notebook shows: say who could answer, not just "waiting"
        extra += f"<div style='color:#b45309'>{escape(HEADLESS_HINT)}</div>"
    return (f"<div class='hitl-notebook-run' style='font-family:var(--jp-ui-font-family,sans-serif)'>"
            f"<div><b>{escape(title)}</b> {status_badge(status)}</div>{extra}{graph_html}{entries}</div>")


def _result_text(value: Any) -> str:
    """The run's result, its chat messages counted (they are shown in the conversation above)."""
    summary = summarize(value)
    return summary if isinstance(summary, str) and summary is not value else _short(summary)


def _short(value: Any, limit: int = 2000) -> str:
    return shorten(pretty(value) if isinstance(value, (dict, list)) else safe_repr(value), limit)
