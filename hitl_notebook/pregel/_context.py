"""The per-task runtime that ``interrupt()``, ``get_config()`` and ``get_stream_writer()`` reach through a context var."""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from ..errors import GraphInterrupt
from ..types import Interrupt
from ._channels import MISSING

_current: ContextVar["TaskRuntime | None"] = ContextVar("hitl_notebook_task", default=None)


def _noop_writer(_chunk: Any) -> None:
    return None


def interrupt_id(namespace: str, index: int) -> str:
    """32-hex id of the ``index``-th ``interrupt()`` call of a task (stable across re-executions)."""
    key = namespace if index == 0 else f"{namespace}|{index}"
    return hashlib.blake2b(key.encode(), digest_size=16).hexdigest()


class TaskRuntime:
    """What a running task knows about itself: config, stream writer and interrupt answers."""

    __slots__ = ("config", "writer", "namespace", "answers", "new_answers", "single_answer", "_calls",
                 "scheduler", "subcalls", "run", "retrying", "graph_calls")

    def __init__(
        self,
        config: dict[str, Any],
        writer: Callable[[Any], None] | None,
        namespace: str,
        answers: list[Any] | None = None,
        new_answers: dict[str, Any] | None = None,
        single_answer: Any = MISSING,
    ) -> None:
        self.config = config
        self.writer = writer or _noop_writer
        self.namespace = namespace
        self.answers = list(answers or ())
        self.new_answers = new_answers or {}
        self.single_answer = single_answer
        self._calls = 0
        self.scheduler: Callable[..., Any] | None = None
        self.subcalls = 0
        self.run: Any = None  # the Run this task belongs to (nested graphs inherit from it)
        self.retrying = False  # set once a retry policy runs the task again
        self.graph_calls = 0  # graphs invoked so far by this task: the second one gets its own namespace

    def call_task(self, fn: Any, args: tuple, kwargs: dict) -> Any:
        """Schedule a ``@task`` call from this task; returns a future (results are cached across resumes)."""
        if self.scheduler is None:
            raise RuntimeError("@task functions can only be called while a graph or entrypoint runs.")
        index = self.subcalls
        self.subcalls += 1
        return self.scheduler(self, index, fn, args, kwargs)

    def reset_calls(self) -> None:
        """A retried attempt starts counting ``interrupt()`` and ``@task`` calls from zero again."""
        self._calls = 0
        self.subcalls = 0
        self.graph_calls = 0

    def interrupt(self, value: Any, response_schema: Any = None) -> Any:
        index = self._calls
        self._calls += 1
        if index < len(self.answers):
            return self.answers[index]
        iid = interrupt_id(self.namespace, index)
        if iid in self.new_answers:
            answer = self.new_answers.pop(iid)
        elif self.single_answer is not MISSING:
            answer, self.single_answer = self.single_answer, MISSING
        else:
            raise GraphInterrupt([Interrupt(value=value, id=iid, response_schema=_schema_json(response_schema))])
        answer = _validate(response_schema, answer)
        self.answers.append(answer)
        return answer


def _schema_json(schema: Any) -> dict[str, Any] | None:
    if schema is None:
        return None
    if isinstance(schema, dict):
        return schema
    from pydantic import TypeAdapter

    return TypeAdapter(schema).json_schema()


def _validate(schema: Any, answer: Any) -> Any:
    """Check an answer against ``response_schema`` before the node sees it (pydantic raises on a bad value)."""
    if schema is None or isinstance(schema, dict):
        return answer
    from pydantic import TypeAdapter

    return TypeAdapter(schema).validate_python(answer)


def current_task() -> TaskRuntime:
    runtime = _current.get()
    if runtime is None:
        raise RuntimeError(
            "Called get_config outside of a runnable context. interrupt(), get_config() and get_stream_writer() "
            "only work inside a node, a @task or an @entrypoint while the graph runs."
        )
    return runtime


def running_task() -> TaskRuntime | None:
    """The task running in this context, if any (a graph invoked inside it runs nested)."""
    return _current.get()


set_current = _current.set  # bound methods: no Python frame per task
"""Make ``runtime`` the running task in this context; returns the token for ``reset_current``."""
reset_current = _current.reset
