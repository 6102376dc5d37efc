"""fanout_to_subgraph_100: LangGraph's own benchmark: Send 100 subjects into a compiled subgraph that loops."""

import operator
import random
import string
from typing import Annotated, TypedDict

from bench._util import expect

NAME = "fanout_to_subgraph_100"
N_SUBJECTS = 100
DESCRIPTION = (f"{N_SUBJECTS} Send()s into a compiled subgraph (edit -> generate -> bump loop x10) with input/output "
               "schemas; no checkpointer; stream(updates)")


class OverallState(TypedDict):
    subjects: list
    jokes: Annotated[list, operator.add]


class JokeInput(TypedDict):
    subject: list


class JokeOutput(TypedDict):
    jokes: list


class JokeState(JokeInput, JokeOutput):
    pass


def build(engine):
    def continue_to_jokes(state: OverallState):
        return [engine.Send("generate_joke", {"subject": s}) for s in state["subjects"]]

    def edit(state: JokeInput):
        return {"subject": state["subject"] + ["edited"]}

    def generate(state: JokeInput):
        return {"jokes": [f"Joke about {len(state['subject'])} letters"]}

    def bump(state: JokeOutput):
        return {"jokes": [state["jokes"][0] + " a"]}

    def bump_loop(state: JokeOutput):
        return engine.END if state["jokes"][0].endswith(" a" * 10) else "bump"

    sub = engine.StateGraph(JokeState, input_schema=JokeInput, output_schema=JokeOutput)
    sub.add_node("edit", edit)
    sub.add_node("generate", generate)
    sub.add_node("bump", bump)
    sub.set_entry_point("edit")
    sub.add_edge("edit", "generate")
    sub.add_edge("generate", "bump")
    sub.add_conditional_edges("bump", bump_loop)
    sub.set_finish_point("generate")
    builder = engine.StateGraph(OverallState)
    builder.add_node("generate_joke", sub.compile())
    builder.add_conditional_edges(engine.START, continue_to_jokes)
    builder.add_edge("generate_joke", engine.END)
    return builder.compile()


def _input():
    rng = random.Random(7)
    return {"subjects": [rng.choices(string.ascii_lowercase, k=1000) for _ in range(N_SUBJECTS)]}


def run(engine, graph) -> None:
    for _ in graph.stream(_input()):
        pass


def check(engine, graph):
    chunks = list(graph.stream(_input()))
    expect(len(chunks) == N_SUBJECTS, f"expected {N_SUBJECTS} update chunks, got {len(chunks)}")
    jokes = sorted(j for c in chunks for j in c["generate_joke"]["jokes"])
    expect(all(j.endswith(" a" * 10) for j in jokes), f"subgraph loop did not finish: {jokes[:2]!r}")
    return {"jokes": jokes}
