"""In a real JupyterLab and a real browser: run an example notebook, answer the panel, see the run finish in the cell.

These prove what simulated ``Button.click()`` tests cannot: the widget renders in JupyterLab, the click travels
over the comm to the kernel, the resume runs on the kernel's side, and the streamed output reaches the page.
"""

from __future__ import annotations

import contextlib
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow

TIMEOUT_MS = int(__import__("os").environ.get("E2E_TIMEOUT_MS", 90_000))  # a cold kernel plus the first widget render can be slow on a loaded CI machine

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


def _run_cell(page, cell) -> None:
    """Run one cell again, as a user does with Ctrl+Enter in it."""
    cell.locator(".jp-InputArea-editor").click()
    page.keyboard.press("Control+Enter")


def _run_again(page, cell, said: str, then: str) -> None:
    """The cell ran before the answer and said so (``said``), without an error; run it again: it shows ``then``."""
    cell.locator(".jp-OutputArea-output", has_text=said).wait_for()
    _run_cell(page, cell)
    cell.locator(".jp-OutputArea-output", has_text=then).wait_for()


def _screenshot(page, view, artifacts_dir: Path, name: str) -> Path:
    path = artifacts_dir / f"{name}.png"
    view.scroll_into_view_if_needed()
    view.screenshot(path=str(path))
    return path


@contextlib.contextmanager
def _page(browser_context, artifacts_dir: Path, name: str):
    """A fresh tab; if the test fails, the whole page is saved as ``<name>-failure.png`` to show what went wrong."""
    page = browser_context.new_page()
    page.set_default_timeout(TIMEOUT_MS)
    try:
        yield page
    except BaseException:
        page.screenshot(path=str(artifacts_dir / f"{name}-failure.png"), full_page=True)
        raise


def test_clicking_approve_in_jupyterlab_finishes_the_run(lab, browser_context, artifacts_dir):
    with _page(browser_context, artifacts_dir, "jupyterlab-approve") as page:
        _open_and_run_all(page, lab, "02_run_view_click_to_approve.ipynb")
        view = page.locator(".hitl-run-view").first
        approve = view.locator(".hitl-panel button", has_text="Approve")
        approve.wait_for(state="visible")
        assert view.locator("span", has_text="waiting").count() >= 1
        assert "Approved path taken" not in view.inner_text()  # nothing ran past the interrupt before the click

        approve.click()
        view.get_by_text("Approved path taken").wait_for()
        view.locator("span", has_text="done").first.wait_for()
        assert "approved by" in view.locator(".hitl-decision").inner_text()  # the answer, marked in its row
        assert view.locator(".hitl-panel").count() == 0  # the run ended: no control is left to press
        shot = _screenshot(page, view, artifacts_dir, "jupyterlab-approve")
        assert shot.stat().st_size > 10_000

        # The last cell ran before the click and said so; run it again now.
        _run_again(page, page.locator(".jp-Notebook .jp-CodeCell").last,
                   "Waiting for you: click Approve or Reject above", "'decision': 'approved'")


def test_typing_answers_and_submitting_finishes_the_run(lab, browser_context, artifacts_dir):
    with _page(browser_context, artifacts_dir, "jupyterlab-text-answer") as page:
        _open_and_run_all(page, lab, "05_free_text_question.ipynb")
        view = page.locator(".hitl-run-view").first
        # The second panel appears once the first answer reached the graph.
        for question, answer in (("Which city", "Lisbon"), ("Any wishes", "no museums")):
            panel = view.locator(".hitl-panel", has_text=question)
            panel.locator("textarea").fill(answer)
            panel.locator("button", has_text="Submit").click()
        view.locator("span", has_text="done").first.wait_for()
        assert "Your wishes: no museums." in view.inner_text()  # streamed back from the graph
        # The done callback printed the plan into the view once the run finished, after the last Submit.
        view.locator(".hitl-row", has_text="callback output").filter(has_text="Your wishes: no museums.").wait_for()
        shot = _screenshot(page, view, artifacts_dir, "jupyterlab-text-answer")
        assert shot.stat().st_size > 10_000


def test_rejecting_one_tool_call_and_editing_another(lab, browser_context, artifacts_dir):
    with _page(browser_context, artifacts_dir, "jupyterlab-tool-call-review") as page:
        _open_and_run_all(page, lab, "04_tool_call_review.ipynb")
        view = page.locator(".hitl-run-view").first
        flight = view.locator(".hitl-action", has_text="book_flight")
        email = view.locator(".hitl-action", has_text="send_email")
        flight.wait_for(state="visible")

        flight.locator(".widget-toggle-buttons button", has_text="Reject").click()
        flight.locator("input[placeholder='message (optional)']").fill("take the train")
        email.locator(".widget-toggle-buttons button", has_text="Edit").click()
        subject = email.locator(".widget-hbox", has_text="subject").locator("input, textarea").first
        subject.fill("Lisbon, by train")
        view.locator(".hitl-panel button", has_text="Submit 2 decisions").click()

        view.locator("span", has_text="done").first.wait_for()
        log = view.inner_text()
        assert "skipped book_flight: rejected (take the train)" in log
        assert "email sent to team@example.com: 'Lisbon, by train' (edited by the reviewer)" in log
        # The done callback printed each decision and its result into the view once the run finished.
        view.locator(".hitl-row", has_text="callback output").filter(
            has_text="reject: skipped book_flight: rejected (take the train)").wait_for()
        _screenshot(page, view, artifacts_dir, "jupyterlab-tool-call-review")

        # The audit cell ran before the submit and said so; run it again now.
        _run_again(page, page.locator(".jp-Notebook .jp-CodeCell", has_text="export_notebook("),
                   "Waiting for you: submit your decisions above", "human_review | rejected book_flight: take the train")


def test_answering_the_fork_in_a_time_travel_notebook(lab, browser_context, artifacts_dir):
    """Example 08: under Run All the original run and the replay finish from code; the fork waits for the click."""
    with _page(browser_context, artifacts_dir, "jupyterlab-time-travel") as page:
        _open_and_run_all(page, lab, "08_time_travel.ipynb")
        views = page.locator(".hitl-run-view:visible")  # (a waiting run's page, saved for later, hides)
        fork = views.nth(1)
        reject = fork.locator(".hitl-panel button", has_text="Reject")
        reject.wait_for(state="visible")
        assert views.count() == 2
        assert "approved by policy 'approve'" in views.nth(0).inner_text()  # the original run, answered from code
        assert "hot dog" in fork.inner_text()  # the fork wrote a joke about dogs and waits at the review
        reject.click()
        fork.locator("span", has_text="done").first.wait_for()
        fork.locator(".hitl-row", has_text="callback output").filter(has_text="'verdict': 'reject'").wait_for()
        _screenshot(page, fork, artifacts_dir, "jupyterlab-time-travel")

        # The outcomes cell ran before the click and said so; run it again now.
        outcomes = page.locator(".jp-Notebook .jp-CodeCell", has_text="for name, outcome in")
        _run_again(page, outcomes, "Waiting for you: answer the fork's review", "fork: dogs  reject")
        assert "original checkpoint unchanged: True" in outcomes.inner_text()


def test_approving_a_langchain_agents_tool_calls_runs_the_tools(lab, browser_context, artifacts_dir):
    """Example 09: a real ``create_agent`` agent with ``HumanInTheLoopMiddleware``, driven by ``run()``."""
    with _page(browser_context, artifacts_dir, "jupyterlab-langchain-agent") as page:
        page.set_viewport_size({"width": 1280, "height": 4800})  # the agent's run view is tall: keep it in one shot
        _open_and_run_all(page, lab, "09_langchain_agent_review.ipynb")
        view = page.locator(".hitl-run-view").first
        cards = view.locator(".hitl-action")
        cards.first.wait_for(state="visible")
        assert cards.count() == 2 and "issue_refund" in cards.nth(0).inner_text()
        assert "refunded 49.90 EUR for A-1042" not in view.inner_text()  # the refund waits for the human

        for i in range(2):
            cards.nth(i).locator(".widget-toggle-buttons button", has_text="Approve").click()
        view.locator(".hitl-panel button", has_text="Submit 2 decisions").click()

        view.locator("span", has_text="done").first.wait_for()
        log = view.inner_text()
        assert "refunded 49.90 EUR for A-1042 (arrived damaged)" in log  # the tool ran, in this cell
        assert "Done. The tools told me:" in log  # and the model answered after it
        _screenshot(page, view, artifacts_dir, "jupyterlab-langchain-agent")

        # The done callback reported the tools' side effects in the view once the run finished.
        view.locator(".hitl-row", has_text="callback output").filter(
            has_text="outbox: [('ada@example.com', 'Your refund')]").wait_for()
