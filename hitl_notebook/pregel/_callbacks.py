"""LangChain callbacks around a run, as LangGraph 1.2 sets them up: one chain run for the graph, one per task.

Only used when a run needs them (``stream_mode="messages"``, ``callbacks`` in the config, or a parent run that
uses them), so langchain_core is imported then and never otherwise. A node runs with the langchain_core context
variable ``var_child_runnable_config`` set to its config, so a chat model it calls *without* passing ``config``
still reports to these callbacks (its tokens reach the ``messages`` stream), as under LangGraph.
"""

from __future__ import annotations

import dataclasses
from contextvars import ContextVar
from typing import TYPE_CHECKING, Any

from ..errors import GraphInterrupt
from ._algo import Task
from ._async import current_bridge, in_async_run
from ._context import TaskRuntime
from ._runner import run_task

if TYPE_CHECKING:
    from ._loop import Run


def needed(run: "Run", parent: "Run | None") -> bool:
    """Whether ``run`` needs callbacks: cheap checks only, no import."""
    return ("messages" in run.own_modes or bool(run.config.get("callbacks"))
            or (parent is not None and parent.callbacks is not None))


streaming_nodes: ContextVar[bool] = ContextVar("hitl_streaming_nodes", default=False)
"""True while a node runs under a streaming callback handler (``astream_events``): a Runnable node is then
consumed through ``astream``, as LangGraph 1.2's runner does (``use_astream``)."""

_NO_OUTPUT = object()

_TO_METADATA = ("thread_id", "checkpoint_id", "checkpoint_ns", "task_id", "run_id", "assistant_id", "graph_id")


class RunCallbacks:
    """The graph's chain run, and a child chain run for each task it executes."""

    def __init__(self, run: "Run", nested: bool) -> None:
        from langchain_core.callbacks import CallbackManager
        from langchain_core.runnables.config import ensure_config, var_child_runnable_config

        self._var = var_child_runnable_config
        self._manager_cls = CallbackManager
        # A nested graph starts from the config of the node that runs it, as LangGraph's invoke reads it.
        base = ensure_config(None if nested else run.config)
        if nested and base.get("callbacks") is None and run.config.get("callbacks") is not None:
            base["callbacks"] = run.config["callbacks"]
        metadata, configurable = base["metadata"], base.get("configurable") or {}
        for key in _TO_METADATA:  # LangGraph's ensure_config copies these ids into the run's metadata
            # (a LangGraph node's config has checkpoint_id None, so a nested graph never copies that one)
            if key not in metadata and configurable.get(key) and not (nested and key == "checkpoint_id"):
                metadata[key] = configurable[key]
        manager = CallbackManager.configure(
            inheritable_callbacks=base.get("callbacks"),
            inheritable_tags=base.get("tags"),
            inheritable_metadata=base.get("metadata"),
        )
        if "ls_integration" not in manager.metadata:
            manager.add_metadata({"ls_integration": "langgraph"})
        self.metadata = dict(base.get("metadata") or {})
        own = {} if nested else run.config  # a nested run's config repeats its parent's run_name and run_id
        self.graph_run = manager.on_chain_start(
            None, run.input, name=own.get("run_name") or run.graph.name, run_id=own.get("run_id"),
        )
        if "messages" in run.own_modes:
            from ._messages import MessagesHandler

            parent_ns = run.namespace if nested else None
            handler = MessagesHandler(lambda ns, chunk: run._deliver(ns, "messages", chunk), run.subgraphs, parent_ns)
            self.graph_run.inheritable_handlers.append(handler)
        # As LangGraph's ``do_stream``: an async run watched by a streaming handler (astream_events), not counting
        # the messages handler, streams each node, so each node's run reports its output as a stream chunk too.
        self._taps = _stream_handlers(self.graph_run.handlers) if in_async_run() else []
        self._nested = nested

    def run_task(self, task: Task, config: dict[str, Any], runtime: TaskRuntime, caller: Any = None,
                 shown: Any = None) -> None:
        """``run_task`` inside a chain run named after the node, with the node's config in the context var.

        A ``@task`` call passes its caller's callbacks (``caller``), under which its run nests as in LangGraph 1.2,
        and ``shown``, its arguments by name (``call_input``), which LangGraph reports as its input.
        """
        if task.node.hidden:  # graph plumbing (__start__): LangGraph reports no run for it
            run_task(task, config, runtime)
            return
        metadata = config.get("metadata") or {}
        if caller is None:
            tags = [f"graph:step:{metadata.get('langgraph_step')}"]  # LangGraph's: the node's run, then its body
            manager = self._manager_cls.configure(
                inheritable_callbacks=self.graph_run.get_child(), local_tags=tags, inheritable_metadata=metadata,
            )
        else:
            manager = self._manager_cls.configure(inheritable_callbacks=caller, inheritable_metadata=metadata)
        node_run = manager.on_chain_start(None, task.input if shown is None else shown, name=task.name)
        config = {**config, "metadata": {**self.metadata, **metadata}, "callbacks": node_run.get_child("seq:step:1")}
        config.pop("run_id", None)  # belongs to the graph's run: a chat model in the node must not reuse it
        runtime.config = config
        node, outputs = task.node, [_NO_OUTPUT]
        task.node = dataclasses.replace(node, call=_recording(node.call, outputs))
        token = self._var.set(config)
        streaming = streaming_nodes.set(True) if self._taps else None
        try:
            run_task(task, config, runtime)
        finally:
            task.node = node
            if streaming is not None:
                streaming_nodes.reset(streaming)
            self._var.reset(token)
        if task.error is not None:
            node_run.on_chain_error(task.error)
        elif task.interrupts:
            node_run.on_chain_error(GraphInterrupt(task.interrupts))
        else:
            # LangGraph reports what the node returned (a Command, a list of updates, None), not the state update.
            output = task.update if outputs[-1] is _NO_OUTPUT else outputs[-1]
            for handler in self._taps:
                for _ in handler.tap_output_iter(node_run.run_id, iter((output,))):
                    pass
            node_run.on_chain_end(output)

    def end(self, output: Any) -> None:
        bridge = current_bridge()
        if bridge is not None and bridge.gate is not None and not self._nested:
            # Under astream the run is a step ahead of its reader: wait until the reader has taken the last chunk,
            # so astream_events reports it (a chunk tapped after the graph's end event is dropped) and the end
            # event comes last, as in LangGraph, whose end follows its last yield.
            bridge.gate()
        self.graph_run.on_chain_end(output)

    def error(self, error: BaseException) -> None:
        self.graph_run.on_chain_error(error)


def _recording(call: Any, outputs: list[Any]) -> Any:
    """``call`` that also keeps its latest return value in ``outputs`` (a retried node keeps its last one)."""
    def record(value: Any, config: dict[str, Any]) -> Any:
        output = call(value, config)
        outputs.append(output)
        return output

    return record


def _stream_handlers(handlers: list[Any]) -> list[Any]:
    from langchain_core.tracers._streaming import _StreamingCallbackHandler

    from ._messages import MessagesHandler

    return [h for h in handlers if isinstance(h, _StreamingCallbackHandler) and not isinstance(h, MessagesHandler)]


def stream_events_refusal(version: str) -> NotImplementedError:
    """Why ``stream_events`` cannot run: LangChain's text for v1/v2 (as LangGraph 1.2 raises it), and for v3 (its
    content-block protocol) that hitl_notebook does not implement it."""
    if version == "v3":
        return NotImplementedError(
            "stream_events(version='v3') is not supported by hitl_notebook. Use astream_events(version='v2'), "
            "or stream(..., stream_mode=[...]) for the graph's own stream modes."
        )
    return NotImplementedError(
        f"stream_events(version={version!r}) is not supported. Use astream_events() for v1/v2, or "
        "stream_events(version='v3') on a supported subclass."
    )


def call_input(func: Any, args: tuple, kwargs: dict[str, Any]) -> dict[str, Any] | None:
    """A ``@task`` call's arguments by parameter name, defaults filled and ``**kwargs`` flattened, without
    ``self``/``cls``: the input LangGraph 1.2 reports for a call's run. None when they do not fit the signature."""
    import inspect

    try:
        signature = inspect.signature(func)
        bound = signature.bind_partial(*args, **kwargs)
    except (TypeError, ValueError):
        return None
    bound.apply_defaults()
    arguments = dict(bound.arguments)
    arguments.pop("self", None)
    arguments.pop("cls", None)
    for name, param in signature.parameters.items():
        if param.kind is inspect.Parameter.VAR_KEYWORD and name in arguments:
            arguments.update(arguments.pop(name))
    return arguments
