# Messages in state survive checkpoints (InMemorySaver, SqliteSaver reopened from its file): an agent proposes a
# tool call, a human reviews it through interrupt(), the run resumes; get_state / history show the same messages.
import os
import tempfile

from langchain_core.messages import AIMessage, AIMessageChunk, HumanMessage, SystemMessage, ToolMessage

from langgraph.checkpoint.memory import InMemorySaver
from langgraph.checkpoint.sqlite import SqliteSaver
from langgraph.graph import START, MessagesState, StateGraph
from langgraph.types import Command, interrupt

PROPOSAL = AIMessage(
    content="I will search.", id="ai-1", name="agent",
    tool_calls=[{"name": "search", "args": {"query": "weather", "limit": 3}, "id": "call-1"}],
    response_metadata={"model_name": "fake", "finish_reason": "tool_calls"},
    additional_kwargs={"note": {"nested": [1, 2.5, True, None]}},
    usage_metadata={"input_tokens": 10, "output_tokens": 5, "total_tokens": 15},
)


def agent(state: MessagesState):
    return {"messages": [PROPOSAL]}


def review(state: MessagesState):
    call = state["messages"][-1].tool_calls[0]
    answer = interrupt({"tool": call["name"], "args": call["args"]})
    return {"messages": [
        ToolMessage(content=f"result for {answer}", tool_call_id=call["id"], id="tool-1", artifact={"raw": [1, 2]}),
        AIMessageChunk(content="streamed part", id="chunk-1"),
        SystemMessage("done", id="sys-1"),
    ]}


def describe(messages):
    for m in messages:
        extra = {k: getattr(m, k) for k in ("tool_calls", "usage_metadata", "tool_call_id", "artifact", "name")
                 if getattr(m, k, None)}
        print("  ", type(m).__name__, repr(m.content), m.id, m.response_metadata, m.additional_kwargs, extra)


def build(saver):
    return StateGraph(MessagesState).add_sequence([agent, review]).add_edge(START, "agent").compile(checkpointer=saver)


def scenario(label, first, second):
    print("==", label)
    config = {"configurable": {"thread_id": "thread-1"}}
    out = first.invoke({"messages": [HumanMessage("what's the weather?", id="human-1")]}, config)
    print("interrupt:", out["__interrupt__"][0].value)
    state = second.get_state(config)
    print("paused at", state.next)
    describe(state.values["messages"])
    print("same proposal:", state.values["messages"][1] == PROPOSAL)
    final = second.invoke(Command(resume="sunny"), config)
    describe(final["messages"])
    print("history lengths:", [len(s.values.get("messages", [])) for s in second.get_state_history(config)])


memory = InMemorySaver()
scenario("memory", build(memory), build(memory))

path = os.path.join(tempfile.mkdtemp(), "chat.sqlite")
with SqliteSaver.from_conn_string(path) as saver_a:
    graph_a = build(saver_a)
    with SqliteSaver.from_conn_string(path) as saver_b:
        scenario("sqlite", graph_a, build(saver_b))
