"""wide_state_200x10: 200 plain int keys, 10 chained nodes each rewriting all 200; InMemorySaver, default durability."""

from typing import TypedDict

from bench._util import expect, fresh_config

NAME = "wide_state_200x10"
N_KEYS = 200
N_NODES = 10
DESCRIPTION = (f"TypedDict with {N_KEYS} int keys (LastValue), {N_NODES} chained nodes each returning all "
               f"{N_KEYS} keys +1; InMemorySaver, fresh thread, default durability; invoke")

KEYS = [f"k{i}" for i in range(N_KEYS)]
WideState = TypedDict("WideState", {k: int for k in KEYS})


def _bump(state):
    return {k: state[k] + 1 for k in KEYS}


def build(engine):
    builder = engine.StateGraph(WideState)
    prev = engine.START
    for i in range(N_NODES):
        name = f"node_{i}"
        builder.add_node(name, _bump)
        builder.add_edge(prev, name)
        prev = name
    builder.add_edge(prev, engine.END)
    return builder.compile(checkpointer=engine.InMemorySaver())


def _input():
    return {k: 0 for k in KEYS}


def run(engine, graph) -> None:
    graph.invoke(_input(), fresh_config())


def check(engine, graph):
    config = fresh_config()
    final = graph.invoke(_input(), config)
    expect(final == {k: N_NODES for k in KEYS}, f"final state wrong: {dict(list(final.items())[:3])!r}...")
    snap = graph.get_state(config)
    expect(snap.values == final, "get_state().values differs from invoke() result")
    history = list(graph.get_state_history(config))
    # default durability checkpoints the input (step -1), the loaded input (step 0) and every node step
    expect(len(history) == N_NODES + 2, f"expected {N_NODES + 2} checkpoints, got {len(history)}")
    steps = [h.metadata.get("step") for h in history]
    return {"final": final, "history_steps": steps, "history_next": [tuple(h.next) for h in history]}
