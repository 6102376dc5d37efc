"""Closing the views of a re-run cell (issue 17 item 7) and a renderer's errors and early answers (item 11),
without a kernel: widgets on a counting comm stub, IPython's cell events called by hand."""

from __future__ import annotations

from types import SimpleNamespace
from typing import Any, TypedDict

import ipywidgets as w

from hitl_notebook.notebook import RunStatus, _retire, register_renderer, run
from hitl_notebook.notebook._callbacks import guard_callbacks
from hitl_notebook.notebook._form import FULL
from tests.notebook.conftest import CountingComm
from tests.notebook.test_handle import counted


class S(TypedDict, total=False):
    answer: Any


def test_close_tree_closes_children_layouts_and_styles_but_not_shared_widgets():
    button = w.Button(description="go")
    text = w.Text(layout=FULL)
    box = w.VBox([w.HBox([button]), text])
    owned = [box, box.layout, box.children[0], button, button.layout, button.style, text, text.style]
    assert _retire.close_tree(box) == len(owned) + 1  # + the inner HBox's layout
    assert all(x.comm is None for x in owned)
    assert FULL.comm is not None  # one Layout shared by many views stays open


class FakeEvents:
    def __init__(self) -> None:
        self.callbacks: dict[str, list] = {}

    def register(self, name: str, fn: Any) -> None:
        self.callbacks.setdefault(name, []).append(fn)

    def trigger(self, name: str, arg: Any) -> None:
        for fn in self.callbacks.get(name, []):
            fn(arg)


class FakeShell:
    """What _retire reads of a kernel's shell: the request's cell id, and the cell events."""

    def __init__(self) -> None:
        self.events = FakeEvents()
        self.cell_id: str | None = None

    def get_parent(self) -> dict:
        return {"metadata": {"cellId": self.cell_id}} if self.cell_id else {}

    def execute(self, cell_id: str, body: Any) -> Any:
        info = SimpleNamespace(cell_id=cell_id)
        self.cell_id = cell_id
        self.events.trigger("pre_run_cell", info)
        value = body()
        self.events.trigger("post_run_cell", SimpleNamespace(info=info))
        self.cell_id = None
        return value


def shown_run(eng: Any, shell: FakeShell, graph: Any = None) -> Any:
    handle = run(graph if graph is not None else counted(eng)[0], {}, ui="widgets", display=False)
    handle.wait_idle(10)
    _retire.track(handle.view, shell)
    return handle


def test_a_rerun_closes_the_old_view_and_stops_the_run_it_replaces(eng):
    shell = FakeShell()
    first = shell.execute("cell-1", lambda: shown_run(eng, shell))
    other = shell.execute("cell-2", lambda: shown_run(eng, shell))
    second = shell.execute("cell-1", lambda: shown_run(eng, shell))
    assert first.view.closed and first.status is RunStatus.STOPPED
    assert first.view not in first.journal.observers and first.view.stop_button.comm is None
    assert not second.view.closed and second.status is RunStatus.WAITING
    assert not other.view.closed and other.status is RunStatus.WAITING  # another cell's run is untouched


def test_a_done_callback_failing_on_a_replaced_run_prints_nothing_into_the_new_cell(eng, capfd):
    # Example 10's done callback reads handle.result; the replaced run has none (RunStoppedError). That error
    # belongs to the old run's record, not to the stderr of whichever cell is running now.
    shell = FakeShell()
    seen: list[str] = []

    def report(handle):
        seen.append("called")
        handle.result  # raises: the run was stopped before it finished

    first = shell.execute("cell-1", lambda: shown_run(eng, shell))
    first.add_done_callback(report)
    shell.execute("cell-1", lambda: shown_run(eng, shell))
    assert first.status is RunStatus.STOPPED and seen == ["called"]
    assert "error in done callback" not in capfd.readouterr().err
    assert [e.node for e in first.record.entries if e.kind == "error"] == ["done callback report"]


def test_a_rerun_without_a_new_run_closes_the_view_but_the_run_waits_and_shows_again(eng):
    shell = FakeShell()
    handle = shell.execute("cell-1", lambda: shown_run(eng, shell))
    shell.execute("cell-1", lambda: None)
    assert handle.view.closed and handle.status is RunStatus.WAITING
    view = handle.view.of_run(handle)  # what displaying the handle again builds
    assert len(view.panels) == 1 and "go?" in view.panels[0].children[0].value
    view.panel().button("Approve").click()
    assert handle.wait(5)["answer"] == "approve"


def test_a_view_built_with_display_false_belongs_to_its_cell(eng, monkeypatch):
    # run(..., display=False) builds the view for the caller to show later; never displayed, it was never closed,
    # and every re-run of the cell leaked a whole view (about 315 KB, bench/README.md "Re-run memory").
    from hitl_notebook.notebook import _env, _run

    shell = FakeShell()
    monkeypatch.setattr(_run, "in_kernel", lambda: True)
    monkeypatch.setattr(_env, "_shell", lambda: shell)

    def start():
        handle = run(counted(eng)[0], {}, ui="widgets", display=False)
        handle.wait_idle(10)
        return handle

    first = shell.execute("cell-1", start)
    second = shell.execute("cell-1", start)
    assert first.view.closed and first.status is RunStatus.STOPPED
    assert not second.view.closed and second.status is RunStatus.WAITING


def test_requests_without_a_cell_id_close_nothing(eng):
    shell = FakeShell()
    handle = shell.execute("", lambda: shown_run(eng, shell))
    shell.execute("", lambda: shown_run(eng, shell))
    assert not handle.view.closed and handle.status is RunStatus.WAITING


def asking(eng: Any, payload: Any) -> Any:
    def ask(state: S) -> dict:
        return {"answer": eng.interrupt(payload)}

    return eng.StateGraph(S).add_node("ask", ask).add_edge(eng.START, "ask").compile(
        checkpointer=eng.InMemorySaver())


def test_a_renderer_answering_while_it_is_built_gives_one_panel(eng, start):
    def early(ctx: Any) -> w.Widget:
        ctx.submit("early")
        return w.HTML("answered")

    remove = register_renderer(lambda value: value == "early please", early)
    try:
        handle = start(asking(eng, "early please"), {})
        assert handle.wait(5) == {"answer": "early"}
    finally:
        remove()
    [panel] = handle.view.panels
    assert "sending" not in panel.message.value and panel.locked


def test_an_error_in_a_renderers_own_callback_shows_in_its_panel(eng, start, monkeypatch):
    handlers: dict[str, Any] = {}
    monkeypatch.setattr(CountingComm, "on_msg", lambda self, fn: handlers.__setitem__(self.comm_id, fn))
    shown: list = []  # what the kernel's showtraceback() would publish to the click's parent (the log console)
    shell = SimpleNamespace(showtraceback=lambda *a, **k: shown.append(a))
    import IPython
    from ipywidgets.widgets import widget as widget_module

    monkeypatch.setattr(IPython, "get_ipython", lambda: shell)
    monkeypatch.setattr(widget_module, "get_ipython", lambda: shell)

    def build(ctx: Any) -> w.Widget:
        button = w.Button(description="Boom")
        button.on_click(lambda _: 1 / 0)
        slider = w.IntSlider()
        slider.observe(lambda change: {}["missing"], names=["value"])
        return w.VBox([button, slider])

    remove = register_renderer(lambda value: value == "boom", build)
    try:
        handle = start(asking(eng, "boom"), {})
    finally:
        remove()
    panel = handle.view.panel()
    button = panel.button("Boom")
    handlers[button.comm.comm_id]({"content": {"data": {"method": "custom", "content": {"event": "click"}}},
                                   "buffers": []})
    assert "ZeroDivisionError" in panel.message.value and "ZeroDivisionError" in handle.log_text()
    [slider] = [x for x in _walk(panel) if isinstance(x, w.IntSlider)]
    handlers[slider.comm.comm_id]({"content": {"data": {"method": "update", "state": {"value": 3}}},
                                   "buffers": []})
    assert "KeyError" in panel.message.value
    assert not shown
    assert not panel.locked and handle.status is RunStatus.WAITING  # still answerable


def test_guard_callbacks_skips_widgets_without_a_comm():
    closed = w.Button()
    closed.close()
    assert guard_callbacks(iter([closed, object()]), lambda exc: None) == 0


def _walk(widget: Any) -> Any:
    from hitl_notebook.notebook._panels import walk

    return walk(widget)
