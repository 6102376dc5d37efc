"""The output channels besides ``sys.stdout``/``sys.stderr`` writes, hooked so a run's output stays in its run.

* ``print()`` and ``warnings``: another cell's ``%%capture`` (IPython's ``capture_output``) swaps ``sys.stdout``
  for a ``StringIO`` while it runs, and a node's ``print`` would write there. The streams ``capture_output``
  installs are noted with the thread that entered it; a print or warning with a run sink set, aimed at such a
  stream of *another* thread, goes to this package's stream proxy instead. (A node's own capture, or
  ``contextlib.redirect_stdout``, keeps working.)
* ``logging``: a ``StreamHandler`` made before the proxies existed (``logging.basicConfig()`` in an earlier cell)
  holds the kernel's stream itself; such handlers are pointed at the proxy, which passes other output through.
* ``display()`` and ``clear_output()``: IPython publishes them with the kernel's current parent, i.e. into
  whichever cell is executing. With a run sink set, ``display()`` (``publish_display_data``) and the shell's
  ``display_pub.clear_output`` go to the sink, which renders them in the node's entry.
"""

from __future__ import annotations

import builtins
import logging
import sys
import threading
import warnings
from collections.abc import Mapping
from typing import Any

from . import _capture

__all__ = ["install", "uninstall"]

_originals: dict[str, Any] = {}
_captured: dict[int, int] = {}  # id of a stream capture_output installed -> ident of the thread that entered it


def _taken(name: str) -> Any:
    """The proxy to use instead of ``sys.<name>`` when another thread's ``capture_output`` holds it and this
    context has a run sink; else ``None``."""
    if not _captured:
        return None
    owner = _captured.get(id(getattr(sys, name)))
    if owner is None or owner == threading.get_ident() or _capture.current() is None:
        return None
    return _capture.proxy(name)


def _print(*values: Any, sep: str | None = " ", end: str | None = "\n", file: Any = None,
           flush: bool = False) -> None:
    if file is None or file is sys.stdout:
        file = _taken("stdout") or file
    elif file is sys.stderr:
        file = _taken("stderr") or file
    _originals["print"](*values, sep=sep, end=end, file=file, flush=flush)


def _showwarning(message: Any, category: Any, filename: str, lineno: int, file: Any = None,
                 line: str | None = None) -> None:
    if file is None:
        file = _taken("stderr")
    _originals["showwarning"](message, category, filename, lineno, file, line)


def _capture_enter(self: Any) -> Any:
    captured = _originals["capture_enter"](self)
    for name in ("stdout", "stderr"):
        if getattr(self, name, False):
            _captured[id(getattr(sys, name))] = threading.get_ident()
    return captured


def _capture_exit(self: Any, *exc: Any) -> Any:
    for name in ("stdout", "stderr"):
        if getattr(self, name, False):
            _captured.pop(id(getattr(sys, name)), None)
    return _originals["capture_exit"](self, *exc)


def _publish_display_data(data: Mapping[str, Any], metadata: Mapping[str, Any] | None = None, *,
                          transient: Mapping[str, Any] | None = None, **kwargs: Any) -> None:
    sink = _capture.current()
    if sink is None or sink.display is None:
        return _originals["publish_display_data"](data, metadata, transient=transient, **kwargs)
    with _capture.handling():
        sink.display(data, metadata or {}, transient or {}, bool(kwargs.get("update")))
    return None


class DisplayPubProxy:
    """Wraps the shell's display publisher: a ``clear_output()`` with a run sink set clears the node's entry, not
    the executing cell; everything else (this package's own display updates included) passes through."""

    def __init__(self, target: Any) -> None:
        self.hitl_target = target

    def clear_output(self, wait: bool = False) -> None:
        sink = _capture.current()
        if sink is None or sink.clear is None:
            return self.hitl_target.clear_output(wait)
        with _capture.handling():
            sink.clear(bool(wait))
        return None

    def __getattr__(self, name: str) -> Any:
        return getattr(self.hitl_target, name)

    def __setattr__(self, name: str, value: Any) -> None:
        if name == "hitl_target":
            object.__setattr__(self, name, value)
        else:
            setattr(self.hitl_target, name, value)


def _stream_handlers() -> list[logging.StreamHandler]:
    loggers = [logging.getLogger(), *(x for x in list(logging.Logger.manager.loggerDict.values())
                                      if isinstance(x, logging.Logger))]
    return [h for lg in loggers for h in list(lg.handlers)
            if isinstance(h, logging.StreamHandler) and not isinstance(h, logging.FileHandler)]


def _adopt_logging(proxies: Mapping[str, Any]) -> None:
    """Point handlers that write to a proxied stream itself at the proxy (cheap: a pass over the loggers)."""
    by_target = {id(p.target): p for p in proxies.values()}
    for handler in _stream_handlers():
        target = by_target.get(id(handler.stream))
        if target is not None:
            handler.setStream(target)


def _release_logging(proxies: Mapping[str, Any]) -> None:
    ours = {id(p): p for p in proxies.values()}
    for handler in _stream_handlers():
        proxy = ours.get(id(handler.stream))
        if proxy is not None:
            handler.setStream(proxy.target)


def _shell() -> Any:
    try:
        from IPython.core.interactiveshell import InteractiveShell
    except ImportError:  # pragma: no cover - IPython is a dependency
        return None
    return InteractiveShell.instance() if InteractiveShell.initialized() else None


def install(proxies: Mapping[str, Any]) -> None:
    """Hook print, warnings and IPython's display (once); point logging handlers at ``proxies`` (every call)."""
    if not _originals:
        from IPython.core import display_functions
        from IPython.utils.capture import capture_output

        _originals["print"], builtins.print = builtins.print, _print
        _originals["showwarning"], warnings.showwarning = warnings.showwarning, _showwarning
        _originals["publish_display_data"] = display_functions.publish_display_data
        display_functions.publish_display_data = _publish_display_data
        _originals["capture_enter"], capture_output.__enter__ = capture_output.__enter__, _capture_enter
        _originals["capture_exit"], capture_output.__exit__ = capture_output.__exit__, _capture_exit
    shell = _shell()
    if shell is not None and not isinstance(getattr(shell, "display_pub", None), (DisplayPubProxy, type(None))):
        shell.display_pub = DisplayPubProxy(shell.display_pub)
    _adopt_logging(proxies)


def uninstall(proxies: Mapping[str, Any]) -> None:
    """Undo :func:`install` (tests)."""
    _release_logging(proxies)
    shell = _shell()
    if shell is not None and isinstance(getattr(shell, "display_pub", None), DisplayPubProxy):
        shell.display_pub = shell.display_pub.hitl_target
    if _originals:
        from IPython.core import display_functions
        from IPython.utils.capture import capture_output

        capture_output.__enter__ = _originals.pop("capture_enter")
        capture_output.__exit__ = _originals.pop("capture_exit")
        builtins.print = _originals.pop("print")
        if warnings.showwarning is _showwarning:
            warnings.showwarning = _originals["showwarning"]
        _originals.pop("showwarning")
        display_functions.publish_display_data = _originals.pop("publish_display_data")
