"""Micro-benchmarks: hitl_notebook's graph engine against LangGraph 1.2.

Run ``python -m bench`` from the repository root (see ``bench/README.md``).
Each workload module exposes ``NAME``, ``build(engine)``, ``run(engine, graph)``
and ``check(engine, graph)``; the same code runs on both engines, which differ
only in the ``engine`` namespace they receive (see ``bench/_engines.py``).
"""

from bench import (
    agent_tools_sqlite,
    entrypoint_tasks,
    fanout_send,
    fanout_send_checkpoint,
    fanout_subgraph,
    interrupt_resume,
    react_like,
    sequential,
    sqlite_interrupt_resume,
    wide_state,
)

WORKLOADS = (
    sequential,
    fanout_send,
    fanout_send_checkpoint,
    wide_state,
    interrupt_resume,
    react_like,
    entrypoint_tasks,
    fanout_subgraph,
    sqlite_interrupt_resume,
    agent_tools_sqlite,
)

__all__ = ["WORKLOADS"]
