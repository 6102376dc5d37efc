"""The live widget of one node entry: title, everything the node streamed, then its update and error (the
title and the rest as the timeline renders them, see :func:`._timeline.node_parts`).

The body is a sequence of parts in the order the node produced them: :class:`StreamText` parts for text (each
update sends only the new text) and ``Output`` widgets for ``display()`` outputs (anything a notebook renders:
HTML, images, other widgets). ``clear_output()`` empties the body, so it clears this entry and nothing else.
"""

from __future__ import annotations

import threading
from typing import Any

import ipywidgets as w

from ._record import Entry
from ._stream_text import StreamText
from ._terminal import plain_text
from ._text import escape
from ._timeline import Plan, edge_color, node_parts

__all__ = ["EntryWidget"]

_REWRITES = ("\r", "\b", "\x1b")  # what makes a line read differently on a terminal than as written


class EntryWidget(w.VBox):
    """A node entry's widget; the run view calls :meth:`show`, :meth:`append`, :meth:`display` and :meth:`clear`
    from the run's threads."""

    def __init__(self, entry: Entry, head: str | None = None, tail: str | None = None, *,
                 status: str | None = None) -> None:
        """``head`` / ``tail``: the title and what follows the streamed output (by default as a row that knows no
        other row would render them); ``status``: the row's, for its edge colour (default: the entry's)."""
        self._lock = threading.RLock()
        self._shown: dict[str, tuple[w.Output, int]] = {}  # display id -> (its Output part, index in it)
        self._cut = 0  # where the last line starts in the entry's stored text
        self._last = 0  # characters the last line shows now
        self._plain = True  # the last line is shown exactly as stored (no \r, \b or escape codes)
        if head is None or tail is None:
            head, tail = _parts(entry)
        self.head = w.HTML(head)
        self.body = w.VBox()
        self.tail = w.HTML(tail)
        super().__init__([self.head, self.body, self.tail],
                         layout=w.Layout(width="100%", margin="0 0 3px", padding="2px 0 3px 8px",
                                         border_left=f"3px solid {edge_color(status or entry.status)}"))
        for css in ("hitl-entry", "hitl-row", "hitl-node"):  # read as the timeline's rows (see _timeline)
            self.add_class(css)
        self.stream(entry, entry.text)
        for output in entry.outputs:
            self.display(output, update=False)

    @property
    def text(self) -> str:
        """The streamed text shown now (all text parts)."""
        return "".join(p.text for p in self.body.children if isinstance(p, StreamText))

    @property
    def value(self) -> str:
        """What the entry shows now, as one HTML string (title, streamed text, update and error)."""
        text = f"<pre>{escape(self.text)}</pre>" if self.text else ""
        return self.head.value + text + self.tail.value

    def show(self, entry: Entry, head: str | None = None, tail: str | None = None, *, status: str | None = None
             ) -> None:
        """Refresh the title (status) and the update/error lines; streamed parts stay as they are."""
        if head is None or tail is None:
            head, tail = _parts(entry)
        edge = f"3px solid {edge_color(status or entry.status)}"
        if self.layout.border_left != edge:
            self.layout.border_left = edge
        if self.head.value != head:
            self.head.value = head
        if self.tail.value != tail:
            self.tail.value = tail

    def stream(self, entry: Entry, batch: str) -> None:
        """Show ``batch``, which was just added to ``entry.text`` (stored the way a terminal shows it, see
        ``_terminal.feed``). Plain text goes as it is; a batch with ``\r``, ``\b`` or escape codes re-sends only
        the last line, as plain text (a progress bar costs its line per update, not the whole text)."""
        if not batch:
            return
        with self._lock:
            text = entry.text
            if self._plain and not any(c in batch for c in _REWRITES):
                self._append(batch, 0)
            else:
                self._append(plain_text(text[self._cut:]), self._last)
            self._cut = text.rfind("\n") + 1
            line = text[self._cut:]
            self._plain = not any(c in line for c in _REWRITES)
            self._last = len(line if self._plain else plain_text(line))

    def _append(self, text: str, drop: int) -> None:
        """Into the last text part (a new one after a display output, where nothing is dropped)."""
        last = self.body.children[-1] if self.body.children else None
        if isinstance(last, StreamText):
            last.append(text, drop)
        elif text:
            self.body.children = (*self.body.children, StreamText(text))

    def display(self, output: dict[str, Any], update: bool) -> None:
        """Show a ``display_data`` output; ``update`` replaces the one with the same display id."""
        display_id = (output.get("transient") or {}).get("display_id")
        item = {"output_type": "display_data", "data": output.get("data", {}), "metadata": output.get("metadata", {})}
        with self._lock:
            if update:
                if display_id not in self._shown:
                    return
                part, index = self._shown[display_id]
                outputs = list(part.outputs)
                outputs[index] = item
                part.outputs = tuple(outputs)
                return
            last = self.body.children[-1] if self.body.children else None
            if not isinstance(last, w.Output):
                last = w.Output()
                self.body.children = (*self.body.children, last)
            if display_id:
                self._shown[display_id] = (last, len(last.outputs))
            last.outputs = (*last.outputs, item)

    def clear(self) -> None:
        """Drop everything streamed so far (``clear_output()`` in the node); their widgets are closed."""
        with self._lock:
            parts, self.body.children = self.body.children, ()
            self._shown.clear()
            self._cut, self._last, self._plain = 0, 0, True
        for part in parts:
            part.close()


def _parts(entry: Entry) -> tuple[str, str]:
    return node_parts(entry, Plan(), {})
