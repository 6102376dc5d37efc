"""sqlite_interrupt_resume: interrupt_resume_100 with each engine's SqliteSaver on a temp file.

hitl_notebook: ``hitl_notebook.checkpoint.sqlite.SqliteSaver(path)`` (WAL, synchronous=NORMAL, its defaults).
langgraph: ``langgraph.checkpoint.sqlite.SqliteSaver(sqlite3.connect(path, check_same_thread=False))`` (its
documented setup: WAL, SQLite's default synchronous=FULL).
"""

import atexit
import operator
import os
import shutil
import sqlite3
import tempfile
from typing import Annotated, TypedDict

from bench._util import expect, fresh_config

NAME = "sqlite_interrupt_resume"
N_RESUMES = 100
DESCRIPTION = (f"START→ask→(ask|END); ask calls interrupt('q'); one invoke(input) + {N_RESUMES} "
               f"invoke(Command(resume=i)) on one thread, SqliteSaver on a temp file")

_TMP = tempfile.mkdtemp(prefix="bench-sqlite-")
_OPEN: list = []


def _cleanup() -> None:
    for conn in _OPEN:
        try:
            conn.close()
        except Exception:  # noqa: BLE001 - best effort at exit
            pass
    shutil.rmtree(_TMP, ignore_errors=True)


atexit.register(_cleanup)


class State(TypedDict):
    answers: Annotated[list, operator.add]


def _saver(engine):
    path = os.path.join(_TMP, f"{engine.name}-{len(_OPEN)}.sqlite")
    if engine.name == "hitl_notebook":
        from hitl_notebook.checkpoint.sqlite import SqliteSaver

        saver = SqliteSaver(path)
        _OPEN.append(saver)
        return saver
    from langgraph.checkpoint.sqlite import SqliteSaver

    conn = sqlite3.connect(path, check_same_thread=False)
    _OPEN.append(conn)
    return SqliteSaver(conn)


def build(engine):
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
    return builder.compile(checkpointer=_saver(engine))


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
    # the run is durable: a second saver on the same file sees the finished thread
    path = graph.checkpointer.conn.execute("PRAGMA database_list").fetchone()[2]
    if engine.name == "hitl_notebook":
        from hitl_notebook.checkpoint.sqlite import SqliteSaver

        with SqliteSaver(path) as other:
            reread = other.get_tuple(config).checkpoint["channel_values"]["answers"]
    else:
        from langgraph.checkpoint.sqlite import SqliteSaver

        conn = sqlite3.connect(path, check_same_thread=False)
        try:
            reread = SqliteSaver(conn).get_tuple(config).checkpoint["channel_values"]["answers"]
        finally:
            conn.close()
    expect(reread == list(range(N_RESUMES)), f"a second connection read {reread!r}")
    summary = [{"answers": out["answers"], "interrupts": _interrupt_values(out)} for out in outs]
    return {"outputs": summary, "history_len": len(list(graph.get_state_history(config)))}
