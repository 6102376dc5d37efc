"""Driving the engine for a run: segments on a worker thread, waiting states, policies, the finish.

Threading (design A of anchors §3.4): every ``graph.stream`` call runs on a worker thread, so the cell that
started the run returns at once and the kernel stays free to deliver widget clicks. A click handler (kernel main
thread) records the answer and starts the resume on a new worker thread; nothing ever blocks the main thread
waiting for a human. Console runs use the same code, driven synchronously on the calling thread.

Locking: one re-entrant lock (the journal's) guards the run's state; observers are always called outside it.
"""

from __future__ import annotations

import asyncio
import itertools
import threading
from collections.abc import Callable
from typing import Any

from ..constants import INTERRUPT, START
from ..drawing.status import NodeStatus
from ._answering import NO_CHECKPOINTER, AnsweringMixin
from ._awaiting import AwaitingMixin, call_soon
from ._chat import input_entry
from ._delivery import Delivery, Undelivered
from ._engine import engine_of
from ._errors import DecisionNotAppliedError, RunPendingError, RunStateError, RunStoppedError
from ._journal import Journal
from ._policy import AnswerContext, Policy
from ._record import Entry, RunRecord, RunStatus, current_user
from ._segment import UNSET, Segment
from ._workers import Workers

__all__ = [
    "NO_CHECKPOINTER",
    "DecisionNotAppliedError",
    "RunDriver",
    "RunPendingError",
    "RunStateError",
    "RunStoppedError",
    "call_soon",
]

_RESTORE: Any = object()
_NO_INPUT: Any = object()
_RUNS = Workers("hitl-notebook-run")  # the threads that drive background runs


class RunDriver(AnsweringMixin, AwaitingMixin):
    """The state machine of a run (``running`` → ``waiting`` ⇄ ``running`` → ``done``/``error``/``stopped``)."""

    def __init__(self, graph: Any, config: dict[str, Any] | None = None, *, approve_value: Any = "approve",
                 reject_value: Any = "reject", policy: Policy | None = None, user: str | None = None,
                 background: bool = True) -> None:
        self.engine = engine_of(graph)  # TypeError for anything that is not a compiled graph of either engine
        self.graph = graph
        self.config: dict[str, Any] = dict(config or {})
        self.approve_value = approve_value
        self.reject_value = reject_value
        self.policy = policy
        self.user = user or current_user()
        self.view: Any = None
        self.input: Any = None  # what the run was started with (None: shown from the thread's checkpoint)
        self.journal = Journal()
        self._background = background
        self._lock = self.journal.lock
        self._cond = threading.Condition(self._lock)
        self._status = RunStatus.RUNNING
        self._pending: list[Any] = []  # the engine's Interrupt objects
        self._breakpoint: tuple[str, ...] = ()
        self._answers: dict[str, Any] = {}
        self._delivery = Delivery()
        self._node_of: dict[str, str] = {}
        self._needs_human = False
        self._shown, self._shown_human = RunStatus.RUNNING, False  # what waiters see (published after observers)
        self._policy_failed = False
        self._result: Any = None
        self._error: BaseException | None = None
        self._cancel = threading.Event()
        self._callbacks: list[Callable[[Any], Any]] = []
        self._cell_awaits: list[tuple[asyncio.AbstractEventLoop, asyncio.Future]] = []
        self._watched_loops: set[asyncio.AbstractEventLoop] = set()
        self._callback_entry: Entry | None = None

    @property
    def record(self) -> RunRecord:
        """The run's log: node outputs, prints, interrupts, decisions, errors."""
        return self.journal.record

    @property
    def resumable(self) -> bool:
        """Whether interrupts can be answered (the graph has a checkpointer)."""
        return bool(getattr(self.graph, "checkpointer", None))

    @property
    def thread_id(self) -> str | None:
        return (self.config.get("configurable") or {}).get("thread_id")

    def _stop(self) -> None:
        self._cancel.set()
        with self._lock:
            waiting = self._status is RunStatus.WAITING
        if waiting:
            self._finish(RunStatus.STOPPED)

    # -- driving the engine ------------------------------------------------------------------------------------

    def _start(self, input: Any, *, restore: bool) -> None:
        """Begin: run ``input``, or (``restore``) show what the thread's checkpoint waits for, running nothing."""
        self.input = input
        restore = restore and self.resumable and self.graph.get_state(self.config).created_at is not None
        self._launch(_RESTORE if restore else input)

    def _launch(self, input: Any) -> None:
        if not self._background:
            self._drive(input)
            return
        _RUNS.submit(self._drive, input)  # a reused thread: see _workers

    def _drive(self, input: Any) -> None:
        """Run segments until the run finishes or needs a human; a policy answers on the way."""
        try:
            if input is _RESTORE:
                self._restore()
            else:
                self._segment(input)
            while self._policy_may_answer():
                step = self._policy_input()
                if step is _NO_INPUT:
                    break
                self._segment(step)
        except Exception as exc:  # a bug here must still end the run visibly
            self.journal.report("run controller", exc)
            self._finish(RunStatus.ERROR, error=exc)

    def _segment(self, input: Any) -> None:
        try:
            self._delivery.before(self.graph, self.config)
        except Undelivered as problem:
            self._not_applied(problem)
            return
        segment = Segment(self.journal, self._node_of, self.engine)
        try:
            exc = segment.run(self.graph, input, self.config, self._cancel)
        finally:
            self._delivery.release()
        self.config = _latest(self.config)  # a run started from a past checkpoint continues from its own
        if exc is not None:
            self._failed(exc, segment.started)
            return
        values = segment.values
        if not self.resumable:
            if segment.interrupts:
                for item in segment.interrupts:
                    self.journal.add("interrupt", key=item.id, node=self._node_of.get(item.id), interrupt=item,
                                     status="blocked")
                self.journal.add("info", text=NO_CHECKPOINTER, status="error")
                self._finish(RunStatus.ERROR, error=RunStateError(NO_CHECKPOINTER))
            else:
                self._finish(RunStatus.DONE, result=_strip(values))
            return
        state = self.graph.get_state(self.config)
        try:
            applied = self._delivery.after(self.graph, self.config, state, segment.started)
            self._delivery.record_applied(self.journal, applied)
        except Undelivered as problem:
            self._not_applied(problem)
            return
        if self._cancel.is_set() and (state.next or state.interrupts):
            self._finish(RunStatus.STOPPED)
        elif state.interrupts or state.next:  # interrupts, or a static breakpoint
            self._enter_waiting(state)
        else:
            self._finish(RunStatus.DONE, result=_strip(state.values if values is UNSET else values))

    def _restore(self) -> None:
        state = self.graph.get_state(self.config)
        step = (state.metadata or {}).get("step")
        if not state.interrupts and _mid_step(state) and "checkpoint_id" not in (self.config.get("configurable") or {}):
            self.journal.add("info", text=f"Thread {self.thread_id!r} stopped in the middle of step {step} (the "
                                          "kernel or process ended after some of its nodes' results were saved, "
                                          "before the step's checkpoint): continuing it. Nodes whose results were "
                                          "saved are not run again.", status="done")
            for name in self._ran_before(state):
                self.journal.node_status(name, NodeStatus.DONE)
            self._segment(None)
        elif state.interrupts or state.next:
            self.journal.add("info", text=f"Thread {self.thread_id!r} restored from its checkpoint (step {step}); "
                                          "nothing was re-run.", status="done")
            input_entry(self.journal, state.values)  # the conversation so far, when the state holds messages
            for name in self._ran_before(state):
                self.journal.node_status(name, NodeStatus.DONE)
            self._enter_waiting(state)
        else:
            self._finish(RunStatus.DONE, result=_strip(state.values))

    def _ran_before(self, state: Any, limit: int = 200) -> set[str]:
        """Nodes that ran on this branch before the restored checkpoint, so the drawing colours them as done."""
        latest = _latest(self.config)
        if latest is self.config:
            earlier = itertools.islice(self.graph.get_state_history(latest), 1, limit)
        else:  # a config naming a checkpoint lists only that one (LangGraph 1.2): ask for the ones before it
            earlier = self.graph.get_state_history(latest, before=self.config, limit=limit)
        return {name for snapshot in earlier for name in snapshot.next} - {START, *state.next}

    def _enter_waiting(self, state: Any) -> None:
        for task in state.tasks:
            for item in task.interrupts:
                self._node_of.setdefault(item.id, task.name)
        new: list[Entry] = []
        self._delivery.paused(state)
        with self._lock:
            self._pending = list(state.interrupts)
            self._breakpoint = () if self._pending else tuple(state.next)
            for item in self._pending:
                if self.record.get(item.id) is None:
                    new.append(self.journal.insert("interrupt", key=item.id, node=self._node_of.get(item.id),
                                                   interrupt=item, status="waiting"))
            if self._breakpoint:
                names = ", ".join(dict.fromkeys(self._breakpoint))  # two tasks of one node name it once
                new.append(self.journal.insert("breakpoint", node=names, status="waiting",
                                               text=f"Paused before: {names}."))
            self._status = RunStatus.WAITING
            self._needs_human = self.policy is None or self._policy_failed
        for entry in new:
            self.journal.emit("on_entry", entry)
        for item in self._pending:
            self.journal.node_status(self._node_of.get(item.id), NodeStatus.INTERRUPTED)
        self.journal.emit("on_status", RunStatus.WAITING)
        self._publish()
        if self._needs_human:
            self._fail_cell_awaits()

    def _policy_may_answer(self) -> bool:
        return (self._status is RunStatus.WAITING and self.policy is not None and not self._policy_failed
                and not self._cancel.is_set())

    def _policy_input(self) -> Any:
        policy = self.policy
        assert policy is not None
        try:
            with self._lock:
                pending, breakpoint = list(self._pending), self._breakpoint
                done = set(self._answers)
            if not pending:
                if not policy.continue_breakpoint(breakpoint):
                    self._stop()
                    return _NO_INPUT
                return self._begin_resume(None, by=f"policy {policy.name!r}")
            given = {}
            for item in pending:
                if item.id not in done:
                    ctx = AnswerContext(self._node_of.get(item.id), self.approve_value, self.reject_value)
                    given[item.id] = policy.answer(item, ctx)
            return self._begin_resume(given, by=f"policy {policy.name!r}")
        except Exception as exc:
            self._policy_failed = True
            self.journal.error(f"policy {policy.name!r}", exc)
            with self._lock:
                self._needs_human = True
            self.journal.emit("on_status", self._status)
            self._publish()
            self._fail_cell_awaits()
            return _NO_INPUT

    # -- finishing ---------------------------------------------------------------------------------------------

    def _finish(self, status: RunStatus, *, result: Any = None, error: BaseException | None = None) -> None:
        with self._lock:
            if self._status.finished:
                return
            self._status, self._result, self._error = status, result, error
            self._pending, self._breakpoint, self._needs_human = [], (), False
            callbacks, self._callbacks = self._callbacks, []
        if status is RunStatus.DONE:
            self.journal.add("result", update=result, status="done")
        elif status is RunStatus.STOPPED:
            self.journal.add("info", text="Run stopped.", status="stopped")
        self.journal.emit("on_status", status)
        self._publish()
        for fn in callbacks:
            self._run_callback(fn)

    # -- helpers -----------------------------------------------------------------------------------------------

    def _publish(self) -> None:
        """Let waiters see the current status (called once observers have been told about it)."""
        with self._lock:
            self._shown, self._shown_human = self._status, self._needs_human
            self._cond.notify_all()

    def _idle(self) -> bool:
        return self._shown.finished or (self._shown is RunStatus.WAITING and self._shown_human)

def _latest(config: dict[str, Any]) -> dict[str, Any]:
    configurable = config.get("configurable") or {}
    if "checkpoint_id" not in configurable:
        return config
    return {**config, "configurable": {k: v for k, v in configurable.items() if k != "checkpoint_id"}}


def _strip(values: Any) -> Any:
    if isinstance(values, dict) and INTERRUPT in values:
        return {k: v for k, v in values.items() if k != INTERRUPT}
    return values


def _mid_step(state: Any) -> bool:
    """Whether ``state`` is a step cut short (a crash after some tasks' writes were saved, before the step's
    checkpoint): some task already has its result, or tasks are left although ``next`` is empty (both engines
    leave the tasks whose writes were saved out of ``next``, as LangGraph 1.2)."""
    return bool(state.tasks) and (not state.next or any(t.result is not None for t in state.tasks))
