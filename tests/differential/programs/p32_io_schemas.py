# Input, output and private schemas (§1.3).
from typing import TypedDict

from langgraph.graph import StateGraph, START, END
from langgraph.checkpoint.memory import InMemorySaver


class In(TypedDict):
    question: str


class Out(TypedDict):
    answer: str


class Overall(TypedDict, total=False):
    question: str
    answer: str
    notes: list


class Private(TypedDict):
    scratch: str


seen = []


def think(s: In) -> Private:
    seen.append(("think", dict(s)))
    return {"scratch": f"priv:{s['question']}"}


def answer(s: Private):
    seen.append(("answer", dict(s)))
    return {"answer": s["scratch"].upper(), "notes": ["n"]}


g = StateGraph(Overall, input_schema=In, output_schema=Out)
g.add_node("think", think).add_node("answer", answer)
g.add_edge(START, "think").add_edge("think", "answer").add_edge("answer", END)
graph = g.compile()
print("invoke:", graph.invoke({"question": "hi", "answer": "dropped", "notes": ["x"]}))
print("node inputs:", seen)
print("values:", list(graph.stream({"question": "hi"}, stream_mode="values")))
print("updates:", list(graph.stream({"question": "hi"}, stream_mode="updates")))

cp = g.compile(checkpointer=InMemorySaver())
cfg = {"configurable": {"thread_id": "io"}}
print("with checkpointer:", cp.invoke({"question": "yo"}, cfg))
print("state values:", cp.get_state(cfg).values)


def only_q(s):
    seen.append(("only_q", dict(s)))
    return {"notes": ["q-only"]}


seen.clear()
g = StateGraph(Overall).add_node("only_q", only_q, input_schema=In).add_edge(START, "only_q")
print("input_schema=:", g.compile().invoke({"question": "q", "answer": "a"}), seen)
