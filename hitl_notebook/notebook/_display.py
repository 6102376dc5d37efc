"""A display in a cell that can be refreshed from any thread, and whose refreshes reach that cell.

The run view's ``text/html`` fallback is refreshed with ``update_display_data`` from the run's worker thread, often
after the cell that showed it has finished. Who sees such a message depends on its parent header:

* ipykernel stamps a message published from a plain ``threading.Thread`` with the request it handled *last*
  (7.x: ``ZMQDisplayPublisher.parent_header`` reads a ``ContextVar`` that such a thread does not have and falls
  back to ``_parent_header_global``; 6.x: one global): a later cell, or the ``comm_msg`` of a widget click.
* nbclient/papermill read only the messages whose parent is the cell executing *now*
  (``NotebookClient._async_poll_output_msg``), then apply an ``update_display_data`` to the outputs with that display
  id in any cell (``_update_display_id``). An update published while no cell runs, or stamped with a cell that has
  finished, is dropped, and the saved notebook keeps a stale fallback.
* JupyterLab forwards any message carrying a display id it has seen to the execute requests that displayed it
  (``KernelConnection._handleDisplayId``), whatever its parent; the cell's future lives until the cell runs again.

So :class:`CellDisplay` stamps every update with the header of the cell that made the display (a thread-local hook
of ipykernel's display publisher), which is where the update belongs, and at the next cell boundary
(``pre_run_cell``/``post_run_cell``, main thread) re-sends the latest state once, stamped with the cell executing
then, if it changed since the previous boundary and that cell is not the display's own. nbclient applies the
re-send to the display's cell; JupyterLab applies the same data again. What changes after the last cell of an
nbclient run is not saved: nobody reads it (``handle.wait()`` in a last cell avoids that).
"""

from __future__ import annotations

import threading
import uuid
import weakref
from collections.abc import Callable
from typing import Any

from ._env import cell_hooks

__all__ = ["CellDisplay"]

_watches: weakref.WeakKeyDictionary[Any, _ShellWatch] = weakref.WeakKeyDictionary()
_registry_lock = threading.Lock()


class CellDisplay:
    """Show ``obj`` in the current cell with a display id; :meth:`update` re-sends its mime bundle from any thread.

    ``shell`` defaults to ``get_ipython()``; ``on_error`` receives errors of the cell-boundary re-sends (which must
    not print into the user's cell).
    """

    def __init__(self, obj: Any, *, shell: Any = None,
                 on_error: Callable[[BaseException], None] | None = None) -> None:
        if shell is None:
            from IPython import get_ipython

            shell = get_ipython()
        self._obj = obj
        self._shell = shell
        self._on_error = on_error
        self._lock = threading.RLock()  # one publish at a time: the last message sent carries the newest state
        self._dirty = False  # updated since the last cell boundary
        self._closed = False
        self.display_id = uuid.uuid4().hex
        self.origin = _header(getattr(self._publisher(), "parent_header", None))
        if shell is None:  # plain Python: IPython's display() prints the object; there is nothing to update
            from IPython.display import display

            display(obj)
            return
        self._send(update=False, parent=None)
        _watch(shell, self)

    def update(self, obj: Any = None) -> None:
        """Re-send the display (with ``obj`` in its place if given, like ``DisplayHandle.update``), attributed to
        the cell that made it. Any thread."""
        if self._shell is None:
            return
        with self._lock:
            if self._closed:
                return
            if obj is not None:
                self._obj = obj
            self._dirty = True
            self._send(update=True, parent=self.origin)

    def at_cell_boundary(self) -> None:
        """In a cell, on the kernel's main thread: if the display changed since the last boundary, re-send it
        attributed to that cell (a client that reads only the executing cell applies it by display id). Skipped in
        the display's own cell, whose updates so far arrived while it was executing."""
        with self._lock:
            if not self._dirty:
                return
            self._dirty = False
            current = _header(getattr(self._publisher(), "parent_header", None)).get("msg_id")
            if current is not None and current == self.origin.get("msg_id"):
                return
            self._send(update=True, parent=None)

    @property
    def shell(self) -> Any:
        """The IPython shell the display was made in (``None`` in plain Python)."""
        return self._shell

    def close(self) -> None:
        """Send no more updates (the display's widgets are closed; its cell's output was replaced)."""
        with self._lock:
            self._dirty = False
            self._closed = True

    def _publisher(self) -> Any:
        return getattr(self._shell, "display_pub", None)

    def _send(self, *, update: bool, parent: dict[str, Any] | None) -> None:
        data, metadata = self._shell.display_formatter.format(self._obj)
        if not data:
            return
        pub = self._publisher()
        hook = None
        if parent and callable(getattr(pub, "register_hook", None)):
            display_id = self.display_id

            def hook(msg: dict[str, Any]) -> dict[str, Any]:
                transient = (msg.get("content") or {}).get("transient") or {}
                if transient.get("display_id") == display_id:
                    msg["parent_header"] = dict(parent)
                return msg

            pub.register_hook(hook)  # thread-local in ipykernel: other threads' messages are not touched
        try:
            pub.publish(data=data, metadata=metadata, transient={"display_id": self.display_id}, update=update)
        finally:
            if hook is not None:
                pub.unregister_hook(hook)

    def _report(self, exc: BaseException) -> None:
        if self._on_error is not None:
            self._on_error(exc)


def _header(value: Any) -> dict[str, Any]:
    """The header dict of a message or header (``{}`` when there is none)."""
    if not isinstance(value, dict):
        return {}
    header = value.get("header", value)
    return dict(header) if isinstance(header, dict) and header.get("msg_id") else {}


class _ShellWatch:
    """The displays of one shell, re-sent at its cell boundaries (registered once per shell as IPython callbacks)."""

    def __init__(self) -> None:
        self.displays: weakref.WeakSet[CellDisplay] = weakref.WeakSet()

    def pre_run_cell(self, info: Any = None) -> None:
        self.cell_boundary()

    def post_run_cell(self, result: Any = None) -> None:
        self.cell_boundary()

    def cell_boundary(self) -> None:
        with _registry_lock:
            displays = list(self.displays)
        for display in displays:
            try:
                display.at_cell_boundary()
            except Exception as exc:  # IPython would print a traceback into the user's cell: show it in the run
                display._report(exc)


def _watch(shell: Any, display: CellDisplay) -> None:
    with _registry_lock:
        watch = cell_hooks(_watches, shell, _ShellWatch)
        if watch is not None:
            watch.displays.add(display)
