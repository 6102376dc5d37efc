# Resuming edge cases (§3.8).
import operator
from typing import Annotated, TypedDict

from langgraph.graph import StateGraph, START, END
from langgraph.types import Command, interrupt
from langgraph.checkpoint.memory import InMemorySaver


class S(TypedDict, total=False):
    log: Annotated[list, operator.add]
    x: int
    value: int


def ask(s):
    ans = interrupt("question")
    return {"log": [f"ans={ans}", f"x={s.get('x')}"], "value": 2 if ans is True else 1}


g = StateGraph(S).add_node("pre", lambda s: {"log": ["pre"]}).add_node("ask", ask)
g.add_edge(START, "pre").add_edge("pre", "ask").add_edge("ask", END)
saver = InMemorySaver()
graph = g.compile(checkpointer=saver)


def cfg(t):
    return {"configurable": {"thread_id": t}}


def brief(out):
    return {k: ([i.value for i in v] if k == "__interrupt__" else v) for k, v in out.items()}


# resume on a finished thread
graph.invoke({"log": []}, cfg("done"))
graph.invoke(Command(resume="a"), cfg("done"))
print("finished thread:", brief(graph.invoke(Command(resume="b"), cfg("done"))))

# resume on a thread with no checkpoints
print("empty thread:", brief(graph.invoke(Command(resume="v"), cfg("empty"))))
print("   next:", graph.get_state(cfg("empty")).next)

# new input instead of a resume
graph.invoke({"log": []}, cfg("newin"))
print("new input:", brief(graph.invoke({"log": ["new input"]}, cfg("newin"))))

# resume with an update
graph.invoke({"log": [], "x": 1}, cfg("upd"))
print("resume+update:", brief(graph.invoke(Command(resume="R", update={"x": 99}), cfg("upd"))))

# update_state while an interrupt is pending
graph.invoke({"log": []}, cfg("us"))
graph.update_state(cfg("us"), {"log": ["manual"]})
snap = graph.get_state(cfg("us"))
print("update while pending:", snap.next, snap.interrupts, snap.metadata["source"])
print("   then resume:", brief(graph.invoke(Command(resume="later"), cfg("us"))))

# resume an old (already answered) checkpoint with a different answer
graph.invoke({"log": []}, cfg("old"))
paused_cfg = graph.get_state(cfg("old")).config
print("answer True:", brief(graph.invoke(Command(resume=True), cfg("old"))))
# Resuming paused_cfg again with another answer: LangGraph returns the first answer's result again; hitl_notebook
# forks with the new answer (a deliberate difference, tested in tests/pregel/test_resume_safety.py).
# replay the old paused checkpoint
print("replay paused:", brief(graph.invoke(None, paused_cfg)))
print("history sources:", [(s.metadata["source"], s.metadata["step"]) for s in graph.get_state_history(cfg("old"))])

# a dict resume value that is not an id map, with a single pending interrupt
graph.invoke({"log": []}, cfg("dict"))
print("dict value:", brief(graph.invoke(Command(resume={"approved": True}), cfg("dict"))))
