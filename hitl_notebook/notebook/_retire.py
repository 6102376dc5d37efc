"""Run views of a cell that runs again are closed, so re-running a ``run(...)`` cell does not leak widget comms.

Every widget is a comm that lives in the kernel until it is closed; ipywidgets keeps each one (and through it the
view, its run and the run's log) reachable. When a cell runs again the frontend clears its outputs, so the views
shown by its earlier execution can never be seen or clicked again. Cells are told apart by the cell id the frontend
sends with each execute request (``metadata.cellId``, which JupyterLab and Notebook 7 send; IPython passes it on as
``info.cell_id``). With a client that sends none (nbclient, which runs each cell once anyway) nothing is closed.
A view belongs to the cell that showed it; displaying the same view object by hand in another cell does not keep
it open.

What happens to the *runs* of those views (decided here):

* at the cell's next ``pre_run_cell``, the views of its earlier execution are closed, every widget of them (buttons'
  layouts and styles too), and they stop observing their runs. A finished run loses nothing (it has its result and
  log); the saved notebook has the new execution's output in that cell anyway.
* at that execution's ``post_run_cell``, if it showed a new run view, the old runs that are still running or
  waiting for a human are *replaced*: they are stopped (a waiting one at once, a running one after its running
  step). The thread stays in its checkpointer, so ``show(graph, config)`` brings a paused one back.
* if it showed no run view, the old runs go on: answer with ``handle.resume(...)``, or display ``handle`` to get
  a new view.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Iterator
from typing import Any

from ._env import cell_hooks

__all__ = ["cell_of_current_request", "close_tree", "shared", "track"]

_shared: weakref.WeakSet[Any] = weakref.WeakSet()
_cells: weakref.WeakKeyDictionary[Any, _CellViews] = weakref.WeakKeyDictionary()
_lock = threading.Lock()


def shared(widget: Any) -> Any:
    """Mark a widget used by many views (a module-level ``Layout``): :func:`close_tree` never closes it."""
    _shared.add(widget)
    return widget


def close_tree(root: Any) -> int:
    """Close ``root`` and every widget it holds in a synced trait (children, layouts, styles, ...), except shared
    ones; returns how many were closed."""
    from ipywidgets import Widget

    closed = 0
    seen: set[int] = set()
    stack = [root]
    while stack:
        widget = stack.pop()
        if id(widget) in seen or widget in _shared:
            continue
        seen.add(id(widget))
        for name in list(getattr(widget, "keys", ()) or ()):
            stack.extend(_widgets_in(getattr(widget, name, None), Widget))
        if getattr(widget, "comm", None) is not None:
            widget.close()
            closed += 1
    return closed


def _widgets_in(value: Any, kind: type) -> Iterator[Any]:
    if isinstance(value, kind):
        yield value
    elif isinstance(value, (list, tuple)):
        for item in value:
            yield from _widgets_in(item, kind)
    elif isinstance(value, dict):
        for item in value.values():
            yield from _widgets_in(item, kind)


def cell_of_current_request(shell: Any) -> str | None:
    """The cell id of the execute request being handled (``None`` outside a cell or without one)."""
    get_parent = getattr(shell, "get_parent", None)
    parent = get_parent() if callable(get_parent) else None
    metadata = (parent or {}).get("metadata") or {}
    cell_id = metadata.get("cellId")
    return cell_id if isinstance(cell_id, str) and cell_id else None


def track(view: Any, shell: Any) -> None:
    """Remember that the current cell showed ``view`` (a :class:`~._view.RunView`); on the kernel's main thread."""
    cell_id = cell_of_current_request(shell)
    if cell_id is None:
        return
    with _lock:
        cells = cell_hooks(_cells, shell, _CellViews)
        if cells is not None:
            cells.shown.setdefault(cell_id, []).append(weakref.ref(view))


class _CellViews:
    """The views each cell showed in its latest execution, and those it is replacing (one per shell)."""

    def __init__(self) -> None:
        self.shown: dict[str, list[weakref.ref]] = {}
        self.replacing: dict[str, list[Any]] = {}

    def pre_run_cell(self, info: Any = None) -> None:
        cell_id = getattr(info, "cell_id", None)
        if not cell_id:
            return
        with _lock:
            earlier = [v for v in (ref() for ref in self.shown.pop(cell_id, ())) if v is not None]
        for view in earlier:
            _guarded(view, "close the view of a re-run cell", view.close_widgets)
        running = [view for view in earlier if not view.handle.status.finished]
        if running:
            with _lock:
                self.replacing[cell_id] = running

    def post_run_cell(self, result: Any = None) -> None:
        cell_id = getattr(getattr(result, "info", None), "cell_id", None)
        if not cell_id:
            return
        with _lock:
            views = self.replacing.pop(cell_id, [])
            replaced = bool(self.shown.get(cell_id))
        if replaced:
            for view in views:
                view.handle.journal.replaced = True
                _guarded(view, "stop the run replaced by a re-run cell", view.handle.stop)


def _guarded(view: Any, where: str, fn: Any) -> None:
    """IPython would print a callback's traceback into the user's cell: report it to the run's log instead."""
    try:
        fn()
    except Exception as exc:  # noqa: BLE001 - shown in the run, never swallowed
        view.handle.journal.report(where, exc)
