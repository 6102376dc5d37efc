"""Offline LangChain v1 agents for tests: a scripted fake chat model and small recording tools.

Import only after ``pytest.importorskip("langchain")``. Everything here is real LangChain / LangGraph code except
the model, which replies from a script instead of calling a provider::

    model = ScriptedChatModel.replying(calls(("book_hotel", {"city": "Paris"})), "Booked.")
    agent = create_agent(model=model, tools=[...], checkpointer=InMemorySaver())

The model records every prompt it gets (``model.prompts``), so a test can check what the model was told, e.g. the
ToolMessage that carries a reviewer's rejection.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from itertools import count
from typing import Any

from langchain.agents import create_agent
from langchain.agents.middleware import HumanInTheLoopMiddleware
from langchain_core.language_models.fake_chat_models import GenericFakeChatModel
from langchain_core.messages import AIMessage, AIMessageChunk, BaseMessage, ToolMessage
from langchain_core.outputs import ChatGenerationChunk, ChatResult
from langchain_core.tools import BaseTool, tool
from langgraph.checkpoint.memory import InMemorySaver
from pydantic import Field

__all__ = ["ScriptedChatModel", "TravelTools", "calls", "hitl_agent", "tool_messages"]

_ids = count(1)


class ScriptedChatModel(GenericFakeChatModel):
    """``GenericFakeChatModel`` that agents can use: ``bind_tools`` returns the model itself, tool calls survive
    streaming (``stream_mode="messages"``), and every prompt is recorded in ``prompts``."""

    prompts: list[list[BaseMessage]] = Field(default_factory=list)

    @classmethod
    def replying(cls, *replies: AIMessage | str) -> ScriptedChatModel:
        """A model answering each call with the next reply (``StopIteration`` once the script is used up)."""
        return cls(messages=iter(replies))

    def bind_tools(self, tools: Any, **kwargs: Any) -> ScriptedChatModel:
        return self

    def _generate(self, messages: list[BaseMessage], stop: Any = None, run_manager: Any = None,
                  **kwargs: Any) -> ChatResult:
        self.prompts.append(list(messages))
        return super()._generate(messages, stop=stop, run_manager=run_manager, **kwargs)

    def _stream(self, messages: list[BaseMessage], stop: Any = None, run_manager: Any = None,
                **kwargs: Any) -> Iterator[ChatGenerationChunk]:
        # GenericFakeChatModel streams only text; an agent needs its tool calls as tool_call_chunks.
        message = self._generate(messages, stop=stop, run_manager=run_manager, **kwargs).generations[0].message
        words = message.content.split(" ") if isinstance(message.content, str) and message.content else []
        for i, word in enumerate(words):
            yield ChatGenerationChunk(message=AIMessageChunk(content=word if i == 0 else " " + word, id=message.id))
        chunks = [{"name": c["name"], "args": json.dumps(c["args"]), "id": c["id"], "index": i,
                   "type": "tool_call_chunk"} for i, c in enumerate(getattr(message, "tool_calls", []))]
        if chunks or not words:
            yield ChatGenerationChunk(message=AIMessageChunk(content="", id=message.id, tool_call_chunks=chunks))


def calls(*requested: tuple[str, dict[str, Any]], text: str = "") -> AIMessage:
    """An AI reply requesting tool calls ``(name, args)``, each with a fresh id."""
    return AIMessage(content=text, tool_calls=[{"name": name, "args": args, "id": f"call_{next(_ids)}",
                                                "type": "tool_call"} for name, args in requested])


class TravelTools:
    """Two real LangChain tools that record each run in ``ran`` as ``(tool name, args)``."""

    def __init__(self) -> None:
        self.ran: list[tuple[str, dict[str, Any]]] = []

        @tool
        def search_flights(destination: str, max_price: int = 500) -> str:
            """Search flights to a destination under a price."""
            self.ran.append(("search_flights", {"destination": destination, "max_price": max_price}))
            return f"3 flights to {destination} under {max_price}"

        @tool
        def book_hotel(city: str, nights: int = 1, breakfast: bool = False, guests: list[str] | None = None) -> str:
            """Book a hotel room."""
            self.ran.append(("book_hotel", {"city": city, "nights": nights, "breakfast": breakfast,
                                            "guests": guests}))
            return f"booked {nights} night(s) in {city}"

        self.tools: list[BaseTool] = [search_flights, book_hotel]


def hitl_agent(model: ScriptedChatModel, tools: list[BaseTool], interrupt_on: dict[str, Any], *,
               mode: str = "batched") -> Any:
    """``create_agent`` with ``HumanInTheLoopMiddleware(interrupt_on, interrupt_mode=mode)`` and an InMemorySaver."""
    middleware = HumanInTheLoopMiddleware(interrupt_on=interrupt_on, interrupt_mode=mode)
    return create_agent(model=model, tools=tools, middleware=[middleware], checkpointer=InMemorySaver())


def tool_messages(model: ScriptedChatModel, where: Callable[[ToolMessage], bool] = lambda m: True
                  ) -> list[ToolMessage]:
    """The ToolMessages in the model's last prompt."""
    return [m for m in model.prompts[-1] if isinstance(m, ToolMessage) and where(m)] if model.prompts else []
