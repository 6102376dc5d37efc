"""What counts as progress for a node's ``idle_timeout``, as LangGraph 1.2's timed attempts define it.

``runtime.heartbeat()`` always does. With ``refresh_on="auto"`` (the default) so do the node's ``custom`` stream
writes, its ``@task`` calls and every LangChain callback event of what it runs (a chat model's start, tokens and
end, tools, nested runnables), when langchain-core is in use. ``refresh_on="heartbeat"`` counts heartbeats only.

Set up once per timed attempt, on the attempt's own ``TaskRuntime``, so untimed nodes pay nothing.
"""

from __future__ import annotations

import asyncio
import sys
import time
from collections.abc import Callable
from typing import Any

from ._context import running_task


class Progress:
    """The idle clock of one timed attempt (``refresh_on`` is ``None`` for a ``run_timeout`` alone)."""

    __slots__ = ("__weakref__", "active", "auto", "last", "refresh_on")

    def __init__(self, refresh_on: str | None) -> None:
        self.last = time.monotonic()
        self.active = True
        self.refresh_on = refresh_on
        self.auto = refresh_on == "auto"

    def touch(self) -> None:
        """``runtime.heartbeat()``: the node made progress."""
        self.last = time.monotonic()

    def close(self) -> None:
        """The attempt is over: what the abandoned node still streams or schedules is dropped."""
        self.active = False

    def attach(self) -> Callable[[], None]:
        """Route the running task's stream writer, ``@task`` scheduler and ``Runtime`` through this clock for the
        attempt; returns the function that puts them back."""
        task = running_task()
        if task is None:
            return _nothing
        writer, scheduler, public = task.writer, task.scheduler, task._public
        task.writer = self._guard_writer(writer)
        if scheduler is not None:
            task.scheduler = self._guard_scheduler(scheduler)
        task._public = None
        if self.refresh_on is not None:  # LangGraph wires heartbeat only when an idle_timeout is set
            task._public = task.public_runtime().override(heartbeat=self.touch)

        def restore() -> None:
            task.writer, task.scheduler, task._public = writer, scheduler, public

        return restore

    def wrap_config(self, config: dict[str, Any]) -> dict[str, Any]:
        """``config`` for the node: under ``refresh_on="auto"`` its LangChain callbacks also feed the clock (only
        when langchain-core is already loaded: without it nothing emits callback events)."""
        if not self.auto or "langchain_core" not in sys.modules:
            return config
        from langchain_core.runnables.config import merge_configs, var_child_runnable_config

        wrapped = merge_configs(config, {"callbacks": [_progress_handler(self)]})
        var_child_runnable_config.set(wrapped)  # this attempt's context: a model called without config sees it
        return wrapped

    def _guard_writer(self, writer: Callable[[Any], None]) -> Callable[[Any], None]:
        def write(chunk: Any) -> None:
            if not self.active:
                return
            if self.auto:
                self.last = time.monotonic()
            writer(chunk)

        return write

    def _guard_scheduler(self, scheduler: Callable[..., Any]) -> Callable[..., Any]:
        def schedule(*args: Any) -> Any:
            if not self.active:
                raise asyncio.CancelledError()
            if self.auto:
                self.last = time.monotonic()
            return scheduler(*args)

        return schedule


def _nothing() -> None:
    return None


_handler_class: Any = None


def _progress_handler(progress: Progress) -> Any:
    """A LangChain callback handler that counts every event as progress (built on first use: langchain-core is
    imported lazily). It holds the clock weakly, so a child run outliving the attempt does not keep it."""
    global _handler_class
    if _handler_class is None:
        import weakref

        from langchain_core.callbacks import BaseCallbackHandler

        class _ProgressHandler(BaseCallbackHandler):
            run_inline = True  # recorded in event order

            def __init__(self, clock: Progress) -> None:
                self._clock = weakref.ref(clock)

            def _touch(self, *args: Any, **kwargs: Any) -> None:
                clock = self._clock()
                if clock is not None:
                    clock.touch()

            on_llm_start = on_chat_model_start = on_llm_new_token = on_llm_end = on_llm_error = _touch
            on_chain_start = on_chain_end = on_chain_error = _touch
            on_tool_start = on_tool_end = on_tool_error = _touch
            on_retriever_start = on_retriever_end = on_retriever_error = _touch
            on_agent_action = on_agent_finish = on_text = on_retry = on_custom_event = _touch

        _handler_class = _ProgressHandler
    return _handler_class(progress)
