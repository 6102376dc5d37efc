"""``@task`` calls made inside a running task: each runs on the pool and its result becomes a pending write.

A resumed run re-executes the calling code from the top; calls whose results are already saved return them at
once (by call position), so finished work is never repeated.
"""

from __future__ import annotations

import asyncio
import contextvars
from concurrent.futures import Future
from typing import TYPE_CHECKING, Any

from ..constants import ERROR, INTERRUPT, PUSH, RESUME, RETURN
from ..errors import GraphInterrupt
from . import _cache, _callbacks, _events, _timeouts
from ._algo import Task, task_id
from ._async import run_coroutine
from ._context import TaskRuntime
from ._inject import fill
from ._node import PregelNode
from ._runner import run_task

if TYPE_CHECKING:
    from ._loop import Run


class TaskCalls:
    """The scheduler a ``TaskRuntime`` uses for ``@task`` calls during one run."""

    def __init__(self, run: "Run") -> None:
        self.run = run

    def __call__(self, parent: TaskRuntime, index: int, fn: Any, args: tuple, kwargs: dict) -> Any:
        store = self.run.store
        step = store.step + 1
        path = (PUSH, parent.namespace, index)
        call_id = task_id(store.checkpoint_id, store.ns, step, fn.name, path)
        future = TaskFuture()
        saved = store.pending_by_task.get(call_id)
        done = saved is not None and saved["ok"]
        streams_tasks = bool(self.run.modes & {"tasks", "debug"})
        if done and not streams_tasks:
            future.set_result(dict(saved["writes"]).get(RETURN))
            return future
        node = PregelNode(
            name=fn.name, triggers=(), read=lambda values: None,
            call=_caller(fn, args, kwargs), write=lambda output, config: ([(RETURN, output)], output),
            retry_policy=fn.retry_policy, cache=fn.cache,
        )
        task = Task(call_id, fn.name, path, node, (PUSH,), input=(args, kwargs),
                    answers=list(saved["answers"]) if saved else [])
        if streams_tasks:  # as LangGraph 1.2, also for a call answered from its saved result (no result event)
            self.run._emit_task_event("task", step, self.run._task_start(task))
        if done:
            future.set_result(dict(saved["writes"]).get(RETURN))
            return future
        if self.run.cache is not None and fn.cache is not None and self._from_cache(task, future, args, kwargs):
            return future
        # What callbacks show as the call's input: its arguments by name (only built when callbacks watch).
        shown = _callbacks.call_input(fn.func, args, kwargs) if self.run.callbacks is not None else None
        self.run._executor().submit(contextvars.copy_context().run, self._execute, task, future, step,
                                    parent.config, shown)
        return future

    def _from_cache(self, task: Task, future: Future, args: tuple, kwargs: dict) -> bool:
        """Answer a call from the cache (streamed as cached, as LangGraph); False on a miss."""
        run = self.run
        task.cache_key, hit = _cache.lookup(run.cache, task.node.cache, *args, **kwargs)
        if hit is None:
            return False
        run.store.put_writes(task, [(RETURN, hit)])
        run._emit("updates", {task.name: hit, "__metadata__": {"cached": True}})
        future.set_result(hit)
        return True

    def _execute(self, task: Task, future: Future, step: int, caller: dict[str, Any], shown: Any) -> None:
        try:
            self._run_call(task, future, step, caller, shown)
        except BaseException as exc:  # e.g. a checkpoint conflict while saving: never leave the caller waiting
            if not future.done():
                future.set_exception(exc)

    def _run_call(self, task: Task, future: Future, step: int, caller: dict[str, Any], shown: Any) -> None:
        """Run the call ``task`` made by the task whose config is ``caller``; ``shown``: its input for callbacks."""
        run = self.run
        runtime = run.runtime_for(task)
        runtime.config = config = run.store.task_config(task, step, None)
        caller_ns = caller["configurable"]["checkpoint_ns"]
        # As LangGraph 1.2, a call's config nests it under its caller: its checkpoint_ns extends the caller's, and
        # checkpoint_map names the caller's namespace too. (Its metadata keeps the graph-level namespace.)
        configurable = config["configurable"]
        configurable["checkpoint_ns"] = f"{caller_ns}|{task.namespace}"
        configurable["checkpoint_map"] = {**configurable["checkpoint_map"], caller_ns: run.store.checkpoint_id}
        try:
            if run.callbacks is None:
                run_task(task, runtime.config, runtime)
            else:
                run.callbacks.run_task(task, runtime.config, runtime, caller=caller.get("callbacks"), shown=shown)
        except asyncio.CancelledError as exc:  # the async caller was cancelled: saved as the call's error
            task.error = exc
        answers = [(RESUME, task.answers)] if task.answers else []
        if task.error is not None:
            run.store.put_writes(task, [(ERROR, repr(task.error)), *answers])
            future.set_exception(task.error)
        elif task.paused:
            run.store.put_writes(task, [(INTERRUPT, list(task.interrupts)), *answers])
            future.set_exception(GraphInterrupt(task.interrupts))
        else:
            run.store.put_writes(task, task.writes + answers)
            if task.cache_key is not None:
                _cache.store(run.cache, task.node.cache, task.cache_key, task.update)
            run._emit("updates", {task.name: task.update})
            if run.modes & {"tasks", "debug"}:
                run._emit_task_event("task_result", step, _events.task_result(task, frozenset({RETURN})))
            future.set_result(task.update)


def _caller(fn: Any, args: tuple, kwargs: dict):
    wanted = fn.injected
    if fn.is_async and fn.timeout is not None:
        def call(value: Any, config: dict[str, Any]) -> Any:
            return fn.func(*args, **fill(wanted, config, kwargs))  # injected inside the timed attempt

        return lambda value, config: run_coroutine(_timeouts.timed(fn.name, fn.timeout, call, value, config), fn.name)
    if fn.is_async:
        return lambda value, config: run_coroutine(fn.func(*args, **fill(wanted, config, kwargs)), fn.name)
    return lambda value, config: fn.func(*args, **fill(wanted, config, kwargs))


class TaskFuture(Future):
    """A ``@task`` call's result: ``task(...).result()`` in sync code, ``await task(...)`` in a coroutine.

    One type for both, because whether a loop is running says nothing about the caller: a notebook cell always
    runs with one, yet a sync entrypoint invoked there must be able to call ``.result()``.
    """

    def __await__(self) -> Any:
        return asyncio.wrap_future(self).__await__()
