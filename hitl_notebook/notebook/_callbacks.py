"""Errors raised in a widget's own callbacks, shown where the user looks instead of JupyterLab's log console.

ipywidgets runs ``on_click`` handlers through a ``CallbackDispatcher`` that catches their exceptions and calls
``get_ipython().showtraceback()``; the traceback is published with the widget's ``comm_msg`` as its parent, which no
cell shows (JupyterLab puts it in the log console). An exception from an ``observe`` callback leaves the comm
handler and only reaches the kernel's log (anchors §3, lesson 10). :func:`guard_callbacks` wraps the comm handler of
each widget of a tree (a registered renderer's widget): while it handles a message, both kinds of errors go to
``report`` instead.
"""

from __future__ import annotations

import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

__all__ = ["guard_callbacks", "reporting_to"]

Report = Callable[[BaseException], None]
_local = threading.local()
_patch_lock = threading.Lock()


def guard_callbacks(widgets: Iterator[Any], report: Report) -> int:
    """Route errors of the callbacks of ``widgets`` (run when the frontend sends them a message) to ``report``;
    returns how many widgets were guarded. Widgets without a comm (closed, or outside a kernel) are skipped."""
    count = 0
    for widget in widgets:
        comm = getattr(widget, "comm", None)
        handle = getattr(widget, "_handle_msg", None)
        if comm is None or not callable(getattr(comm, "on_msg", None)) or handle is None:
            continue

        def guarded(msg: Any, handle: Callable[[Any], Any] = handle) -> None:
            with reporting_to(report):
                handle(msg)

        comm.on_msg(guarded)
        count += 1
    return count


@contextmanager
def reporting_to(report: Report) -> Iterator[None]:
    """Within this block (this thread), an exception that escapes or that IPython's ``showtraceback()`` is asked
    to show goes to ``report``."""
    _patch_shell()
    previous = getattr(_local, "report", None)
    _local.report = report
    try:
        yield
    except Exception as exc:  # noqa: BLE001 - handed to report, never swallowed
        report(exc)
    finally:
        _local.report = previous


def _patch_shell() -> None:
    """Make the shell's ``showtraceback`` honour :func:`reporting_to` (once per shell; elsewhere it is unchanged)."""
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython comes with ipywidgets
        return
    shell = get_ipython()
    if shell is None:
        return
    with _patch_lock:
        original = shell.showtraceback
        if getattr(original, "honours_reporting_to", False):
            return

        def showtraceback(*args: Any, **kwargs: Any) -> Any:
            report = getattr(_local, "report", None)
            exc = _current_exception(args, kwargs)
            if report is None or exc is None:
                return original(*args, **kwargs)
            report(exc)
            return None

        showtraceback.honours_reporting_to = True  # type: ignore[attr-defined]
        shell.showtraceback = showtraceback


def _current_exception(args: tuple, kwargs: dict) -> BaseException | None:
    """The exception ``showtraceback(exc_tuple=None, ...)`` would show."""
    exc_tuple = kwargs.get("exc_tuple", args[0] if args else None)
    if exc_tuple is None:
        exc_tuple = sys.exc_info()
    value = exc_tuple[1] if isinstance(exc_tuple, tuple) and len(exc_tuple) > 1 else None
    return value if isinstance(value, BaseException) else None
