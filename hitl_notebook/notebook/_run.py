"""``run()`` and ``show()``: one call that shows a graph run in the cell, or drives it in a console."""

from __future__ import annotations

import uuid
from typing import Any

from ._console import ConsolePolicy, ConsolePrinter
from ._controller import RunHandle
from ._driver import RunPendingError
from . import _env, _retire
from ._env import in_kernel, resolve_ui, stdin_is_tty
from ._policy import POLICY_ENV, as_policy, policy_from_env
from ._record import RunStatus

__all__ = ["HumanInputRequired", "run", "show"]


class HumanInputRequired(RunPendingError):
    """A console run reached an interrupt and nobody can answer it; the run stays paused (see ``.handle``)."""

    def __init__(self, handle: RunHandle, reason: str) -> None:
        super().__init__(
            f"The run is paused at an interrupt and {reason}. Pass run(..., policy=...) ('approve', 'reject', a "
            f"list of scripted answers, a dict keyed by node name, or a callable (interrupt) -> value), or set "
            f"{POLICY_ENV}=approve|reject|console|script:<json list>. The run stays paused: answer it later with "
            f"exc.handle.resume(value), or run(graph, None, config, policy=...) on thread "
            f"{handle.thread_id!r}.")
        self.handle = handle


def run(graph: Any, input: Any = None, config: dict[str, Any] | None = None, *, approve_value: Any = "approve",
        reject_value: Any = "reject", policy: Any = None, ui: str = "auto", display: bool = True) -> RunHandle:
    """Run ``graph`` on ``input`` with a human in the loop; returns a :class:`RunHandle`.

    In a notebook (``ui="widgets"``, the default inside a Jupyter kernel) the live view appears in the current
    cell and this returns at once; the graph runs on a worker thread and panel clicks resume it (a graph with
    ``async def`` nodes or an async ``@entrypoint`` runs with ``astream`` on that thread's own event loop). Elsewhere
    (``ui="console"``) the run is driven to its end here, printing as it goes, and interrupts are answered by
    console prompts (when stdin is a terminal) or by ``policy``.

    Args:
        graph: a compiled graph or ``@entrypoint`` workflow (needs a checkpointer to be resumed).
        input: the graph input. ``None`` on a paused thread shows its pending interrupts without re-running; with
            a ``checkpoint_id`` in ``config`` it replays from that checkpoint, as ``graph.invoke(None, config)``.
        config: the run config; a ``thread_id`` is generated when the graph has a checkpointer and none is given.
        approve_value / reject_value: what the Approve / Reject buttons send (e.g. ``True`` / ``False``).
        policy: who answers without a human: ``"approve"``, ``"reject"``, ``"console"``, ``"script:[...]"``, a
            list or dict of scripted answers, a callable ``(interrupt) -> value`` or a :class:`Policy`. Default:
            ``$HITL_NOTEBOOK_POLICY``. With widgets it answers automatically (headless notebook execution).
        ui: ``"widgets"``, ``"console"`` or ``"auto"`` (default; ``$HITL_NOTEBOOK_UI`` may choose).
        display: show the view in the cell (widgets mode; ``False`` leaves it to you: ``handle.view``).
    """
    replay = bool((config or {}).get("configurable", {}).get("checkpoint_id"))
    return _open(graph, input, config, restore=input is None and not replay, approve_value=approve_value,
                 reject_value=reject_value, policy=policy, ui=ui, display=display)


def _open(graph: Any, input: Any, config: dict[str, Any] | None, *, restore: bool, approve_value: Any = "approve",
          reject_value: Any = "reject", policy: Any = None, ui: str = "auto", display: bool = True) -> RunHandle:
    mode = resolve_ui(ui)
    chosen = as_policy(policy) if policy is not None else policy_from_env()
    config = _with_thread(graph, config)
    if mode == "widgets":
        from ._view import RunView

        if isinstance(chosen, ConsolePolicy):  # input() next to widgets is the trap of anchors §3.3, lesson 14
            chosen = None
        handle = RunHandle(graph, config, approve_value=approve_value, reject_value=reject_value, policy=chosen)
        handle.view = RunView(handle)
        if in_kernel():
            if display:
                handle.view.show()
            else:  # built for the caller to show later, it still belongs to this cell: closed when it runs again
                _retire.track(handle.view, _env._shell())
        handle._start(input, restore=restore)
        return handle
    interactive = stdin_is_tty()
    if chosen is None and interactive:
        chosen = ConsolePolicy()
    handle = RunHandle(graph, config, approve_value=approve_value, reject_value=reject_value, policy=chosen,
                       background=False)
    handle.add_observer(ConsolePrinter())
    handle._start(input, restore=restore)
    if handle.status is RunStatus.ERROR:
        handle.result  # raises the run's error  # noqa: B018
    if handle.status is RunStatus.WAITING:
        reason = ("the approval policy could not answer it (see the error above)" if chosen is not None
                  else "nobody can answer it: stdin is not a terminal and no approval policy is set")
        raise HumanInputRequired(handle, reason)
    return handle


def show(graph: Any, config: dict[str, Any], **kwargs: Any) -> RunHandle:
    """Show an existing thread (e.g. after a kernel restart with a SQLite checkpointer): its pending panels if it
    is paused, its result if it is finished. Nothing is re-run until you answer; at a past checkpoint (a
    ``checkpoint_id`` in ``config``) Continue replays from there. A thread cut short in the middle of a step (the
    process died after some nodes' results were saved) is continued, without re-running those nodes."""
    if not getattr(graph, "checkpointer", None):
        raise ValueError("show() needs a graph with a checkpointer (the thread's state lives there).")
    if graph.get_state(config).created_at is None:
        raise ValueError(f"Thread {(config.get('configurable') or {}).get('thread_id')!r} has no checkpoint yet; "
                         "start it with run(graph, input, config).")
    return _open(graph, None, config, restore=True, **kwargs)


def _with_thread(graph: Any, config: dict[str, Any] | None) -> dict[str, Any]:
    config = dict(config or {})
    configurable = dict(config.get("configurable") or {})
    if getattr(graph, "checkpointer", None) and not configurable.get("thread_id"):
        configurable["thread_id"] = f"run-{uuid.uuid4().hex[:12]}"
    if configurable:
        config["configurable"] = configurable
    return config
