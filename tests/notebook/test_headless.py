"""A run that waits for a human where nobody can click (nbclient, papermill) says how to answer it: the errors and
the saved view name ``HITL_NOTEBOOK_POLICY`` and ``policy=`` (issue 17 item 10; test_kernel_lifecycle.py runs it
through nbclient)."""

from __future__ import annotations

import pytest

from hitl_notebook.notebook import RunPendingError, RunStatus
from hitl_notebook.notebook import _controller
from tests.notebook.test_handle import counted


def test_a_waiting_run_names_the_policy_in_its_errors_and_saved_view(eng, start, monkeypatch):
    handle = start(counted(eng)[0], {})
    assert handle.status is RunStatus.WAITING
    html = handle.view.static_html()
    assert "HITL_NOTEBOOK_POLICY" in html and "policy=" in html
    with pytest.raises(RunPendingError, match=r"policy=.*HITL_NOTEBOOK_POLICY"):
        handle.result  # noqa: B018
    monkeypatch.setattr(_controller, "on_kernel_main_thread", lambda: True)
    with pytest.raises(RunPendingError, match=r"policy=.*HITL_NOTEBOOK_POLICY"):
        handle.wait(5)


def test_a_finished_run_does_not_mention_policies(eng, start):
    handle = start(counted(eng)[0], {}, policy="approve")
    handle.wait(5)
    assert "HITL_NOTEBOOK_POLICY" not in handle.view.static_html()
