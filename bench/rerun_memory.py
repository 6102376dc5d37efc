"""``python -m bench.rerun_memory``: kernel memory and live widget comms while one ``run(...)`` cell is re-executed.

A real kernel (jupyter_client, 127.0.0.1) defines the approve/reject seed graph, then executes the same cell,
``graph = builder.compile(checkpointer=InMemorySaver()); handle = run(graph, {...})``, ``--reruns`` times with one JupyterLab-style cell id. Each run stops at its interrupt
and waits for a human, as a run would while someone edits and re-runs the cell. Every ``--every`` re-runs it
prints the kernel's resident memory (after ``gc.collect()``) and the number of open comms
(``comm.get_comm_manager().comms``: every widget is one).

Options:
  --reruns N     re-executions of the cell (default 100)
  --every K      print a row every K re-runs (default 10)
  --no-cell-id   send no cell id (as nbclient does): the kernel cannot tell it is the same cell, nothing is closed
  --json PATH    also write the rows as JSON
"""

from __future__ import annotations

import argparse
import json
import sys

from bench._kernel import KernelSession, new_cell_id

SETUP = '''
import comm, gc
from typing import TypedDict
from hitl_notebook.graph import StateGraph, START
from hitl_notebook.types import interrupt
from hitl_notebook.checkpoint.memory import InMemorySaver
from hitl_notebook.notebook import run

class State(TypedDict):
    draft: str
    verdict: str

def review(state: State):
    print("reviewing", state["draft"])
    return {"verdict": interrupt({"question": "Ship it?", "draft": state["draft"]})}

builder = StateGraph(State).add_node(review).add_edge(START, "review")
'''
# The cell compiles the graph with a fresh saver, as a notebook cell often does: the old runs' checkpoints are then
# garbage too, and what stays is only what the kernel keeps of a closed view.
CELL = ("graph = builder.compile(checkpointer=InMemorySaver())\n"
        "handle = run(graph, {'draft': 'hello'})\nhandle.wait_idle(timeout=30)")
PROBE = "(gc.collect(), len(comm.get_comm_manager().comms))[1]"


def measure(reruns: int = 100, every: int = 10, cell_id: bool = True) -> list[dict]:
    """Re-run the cell ``reruns`` times; one row (``rerun``, ``rss_mb``, ``comms``) every ``every`` re-runs."""
    import psutil

    rows = []
    with KernelSession() as kernel:
        kernel.run(SETUP)
        process = psutil.Process(kernel.pid)
        cell = new_cell_id() if cell_id else None
        for i in range(1, reruns + 1):
            errors = [o for o in kernel.run(CELL, cell_id=cell) if o.output_type == "error"]
            if errors:
                raise RuntimeError(f"re-run {i}: {errors[0].ename}: {errors[0].evalue}")
            if i == 1 or i % every == 0:
                comms = int(kernel.value(PROBE))
                rows.append({"rerun": i, "rss_mb": round(process.memory_info().rss / 2**20, 1), "comms": comms})
                print(f"{i:>6}  {rows[-1]['rss_mb']:>8.1f} MB  {comms:>6} comms", flush=True)
    return rows


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.rerun_memory", description=__doc__.split("\n")[0])
    parser.add_argument("--reruns", type=int, default=100)
    parser.add_argument("--every", type=int, default=10)
    parser.add_argument("--no-cell-id", action="store_true")
    parser.add_argument("--json")
    args = parser.parse_args(argv)
    print(f"{'re-run':>6}  {'kernel RSS':>11}  {'comms':>6}")
    rows = measure(args.reruns, args.every, cell_id=not args.no_cell_id)
    first, last = rows[0], rows[-1]
    span = max(last["rerun"] - first["rerun"], 1)
    print(f"per re-run after the first: {(last['rss_mb'] - first['rss_mb']) / span * 1024:.0f} KB, "
          f"{(last['comms'] - first['comms']) / span:.1f} comms")
    if args.json:
        with open(args.json, "w") as fh:
            json.dump(rows, fh, indent=1)
    return 0


if __name__ == "__main__":
    sys.exit(main())
