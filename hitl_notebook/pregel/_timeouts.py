"""``TimeoutPolicy`` and the coercion of ``timeout=`` arguments (a number, a ``timedelta`` or a policy), as LangGraph 1.2."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta
from typing import Any, Literal


@dataclass(frozen=True)
class TimeoutPolicy:
    """Per-attempt limits of a node: ``run_timeout`` (wall clock) and ``idle_timeout`` (without progress), seconds."""

    run_timeout: float | timedelta | None = None
    idle_timeout: float | timedelta | None = None
    refresh_on: Literal["auto", "heartbeat"] = "auto"


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
