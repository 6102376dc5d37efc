"""What a run view puts in the cell, and how it stays right in a saved notebook.

JupyterLab and Notebook 7 render the first mime type of a bundle they have a renderer for, in their own order:
the widget view first when the output is trusted (a notebook you ran and saved is), ``text/html`` when it is not
(the widget renderer is not "safe"). A saved widget output whose model is gone shows "Error displaying widget:
model not found", or "Loading widget..." forever without a kernel, whatever ``text/html`` sits next to it.

So the display carries the widget only while the run can still change. When the run ends, the display is updated
in place (same display id) with the static page alone: ``text/html`` (graph as an ``<img>``, see :mod:`._static`)
and a few lines of ``text/plain``. The live session then shows that page in place of the widget, and the saved file
shows it in every frontend, trusted or not, with or without a kernel. Nothing is stored twice: ``text/plain`` is a
summary, not a second copy of the log.

Each ``show()`` makes a new display (so ``h``, ``display(h)`` and ``h.view`` show the view again after
``clear_output()`` or "Clear All Outputs"); every display made is refreshed. Showing the handle as the last
expression of the cell that already showed the view (``run(...)`` as the last line) does not show it twice.
"""

from __future__ import annotations

import threading
from typing import TYPE_CHECKING, Any

from ._display import CellDisplay
from ._static import summary_text

if TYPE_CHECKING:
    from ._view import RunView

__all__ = ["WIDGET_MIME", "ViewDisplays"]

WIDGET_MIME = "application/vnd.jupyter.widget-view+json"


class _Bundle:
    """What IPython formats for a display: the view's current bundle (the view itself has ``_ipython_display_``,
    which IPython's formatter would call instead of asking for a bundle)."""

    def __init__(self, view: RunView) -> None:
        self.view = view

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        return self.view._repr_mimebundle_()


class ViewDisplays:
    """The displays of one view: made by :meth:`show`, refreshed by :meth:`refresh`."""

    def __init__(self, view: RunView) -> None:
        self.view = view
        self._displays: list[CellDisplay] = []
        self._lock = threading.Lock()
        self._cell: Any = None  # the execution count of the cell that showed the view last

    @property
    def shown(self) -> bool:
        return bool(self._displays)

    def bundle(self, widget: dict[str, Any]) -> dict[str, Any]:
        """The mime bundle now: the widget (``widget``: ipywidgets' own bundle) only while the run can change."""
        view, handle = self.view, self.view.handle
        data: dict[str, Any] = {}
        if not handle.status.finished and WIDGET_MIME in widget:
            data[WIDGET_MIME] = widget[WIDGET_MIME]
        data["text/html"] = view.static_html()
        data["text/plain"] = summary_text(view._name(), handle.thread_id, handle.status, handle.record)
        return data

    def show(self, *, again_in_same_cell: bool = True) -> None:
        """Display the view in the current cell (``again_in_same_cell=False``: not if this cell showed it)."""
        from IPython import get_ipython

        shell = get_ipython()
        cell = getattr(shell, "execution_count", None) if shell is not None else None
        with self._lock:
            if not again_in_same_cell and self._displays and cell is not None and cell == self._cell:
                return
            self._cell = cell
        report = self.view.handle.journal.report
        display = CellDisplay(_Bundle(self.view), shell=shell, on_error=lambda exc: report("refresh display", exc))
        with self._lock:
            self._displays.append(display)

    def refresh(self) -> None:
        """Re-send every display (from any thread); errors go to the run's log."""
        with self._lock:
            displays = list(self._displays)
        for display in displays:
            try:
                display.update()
            except Exception as exc:
                self.view.handle.journal.report("refresh display", exc)
