"""The notebook layer's reused threads (issue 17: kernel memory over re-runs). ipykernel keeps a zmq socket for each
thread that published on IOPub until a sweep every 10 s, so runs must not publish from a new thread each time:
their drivers and the coalescers' deliveries run on threads that outlive a run, and text a node prints on its
short-lived thread is delivered by one of those."""

from __future__ import annotations

import contextvars
import threading
from typing import Any

from hitl_notebook.notebook import run
from hitl_notebook.notebook._coalesce import Coalescer
from hitl_notebook.notebook._view import RunView
from hitl_notebook.notebook._workers import Workers, call_later, long_lived
from tests.notebook.test_handle import S, eventually

_var: contextvars.ContextVar[str] = contextvars.ContextVar("_var", default="unset")


def test_the_next_job_reuses_an_idle_worker_and_runs_in_a_fresh_context():
    workers = Workers("test-worker", linger=5)
    seen: list[tuple[int, str, str, bool]] = []
    done = threading.Semaphore(0)

    def job() -> None:
        seen.append((threading.get_ident(), threading.current_thread().name, _var.get(), long_lived()))
        _var.set("set by a job")  # must not reach the next job
        done.release()

    _var.set("the caller's")
    for _ in range(3):
        workers.submit(job)
        assert done.acquire(timeout=5)
        assert eventually(lambda: _idle(workers))
    assert workers.started == 1
    assert len({ident for ident, *_ in seen}) == 1
    assert [(name, value, ours) for _, name, value, ours in seen] == [("test-worker", "unset", True)] * 3


def _idle(workers: Workers) -> bool:
    with workers._lock:
        return workers._idle == 1


def test_jobs_submitted_while_all_workers_are_busy_each_get_a_thread_and_idle_ones_end():
    workers = Workers("test-worker", linger=0.05)
    release = threading.Event()
    running = threading.Semaphore(0)
    threads: list[threading.Thread] = []

    def job() -> None:
        threads.append(threading.current_thread())
        running.release()
        release.wait(5)

    workers.submit(job)
    workers.submit(job)
    assert running.acquire(timeout=5) and running.acquire(timeout=5)
    release.set()
    assert workers.started == 2 and threads[0] is not threads[1]
    assert eventually(lambda: not any(t.is_alive() for t in threads))  # idle longer than linger: ended
    workers.submit(job)
    assert running.acquire(timeout=5)
    assert workers.started == 3


def test_an_error_in_a_job_is_reported_like_a_threads_and_the_worker_goes_on(monkeypatch):
    workers = Workers("test-worker", linger=5)
    reported: list[Any] = []
    monkeypatch.setattr(threading, "excepthook", lambda args: reported.append((args.exc_type, args.thread.name)))
    ran = threading.Event()
    workers.submit(lambda: 1 / 0)
    workers.submit(ran.set)
    assert ran.wait(5)
    assert reported == [(ZeroDivisionError, "test-worker")]


def test_call_later_runs_calls_in_due_order_on_one_thread_and_skips_cancelled_ones():
    got: list[tuple[str, str]] = []
    done = threading.Event()
    record = lambda tag: lambda: got.append((tag, threading.current_thread().name))
    call_later(0.06, record("late"))
    call_later(0.0, record("first"))
    call_later(0.02, record("dropped")).cancel()
    call_later(0.03, record("middle"))
    call_later(0.1, done.set)
    assert done.wait(5)
    assert got == [("first", "hitl-notebook-timer"), ("middle", "hitl-notebook-timer"),
                   ("late", "hitl-notebook-timer")]


def test_text_written_on_a_short_lived_thread_is_delivered_by_the_timer_thread():
    got: list[tuple[dict, str]] = []
    coalescer = Coalescer(lambda batch: got.append((dict(batch), threading.current_thread().name)), interval=60)
    coalescer.add("k", "main ")  # the main thread lives on: delivered right here
    assert got == [({"k": "main "}, "MainThread")]
    coalescer = Coalescer(lambda batch: got.append((dict(batch), threading.current_thread().name)), interval=0.01)
    writer = threading.Thread(target=lambda: [coalescer.add("k", t) for t in "abc"], name="a-node-thread")
    writer.start()
    writer.join()
    assert eventually(lambda: "".join(b.get("k", "") for b, _ in got[1:]) == "abc")
    assert {name for _, name in got[1:]} == {"hitl-notebook-timer"}


def test_a_nodes_print_reaches_the_view_from_a_long_lived_thread_and_runs_reuse_the_driver(eng, monkeypatch):
    publishers: list[str] = []
    stream = RunView.on_stream

    def on_stream(self: RunView, items: list) -> None:
        publishers.append(threading.current_thread().name)
        stream(self, items)

    drivers: list[threading.Thread] = []  # the threads that drove a run (they report its status)
    status = RunView.on_status

    def on_status(self: RunView, value: Any) -> None:
        if threading.current_thread().name.startswith("hitl-notebook-run"):
            drivers.append(threading.current_thread())
        status(self, value)

    monkeypatch.setattr(RunView, "on_stream", on_stream)
    monkeypatch.setattr(RunView, "on_status", on_status)

    def talk(state: S) -> dict:
        print("hello from the node")
        return {"answer": eng.interrupt("go?")}

    graph = eng.StateGraph(S).add_node("talk", talk).add_edge(eng.START, "talk").compile(
        checkpointer=eng.InMemorySaver())
    for _ in range(3):
        handle = run(graph, {}, ui="widgets", display=False)
        handle.wait_idle(10)
        assert [e.text for e in handle.record.entries if e.kind == "node"] == ["hello from the node\n"]
        assert eventually(lambda: not any(t.name == "hitl-notebook-run" for t in threading.enumerate()))
        handle.stop()
    assert publishers and set(publishers) <= {"hitl-notebook-timer", "hitl-notebook-run"}, publishers
    assert drivers and all(t.is_alive() for t in drivers)  # idle now, waiting for the next run
    assert all(t.name == "hitl-notebook-run (idle)" for t in drivers)


class Job:
    def __init__(self) -> None:
        self.done = threading.Event()

    def __call__(self) -> None:
        self.done.set()


def test_a_worker_keeps_nothing_of_a_finished_job():
    import gc
    import weakref

    workers = Workers("test-worker", linger=5)
    job = Job()
    gone = weakref.ref(job)
    workers.submit(job)  # the first job of a new thread: not held by the thread object
    assert job.done.wait(5) and eventually(lambda: _idle(workers))
    del job
    gc.collect()
    assert gone() is None


def test_a_cancelled_call_drops_what_it_would_call_at_once():
    import weakref

    job = Job()
    gone = weakref.ref(job)
    call_later(60, job).cancel()
    del job
    assert gone() is None


def test_a_thread_started_while_a_run_sink_is_set_does_not_keep_that_context():
    # _threads copies the starter's context into a thread started while a run's output is routed; a worker serves
    # many runs, so it must not hold the context (and the run behind the sink) of the one that happened to start it
    import gc
    import weakref

    from hitl_notebook.notebook import _capture

    sink = _capture.RunSink(write=lambda text, stream: None)
    gone = weakref.ref(sink)
    workers = Workers("test-worker", linger=5)
    ran = threading.Event()
    with _capture.routed(sink):
        workers.submit(ran.set)
        fresh = threading.Event()
        from hitl_notebook.notebook import _workers

        timers = _workers._Timers("test-timer")
        timers.call_later(0, fresh.set)
    assert ran.wait(5) and fresh.wait(5)
    del sink
    gc.collect()
    assert gone() is None
    _capture.uninstall()
