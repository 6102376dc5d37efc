"""``@task``: a function whose calls inside a run are scheduled in parallel and cached across resumes."""

from __future__ import annotations

import functools
import inspect
from collections.abc import Callable, Sequence
from typing import Any, overload

from ..pregel import _inject
from ..types import RetryPolicy, as_retry_policies


class TaskFunction:
    """What ``@task`` returns: call it inside a run to get a future (``.result()``, or ``await`` in async code)."""

    def __init__(self, func: Callable[..., Any], *, name: str | None = None,
                 retry_policy: RetryPolicy | Sequence[RetryPolicy] | None = None, cache_policy: Any = None,
                 timeout: Any = None) -> None:
        from ..pregel import _timeouts
        from ..pregel._cache import NodeCache

        self.func = func
        target = func.func if isinstance(func, functools.partial) else func  # a partial is named after its function
        self.name = name or target.__name__
        self.is_async = inspect.iscoroutinefunction(target)
        self.timeout = _timeouts.coerce(timeout)
        # As LangGraph: only a coroutine function can time out (a ValueError when decorated).
        _timeouts.check_supported(self.name, self.timeout, self.is_async, kind="Task")
        self.retry_policy = as_retry_policies(retry_policy)
        self.cache = NodeCache.build(cache_policy, target, self.name)
        # Keywords the engine fills in when the caller does not pass them (``runtime``, ``store``, ...).
        self.injected, _ = _inject.injected(func, skip_first=False)
        functools.update_wrapper(self, target)

    def __call__(self, *args: Any, **kwargs: Any) -> Any:
        from ..pregel._context import current_task

        return current_task().call_task(self, args, kwargs)

    def __repr__(self) -> str:
        return f"<task {self.name}>"


@overload
def task(func: Callable[..., Any]) -> TaskFunction: ...
@overload
def task(*, name: str | None = None, retry_policy: Any = None, cache_policy: Any = None,
         timeout: Any = None) -> Callable[[Callable[..., Any]], TaskFunction]: ...


def task(func: Callable[..., Any] | None = None, *, name: str | None = None, retry_policy: Any = None,
         cache_policy: Any = None, timeout: Any = None) -> Any:
    """Mark a function as a task of the functional API.

    ``timeout`` (seconds, a ``timedelta`` or a ``TimeoutPolicy``) limits each attempt of an async task, as
    LangGraph 1.2: ``NodeTimeoutError`` when exceeded; on a sync function it raises ``ValueError`` here.
    """
    if func is None:
        return lambda f: TaskFunction(f, name=name, retry_policy=retry_policy, cache_policy=cache_policy,
                                      timeout=timeout)
    return TaskFunction(func, name=name, retry_policy=retry_policy, cache_policy=cache_policy, timeout=timeout)
