# Seed: "Extended example: approve or reject with interrupt" (fixed thread id instead of uuid4), then the
# reject path on a second thread and a few observations of finished and paused threads.
from typing import Literal, TypedDict

from langgraph.constants import START, END
from langgraph.graph import StateGraph
from langgraph.types import interrupt, Command
from langgraph.checkpoint.memory import InMemorySaver


# Define the shared graph state
class State(TypedDict):
    llm_output: str
    decision: str


# Simulate an LLM output node
def generate_llm_output(state: State) -> State:
    return {"llm_output": "This is the generated output."}


# Human approval node
def human_approval(state: State) -> Command[Literal["approved_path", "rejected_path"]]:
    decision = interrupt({
        "question": "Do you approve the following output?",
        "llm_output": state["llm_output"]
    })

    if decision == "approve":
        return Command(goto="approved_path", update={"decision": "approved"})
    else:
        return Command(goto="rejected_path", update={"decision": "rejected"})


# Next steps after approval
def approved_node(state: State) -> State:
    print("✅ Approved path taken.")
    return state


# Alternative path after rejection
def rejected_node(state: State) -> State:
    print("❌ Rejected path taken.")
    return state


# Build the graph
builder = StateGraph(State)
builder.add_node("generate_llm_output", generate_llm_output)
builder.add_node("human_approval", human_approval)
builder.add_node("approved_path", approved_node)
builder.add_node("rejected_path", rejected_node)

builder.set_entry_point("generate_llm_output")
builder.add_edge("generate_llm_output", "human_approval")
builder.add_edge("approved_path", END)
builder.add_edge("rejected_path", END)

checkpointer = InMemorySaver()
graph = builder.compile(checkpointer=checkpointer)

# Run until interrupt
config = {"configurable": {"thread_id": "seed-thread"}}
result = graph.invoke({}, config=config)
print(result["__interrupt__"])

# Simulate resuming with human input
final_result = graph.invoke(Command(resume="approve"), config=config)
print(final_result)

# The same graph resumed with "reject", on its own thread.
config = {"configurable": {"thread_id": "seed-thread-reject"}}
print(graph.invoke({}, config=config)["__interrupt__"])
print(graph.invoke(Command(resume="reject"), config=config))

# Inspect the finished thread, then resume again on it (nothing pending: a no-op).
snap = graph.get_state(config)
print("next:", snap.next, "interrupts:", snap.interrupts)
print("values:", snap.values)
print("again:", graph.invoke(Command(resume="approve"), config=config))

# A second thread: the whole result dict, and the state while paused.
config2 = {"configurable": {"thread_id": "seed-thread-2"}}
paused = graph.invoke({"llm_output": "ignored", "decision": "none"}, config=config2)
print(paused)
snap = graph.get_state(config2)
print("paused next:", snap.next)
print("paused tasks:", [(t.name, [i.value for i in t.interrupts]) for t in snap.tasks])
print("paused interrupts equal:", snap.interrupts == tuple(paused["__interrupt__"]))
print(graph.invoke(Command(resume="maybe"), config=config2))
