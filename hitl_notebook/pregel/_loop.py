"""The superstep loop of one ``invoke``/``stream`` call.

Each step: plan tasks from the triggered channels, run them (concurrently when there are several), save each
finished task's writes as *pending writes*, apply all writes in task-path order, save a checkpoint, emit
stream chunks. Interrupts and static breakpoints stop the loop with the step uncommitted, so a resume
re-plans the same tasks and re-runs only those without saved writes.
"""

from __future__ import annotations

import asyncio
import contextvars
import threading
import time
from collections import deque
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from queue import Empty, SimpleQueue
from typing import TYPE_CHECKING, Any

from ..constants import ERROR, ERROR_SOURCE_NODE, INTERRUPT, NO_WRITES, NULL_TASK_ID, RESUME
from ..errors import ErrorCode, GraphRecursionError, create_error_message
from ..managed.is_last_step import step_budget
from ..types import Interrupt
from . import _cache, _callbacks, _events, _handlers
from ._algo import Task, apply_writes, fresh_reader, prepare_tasks, read_values
from ._async import current_bridge
from ._calls import TaskCalls
from ._channels import MISSING
from ._checkpointing import Checkpointing
from ._context import TaskRuntime
from ._emit import EmitMixin, shown_update
from ._options import node_names
from ._runner import run_task
from ._start import StartMixin

if TYPE_CHECKING:
    from .main import Pregel


_TASK_MODES = frozenset({"tasks", "debug"})
_CALL_MODES = frozenset({"updates", "tasks", "debug"})


class Run(EmitMixin, StartMixin):
    """Iterate to drive the run; yields ``(namespace, mode, chunk)``."""

    def __init__(
        self,
        graph: "Pregel",
        input: Any,
        config: dict[str, Any],
        modes: frozenset[str],
        *,
        interrupt_before: Any = None,
        interrupt_after: Any = None,
        durability: str | None = None,
        output_keys: tuple[str, ...] | None = None,
        cancel: threading.Event | None = None,
        subgraphs: bool = False,
        parent: "Run | None" = None,
        namespace: tuple[str, ...] = (),
        saver: Any = None,
        parents: dict[str, str] | None = None,
        tag_custom: bool = False,
        context: Any = None,
        kv_store: Any = None,
    ) -> None:
        self.graph = graph
        self.tag_custom = tag_custom  # custom chunks as (task id, chunk), for observers such as the notebook view
        self.input = input
        self.config = config
        self.own_modes = modes
        self.subgraphs = subgraphs or bool(parent and parent.subgraphs)
        # A nested run forwards its chunks to the parent's stream when that one asked for subgraphs=True.
        self.forward = parent if parent is not None and parent.subgraphs else None
        self.modes = modes | (parent.modes if self.forward is not None else frozenset())
        self.namespace = namespace
        self.context, self.kv_store = context, kv_store  # what Runtime hands to nodes (see Pregel._run)
        self.interrupt_before = graph.interrupt_before if interrupt_before is None else node_names(interrupt_before)
        self.interrupt_after = graph.interrupt_after if interrupt_after is None else node_names(interrupt_after)
        self.output_keys = output_keys or graph.state_keys
        single = graph.output_channel
        self._output_key_set = frozenset((single,) if single is not None else self.output_keys)
        # Under ainvoke/astream the call's bridge stops the root run when the caller is cancelled (see _async).
        self.cancel = cancel if cancel is not None or parent is not None else current_bridge()
        self.store = Checkpointing(graph, config, self.modes, durability or "async", self._emit, saver, parents)
        self.channels = {k: c.fresh() for k, c in graph.channels.items()}
        self.out: deque[tuple[tuple[str, ...], str, Any]] = deque()
        self.interrupts: list[Interrupt] = []
        self.paused = False  # stopped at a static breakpoint
        self.resuming = False  # continuing a saved checkpoint, until the first step commits
        # Chunks must reach the consumer while a node still runs: custom/messages output, and the updates of the
        # @task calls an @entrypoint makes (streamed as each one finishes, as LangGraph 1.2).
        self.realtime = bool(modes & {"custom", "messages"}) or (graph.streams_calls and bool(modes & _CALL_MODES))
        # A step_timeout needs the calling thread free to watch the clock while workers run the step.
        self.step_timeout = graph.step_timeout
        self.realtime = self.realtime or self.step_timeout is not None
        self._wake: SimpleQueue | None = None
        self._pool: ThreadPoolExecutor | None = None
        self._updated: set[str] | None = None
        self._resume_single: Any = MISSING
        self._resume_map: dict[str, Any] = {}
        self._skip_before = False
        self._calls = TaskCalls(self)
        self._after_first_step: list[tuple[str, Any]] = []
        self._step_values: dict[str, Any] = {}
        # Looked up once per run rather than once per step.
        self._trigger_index, self._deferred = graph.trigger_index, graph.deferred_nodes
        self._node_order = graph.node_order
        self._read_keys = graph.read_keys
        self._managed = any(node.managed for node in graph.nodes.values())
        self._task_events = bool(self.modes & _TASK_MODES)
        # LangChain callbacks (the "messages" mode, user callbacks): only built when asked for, else no cost.
        self.callbacks = _callbacks.RunCallbacks(self, parent is not None) if _callbacks.needed(self, parent) else None
        self.cache = graph.cache if graph.cache is not None else (parent.cache if parent is not None else None)

    # -- public driver ---------------------------------------------------------------------------------------------

    def __iter__(self) -> Iterator[tuple[tuple[str, ...], str, Any]]:
        try:
            loaded_step = self._setup()
            yield from self._drain()
            limit = self.config.get("recursion_limit", self.graph.recursion_limit)
            stop = loaded_step + limit + 2  # LangGraph counts from the checkpoint the call started at
            self.stop = stop
            store, out = self.store, self.out
            while True:
                tasks = self._plan()
                if not tasks:
                    break
                if store.step + 1 > stop:
                    raise GraphRecursionError(create_error_message(
                        message=f"Recursion limit of {limit} reached without hitting a stop condition. You can "
                        "increase the limit by setting the `recursion_limit` config key.",
                        error_code=ErrorCode.GRAPH_RECURSION_LIMIT,
                    ))
                if self.cancel is not None and self.cancel.is_set():
                    break
                if self.interrupt_before and not self._skip_before and self._breakpoint(self.interrupt_before, tasks):
                    self._pause()
                    break
                self._skip_before = False
                todo = self._start_step(tasks)
                while out:  # as LangGraph: a step is announced before it runs, so closing the stream here stops it
                    yield out.popleft()
                if len(todo) == 1 and not self.realtime:  # the common case: run it right here
                    task = todo[0]
                    self._run(task, store.step + 1, self._step_values)
                    self._finish(task, store.step + 1, lone=True)
                    # As LangGraph, a lone task's chunks are yielded after the step is committed (so reducers such
                    # as add_messages have given its messages their ids), unless nothing will be committed.
                    if task.error is not None or task.interrupts:
                        while out:  # inlined _drain()
                            yield out.popleft()
                else:
                    yield from self._execute(todo)
                if self._step_interrupted(tasks):
                    break
                self._commit(tasks)
                while out:
                    yield out.popleft()
                if self.interrupt_after and self._breakpoint(self.interrupt_after, tasks):  # the last step too
                    self._pause()
                    break
            if not (self.namespace and ":" in self.store.ns) or self.paused:
                # With durability="exit" a finished subgraph leaves no checkpoints, unless it keeps its own
                # state (checkpointer=True, a namespace without task ids), as LangGraph 1.2.
                self.store.flush()
            yield from self._drain()
            if self.callbacks is not None:
                self.callbacks.end(self._output(self.channels))
        except BaseException as exc:
            self.store.release()  # a lone task's writes held for a checkpoint that was not reached
            if isinstance(exc, GeneratorExit):  # the consumer closed the stream: keep what the finished steps produced
                self.store.flush()
            elif isinstance(exc, asyncio.CancelledError) and not self.namespace:
                self.store.flush_finished()  # durability="exit": the last finished step is kept (LangGraph 1.2)
            if self.callbacks is not None:
                self.callbacks.error(exc)
            raise
        finally:
            if self._pool is not None:
                self._pool.shutdown(wait=False)

    # -- one step --------------------------------------------------------------------------------------------------

    def _plan(self) -> list[Task]:
        store, channels = self.store, self.channels
        candidates = None
        if self._updated is not None:
            names: set[str] = set(self._deferred)
            index = self._trigger_index
            for channel in self._updated:
                triggered = index.get(channel)
                if triggered:
                    names.update(triggered)
            candidates = sorted(names, key=self._node_order.__getitem__) if len(names) > 1 else names
        tasks = prepare_tasks(self.graph.nodes, channels, store.checkpoint_id, store.step + 1, store.ns, candidates)
        if tasks:
            if self._managed:
                step_budget.set((store.step + 1, self.stop))
            values = self._step_values = read_values(channels, self._read_keys)
            restored = store.pending_by_task
            for task in tasks:
                task.input = task.packet if task.packet is not MISSING else task.node.read(values)
                saved = restored.get(task.id)
                if saved is not None:
                    task.answers = saved["answers"]
                    if saved["ok"]:
                        task.writes, task.done = saved["writes"], True
                    elif "handled" in saved and task.node.error_handler is not None:
                        # Failed before, and its error handler took over: the step runs the handler again, not
                        # the node (LangGraph 1.2). A done task with an error is that case (see _start_step).
                        task.error, task.done = saved["error"], True
        return tasks

    def _pause(self) -> None:
        """Stop at a static breakpoint. A subgraph says nothing itself: its parent's task pauses instead (as
        LangGraph 1.2, where the breakpoint raises an empty ``GraphInterrupt`` out of the nested run)."""
        self.paused = True
        if not self.namespace:
            self._emit("updates", {INTERRUPT: ()})

    def _breakpoint(self, names: Any, tasks: list[Task]) -> bool:
        if not names:  # LangGraph 1.2 stops at breakpoints even without a checkpointer
            return False
        return any(not t.node.hidden and (names == "*" or t.name in names) for t in tasks)

    def _start_step(self, tasks: list[Task]) -> list[Task]:
        """Show tasks finished before a resume and announce the others; return those left to run."""
        todo = [t for t in tasks if not t.done]
        if self._task_events:  # every task is announced, a finished one too (LangGraph 1.2)
            for task in tasks:
                if not task.node.hidden:
                    self._emit_task_event("task", self.store.step + 1, self._task_start(task))
        if len(todo) < len(tasks):
            for task in tasks:
                if task.done and not task.node.hidden:  # finished before the resume: shown, not re-run
                    if task.error is not None:  # failed before: its error handler runs again (see _plan)
                        _handlers.run_error_handler(self, task, self.store.step + 1, announce=True)
                        continue
                    update = {k: v for k, v in task.writes if k in self.graph.state_key_set} or None
                    self._emit("updates", {task.name: update, "__metadata__": {"cached": True}})
        if self.cache is not None:
            todo = _cache.finish_cached(self, todo)
        return todo

    def _execute(self, todo: list[Task]) -> Iterator[tuple[tuple[str, ...], str, Any]]:
        """Run several tasks (or stream in real time): on worker threads, each finished one saved as it arrives."""
        step = self.store.step + 1
        step_values = self._step_values  # read when the step was planned; channels have not changed since
        wake: SimpleQueue = SimpleQueue()
        self._wake = wake
        queue = deque(todo)

        def drain() -> None:
            """A worker: take tasks until none are left; each finished one is reported through ``wake``."""
            while True:
                try:
                    task = queue.popleft()
                except IndexError:
                    return
                try:
                    self._run(task, step, step_values)
                except asyncio.CancelledError as exc:  # the async caller was cancelled: saved as the task's error
                    task.error = exc
                finally:
                    wake.put(task)

        # A few workers share the queue (cheaper than a future per task); without real-time streaming the
        # calling thread is one of them.
        pool = self._executor()
        # Keep one pool thread free so a node waiting on a @task future can always be served.
        helpers = min(len(todo) - (0 if self.realtime else 1), pool._max_workers - 1)
        for _ in range(helpers):
            pool.submit(contextvars.copy_context().run, drain)
        if not self.realtime:
            drain()
        remaining = len(todo)
        deadline = None if self.step_timeout is None else time.monotonic() + self.step_timeout
        try:
            while remaining:
                item = wake.get() if deadline is None else self._next_before(wake, deadline)
                if item is not None:
                    self._finish(item, step)
                    remaining -= 1
                yield from self._drain()
        finally:
            self._wake = None

    def _next_before(self, wake: SimpleQueue, deadline: float) -> Any:
        """The next report from a worker; ``TimeoutError("Timed out")`` past ``step_timeout`` (as LangGraph 1.2).

        Threads cannot be killed: a node still running finishes in the background and its result is dropped.
        """
        try:
            return wake.get(timeout=max(0.0, deadline - time.monotonic()))
        except Empty:
            raise TimeoutError("Timed out") from None

    def _run(self, task: Task, step: int, step_values: dict[str, Any]) -> None:
        runtime = self.runtime_for(task)
        runtime.config = self.store.task_config(task, step, fresh_reader(self.channels, self.graph.state_key_set,
                                                                         step_values))
        try:
            if self.callbacks is None:
                run_task(task, runtime.config, runtime)
            else:
                self.callbacks.run_task(task, runtime.config, runtime)
        except asyncio.CancelledError as exc:
            if not runtime.subcalls:
                raise  # a lone cancelled node saves nothing (LangGraph 1.2's single-task path)
            task.error = exc  # one that scheduled @task calls is saved as failed with them, as LangGraph does

    def runtime_for(self, task: Task) -> TaskRuntime:
        """The context ``interrupt()``, ``get_stream_writer()`` and ``@task`` calls reach inside ``task``."""
        writer = None
        if "custom" in self.modes:
            writer = (lambda chunk: self._emit("custom", (task.id, chunk))) if self.tag_custom else self._custom_writer
        runtime = TaskRuntime(
            config={},
            writer=writer,
            namespace=task.namespace,
            answers=task.answers,
            new_answers=self._resume_map,
            single_answer=self._resume_single,
        )
        runtime.scheduler = self._calls
        runtime.run = self
        return runtime

    def _finish(self, task: Task, step: int, lone: bool = False) -> None:
        answers = [(RESUME, task.answers)] if task.answers else []
        if task.error is not None:
            # A handler that takes over is recorded, so a resume runs the handler again, not the node (LangGraph).
            handled = [(ERROR_SOURCE_NODE, task.name)] if _handlers.handles(task) else []
            self.store.put_writes(task, [*task.writes, (ERROR, repr(task.error)), *handled, *answers])
            if task.writes and not task.node.hidden:
                self._emit("updates", {task.name: shown_update(task.update, self.graph)})
        elif task.paused:
            if not task.interrupts:  # a subgraph's breakpoint: nothing saved, announced by _step_interrupted
                return
            self.interrupts.extend(task.interrupts)
            self.store.put_writes(task, [(INTERRUPT, list(task.interrupts)), *answers])
            self._emit("updates", {INTERRUPT: task.interrupts})
            if "values" in self.modes:
                current = self._output(self.channels)
                shown = current if isinstance(current, dict) else {}
                self._emit("values", {**shown, INTERRUPT: task.interrupts})
        else:
            writes = task.writes or [(NO_WRITES, None)]
            self.store.put_writes(task, writes + answers if answers else writes, before_save=lone)
            if task.cache_key is not None:
                _cache.store(self.cache, task.node.cache, task.cache_key, (task.writes, task.update))
            if "updates" in self.modes and not task.node.hidden:
                self._emit("updates", {task.name: shown_update(task.update, self.graph)})
        if self._task_events and not task.node.hidden:
            self._emit_task_event("task_result", step, _events.task_result(task, self.graph.result_keys))
        if task.error is not None and _handlers.handles(task):
            _handlers.run_error_handler(self, task, step)

    def _step_interrupted(self, tasks: list[Task]) -> bool:
        errors = [t.error for t in tasks if t.error is not None]
        if errors:
            self.store.flush()  # durability="exit" still persists what ran before the error
            raise errors[0]
        if not any(t.paused for t in tasks):
            return False
        finished = [t for t in tasks if t.done and not t.node.hidden]
        if finished:
            preview = {k: c.copy() for k, c in self.channels.items()}
            apply_writes(preview, finished)
            self._emit("values", self._output(preview))
        if not self.namespace and not any(t.interrupts for t in tasks):  # only subgraph breakpoints stopped it
            self._pause()
        self.store.flush()
        return True

    def _commit(self, tasks: list[Task]) -> None:
        self.resuming = False
        self._updated = apply_writes(self.channels, tasks)
        if self._after_first_step:
            writes, self._after_first_step = self._after_first_step, []
            self._updated |= apply_writes(self.channels, [Task(NULL_TASK_ID, "__input__", ("~",), tasks[0].node, (),
                                                                writes=writes)])
        if "values" in self.modes:  # before the checkpoint event, which LangGraph streams at the next step
            self._emit_values_if_written(tasks)
        self.store.save(self.channels, "loop", next_tasks=self._plan, updated=self._updated, ran=tasks)

    def _executor(self) -> ThreadPoolExecutor:
        if self._pool is None:
            self._pool = ThreadPoolExecutor(thread_name_prefix="hitl-task")
        return self._pool


__all__ = ["Run"]
