"""In a real Jupyter kernel with no widget frontend (what nbclient/papermill give): the cell returns at once, the
policy answers, prints stay in the view, the saved text/html fallback is refreshed, and wait() never deadlocks.

The kernel is driven with jupyter_client directly, applying ``update_display_data`` by display id whatever its
parent, as JupyterLab does; the late-update tests at the end use plain nbclient, which reads only the messages of
the cell executing at the time.
"""

from __future__ import annotations

import os
import queue
import re
import time
from pathlib import Path
from typing import Any

import pytest

manager = pytest.importorskip("jupyter_client.manager")
pytest.importorskip("ipykernel")

from bench._kernel import output_of

ROOT = Path(__file__).resolve().parents[2]
SEED = '''
from typing import Literal, TypedDict
from hitl_notebook.constants import END
from hitl_notebook.graph import StateGraph
from hitl_notebook.types import interrupt, Command
from hitl_notebook.checkpoint.memory import InMemorySaver
from hitl_notebook.notebook import run

class State(TypedDict):
    llm_output: str
    decision: str

def generate_llm_output(state: State) -> State:
    return {"llm_output": "This is the generated output."}

def human_approval(state: State) -> Command[Literal["approved_path", "rejected_path"]]:
    decision = interrupt({"question": "Do you approve the following output?", "llm_output": state["llm_output"]})
    if decision == "approve":
        return Command(goto="approved_path", update={"decision": "approved"})
    return Command(goto="rejected_path", update={"decision": "rejected"})

def approved_node(state: State) -> State:
    print("✅ Approved path taken.")
    return state

def rejected_node(state: State) -> State:
    print("❌ Rejected path taken.")
    return state

builder = StateGraph(State)
builder.add_node("generate_llm_output", generate_llm_output)
builder.add_node("human_approval", human_approval)
builder.add_node("approved_path", approved_node)
builder.add_node("rejected_path", rejected_node)
builder.set_entry_point("generate_llm_output")
builder.add_edge("generate_llm_output", "human_approval")
builder.add_edge("approved_path", END)
builder.add_edge("rejected_path", END)
graph = builder.compile(checkpointer=InMemorySaver())
'''


def execute(cells: list[str], monkeypatch: pytest.MonkeyPatch, **env: str) -> list[list[Any]]:
    """Run ``cells`` in a fresh kernel; returns each cell's outputs, with display updates applied by display id."""
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    km = manager.KernelManager(kernel_name="python3", ip="127.0.0.1")  # loopback only
    km.start_kernel(cwd=str(ROOT))
    client = km.client()
    client.start_channels()
    displays: dict[str, Any] = {}
    try:
        client.wait_for_ready(timeout=60)
        outputs = [_run_cell(client, code, displays) for code in cells]
        for _ in range(200):  # late updates from the run's thread (bounded)
            if _next(client, displays, timeout=0.5) is None:
                break
        return outputs
    finally:
        client.stop_channels()
        km.shutdown_kernel(now=True)


def _run_cell(client: Any, code: str, displays: dict[str, Any]) -> list[Any]:
    msg_id = client.execute(code)
    outputs: list[Any] = []
    while True:
        msg = _next(client, displays, timeout=60)
        if msg is None or msg["parent_header"].get("msg_id") != msg_id:
            continue
        kind, content = msg["msg_type"], msg["content"]
        if kind == "status" and content["execution_state"] == "idle":
            return outputs
        out = output_of(msg) if kind != "execute_result" else None
        if out is not None:
            outputs.append(out)
            display_id = content.get("transient", {}).get("display_id") if kind == "display_data" else None
            if display_id:
                displays[display_id] = out


def _next(client: Any, displays: dict[str, Any], timeout: float) -> dict | None:
    """The next IOPub message; ``update_display_data`` is applied to its output here, as a notebook does."""
    try:
        msg = client.get_iopub_msg(timeout=timeout)
    except queue.Empty:
        return None
    if msg["msg_type"] == "update_display_data":
        target = displays.get(msg["content"].get("transient", {}).get("display_id"))
        if target is not None:
            target.data = msg["content"]["data"]
    return msg


@pytest.mark.slow
def test_policy_run_completes_in_a_kernel_and_saves_the_story(monkeypatch):
    outputs = execute([SEED + "handle = run(graph, {})", "print(handle.wait(timeout=20))",
                       "run(graph, {}, policy='reject')"], monkeypatch, HITL_NOTEBOOK_POLICY="approve")
    shown = _finished_page(outputs[0])
    html = shown.data["text/html"]  # the page replaced the widget through the display id when the run ended
    assert "Approved path taken." in html and "approved by policy" in html and "done" in html
    assert not [o for o in outputs[0] if o.output_type == "stream"]  # node prints stayed in the view
    assert "'decision': 'approved'" in outputs[1][0].text
    view = _finished_page(outputs[2])  # a handle as the cell's last expression does not show the view again
    assert "rejected by policy" in view.data["text/html"]


@pytest.mark.slow
def test_wait_in_a_kernel_raises_instead_of_deadlocking(monkeypatch):
    outputs = execute([SEED + "handle = run(graph, {})", "handle.wait(timeout=20)",
                       "handle.resume('reject')\nprint(handle.wait(timeout=20))"], monkeypatch)
    [error] = [o for o in outputs[1] if o.output_type == "error"]
    assert error.ename == "RunPendingError" and "add_done_callback" in error.evalue
    [shown] = error.traceback  # one explaining line in the cell, not a stack of library frames
    assert "RunPendingError" in shown and "Click in the run's panel first" in shown
    assert "'decision': 'rejected'" in outputs[2][0].text


# -- late display updates: the saved fallback of a run that ends after its cell -------------------------------------
#
# nbclient (and papermill) read only the IOPub messages of the cell executing now, but apply an update_display_data
# to the outputs with that display id in any cell. The run's thread publishes after its cell has finished: the
# update is attributed to the cell that showed the view, and re-sent at the next cell boundary (see _display.py).

# The run ends ~1.5 s after it starts, well after the cell that started it returned.
SLOW_SEED = SEED.replace('def approved_node(state: State) -> State:\n',
                         'def approved_node(state: State) -> State:\n    import time; time.sleep(1.5)\n')
assert SLOW_SEED != SEED
WIDGET_MIME = "application/vnd.jupyter.widget-view+json"
BADGE = re.compile(r">(running|waiting|done|error|stopped)</span>")


def _badges(html: str) -> list[str]:
    return BADGE.findall(html)


def _finished_page(outputs: list[Any]) -> Any:
    """The one output holding a finished run's page; the cell's other view output was emptied, and no widget is
    left to fail to load when the saved notebook is reopened."""
    shown = [o for o in outputs if o.output_type in ("display_data", "execute_result")]
    pages = [o for o in shown if "hitl-notebook-run" in o.data.get("text/html", "")]
    assert len(pages) == 1, [o.data for o in shown]
    assert all(WIDGET_MIME not in o.data for o in shown)
    assert all(o.data == {"text/html": "", "text/plain": ""} for o in shown if o is not pages[0])
    return pages[0]


@pytest.mark.slow
@pytest.mark.parametrize("start, later_cells, pause_after_first", [  # a last handle.wait(): the run has ended
    pytest.param("handle = run(graph, {})", ["1", "handle.wait(timeout=30)"], 4.0, id="run-ends-while-no-cell-runs"),
    pytest.param("handle = run(graph, {})", ["import time; time.sleep(4)", "handle.wait(timeout=30)"], 0.0,
                 id="run-ends-during-a-later-cell"),
    pytest.param("handle = run(graph, {})", ["handle.wait(timeout=30)"], 0.0, id="a-later-cell-waits-for-the-run"),
    pytest.param("handle = run(graph, {}, display=False)\nhandle", ["handle.wait(timeout=30)"], 0.0,
                 id="the-handle-shown-as-the-cells-value"),
])
def test_nbclient_saves_the_finished_run_in_the_cell_that_showed_it(start, later_cells, pause_after_first,
                                                                     monkeypatch):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    monkeypatch.setenv("HITL_NOTEBOOK_POLICY", "approve")
    cells = [SLOW_SEED + start, *later_cells]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code) for code in cells])

    def pause(cell: Any, cell_index: int, execute_reply: Any) -> None:
        if cell_index == 0:
            time.sleep(pause_after_first)  # the run ends while the kernel is idle between cells

    client = nbclient.NotebookClient(nb, timeout=60, kernel_name="python3", on_cell_executed=pause,
                                     resources={"metadata": {"path": str(ROOT)}})
    client.execute()

    html = _finished_page(nb.cells[0].outputs).data["text/html"]
    assert _badges(html) == ["done"], _badges(html)
    assert "Approved path taken." in html and "approved by policy" in html
    for cell in nb.cells[1:]:  # the re-sent update changed cell 1's output and added nothing to later cells
        assert not [o for o in cell.outputs if o.output_type == "display_data"]


@pytest.mark.slow
def test_late_display_updates_are_attributed_to_the_cell_that_showed_the_view(monkeypatch):
    """Every update of the view names the cell that showed it as its parent, so a client that routes messages by
    parent alone (display ids looked up only in that cell) also ends with the finished run. (JupyterLab would
    manage without: its KernelConnection forwards display updates by display id, whatever their parent.)"""
    cells = [SLOW_SEED + "handle = run(graph, {})", "import time; time.sleep(4)", "handle.wait(timeout=30)"]
    msg_ids, messages = _record(cells, monkeypatch, HITL_NOTEBOOK_POLICY="approve")
    cell_of = {msg_id: index for index, msg_id in enumerate(msg_ids)}
    shown: dict[int, dict[str, Any]] = {}  # cell -> display id -> data, as each cell's output area holds them
    for msg in messages:
        cell = cell_of.get(msg["parent_header"].get("msg_id"))
        display_id = (msg["content"].get("transient") or {}).get("display_id")
        if cell is None or not display_id:
            continue
        if msg["msg_type"] == "display_data" or (msg["msg_type"] == "update_display_data"
                                                 and display_id in shown.get(cell, {})):
            shown.setdefault(cell, {})[display_id] = msg["content"]["data"]
    assert list(shown) == [0]
    [data] = [d for d in shown[0].values() if "hitl-notebook-run" in d.get("text/html", "")]
    assert _badges(data["text/html"]) == ["done"] and "Approved path taken." in data["text/html"]


def _record(cells: list[str], monkeypatch: pytest.MonkeyPatch, **env: str) -> tuple[list[str], list[dict]]:
    """Run ``cells`` in a fresh kernel; returns the execute requests' msg ids and every IOPub message, in order."""
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    for key, value in env.items():
        monkeypatch.setenv(key, value)
    km = manager.KernelManager(kernel_name="python3", ip="127.0.0.1")
    km.start_kernel(cwd=str(ROOT))
    client = km.client()
    client.start_channels()
    msg_ids: list[str] = []
    messages: list[dict] = []
    try:
        client.wait_for_ready(timeout=60)
        for code in cells:
            msg_ids.append(client.execute(code))
            while True:
                msg = client.get_iopub_msg(timeout=60)
                messages.append(msg)
                if (msg["parent_header"].get("msg_id") == msg_ids[-1] and msg["msg_type"] == "status"
                        and msg["content"]["execution_state"] == "idle"):
                    break
        while True:  # late messages (bounded by the quiet period)
            try:
                messages.append(client.get_iopub_msg(timeout=1))
            except queue.Empty:
                break
        return msg_ids, messages
    finally:
        client.stop_channels()
        km.shutdown_kernel(now=True)
