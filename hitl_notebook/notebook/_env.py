"""Where are we running: an IPython kernel with a widget frontend, or a console (terminal, script, CI)?"""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable, MutableMapping
from typing import Any, Literal, TypeVar

__all__ = ["UI_ENV", "UiMode", "cell_hooks", "in_kernel", "on_kernel_main_thread", "resolve_ui", "stdin_is_tty"]

_H = TypeVar("_H")

UI_ENV = "HITL_NOTEBOOK_UI"
UiMode = Literal["widgets", "console"]


def _shell() -> Any:
    if "IPython" not in sys.modules:
        return None
    try:
        from IPython import get_ipython
    except ImportError:  # pragma: no cover - IPython is a dependency
        return None
    return get_ipython()


def in_kernel() -> bool:
    """True inside a Jupyter kernel (a shell with a ``kernel``), where widgets can be displayed."""
    shell = _shell()
    return shell is not None and getattr(shell, "kernel", None) is not None


def on_kernel_main_thread() -> bool:
    """True on the thread that executes cells (blocking it hides every widget click until the cell ends)."""
    return in_kernel() and threading.current_thread() is threading.main_thread()


def stdin_is_tty() -> bool:
    try:
        return bool(sys.stdin) and sys.stdin.isatty()
    except (ValueError, AttributeError):  # closed or replaced stdin
        return False


def resolve_ui(ui: str | None = None) -> UiMode:
    """``"widgets"`` or ``"console"`` from ``ui`` (``"auto"`` by default) or ``$HITL_NOTEBOOK_UI``."""
    choice = (ui or "auto").strip().lower()
    if choice == "auto":
        choice = (os.environ.get(UI_ENV) or "auto").strip().lower()
    if choice == "auto":
        return "widgets" if in_kernel() else "console"
    if choice in ("widgets", "widget"):
        return "widgets"
    if choice == "console":
        return "console"
    raise ValueError(f"ui={choice!r}: choose 'widgets', 'console' or 'auto' (also settable with ${UI_ENV})")


def cell_hooks(registry: MutableMapping[Any, _H], shell: Any, make: Callable[[], _H]) -> _H | None:
    """The object ``registry`` keeps for ``shell``: made by ``make()`` on first use and registered, once per shell,
    for IPython's ``pre_run_cell`` and ``post_run_cell`` events (it has methods of those names). ``None`` for a
    shell without events. Call under the lock that guards ``registry``."""
    events = getattr(shell, "events", None)
    if events is None:
        return None
    hooks = registry.get(shell)
    if hooks is None:
        hooks = registry[shell] = make()
        events.register("pre_run_cell", hooks.pre_run_cell)  # type: ignore[attr-defined]
        events.register("post_run_cell", hooks.post_run_cell)  # type: ignore[attr-defined]
    return hooks
