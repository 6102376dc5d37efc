"""fanout_send_500_checkpoint: fanout_send_500 with an InMemorySaver, fresh thread per run, durability="exit"."""

from bench import _fanout
from bench._util import expect, fresh_config

NAME = "fanout_send_500_checkpoint"
DESCRIPTION = ("as fanout_send_500, with InMemorySaver, a fresh thread per run and durability='exit' "
               "(LangGraph bench harness), stream(updates)")


def build(engine):
    return _fanout.build(engine, checkpointer=engine.InMemorySaver())


def run(engine, graph) -> None:
    for _ in graph.stream(_fanout.make_input(), fresh_config(), durability="exit"):
        pass


def check(engine, graph):
    config = fresh_config()
    chunks = list(graph.stream(_fanout.make_input(), config, durability="exit"))
    _fanout.check_chunks(chunks)
    snap = graph.get_state(config)
    _fanout.check_final(snap.values)
    expect(tuple(snap.next) == (), f"expected the run to be finished, next={snap.next!r}")
    history = list(graph.get_state_history(config))
    steps = [h.metadata.get("step") for h in history]
    return {"streamed_jokes": sorted(_fanout.streamed_jokes(chunks)), "final": snap.values, "history_steps": steps}
