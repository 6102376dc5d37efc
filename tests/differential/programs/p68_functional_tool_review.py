# Functional API (@entrypoint/@task) agent loop with add_messages, where a human reviews each tool call:
# accept it, edit its arguments, or answer it with feedback instead of running the tool.
from langchain_core.language_models.fake_chat_models import FakeMessagesListChatModel
from langchain_core.messages import AIMessage, ToolMessage, convert_to_messages
from langchain_core.tools import tool

from langgraph.checkpoint.memory import InMemorySaver
from langgraph.func import entrypoint, task
from langgraph.graph.message import add_messages
from langgraph.types import Command, interrupt


class ScriptedChatModel(FakeMessagesListChatModel):
    """Test helper: answers from a script and ignores bind_tools (the script holds the tool calls)."""

    def bind_tools(self, tools, **kwargs):
        return self


@tool
def send_email(to: str, body: str) -> str:
    """Send an email."""
    return f"sent to {to}: {body}"


@tool
def get_time() -> str:
    """The current time."""
    return "12:00"


model = ScriptedChatModel(responses=[
    AIMessage("", id="ai-1", tool_calls=[
        {"name": "get_time", "args": {}, "id": "c-1"},
        {"name": "send_email", "args": {"to": "bob", "body": "hi"}, "id": "c-2"},
        {"name": "send_email", "args": {"to": "eve", "body": "secret"}, "id": "c-3"},
    ]),
    AIMessage("All done.", id="ai-2"),
]).bind_tools([send_email, get_time])
tools_by_name = {t.name: t for t in [send_email, get_time]}


@task
def call_model(messages):
    print("model sees", [(type(m).__name__, m.content) for m in convert_to_messages(messages)])
    return model.invoke(messages)


@task
def call_tool(tool_call):
    result = tools_by_name[tool_call["name"]].invoke(tool_call["args"])
    return ToolMessage(content=result, tool_call_id=tool_call["id"])


def review_tool_call(tool_call):
    review = interrupt({"question": "Is this correct?", "tool_call": tool_call})
    if review["action"] == "continue":
        return tool_call
    if review["action"] == "update":
        return {**tool_call, "args": review["data"]}
    return ToolMessage(content=review["data"], name=tool_call["name"], tool_call_id=tool_call["id"])


@entrypoint(checkpointer=InMemorySaver())
def agent(messages, previous):
    if previous is not None:
        messages = add_messages(previous, messages)
    response = call_model(messages).result()
    while True:
        if not response.tool_calls:
            break
        results = []
        for tool_call in response.tool_calls:
            reviewed = review_tool_call(tool_call)
            if isinstance(reviewed, ToolMessage):
                results.append(reviewed)
            else:
                results.append(call_tool(reviewed).result())
        messages = add_messages(messages, [response, *results])
        response = call_model(messages).result()
    messages = add_messages(messages, response)
    return entrypoint.final(value=response, save=messages)


config = {"configurable": {"thread_id": "review"}}
answers = [
    {"action": "continue"},
    {"action": "update", "data": {"to": "bob", "body": "hello Bob"}},
    {"action": "feedback", "data": "Do not email eve."},
]
user = [{"role": "user", "content": "tell people the time", "id": "u-1"}]
for chunk in agent.stream(user, config, stream_mode="updates"):
    print(chunk)
for answer in answers:
    for chunk in agent.stream(Command(resume=answer), config, stream_mode="updates"):
        if "__interrupt__" in chunk:
            print("interrupt:", [i.value["tool_call"]["id"] for i in chunk["__interrupt__"]])
        else:
            print({k: (type(v).__name__, getattr(v, "content", v)) for k, v in chunk.items()})
state = agent.get_state(config)
print(state.next)
print(type(state.values).__name__, state.values.content)
# the saved history comes back as `previous` on the next call
more = ScriptedChatModel(responses=[AIMessage("Noted.", id="ai-3")])
model = more
out = agent.invoke([{"role": "user", "content": "thanks", "id": "u-2"}], config)
print(out.content)
