# Issue #15, the behaviour hitl_notebook shares with LangGraph around answers (the safer differences are unit tests
# in tests/pregel/test_resume_safety.py): a failed resume keeps the interrupt pending, a resume map covering some
# of several interrupts, Command(goto=<node>) while interrupts are pending, a nested node's second question, and a
# crash-like stop between a step's saved writes and its checkpoint.
import operator
from typing import Annotated, TypedDict

from langgraph.checkpoint.memory import InMemorySaver
from langgraph.graph import END, START, StateGraph
from langgraph.types import Command, interrupt


class S(TypedDict, total=False):
    log: Annotated[list, operator.add]


def show(tag, out, graph, cfg):
    state = graph.get_state(cfg)
    print(tag, sorted(out.get("log", [])), sorted(i.value for i in out.get("__interrupt__", ())),
          "| next", state.next, sorted(i.value for i in state.interrupts))


def cfg(thread):
    return {"configurable": {"thread_id": thread}}


# a node that fails after its answer: the error reaches the caller, the interrupt stays pending
def fragile(state):
    answer = interrupt("approve?")
    if answer == "bad":
        raise ValueError("cannot use that answer")
    return {"log": [answer]}


graph = StateGraph(S).add_node(fragile).add_edge(START, "fragile").compile(checkpointer=InMemorySaver())
graph.invoke({"log": []}, cfg("fail"))
try:
    graph.invoke(Command(resume="bad"), cfg("fail"))
except ValueError as exc:
    print("failed resume:", exc)
state = graph.get_state(cfg("fail"))
print("after failure:", state.next, [i.value for i in state.interrupts], [t.error is not None for t in state.tasks])


# two parallel questions: a map answering one of them, then the other
def asker(name):
    def node(state):
        return {"log": [f"{name}:{interrupt('q' + name)}"]}
    return node


def parallel():
    builder = StateGraph(S)
    for name in "ab":
        builder.add_node(name, asker(name)).add_edge(START, name)
    builder.add_node("z", lambda s: {"log": ["z"]})
    builder.add_node("join", lambda s: {"log": ["join"]}).add_edge(["a", "b"], "join").add_edge("join", END)
    return builder.compile(checkpointer=InMemorySaver())


graph = parallel()
pending = {i.value: i for i in graph.invoke({"log": []}, cfg("map"))["__interrupt__"]}
show("answer a only:", graph.invoke(Command(resume={pending["qa"].id: "x"}), cfg("map")), graph, cfg("map"))
show("answer b:", graph.invoke(Command(resume={pending["qb"].id: "y"}), cfg("map")), graph, cfg("map"))

# goto a node while both questions are pending, then while one is
graph = parallel()
pending = {i.value: i for i in graph.invoke({"log": []}, cfg("goto"))["__interrupt__"]}
show("goto z, both pending:", graph.invoke(Command(goto="z"), cfg("goto")), graph, cfg("goto"))
show("answer a:", graph.invoke(Command(resume={pending["qa"].id: "x"}), cfg("goto")), graph, cfg("goto"))
show("goto z, b pending:", graph.invoke(Command(goto="z"), cfg("goto")), graph, cfg("goto"))
show("answer b:", graph.invoke(Command(resume={pending["qb"].id: "y"}), cfg("goto")), graph, cfg("goto"))


# a node asking twice, inside a subgraph: goto while its second question is pending
def twice(state):
    first = interrupt("first?")
    second = interrupt("second?")
    return {"log": [f"{first}+{second}"]}


inner = StateGraph(S).add_node(twice).add_edge(START, "twice").compile()
graph = (StateGraph(S).add_node("inner", inner).add_node("z", lambda s: {"log": ["z"]}).add_edge(START, "inner")
         .compile(checkpointer=InMemorySaver()))
graph.invoke({"log": []}, cfg("sub"))
show("first answered:", graph.invoke(Command(resume="one"), cfg("sub")), graph, cfg("sub"))
show("goto z:", graph.invoke(Command(goto="z"), cfg("sub")), graph, cfg("sub"))
show("second answered:", graph.invoke(Command(resume="two"), cfg("sub")), graph, cfg("sub"))

# resuming the head by its checkpoint_id is an ordinary resume
graph = StateGraph(S).add_node(fragile).add_edge(START, "fragile").compile(checkpointer=InMemorySaver())
graph.invoke({"log": []}, cfg("head"))
paused = graph.get_state(cfg("head")).config
print("resume head by id:", graph.invoke(Command(resume="ok"), paused))
print("sources:", [s.metadata["source"] for s in graph.get_state_history(cfg("head"))])


# a stop between a step's saved writes and its checkpoint (a crash): invoke(None) finishes the run
class Stop(Exception):
    pass


class StoppingSaver(InMemorySaver):
    stop_at = None

    def put(self, config, checkpoint, metadata, new_versions):
        if metadata.get("step") == self.stop_at:
            raise Stop()
        return super().put(config, checkpoint, metadata, new_versions)


saver = StoppingSaver()
builder = StateGraph(S)
for name in "abc":
    builder.add_node(name, lambda s, name=name: {"log": [name]})
builder.add_edge(START, "a").add_edge(START, "b").add_edge(["a", "b"], "c").add_edge("c", END)
graph = builder.compile(checkpointer=saver)
saver.stop_at = 1
try:
    graph.invoke({"log": []}, cfg("crash"))
except Stop:
    print("stopped before the step-1 checkpoint")
state = graph.get_state(cfg("crash"))
print("tasks with results:", [(t.name, t.result) for t in state.tasks], "values:", state.values)
saver.stop_at = None
print("continued:", graph.invoke(None, cfg("crash")), graph.get_state(cfg("crash")).next)
