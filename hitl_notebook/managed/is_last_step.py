"""``RemainingSteps`` and ``IsLastStep`` (LangGraph 1.2's managed values), computed from the run's step budget."""

from __future__ import annotations

from contextvars import ContextVar
from typing import Annotated, Any, get_args, get_origin

__all__ = ("IsLastStep", "IsLastStepManager", "RemainingSteps", "RemainingStepsManager", "managed_keys")


class ManagedValue:
    """A value derived from the running step: ``get(step, stop)`` where ``stop`` is the last step allowed + 1."""

    @staticmethod
    def get(step: int, stop: int) -> Any:  # pragma: no cover - abstract
        raise NotImplementedError


class IsLastStepManager(ManagedValue):
    @staticmethod
    def get(step: int, stop: int) -> bool:
        return step == stop - 1


class RemainingStepsManager(ManagedValue):
    @staticmethod
    def get(step: int, stop: int) -> int:
        return stop - step


step_budget: ContextVar[tuple[int, int]] = ContextVar("hitl_notebook_step_budget", default=(0, 0))
"""(step being planned, stop) published by the loop, only for graphs that have managed values."""

IsLastStep = Annotated[bool, IsLastStepManager]
RemainingSteps = Annotated[int, RemainingStepsManager]


def managed_of(annotation: Any) -> type[ManagedValue] | None:
    """The manager class behind ``Annotated[..., Manager]`` (or ``NotRequired[...]`` of it), else None."""
    while get_origin(annotation) is not None and get_origin(annotation) is not Annotated and get_args(annotation):
        if len(get_args(annotation)) != 1:  # NotRequired/Required wrap exactly one type
            return None
        annotation = get_args(annotation)[0]
    if get_origin(annotation) is Annotated:
        for meta in annotation.__metadata__:
            if isinstance(meta, type) and issubclass(meta, ManagedValue):
                return meta
    return None


def managed_keys(hints: dict[str, Any]) -> dict[str, type[ManagedValue]]:
    """The managed keys of a schema's type hints, with their managers."""
    out = {}
    for key, annotation in hints.items():
        manager = managed_of(annotation)
        if manager is not None:
            out[key] = manager
    return out
