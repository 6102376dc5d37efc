"""What a run view puts in the cell, and how it stays right in a saved notebook.

JupyterLab and Notebook 7 render the first mime type of a bundle they have a renderer for, in their own order:
the widget view first when the output is trusted (a notebook you ran and saved is), ``text/html`` when it is not
(the widget renderer is not "safe"). A saved widget output whose model is gone shows "Error displaying widget:
model not found", or "Loading widget..." forever without a kernel, whatever ``text/html`` sits next to it.

So while the run can change, the view is two outputs of the cell, each with its own display id:

* the *live* output: the widget (and a few lines of ``text/plain``);
* the *saved* output: the static page (:mod:`._static`: graph as an ``<img>``, open questions, timeline), refreshed
  when the run pauses. Next to the live widget it is hidden (the widget carries a style rule for it); once the
  widget is gone (the notebook reopened, trusted or not, with or without a kernel) it is what shows, and its own
  style rule hides the dead widget output just before it (trusted; untrusted, the widget is never chosen).

When the run ends, the live output is updated in place with the page and the saved one is emptied: the cell then
holds the page alone, which every frontend shows, and the widget can never turn into an error. Nothing is stored
twice: ``text/plain`` is empty next to the live widget and a summary next to the final page, never a second
copy of the log.

Each ``show()`` makes new displays (so ``h``, ``display(h)`` and ``h.view`` show the view again after
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
    """What IPython formats for one display: the view's live or saved part (the view itself has
    ``_ipython_display_``, which IPython's formatter would call instead of asking for a bundle)."""

    def __init__(self, displays: ViewDisplays, part: str) -> None:
        self.displays, self.part = displays, part

    def _repr_mimebundle_(self, include: Any = None, exclude: Any = None) -> dict[str, Any]:
        if self.part == "live":
            return self.displays.view._repr_mimebundle_()
        return self.displays.saved_bundle()


class ViewDisplays:
    """The displays of one view: made by :meth:`show`, refreshed by :meth:`refresh`."""

    def __init__(self, view: RunView) -> None:
        self.view = view
        self._displays: list[tuple[str, CellDisplay]] = []  # ("live" | "saved", display)
        self._lock = threading.Lock()
        self._cell: Any = None  # the execution count of the cell that showed the view last
        self.shell: Any = None  # the IPython shell it was shown in

    @property
    def shown(self) -> bool:
        return bool(self._displays)

    def live_style(self) -> str:
        """The rule the live widget carries: hide this view's saved page while the widget shows."""
        return f".jp-OutputArea-child:has(.{saved_class(self.view.key)}){{display:none}}"

    def bundle(self, widget: dict[str, Any]) -> dict[str, Any]:
        """The live output now: the widget (``widget``: ipywidgets' own bundle) while the run can change, the page
        once it has ended."""
        view, handle = self.view, self.view.handle
        data: dict[str, Any] = {}
        if handle.status.finished or WIDGET_MIME not in widget:
            data["text/html"] = view.static_html()
            data["text/plain"] = summary_text(view._name(), handle.thread_id, handle.status, handle.record)
        else:
            data[WIDGET_MIME] = widget[WIDGET_MIME]
            # No summary next to the live widget: that output is not re-sent while the run works or waits, so a
            # status there goes stale, and an untrusted reopened notebook (which falls back to text/plain for a
            # widget) showed "… · running" above the saved page. The saved output tells the run.
            data["text/plain"] = ""
        return data

    def saved_bundle(self) -> dict[str, Any]:
        """The saved output now: the page while the run can change (see the module docstring), then nothing."""
        if self.view.handle.status.finished:
            return {"text/html": "", "text/plain": ""}  # (IPython would add a repr as text/plain)
        mark = saved_class(self.view.key)
        dead_widget = (f".jp-OutputArea-child:not(:has(.hitl-run-view)):has(+ .jp-OutputArea-child .{mark})"
                       "{display:none}")
        page = self.view.static_html()
        return {"text/html": f"<style>{dead_widget}</style><div class='{mark}'>{page}</div>", "text/plain": ""}

    def show(self, *, again_in_same_cell: bool = True) -> bool:
        """Display the view in the current cell (``again_in_same_cell=False``: not if this cell showed it);
        returns whether it did."""
        from IPython import get_ipython

        shell = get_ipython()
        cell = getattr(shell, "execution_count", None) if shell is not None else None
        with self._lock:
            if not again_in_same_cell and self._displays and cell is not None and cell == self._cell:
                return False
            self._cell, self.shell = cell, shell
        report = self.view.handle.journal.report
        parts = ["live"] if self.view.handle.status.finished else ["live", "saved"]
        made = [(part, CellDisplay(_Bundle(self, part), shell=shell,
                                   on_error=lambda exc: report("refresh display", exc))) for part in parts]
        with self._lock:
            self._displays.extend(made)
        return True

    def close(self) -> None:
        """Send no more updates (the view's widgets are closed: its cell ran again)."""
        with self._lock:
            displays = [display for _, display in self._displays]
        for display in displays:
            display.close()

    def refresh(self) -> None:
        """Re-send the displays (from any thread); errors go to the run's log. A live widget display is re-sent only
        once the run has ended (to become the page): the widget updates itself, and re-sending it would make the
        frontend build the view anew."""
        finished = self.view.handle.status.finished
        with self._lock:
            displays = [display for part, display in self._displays if finished or part != "live"]
        for display in displays:
            try:
                display.update()
            except Exception as exc:
                self.view.handle.journal.report("refresh display", exc)


def saved_class(key: str) -> str:
    """The CSS class marking a view's saved page."""
    return f"hitl-saved-{key}"
