"""Errors of the notebook layer: a run that has no result yet, a request that does not fit its state, an answer
that could not be applied."""

from __future__ import annotations

__all__ = ["DecisionNotAppliedError", "RunPendingError", "RunStateError", "RunStoppedError"]


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
