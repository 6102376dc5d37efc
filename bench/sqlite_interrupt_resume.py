"""sqlite_interrupt_resume: interrupt_resume_100 with each engine's SqliteSaver on a temp file.

hitl_notebook: ``hitl_notebook.checkpoint.sqlite.SqliteSaver(path)`` (WAL, synchronous=NORMAL, its defaults).
langgraph: ``langgraph.checkpoint.sqlite.SqliteSaver(sqlite3.connect(path, check_same_thread=False))`` (its
documented setup: WAL, SQLite's default synchronous=FULL).
"""

import atexit
import os
import shutil
import sqlite3
import tempfile

from bench import interrupt_resume
from bench._util import expect

NAME = "sqlite_interrupt_resume"
N_RESUMES = interrupt_resume.N_RESUMES
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
    return interrupt_resume.build(engine, _saver(engine))


def run(engine, graph) -> None:
    interrupt_resume.run(engine, graph)


def check(engine, graph):
    outs, config = interrupt_resume.check_outputs(engine, graph)
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
    summary = [{"answers": out["answers"], "interrupts": interrupt_resume._interrupt_values(out)} for out in outs]
    return {"outputs": summary, "history_len": len(list(graph.get_state_history(config)))}
