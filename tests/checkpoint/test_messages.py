"""langchain_core chat messages in checkpoints: exact round trips, and only the message classes are revived."""

from __future__ import annotations

import subprocess
import sys
import warnings
from pathlib import Path

import ormsgpack
import pytest

pytest.importorskip("langchain_core")

from langchain_core.documents import Document
from langchain_core.messages import (
    AIMessage,
    AIMessageChunk,
    ChatMessage,
    ChatMessageChunk,
    FunctionMessage,
    FunctionMessageChunk,
    HumanMessage,
    HumanMessageChunk,
    RemoveMessage,
    SystemMessage,
    SystemMessageChunk,
    ToolMessage,
    ToolMessageChunk,
)

from hitl_notebook.checkpoint.memory import InMemorySaver
from hitl_notebook.checkpoint.serde import SafeSerializer
from hitl_notebook.checkpoint.sqlite import SqliteSaver
from hitl_notebook.graph import START, MessagesState, StateGraph
from hitl_notebook.types import Command, interrupt

RICH = [
    AIMessage(
        content="calling", id="a1", name="bot",
        tool_calls=[{"name": "search", "args": {"q": "x", "n": [1, 2]}, "id": "call_1"}],
        response_metadata={"model_name": "m", "finish_reason": "tool_calls"},
        additional_kwargs={"refusal": None, "nested": {"k": [1.5, True]}},
        usage_metadata={"input_tokens": 3, "output_tokens": 4, "total_tokens": 7,
                        "input_token_details": {"cache_read": 1}},
    ),
    AIMessage(content=[{"type": "text", "text": "blocks"}],
              invalid_tool_calls=[{"name": "g", "args": "{bad", "id": "c2", "error": "no json",
                                   "type": "invalid_tool_call"}]),
    ToolMessage(content="42", tool_call_id="call_1", artifact={"raw": [1]}, status="error", id="t1"),
    HumanMessage("hi", id="h1", additional_kwargs={"x": 1}),
    SystemMessage("be brief"),
    AIMessageChunk(content="par", id="c1", tool_call_chunks=[{"name": "f", "args": '{"a":', "id": "k", "index": 0}],
                   chunk_position="last", usage_metadata={"input_tokens": 1, "output_tokens": 1, "total_tokens": 2}),
    ToolMessageChunk(content="t", tool_call_id="x"), HumanMessageChunk(content="h"), SystemMessageChunk(content="s"),
    ChatMessage(content="c", role="critic"), ChatMessageChunk(content="c", role="critic"),
    FunctionMessage(content="f", name="fn"), FunctionMessageChunk(content="f", name="fn"),
    RemoveMessage(id="gone"),
]


def _same(a, b) -> bool:
    return type(a) is type(b) and a == b and a.__dict__ == b.__dict__


@pytest.mark.parametrize("message", RICH, ids=[type(m).__name__ for m in RICH])
def test_serializer_round_trips_every_message_class_exactly(message):
    serde = SafeSerializer()
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        back = serde.loads_typed(serde.dumps_typed({"messages": [message]}))["messages"][0]
    assert _same(back, message)


def _forged(module: str, qualname: str, data: dict, code: int = 42) -> bytes:
    """A checkpoint value as our serializer writes a class-backed kind (42: pydantic model, 41: dataclass)."""
    inner = ormsgpack.packb([module, qualname, data])
    return ormsgpack.packb(ormsgpack.Ext(code, inner))


def test_other_langchain_classes_load_as_plain_data_with_a_warning():
    serde = SafeSerializer()
    dumped = serde.dumps(Document(page_content="doc", metadata={"a": 1}))
    with pytest.warns(UserWarning, match="not one of the langchain_core message classes"):
        back = serde.loads(dumped)
    assert isinstance(back, dict) and back["page_content"] == "doc"


def test_forged_rows_do_not_revive_other_classes():
    serde = SafeSerializer()
    with pytest.warns(UserWarning):
        value = serde.loads(_forged("langchain_core.runnables.base", "RunnableLambda", {"func": "os.system"}))
    assert value == {"func": "os.system"}
    with pytest.warns(UserWarning):  # an allowlisted name under another kind is not rebuilt either
        value = serde.loads(_forged("langchain_core.messages.ai", "AIMessage", {"content": "x"}, code=41))
    assert value == {"content": "x"}
    with pytest.warns(UserWarning):
        value = serde.loads(_forged("langchain_core.messages.ai", "__class__", {"content": "x"}))
    assert value == {"content": "x"}


def test_a_fresh_process_revives_messages_without_importing_langchain_first(tmp_path: Path):
    serde = SafeSerializer()
    blob = tmp_path / "value.bin"
    blob.write_bytes(serde.dumps([RICH[0], RICH[2]]))
    code = (
        "import sys; from pathlib import Path; from hitl_notebook.checkpoint.serde import SafeSerializer;"
        "assert 'langchain_core' not in sys.modules;"
        f"v = SafeSerializer().loads(Path({str(blob)!r}).read_bytes());"
        "print(type(v[0]).__name__, v[0].tool_calls[0]['args'], type(v[1]).__name__, v[1].artifact)"
    )
    out = subprocess.run([sys.executable, "-W", "error", "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "AIMessage {'q': 'x', 'n': [1, 2]} ToolMessage {'raw': [1]}"


def _graph(checkpointer):
    def agent(state: MessagesState):
        return {"messages": [RICH[0]]}

    def review(state: MessagesState):
        verdict = interrupt({"tool_calls": state["messages"][-1].tool_calls})
        return {"messages": [ToolMessage(content=verdict, tool_call_id="call_1", id="t1"), RICH[5], RICH[4]]}

    return (StateGraph(MessagesState).add_sequence([agent, review]).add_edge(START, "agent")
            .compile(checkpointer=checkpointer))


@pytest.mark.parametrize("kind", ["memory", "sqlite"])
def test_messages_survive_interrupt_and_resume_in_both_savers(kind, tmp_path: Path):
    saver = InMemorySaver() if kind == "memory" else SqliteSaver(str(tmp_path / "m.sqlite"))
    graph, config = _graph(saver), {"configurable": {"thread_id": "t"}}
    paused = graph.invoke({"messages": [HumanMessage("find x", id="h1")]}, config)
    assert paused["__interrupt__"][0].value == {"tool_calls": RICH[0].tool_calls}
    stored = graph.get_state(config).values["messages"]
    assert [type(m) for m in stored] == [HumanMessage, AIMessage] and _same(stored[1], RICH[0])
    if kind == "sqlite":  # a new saver on the same file: everything comes from disk
        graph = _graph(SqliteSaver(str(tmp_path / "m.sqlite")))
    done = graph.invoke(Command(resume="42"), config)["messages"]
    assert [type(m).__name__ for m in done] == ["HumanMessage", "AIMessage", "ToolMessage", "AIMessage", "SystemMessage"]
    assert _same(done[1], RICH[0]) and done[2].content == "42"
    assert done[3].id == "c1" and done[3].content == "par"  # the chunk was merged as a whole message
    history = [s.values.get("messages", []) for s in graph.get_state_history(config)]
    assert all(_same(m, RICH[0]) for h in history for m in h if m.id == "a1")
