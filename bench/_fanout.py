"""Shared graph for fanout_send_500 and fanout_send_500_checkpoint."""

import operator
from typing import Annotated, TypedDict

from bench._util import expect

N_SUBJECTS = 500
SUBJECTS = [f"subject {i}" for i in range(N_SUBJECTS)]
EXPECTED_JOKES = [f"joke about {s}" for s in SUBJECTS]


class OverallState(TypedDict):
    subjects: list
    jokes: Annotated[list, operator.add]


class JokeState(TypedDict):
    subject: str


def _joke(state: JokeState):
    return {"jokes": [f"joke about {state['subject']}"]}


def build(engine, checkpointer=None):
    Send = engine.Send

    def fan(state: OverallState):
        return [Send("joke", {"subject": s}) for s in state["subjects"]]

    builder = engine.StateGraph(OverallState)
    builder.add_node("joke", _joke)
    builder.add_conditional_edges(engine.START, fan, ["joke"])
    builder.add_edge("joke", engine.END)
    return builder.compile(checkpointer=checkpointer)


def make_input():
    return {"subjects": list(SUBJECTS), "jokes": []}


def streamed_jokes(chunks) -> list:
    return [j for c in chunks for j in c["joke"]["jokes"]]


def check_chunks(chunks) -> None:
    # stream_mode="updates": one {"joke": {"jokes": [...]}} chunk per Send task; the order in
    # which parallel tasks finish is not part of the contract, so compare as multisets.
    expect(len(chunks) == N_SUBJECTS, f"expected {N_SUBJECTS} update chunks, got {len(chunks)}")
    jokes = streamed_jokes(chunks)
    expect(sorted(jokes) == sorted(EXPECTED_JOKES), "streamed jokes differ from expected")


def check_final(final) -> None:
    expect(set(final) == {"subjects", "jokes"}, f"final state keys {sorted(final)}")
    expect(len(final["jokes"]) == N_SUBJECTS, f"expected {N_SUBJECTS} jokes, got {len(final['jokes'])}")
    expect(final["jokes"] == EXPECTED_JOKES, f"jokes not in Send order: first {final['jokes'][:3]!r}")
