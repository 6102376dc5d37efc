"""The saved notebook tells the story without a kernel: text/html fallback next to the widget view, for graphs of
either engine (the ``seeds`` fixture runs each test once per engine)."""

from __future__ import annotations

from html import unescape

import pytest

from hitl_notebook.drawing import GraphvizNotFoundError
from hitl_notebook.notebook import _static
from hitl_notebook.notebook._static import GraphPicture

WIDGET_MIME = "application/vnd.jupyter.widget-view+json"


class FakeDisplay:
    """Stands in for IPython's DisplayHandle: records each update's mimebundle."""

    def __init__(self) -> None:
        self.updates: list[dict] = []

    def update(self, obj) -> None:
        self.updates.append(obj._repr_mimebundle_())


def test_mimebundle_carries_widget_and_static_html(start, seeds):
    handle = start(seeds.seed000(), {})
    bundle = handle.view._repr_mimebundle_()
    assert bundle[WIDGET_MIME]["model_id"] == handle.view.model_id
    html = unescape(bundle["text/html"])
    assert "<svg" in html and "waiting" in html and "Do you approve the following output?" in html
    assert "waiting for a human" in html
    assert "human_approval" in bundle["text/plain"]


def test_static_html_is_refreshed_when_the_run_pauses_and_ends(start, seeds):
    handle = start(seeds.seed000(), {})
    display = handle.view._display = FakeDisplay()
    handle.view.panel().button("Approve").click()
    handle.wait(5)
    final = unescape(display.updates[-1]["text/html"])
    assert "✅ Approved path taken." in final
    assert "approved by" in final and "done" in final
    assert "#bbf7d0" in final  # node statuses are drawn into the saved SVG (done = green)
    assert display.updates[-1][WIDGET_MIME]["model_id"] == handle.view.model_id


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
    assert "<svg" in html and calls == []
