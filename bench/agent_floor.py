"""``python -m bench.agent_floor``: the lowest time any engine could reach on ``agent_tools_sqlite_100``.

Not a speed workload: it measures, in one process, the parts of that workload that no engine can remove, and so the
largest ratio against LangGraph a correct engine could show on this machine:

- **LangGraph's CPU time** per run (``time.process_time``), and its wall time;
- **langchain-core's share**: the model and tool calls (``BaseChatModel.invoke``, ``BaseTool.invoke``) timed
  inside each engine's run, and in a bare loop with no graph (the same calls, the same growing message list);
- **SQLite's share**: 201 write transactions of three small inserts each (the fewest a per-step checkpoint takes:
  the task's writes, the new messages, the checkpoint row), in WAL mode with ``synchronous=NORMAL`` (this package's
  default) and ``FULL`` (LangGraph's ``SqliteSaver``, SQLite's default);
- hitl_notebook's time on the workload with no checkpointer and with ``SqliteSaver``.

Options: ``--runs N`` (default 15) timed runs per figure; the median is printed.
"""

from __future__ import annotations

import argparse
import gc
import os
import sqlite3
import statistics
import tempfile
import time
from collections.abc import Callable

from bench import agent_tools_sqlite as workload
from bench._engines import available


def _median_ms(fn: Callable[[], object], runs: int, clock: Callable[[], float] = time.perf_counter) -> float:
    fn()
    times = []
    for _ in range(runs):
        gc.collect()
        start = clock()
        fn()
        times.append(clock() - start)
    return statistics.median(times) * 1e3


class _LangChainClock:
    """Sums the time spent in chat-model and tool ``invoke`` calls while installed."""

    def __init__(self) -> None:
        from langchain_core.language_models import BaseChatModel
        from langchain_core.tools import BaseTool

        self.total = 0.0
        self._patched = [(BaseChatModel, "invoke", BaseChatModel.invoke), (BaseTool, "invoke", BaseTool.invoke)]

    def __enter__(self) -> "_LangChainClock":
        for cls, name, original in self._patched:
            setattr(cls, name, self._timed(original))
        return self

    def __exit__(self, *exc: object) -> None:
        for cls, name, original in self._patched:
            setattr(cls, name, original)

    def _timed(self, original: Callable) -> Callable:
        def timed(*args, **kwargs):
            start = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                self.total += time.perf_counter() - start
        return timed


def _bare_loop() -> None:
    """The workload's model and tool calls with no graph: the growing list is a plain Python list."""
    from langchain_core.messages import HumanMessage

    model = workload._ScriptedModel().bind_tools([workload.lookup])
    messages = [HumanMessage("go", id="user-0")]
    while True:
        reply = model.invoke(messages)
        messages.append(reply)
        if not reply.tool_calls:
            return
        for call in reply.tool_calls:
            messages.append(workload.lookup.invoke({**call, "type": "tool_call"}))


def _sqlite_floor(synchronous: str, directory: str) -> Callable[[], None]:
    """201 transactions of three ~300-byte inserts, as one checkpoint per step needs at the least."""
    conn = sqlite3.connect(os.path.join(directory, f"floor-{synchronous}.sqlite"), isolation_level=None)
    conn.execute("PRAGMA journal_mode=WAL")
    conn.execute(f"PRAGMA synchronous={synchronous}")
    for table in ("writes", "blobs", "checkpoints"):
        conn.execute(f"CREATE TABLE {table} (thread TEXT, id TEXT, value BLOB, PRIMARY KEY (thread, id))")
    payload = os.urandom(300)
    runs = iter(range(1 << 30))

    def write() -> None:
        thread = f"t{next(runs)}"
        for step in range(2 * workload.N_TURNS + 1):
            conn.execute("BEGIN IMMEDIATE")
            for table in ("writes", "blobs", "checkpoints"):
                conn.execute(f"INSERT INTO {table} VALUES (?, ?, ?)", (thread, str(step), payload))
            conn.execute("COMMIT")
    return write


def measure(runs: int = 15) -> dict[str, float]:
    """Every figure of the module docstring, in milliseconds per run."""
    engines = available()
    out: dict[str, float] = {}
    for name in ("langgraph", "hitl_notebook"):
        engine = engines.get(name)
        if engine is None or isinstance(engine, Exception):
            continue
        graph = workload.build(engine)
        out[f"{name} wall"] = _median_ms(lambda: workload.run(engine, graph), runs)
        out[f"{name} cpu"] = _median_ms(lambda: workload.run(engine, graph), runs, time.process_time)
        with _LangChainClock() as clock:
            workload.run(engine, graph)
            clock.total = 0.0
            for _ in range(runs):
                workload.run(engine, graph)
        out[f"{name} langchain-core calls"] = clock.total / runs * 1e3
    with _LangChainClock() as clock:
        out["bare loop (no graph)"] = _median_ms(_bare_loop, runs)
        clock.total = 0.0
        for _ in range(runs):
            _bare_loop()
    out["bare loop langchain-core calls"] = clock.total / runs * 1e3
    engine = engines.get("hitl_notebook")
    if engine is not None and not isinstance(engine, Exception):
        graph = workload.build(engine)
        graph.checkpointer = None
        out["hitl_notebook, no checkpointer"] = _median_ms(
            lambda: graph.invoke(_first_input(), {"recursion_limit": 10_000}), runs)
    with tempfile.TemporaryDirectory(prefix="bench-floor-") as directory:
        for synchronous in ("NORMAL", "FULL"):
            out[f"201 SQLite transactions, synchronous={synchronous}"] = _median_ms(
                _sqlite_floor(synchronous, directory), runs)
    return out


def _first_input() -> dict:
    from langchain_core.messages import HumanMessage

    return {"messages": [HumanMessage("go", id="user-0")]}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.agent_floor", description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    args = parser.parse_args(argv)
    figures = measure(args.runs)
    width = max(map(len, figures))
    for label, ms in figures.items():
        print(f"{label:<{width}}  {ms:8.2f} ms")
    if "langgraph cpu" in figures:
        floor = figures["bare loop (no graph)"] + figures["201 SQLite transactions, synchronous=NORMAL"]
        print(f"\nlangchain-core (bare) + SQLite transactions = {floor:.1f} ms: at most "
              f"{figures['langgraph cpu'] / floor:.1f}x LangGraph's CPU time with an engine that costs nothing; "
              f"5x needs {figures['langgraph cpu'] / 5:.1f} ms in all")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
