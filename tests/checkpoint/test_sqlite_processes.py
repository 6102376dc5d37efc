"""SqliteSaver across processes: a paused run survives SIGKILL, hard kills mid-run leave every thread consistent,
and two processes resuming the same paused thread at once produce exactly one winner.

The graphs live in a small child script (``CHILD`` below, written to a temp dir) so the parent test process and the
child processes build exactly the same graphs.
"""

from __future__ import annotations

import importlib.util
import json
import os
import random
import select
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path
from typing import Any

import pytest

from hitl_notebook.checkpoint.sqlite import SqliteSaver
from hitl_notebook.types import Command

pytestmark = pytest.mark.skipif(sys.platform == "win32", reason="uses SIGKILL")

REPO = Path(__file__).resolve().parents[2]

CHILD = textwrap.dedent('''
    """Graphs shared by the parent test and its child processes; run as a script to play one role."""
    import json
    import operator
    import os
    import sys
    import threading
    import time
    from pathlib import Path
    from typing import Annotated, TypedDict

    from hitl_notebook.checkpoint.sqlite import SqliteSaver
    from hitl_notebook.errors import CheckpointConflictError
    from hitl_notebook.graph import END, START, StateGraph
    from hitl_notebook.types import Command, interrupt


    class Review(TypedDict, total=False):
        log: Annotated[list, operator.add]
        draft: str
        verdict: str


    def review_graph(saver, counter: Path, linger: float = 0.0):
        def prep(state):
            with open(counter, "a") as f:  # counts runs across processes
                f.write("prep\\n")
            return {"log": ["prep"], "draft": f"draft for {state['log'][0]}"}

        def ask(state):
            verdict = interrupt({"question": "approve?", "draft": state["draft"]})
            time.sleep(linger)  # keeps two resuming processes inside the step together
            return {"log": [f"verdict={verdict}"], "verdict": verdict}

        def finish(state):
            return {"log": ["finish"]}

        builder = StateGraph(Review).add_node(prep).add_node(ask).add_node(finish)
        builder.add_edge(START, "prep").add_edge("prep", "ask").add_edge("ask", "finish").add_edge("finish", END)
        return builder.compile(checkpointer=saver)


    class Counter(TypedDict, total=False):
        n: int
        total: Annotated[int, operator.add]


    def counter_graph(saver, limit: int):
        """inc sets n += 1, then a and b run in parallel (total += 1 and += 2), then inc again, until n == limit.

        A loop checkpoint at step 2k holds n == k, total == 3k; at step 2k+1, n == k+1, total == 3k.
        """
        builder = StateGraph(Counter)
        builder.add_node("inc", lambda s: {"n": s["n"] + 1})
        builder.add_node("a", lambda s: {"total": 1})
        builder.add_node("b", lambda s: {"total": 2})
        builder.add_edge(START, "inc").add_edge(["a", "b"], "inc")
        builder.add_conditional_edges("inc", lambda s: ["a", "b"] if s["n"] < limit else END, ["a", "b", END])
        return builder.compile(checkpointer=saver)


    FINITE = 4  # the limit of the "f..." threads, which run to completion


    class ReportingSaver(SqliteSaver):
        """Appends "thread checkpoint_id" to a file once the saver has returned: that checkpoint is committed."""

        report_fd = None

        def put(self, *args, **kwargs):
            return self._report(super().put(*args, **kwargs))

        def put_with_writes(self, *args, **kwargs):
            return self._report(super().put_with_writes(*args, **kwargs))

        def _report(self, saved):
            if self.report_fd is not None:
                c = saved["configurable"]
                os.write(self.report_fd, f"{c['thread_id']} {c['checkpoint_id']}\\n".encode())  # one atomic append
            return saved


    def crash_worker(graph, thread_id):
        config = {"configurable": {"thread_id": thread_id}, "recursion_limit": 10**9}
        if graph.get_state(config).metadata is not None:
            graph.invoke(None, config)  # continue from the last committed step
        else:
            graph.invoke({"n": 0, "total": 0}, config)


    def finite_worker(saver, index):
        """Finish the f-threads earlier processes left unfinished (as get_state tells), then start new ones."""
        graph = counter_graph(saver, FINITE)
        for thread_id in saver.list_threads():
            config = {"configurable": {"thread_id": thread_id}}
            if thread_id.startswith("f") and graph.get_state(config).next:
                graph.invoke(None, config)
        for j in range(10**9):
            graph.invoke({"n": 0, "total": 0}, {"configurable": {"thread_id": f"f{index}-{j}"}})


    def run_crash(db, index, report):
        saver = ReportingSaver(db)
        saver.report_fd = os.open(report, os.O_WRONLY | os.O_APPEND | os.O_CREAT)
        graph = counter_graph(saver, 10**9)
        workers = [threading.Thread(target=crash_worker, args=(graph, f"c{i}"), daemon=True) for i in range(3)]
        workers.append(threading.Thread(target=finite_worker, args=(saver, index), daemon=True))
        for w in workers:
            w.start()
        for w in workers:
            w.join()


    def zygote():
        """Fork a crash child per request (imports done once: a fork starts in milliseconds, so a CI run affords
        many kills). Prints the child's pid, then "dead" once the parent has killed it and it is reaped."""
        for line in sys.stdin:
            db, index, report = line.split()
            pid = os.fork()
            if pid == 0:
                try:
                    run_crash(db, index, report)
                finally:
                    os._exit(0)
            print(pid, flush=True)
            _, status = os.waitpid(pid, 0)
            print("dead", status, flush=True)


    def wait_for(paths, timeout=20.0):
        deadline = time.monotonic() + timeout
        while not all(p.exists() for p in paths):
            if time.monotonic() > deadline:
                raise TimeoutError(f"barrier: {paths} did not all appear")
            time.sleep(0.002)


    def main(role, db="", *args):
        saver = SqliteSaver(db or ":memory:")
        if role == "pause":
            (counter,) = args
            graph = review_graph(saver, Path(counter))
            out = graph.invoke({"log": ["essay"]}, {"configurable": {"thread_id": "review"}})
            [pending] = out["__interrupt__"]
            print(json.dumps({"id": pending.id, "value": pending.value}), flush=True)
            time.sleep(600)  # "the kernel is still up": the parent kills it
        elif role == "resume":
            counter, barrier, index, linger = args
            graph = review_graph(saver, Path(counter), float(linger))
            config = {"configurable": {"thread_id": "review"}}
            if barrier != "-":
                Path(barrier, f"ready-{index}").touch()
                wait_for([Path(barrier, "ready-0"), Path(barrier, "ready-1")])
            try:
                out = graph.invoke(Command(resume=f"answer-{index}"), config)
                print(json.dumps({"status": "ok", "values": out}), flush=True)
            except CheckpointConflictError as exc:
                print(json.dumps({"status": "conflict", "message": str(exc)}), flush=True)
        elif role == "zygote":
            saver.close()
            zygote()
        else:
            raise SystemExit(f"unknown role {role}")


    if __name__ == "__main__":
        main(*sys.argv[1:])
''')


@pytest.fixture
def child(tmp_path):
    path = tmp_path / "hitl_child.py"
    path.write_text(CHILD)
    spec = importlib.util.spec_from_file_location("hitl_child", path)
    module = importlib.util.module_from_spec(spec)
    sys.modules["hitl_child"] = module
    spec.loader.exec_module(module)
    module.PATH = path
    yield module
    sys.modules.pop("hitl_child", None)


def spawn(child, *args: Any, stdin: Any = None) -> subprocess.Popen:
    env = {**os.environ, "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")]))}
    return subprocess.Popen([sys.executable, str(child.PATH), *map(str, args)], stdin=stdin, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=env, cwd=str(REPO))


def read_line(proc: subprocess.Popen, timeout: float = 30.0) -> str:
    ready, _, _ = select.select([proc.stdout], [], [], timeout)
    if not ready:
        proc.kill()
        raise AssertionError(f"child printed nothing within {timeout}s: {proc.stderr.read()}")
    line = proc.stdout.readline()
    if not line:
        proc.wait(10)
        raise AssertionError(f"child exited ({proc.returncode}): {proc.stderr.read()}")
    return line.strip()


def kill(proc: subprocess.Popen) -> None:
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(10)
    proc.stdout.close()
    proc.stderr.close()


def integrity(db: Path) -> str:
    conn = sqlite3.connect(db)
    try:
        return conn.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        conn.close()


# -- (a) pause, SIGKILL, resume from a new process ---------------------------------------------------------------


def test_paused_run_survives_sigkill_and_resumes_in_a_new_process(child, tmp_path):
    db, counter = tmp_path / "runs.sqlite", tmp_path / "prep-runs.txt"
    proc = spawn(child, "pause", db, counter)
    try:
        paused = json.loads(read_line(proc))
    finally:
        kill(proc)
    assert proc.returncode == -signal.SIGKILL

    # "kernel restart": rebuild the graph on the file and find the run paused at its interrupt
    with SqliteSaver(db) as saver:
        graph = child.review_graph(saver, counter)
        config = {"configurable": {"thread_id": "review"}}
        state = graph.get_state(config)
        assert state.next == ("ask",)
        assert [(i.id, i.value) for i in state.interrupts] == [(paused["id"], paused["value"])]
        assert state.values == {"log": ["essay", "prep"], "draft": "draft for essay"}
        [inbox] = saver.list_paused_threads()
        assert inbox.thread_id == "review" and inbox.interrupts[0].id == paused["id"]

    resumer = spawn(child, "resume", db, counter, "-", 0, 0)
    result = json.loads(read_line(resumer))
    resumer.wait(30)
    assert result == {"status": "ok", "values": {"log": ["essay", "prep", "verdict=answer-0", "finish"],
                                                 "draft": "draft for essay", "verdict": "answer-0"}}
    with SqliteSaver(db) as saver:
        graph = child.review_graph(saver, counter)
        state = graph.get_state(config)
        assert state.next == () and state.values["verdict"] == "answer-0"
        assert saver.list_paused_threads() == []
        # the finished thread can also be resumed... by nobody: it simply stays finished
        assert graph.invoke(Command(resume="late"), config)["verdict"] == "answer-0"
    assert counter.read_text() == "prep\n", "prep ran once, before the kill"
    assert integrity(db) == "ok"


# -- (b) hard kills mid-run --------------------------------------------------------------------------------------


def expected_counter(step: int) -> dict:
    k, odd = divmod(step, 2)
    return {"n": k + 1, "total": 3 * k} if odd else {"n": k, "total": 3 * k}


def limit_of(child, thread_id: str) -> int:
    return child.FINITE if thread_id.startswith("f") else 10**9


def check_thread(child, saver: SqliteSaver, thread_id: str, depth: int | None = 30) -> dict:
    """The thread is readable, its recent history is one unbroken chain, values match the step, and get_state
    calls it finished only if it is."""
    limit = limit_of(child, thread_id)
    graph = child.counter_graph(saver, limit)
    config = {"configurable": {"thread_id": thread_id}}
    state = graph.get_state(config)
    history = list(graph.get_state_history(config, limit=depth))
    assert history and history[0].config == state.config
    for newer, older in zip(history, history[1:]):
        assert newer.parent_config == older.config, f"{thread_id}: broken chain at step {newer.metadata['step']}"
        assert newer.metadata["step"] == older.metadata["step"] + 1
    for snap in history:
        step = snap.metadata["step"]
        if step >= 0:
            assert snap.metadata["source"] == "loop"
            assert snap.values == expected_counter(step), f"{thread_id} step {step}: {snap.values}"
    if depth is None or len(history) < depth:
        assert history[-1].metadata == {"source": "input", "step": -1, "parents": {}}
        assert history[-1].parent_config is None
    if state.next == ():  # "done": only a finite thread, and only with its final values
        assert limit == child.FINITE, f"{thread_id} reported finished at step {state.metadata['step']}: {state}"
        assert state.values == {"n": limit, "total": 3 * (limit - 1)}, (thread_id, state)
    return {"step": state.metadata["step"], "values": state.values, "next": state.next}


def check_resumable(child, db: Path, tmp_path: Path, thread_ids: list[str], heads: dict[str, dict]) -> None:
    """Resume a copy of the file (the original is left for the next child): every thread runs to its end."""
    copy = tmp_path / "copy.sqlite"
    for suffix in ("", "-wal", "-shm"):
        Path(f"{copy}{suffix}").unlink(missing_ok=True)
    source, target = sqlite3.connect(db), sqlite3.connect(copy)
    source.backup(target)
    source.close()
    target.close()
    with SqliteSaver(copy) as saver:
        for thread_id in thread_ids:
            head = heads[thread_id]
            finite = limit_of(child, thread_id) == child.FINITE
            limit = child.FINITE if finite else head["values"]["n"] + 2
            graph = child.counter_graph(saver, limit)
            out = graph.invoke(None, {"configurable": {"thread_id": thread_id}, "recursion_limit": 100})
            assert out == {"n": limit, "total": 3 * (limit - 1)}, (thread_id, head, out)


def committed_reports(report: Path) -> list[tuple[str, str]]:
    if not report.exists():
        return []
    return [tuple(line.split()) for line in report.read_text().splitlines() if line]  # type: ignore[misc]


def missing_checkpoints(db: Path, reported: list[tuple[str, str]]) -> list[tuple[str, str]]:
    conn = sqlite3.connect(db)
    try:
        stored = set(conn.execute("SELECT thread_id, checkpoint_id FROM checkpoints WHERE checkpoint_ns = ''"))
    finally:
        conn.close()
    return [r for r in reported if r not in stored]


@pytest.mark.slow
def test_hard_kills_mid_run_leave_every_thread_consistent_and_resumable(child, tmp_path):
    """At least 50 SIGKILLs at random points of SQLite-checkpointed runs (4 threads each, one of them finishing
    threads over and over): 0 corrupt files, 0 lost committed checkpoints, every thread resumable to its end, and
    get_state never calls an unfinished thread finished."""
    db, report = tmp_path / "runs.sqlite", tmp_path / "committed.txt"
    rng = random.Random(1234)
    started = time.monotonic()
    progress: dict[str, list[int]] = {}
    kills = mid_step = seen_reports = 0  # mid_step: heads with some tasks of the next step saved, not its checkpoint
    unfinished: set[str] = set()
    zygote = spawn(child, "zygote", stdin=subprocess.PIPE)
    zygote_in = zygote.stdin
    try:
        while kills < 60 and time.monotonic() - started < 45:
            zygote_in.write(f"{db} {kills} {report}\n")
            zygote_in.flush()
            pid = int(read_line(zygote))
            time.sleep(rng.uniform(0.02, 0.25))
            os.kill(pid, signal.SIGKILL)
            assert read_line(zygote).startswith("dead"), "the zygote reaped the killed child"
            kills += 1
            assert integrity(db) == "ok"
            reported = committed_reports(report)
            assert not missing_checkpoints(db, reported), "a checkpoint reported committed is gone"
            # the threads the last child may have touched (all of them get a full check at the end)
            touched = {t for t, _ in reported[seen_reports:]} | unfinished | {"c0", "c1", "c2"}
            seen_reports = len(reported)
            with SqliteSaver(db) as saver:
                heads = {}
                for thread_id in sorted(touched & set(saver.list_threads())):
                    if saver.get_tuple({"configurable": {"thread_id": thread_id}}) is None:
                        continue
                    head = heads[thread_id] = check_thread(child, saver, thread_id)
                    progress.setdefault(thread_id, []).append(head["step"])
                    mid_step += bool(saver.get_tuple({"configurable": {"thread_id": thread_id}}).pending_writes)
            unfinished = {t for t, head in heads.items() if t.startswith("f") and head["next"]}
            if kills % 5 == 0:
                check_resumable(child, db, tmp_path, list(heads), heads)
    finally:
        zygote_in.close()
        zygote.kill()
        zygote.wait(10)
    print(f"{kills} kills in {time.monotonic() - started:.1f}s, {mid_step} heads mid-step, "
          f"{len(committed_reports(report))} commits reported, {len(progress)} threads")
    assert kills >= 50, f"only {kills} kills in the time budget"
    assert mid_step > 0, "some kill should have landed between a task's saved writes and the step's checkpoint"
    assert {"c0", "c1", "c2"} <= set(progress) and any(t.startswith("f") for t in progress)
    for thread_id, steps in progress.items():
        assert steps == sorted(steps), f"{thread_id} went backwards: {steps}"
    for thread_id in ("c0", "c1", "c2"):
        assert progress[thread_id][-1] > 20, f"{thread_id} made no progress across restarts: {progress[thread_id]}"
    assert len(committed_reports(report)) > 100
    with SqliteSaver(db) as saver:  # a last full walk of every chain, down to the input checkpoint
        threads = saver.list_threads()
        heads = {t: check_thread(child, saver, t, depth=None) for t in threads}
    check_resumable(child, db, tmp_path, threads, heads)


# -- (c) two processes resume the same paused thread at once ------------------------------------------------------


@pytest.mark.slow
def test_two_processes_resuming_one_paused_thread_exactly_one_wins(child, tmp_path):
    db, counter, barrier = tmp_path / "runs.sqlite", tmp_path / "prep-runs.txt", tmp_path / "barrier"
    barrier.mkdir()
    config = {"configurable": {"thread_id": "review"}}
    with SqliteSaver(db) as saver:
        first = child.review_graph(saver, counter).invoke({"log": ["essay"]}, config)
        assert "__interrupt__" in first
        paused_at = child.review_graph(saver, counter).get_state(config).config

    procs = [spawn(child, "resume", db, counter, barrier, index, 0.3) for index in (0, 1)]
    try:
        results = [json.loads(read_line(p, timeout=60)) for p in procs]
    finally:
        for p in procs:
            if p.poll() is None:
                p.wait(30)
    statuses = sorted(r["status"] for r in results)
    assert statuses == ["conflict", "ok"], results
    winner = next(i for i, r in enumerate(results) if r["status"] == "ok")
    loser = results[1 - winner]
    assert "'review'" in loser["message"] and "another run (pid" in loser["message"]
    assert "get_state(config)" in loser["message"] and "new thread_id" in loser["message"]
    assert results[winner]["values"]["verdict"] == f"answer-{winner}"

    assert integrity(db) == "ok"
    with SqliteSaver(db) as saver:
        graph = child.review_graph(saver, counter)
        state = graph.get_state(config)
        assert state.next == () and state.values == {
            "log": ["essay", "prep", f"verdict=answer-{winner}", "finish"],
            "draft": "draft for essay", "verdict": f"answer-{winner}"}
        history = list(graph.get_state_history(config))
        for newer, older in zip(history, history[1:]):
            assert newer.parent_config == older.config
        children = [h for h in history if h.parent_config == paused_at]
        assert len(children) == 1, "exactly one run saved a step on top of the paused checkpoint"
        pending = saver.get_tuple(paused_at).pending_writes
        assert {v for _, ch, v in pending if ch == "verdict"} == {f"answer-{winner}"}, "the loser saved nothing"
        assert saver.list_paused_threads() == []
