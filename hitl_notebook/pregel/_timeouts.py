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


def sync_unsupported(name: str) -> ValueError:
    """LangGraph's error for a timeout on a node that does not run as a coroutine."""
    return ValueError(f"{_SYNC_TIMEOUT_PREFIX} Node {name!r} is sync.")


def check_supported(name: str, policy: TimeoutPolicy | None, is_async: bool) -> None:
    """At compile time: a sync node cannot time out (``ValueError``, as LangGraph); ``idle_timeout`` is not built."""
    if policy is None:
        return
    if not is_async:
        raise sync_unsupported(name)
    if policy.idle_timeout is not None:
        raise NotImplementedError(
            f"Node {name!r}: idle_timeout is not supported by hitl_notebook (it needs LangGraph's progress "
            "signals). Use run_timeout, a hard limit per attempt."
        )


def with_run_timeout(name: str, policy: TimeoutPolicy, make: Callable[[], Awaitable[Any]]) -> Callable[[], Any]:
    """A coroutine factory whose attempt fails with ``NodeTimeoutError`` after ``run_timeout`` seconds."""
    from ..errors import NodeTimeoutError

    async def timed() -> Any:
        start = time.monotonic()
        try:
            return await asyncio.wait_for(make(), policy.run_timeout)
        except asyncio.TimeoutError:
            raise NodeTimeoutError(name, time.monotonic() - start, kind="run", run_timeout=policy.run_timeout,
                                   idle_timeout=policy.idle_timeout) from None

    return timed
