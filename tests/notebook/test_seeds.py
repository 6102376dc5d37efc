"""Both seed programs work by clicking: the whole loop through the widget view, without a frontend, compiled by
either engine (the ``seeds`` fixture runs each test once per engine)."""

from __future__ import annotations

from hitl_notebook.notebook import RunStatus
from tests.notebook.conftest import picture_svg


def test_seed000_click_approve(start, seeds):
    handle = start(seeds.seed000(), {})
    assert handle.status is RunStatus.WAITING
    view = handle.view
    panel = view.panel()
    assert panel.kind == "approve" and "Do you approve the following output?" in view.text()
    panel.button("Approve").click()
    assert all(b.disabled for b in panel.buttons)  # locked at once
    result = handle.wait(timeout=5)
    assert result == {"llm_output": "This is the generated output.", "decision": "approved"}
    assert handle.state.values["decision"] == "approved"
    assert "✅ Approved path taken." in view.text()
    assert "approved by" in view.text()
    assert panel.locked and all(b.disabled for b in panel.buttons)
    assert "✔ approved by" in panel.message.value


def test_seed000_click_reject(start, seeds):
    handle = start(seeds.seed000(), {})
    handle.view.panel().button("Reject").click()
    assert handle.wait(timeout=5)["decision"] == "rejected"
    assert "❌ Rejected path taken." in handle.view.text()
    assert "✅" not in handle.log_text()


def test_seed003_click_approve_with_boolean_values(start, seeds):
    workflow = seeds.seed003()
    handle = start(workflow, "cat", approve_value=True, reject_value=False)
    panel = handle.view.panel()
    assert panel.kind == "approve"
    assert "Please approve/reject the essay" in panel.children[0].value
    panel.button("Approve").click()
    assert handle.wait(timeout=5) == {"essay": "An essay about topic: cat", "is_approved": True}
    assert handle.record.decisions[0].value is True


def test_seed003_click_reject_sends_false(start, seeds):
    handle = start(seeds.seed003(), "cat", approve_value=True, reject_value=False)
    handle.view.panel().button("Reject").click()
    assert handle.wait(timeout=5) == {"essay": "An essay about topic: cat", "is_approved": False}
    assert "rejected by" in handle.view.text()


def test_seed_graph_statuses_follow_the_run(start, seeds):
    handle = start(seeds.seed000(), {})
    view = handle.view
    view._redraw.flush()
    statuses = dict(handle.journal.statuses)
    assert statuses["generate_llm_output"] == "done" and statuses["human_approval"] == "interrupted"
    assert picture_svg(view.graph_html.value).startswith("<svg")
    view.panel().button("Approve").click()
    handle.wait(timeout=5)
    assert handle.journal.statuses["approved_path"] == "done"
    assert "rejected_path" not in handle.journal.statuses
    # Finished: the branch not taken is drawn as skipped, not as still to come, and the path taken is marked.
    svg = picture_svg(view.graph_html.value)
    assert "stroke-dasharray: 4 3" in svg and "hn-n-rejected_path" in svg
    style = svg.split("</style>")[0]
    assert '[id="edge-__start__-to-generate_llm_output"]' in style
    assert '[id="edge-generate_llm_output-to-human_approval"]' in style
