"""The run's timeline as HTML rows: one row per thing that happened, each fact shown once.

Shared by the live view (one HTML widget per row) and the static page a saved notebook shows. Rules:

* an entry recorded again under the same key (a node run that asked, then finished on resume) is one row, whose icon
  follows the latest status;
* the node run that called ``interrupt()`` is folded into the row of its question, so the row reads "asked →
  answer → output" in the order it happened, with no stale "⏸" row above it;
* a node's update shows only the keys whose value is new (a node that returns the state unchanged shows none), and a
  question's payload only the fields not already on screen;
* long text collapses behind a "show all" (``<details>``: works without JavaScript and survives sanitising).

Everything is inline-styled HTML with no ``<style>`` or ``<svg>``, so JupyterLab's sanitizer keeps it.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from ._chat import chat_html, role_of, split_update, tokens_html
from ._outputs import collapsed, outputs_html
from ._payloads import option_items, pretty, question_of
from ._record import Decision, Entry
from ._text import as_text, escape
from ._values_html import MONO, MUTED, PRE, VALUE_RENDERERS, one_line, same, short, text_block, value_lines
from ._traceback import trace_html

__all__ = ["VALUE_RENDERERS", "Plan", "decision_chip", "edge_color", "known_values", "node_parts", "plan",
           "question_parts", "question_status", "row_html", "rows", "text_block", "value_lines"]

_ROW = "margin:0 0 3px;padding:2px 0 3px 8px;border-left:3px solid {};font-size:13px;line-height:1.45"
_ICONS = {"running": "⏳", "done": "✔", "error": "✖", "interrupted": "⏸", "stopped": "■", "waiting": "⏸",
          "answered": "✔", "blocked": "⏸"}
_EDGE = {"running": "#f59e0b", "done": "#a1a1aa", "error": "#dc2626", "interrupted": "#ea580c",
         "stopped": "#a1a1aa", "waiting": "#ea580c", "answered": "#a1a1aa", "blocked": "#ea580c"}


@dataclass
class Plan:
    """Which entries show as rows, in order; ``folded`` maps a node run's key to the question row holding it."""

    order: list[str] = field(default_factory=list)
    latest: dict[str, Entry] = field(default_factory=dict)
    folded: dict[str, str] = field(default_factory=dict)
    result: Any = None  # the run's final value, once it has one
    failure: str | None = None  # the run's error ("Type: message"), once it failed

    def row_of(self, key: str) -> str:
        return self.folded.get(key, key)

    def node_of_row(self, key: str) -> Entry | None:
        """The node run folded into the question row ``key``, if any."""
        for node_key, row in self.folded.items():
            if row == key:
                return self.latest.get(node_key)
        return None


def plan(entries: Iterable[Entry], failure: str | None = None) -> Plan:
    """Order the record's entries into rows (see the module docstring); ``failure`` is the run's error, which the
    outcome states (its error row then does not repeat it)."""
    result = Plan(failure=failure)
    for entry in entries:
        if entry.key not in result.latest:
            result.order.append(entry.key)
        result.latest[entry.key] = entry
        if entry.kind == "result" and entry.has_update:
            result.result = entry.update
    for index, key in enumerate(result.order):
        entry = result.latest[key]
        if entry.kind != "interrupt" or entry.node is None:
            continue
        # Only an unambiguous pairing: the node's one unfolded run before this question since its last question.
        candidates = []
        for earlier in reversed(result.order[:index]):
            other = result.latest[earlier]
            if other.kind == "interrupt" and other.node == entry.node:
                break
            if other.kind == "node" and other.node == entry.node and earlier not in result.folded:
                candidates.append(earlier)
        if len(candidates) == 1:
            result.folded[candidates[0]] = key
        elif not candidates and entry.decision is not None:
            # A question restored from a checkpoint (its asking run happened before this record began): the run
            # its answer resumed is the node's next run, if it comes before the node asks again.
            for later in result.order[index + 1:]:
                other = result.latest[later]
                if other.node == entry.node and other.kind in ("node", "interrupt"):
                    if other.kind == "node" and later not in result.folded:
                        result.folded[later] = key
                    break
    return result


def rows(entries: Iterable[Entry], failure: str | None = None) -> list[tuple[str, str]]:
    """(row key, row HTML) for every visible row, in order (the static page's timeline)."""
    the_plan = plan(entries, failure)
    known: dict[str, Any] = {}
    out = []
    for key in the_plan.order:
        if key in the_plan.folded:
            continue
        html = row_html(the_plan.latest[key], the_plan, known)
        if html:
            out.append((key, html))
    return out


def known_values(the_plan: Plan, key: str) -> dict[str, Any]:
    """The state values shown by the rows before row ``key`` (what re-rendering that row must not repeat)."""
    known: dict[str, Any] = {}
    for other in the_plan.order:
        if other == key:
            break
        if other in the_plan.folded:
            continue
        entry = the_plan.latest[other]
        folded = the_plan.node_of_row(other) if entry.kind == "interrupt" else None
        for source in (entry, folded):
            if source is not None and source.kind in ("node", "result") and isinstance(source.update, Mapping):
                known.update(source.update)
    return known


def row_html(entry: Entry, the_plan: Plan, known: dict[str, Any]) -> str:
    """One row; updates ``known`` with the values it shows. ``""`` for rows that have nothing to show."""
    if entry.kind == "node":
        return _node_row(entry, known, the_plan.result)
    if entry.kind == "interrupt":
        return _question_row(entry, the_plan, known)
    if entry.kind == "breakpoint":
        if entry.decision is None:
            return _row(entry.status, f"⏸ {escape(entry.text)}", css="hitl-row hitl-breakpoint")
        where = escape(entry.node or "the next step")
        return _row("done", f"✔ paused before <b>{where}</b> {decision_chip(entry.decision)}",
                    css="hitl-row hitl-breakpoint")
    if entry.kind == "error":
        where = f"<b>{escape(entry.node or 'the run')}</b>"
        # The run's own failure is stated in the outcome at the top: here only where, and the traceback.
        said = "failed" if entry.error == the_plan.failure else escape(entry.error or "error")
        body = f"<span style='color:#b91c1c'>✖ {where} {said}</span>" + trace_html(entry.trace, entry.text, PRE)
        return _row("error", body, css="hitl-row hitl-error")
    if entry.kind == "result":
        if entry.has_update and isinstance(entry.update, Mapping):
            known.update(entry.update)
        return ""  # the outcome is shown at the top (see _static.outcome_html)
    return _row("done", f"<i style='{MUTED}'>{escape(entry.text)}</i>", css="hitl-row hitl-info")


def _node_row(entry: Entry, known: dict[str, Any], result: Any = None) -> str:
    parts = [_node_title(entry)]
    parts.append(_node_body(entry, known, result))
    return _row(entry.status, "".join(parts), css="hitl-row hitl-node")


def node_parts(entry: Entry, the_plan: Plan, known: dict[str, Any]) -> tuple[str, str]:
    """A node row's title and what follows its streamed output (messages, update, error), for the live view's
    entry widget, which shows the streamed text and ``display()`` outputs itself (see _entry_widget)."""
    return _node_title(entry), _node_body(entry, known, the_plan.result, live=True)


def edge_color(status: str) -> str:
    """The colour of a row's left edge for an entry status."""
    return _EDGE.get(status, "#d4d4d8")


def _node_title(entry: Entry) -> str:
    icon = _ICONS.get(entry.status, "•")
    cached = f" <span style='{MUTED}'>(cached)</span>" if entry.cached else ""
    return f"{icon} <b>{escape(entry.node or 'output')}</b>{cached}"


def _node_body(entry: Entry, known: dict[str, Any], result: Any = None, *, live: bool = False) -> str:
    """``live``: without the streamed text and ``display()`` outputs (the live entry widget shows those)."""
    parts = []
    if entry.text and not live:
        parts.append(text_block(collapsed(entry.text), terminal=True))  # a long text's end (and "show all")
    if entry.outputs and not live:
        parts.append(outputs_html(entry.outputs))
    # Messages as a conversation (see _chat; entry.chat: each message once in the run), streamed chat-model tokens
    # as the assistant's bubble until the node's own message replaces them, then the rest of the update.
    messages, rest = split_update(entry.update) if entry.has_update else ([], None)
    if messages or entry.chat is not None:
        parts.append(chat_html(messages if entry.chat is None else entry.chat))
    if entry.tokens and not any(role_of(m) == "assistant" for m in messages):
        parts.append(tokens_html(entry.tokens, live=entry.status == "running"))
    update = rest if messages else entry.update
    if entry.has_update and update is not None:
        if result is not None and same(entry.update, result) and isinstance(result, Mapping):
            known.update(result)
            parts.append(f"<div style='{MUTED};font-size:12px'>→ returned the result ↑</div>")
        else:
            parts.append(_update_html(update, known, result, streamed=entry.text))
    if entry.error:
        parts.append(f"<div style='{PRE};color:#b91c1c'>{escape(entry.error)}</div>")
    if not parts and entry.has_update and entry.update is None and entry.status == "done":
        # e.g. a router node returning Command(goto=...): LangGraph streams {node: None}; say so, not an empty row
        parts.append(f"<div style='{MUTED};font-size:12px'>no state update</div>")
    return "".join(parts)


def _update_html(update: Any, known: dict[str, Any], result: Any = None, *, streamed: str = "") -> str:
    """The values a node wrote that are not on screen yet, as ``key: value`` lines; a value that is also the final
    one is named only (the outcome at the top shows it), and so is the text the node just streamed."""
    if isinstance(update, Mapping):
        fresh = {k: v for k, v in update.items() if not (k in known and same(known[k], v))}
        known.update(update)
        final = [k for k, v in fresh.items() if isinstance(result, Mapping) and k in result and same(result[k], v)]
        echoed = [k for k, v in fresh.items() if k not in final and streamed.strip() and isinstance(v, str)
                  and v.strip() == streamed.strip()]
        rest = {k: v for k, v in fresh.items() if k not in final and k not in echoed}
        html = value_lines(rest) if rest else ""
        if echoed:
            names = escape(", ".join(map(as_text, echoed)))
            html += f"<div style='{MUTED};font-size:12px'>wrote {names}: the text above</div>"
        if final:
            html += f"<div style='{MUTED};font-size:12px'>wrote {escape(', '.join(map(as_text, final)))} ↑</div>"
        return html
    if update is None:
        return ""
    return text_block(update if isinstance(update, str) else short(update))


def _question_row(entry: Entry, the_plan: Plan, known: dict[str, Any]) -> str:
    who = escape(entry.node or "graph")
    if _is_open(entry):
        # The open question itself is shown once, at the top (the panel, or the saved page's waiting box).
        return _row("waiting", f"⏸ <b>{who}</b> <span style='color:#c2410c'>waits for an answer ↑</span>",
                    css="hitl-row hitl-question")
    node = the_plan.node_of_row(entry.key)
    html = _question_head(entry, known)
    if node is not None:
        html += _node_body(node, known, the_plan.result)
    return _row(question_status(entry, node), html, css="hitl-row hitl-question")


def question_parts(entry: Entry, the_plan: Plan, known: dict[str, Any]) -> tuple[Entry, str, str] | None:
    """For the live view, a question row that holds its node's run (folded, see :func:`plan`): that node entry, the
    row's head (the question and its answer) and what follows the node's streamed output, so the live entry widget
    streams the node's text append-only. ``None`` for an open question or one with no node run folded in."""
    node = the_plan.node_of_row(entry.key)
    if node is None or _is_open(entry):
        return None
    head = _question_head(entry, known)
    return node, head, _node_body(node, known, the_plan.result, live=True)


def question_status(entry: Entry, node: Entry | None) -> str:
    """The status a question row shows: its node run's, once that is past the question."""
    return node.status if node is not None and node.status != "interrupted" else entry.status


def _is_open(entry: Entry) -> bool:
    return entry.decision is None and entry.status in ("waiting", "blocked") and not entry.error


def _question_head(entry: Entry, known: dict[str, Any]) -> str:
    value = entry.interrupt.value if entry.interrupt is not None else None
    parts = [f"{_ICONS.get(entry.status, '⏸')} <b>{escape(entry.node or 'graph')}</b> asked"]
    calls = _tool_calls(entry)
    question = question_of(value) if calls is None else "review " + ("the tool call" if len(calls) == 1 else
                                                                     "the tool calls")
    if question:
        parts.append(f": {escape(question)}")
    parts.append(payload_html(value, known) if calls is None else calls_html(calls))
    for earlier in entry.earlier:  # answers the node raised on: recorded, not applied (the question was reopened)
        parts.append(f"<div class='hitl-earlier' style='margin-top:2px'>{decision_chip(earlier)}</div>"
                     f"<div style='{PRE};color:#b91c1c'>{escape(earlier.error or '')}</div>")
    if entry.decision is not None:
        parts.append(f"<div style='margin-top:2px'>{decision_chip(entry.decision, entry.waiting_for_others)}</div>")
    if entry.error:
        parts.append(f"<div style='{PRE};color:#b91c1c'>{escape(entry.error)}</div>")
        if entry.decision is None:
            parts.append(trace_html(entry.trace, "", PRE))  # the node's traceback, folded (a reopened question)
    return "".join(parts)


def payload_html(value: Any, known: Mapping[str, Any]) -> str:
    """A question's payload without the question: fields as ``key: value`` lines; fields equal to a value already
    on screen are named, not repeated."""
    if isinstance(value, str) or value is None:
        return ""
    if isinstance(value, Mapping):
        question = question_of(value)
        asked = next((k for k, v in value.items() if isinstance(v, str) and v == question), None)
        rest = {k: v for k, v in value.items() if k != asked}
        if option_items(value):
            rest.pop("options", None)  # offered as buttons
        seen = [k for k, v in rest.items() if k in known and same(known[k], v)]
        fresh = {k: v for k, v in rest.items() if k not in seen}
        html = value_lines(fresh) if fresh else ""
        if seen:
            html += f"<div style='{MUTED};font-size:12px'>about: {escape(', '.join(map(as_text, seen)))} (above)</div>"
        return html
    return text_block(pretty(value))


def _tool_calls(entry: Entry) -> list[tuple[str, dict[str, Any]]] | None:
    """(name, args) of each tool call a HITL review interrupt asks about; ``None`` for other interrupts."""
    from ._hitl import hitl_review

    try:
        review = hitl_review(entry.interrupt) if entry.interrupt is not None else None
    except Exception:  # a malformed payload is shown as it is
        review = None
    return None if review is None else [(action.name, action.args) for action in review.actions]


def calls_html(calls: list[tuple[str, dict[str, Any]]]) -> str:
    """One ``name(arg=value, ...)`` line per tool call."""
    lines = []
    for name, args in calls:
        shown = ", ".join(f"{k}={one_line(v)}" for k, v in args.items())
        lines.append(f"<div style='{MONO};font-size:12px'>{escape(name)}({escape(shown)})</div>")
    return "".join(lines)


def decision_chip(decision: Decision, waiting_for_others: bool = False) -> str:
    """The answer as a coloured chip: approvals green, rejections red, other answers blue, not applied red."""
    fg, bg = _decision_colors(decision)
    caption = decision.caption(waiting_for_others=waiting_for_others)
    return (f"<span class='hitl-decision' style='display:inline-block;background:{bg};color:{fg};"
            f"border-radius:4px;padding:0 6px;font-weight:600;font-size:12px'>{escape(caption)}</span>")


def _decision_colors(decision: Decision) -> tuple[str, str]:
    label = decision.label
    if decision.applied is False or label.startswith("rejected"):
        return "#b91c1c", "#fee2e2"
    if label.startswith("approved"):
        return "#15803d", "#dcfce7"
    return "#1d4ed8", "#dbeafe"


def _row(status: str, body: str, *, css: str) -> str:
    return f"<div class='{css}' style='{_ROW.format(_EDGE.get(status, '#d4d4d8'))}'>{body}</div>"
