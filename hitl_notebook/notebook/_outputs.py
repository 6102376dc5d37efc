"""Static renderings of what a node streamed: its ``display()`` outputs and (collapsed) long text.

Used by the run view's ``text/html`` fallback (what a saved notebook shows without a kernel) and its text form.
"""

from __future__ import annotations

from collections.abc import Iterable
from html import escape
from typing import Any

__all__ = ["TEXT_LIMIT", "collapsed", "outputs_html", "outputs_text"]

TEXT_LIMIT = 20_000
"""Characters of a node's text kept in the static fallback (its end); the live view shows all of it."""


def collapsed(text: str, limit: int = TEXT_LIMIT) -> str:
    """``text``, or its last ``limit`` characters (from a line start) after a line saying how much is left out."""
    if len(text) <= limit:
        return text
    tail = text[-limit:]
    cut = tail.find("\n")
    if 0 <= cut < len(tail) - 1:
        tail = tail[cut + 1:]
    hidden = text[: len(text) - len(tail)]
    return f"… {hidden.count(chr(10))} earlier lines ({len(hidden):,} characters) not shown …\n{tail}"


def _one_html(data: dict[str, Any]) -> str:
    if "text/html" in data:
        return "".join(data["text/html"]) if isinstance(data["text/html"], list) else str(data["text/html"])
    if "image/svg+xml" in data:
        return str(data["image/svg+xml"])
    for mime in ("image/png", "image/jpeg", "image/gif"):
        if mime in data:
            return f"<img src='data:{mime};base64,{escape(str(data[mime]).strip())}' style='max-width:100%'>"
    if "text/markdown" in data:
        return f"<pre style='white-space:pre-wrap'>{escape(str(data['text/markdown']))}</pre>"
    return f"<pre style='white-space:pre-wrap'>{escape(str(data.get('text/plain', '')))}</pre>"


def outputs_html(outputs: Iterable[dict[str, Any]]) -> str:
    """The ``display_data`` outputs as HTML (rich HTML, SVG and images as given; other types as their text)."""
    return "".join(f"<div class='hitl-display'>{_one_html(o.get('data') or {})}</div>" for o in outputs)


def outputs_text(outputs: Iterable[dict[str, Any]]) -> str:
    """The ``text/plain`` form of each output, one per line."""
    return "\n".join(str((o.get("data") or {}).get("text/plain", "")) for o in outputs)
