"""``create_react_agent``: a model that calls tools in a loop until it answers, as LangGraph 1.2's prebuilt.

The graph is the one LangGraph builds, so ``get_graph()`` draws the same: ``agent`` (prompt | model) with a
conditional edge to ``tools`` or END, and ``tools`` back to ``agent``. With ``version="v2"`` (the default) each tool
call is sent to ``tools`` on its own (``Send``) together with the state it was made in.
"""

from __future__ import annotations

import inspect
import warnings
from collections.abc import Callable, Sequence
from typing import Any, Literal, get_type_hints

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import AIMessage, BaseMessage, SystemMessage, ToolMessage
from langchain_core.runnables import Runnable, RunnableBinding, RunnableConfig, RunnableLambda, RunnableSequence
from langchain_core.tools import BaseTool
from typing_extensions import deprecated

from ..constants import END
from ..errors import ErrorCode, create_error_message
from ..graph import StateGraph
from ..types import Send
from ..warnings import LangGraphDeprecatedSinceV10
from ._agent_state import (
    AgentState,
    AgentStatePydantic,
    AgentStateWithStructuredResponse,
    AgentStateWithStructuredResponsePydantic,
    state_value,
)
from ._runtime import node_runtime
from .tool_node import ToolCallWithContext, ToolNode

__all__ = [
    "create_react_agent", "create_tool_calling_executor", "AgentState", "AgentStatePydantic",
    "AgentStateWithStructuredResponse", "AgentStateWithStructuredResponsePydantic",
]

PROMPT_RUNNABLE_NAME = "Prompt"
_MISSING = object()


def _get_prompt_runnable(prompt: Any) -> Runnable:
    """The runnable turning the state into the model's input: messages, with the system prompt first."""
    if prompt is None:
        return RunnableLambda(lambda state: state_value(state, "messages"), name=PROMPT_RUNNABLE_NAME)
    if isinstance(prompt, str):
        prompt = SystemMessage(content=prompt)
    if isinstance(prompt, SystemMessage):
        system = prompt
        return RunnableLambda(lambda state: [system, *state_value(state, "messages")], name=PROMPT_RUNNABLE_NAME)
    if isinstance(prompt, Runnable):
        return prompt
    if callable(prompt):
        return RunnableLambda(prompt, name=PROMPT_RUNNABLE_NAME)
    raise ValueError(f"Got unexpected type for `prompt`: {type(prompt)}")


def _first_model_step(model: Any) -> Any:
    if isinstance(model, RunnableSequence):
        return next((s for s in model.steps if isinstance(s, (RunnableBinding, BaseChatModel))), model)
    return model


def _should_bind_tools(model: Any, tools: Sequence[BaseTool], num_builtin: int = 0) -> bool:
    """False when ``model`` already came from ``bind_tools`` with exactly these tools (raises if they differ)."""
    model = _first_model_step(model)
    if not isinstance(model, RunnableBinding) or "tools" not in model.kwargs:
        return True
    bound = model.kwargs["tools"]
    if len(tools) != len(bound) - num_builtin:
        raise ValueError(
            "Number of tools in the model.bind_tools() and tools passed to create_react_agent must match"
            f" Got {len(tools)} tools, expected {len(bound) - num_builtin}"
        )
    bound_names = set()
    for item in bound:
        if item.get("type") == "function":
            bound_names.add(item["function"]["name"])
        elif item.get("name"):
            bound_names.add(item["name"])
    if missing := {t.name for t in tools} - bound_names:
        raise ValueError(f"Missing tools '{missing}' in the model.bind_tools()")
    return False


def _get_model(model: Any) -> BaseChatModel:
    """The chat model inside a prompt sequence or a ``bind_tools`` binding."""
    model = _first_model_step(model)
    if isinstance(model, RunnableBinding):
        model = model.bound
    if not isinstance(model, BaseChatModel):
        raise TypeError(
            f"Expected `model` to be a ChatModel or RunnableBinding (e.g. model.bind_tools(...)), got {type(model)}"
        )
    return model


def _validate_chat_history(messages: Sequence[BaseMessage]) -> None:
    """Every tool call in the history needs its ToolMessage before the model is called again."""
    answered = {m.tool_call_id for m in messages if isinstance(m, ToolMessage)}
    missing = [
        call for m in messages if isinstance(m, AIMessage) for call in m.tool_calls if call["id"] not in answered
    ]
    if not missing:
        return
    raise ValueError(create_error_message(
        message="Found AIMessages with tool_calls that do not have a corresponding ToolMessage. "
        f"Here are the first few of those tool calls: {missing[:3]}.\n\n"
        "Every tool call (LLM requesting to call a tool) in the message history MUST have a corresponding "
        "ToolMessage (result of a tool invocation to return to the LLM) - this is required by most LLM providers.",
        error_code=ErrorCode.INVALID_CHAT_HISTORY,
    ))


@deprecated(
    "create_react_agent has been moved to `langchain.agents`. Please update your import to "
    "`from langchain.agents import create_agent`.",
    category=LangGraphDeprecatedSinceV10,
)
def create_react_agent(
    model: Any,
    tools: Sequence[BaseTool | Callable | dict[str, Any]] | ToolNode,
    *,
    prompt: Any = None,
    response_format: Any = None,
    pre_model_hook: Any = None,
    post_model_hook: Any = None,
    state_schema: Any = None,
    context_schema: Any = None,
    checkpointer: Any = None,
    store: Any = None,
    interrupt_before: list[str] | None = None,
    interrupt_after: list[str] | None = None,
    debug: bool = False,
    version: Literal["v1", "v2"] = "v2",
    name: str | None = None,
    **deprecated_kwargs: Any,
) -> Any:
    """Build and compile a tool-calling agent graph, as LangGraph 1.2's ``create_react_agent``.

    ``model``: a chat model (``bind_tools`` is called with ``tools`` unless already bound), a
    ``"provider:model"`` string (needs ``langchain``), or ``fn(state, runtime)`` returning one.
    ``prompt``: a string or ``SystemMessage`` put first, or a callable / ``Runnable`` from state to model input.
    ``response_format``: a schema; the final answer is also asked for as ``structured_response``.
    ``state_schema`` must have ``messages`` and ``remaining_steps``. Returns a ``CompiledStateGraph``.
    ``pre_model_hook`` / ``post_model_hook`` are not supported here (``ValueError``).
    """
    if (config_schema := deprecated_kwargs.pop("config_schema", _MISSING)) is not _MISSING:
        warnings.warn(
            "`config_schema` is deprecated and will be removed. Please use `context_schema` instead.",
            category=LangGraphDeprecatedSinceV10, stacklevel=2,
        )
        context_schema = context_schema or config_schema
    if deprecated_kwargs:
        raise TypeError(f"create_react_agent() got unexpected keyword arguments: {deprecated_kwargs}")
    if version not in ("v1", "v2"):
        raise ValueError(f"Invalid version {version}. Supported versions are 'v1' and 'v2'.")
    for hook, label in ((pre_model_hook, "pre_model_hook"), (post_model_hook, "post_model_hook")):
        if hook is not None:
            raise ValueError(
                f"`{label}` is not supported by hitl_notebook's create_react_agent. Add your own node before or "
                "after 'agent' in a StateGraph with ToolNode and tools_condition instead."
            )
    if state_schema is not None:
        required = {"messages", "remaining_steps"} | ({"structured_response"} if response_format is not None else set())
        if missing := required - set(get_type_hints(state_schema)):
            raise ValueError(f"Missing required key(s) {missing} in state_schema")
    else:
        state_schema = AgentStateWithStructuredResponse if response_format is not None else AgentState

    builtin_tools: list[dict] = []
    if isinstance(tools, ToolNode):
        tool_node = tools
    else:
        builtin_tools = [t for t in tools if isinstance(t, dict)]
        tool_node = ToolNode([t for t in tools if not isinstance(t, dict)])
    tool_classes = list(tool_node.tools_by_name.values())

    is_dynamic = not isinstance(model, (str, Runnable)) and callable(model)
    if is_dynamic and inspect.iscoroutinefunction(model):
        raise ValueError("An async model callable needs async nodes, which hitl_notebook's create_react_agent lacks. "
                         "Pass a sync callable or a chat model.")
    static_model: Runnable | None = None
    if not is_dynamic:
        if isinstance(model, str):
            try:
                from langchain.chat_models import init_chat_model
            except ImportError:
                raise ImportError(
                    "Please install langchain (`pip install langchain`) to use '<provider>:<model>' string syntax "
                    "for `model` parameter."
                ) from None
            model = init_chat_model(model)
        if _should_bind_tools(model, tool_classes, num_builtin=len(builtin_tools)) and (tool_classes or builtin_tools):
            model = model.bind_tools(tool_classes + builtin_tools)
        static_model = _get_prompt_runnable(prompt) | model
    return_direct = {t.name for t in tool_classes if t.return_direct}

    def resolve_model(state: Any) -> Runnable:
        if is_dynamic:
            return _get_prompt_runnable(prompt) | model(state, node_runtime())
        return static_model

    def needs_more_steps(state: Any, response: BaseMessage) -> bool:
        remaining = state_value(state, "remaining_steps", None)
        if remaining is None or not isinstance(response, AIMessage):
            return False
        all_direct = all(call["name"] in return_direct for call in response.tool_calls)
        return (remaining < 1 and all_direct) or (remaining < 2 and bool(response.tool_calls))

    def agent(state: Any, config: RunnableConfig) -> dict[str, Any]:
        messages = state_value(state, "messages")
        if messages is None:
            raise ValueError(f"Expected input to call_model to have 'messages' key, but got {state}")
        _validate_chat_history(messages)
        response = resolve_model(state).invoke(state, config)
        response.name = name
        if needs_more_steps(state, response):
            response = AIMessage(id=response.id, content="Sorry, need more steps to process this request.")
        return {"messages": [response]}

    def generate_structured_response(state: Any, config: RunnableConfig) -> dict[str, Any]:
        messages = state_value(state, "messages")
        schema = response_format
        if isinstance(response_format, tuple):
            system_prompt, schema = response_format
            messages = [SystemMessage(content=system_prompt), *messages]
        structured = _get_model(resolve_model(state)).with_structured_output(schema)
        return {"structured_response": structured.invoke(messages, config)}

    workflow = StateGraph(state_schema, context_schema)
    workflow.add_node("agent", agent, input_schema=state_schema)
    if not tool_classes:
        workflow.set_entry_point("agent")
        if response_format is not None:
            workflow.add_node("generate_structured_response", generate_structured_response)
            workflow.add_edge("agent", "generate_structured_response")
        return workflow.compile(checkpointer=checkpointer, store=store, interrupt_before=interrupt_before,
                                interrupt_after=interrupt_after, debug=debug, name=name)

    after_agent = "generate_structured_response" if response_format is not None else END

    def should_continue(state: Any) -> str | list[Send]:
        last = state_value(state, "messages")[-1]
        if not isinstance(last, AIMessage) or not last.tool_calls:
            return after_agent
        if version == "v1":
            return "tools"
        return [
            Send("tools", ToolCallWithContext(__type="tool_call_with_context", tool_call=call, state=state))
            for call in last.tool_calls
        ]

    def route_tool_responses(state: Any) -> str:
        for message in reversed(state_value(state, "messages")):
            if not isinstance(message, ToolMessage):
                break
            if message.name in return_direct:
                return END
        if isinstance(message, AIMessage) and any(c["name"] in return_direct for c in message.tool_calls):
            return END
        return "agent"

    workflow.add_node("tools", tool_node)
    workflow.set_entry_point("agent")
    if response_format is not None:
        workflow.add_node("generate_structured_response", generate_structured_response)
    workflow.add_conditional_edges("agent", should_continue, path_map=["tools", after_agent])
    if return_direct:
        workflow.add_conditional_edges("tools", route_tool_responses, path_map=["agent", END])
    else:
        workflow.add_edge("tools", "agent")
    return workflow.compile(checkpointer=checkpointer, store=store, interrupt_before=interrupt_before,
                            interrupt_after=interrupt_after, debug=debug, name=name)


create_tool_calling_executor = create_react_agent
