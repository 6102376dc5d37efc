"""State values as inline-styled HTML: ``key: value`` lines, text blocks that fold behind "show all", and the hooks
that render a value their own way. Shared by the timeline's rows, the outcome and the saved page."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

from ._payloads import pretty
from ._terminal import WRAP_CSS, terminal_html
from ._text import escape, safe_repr, shorten, to_json

__all__ = ["FONT", "MONO", "MUTED", "PRE", "VALUE_RENDERERS", "one_line", "same", "short", "text_block",
           "value_lines"]

# Literal font stacks (JupyterLab's defaults), not var(--jp-...): the HTML sanitizer of an untrusted notebook drops a
# font-family that uses a CSS variable, and saved output lost its monospace there.
FONT = 'font-family:system-ui,"Segoe UI",Helvetica,Arial,sans-serif'
MONO = 'font-family:Menlo,Consolas,"DejaVu Sans Mono",monospace'
PRE = (f"margin:2px 0 0;padding:3px 6px;background:#f6f6f8;border-radius:4px;{WRAP_CSS};"
       f"font-size:12px;line-height:1.4;{MONO}")
MUTED = "color:#71717a"
_LINES, _CHARS = 8, 900  # text longer than this collapses behind "show all"


VALUE_RENDERERS: list[Callable[[Any, Any], str | None]] = []
"""Hooks ``(key, value) -> HTML or None`` tried before the default rendering of a state value (e.g. a chat
transcript for a list of messages); the first that returns HTML wins."""


def value_lines(values: Mapping[Any, Any], *, compact: bool = False) -> str:
    """``key: value`` lines (strings unquoted, other values as JSON), long values collapsed; ``compact`` (the
    outcome): text up to 300 characters in full, a longer or structured value as one line, the rest behind
    "show all"."""
    lines = []
    for key, value in values.items():
        custom = _custom_html(key, value)
        if custom is not None:
            lines.append(f"<div><span style='{MUTED}'>{escape(key)}:</span>{custom}</div>")
            continue
        text = value if isinstance(value, str) else pretty(value)
        if compact and ("\n" in text or len(text) > (300 if isinstance(value, str) else 120)):
            lines.append(f"<div><span style='{MUTED}'>{escape(key)}:</span> {_preview(value, text)}</div>")
        elif "\n" in text or (len(text) > 120 and not (compact and isinstance(value, str))):
            lines.append(f"<div><span style='{MUTED}'>{escape(key)}:</span>{text_block(text)}</div>")
        else:
            lines.append(f"<div><span style='{MUTED}'>{escape(key)}:</span> "
                         f"<span style='{MONO};font-size:12px'>{escape(text)}</span></div>")
    return f"<div style='margin:1px 0 0'>{''.join(lines)}</div>"


def _custom_html(key: Any, value: Any) -> str | None:
    for render in list(VALUE_RENDERERS):
        try:
            html = render(key, value)
        except Exception:  # a failing hook must not hide the value: fall back to the default rendering
            html = None
        if html is not None:
            return html
    return None


def _preview(value: Any, text: str) -> str:
    """A long value on one line (its size, its start), and all of it behind "show all"; a list or dict whose JSON
    fits on that line is shown whole (no "…" over nothing cut)."""
    if isinstance(value, (list, tuple, dict)):
        flat = to_json(value)
        if len(flat) <= 100:
            return f"<span style='{MONO};font-size:12px'>{escape(flat)}</span>"
    size = f"{len(value)} items" if isinstance(value, (list, tuple, dict)) else f"{len(text)} characters"
    head = " ".join(text.split())[:100]
    return (f"<span style='{MONO};font-size:12px'>{escape(head)}…</span> <span style='{MUTED};font-size:12px'>"
            f"({size})</span><details><summary style='{MUTED};font-size:12px;cursor:pointer'>show all</summary>"
            f"<div style='{PRE}'>{escape(text)}</div></details>")


def one_line(value: Any, limit: int = 60) -> str:
    return shorten(safe_repr(value) if isinstance(value, str) else " ".join(pretty(value).split()), limit)


def text_block(text: str, *, terminal: bool = False) -> str:
    """Preformatted text that wraps at spaces; beyond a few lines the rest folds behind "show all". ``terminal``:
    streamed output, read as a terminal shows it (``\r`` overwrites, ANSI colours; see _terminal)."""
    text = text.rstrip("\n")
    if not text:
        return ""
    render = terminal_html if terminal else escape
    lines = text.split("\n")
    if len(lines) <= _LINES and len(text) <= _CHARS:
        return f"<div style='{PRE}'>{render(text)}</div>"
    if terminal:  # a node's output reads as a terminal's: its last lines, the earlier ones behind a button above
        tail = "\n".join(lines[-_LINES:])[-_CHARS:]
        earlier = text[:len(text) - len(tail)].rstrip("\n")
        count = earlier.count("\n") + 1
        summary = f"show {count} earlier line{'s' if count != 1 else ''}"
        return (f"<details class='hitl-more'><summary style='{MUTED};font-size:12px;cursor:pointer'>{summary}"
                f"</summary><div style='{PRE};border-radius:4px 4px 0 0'>{render(earlier)}</div></details>"
                f"<div style='{PRE};margin-top:0'>{render(tail)}</div>")
    head = "\n".join(lines[:_LINES])[:_CHARS]
    rest = text[len(head):]
    more = len(lines) - head.count("\n") - 1
    summary = f"show all ({len(lines)} lines)" if more > 0 else f"show all ({len(text)} characters)"
    return (f"<div style='{PRE};border-radius:4px 4px 0 0'>{render(head)}</div>"
            f"<details class='hitl-more'><summary style='{MUTED};font-size:12px;cursor:pointer'>{summary}</summary>"
            f"<div style='{PRE};margin-top:0;border-radius:0 0 4px 4px'>{render(rest.lstrip(chr(10)))}</div>"
            "</details>")


def same(a: Any, b: Any) -> bool:
    try:
        return type(a) is type(b) and bool(a == b)
    except Exception:  # e.g. numpy arrays: not comparable to a bool
        return False


def short(value: Any, limit: int = 4000) -> str:
    return shorten(pretty(value) if isinstance(value, (dict, list)) else safe_repr(value), limit)
