"""Streamed output read the way a terminal (or a plain Jupyter cell) shows it.

- ``\\r`` returns to the start of the line and what follows overwrites it, ``\\b`` steps back one character: a
  progress bar that redraws itself 300 times is one line, as in a plain cell (:func:`feed` keeps the stored text
  in that collapsed form as it grows, so neither the view nor the saved notebook holds 300 copies).
- ANSI colour codes (SGR: ``ESC[...m``) become coloured spans in HTML (:func:`terminal_html`) and are dropped from
  plain text (:func:`plain_text`); other escape sequences (cursor movement) are dropped.
- Text wraps at spaces (:data:`WRAP_CSS`; JupyterLab's own ``pre`` style breaks anywhere, mid-word).
- A custom stream chunk that carries text in a dict (``{"content": "Hel"}``, as token streams often write)
  flows as text (:func:`chunk_text`) instead of one JSON object per line.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

from ._text import escape, to_json

__all__ = ["TEXT_KEYS", "WRAP_CSS", "chunk_text", "feed", "plain_text", "terminal_html"]

WRAP_CSS = "white-space:pre-wrap;word-break:normal;overflow-wrap:anywhere"
"""Keep line breaks and wrap at spaces; a word longer than the line is broken rather than overflowing."""

TEXT_KEYS = ("content", "text", "token", "delta")
"""Keys under which a dict chunk carries streamed text."""

# CSI (ESC [ params final), OSC (ESC ] ... BEL or ESC \), or a two-character escape.
_ESCAPE = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[@-Z\\-_])")
_TOKEN = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[@-Z\\-_])|[\r\b]|[^\x1b\r\b]+|\x1b")
_REWRITE = re.compile(r"[\r\b]|\x1b\[[0-9;]*K")  # what changes characters already written
_UNFINISHED = re.compile(r"\x1b(?:\[[0-?]*[ -/]*|\][^\x07\x1b]*)?")


def chunk_text(chunk: Any) -> str:
    """The text a custom stream chunk adds to the log.

    A string is itself; a dict whose text sits under one of :data:`TEXT_KEYS` (the other values being plain
    scalars, such as ``{"type": "token", "content": "Hel"}``) is that text, with no line break added, so tokens
    flow into words; a message chunk (``.content`` is a string) is its content. Anything else is one line of JSON.
    """
    if isinstance(chunk, str):
        return chunk
    if isinstance(chunk, Mapping):
        found = [k for k in TEXT_KEYS if isinstance(chunk.get(k), str)]
        scalars = all(isinstance(v, (str, int, float, bool)) or v is None for v in chunk.values())
        if len(found) == 1 and scalars:
            return chunk[found[0]]
    elif type(chunk).__name__.endswith("MessageChunk") and isinstance(getattr(chunk, "content", None), str):
        return chunk.content
    return to_json(chunk) + "\n"


def feed(text: str, more: str) -> str:
    """``text`` with ``more`` appended, ``\\r`` and ``\\b`` applied: the lines a terminal would show.

    The result keeps colour codes, and when the cursor is not at the end of the last line it ends with ``\\r``
    followed by the characters before the cursor, so later text still overwrites the right place:
    ``feed(feed("", "50%\\r"), "6") == "60%\\r6"``, which shows ``60%``. Only the last line of ``text`` is read
    again; plain text after a line without control characters is simply appended.
    """
    if not more:
        return text
    cut = text.rfind("\n") + 1
    last = text[cut:]
    if not _REWRITE.search(more) and "\r" not in last and not _unfinished(last):
        return text + more  # nothing to overwrite: colour codes can stay where they were written
    lines = (last + more).split("\n")
    done = [_line(line, final=False) if _REWRITE.search(line) else line for line in lines[:-1]]
    return text[:cut] + "\n".join([*done, _line(lines[-1], final=True)])


def _unfinished(text: str) -> str:
    """An escape sequence cut off at the end of ``text`` (its rest comes with the next write), else ``""``."""
    start = text.rfind("\x1b")
    return text[start:] if start >= 0 and _UNFINISHED.fullmatch(text, start) else ""


def _line(raw: str, *, final: bool) -> str:
    """One line with its overwrites applied. Each character keeps the colour it was written with; ``final`` keeps
    the cursor position (see :func:`feed`) and an escape sequence cut off at the end (the next write completes it).
    """
    cut = _unfinished(raw) if final else ""
    raw = raw[: len(raw) - len(cut)]
    cells: list[tuple[str, str | None]] = []  # (character, SGR state it was written with; None: as inherited)
    pen: str | None = None
    cursor = 0
    for token in _TOKEN.findall(raw):
        if token == "\r":
            cursor = 0
        elif token == "\b":
            cursor = max(cursor - 1, 0)
        elif token.startswith("\x1b"):
            if token.startswith("\x1b[") and token.endswith("m"):
                pen = _pen(pen, token[2:-1])
            elif token.startswith("\x1b[") and token.endswith("K"):  # erase in line: to its end, or all of it
                del cells[0 if token[2:-1] == "2" else cursor:]
                cells.extend([(" ", None)] * max(cursor - len(cells), 0))
            # any other escape (cursor movement, titles) is dropped: a log is not a screen
        else:
            for ch in token:
                if cursor < len(cells):
                    cells[cursor] = (ch, pen)
                else:
                    cells.extend([(" ", None)] * (cursor - len(cells)))
                    cells.append((ch, pen))
                cursor += 1
    shown, state = _cells_text(cells, None)
    if final and cursor < len(cells):
        prefix, state = _cells_text(cells[:cursor], state)  # rewritten from where the line left the pen
        shown += "\r" + prefix
    if pen != state and pen is not None:  # the pen as left, for what is written next
        shown += _code(pen)
    return shown + cut


def _cells_text(cells: list[tuple[str, str | None]], state: str | None) -> tuple[str, str | None]:
    """The characters with an SGR code wherever the state changes; returns the text and the final state."""
    out = []
    for ch, pen in cells:
        if pen != state:
            out.append(_code(pen or ""))
            state = pen or ""
        out.append(ch)
    return "".join(out), state


def _code(pen: str) -> str:
    return f"\x1b[{'0;' + pen if pen else '0'}m"


def _pen(pen: str | None, params: str) -> str:
    """The SGR state after ``ESC[params m``, as canonical parameters (bold/dim/italic/underline, fg, bg)."""
    attrs: dict[str, str] = {}
    codes = (pen.split(";") if pen else []) + (params.split(";") if params else ["0"])  # the pen replays itself
    i = 0
    while i < len(codes):
        code = int(codes[i]) if codes[i].isdigit() else 0
        if code == 0:
            attrs.clear()
        elif code in (1, 2, 3, 4):
            attrs[str(code)] = str(code)
        elif code == 22:
            attrs.pop("1", None)
            attrs.pop("2", None)
        elif code in (23, 24):
            attrs.pop(str(code - 20), None)
        elif 30 <= code <= 37 or 90 <= code <= 97:
            attrs["fg"] = str(code)
        elif 40 <= code <= 47 or 100 <= code <= 107:
            attrs["bg"] = str(code)
        elif code == 39:
            attrs.pop("fg", None)
        elif code == 49:
            attrs.pop("bg", None)
        elif code in (38, 48):
            size = 3 if codes[i + 1:i + 2] == ["5"] else 5 if codes[i + 1:i + 2] == ["2"] else 1
            attrs["fg" if code == 38 else "bg"] = ";".join(codes[i:i + size])
            i += size - 1
        i += 1
    return ";".join(attrs[k] for k in ("1", "2", "3", "4", "fg", "bg") if k in attrs)


def _visible(text: str) -> str:
    """What the collapsed text shows: the pending cursor part after a final ``\\r`` is not more text."""
    if "\r" in text or "\b" in text:
        text = feed("", text)
    cut = text.rfind("\n") + 1
    mark = text.find("\r", cut)
    return text if mark < 0 else text[:mark]


def plain_text(text: str) -> str:
    """The text as a terminal shows it, without colour codes (for the plain-text log and the audit export)."""
    return _ESCAPE.sub("", _visible(text))


# -- colours ---------------------------------------------------------------------------------------------------

# JupyterLab's ANSI palette (light theme), normal then bright.
_PALETTE = ("#3e424d", "#e75c58", "#00a250", "#ddb62b", "#208ffb", "#d160c4", "#60c6c8", "#c5c1b4",
            "#282c36", "#b22b31", "#007427", "#b27d12", "#0065ca", "#a03196", "#258f8f", "#a1a6b2")


def terminal_html(text: str) -> str:
    """The text as HTML: escaped, overwrites applied, SGR colours and bold/italic/underline as styled spans.

    Put it inside an element styled with :data:`WRAP_CSS` (e.g. a ``<pre>``).
    """
    text = _visible(text)
    if "\x1b" not in text:
        return escape(text)
    out: list[str] = []
    style: dict[str, str] = {}
    pos = 0
    for match in _ESCAPE.finditer(text):
        out.append(_span(text[pos:match.start()], style))
        pos = match.end()
        code = match.group(0)
        if code.startswith("\x1b[") and code.endswith("m"):
            style = _sgr(code[2:-1], style)
    out.append(_span(text[pos:], style))
    return "".join(out)


def _span(text: str, style: dict[str, str]) -> str:
    if not text:
        return ""
    if not style:
        return escape(text)
    css = ";".join(f"{k}:{v}" for k, v in sorted(style.items()))
    return f"<span style='{css}'>{escape(text)}</span>"


def _sgr(params: str, style: dict[str, str]) -> dict[str, str]:
    """The style after one SGR sequence (``1;31`` = bold red, ``38;5;208`` = 256-colour, ``0`` = reset)."""
    style = dict(style)
    codes = [int(p) if p.isdigit() else 0 for p in params.split(";")] if params else [0]
    i = 0
    while i < len(codes):
        code = codes[i]
        if code == 0:
            style.clear()
        elif code == 1:
            style["font-weight"] = "bold"
        elif code == 2:
            style["opacity"] = "0.7"
        elif code == 3:
            style["font-style"] = "italic"
        elif code == 4:
            style["text-decoration"] = "underline"
        elif code == 22:
            style.pop("font-weight", None)
            style.pop("opacity", None)
        elif code == 23:
            style.pop("font-style", None)
        elif code == 24:
            style.pop("text-decoration", None)
        elif 30 <= code <= 37 or 90 <= code <= 97:
            style["color"] = _PALETTE[code - 30 if code < 90 else code - 90 + 8]
        elif 40 <= code <= 47 or 100 <= code <= 107:
            style["background"] = _PALETTE[code - 40 if code < 100 else code - 100 + 8]
        elif code == 39:
            style.pop("color", None)
        elif code == 49:
            style.pop("background", None)
        elif code in (38, 48):
            color, used = _extended(codes[i + 1:])
            if color:
                style["color" if code == 38 else "background"] = color
            i += used
        i += 1
    return style


def _extended(rest: list[int]) -> tuple[str | None, int]:
    """A ``38;5;n`` / ``38;2;r;g;b`` colour: (CSS colour or None, number of parameters it used)."""
    if rest[:1] == [5] and len(rest) >= 2:
        n = rest[1]
        if n < 16:
            return _PALETTE[n], 2
        if n < 232:
            r, g, b = ((n - 16) // 36, (n - 16) // 6 % 6, (n - 16) % 6)
            return "#" + "".join(f"{(0 if c == 0 else 55 + 40 * c):02x}" for c in (r, g, b)), 2
        level = 8 + 10 * (n - 232)
        return f"#{level:02x}{level:02x}{level:02x}", 2
    if rest[:1] == [2] and len(rest) >= 4:
        r, g, b = (min(max(c, 0), 255) for c in rest[1:4])
        return f"#{r:02x}{g:02x}{b:02x}", 4
    return None, len(rest[:1])
