"""In a real JupyterLab and a real browser: the run view of an agent reads as a conversation, and the tool call that
a prebuilt agent's breakpoint holds back is edited in its card and runs with the edited arguments.

Example 10's third section gives ``create_react_agent(..., interrupt_before=["tools"])`` to ``run()``.
"""

from __future__ import annotations

import pytest

from tests.e2e.test_jupyterlab import TIMEOUT_MS, _open_and_run_all, _page, _screenshot

pytestmark = pytest.mark.slow


def test_a_breakpoint_before_the_tools_is_reviewed_in_the_conversation(lab, browser_context, artifacts_dir):
    with _page(browser_context, artifacts_dir, "jupyterlab-chat-breakpoint-review") as page:
        page.set_viewport_size({"width": 1280, "height": 4800})  # the agent's run view is tall: keep it in one shot
        _open_and_run_all(page, lab, "10_react_agent_tool_review.ipynb")
        view = page.locator(".hitl-run-view", has=page.locator(".hitl-tool-review"))
        review = view.locator(".hitl-tool-review")
        review.wait_for(state="visible", timeout=TIMEOUT_MS)
        # the conversation so far: the user's request, then the model's reply with its tool-call card
        assert "Book a table for four at Ramiro tonight." in view.locator(".hitl-chat-user").first.inner_text()
        card = view.locator(".hitl-tool-call", has_text="book_table")
        assert '"people": 4' in card.inner_text() and "call_1" in card.inner_text()
        assert view.locator(".hitl-chat-tool").count() == 0  # nothing ran before the human decided

        review.locator(".widget-toggle-buttons button", has_text="Edit").click()
        people = review.locator(".widget-hbox", has_text="People").locator("input").first
        people.fill("2")
        review.locator("button", has_text="Submit decision").click()

        # Ended: the run's page takes the widget's place (see _bundle), the same conversation without controls.
        view = page.locator(".hitl-run-view:visible", has=page.locator(".hitl-outcome"))
        view.locator("span", has_text="done").first.wait_for()
        result = view.locator(".hitl-chat-tool", has_text="book_table")
        assert "table for 2 at Cervejaria Ramiro, 19:30" in result.inner_text()
        assert "Booked: table for 2 at Cervejaria Ramiro, 19:30" in view.locator(".hitl-chat-assistant").last.inner_text()
        assert "(edited: replaces the message above" in view.inner_text()  # the edit is shown, marked
        shot = _screenshot(page, view, artifacts_dir, "jupyterlab-chat-breakpoint-review")
        assert shot.stat().st_size > 10_000
