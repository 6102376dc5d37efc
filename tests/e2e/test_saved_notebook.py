"""A saved notebook still shows the run: in a real JupyterLab, run the approve/reject example, click Approve, save;
shut the kernel down and reopen the notebook; then open a copy of the file as untrusted in a fresh browser profile
(with a cell that showed a compiled graph as its last expression: a picture there too).

Screenshots (``artifacts_dir``, git-ignored): ``saved-1-waiting``, ``saved-2-approved``, ``saved-3-reopened``,
``saved-3b-notebook7``, ``saved-4-untrusted``, ``saved-5-while-waiting-reopened``, each at 1280×900 as a teacher's projector would show it.
"""

from __future__ import annotations

import importlib.util
import json
import shutil
import time
from pathlib import Path

import pytest

from tests.e2e.conftest import ROOT, TOKEN, launch_chromium
from tests.e2e.test_jupyterlab import TIMEOUT_MS, _open_and_run_all, _page

pytestmark = pytest.mark.slow

NOTEBOOK = "02_run_view_click_to_approve.ipynb"
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
VIEWPORT = {"width": 1280, "height": 900}

_CURRENT = "() => window.jupyterapp.shell.currentWidget"
_PICTURE_LOADED = """(img) => img.complete && img.naturalWidth > 100 && img.naturalHeight > 100"""
_UNTRUSTED_CELLS = """() => {
    const cells = window.jupyterapp.shell.currentWidget.content.widgets.filter(c => c.model.type === 'code');
    return cells.length > 0 && cells.every(c => c.model.trusted === false);
}"""


def _graph_bundle() -> dict[str, str]:
    """What a compiled graph as a cell's last expression puts in the notebook."""
    from typing import TypedDict

    from hitl_notebook.graph import END, START, StateGraph

    class State(TypedDict):
        draft: str

    graph = StateGraph(State).add_node("write", lambda s: s).add_edge(START, "write").add_edge("write", END)
    return graph.compile()._repr_mimebundle_()


def _shot(page, locator, artifacts_dir: Path, name: str) -> Path:
    """The view scrolled to the top of the window, and the window as it looks (what a projector shows); the view
    alone as ``<name>-view.png``."""
    page.evaluate("() => window.jupyterapp.shell.collapseLeft()")  # the file browser: not part of the story
    locator.evaluate("(node) => node.scrollIntoView({block: 'start'})")
    page.wait_for_timeout(300)
    path = artifacts_dir / f"{name}.png"
    page.screenshot(path=str(path))
    locator.screenshot(path=str(artifacts_dir / f"{name}-view.png"))  # the view alone (for the README)
    return path


def _view_output(path: Path) -> dict:
    """The saved output that holds the run view (the cell that called ``run``)."""
    nb = json.loads(path.read_text())
    for cell in nb["cells"]:
        for output in cell.get("outputs", ()):
            if "hitl-notebook-run" in "".join(output.get("data", {}).get("text/html", "")):
                return output
    raise AssertionError(f"no run view saved in {path.name}")


def _wait_saved(path: Path, needle: str, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if needle in path.read_text():
            return
        time.sleep(0.2)
    raise AssertionError(f"{path.name} was not saved with {needle!r}")


def _no_kernel(page) -> None:
    """Answer JupyterLab's "Select Kernel" dialog (the file names a kernel this server lacks) with No Kernel."""
    choice = page.locator(".jp-Dialog button", has_text="No Kernel")
    choice.wait_for(timeout=TIMEOUT_MS)
    choice.click()
    page.locator(".jp-Dialog").wait_for(state="detached")


def _assert_shows_the_run(view) -> None:
    view.locator("img.hitl-graph").wait_for(state="visible")
    assert view.locator("img.hitl-graph").evaluate(_PICTURE_LOADED)  # a picture, not a run-on line of words
    text = view.inner_text()
    for fact in ("✔ Done", "approved by", "Approved path taken.", "decision: approved"):
        assert fact in text, f"{fact!r} missing from the saved view:\n{text}"


def test_a_saved_run_shows_graph_decision_and_outcome_after_reopening(lab, playwright, browser_context,
                                                                        artifacts_dir, tmp_path_factory):
    saved = lab.root / NOTEBOOK
    with _page(browser_context, artifacts_dir, "saved-notebook") as page:
        page.set_viewport_size(VIEWPORT)
        _open_and_run_all(page, lab, NOTEBOOK)
        view = page.locator(".hitl-run-view").first
        approve = view.locator(".hitl-panel button", has_text="Approve")
        approve.wait_for(state="visible")
        _shot(page, view, artifacts_dir, "saved-1-waiting")
        assert approve.is_visible() and approve.bounding_box()["y"] + 30 < VIEWPORT["height"]  # in view
        assert view.inner_text().count("Do you approve the following output?") == 1
        assert page.locator(".hitl-run-view:visible").count() == 1  # the saved page hides behind the live widget

        approve.click()
        done = page.locator(".hitl-run-view .hitl-outcome", has_text="Done")
        done.wait_for()
        view = page.locator(".hitl-run-view").first
        _shot(page, view, artifacts_dir, "saved-2-approved")
        assert done.bounding_box()["y"] < VIEWPORT["height"]  # the outcome lands in view, near the top
        _assert_shows_the_run(view)
        text = view.inner_text()
        assert text.count("This is the generated output.") <= 2 and text.count("⏸") == 0

        page.evaluate("() => window.jupyterapp.commands.execute('docmanager:save')")
        _wait_saved(saved, "hitl-outcome")
        page.evaluate(f"() => ({_CURRENT})().sessionContext.shutdown()")
        page.close()

    output = _view_output(saved)
    assert set(output["data"]) == {"text/html", "text/plain"}  # no widget left to fail to load
    html = "".join(output["data"]["text/html"])
    assert html.count("Approved path taken.") == 1 and "<svg" not in html
    assert "thinking..." not in "".join(output["data"]["text/plain"])  # a summary, not a second copy of the log

    with _page(browser_context, artifacts_dir, "saved-notebook-reopened") as page:
        page.set_viewport_size(VIEWPORT)
        page.goto(lab.notebook_url(NOTEBOOK), timeout=TIMEOUT_MS)
        view = page.locator(".hitl-run-view").first
        view.wait_for()
        _assert_shows_the_run(view)
        page.wait_for_timeout(1500)  # a widget output would turn into an error by now
        assert page.locator("text=Error displaying widget").count() == 0
        assert page.locator("text=Loading widget").count() == 0
        _shot(page, view, artifacts_dir, "saved-3-reopened")
        page.close()

    if importlib.util.find_spec("notebook") is not None:  # Notebook 7 (a dev dependency) on the same server
        with _page(browser_context, artifacts_dir, "saved-notebook-nb7") as page:
            page.set_viewport_size(VIEWPORT)
            page.goto(f"{lab.url}/notebooks/{NOTEBOOK}?token={TOKEN}", timeout=TIMEOUT_MS)
            view = page.locator(".hitl-run-view").first
            view.wait_for()
            _assert_shows_the_run(view)
            page.wait_for_timeout(1500)
            assert page.locator("text=Error displaying widget").count() == 0
            view.evaluate("(node) => node.scrollIntoView({block: 'start'})")
            page.screenshot(path=str(artifacts_dir / "saved-3b-notebook7.png"))
            page.close()

    # "Another machine": the same file with one byte of metadata changed has no signature here, so it is untrusted,
    # and a fresh browser profile remembers nothing of the session above.
    copy = lab.root / "copied_run.ipynb"
    nb = json.loads(saved.read_text())
    nb["metadata"]["copied"] = True
    # A kernel this server lacks, for a language it has none for: the notebook opens with no kernel at all.
    nb["metadata"]["kernelspec"] = {"name": "not-installed-here", "display_name": "Missing", "language": "none"}
    nb["metadata"]["language_info"] = {"name": "none"}
    # and a cell whose output is a compiled graph shown as the cell's last expression (``graph``)
    nb["cells"].append({"cell_type": "code", "execution_count": 9, "id": "graph-cell", "metadata": {},
                        "source": ["graph"], "outputs": [{"output_type": "execute_result", "execution_count": 9,
                                                           "metadata": {}, "data": _graph_bundle()}]})
    copy.write_text(json.dumps(nb))
    fresh = launch_chromium(playwright, tmp_path_factory.mktemp("fresh-profile"), VIEWPORT)
    try:
        with _page(fresh, artifacts_dir, "saved-notebook-untrusted") as page:
            page.goto(lab.notebook_url(copy.name), timeout=TIMEOUT_MS)
            _no_kernel(page)
            view = page.locator(".hitl-run-view").first
            view.wait_for()
            page.wait_for_function(_UNTRUSTED_CELLS, timeout=TIMEOUT_MS)
            _assert_shows_the_run(view)
            _shot(page, view, artifacts_dir, "saved-4-untrusted")
            # the sanitizer keeps literal font stacks (it drops a font-family using a CSS variable): code stays mono
            assert view.locator("[style*='monospace']").count() > 0
            picture = page.locator("img.hitl-graph-picture").last  # the graph cell: a picture, not its repr as text
            picture.scroll_into_view_if_needed()
            picture.wait_for(state="visible")
            size = picture.evaluate("(img) => img.complete ? [img.naturalWidth, img.naturalHeight] : null")
            assert size and size[0] > 40 and size[1] > 100, size  # three nodes stacked: narrow and tall
            assert page.locator("text=<CompiledStateGraph").count() == 0
    finally:
        fresh.close()


def test_a_run_saved_while_waiting_shows_the_question_after_reopening(lab, browser_context, artifacts_dir):
    name = "saved_while_waiting.ipynb"
    shutil.copy(ROOT / "examples" / NOTEBOOK, lab.root / name)
    with _page(browser_context, artifacts_dir, "saved-waiting") as page:
        page.set_viewport_size(VIEWPORT)
        _open_and_run_all(page, lab, name)
        page.locator(".hitl-run-view .hitl-panel button", has_text="Approve").wait_for(state="visible")
        page.evaluate("() => window.jupyterapp.commands.execute('docmanager:save')")
        _wait_saved(lab.root / name, "Saved while waiting")
        page.evaluate(f"() => ({_CURRENT})().sessionContext.shutdown()")
        page.close()

    with _page(browser_context, artifacts_dir, "saved-waiting-reopened") as page:
        page.set_viewport_size(VIEWPORT)
        page.goto(lab.notebook_url(name), timeout=TIMEOUT_MS)
        view = page.locator(".hitl-run-view:visible")
        view.first.wait_for()
        page.wait_for_timeout(3000)  # time for the dead widget output to report its error
        assert view.count() == 1
        view.locator("img.hitl-graph").wait_for(state="visible")
        assert view.locator("img.hitl-graph").evaluate(_PICTURE_LOADED)
        waiting = view.locator(".hitl-waiting")
        assert "Do you approve the following output?" in waiting.inner_text()
        assert "Saved while waiting for an answer" in waiting.inner_text()
        assert page.locator(".jp-OutputArea-child:visible", has_text="Error displaying widget").count() == 0
        assert page.locator(".jp-OutputArea-child:visible", has_text="Loading widget").count() == 0
        _shot(page, view.first, artifacts_dir, "saved-5-while-waiting-reopened")


_RUN_NEW_CELL = """(source) => {
    const app = window.jupyterapp, notebook = app.shell.currentWidget.content;
    notebook.activeCellIndex = notebook.widgets.length - 1;
    return app.commands.execute('notebook:insert-cell-below').then(() => {
        notebook.activeCell.model.sharedModel.setSource(source);
        return app.commands.execute('notebook:run-cell');
    });
}"""


def test_the_handle_shows_the_view_again_after_clear_all_outputs(lab, browser_context, artifacts_dir):
    name = "show_again.ipynb"
    shutil.copy(ROOT / "examples" / NOTEBOOK, lab.root / name)
    with _page(browser_context, artifacts_dir, "show-again") as page:
        _open_and_run_all(page, lab, name)
        views = page.locator(".hitl-run-view:visible")
        views.locator(".hitl-panel button", has_text="Approve").wait_for(state="visible")
        page.evaluate("() => window.jupyterapp.commands.execute('notebook:clear-all-cell-outputs')")
        views.first.wait_for(state="detached")
        page.evaluate(_RUN_NEW_CELL, "handle")  # the handle as a new cell's value: the view, live again
        approve = views.locator(".hitl-panel button", has_text="Approve")
        approve.wait_for(state="visible")
        assert views.count() == 1
        approve.click()
        views.locator(".hitl-outcome", has_text="Done").wait_for()
        assert "approved by" in views.first.inner_text()
