"""A decision recorded is a decision delivered: checks around every resume of a run.

Before answers are sent, the thread must still be paused at the interrupts they answer (another kernel or process
may have answered first, or the run finished). After the resume, the thread must have moved past them: the same
interrupt must not come back, and the answer must not have been taken as new input (a graph restarting from
``START`` writes a checkpoint whose metadata ``source`` is ``"input"``). Each interrupt id is answered at most once
per run, so no approval policy can loop on an answer that is not applied. The checks use only the public state
API (``get_state``, ``get_state_history``), the same for both engines.
"""

from __future__ import annotations

import itertools
from dataclasses import replace
from typing import Any

from ._errors import DecisionNotAppliedError
from ._journal import Journal

__all__ = ["Delivery", "Undelivered"]

_HISTORY_LIMIT = 1000  # checkpoints looked at after a resume; a resume writes a handful


class Undelivered(Exception):
    """Answers that were not applied: ``ids`` and a sentence saying why."""

    def __init__(self, ids: list[str], reason: str) -> None:
        super().__init__(reason)
        self.ids, self.reason = ids, reason


class Delivery:
    """What a run has answered, and where its thread was paused when the answers were given."""

    def __init__(self) -> None:
        self.sent: set[str] = set()  # ids answered by the resume in flight
        self.answered: set[str] = set()  # every id answered in this run
        self.paused_at: str | None = None  # checkpoint id of the paused thread

    def paused(self, state: Any) -> None:
        """The run is waiting at ``state`` (a ``StateSnapshot``)."""
        self.paused_at = ((state.config or {}).get("configurable") or {}).get("checkpoint_id")

    def twice(self, ids: set[str]) -> list[str]:
        """The ids among ``ids`` that already had an answer in this run (none may be answered twice)."""
        return sorted(ids & self.answered)

    def send(self, ids: set[str]) -> None:
        """Answers to ``ids`` are about to be sent."""
        self.sent = set(ids)
        self.answered |= self.sent

    def refused(self, ids: set[str]) -> None:
        """The graph refused these answers (e.g. a ``response_schema`` check): they may be answered again."""
        self.answered -= ids
        self.sent -= ids

    def before(self, graph: Any, config: dict[str, Any]) -> None:
        """Raise :class:`Undelivered` when the thread is no longer paused at the answered interrupts."""
        if not self.sent:
            return
        pending = {i.id for i in graph.get_state(config).interrupts}
        gone = sorted(self.sent - pending)
        if gone:
            self.sent = set()
            raise Undelivered(gone, "the thread had already moved on when it was sent: another kernel or process "
                                    "answered first, or the run had finished. Nothing was sent; see "
                                    "graph.get_state(config) for where the thread is now.")

    def after(self, graph: Any, config: dict[str, Any], state: Any) -> set[str]:
        """After the resume: return the ids now known to be applied, or raise :class:`Undelivered`."""
        sent, self.sent = self.sent, set()
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
        return sent

    def record_applied(self, journal: Journal, ids: set[str]) -> None:
        """Mark the decisions on ``ids`` as applied in the run's record."""
        for iid in ids:
            entry = journal.record.get(iid)
            if entry is not None and entry.decision is not None and entry.decision.applied is None:
                journal.change(entry, decision=replace(entry.decision, applied=True))

    def record_not_applied(self, journal: Journal, problem: Undelivered) -> DecisionNotAppliedError:
        """Mark the decisions of ``problem`` as *not applied*, with the reason; return the run's error."""
        for iid in problem.ids:
            entry = journal.record.get(iid)
            if entry is not None and entry.decision is not None:
                journal.change(entry, decision=replace(entry.decision, applied=False), status="error",
                               error=f"Not applied: {problem.reason}")
        return DecisionNotAppliedError(
            f"The answer to interrupt(s) {', '.join(problem.ids)} was not applied: {problem.reason}")

    def _restarted(self, graph: Any, config: dict[str, Any]) -> bool:
        if self.paused_at is None:
            return False
        for snapshot in itertools.islice(graph.get_state_history(config), _HISTORY_LIMIT):
            if ((snapshot.config or {}).get("configurable") or {}).get("checkpoint_id") == self.paused_at:
                return False
            if (snapshot.metadata or {}).get("source") == "input":
                return True
        return False
