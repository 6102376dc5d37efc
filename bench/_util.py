"""Small helpers shared by the workload modules."""

from __future__ import annotations

import itertools
import uuid

_counter = itertools.count()


def fresh_config(**extra) -> dict:
    """A config with a thread_id never used before in this process."""
    cfg = {"configurable": {"thread_id": f"bench-{next(_counter)}-{uuid.uuid4().hex[:8]}"}}
    cfg.update(extra)
    return cfg


class CheckFailed(AssertionError):
    """A workload produced a result that is not the expected one."""


def expect(cond: bool, msg: str) -> None:
    if not cond:
        raise CheckFailed(msg)
