"""Errors of the notebook layer: a run that has no result yet, a request that does not fit its state, an answer
that could not be applied."""

from __future__ import annotations

from ..errors import CheckpointConflictError

__all__ = ["DecisionConflictError", "DecisionNotAppliedError", "RunPendingError", "RunStateError",
           "RunStoppedError", "UnstorableAnswerError"]


class RunPendingError(RuntimeError):
    """The run has no result yet: it is still running, or waiting for a human."""

    def _render_traceback_(self) -> list[str]:
        """What IPython shows instead of a traceback: waiting for a click is a state to explain, not a crash."""
        return [f"\x1b[0;33m{type(self).__name__}\x1b[0m: {self}"]


class RunStateError(RuntimeError):
    """The request does not fit the run's state (e.g. resuming a run that is not waiting)."""


class RunStoppedError(RuntimeError):
    """The run was stopped before it finished."""


class DecisionNotAppliedError(RunStateError):
    """A human's answer could not be applied: the thread had moved on before it was sent (another kernel or
    process answered first, or the run had finished), or the graph asked the same interrupt again after receiving
    it. The decision is recorded as *not applied*; nothing was lost silently."""


class DecisionConflictError(DecisionNotAppliedError, CheckpointConflictError):
    """The answer came from a stale panel or handle: another kernel, process or handle answered the paused thread
    first, or the thread moved on (finished, forked, paused somewhere else). Nothing of this answer was applied.
    It is both a :class:`DecisionNotAppliedError` and the engine's ``CheckpointConflictError``, which the SQLite
    savers raise when two runs continue one checkpoint."""


class UnstorableAnswerError(ValueError):
    """The graph's checkpointer cannot store this answer, so it was not sent: the interrupt stays pending and can
    be answered again with a value the checkpointer can store."""
