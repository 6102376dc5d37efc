"""``python -m bench.agent_floor`` measures every figure it reports (one run each, so it stays fast)."""

import pytest

pytest.importorskip("langchain_core")

from bench import agent_floor  # noqa: E402


def test_agent_floor_reports_each_figure_in_milliseconds(capsys):
    figures = agent_floor.measure(runs=1)
    expected = {"hitl_notebook wall", "hitl_notebook cpu", "hitl_notebook langchain-core calls",
                "bare loop (no graph)", "bare loop langchain-core calls", "hitl_notebook, no checkpointer",
                "201 SQLite transactions, synchronous=NORMAL", "201 SQLite transactions, synchronous=FULL"}
    assert expected <= figures.keys()
    assert all(ms > 0 for ms in figures.values())
