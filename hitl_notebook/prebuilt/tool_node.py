"""``ToolNode`` and ``tools_condition``: run the tool calls of the last ``AIMessage``, as LangGraph 1.2's prebuilt.

``ToolNode`` accepts graph state with a ``messages`` key (returns ``{"messages": [ToolMessage, ...]}``), a list of
messages (returns a list), or a list of tool-call dicts. Several tool calls run in parallel; tools may return a
``Command``; an ``interrupt()`` inside a tool pauses the graph and the tool runs again on resume.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import Callable, Sequence
from copy import deepcopy
from dataclasses import replace
from typing import Any, Literal

from langchain_core.messages import AIMessage, AnyMessage, RemoveMessage, ToolCall, ToolMessage, convert_to_messages
from langchain_core.messages.tool import ToolOutputMixin
from langchain_core.runnables import Runnable, RunnableConfig
from langchain_core.runnables.config import ensure_config, get_config_list, get_executor_for_config
from langchain_core.tools import BaseTool
from langchain_core.tools import tool as create_tool
from langchain_core.tools.base import TOOL_MESSAGE_BLOCK_TYPES
from pydantic import ValidationError
from typing_extensions import TypedDict

from ..errors import GraphBubbleUp, is_invalid_resume
from ..graph.message import REMOVE_ALL_MESSAGES
from ..types import Command, Send
from ._injection import InjectedArgs, InjectedState, InjectedStore, ToolRuntime, inject, injected_args
from ._runtime import graph_runtime, read_state
from ._tool_errors import (
    INVALID_TOOL_NAME_ERROR_TEMPLATE,
    ErrorHandling,
    ToolInvocationError,
    _default_handle_tool_errors,
    error_content,
    filter_validation_errors,
    handled_types,
)

__all__ = [
    "InjectedState", "InjectedStore", "ToolCallWithContext", "ToolInvocationError", "ToolNode", "ToolRuntime",
    "msg_content_output", "tools_condition",
]

InputType = Literal["list", "dict", "tool_calls"]

# LangGraph's Command is a langchain-core ToolOutputMixin, so a tool that returns one gets it back unwrapped instead
# of stringified into a ToolMessage. The engine may not import langchain-core, so the base is added here, once, when
# the first agent module loads (the class layout allows it: the mixin has no state).
if not issubclass(Command, ToolOutputMixin):
    Command.__bases__ = (*Command.__bases__, ToolOutputMixin)


class ToolCallWithContext(TypedDict):
    """A ``Send`` payload carrying one tool call plus the state it was made in (``create_react_agent`` v2)."""

    tool_call: ToolCall
    __type: Literal["tool_call_with_context"]
    state: Any


def msg_content_output(output: Any) -> str | list[dict]:
    """Tool output as ``ToolMessage`` content: strings and content blocks as they are, else JSON (or ``str``)."""
    if isinstance(output, str) or (
        isinstance(output, list)
        and all(isinstance(x, dict) and x.get("type") in TOOL_MESSAGE_BLOCK_TYPES for x in output)
    ):
        return output
    try:
        return json.dumps(output, ensure_ascii=False)
    except Exception:
        return str(output)


class ToolNode(Runnable):
    """A graph node that executes the tool calls of the latest ``AIMessage``, as LangGraph 1.2's ``ToolNode``.

    ``tools`` are ``BaseTool``s (e.g. ``@tool`` functions) or plain callables (wrapped with ``@tool``).
    ``handle_tool_errors``: True / a string / an exception type or tuple / a handler ``fn(e) -> str`` / False; by
    default only bad arguments from the model become an error ``ToolMessage`` and other errors are raised.
    ``messages_key`` names the state key read and written. An ``interrupt()`` in a tool is never handled as an error.
    """

    def __init__(
        self,
        tools: Sequence[BaseTool | Callable],
        *,
        name: str = "tools",
        tags: list[str] | None = None,
        handle_tool_errors: ErrorHandling = _default_handle_tool_errors,
        messages_key: str = "messages",
    ) -> None:
        self.name = self.__name__ = name  # __name__: what add_node(tool_node) names the node
        self.tags = tags
        self._handle_tool_errors = handle_tool_errors
        self._messages_key = messages_key
        self._tools_by_name: dict[str, BaseTool] = {}
        self._injected: dict[str, InjectedArgs] = {}
        for item in tools:
            tool_ = item if isinstance(item, BaseTool) else create_tool(item)
            self._tools_by_name[tool_.name] = tool_
            self._injected[tool_.name] = injected_args(tool_)

    @property
    def tools_by_name(self) -> dict[str, BaseTool]:
        """Tool name -> ``BaseTool``."""
        return self._tools_by_name

    # -- entry points ----------------------------------------------------------------------------------------------

    def __call__(self, input: Any, config: RunnableConfig) -> Any:
        """Run as a graph node (the engine passes the task's config)."""
        return self.invoke(input, config)

    def invoke(self, input: Any, config: RunnableConfig | None = None, **kwargs: Any) -> Any:
        """Execute the tool calls found in ``input``; see the class docstring for input and output shapes."""
        config = ensure_config(config)
        calls, input_type = self._parse_input(input)
        runtimes = self._runtimes(input, calls, config)
        if len(calls) == 1:  # no worker thread for the common single call
            outputs = [self._run_one(calls[0], input_type, runtimes[0])]
        else:
            with get_executor_for_config(config) as executor:
                outputs = list(executor.map(self._run_one, calls, [input_type] * len(calls), runtimes))
        return self._combine_outputs(outputs, input_type)

    async def ainvoke(self, input: Any, config: RunnableConfig | None = None, **kwargs: Any) -> Any:
        """Async ``invoke``: the tool calls run concurrently with ``tool.ainvoke``."""
        config = ensure_config(config)
        calls, input_type = self._parse_input(input)
        runtimes = self._runtimes(input, calls, config)
        outputs = await asyncio.gather(*(self._arun_one(c, input_type, r) for c, r in zip(calls, runtimes)))
        return self._combine_outputs(list(outputs), input_type)

    # -- parsing ---------------------------------------------------------------------------------------------------

    def _parse_input(self, input: Any) -> tuple[list[ToolCall], InputType]:
        if isinstance(input, list):
            if input and isinstance(input[-1], dict) and input[-1].get("type") == "tool_call":
                return input, "tool_calls"
            input_type, messages = "list", input
        elif isinstance(input, dict) and input.get("__type") == "tool_call_with_context":
            return [input["tool_call"]], "tool_calls"
        elif isinstance(input, dict) and (messages := input.get(self._messages_key, [])):
            input_type = "dict"
        elif messages := getattr(input, self._messages_key, []):
            input_type = "dict"
        else:
            raise ValueError("No message found in input")
        latest = next((m for m in reversed(messages) if isinstance(m, AIMessage)), None)
        if latest is None:
            raise ValueError("No AIMessage found in input")
        return list(latest.tool_calls), input_type

    def _runtimes(self, input: Any, calls: list[ToolCall], config: RunnableConfig) -> list[ToolRuntime]:
        context, store, writer = graph_runtime()
        tools = list(self._tools_by_name.values())
        return [
            ToolRuntime(state=self._state_of(input, cfg), tool_call_id=call["id"], config=cfg, context=context,
                        store=store, stream_writer=writer, tools=tools)
            for call, cfg in zip(calls, get_config_list(config, len(calls)))
        ]

    def _state_of(self, input: Any, config: RunnableConfig) -> Any:
        if isinstance(input, dict) and input.get("__type") == "tool_call_with_context":
            return input["state"]
        if isinstance(input, list) and input and isinstance(input[-1], dict) and input[-1].get("type") == "tool_call":
            return read_state(config)  # sent bare tool calls: the tools see the graph state as it is now
        return input

    # -- one call --------------------------------------------------------------------------------------------------

    def _prepare(self, call: ToolCall, runtime: ToolRuntime) -> tuple[BaseTool | None, Any]:
        tool_ = self._tools_by_name.get(call["name"])
        if tool_ is None:
            message = INVALID_TOOL_NAME_ERROR_TEMPLATE.format(
                requested_tool=call["name"], available_tools=", ".join(self._tools_by_name)
            )
            return None, ToolMessage(message, name=call["name"], tool_call_id=call["id"], status="error")
        injected = inject(call, self._injected[call["name"]], runtime, self._messages_key)
        return tool_, {**injected, "type": "tool_call"}

    def _run_one(self, call: ToolCall, input_type: InputType, runtime: ToolRuntime) -> Any:
        tool_, prepared = self._prepare(call, runtime)
        if tool_ is None:
            return prepared
        try:
            try:
                response = tool_.invoke(prepared, runtime.config)
            except ValidationError as exc:
                if is_invalid_resume(exc):  # an interrupt's response_schema rejected the answer, not the model's args
                    raise
                raise self._invocation_error(call, exc) from exc
            return self._normalize(response, call, input_type)
        except GraphBubbleUp:  # interrupt() inside the tool (or a graph it ran): always propagates
            raise
        except Exception as exc:
            return self._handle_error(exc, call)

    async def _arun_one(self, call: ToolCall, input_type: InputType, runtime: ToolRuntime) -> Any:
        tool_, prepared = self._prepare(call, runtime)
        if tool_ is None:
            return prepared
        try:
            try:
                response = await tool_.ainvoke(prepared, runtime.config)
            except ValidationError as exc:
                if is_invalid_resume(exc):  # an interrupt's response_schema rejected the answer, not the model's args
                    raise
                raise self._invocation_error(call, exc) from exc
            return self._normalize(response, call, input_type)
        except GraphBubbleUp:
            raise
        except Exception as exc:
            return self._handle_error(exc, call)

    def _invocation_error(self, call: ToolCall, exc: ValidationError) -> ToolInvocationError:
        injected = self._injected.get(call["name"])
        kept = filter_validation_errors(exc, injected.names() if injected else set())
        return ToolInvocationError(call["name"], exc, call["args"], kept)

    def _handle_error(self, exc: Exception, call: ToolCall) -> ToolMessage:
        flag = self._handle_tool_errors
        if not flag or is_invalid_resume(exc) or not isinstance(exc, handled_types(flag)):
            raise exc
        return ToolMessage(
            content=error_content(exc, flag), name=call["name"], tool_call_id=call["id"], status="error"
        )

    # -- results ---------------------------------------------------------------------------------------------------

    def _normalize(self, response: Any, call: ToolCall, input_type: InputType) -> Any:
        if isinstance(response, Command):
            return self._check_command(response, call, input_type)
        if isinstance(response, ToolMessage):
            response.content = msg_content_output(response.content)
            return response
        if isinstance(response, list):
            if all(isinstance(r, (Command, ToolMessage)) for r in response):
                return self._check_list(response, call, input_type)
            raise TypeError(
                f"Tool {call['name']} returned a list with invalid element types: expected all Command or ToolMessage"
            )
        raise TypeError(f"Tool {call['name']} returned unexpected type: {type(response)}")

    def _check_list(self, response: list, call: ToolCall, input_type: InputType) -> list:
        expected = call["id"]
        count = 0
        for item in response:
            if isinstance(item, ToolMessage):
                count += item.tool_call_id == expected
            elif isinstance(item.update, dict):
                count += sum(
                    isinstance(m, ToolMessage) and m.tool_call_id == expected
                    for m in item.update.get(self._messages_key, [])
                )
        if count != 1:
            raise ValueError(
                f"Tool {call['name']} returned a list with {count} messages bound to tool_call_id {expected!r}; "
                "expected exactly one terminating ToolMessage."
            )
        out = []
        for item in response:
            if isinstance(item, Command):
                out.append(self._check_command(item, call, input_type, require_terminator=False))
            else:
                item.content = msg_content_output(item.content)
                out.append(item)
        return out

    def _check_command(
        self, command: Command, call: ToolCall, input_type: InputType, *, require_terminator: bool = True
    ) -> Command:
        """A copy of ``command`` whose ToolMessage for this call carries the tool's name; it must have one."""
        if isinstance(command.update, dict):
            if input_type not in ("dict", "tool_calls"):
                raise ValueError(
                    "Tools can provide a dict in Command.update only when using dict with "
                    f"'{self._messages_key}' key as ToolNode input, got: {command.update} for tool '{call['name']}'"
                )
            command = deepcopy(command)
            messages = (command.update or {}).get(self._messages_key, [])
        elif isinstance(command.update, list):
            if input_type != "list":
                raise ValueError(
                    "Tools can provide a list of messages in Command.update only when using list of messages as "
                    f"ToolNode input, got: {command.update} for tool '{call['name']}'"
                )
            command = deepcopy(command)
            messages = command.update
        else:
            return command
        messages = convert_to_messages(messages)
        if messages == [RemoveMessage(id=REMOVE_ALL_MESSAGES)]:
            return command
        matched = False
        for message in messages:
            if isinstance(message, ToolMessage) and message.tool_call_id == call["id"]:
                message.name = call["name"]
                matched = True
        if require_terminator and command.graph is None and not matched:
            example = (
                '`Command(update={"messages": [ToolMessage("Success", tool_call_id=tool_call_id), ...]}, ...)`'
                if input_type == "dict"
                else '`Command(update=[ToolMessage("Success", tool_call_id=tool_call_id), ...], ...)`'
            )
            raise ValueError(
                f"Expected to have a matching ToolMessage in Command.update for tool '{call['name']}', got: "
                f"{messages}. Every tool call (LLM requesting to call a tool) in the message history MUST have a "
                f"corresponding ToolMessage. You can fix it by modifying the tool to return {example}."
            )
        return command

    def _combine_outputs(self, outputs: list, input_type: InputType) -> Any:
        flat: list = []
        for output in outputs:
            flat.extend(output) if isinstance(output, list) else flat.append(output)
        if not any(isinstance(o, Command) for o in flat):
            return flat if input_type == "list" else {self._messages_key: flat}
        combined: list = []
        parent: Command | None = None  # Sends to the parent graph are merged into one Command
        for output in flat:
            if not isinstance(output, Command):
                combined.append([output] if input_type == "list" else {self._messages_key: [output]})
            elif output.graph is Command.PARENT and isinstance(output.goto, list) and all(
                isinstance(s, Send) for s in output.goto
            ):
                parent = replace(parent, goto=parent.goto + output.goto) if parent else Command(
                    graph=Command.PARENT, goto=output.goto
                )
            else:
                combined.append(output)
        if parent is not None:
            combined.append(parent)
        return combined


def tools_condition(
    state: list[AnyMessage] | dict[str, Any] | Any, messages_key: str = "messages"
) -> Literal["tools", "__end__"]:
    """Route to ``"tools"`` when the last message has tool calls, else to ``"__end__"`` (LangGraph 1.2).

    Raises ``ValueError`` when the state holds no messages.
    """
    if isinstance(state, list):
        last = state[-1]
    elif (isinstance(state, dict) and (messages := state.get(messages_key, []))) or (
        messages := getattr(state, messages_key, [])
    ):
        last = messages[-1]
    else:
        raise ValueError(f"No messages found in input state to tool_edge: {state}")
    if hasattr(last, "tool_calls") and len(last.tool_calls) > 0:
        return "tools"
    return "__end__"
