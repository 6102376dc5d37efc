"""A decision recorded is a decision delivered: checks around every resume of a run (issues 12 and 15).

Every answer, from a panel, a policy, the console or ``handle.resume()``, passes here:

- before anything is sent, it is refused when the checkpointer cannot store it (:meth:`Delivery.storable`), when
  another run of this process is resuming the same checkpoint (a claim), or when the thread is no longer paused
  at the checkpoint the run shows (:meth:`Delivery.before`): another kernel, process or handle answered first, the
  run finished, or a newer checkpoint replaced it. A refusal for a thread that moved on is a
  :class:`DecisionConflictError` (a ``CheckpointConflictError``), like the SQLite savers' own compare-and-swap;
- after the resume (:meth:`Delivery.after`) it counts as applied only when the thread moved past the interrupt,
  the same interrupt did not come back, the graph did not take the answer as new input (restarting from
  ``START`` writes a checkpoint whose metadata ``source`` is ``"input"``), and the task that asked actually ran
  again with it (so a resume that loaded a checkpoint another process saved meanwhile shows up);
- after a failed resume, :meth:`Delivery.untouched` tells whether none of it reached the thread (the interrupt is
  then answerable again) and :meth:`Delivery.settled` what became of it otherwise.

Each interrupt id is answered at most once per run, so no approval policy can loop on an answer that is not
applied. The checks use only the public API both engines share: ``get_state``, ``get_state_history``, the stream's
``tasks`` events, and the checkpointer's ``serde`` and ``get_tuple``.
"""

from __future__ import annotations

import itertools
import threading
from dataclasses import replace
from typing import Any

from ..constants import NULL_TASK_ID, RESUME
from ..errors import CheckpointConflictError
from ._errors import DecisionConflictError, DecisionNotAppliedError, UnstorableAnswerError
from ._journal import Journal

__all__ = ["FAILED_AFTER_ANSWER", "Delivery", "Undelivered"]

_HISTORY_LIMIT = 1000  # checkpoints looked at after a resume; a resume writes a handful


class Undelivered(Exception):
    """Answers that were not applied: ``ids`` and a sentence saying why."""

    def __init__(self, ids: list[str], reason: str, *, conflict: bool = False, paused: Any = None,
                 received: frozenset[str] = frozenset()) -> None:
        super().__init__(reason)
        self.ids, self.reason, self.conflict = ids, reason, conflict
        self.paused = paused  # the thread's state when it is still paused at these interrupts (a node failed)
        self.received = received  # other ids sent with them whose tasks finished with their answers


_MOVED_ON = ("the thread had already moved on when it was sent: another kernel, process or handle answered first, "
             "or the run had finished or continued elsewhere. Nothing was sent. Reload the thread with "
             "show(graph, config) (or see graph.get_state(config)) and answer what it asks now.")

_LOADED_MOVED_ON = ("the thread moved on while it was being sent (another kernel, process or handle answered at the "
                    "same moment): the task that asked did not run with this answer. Reload the thread with "
                    "show(graph, config) (or see graph.get_state(config)) and answer what it asks now.")

FAILED_AFTER_ANSWER = ("the node raised after receiving the answer (see the error below), so the thread did not "
                       "move past the interrupt and is still paused there.")

_CLAIMED = ("another run in this process is resuming the same paused checkpoint right now (a second handle or panel "
            "of the thread answered first). Nothing was sent. Reload the thread with show(graph, config) once "
            "that run has moved on.")

# (thread id, checkpoint id) -> the Delivery resuming that paused checkpoint right now, in this process
_CLAIMS: dict[tuple[Any, str], Delivery] = {}
_CLAIMS_LOCK = threading.Lock()


class Delivery:
    """What a run has answered, and where its thread was paused when the answers were given."""

    def __init__(self) -> None:
        self.sent: set[str] = set()  # ids answered by the resume in flight
        self.answered: set[str] = set()  # every id answered in this run
        self.paused_at: str | None = None  # checkpoint id of the paused thread
        self.task_of: dict[str, str] = {}  # interrupt id -> id of the task that asked it (at ``paused_at``)
        self.in_flight = False  # a resume (answers or a breakpoint's Continue) is on its way
        self.carried: set[str] = set()  # received by tasks that finished in a step not saved yet (see retake)
        self._claims: set[tuple[Any, str]] = set()  # keys of _CLAIMS this run holds while its resume runs

    def paused(self, state: Any) -> None:
        """The run is waiting at ``state`` (a ``StateSnapshot``)."""
        self.paused_at = _checkpoint_id(state)
        self.task_of = {item.id: task.id for task in state.tasks for item in task.interrupts}

    def storable(self, graph: Any, answers: dict[str, Any]) -> None:
        """Raise :class:`UnstorableAnswerError` when the graph's checkpointer cannot store one of ``answers``.

        Checked before anything is sent, with the checkpointer's own serializer (as it stores the resume value):
        a value that fails here would fail inside the run after the panel was already locked.
        """
        serde = getattr(getattr(graph, "checkpointer", None), "serde", None)
        dumps = getattr(serde, "dumps_typed", None)
        if dumps is None:
            return
        for iid, value in answers.items():
            try:
                dumps(value)
            except Exception as exc:
                raise UnstorableAnswerError(
                    f"The graph's checkpointer ({type(graph.checkpointer).__name__}) cannot store the answer to "
                    f"interrupt {iid} ({type(value).__name__}): {exc}. Nothing was sent and the interrupt is still "
                    "pending: answer it again with a value the checkpointer can store (JSON-like data, a "
                    "dataclass or a pydantic model).") from exc

    def twice(self, ids: set[str]) -> list[str]:
        """The ids among ``ids`` that already had an answer in this run (none may be answered twice)."""
        return sorted(ids & self.answered)

    def send(self, ids: set[str]) -> None:
        """Answers to ``ids`` (none: a breakpoint's Continue) are about to be sent."""
        self.sent = set(ids)
        self.answered |= self.sent
        self.in_flight = True

    def refused(self, ids: set[str]) -> None:
        """The graph refused these answers (e.g. a ``response_schema`` check): they may be answered again."""
        self.answered -= ids
        self.sent -= ids

    def before(self, graph: Any, config: dict[str, Any]) -> None:
        """Raise :class:`Undelivered` (a conflict) when the thread is no longer paused where the run showed it:
        the answered interrupts are gone, or a newer checkpoint (another process's step, a fork) replaced it."""
        if not self.in_flight:
            return
        if not self._claim(config):
            ids, self.sent, self.in_flight = sorted(self.sent), set(), False
            raise Undelivered(ids, _CLAIMED, conflict=True)
        state = graph.get_state(config)
        gone = sorted(self.sent - {i.id for i in state.interrupts})
        moved = self.paused_at is not None and _checkpoint_id(state) != self.paused_at
        if gone or moved:
            ids, self.sent, self.in_flight = sorted(self.sent), set(), False
            self.release()
            raise Undelivered(ids, _MOVED_ON, conflict=True)

    def _claim(self, config: dict[str, Any]) -> bool:
        """Claim the paused checkpoint for this resume within the process; False when another run holds it.

        Two handles of one process (two ``show()`` of one thread) could otherwise both pass the check above and
        both resume: across processes the SQLite savers' compare-and-swap refuses the later one.
        """
        if self.paused_at is None:
            return True
        key = ((config.get("configurable") or {}).get("thread_id"), self.paused_at)
        with _CLAIMS_LOCK:
            if _CLAIMS.setdefault(key, self) is not self:
                return False
            self._claims.add(key)
        return True

    def release(self) -> None:
        """The resume in flight has ended (applied, refused or failed): other runs may look at the thread again."""
        with _CLAIMS_LOCK:
            for key in self._claims:
                if _CLAIMS.get(key) is self:
                    del _CLAIMS[key]
            self._claims.clear()

    def after(self, graph: Any, config: dict[str, Any], state: Any, started: set[str]) -> set[str]:
        """After the resume: return the ids now known to be applied, or raise :class:`Undelivered`.

        ``started`` holds the ids of the root tasks the resume ran: the task that asked an interrupt runs again
        with its answer, so a resume that loaded a checkpoint another process had saved meanwhile shows up here.
        """
        sent, self.sent, self.in_flight = self.sent, set(), False
        if not sent:
            return set()
        back = sorted(sent & {i.id for i in state.interrupts})
        if back:
            raise Undelivered(back, "the graph asked the same interrupt again after receiving the answer, so the "
                                    "answer was not applied.")
        if self._restarted(graph, config):
            raise Undelivered(sorted(sent), "the graph took the answer as new input and started over instead of "
                                            "resuming (was the resume Command made by another engine than the "
                                            "graph's?).")
        missed = sorted(i for i in sent if i in self.task_of and self.task_of[i] not in started)
        if missed:
            raise Undelivered(missed, _LOADED_MOVED_ON, conflict=True)
        carried, self.carried = self.carried, set()
        return sent | carried

    def retake(self, failed: Undelivered) -> None:
        """A node raised after receiving the answers ``failed.ids`` and the thread, still paused at them, takes a
        new answer: they may be answered again. Answers sent with them whose tasks finished (``failed.received``)
        were used; they count as applied once the step is saved, i.e. with the next resume that is applied."""
        self.refused(set(failed.ids))
        self.carried |= failed.received

    def untouched(self, graph: Any, config: dict[str, Any]) -> Any:
        """After a resume that failed: the thread's state when none of the answers reached it (e.g. saving them
        failed), so the run can wait for them again; else ``None``.

        Untouched means: still paused at the same checkpoint with the answered interrupts pending, their tasks
        have neither a result nor an error, and the checkpointer holds no resume value for them (a saved one
        would be replayed to the node instead of a new answer).
        """
        sent = self.sent
        if not sent:
            return None
        state = graph.get_state(config)
        if _checkpoint_id(state) != self.paused_at or not sent <= {i.id for i in state.interrupts}:
            return None
        tasks = {self.task_of.get(i) for i in sent}
        if any(t.id in tasks and (t.result is not None or t.error is not None) for t in state.tasks):
            return None
        saved = graph.checkpointer.get_tuple(state.config)
        if saved is None or any(w[0] in tasks | {NULL_TASK_ID} and w[1] == RESUME for w in saved.pending_writes or ()):
            return None
        self.sent, self.in_flight = set(), False
        self.answered -= sent  # never applied: they may be answered again
        return state

    def settled(self, graph: Any, config: dict[str, Any], started: set[str]) -> set[str]:
        """After a resume that failed: the answered ids the thread moved past anyway (applied before a later
        failure), for the record.

        Raises :class:`Undelivered`: a conflict when the thread moved on although the tasks that asked did not run
        (another process answered first), or *not applied* when the thread is still paused at them (no step was
        saved past the interrupt); when the tasks that asked raised (the node failed after receiving the answer),
        its ``paused`` holds the thread's state, so the run may ask again (see :meth:`retake`).
        """
        sent, self.sent, self.in_flight = self.sent, set(), False
        if not sent:
            return set()
        state = graph.get_state(config)
        pending = {i.id for i in state.interrupts}
        if _checkpoint_id(state) == self.paused_at:
            stuck = sorted(sent & pending)
            failed = {t.id for t in state.tasks if t.error is not None}
            if stuck and all(self.task_of.get(i) in failed for i in stuck):  # the tasks that asked raised
                raise Undelivered(stuck, FAILED_AFTER_ANSWER, paused=state, received=frozenset(sent - pending))
            if stuck:
                raise Undelivered(stuck, "the run failed before the thread moved past the interrupt (see the error "
                                         "below); the thread is still paused there, and show(graph, config) "
                                         "shows it again.")
            return set()
        missed = sorted(i for i in sent if i in self.task_of and self.task_of[i] not in started)
        if missed:
            raise Undelivered(missed, _LOADED_MOVED_ON, conflict=True)
        return sent - pending

    def conflict(self, exc: BaseException) -> Undelivered | None:
        """The sent answers as :class:`Undelivered` when ``exc`` is the saver's ``CheckpointConflictError``."""
        if not isinstance(exc, CheckpointConflictError):
            return None
        sent, self.sent, self.in_flight = sorted(self.sent), set(), False
        return Undelivered(sent, f"another run saved a step on this thread first: {exc}", conflict=True)

    def record_applied(self, journal: Journal, ids: set[str]) -> None:
        """Mark the decisions on ``ids`` as applied in the run's record."""
        for iid in ids:
            entry = journal.record.get(iid)
            if entry is not None and entry.decision is not None and entry.decision.applied is None:
                journal.change(entry, decision=replace(entry.decision, applied=True))

    def record_not_applied(self, journal: Journal, problem: Undelivered) -> DecisionNotAppliedError:
        """Mark the decisions of ``problem`` as *not applied*, with the reason; return the run's error."""
        if problem.ids:
            entries = [journal.record.get(iid) for iid in problem.ids]
        else:  # a breakpoint's Continue
            entries = [next((e for e in reversed(journal.record.entries) if e.kind == "breakpoint"), None)]
        why = "Not applied (CheckpointConflictError)" if problem.conflict else "Not applied"
        for entry in entries:
            if entry is not None and entry.decision is not None:
                journal.change(entry, decision=replace(entry.decision, applied=False), status="error",
                               error=f"{why}: {problem.reason}")
        kind = DecisionConflictError if problem.conflict else DecisionNotAppliedError
        what = f"The answer to interrupt(s) {', '.join(problem.ids)}" if problem.ids else "Continue"
        return kind(f"{what} was not applied: {problem.reason}")

    def _restarted(self, graph: Any, config: dict[str, Any]) -> bool:
        if self.paused_at is None:
            return False
        for snapshot in itertools.islice(graph.get_state_history(config), _HISTORY_LIMIT):
            if _checkpoint_id(snapshot) == self.paused_at:
                return False
            if (snapshot.metadata or {}).get("source") == "input":
                return True
        return False


def _checkpoint_id(state: Any) -> str | None:
    return ((getattr(state, "config", None) or {}).get("configurable") or {}).get("checkpoint_id")
