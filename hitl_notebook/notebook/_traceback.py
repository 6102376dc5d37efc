"""Errors as a reader needs them: the user's own frames first, library frames folded, no machine paths.

A node's exception travels through this package's engine (or LangGraph's) and the stream that observes it, so its
traceback starts with a handful of frames that are not the user's. :func:`trace_of` reads an exception (and the
exceptions it was raised from) into a :class:`Trace`: each frame is the user's or belongs to a library (this
package, anything installed in site-packages, Python's standard library). Its text and HTML show the user's frames
in call order, then the library frames folded ("7 frames inside hitl_notebook"). Paths are shown relative to the
working directory (notebook cells as ``Cell In[3]``), so a saved notebook holds no absolute paths of the machine.
The error itself (``ZeroDivisionError: division by zero``) is the entry's heading and is not repeated here.
"""

from __future__ import annotations

import os
import sys
import sysconfig
import traceback
from dataclasses import dataclass
from pathlib import Path

from ._text import escape

__all__ = ["Frame", "Link", "Trace", "headline", "trace_html", "trace_of"]

_PACKAGE = Path(__file__).resolve().parents[1]  # .../hitl_notebook
_CAUSE = "The above exception was the direct cause of the following exception:"
_CONTEXT = "During handling of the above exception, another exception occurred:"
_MUTED = "color:#71717a"


@dataclass(frozen=True)
class Frame:
    """One frame: where (a display path), the line, the function, its source line, and whose code it is."""

    where: str
    line: int | None
    name: str
    source: str
    library: str | None  # None: the user's code; else "hitl_notebook", "langgraph", "Python", ...

    def text(self) -> str:
        at = f', line {self.line}' if self.line is not None else ""
        return f'  File "{self.where}"{at}, in {self.name}' + (f"\n    {self.source}" if self.source else "")


@dataclass(frozen=True)
class Link:
    """One exception of a chain: its one-line statement, frames (outermost first) and notes."""

    headline: str
    frames: tuple[Frame, ...]
    notes: tuple[str, ...] = ()
    then: str = ""  # how the next exception of the chain relates to this one (Python's wording)

    @property
    def shown(self) -> tuple[Frame, ...]:
        """The frames shown unfolded: the user's, or all of them when none is the user's (an error in a library)."""
        mine = tuple(f for f in self.frames if f.library is None)
        return mine or self.frames

    @property
    def folded(self) -> tuple[Frame, ...]:
        """The library frames, when the user's are shown (else nothing is folded)."""
        if all(f.library is not None for f in self.frames):
            return ()
        return tuple(f for f in self.frames if f.library is not None)


@dataclass(frozen=True)
class Trace:
    """An exception and the ones it was raised from (oldest first, as Python prints them)."""

    links: tuple[Link, ...]

    @property
    def headline(self) -> str:
        """The error, stated once: ``ZeroDivisionError: division by zero``."""
        return self.links[-1].headline

    def text(self) -> str:
        """The plain-text form (the log, the audit export, the console): the user's frames, then a line saying how
        many library frames are not shown. The last exception's headline is left out (it is the heading)."""
        parts = []
        for i, link in enumerate(self.links):
            lines = [] if i == len(self.links) - 1 else [link.headline]
            lines += [frame.text() for frame in link.shown]
            lines += list(link.notes)
            if link.folded:
                lines.append(f"  ({_fold_label(link.folded)} not shown)")
            if link.then:
                lines += ["", link.then, ""]
            parts.append("\n".join(lines))
        return "\n".join(parts)

    def html(self, pre_style: str = "") -> str:
        """HTML for a log entry: the user's frames with their code, notes, then a ``<details>`` holding the folded
        frames (opened, they are listed in call order)."""
        out = ["<div class='hitl-trace' style='font-size:12px;margin:2px 0 2px 14px'>"]
        for i, link in enumerate(self.links):
            if i < len(self.links) - 1:
                out.append(f"<div><b>{escape(link.headline)}</b></div>")
            out += [_frame_html(frame, pre_style) for frame in link.shown]
            out += [f"<div style='{_MUTED}'>{escape(note)}</div>" for note in link.notes]
            if link.folded:
                inner = "".join(_frame_html(frame, pre_style) for frame in link.folded)
                out.append(f"<details><summary style='{_MUTED};cursor:pointer'>{escape(_fold_label(link.folded))}"
                           f"</summary>{inner}</details>")
            if link.then:
                out.append(f"<div style='{_MUTED};margin:4px 0'>{escape(link.then)}</div>")
        return "".join(out) + "</div>"


def trace_html(trace: Trace | None, text: str, pre_style: str = "") -> str:
    """An error entry's traceback as HTML: the folded :class:`Trace` when there is one, else ``text`` as given."""
    if isinstance(trace, Trace):
        return trace.html(pre_style)
    return f"<pre style='{pre_style}'>{escape(text)}</pre>" if text else ""


def headline(exc: BaseException) -> str:
    """The one-line statement of an error, as a :class:`Trace` states it (``ZeroDivisionError: division by zero``)."""
    try:
        te = traceback.TracebackException(type(exc), exc, None, compact=True)
        return _link(te, "").headline
    except Exception:
        return type(exc).__name__


def trace_of(exc: BaseException) -> Trace:
    """Read ``exc``, its ``__cause__`` / ``__context__`` chain, frames and notes into a :class:`Trace`.

    Never raises: an exception that cannot be read is stated by its type name.
    """
    try:
        top = traceback.TracebackException(type(exc), exc, exc.__traceback__, compact=True)
    except Exception:  # a broken exception object
        return Trace((Link(type(exc).__name__, ()),))
    chain: list[tuple[traceback.TracebackException, str]] = []
    current: traceback.TracebackException | None = top
    then = ""
    seen: set[int] = set()
    while current is not None and id(current) not in seen:  # newest first; ``then``: how it led to the previous
        seen.add(id(current))
        chain.append((current, then))
        if current.__cause__ is not None:
            current, then = current.__cause__, _CAUSE
        elif current.__context__ is not None and not current.__suppress_context__:
            current, then = current.__context__, _CONTEXT
        else:
            current = None
    chain.reverse()  # oldest first; each link says how the one after it came about
    return Trace(tuple(_link(te, then) for te, then in chain))


def _link(te: traceback.TracebackException, then: str) -> Link:
    notes = tuple(_scrub(str(n)) for n in (getattr(te, "__notes__", None) or ()))
    lines = "".join(te.format_exception_only()).rstrip("\n").split("\n")
    note_lines = sum(note.count("\n") + 1 for note in notes)
    headline = "\n".join(lines[: len(lines) - note_lines] if note_lines else lines)
    frames = tuple(_frame(f) for f in te.stack)
    return Link(_scrub(headline), frames, notes, then)


def _frame(summary: traceback.FrameSummary) -> Frame:
    filename = summary.filename or "?"
    library = _library(filename)
    return Frame(where=_display_path(filename, library), line=summary.lineno, name=summary.name or "?",
                 source=(summary.line or "").strip(), library=library)


def _fold_label(frames: tuple[Frame, ...]) -> str:
    names = list(dict.fromkeys(f.library or "your code" for f in frames))
    return f"{len(frames)} frame{'s' if len(frames) != 1 else ''} inside {' and '.join(names[:3])}" + \
        (" and others" if len(names) > 3 else "")


def _frame_html(frame: Frame, pre_style: str) -> str:
    at = f":{frame.line}" if frame.line is not None else ""
    head = f"<div><span style='{_MUTED}'>{escape(frame.where)}{at}</span> in <b>{escape(frame.name)}</b></div>"
    code = f"<pre style='{pre_style};margin-top:0'>{escape(frame.source)}</pre>" if frame.source else ""
    return head + code


# -- whose code, and how to name its file ----------------------------------------------------------------------

def _library(filename: str) -> str | None:
    """``None`` for the user's code; else the library a file belongs to."""
    if filename.startswith("<frozen "):
        return "Python"
    if filename.startswith("<"):  # <string>, <stdin>: code the user typed
        return None
    path = os.path.abspath(filename)
    if _under(path, str(_PACKAGE)):
        return _PACKAGE.name
    parts = Path(path).parts
    for marker in ("site-packages", "dist-packages"):
        if marker in parts:
            rest = parts[parts.index(marker) + 1:]
            return rest[0].removesuffix(".py") if rest else marker
    if any(_under(path, root) for root in _stdlib_roots()):
        return "Python"
    return None


def _display_path(filename: str, library: str | None) -> str:
    """A path that says where without saying whose machine: a notebook cell's label, the path inside the library,
    or the path relative to the working directory."""
    cell = _cell_label(filename)
    if cell:
        return cell
    if filename.startswith("<"):
        return filename
    path = os.path.abspath(filename)
    if library == _PACKAGE.name:
        return os.path.relpath(path, _PACKAGE.parent)
    parts = Path(path).parts
    for marker in ("site-packages", "dist-packages"):
        if marker in parts:
            return str(Path(*parts[parts.index(marker) + 1:]))
    for root in _stdlib_roots():
        if _under(path, root):
            return os.path.relpath(path, root)
    try:
        relative = os.path.relpath(path)
    except ValueError:  # another drive (Windows)
        relative = path
    if relative.split(os.sep)[:3].count(os.pardir) <= 2:
        return relative
    return os.path.join("…", *parts[-2:])


def _cell_label(filename: str) -> str | None:
    """``Cell In[3]`` for code run in a notebook cell (IPython names its files after the execution count)."""
    if "IPython" not in sys.modules:
        return None
    try:
        from IPython import get_ipython

        shell = get_ipython()
        label = shell.compile.format_code_name(filename) if shell is not None else None
    except Exception:
        return None
    return " ".join(label) if label else None


def _stdlib_roots() -> list[str]:
    paths = sysconfig.get_paths()
    return list(dict.fromkeys(os.path.abspath(paths[k]) for k in ("stdlib", "platstdlib") if k in paths))


def _under(path: str, root: str) -> bool:
    return path == root or path.startswith(root.rstrip(os.sep) + os.sep)


def _scrub(text: str) -> str:
    """Machine paths in a message: the working directory dropped, the home directory as ``~``."""
    cwd = os.getcwd().rstrip(os.sep) + os.sep
    home = os.path.expanduser("~").rstrip(os.sep)
    text = text.replace(cwd, "") if len(cwd) > 1 else text
    return text.replace(home + os.sep, "~" + os.sep) if len(home) > 1 else text
