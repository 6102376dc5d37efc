"""``@task``: a function whose calls inside a run are scheduled in parallel and cached across resumes."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Sequence
from typing import Any, overload

from ..types import RetryPolicy, as_retry_policies


class TaskFunction:
    """What ``@task`` returns: call it inside a run to get a future (``.result()``, or ``await`` in async code)."""

    def __init__(self, func: Callable[..., Any], *, name: str | None = None,
                 retry_policy: RetryPolicy | Sequence[RetryPolicy] | None = None) -> None:
        self.func = func
        self.name = name or func.__name__
        self.is_async = inspect.iscoroutinefunction(func)
        self.retry_policy = as_retry_policies(retry_policy)
        functools.update_wrapper(self, func)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        from ..pregel._context import current_task

        return current_task().call_task(self, args, kwargs)

    def __repr__(self) -> str:
        return f"<task {self.name}>"


@overload
def task(func: Callable[..., Any]) -> TaskFunction: ...
@overload
def task(*, name: str | None = None, retry_policy: Any = None, cache_policy: Any = None) -> Callable[[Callable[..., Any]], TaskFunction]: ...


def task(func: Callable[..., Any] | None = None, *, name: str | None = None, retry_policy: Any = None,
         cache_policy: Any = None, timeout: Any = None) -> Any:
    """Mark a function as a task of the functional API."""
    if func is None:
        return lambda f: TaskFunction(f, name=name, retry_policy=retry_policy)
    return TaskFunction(func, name=name, retry_policy=retry_policy)
