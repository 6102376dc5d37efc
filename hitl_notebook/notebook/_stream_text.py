"""An append-only text widget: each update carries only the new text (anywidget custom messages).

Setting a synced ``value`` re-sends the whole text on every update, so a node that prints N bytes in k updates
costs O(N·k) on IOPub (issue #17: 131 MB for 1.2 MB of text). :class:`StreamText` sends each batch once, as a custom
comm message ``{"a": text, "n": seq}``; the front end adds it to a ``<pre>`` as a block of its own, once per
animation frame, so the browser lays out only the new text; past 100,000 characters the oldest blocks leave the
page, behind a "show N earlier lines" button (the text stays in the front end's model). Text is kept in the kernel (one string per batch), not in a trait: a front end whose model was created after some
batches were sent sees a gap in ``n`` (or, a second after it started, nothing at all) and asks for just the
missing batches, which come back as one message. The saved notebook keeps the text in the run view's ``text/html`` fallback instead.
"""

from __future__ import annotations

import threading
import uuid
from typing import Any

import anywidget
import traitlets as t

__all__ = ["StreamText"]

_ESM = r"""
const KEEP = 100000;  // characters a view keeps on the page; earlier ones wait behind a "show" button
const BUFFERS = new Map();  // key -> {parts (batch n at n-1), n, chars, lines, views}: shared by a model's views
function newlines(text) { let n = 0; for (let i = text.indexOf("\n"); i >= 0; i = text.indexOf("\n", i + 1)) n++; return n; }
// batch n is [d, a]: drop the last d characters (the line a terminal rewrote), then add a
function whole(s) {
  let text = "";
  for (const op of s.parts) if (op) text = text.slice(0, text.length - op[0]) + op[1];
  return text;
}
function state(model) {
  const key = model.get("key");
  let s = BUFFERS.get(key);
  if (!s) { s = { parts: [], n: 0, chars: 0, lines: 0, views: new Set() }; BUFFERS.set(key, s); }
  return s;
}
export default {
  initialize({ model }) {
    // Batches sent before this model existed never reached it: on a gap before a batch, ask for the missing
    // range; with no batch at all a second after start, ask for everything the kernel has.
    const s = state(model);
    const onMsg = (msg) => {
      if (msg.f !== undefined) {
        msg.f.forEach((op, i) => { s.parts[msg.from - 1 + i] = op; });
        s.n = Math.max(s.n, msg.to);
        const text = whole(s);
        s.chars = text.length; s.lines = newlines(text);
        for (const v of s.views) v.reset();
      } else if (msg.a !== undefined && msg.n > s.n) {
        if (msg.n > s.n + 1) model.send({ sync: [s.n + 1, msg.n - 1] });
        const op = [msg.d || 0, msg.a];
        s.parts[msg.n - 1] = op; s.n = msg.n; s.chars += msg.a.length - op[0]; s.lines += newlines(msg.a);
        for (const v of s.views) v.append(op);
      }
    };
    model.on("msg:custom", onMsg);
    const timer = setTimeout(() => { if (s.n === 0) model.send({ sync: [1, -1] }); }, 1000);
    return () => { clearTimeout(timer); model.off("msg:custom", onMsg); BUFFERS.delete(model.get("key")); };
  },
  render({ model, el }) {
    // Each batch is a block of its own (the browser lays out only new blocks), added once per animation frame;
    // past KEEP characters the oldest blocks leave the page until the button asks for everything.
    const s = state(model);
    const more = document.createElement("button");
    more.className = "hitl-stream-more";
    more.style.cssText = "font-size:11px;margin:2px 0;padding:0 6px;cursor:pointer";
    const pre = document.createElement("pre");
    pre.className = "hitl-stream";
    pre.style.cssText = "margin:2px 0;padding:4px 6px;background:#f8f8fa;border-radius:4px;white-space:pre-wrap;" +
      "font-size:12px;max-height:24em;overflow:auto";
    el.append(more, pre);
    let all = false, kept = 0, keptLines = 0, pending = [], frame = 0;
    const atEnd = () => pre.scrollHeight - pre.scrollTop - pre.clientHeight < 24;
    // Follow the end until the reader scrolls up (and again once they scroll back down). A flag, not the scroll
    // position at each batch: the box is often filled before it is on the page, where scrolling does nothing.
    let follow = true;
    const toEnd = () => { if (follow) pre.scrollTop = pre.scrollHeight; };
    pre.addEventListener("scroll", () => { follow = atEnd(); });
    const laidOut = new ResizeObserver(toEnd);  // on the page at last (or resized): go to the end if following
    laidOut.observe(pre);
    const block = (text) => {
      const last = pre.lastChild;
      if (last && !last.textContent.endsWith("\n")) {  // finish the open line in its own block
        const cut = text.indexOf("\n") + 1 || text.length;
        last.firstChild.appendData(text.slice(0, cut));
        last.dataset.lines = String(Number(last.dataset.lines) + newlines(text.slice(0, cut)));
        kept += cut; keptLines += newlines(text.slice(0, cut));
        text = text.slice(cut);
      }
      if (!text) return;
      const b = document.createElement("span");
      b.style.display = "block";
      b.textContent = text;
      b.dataset.lines = String(newlines(text));
      pre.appendChild(b);
      kept += text.length; keptLines += Number(b.dataset.lines);
    };
    const trim = () => {
      while (!all && kept > KEEP && pre.childNodes.length > 1) {
        const first = pre.firstChild;
        kept -= first.textContent.length; keptLines -= Number(first.dataset.lines);
        first.remove();
      }
      const hidden = s.lines - keptLines;
      more.hidden = all || kept >= s.chars;
      more.textContent = `show ${hidden.toLocaleString()} earlier line${hidden === 1 ? "" : "s"}`;
      pre.hidden = !pre.firstChild;
    };
    const drop = (d) => {  // only ever the last line, which the kept blocks always hold
      while (d > 0 && pre.lastChild) {
        const last = pre.lastChild, n = last.firstChild.length;
        if (n <= d) { d -= n; kept -= n; last.remove(); }
        else { last.firstChild.deleteData(n - d, d); kept -= d; d = 0; }
      }
    };
    const flush = () => {
      frame = 0;
      for (const [d, text] of pending) { drop(d); block(text); }
      pending = [];
      trim();
      toEnd();
    };
    const view = {
      append(op) { pending.push(op); if (!frame) frame = requestAnimationFrame(flush); },
      reset() {
        pending = []; pre.replaceChildren(); kept = 0; keptLines = 0;
        let text = whole(s);
        if (!all && text.length > KEEP) {
          const start = text.indexOf("\n", text.length - KEEP) + 1;
          text = text.slice(start || text.length - KEEP);
        }
        block(text);
        trim();
        toEnd();
      },
    };
    more.onclick = () => { all = true; view.reset(); };
    view.reset();
    s.views.add(view);
    return () => { s.views.delete(view); laidOut.disconnect(); if (frame) cancelAnimationFrame(frame); };
  },
};
"""


class StreamText(anywidget.AnyWidget):
    """Text that only grows (until the widget is dropped): :meth:`append` from any thread."""

    _esm = _ESM
    key = t.Unicode("").tag(sync=True)  # names this model's buffer in the front end

    def __init__(self, text: str = "") -> None:
        super().__init__(key=uuid.uuid4().hex)
        self._parts: list[tuple[int, str]] = []  # batch n at n-1: (characters dropped from the end, text added)
        self._seq = 0
        self._lock = threading.Lock()  # sequence numbers follow the order the messages are sent in
        self.on_msg(self._on_front_end)
        self.append(text)

    @property
    def text(self) -> str:
        """Everything shown now (all batches applied)."""
        with self._lock:
            text = ""
            for drop, added in self._parts:
                text = text[: len(text) - drop] + added
            return text

    def append(self, text: str, drop: int = 0) -> None:
        """Drop the last ``drop`` characters (a line a terminal rewrites: ``\r``), then add ``text``; one comm
        message that carries only that."""
        if not text and not drop:
            return
        with self._lock:
            self._parts.append((drop, text))
            self._seq += 1
            self.send({"a": text, "n": self._seq, **({"d": drop} if drop else {})})

    def _on_front_end(self, _: Any, content: Any, buffers: Any = None) -> None:
        """``{"sync": [first, last]}``: the front end lacks batches ``first..last`` (``last`` -1: up to the newest);
        they are sent again as one message ``{"f": [[drop, text], ...], "from": first, "to": last}``."""
        span = content.get("sync") if isinstance(content, dict) else None
        if not (isinstance(span, list) and len(span) == 2 and all(isinstance(x, int) for x in span)):
            return
        with self._lock:
            first, last = max(span[0], 1), self._seq if span[1] < 0 else min(span[1], self._seq)
            if first <= last:
                self.send({"f": [list(p) for p in self._parts[first - 1:last]], "from": first, "to": last})
