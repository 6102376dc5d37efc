# create_react_agent(..., interrupt_before=["tools"]): the pending tool call is edited through update_state
# (same AIMessage id, so add_messages replaces it) and the run continues with the edited arguments.
import warnings

from langchain_core.language_models.fake_chat_models import FakeMessagesListChatModel
from langchain_core.messages import AIMessage, SystemMessage
from langchain_core.tools import tool

from langgraph.checkpoint.memory import InMemorySaver
from langgraph.prebuilt import create_react_agent

warnings.simplefilter("ignore", DeprecationWarning)  # create_react_agent moved to langchain.agents


class ScriptedChatModel(FakeMessagesListChatModel):
    """Test helper: records what the model was asked and what it was bound to."""

    seen: list = []
    bound: list = []

    def bind_tools(self, tools, **kwargs):
        self.bound = [t.name for t in tools]
        return self

    def _generate(self, messages, stop=None, run_manager=None, **kwargs):
        self.seen.append([f"{type(m).__name__}:{m.content}" for m in messages])
        return super()._generate(messages, stop, run_manager, **kwargs)


@tool
def book_flight(destination: str, passengers: int = 1) -> str:
    """Book a flight."""
    return f"booked {passengers} seat(s) to {destination}"


@tool
def get_weather(city: str) -> str:
    """Look up the weather."""
    return f"sunny in {city}"


model = ScriptedChatModel(responses=[
    AIMessage("", id="ai-1", tool_calls=[
        {"name": "get_weather", "args": {"city": "Lisbon"}, "id": "call-w"},
        {"name": "book_flight", "args": {"destination": "Lisbn"}, "id": "call-b"},
    ]),
    AIMessage("Booked, and it is sunny.", id="ai-2"),
])
agent = create_react_agent(model, [book_flight, get_weather], prompt="You are a travel agent.",
                           checkpointer=InMemorySaver(), interrupt_before=["tools"], name="travel")
print("bound:", model.bound)
print(agent.get_graph().draw_mermaid())
print(sorted(agent.get_graph().nodes))

config = {"configurable": {"thread_id": "trip"}}
for chunk in agent.stream({"messages": [("user", "Book me to Lisbon")]}, config, stream_mode="updates"):
    print("update:", chunk)
state = agent.get_state(config)
print("next:", state.next, [t.name for t in state.tasks])
pending = state.values["messages"][-1]
print("pending:", pending.name, pending.tool_calls)

edited = pending.model_copy(deep=True)
edited.tool_calls[1]["args"] = {"destination": "Lisbon", "passengers": 2}
cfg = agent.update_state(config, {"messages": [edited]})
state = agent.get_state(config)
print("after edit next:", state.next, len(state.values["messages"]), state.metadata["source"], state.metadata["step"])
print("replaced:", [m.id for m in state.values["messages"][1:]], state.values["messages"][-1].tool_calls[1]["args"])

lines = []  # the two tool calls run in parallel: their updates arrive in either order
for chunk in agent.stream(None, config, stream_mode="updates"):
    for node, update in chunk.items():
        for message in update["messages"]:
            lines.append(f"{node} {type(message).__name__} {message.name} {message.content!r} {getattr(message, 'tool_call_id', '')}")
print("\n".join(sorted(lines)))
print("model saw:", model.seen[-1])
print("final next:", agent.get_state(config).next)
print("system first:", isinstance(model.seen[0], list) and model.seen[0][0])
print([type(m).__name__ for m in agent.get_state(config).values["messages"]])

# a SystemMessage prompt and interrupt_after, on a fresh model
model2 = ScriptedChatModel(responses=[AIMessage("", id="x-1", tool_calls=[{"name": "get_weather", "args": {"city": "Porto"}, "id": "c"}]),
                                      AIMessage("done", id="x-2")])
agent2 = create_react_agent(model2, [get_weather], prompt=SystemMessage("terse"), checkpointer=InMemorySaver(),
                            interrupt_after=["tools"])
config2 = {"configurable": {"thread_id": "t2"}}
out = agent2.invoke({"messages": [("user", "weather?")]}, config2)
print([m.content for m in out["messages"]], agent2.get_state(config2).next)
out = agent2.invoke(None, config2)
print([m.content for m in out["messages"]], model2.seen[-1][0])
