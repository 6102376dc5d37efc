"""``RunHandle``: the public face of a run (status, answers, stop, waiting for the result). No ipywidgets here."""

from __future__ import annotations

import asyncio
import os
from dataclasses import replace
from collections.abc import Callable, Generator, Mapping
from typing import TYPE_CHECKING, Any

from ..types import Interrupt, StateSnapshot
from ._audit import export_audit
from ._driver import (
    NO_CHECKPOINTER,
    DecisionNotAppliedError,
    RunDriver,
    RunPendingError,
    RunStateError,
    RunStoppedError,
    call_soon,
)
from ._engine import saver_loop
from ._errors import DecisionConflictError
from ._env import on_kernel_main_thread
from ._journal import RunObserver
from ._policy import HEADLESS_HINT
from ._record import RunStatus
from ._segment import UNSET

if TYPE_CHECKING:
    from nbformat import NotebookNode

__all__ = ["DecisionNotAppliedError", "RunHandle", "RunPendingError", "RunStateError", "RunStoppedError"]

_SAVER_LOOP = ("The run's checkpointer works on this thread's event loop (it was opened here), so a blocking wait "
               "would stop the run itself. Use `await handle` instead, or read handle.result in a later cell.")


class RunHandle(RunDriver):
    """A graph run shown in a notebook (or driven in a console): resume it, stop it, wait for its result.

    ``answer(id, value)`` is what a panel click calls: it records one answer and resumes once every pending
    interrupt is answered (see :meth:`answer` for why). ``resume(...)`` resumes at once with the given answers.
    """

    # -- what the run is doing ---------------------------------------------------------------------------------

    @property
    def status(self) -> RunStatus:
        """``running``, ``waiting`` (for a human), ``done``, ``error`` or ``stopped``."""
        return self._status

    @property
    def pending(self) -> list[Interrupt]:
        """The interrupts waiting for an answer (empty unless ``status`` is ``waiting``)."""
        with self._lock:
            return list(self._pending)

    @property
    def state(self) -> StateSnapshot:
        """``graph.get_state(config)`` of the run's thread."""
        if not self.resumable:
            raise RunStateError(NO_CHECKPOINTER)
        return self.graph.get_state(self.config)

    @property
    def result(self) -> Any:
        """The final output (what ``invoke`` returns); raises while the run is not finished."""
        with self._lock:
            status, error = self._status, self._error
        if status is RunStatus.DONE:
            return self._result
        if status is RunStatus.ERROR and error is not None:
            raise error
        if status is RunStatus.STOPPED:
            raise RunStoppedError("The run was stopped before it finished; it has no result.")
        if status is RunStatus.WAITING:
            raise RunPendingError(f"The run is still waiting for a human ({self._describe_pending()}). Answer in "
                                  "its panel, or call handle.resume(value), then read handle.result again. "
                                  f"{HEADLESS_HINT.partition('. ')[2]}")
        raise RunPendingError("The run is still running. Use `await handle`, handle.add_done_callback(fn), or read "
                              "handle.result in a later cell.")

    def log_text(self) -> str:
        """The run's log as plain text."""
        return self.record.text()

    def export_notebook(self, path: str | os.PathLike[str], *, overwrite: bool = False) -> NotebookNode:
        """Write the run's audit trail (input, steps, interrupts, decisions) to a new notebook at ``path``."""
        return export_audit(self, path, overwrite=overwrite)

    # -- answering ---------------------------------------------------------------------------------------------

    def answer(self, interrupt_id: str, value: Any, *, by: str | None = None) -> bool:
        """Record the answer to one pending interrupt; resume once all pending interrupts are answered.

        This is the click path. With several pending interrupts (parallel nodes, ``Send`` workers) the answers
        are collected and sent together in one ``Command(resume={id: value, ...})``: a resume re-runs every
        unanswered interrupted node of the step up to its ``interrupt()`` call, and the step only moves on once
        all are answered, so resuming per panel would repeat node code for no progress. Returns True when this
        answer started the resume.
        """
        with self._lock:
            self._check_answerable(interrupt_id)
            ids = [i.id for i in self._pending]
            if interrupt_id not in ids:
                raise ValueError(f"Interrupt {interrupt_id!r} is not pending (pending: {ids}).")
            remaining = [i for i in ids if i not in self._answers and i != interrupt_id]
            if not remaining:  # the last answer: claimed and sent in this same locked step, so nothing races it
                step, changed = self._claim({interrupt_id: value}, by=by or self.user)
            else:  # recorded in the same locked step, so a resume() sending it meanwhile sees the decision
                self._delivery.storable(self.graph, {interrupt_id: value})
                self._answers[interrupt_id] = value
                entry = self.record.get(interrupt_id)
                if entry is not None:
                    entry.decision = self._decision(interrupt_id, value, by or self.user)
                    entry.waiting_for_others, entry.status, entry.error, entry.trace = True, "answered", None, None
        if remaining:
            if entry is not None:
                self.journal.emit("on_change", entry)
            return False
        self._announce(changed)
        self._launch(step)
        return True

    def resume(self, value: Any = UNSET, *, id: str | None = None,
               answers: Mapping[str, Any] | None = None) -> "RunHandle":
        """Resume now: ``resume(value)`` answers the only pending interrupt, ``resume(value, id=...)`` one of
        several, ``resume(answers={id: value, ...})`` several at once; at a breakpoint ``resume()`` continues.

        Answers already given in panels are sent along. Interrupts left unanswered stay pending.
        """
        with self._lock:
            self._check_answerable(id)
            given: dict[str, Any] | None
            if not self._pending:
                given = None
            elif answers is not None:
                given = dict(answers)
            else:
                if value is UNSET:
                    raise TypeError("resume() needs the answer: handle.resume(value)")
                open_ids = [i.id for i in self._pending if i.id not in self._answers]
                if id is None and len(open_ids) != 1:
                    raise ValueError(f"{len(open_ids)} interrupts are waiting for an answer; pass id=... or "
                                     f"answers={{id: value}} (ids: {open_ids}).")
                given = {id if id is not None else open_ids[0]: value}
            step, changed = self._claim(given, by=f"{self.user} (resume())")
        self._announce(changed)
        self._launch(step)
        return self

    def continue_with(self, values: Any = None, *, as_node: str | None = None, label: str = "continued",
                      by: str | None = None) -> "RunHandle":
        """At a static breakpoint: edit the thread's state with ``graph.update_state(config, values, as_node=...)``,
        then continue, as LangGraph's docs review a pending tool call (``update_state`` then ``invoke(None)``).
        ``label`` is the decision recorded on the breakpoint (e.g. ``"edited book_hotel"``).

        Raises ``RunStateError`` when the run is not paused at a breakpoint (answer interrupts with ``resume``),
        and :class:`DecisionConflictError` when the thread moved on since the run paused (nothing is edited).
        """
        with self._lock:
            self._check_answerable(None)
            if self._pending:
                raise RunStateError("continue_with() continues a breakpoint; this run waits for interrupts: answer "
                                    "them with resume(value) or in their panels.")
            if values is not None:
                paused_at = self._delivery.paused_at
                if paused_at is not None and _checkpoint_of(self.graph.get_state(self.config)) != paused_at:
                    raise DecisionConflictError(f"{label[:1].upper() + label[1:]} was not applied: the thread moved on since "
                                                "this run paused (another kernel, process or handle continued it). "
                                                "Nothing was edited. Reload it with show(graph, config).")
                self.graph.update_state(self.config, values, as_node=as_node)
                self._delivery.paused(self.graph.get_state(self.config))  # the edit is where the run goes on from
            step, changed = self._claim(None, by=by or self.user)
            for entry in changed:
                if entry.kind == "breakpoint" and entry.decision is not None:
                    entry.decision = replace(entry.decision, label=label)
        self._announce(changed)
        self._launch(step)
        return self

    def stop(self) -> "RunHandle":
        """Stop the run: at once when it waits for a human, else after the running step (between supersteps)."""
        self._stop()
        return self

    # -- waiting for the end -----------------------------------------------------------------------------------

    def wait(self, timeout: float | None = None) -> Any:
        """Block until the run finishes and return its result.

        On a notebook kernel's main thread a blocked cell would never see the click it waits for, so there this
        raises :class:`RunPendingError` as soon as the run needs a human (use ``await handle`` from an asyncio
        task, ``add_done_callback``, or a later cell instead).
        """
        if on_kernel_main_thread():
            if self.wait_idle(timeout) is RunStatus.WAITING:
                raise RunPendingError(self._blocking_message("handle.wait()"))
        else:
            with self._cond:
                if not self._shown.finished and _runs_on_this_loop(self.graph):
                    raise RunPendingError(_SAVER_LOOP)
                if not self._cond.wait_for(lambda: self._shown.finished, timeout):
                    raise TimeoutError(f"The run did not finish within {timeout} s (status: {self._status.value}).")
        return self.result

    def wait_idle(self, timeout: float | None = None) -> RunStatus:
        """Block until the run finishes or needs a human; returns the status then.

        Raises :class:`RunPendingError` at once where blocking would stop the run itself: on the thread whose
        event loop the graph's checkpointer works on (an ``AsyncSqliteSaver`` opened in a cell)."""
        with self._cond:
            if not self._idle() and _runs_on_this_loop(self.graph):
                raise RunPendingError(_SAVER_LOOP)
            if not self._cond.wait_for(self._idle, timeout):
                raise TimeoutError(f"The run is still busy after {timeout} s.")
            return self._shown

    def add_done_callback(self, fn: Callable[["RunHandle"], Any]) -> None:
        """Call ``fn(handle)`` when the run finishes (at once if it has); its errors and prints go to the view."""
        with self._lock:
            if not self._status.finished:
                self._callbacks.append(fn)
                return
        self._run_callback(fn)

    def __await__(self) -> Generator[Any, None, Any]:
        """``await handle`` resolves with the result when the run finishes. An await that keeps a notebook cell
        running (``await handle`` at the top level, or ``asyncio.gather`` / ``wait_for`` / ``shield`` of it there)
        raises :class:`RunPendingError` as soon as the run needs a click, which that cell would block; awaits in a
        task of their own (``asyncio.ensure_future(...)``) wait (see :mod:`._blocking`)."""
        loop = asyncio.get_running_loop()
        future: asyncio.Future = loop.create_future()
        self.add_done_callback(lambda _: call_soon(loop, self._settle, future))
        if on_kernel_main_thread():
            self._watch_cell_await(loop, future)
        return future.__await__()

    def add_observer(self, observer: RunObserver) -> None:
        self.journal.observers.append(observer)

    def _ipython_display_(self) -> None:
        if self.view is None:
            print(repr(self))
        elif getattr(self.view, "closed", False):  # its cell ran again (see _retire): a new view of the run
            self.view = type(self.view).of_run(self)
            self.view.show()
        else:  # shows the view again, unless this very cell showed it (``run(...)`` as its last line)
            self.view.displays.show(again_in_same_cell=False)

    def __repr__(self) -> str:
        return f"<RunHandle {getattr(self.graph, 'name', 'graph')!r} thread={self.thread_id!r} {self._status.value}>"


def _runs_on_this_loop(graph: Any) -> bool:
    loop = saver_loop(graph)
    if loop is None:
        return False
    try:
        return asyncio.get_running_loop() is loop
    except RuntimeError:
        return False


def _checkpoint_of(state: Any) -> str | None:
    return ((getattr(state, "config", None) or {}).get("configurable") or {}).get("checkpoint_id")
