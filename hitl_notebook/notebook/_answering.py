"""The one place a run takes an answer (issue 15): from a panel click, a policy, the console or ``resume()``.

:meth:`AnsweringMixin._claim` checks that the run can take the answer, that the checkpointer can store it and that
nobody answered it first, records each decision exactly as it is sent, and switches the run to running, all under
the run's lock, so a click and a ``resume()`` racing cannot both be sent. What happens to the answer afterwards
(applied, refused by the graph, never reaching the thread, a conflict with another process) is settled here too,
with the checks of :mod:`._delivery`.
"""

from __future__ import annotations

from dataclasses import replace
from typing import Any

from ._delivery import Undelivered
from ._errors import RunStateError
from ._payloads import decision_label
from ._record import Decision, Entry, RunStatus
from ._traceback import trace_of

__all__ = ["NO_CHECKPOINTER", "REPLAYED", "AnsweringMixin"]

NO_CHECKPOINTER = (
    "This graph has no checkpointer, so an interrupted run cannot be resumed. Compile it with one: "
    "`from hitl_notebook.checkpoint.memory import InMemorySaver` (`langgraph.checkpoint.memory` for a graph built "
    "with langgraph) then `builder.compile(checkpointer=InMemorySaver())`; an @entrypoint takes it as "
    "`@entrypoint(checkpointer=InMemorySaver())`."
)


class AnsweringMixin:
    """Part of :class:`._driver.RunDriver`: taking answers and settling what became of them."""

    # provided by RunDriver
    graph: Any
    config: dict[str, Any]
    engine: Any
    journal: Any
    approve_value: Any
    reject_value: Any

    def _not_applied(self, problem: Undelivered) -> None:
        error = self._delivery.record_not_applied(self.journal, problem)
        self.journal.error("run", error)
        self._finish(RunStatus.ERROR, error=error)

    def _failed(self, exc: BaseException, started: set[str]) -> None:
        if not isinstance(exc, Exception):  # KeyboardInterrupt / SystemExit: stop, then let it through
            self._cancel.set()
            self._finish(RunStatus.STOPPED)
            raise exc
        conflict = self._delivery.conflict(exc)
        if conflict is not None:  # the saver refused: another run continued this checkpoint first
            self._not_applied(conflict)
            return
        answered = set(self._delivery.sent)
        if answered and self.resumable and _is_validation_error(exc):
            self._delivery.sent, self._delivery.in_flight = set(), False
            state = self.graph.get_state(self.config)
            rejected = {i.id for i in state.interrupts if i.id in answered}
            if rejected:  # pydantic refused the answer: the interrupt stays pending, the panel reopens
                self._delivery.refused(rejected)  # refused: it may be answered again
                self._reopen(rejected, f"The graph rejected this answer:\n{exc}", state)
                return
        elif answered and self.resumable:
            state = self._delivery.untouched(self.graph, self.config)
            if state is not None:  # none of it reached the thread (e.g. saving it failed): nothing was applied
                self._reopen(answered, f"This answer could not be applied, so nothing was sent to the graph and "
                                       f"the interrupt is still pending; answer it again:\n{type(exc).__name__}: "
                                       f"{exc}", state)
                return
        if self.resumable:
            try:
                self._delivery.record_applied(self.journal, self._delivery.settled(self.graph, self.config, started))
            except Undelivered as problem:
                if problem.conflict:  # the run failed because the thread had moved on: that is the error
                    self._not_applied(problem)
                    return
                if problem.paused is not None and not self.engine.replays_failed_answer:
                    self._retake(problem, exc)  # the node raised on its answer: ask again
                    return
                if problem.paused is not None:
                    problem = Undelivered(problem.ids, f"{problem.reason} {REPLAYED}")
                self._delivery.record_not_applied(self.journal, problem)
        self.journal.error("run", exc)
        self._finish(RunStatus.ERROR, error=exc)

    def _reopen(self, ids: set[str], error: str, state: Any, *, trace: Any = None) -> None:
        """The answers to ``ids`` were not applied and their interrupts are still pending: clear the decisions,
        show ``error`` (and the folded ``trace``) in their panels, wait again. A policy that gave them hands over
        to a human, so it never loops; the console's human is asked again."""
        self._policy_failed = not getattr(self.policy, "asks_a_human", False)
        for iid in sorted(ids):
            entry = self.record.get(iid)
            if entry is not None:
                self.journal.change(entry, decision=None, status="waiting", error=error, trace=trace)
        self._enter_waiting(state)

    def _retake(self, problem: Undelivered, exc: Exception) -> None:
        """The node raised after receiving the answers ``problem.ids``, and the thread is still paused at them on
        an engine that takes a new answer: keep them in the record as not applied (``Entry.earlier``) and ask
        again, the node's error in their panels (issue 15, case 5)."""
        self._delivery.retake(problem)
        trace = trace_of(exc)
        with self._lock:
            for iid in problem.ids:
                entry = self.record.get(iid)
                if entry is not None and entry.decision is not None:
                    failed = replace(entry.decision, applied=False, error=f"Not applied: the node raised after "
                                     f"receiving this answer, and the interrupt was asked again.\n{trace.headline}")
                    entry.earlier = [*entry.earlier, failed]
        self._reopen(set(problem.ids), f"{problem.reason} Answer it again: the node runs again with the new "
                                       f"answer.\n{trace.headline}", problem.paused, trace=trace)

    def _begin_resume(self, given: dict[str, Any] | None, *, by: str) -> Any:
        """Record the decisions and switch to running; returns the input of the next stream call."""
        with self._lock:
            step, changed = self._claim(given, by=by)
        self._announce(changed)
        return step

    def _claim(self, given: dict[str, Any] | None, *, by: str) -> tuple[Any, list[Entry]]:
        """The one place an answer is taken (call with the lock held): check that the run can take ``given``
        (``None``: a breakpoint's Continue) and that the checkpointer can store it, record each decision exactly
        as it is sent, switch to running. Returns the resume input and the entries to announce (outside the lock).

        Raises ``RunStateError`` (not waiting, or answered already: nothing is sent), ``ValueError`` (not pending)
        or :class:`UnstorableAnswerError` (the run keeps waiting).
        """
        changed: list[Entry] = []
        self._check_waiting()
        if given is None:
            step: Any = None
            bp = next((e for e in reversed(self.record.entries) if e.kind == "breakpoint"), None)
            if bp is not None:
                bp.decision, bp.status = Decision("", None, "continued", by), "answered"
                changed.append(bp)
            self._delivery.send(set())
        else:
            ids = {i.id for i in self._pending}
            unknown = set(given) - ids
            if unknown:
                raise ValueError(f"Not pending: {sorted(unknown)} (pending: {sorted(ids)}).")
            for iid in given:
                self._check_answerable(iid)
            twice = self._delivery.twice(set(given) | set(self._answers))
            if twice:  # e.g. a policy meeting an interrupt again: never answer one interrupt twice
                raise RunStateError(f"Interrupt(s) {', '.join(twice)} already had an answer in this run; "
                                    "an interrupt is answered at most once.")
            self._delivery.storable(self.graph, given)
            for iid, value in given.items():
                entry = self.record.get(iid)
                if entry is not None:
                    entry.decision, entry.status, entry.error = self._decision(iid, value, by), "answered", None
                    entry.trace = None
                    changed.append(entry)
            for iid in self._answers:
                entry = self.record.get(iid)
                if entry is not None and entry.waiting_for_others:
                    entry.waiting_for_others = False
                    changed.append(entry)
            step = self.engine.resume({**self._answers, **given})
            self._delivery.send(set(self._answers) | set(given))
        self._answers = {}
        self._status = RunStatus.RUNNING
        self._needs_human = False
        self._publish()
        return step, changed

    def _announce(self, changed: list[Entry]) -> None:
        """Tell observers about the decisions :meth:`_claim` recorded and that the run is running again."""
        for entry in changed:
            self.journal.emit("on_change", entry)
        self.journal.emit("on_status", RunStatus.RUNNING)

    def _check_waiting(self) -> None:
        if not self.resumable:  # the cause, not the symptom (such a run ends in error at its first interrupt)
            raise RunStateError(NO_CHECKPOINTER)
        if self._status is not RunStatus.WAITING:
            again = "" if self._status in (RunStatus.RUNNING, RunStatus.DONE) else (
                " Its thread may still be paused: show(graph, handle.config) shows what it asks now.")
            raise RunStateError(f"The run is {self._status.value}, not waiting for an answer.{again}")

    def _check_answerable(self, interrupt_id: str | None) -> None:
        """Raise ``RunStateError`` naming the earlier decision when ``interrupt_id`` already has an answer (in a
        panel, by ``resume()`` or a policy): whoever answers first wins and the other answer is never sent.
        Without an id, a run that is no longer waiting explains itself by the last interrupt's decision."""
        waiting = self._status is RunStatus.WAITING
        if interrupt_id is not None:
            entry = self.record.get(interrupt_id)
        else:
            entry = None if waiting else next((e for e in reversed(self.record.entries) if e.kind == "interrupt"),
                                              None)
        decision = entry.decision if entry is not None else None
        if entry is not None and decision is not None and decision.applied is not False:
            why = f"interrupt {entry.key} was already answered ({decision.caption()}); this answer was not sent."
            raise RunStateError(why[0].upper() + why[1:] if waiting else
                                f"The run is {self._status.value}, not waiting for an answer: {why}")
        self._check_waiting()

    def _decision(self, interrupt_id: str, value: Any, by: str) -> Decision:
        asked = next((i for i in self._pending if i.id == interrupt_id), None)  # names the tool in HITL labels
        return Decision(interrupt_id, value, decision_label(value, self.approve_value, self.reject_value,
                                                            interrupt=asked), by)


REPLAYED = ("LangGraph gives the node this same answer again on every later resume of the thread, whatever the "
            "new answer, so it cannot be answered again: fix the node and continue with graph.invoke(None, config) "
            "to retry with this answer, or start a new thread. (A graph compiled with hitl_notebook's engine takes "
            "a new answer: its panel reopens.)")


def _is_validation_error(exc: BaseException) -> bool:
    return type(exc).__name__ == "ValidationError" and type(exc).__module__.startswith("pydantic")
