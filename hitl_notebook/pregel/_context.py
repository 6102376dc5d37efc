"""The per-task runtime that ``interrupt()``, ``get_config()`` and ``get_stream_writer()`` reach through a context var."""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from contextvars import ContextVar
from typing import Any

from ..errors import GraphInterrupt, mark_invalid_resume
from ..types import Interrupt
from ._channels import MISSING

_PREVIOUS = "__previous__"  # the @entrypoint channel holding the last run's saved value

_current: ContextVar["TaskRuntime | None"] = ContextVar("hitl_notebook_task", default=None)


def _noop_writer(_chunk: Any) -> None:
    return None


_HEX = frozenset("0123456789abcdef")


def is_resume_map(value: Any) -> bool:
    """LangGraph treats a dict as ``{interrupt_id: answer}`` only when every key is a 32-hex id."""
    return isinstance(value, dict) and bool(value) and all(
        isinstance(k, str) and len(k) == 32 and set(k) <= _HEX for k in value
    )


def interrupt_id(namespace: str, index: int) -> str:
    """32-hex id of the ``index``-th ``interrupt()`` call of a task (stable across re-executions)."""
    key = namespace if index == 0 else f"{namespace}|{index}"
    return hashlib.blake2b(key.encode(), digest_size=16).hexdigest()


class Readdressed:
    """A resume value sent to the one pending interrupt ``iid`` of a subgraph, which the first new question in the
    subgraph takes if ``iid`` is not asked again (its task was replaced by an edit); used once, either way."""

    __slots__ = ("iid", "value")

    def __init__(self, iid: str, value: Any) -> None:
        self.iid, self.value = iid, value


class TaskRuntime:
    """What a running task knows about itself: config, stream writer and interrupt answers."""

    __slots__ = ("config", "writer", "namespace", "answers", "new_answers", "single_answer", "_calls",
                 "scheduler", "subcalls", "run", "retrying", "graph_calls", "attempt", "started", "_public")

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
        self.attempt = 1
        self.started = time.time()
        self._public: Any = None  # the Runtime handed to user code, built on first request

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
        self.attempt += 1
        self._public = None

    def public_runtime(self) -> Any:
        """The ``hitl_notebook.runtime.Runtime`` for user code (built lazily: most nodes never ask for it)."""
        public = self._public
        if public is None:
            from ..runtime import ExecutionInfo, Runtime

            run, config = self.run, self.config
            configurable = config.get("configurable") or {}
            run_id = config.get("run_id")
            public = self._public = Runtime(
                context=run.context if run is not None else None,
                store=run.kv_store if run is not None else None,
                stream_writer=self.writer,
                # Only an @entrypoint has one; its @task calls (same step) see it too, as in LangGraph.
                previous=run._step_values.get(_PREVIOUS) if run is not None else None,
                execution_info=ExecutionInfo(
                    # the checkpoint the task was planned from (its config's checkpoint_id is None, as LangGraph)
                    checkpoint_id=(configurable.get("checkpoint_map") or {}).get(run.store.ns) if run is not None
                    else configurable.get("checkpoint_id"),
                    checkpoint_ns=configurable.get("checkpoint_ns", self.namespace),
                    task_id=self.namespace.rsplit(":", 1)[-1],
                    thread_id=configurable.get("thread_id"),
                    run_id=str(run_id) if run_id else None,
                    node_attempt=self.attempt,
                    node_first_attempt_time=self.started,
                ),
            )
        return public

    def interrupt(self, value: Any, response_schema: Any = None) -> Any:
        index = self._calls
        self._calls += 1
        if index < len(self.answers):
            if not self.new_answers:
                return self.answers[index]
            iid = interrupt_id(self.namespace, index)
            if iid not in self.new_answers:
                return self.answers[index]
            # A new answer to a question already answered: the attempt that used the old answer failed, so the
            # new one replaces it and the answers given after it (LangGraph 1.2 replays the old one forever).
            del self.answers[index:]
        else:
            iid = interrupt_id(self.namespace, index)
        single = self.single_answer
        if iid in self.new_answers:
            answer = self.new_answers.pop(iid)
        elif single is not MISSING and not (isinstance(single, Readdressed) and single.iid not in self.new_answers):
            answer, self.single_answer = single, MISSING
            if isinstance(answer, Readdressed):  # the question it answered is gone: this one takes the answer
                del self.new_answers[answer.iid]
                answer = answer.value
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
    from pydantic import TypeAdapter, ValidationError

    try:
        return TypeAdapter(schema).validate_python(answer)
    except ValidationError as exc:
        mark_invalid_resume(exc)
        raise


def current_task() -> TaskRuntime:
    runtime = _current.get()
    if runtime is None:
        raise RuntimeError(
            "Called get_config outside of a runnable context. interrupt(), get_config(), get_stream_writer(), "
            "get_store() and get_runtime() only work inside a node, a router, a @task or an @entrypoint while the "
            "graph runs."
        )
    return runtime


def running_task() -> TaskRuntime | None:
    """The task running in this context, if any (a graph invoked inside it runs nested)."""
    return _current.get()


set_current = _current.set  # bound methods: no Python frame per task
"""Make ``runtime`` the running task in this context; returns the token for ``reset_current``."""
reset_current = _current.reset
