"""interrupt_resume_100: a node that interrupt()s, resumed 100 times with Command(resume=i) on one thread."""

import operator
from typing import Annotated, TypedDict

from bench._util import expect, fresh_config

NAME = "interrupt_resume_100"
N_RESUMES = 100
DESCRIPTION = (f"START→ask→(ask|END); ask calls interrupt('q'); one invoke(input) + {N_RESUMES} "
               f"invoke(Command(resume=i)) on one thread, InMemorySaver")


class State(TypedDict):
    answers: Annotated[list, operator.add]


def build(engine, checkpointer=None):
    """The graph, checkpointed by ``checkpointer`` (the engine's InMemorySaver by default)."""
    interrupt = engine.interrupt
    END = engine.END

    def ask(state: State):
        answer = interrupt("q")
        return {"answers": [answer]}

    def route(state: State):
        return "ask" if len(state["answers"]) < N_RESUMES else END

    builder = engine.StateGraph(State)
    builder.add_node("ask", ask)
    builder.add_edge(engine.START, "ask")
    builder.add_conditional_edges("ask", route, ["ask", END])
    return builder.compile(checkpointer=checkpointer or engine.InMemorySaver())


def _config():
    return fresh_config(recursion_limit=1_000_000)


def run(engine, graph) -> None:
    Command = engine.Command
    config = _config()
    graph.invoke({"answers": []}, config)
    for i in range(N_RESUMES):
        graph.invoke(Command(resume=i), config)


def _interrupt_values(out):
    return [intr.value for intr in out.get("__interrupt__", ())]


def check(engine, graph):
    outs, config = check_outputs(engine, graph)
    summary = [
        {"answers": out["answers"], "interrupts": _interrupt_values(out)} for out in outs
    ]
    return {"outputs": summary, "history_len": len(list(graph.get_state_history(config)))}


def check_outputs(engine, graph):
    """Run one full cycle, check every output and the final state; return the outputs and the config."""
    Command = engine.Command
    config = _config()
    outs = [graph.invoke({"answers": []}, config)]
    for i in range(N_RESUMES):
        outs.append(graph.invoke(Command(resume=i), config))
    for i, out in enumerate(outs[:-1]):
        expect(_interrupt_values(out) == ["q"], f"call {i}: expected one interrupt 'q', got {out!r}")
        expect(out["answers"] == list(range(i)), f"call {i}: answers {out['answers']!r} != {list(range(i))!r}")
    final = outs[-1]
    expect("__interrupt__" not in final, f"last call still interrupted: {final.get('__interrupt__')!r}")
    expect(final == {"answers": list(range(N_RESUMES))}, f"final {final!r}")
    snap = graph.get_state(config)
    expect(tuple(snap.next) == (), f"thread not finished, next={snap.next!r}")
    return outs, config
