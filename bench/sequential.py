"""sequential_200: 200 no-op nodes in a chain, no checkpointer, streamed in "updates" mode."""

import operator
from typing import Annotated, TypedDict

from bench._util import expect

NAME = "sequential_200"
N_NODES = 200
DESCRIPTION = f"{N_NODES} no-op nodes START→node_0→…→node_{N_NODES - 1}→END, no checkpointer, stream(updates)"


class State(TypedDict):
    messages: Annotated[list, operator.add]


def _noop(state: State) -> None:
    return None


def build(engine):
    builder = engine.StateGraph(State)
    prev = engine.START
    for i in range(N_NODES):
        name = f"node_{i}"
        builder.add_node(name, _noop)
        builder.add_edge(prev, name)
        prev = name
    builder.add_edge(prev, engine.END)
    return builder.compile()


_INPUT = {"messages": []}
_CONFIG = {"recursion_limit": 1_000_000_000}


def run(engine, graph) -> None:
    for _ in graph.stream(_INPUT, _CONFIG):
        pass


def check(engine, graph):
    chunks = list(graph.stream({"messages": []}, _CONFIG))
    expected = [{f"node_{i}": None} for i in range(N_NODES)]
    expect(len(chunks) == N_NODES, f"expected {N_NODES} update chunks, got {len(chunks)}")
    expect(chunks == expected, f"update chunks differ from expected; first chunks: {chunks[:3]!r}")
    final = graph.invoke({"messages": []}, _CONFIG)
    expect(final == {"messages": []}, f"final state {final!r} != {{'messages': []}}")
    return {"chunks": chunks, "final": final}
