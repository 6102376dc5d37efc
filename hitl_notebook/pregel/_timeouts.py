"""``TimeoutPolicy`` and the coercion of ``timeout=`` arguments (a number, a ``timedelta`` or a policy), as LangGraph 1.2."""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Literal

_SYNC_TIMEOUT_PREFIX = (
    "Node timeouts are only supported for async nodes because sync Python execution cannot be safely cancelled "
    "in-process."
)


@dataclass(frozen=True)
class TimeoutPolicy:
    """Per-attempt limits of a node: ``run_timeout`` (wall clock) and ``idle_timeout`` (without progress), seconds."""

    run_timeout: float | timedelta | None = None
    idle_timeout: float | timedelta | None = None
    refresh_on: Literal["auto", "heartbeat"] = "auto"

    @classmethod
    def coerce(cls, value: Any) -> "TimeoutPolicy | None":
        """Normalise a number of seconds, a ``timedelta`` or a policy (see ``coerce``)."""
        return coerce(value)


def coerce(value: Any) -> TimeoutPolicy | None:
    """Normalise ``timeout=``: ``None`` stays ``None``; seconds must be positive (``ValueError`` as LangGraph)."""
    if value is None:
        return None
    policy = value if isinstance(value, TimeoutPolicy) else TimeoutPolicy(run_timeout=value)
    if policy.refresh_on not in ("auto", "heartbeat"):
        raise ValueError("refresh_on must be 'auto' or 'heartbeat'")
    run = _seconds(policy.run_timeout, "run_timeout")
    idle = _seconds(policy.idle_timeout, "idle_timeout")
    if run is None and idle is None:
        return None
    return TimeoutPolicy(run_timeout=run, idle_timeout=idle, refresh_on=policy.refresh_on)


def _seconds(value: float | timedelta | None, field: str) -> float | None:
    if value is None:
        return None
    seconds = value.total_seconds() if isinstance(value, timedelta) else float(value)
    if seconds <= 0:
        raise ValueError(f"{field} must be greater than 0")
    return seconds


def sync_unsupported(name: str, kind: str = "Node") -> ValueError:
    """LangGraph's error for a timeout on a node (or ``@task``: ``kind="Task"``) that is not a coroutine."""
    return ValueError(f"{_SYNC_TIMEOUT_PREFIX} {kind} {name!r} is sync.")


def check_supported(name: str, policy: TimeoutPolicy | None, is_async: bool, kind: str = "Node") -> None:
    """When a node is compiled (a ``@task`` decorated): only a coroutine function can time out (``ValueError``,
    LangGraph's text)."""
    if policy is not None and not is_async:
        raise sync_unsupported(name, kind)


async def timed(name: str, policy: TimeoutPolicy, call: Callable[[Any, dict[str, Any]], Awaitable[Any]], value: Any,
                config: dict[str, Any]) -> Any:
    """One attempt of ``call(value, config)`` under ``policy``, as LangGraph 1.2's timed attempts.

    Raises ``NodeTimeoutError`` once ``run_timeout`` seconds have passed, or ``idle_timeout`` seconds without
    progress (see ``_progress``); the abandoned attempt is cancelled and what it streams afterwards is dropped.
    A ``TimeoutError`` the node raises itself passes through unchanged.
    """
    from ..errors import NodeTimeoutError
    from ._progress import Progress

    start = time.monotonic()
    progress = Progress(policy.refresh_on if policy.idle_timeout is not None else None)
    restore = progress.attach()
    try:
        work = asyncio.ensure_future(call(value, progress.wrap_config(config)))
    except BaseException:
        restore()
        raise
    run_deadline = None if policy.run_timeout is None else start + policy.run_timeout
    try:
        while True:
            now = time.monotonic()
            kind, left = "run", float("inf")
            if run_deadline is not None:
                left = run_deadline - now
            if policy.idle_timeout is not None and progress.last + policy.idle_timeout - now < left:
                kind, left = "idle", progress.last + policy.idle_timeout - now
            if left <= 0:
                break
            done, _ = await asyncio.wait({work}, timeout=left)
            if done:
                return work.result()
    except asyncio.CancelledError:  # the run was cancelled: the node handles its CancelledError first
        work.cancel()
        await asyncio.wait({work})
        raise
    finally:
        progress.close()
        restore()
    work.cancel()
    work.add_done_callback(_retrieve)
    raise NodeTimeoutError(name, time.monotonic() - start, kind=kind, idle_timeout=policy.idle_timeout,
                           run_timeout=policy.run_timeout)


def _retrieve(work: asyncio.Future) -> None:
    """The abandoned attempt's outcome is nobody's: mark it retrieved so asyncio does not log it."""
    if not work.cancelled():
        work.exception()
