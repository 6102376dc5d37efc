"""The ``messages`` stream mode: a langchain_core callback handler that turns chat-model tokens and the messages
nodes return into ``(message, metadata)`` chunks, with LangGraph 1.2's rules (``StreamMessagesHandler``).

Imported only when a run asks for ``messages`` (this module imports langchain_core).
"""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Callable, Mapping, Sequence
from typing import Any
from uuid import UUID

from langchain_core.callbacks import BaseCallbackHandler
from langchain_core.messages import BaseMessage
from langchain_core.outputs import ChatGeneration, ChatGenerationChunk, LLMResult

from ..constants import NS_SEP, TAG_HIDDEN, TAG_NOSTREAM
from ..types import Command

try:  # the marker that makes chat models stream tokens even when a node calls .invoke()
    from langchain_core.tracers._streaming import _StreamingCallbackHandler
except ImportError:  # pragma: no cover - older langchain-core
    _StreamingCallbackHandler = object  # type: ignore[assignment,misc]

Meta = tuple[tuple[str, ...], dict[str, Any]]
Emit = Callable[[tuple[str, ...], tuple[BaseMessage, dict[str, Any]]], None]


def graph_namespace(metadata: Mapping[str, Any]) -> tuple[str, ...]:
    """The namespace of the graph a task runs in: its checkpoint namespace without the task's own segment.

    (A ``@task`` call's namespace is a sibling of its caller's here, so one segment is always the right cut.)
    """
    return tuple(str(metadata["langgraph_checkpoint_ns"]).split(NS_SEP))[:-1]


def _user_tags(tags: Sequence[str] | None) -> list[str] | None:
    """Tags as LangGraph shows them in metadata: without its internal ``seq:step:N`` ones; None if none are left."""
    kept = [t for t in tags or () if not t.startswith("seq:step")]
    return kept or None


def _top_level_values(state: Any) -> list[Any]:
    if isinstance(state, dict):
        return list(state.values())
    fields = getattr(type(state), "model_fields", None)
    if isinstance(fields, dict):
        return [getattr(state, name, None) for name in fields]
    if dataclasses.is_dataclass(state) and not isinstance(state, type):
        return [getattr(state, f.name) for f in dataclasses.fields(state)]
    return []


def _messages_in(value: Any) -> list[BaseMessage]:
    """Messages found in a node's input or output: the value itself, a list of them, or top-level state fields."""
    if isinstance(value, BaseMessage):
        return [value]
    if isinstance(value, Sequence) and not isinstance(value, str):
        found = []
        for item in value:
            if isinstance(item, BaseMessage):
                found.append(item)
            elif isinstance(item, (dict, Command)):  # a list of Commands (their updates arrive as dicts here)
                found.extend(_messages_in(item))
        return found
    if isinstance(value, Command):
        return _messages_in(value.update)
    found = []
    for field in _top_level_values(value):
        if isinstance(field, BaseMessage):
            found.append(field)
        elif isinstance(field, Sequence) and not isinstance(field, str):
            found.extend(item for item in field if isinstance(item, BaseMessage))
    return found


class MessagesHandler(BaseCallbackHandler, _StreamingCallbackHandler):
    """Collects messages from chat-model callbacks (tokens, or the whole message) and from node outputs.

    ``emit(namespace, (message, metadata))`` receives each one. A message is emitted once: messages a node
    received as input or already streamed are not emitted again when the node returns them. Without
    ``subgraphs``, only the graph at ``parent_ns`` (the root by default) is watched. Chat models tagged
    ``nostream`` are skipped.
    """

    run_inline = True  # called on the thread that produced the event: chunks stay in order

    def __init__(self, emit: Emit, subgraphs: bool, parent_ns: tuple[str, ...] | None = None) -> None:
        self.emit = emit
        self.subgraphs = subgraphs
        self.parent_ns = parent_ns
        self.runs: dict[UUID, Meta] = {}
        self.seen: set[str] = set()

    def _watched(self, metadata: Mapping[str, Any]) -> tuple[str, ...] | None:
        ns = graph_namespace(metadata)
        if ns and not self.subgraphs and ns != self.parent_ns:
            return None
        return ns

    def _send(self, meta: Meta, message: BaseMessage, dedupe: bool) -> None:
        if dedupe and message.id in self.seen:
            return
        if message.id is None:
            message.id = str(uuid.uuid4())
        self.seen.add(message.id)
        self.emit(meta[0], (message, meta[1]))

    # Stream iterators pass through untouched (the tokens arrive through on_llm_new_token).
    def tap_output_iter(self, run_id: UUID, output: Any) -> Any:
        return output

    def tap_output_aiter(self, run_id: UUID, output: Any) -> Any:
        return output

    # -- chat models ---------------------------------------------------------------------------------------------

    def on_chat_model_start(self, serialized: Any, messages: Any, *, run_id: UUID, tags: list[str] | None = None,
                            metadata: dict[str, Any] | None = None, **kwargs: Any) -> None:
        if not metadata or TAG_NOSTREAM in (tags or ()) or "langgraph_checkpoint_ns" not in metadata:
            return
        ns = self._watched(metadata)
        if ns is None:
            return
        tags = _user_tags(tags)
        if tags is not None:
            metadata["tags"] = tags
        self.runs[run_id] = (ns, metadata)

    def on_llm_new_token(self, token: str, *, chunk: Any = None, run_id: UUID, **kwargs: Any) -> None:
        meta = self.runs.get(run_id)
        if meta is not None and isinstance(chunk, ChatGenerationChunk):
            self._send(meta, chunk.message, dedupe=False)

    def on_llm_end(self, response: LLMResult, *, run_id: UUID, **kwargs: Any) -> None:
        meta = self.runs.pop(run_id, None)
        if meta is not None and response.generations and response.generations[0]:
            generation = response.generations[0][0]
            if isinstance(generation, ChatGeneration):  # not streamed: the whole message, unless already sent
                self._send(meta, generation.message, dedupe=True)

    def on_llm_error(self, error: BaseException, *, run_id: UUID, **kwargs: Any) -> None:
        self.runs.pop(run_id, None)

    # -- graph nodes ---------------------------------------------------------------------------------------------

    def on_chain_start(self, serialized: Any, inputs: Any, *, run_id: UUID, tags: list[str] | None = None,
                       metadata: dict[str, Any] | None = None, **kwargs: Any) -> None:
        if not metadata or kwargs.get("name") != metadata.get("langgraph_node") or TAG_HIDDEN in (tags or ()):
            return
        ns = self._watched(metadata)
        if ns is None:
            return
        self.runs[run_id] = (ns, metadata)
        for field in _top_level_values(inputs):  # messages the node was given are not news when it returns them
            items = field if isinstance(field, Sequence) and not isinstance(field, str) else (field,)
            self.seen.update(m.id for m in items if isinstance(m, BaseMessage) and m.id is not None)

    def on_chain_end(self, outputs: Any, *, run_id: UUID, **kwargs: Any) -> None:
        meta = self.runs.pop(run_id, None)
        if meta is not None:
            for message in _messages_in(outputs):
                self._send(meta, message, dedupe=True)

    def on_chain_error(self, error: BaseException, *, run_id: UUID, **kwargs: Any) -> None:
        self.runs.pop(run_id, None)
