"""fanout_send_500: one conditional edge from START fans out 500 Send("joke", ...) tasks; no checkpointer."""

from bench import _fanout

NAME = "fanout_send_500"
DESCRIPTION = f"START fans out {_fanout.N_SUBJECTS} Send('joke') tasks in one step, no checkpointer, stream(updates)"


def build(engine):
    return _fanout.build(engine)


def run(engine, graph) -> None:
    for _ in graph.stream(_fanout.make_input()):
        pass


def check(engine, graph):
    chunks = list(graph.stream(_fanout.make_input()))
    _fanout.check_chunks(chunks)
    final = graph.invoke(_fanout.make_input())
    _fanout.check_final(final)
    return {"streamed_jokes": sorted(_fanout.streamed_jokes(chunks)), "final": final}
