"""The saved notebook tells the story without a kernel: the widget while the run can change, the static page alone
once it ended, for graphs of either engine (the ``seeds`` fixture runs each test once per engine)."""

from __future__ import annotations

from html import unescape

import pytest

from hitl_notebook.drawing import GraphvizNotFoundError
from hitl_notebook.notebook import _static
from hitl_notebook.notebook._static import GraphPicture
from tests.notebook.conftest import picture_svg

WIDGET_MIME = "application/vnd.jupyter.widget-view+json"


class FakeDisplay:
    """Stands in for a CellDisplay: records the view's mimebundle at each update."""

    def __init__(self, view) -> None:
        self.view = view
        self.updates: list[dict] = []

    def update(self) -> None:
        self.updates.append(self.view._repr_mimebundle_())


def test_the_live_output_is_the_widget_and_the_saved_output_the_page(start, seeds):
    handle = start(seeds.seed000(), {})
    bundle = handle.view._repr_mimebundle_()
    assert set(bundle) == {WIDGET_MIME, "text/plain"}
    assert bundle[WIDGET_MIME]["model_id"] == handle.view.model_id
    # nothing that could go stale: the live output is not re-sent while the run waits (an untrusted reopened
    # notebook shows a widget output's text/plain, which read "running" above the saved page)
    assert bundle["text/plain"] == ""
    saved = handle.view.displays.saved_bundle()
    assert set(saved) == {"text/html", "text/plain"} and saved["text/plain"] == ""
    html = unescape(saved["text/html"])
    assert "<svg" not in html and "data:image/svg+xml;base64," in html  # a picture: survives sanitising
    assert "waiting" in html and html.count("Do you approve the following output?") == 1
    assert "Saved while waiting for an answer" in html
    # The live widget hides the saved page next to it; the saved page hides a dead widget output before it.
    mark = f"hitl-saved-{handle.view.key}"
    assert f"<div class='{mark}'>" in html and f":has(+ .jp-OutputArea-child .{mark})" in html
    assert f".jp-OutputArea-child:has(.{mark}){{display:none}}" in handle.view.title.value


def test_static_html_is_refreshed_when_the_run_pauses_and_ends(start, seeds):
    handle = start(seeds.seed000(), {})
    display = FakeDisplay(handle.view)
    handle.view.displays._displays.append(("live", display))
    handle.view.panel().button("Approve").click()
    handle.wait(5)
    final = display.updates[-1]
    html = unescape(final["text/html"])
    assert "✅ Approved path taken." in html
    assert "approved by" in html and "✔ Done" in html
    assert "#bbf7d0" in picture_svg(html)  # node statuses are drawn into the saved picture (done = green)
    assert WIDGET_MIME not in final  # ended: the page replaces the widget, so a saved file never shows an error
    assert set(final) == {"text/html", "text/plain"}
    assert handle.view.displays.saved_bundle() == {"text/html": "", "text/plain": ""}  # the page is stored once


def test_without_graphviz_the_view_shows_mermaid(monkeypatch, seeds):
    def missing(graph):
        raise GraphvizNotFoundError("no dot")

    monkeypatch.setattr(_static, "StatusView", missing)
    picture = GraphPicture(seeds.seed000())
    html = picture.html({"human_approval": "running"})
    assert "graph TD" in html and "Install Graphviz" in html and "<svg" not in html


@pytest.mark.parametrize("statuses", [{}, {"generate_llm_output": "done", "human_approval": "interrupted"}])
def test_graph_picture_restyles_without_a_new_layout(seeds, statuses, monkeypatch):
    picture = GraphPicture(seeds.seed000())
    calls = []
    monkeypatch.setattr("hitl_notebook.drawing.status.draw_svg", lambda g: calls.append(g) or "")
    html = picture.html(statuses)
    assert picture_svg(html).startswith("<svg") and calls == []
