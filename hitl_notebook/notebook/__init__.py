"""Run graphs in notebook cells with a human in the loop.

``run(graph, input, config)`` shows the live view in the cell (graph with node status, streamed output and
prints, interrupt panels) and returns a :class:`RunHandle` at once; clicking a panel resumes the run. Outside a
notebook the same call drives the run in the console, with prompts or an approval policy.
"""

from ._audit import export_audit
from ._console import ConsolePolicy
from ._controller import DecisionNotAppliedError, RunHandle, RunPendingError, RunStateError, RunStoppedError
from ._errors import DecisionConflictError, UnstorableAnswerError
from ._journal import RunObserver
from ._panels import Panel, PanelContext
from ._payloads import register_renderer
from ._policy import (
    AnswerContext,
    Policy,
    PolicyError,
    as_policy,
    auto_approve,
    auto_reject,
    from_callable,
    policy_from_env,
    scripted,
)
from ._record import Decision, Entry, RunStatus
from ._run import HumanInputRequired, run, show
from ._view import RunView

__all__ = [
    "AnswerContext",
    "ConsolePolicy",
    "Decision",
    "DecisionConflictError",
    "DecisionNotAppliedError",
    "Entry",
    "HumanInputRequired",
    "Panel",
    "PanelContext",
    "Policy",
    "PolicyError",
    "RunHandle",
    "RunObserver",
    "RunPendingError",
    "RunStateError",
    "RunStatus",
    "RunStoppedError",
    "RunView",
    "UnstorableAnswerError",
    "as_policy",
    "auto_approve",
    "auto_reject",
    "export_audit",
    "from_callable",
    "policy_from_env",
    "register_renderer",
    "run",
    "scripted",
    "show",
]
