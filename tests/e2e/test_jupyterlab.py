"""In a real JupyterLab and a real browser: run an example notebook, answer the panel, see the run finish in the cell.

These prove what simulated ``Button.click()`` tests cannot: the widget renders in JupyterLab, the click travels
over the comm to the kernel, the resume runs on the kernel's side, and the streamed output reaches the page.
"""

from __future__ import annotations

from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

TIMEOUT_MS = 90_000  # a cold kernel plus the first widget render can be slow on a loaded CI machine

_KERNEL_IDLE = """() => {
    const widget = window.jupyterapp && window.jupyterapp.shell.currentWidget;
    const kernel = widget && widget.sessionContext && widget.sessionContext.session
        && widget.sessionContext.session.kernel;
    return !!kernel && kernel.status === 'idle';
}"""


def _open_and_run_all(page, lab, name: str) -> None:
    """Open ``name`` from the served examples and run every cell, as a user does with Run ▸ Run All Cells."""
    page.goto(lab.notebook_url(name), timeout=TIMEOUT_MS)
    page.wait_for_selector(".jp-Notebook .jp-Cell", timeout=TIMEOUT_MS)
    page.wait_for_function(_KERNEL_IDLE, timeout=TIMEOUT_MS)
    page.evaluate("() => window.jupyterapp.commands.execute('notebook:run-all-cells')")


def _screenshot(page, view, artifacts_dir: Path, name: str) -> Path:
    path = artifacts_dir / f"{name}.png"
    view.scroll_into_view_if_needed()
    view.screenshot(path=str(path))
    return path


def _new_page(browser_context):
    page = browser_context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    return page


def test_clicking_approve_in_jupyterlab_finishes_the_run(lab, browser_context, artifacts_dir):
    page = _new_page(browser_context)
    try:
        _open_and_run_all(page, lab, "02_run_view_click_to_approve.ipynb")
        view = page.locator(".hitl-run-view").first
        approve = view.locator(".hitl-panel button", has_text="Approve")
        approve.wait_for(state="visible")
        assert view.locator("span", has_text="waiting").count() >= 1
        assert "Approved path taken" not in view.inner_text()  # nothing ran past the interrupt before the click

        approve.click()
        view.get_by_text("Approved path taken").wait_for()
        view.locator("span", has_text="done").first.wait_for()
        assert "approved by" in view.inner_text()
        assert view.locator(".hitl-panel button", has_text="Approve").is_disabled()  # the panel locked
        shot = _screenshot(page, view, artifacts_dir, "jupyterlab-approve")
        assert shot.stat().st_size > 10_000
    finally:
        page.close()


def test_typing_an_answer_and_submitting_finishes_the_run(lab, browser_context, artifacts_dir):
    page = _new_page(browser_context)
    answer = "Use the staging cluster, not prod"
    try:
        _open_and_run_all(page, lab, "05_free_text_question.ipynb")
        view = page.locator(".hitl-run-view").first
        box = view.locator(".hitl-panel textarea").first
        box.wait_for(state="visible")
        box.fill(answer)
        view.locator(".hitl-panel button", has_text="Submit").click()
        view.locator("span", has_text="done").first.wait_for()
        assert view.get_by_text(answer).count() >= 1  # the answer reached the graph and its output streamed back
        shot = _screenshot(page, view, artifacts_dir, "jupyterlab-text-answer")
        assert shot.stat().st_size > 10_000
    finally:
        page.close()
