"""Through a real kernel (jupyter_client, as a notebook frontend drives it; see bench/_kernel.py): a re-run cell's
views are closed (issue 17 item 7), headless waits explain the policy (item 10), and custom renderers' errors and
early answers land in their panel (item 11)."""

from __future__ import annotations

import re
from typing import Any

import pytest

pytest.importorskip("jupyter_client")
pytest.importorskip("ipykernel")

from bench._kernel import KernelSession, new_cell_id
from tests.notebook.test_kernel import SEED

COMMS = "(__import__('gc').collect(), len(__import__('comm').get_comm_manager().comms))[1]"


def errors(outputs: list[Any]) -> list[Any]:
    return [o for o in outputs if o.output_type == "error"]


def stdout(outputs: list[Any]) -> str:
    return "".join(o.text for o in outputs if o.output_type == "stream")


@pytest.mark.slow
def test_rerunning_a_run_cell_closes_the_old_views_and_replaces_their_runs():
    cell = new_cell_id()
    code = "handle = run(graph, {})\nhandles.append(handle)\nhandle.wait_idle(timeout=30)"
    with KernelSession() as kernel:
        assert not errors(kernel.run(SEED + "handles = []"))
        counts = []
        for i in range(30):
            assert not errors(kernel.run(code, cell_id=cell))
            if i in (4, 29):
                counts.append(int(kernel.value(COMMS)))
        assert counts[0] == counts[1], counts  # flat: only the latest view's widgets are open
        statuses = kernel.value("[h.status.value for h in handles]")
        assert statuses == repr(["stopped"] * 29 + ["waiting"])  # each replaced run was stopped
        assert kernel.value("[h.view.closed for h in handles][-2:]") == "[True, False]"
        # the newest run still answers, and the thread of a replaced one is still paused in its checkpointer
        assert kernel.value("handles[-1].resume('approve').wait(timeout=20)['decision']") == "'approved'"
        assert kernel.value("bool(graph.get_state(handles[0].config).interrupts)") == "True"


# ipykernel gives each thread that publishes on IOPub a zmq socket, kept until a sweep every 10 s after the thread
# ended (``IOPubThread._event_pipes``, private: the test skips without it). The sweep is switched off here, so
# the count is every thread that ever published.
PIPES = "len(get_ipython().kernel.iopub_thread._event_pipes)"
NO_SWEEP = """
async def _no_sweep():
    pass
get_ipython().kernel.iopub_thread._event_pipe_gc = _no_sweep
"""


@pytest.mark.slow
def test_rerunning_a_run_cell_publishes_from_no_new_thread_and_keeps_no_replaced_run():
    from bench.rerun_memory import CELL, SETUP

    cell = new_cell_id()
    with KernelSession() as kernel:
        assert not errors(kernel.run(SETUP))
        if kernel.value("hasattr(get_ipython().kernel.iopub_thread, '_event_pipes')") != "True":
            pytest.skip("this ipykernel keeps no per-thread IOPub sockets")
        assert not errors(kernel.run(NO_SWEEP))
        counts = []
        for i in range(25):
            outputs = kernel.run(CELL, cell_id=cell)
            assert not errors(outputs) and "reviewing hello" not in stdout(outputs)  # the node printed in its view
            if i in (4, 24):
                counts.append(int(kernel.value(PIPES)))
        # the run's driver and the timer thread are reused; the node's own thread delivers its print through them
        assert counts[0] == counts[1], counts
        # and nothing keeps a replaced run: soon only the latest one is left
        assert stdout(kernel.run(LIVE_RUNS)).strip() == "1"


LIVE_RUNS = """
import gc as _gc, time as _time
for _ in range(100):  # a replaced run's last timer call may still be due for a moment
    _gc.collect()
    _live = sum(type(o).__name__ == "RunHandle" for o in _gc.get_objects())
    if _live == 1:
        break
    _time.sleep(0.05)
print(_live)
"""


@pytest.mark.slow
def test_a_rerun_that_starts_no_run_closes_the_view_but_leaves_its_run_waiting():
    cell = new_cell_id()
    with KernelSession() as kernel:
        assert not errors(kernel.run(SEED))
        assert not errors(kernel.run("handle = run(graph, {})\nhandle.wait_idle(timeout=30)", cell_id=cell))
        before = int(kernel.value(COMMS))
        assert not errors(kernel.run("print('edited')", cell_id=cell))
        assert int(kernel.value(COMMS)) < before
        assert kernel.value("(handle.status.value, handle.view.closed)") == "('waiting', True)"
        shown = kernel.run("handle")  # displayed again: a new view with the run's log so far
        [view, saved] = [o for o in shown if o.output_type == "display_data"]  # the widget, and its saved page
        assert "application/vnd.jupyter.widget-view+json" in view.data and "hitl-saved-" in saved.data["text/html"]
        assert kernel.value("(handle.view.closed, len(handle.view.panels))") == "(False, 1)"
        assert kernel.value("handle.resume('reject').wait(timeout=20)['decision']") == "'rejected'"


@pytest.mark.slow
def test_headless_wait_without_a_policy_names_the_policy_and_the_saved_view_says_why():
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    from bench._kernel import ROOT

    cells = [SEED + "handle = run(graph, {})", "handle.wait(timeout=30)"]
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(code) for code in cells])
    client = nbclient.NotebookClient(nb, timeout=60, kernel_name="python3", allow_errors=True,
                                     resources={"metadata": {"path": str(ROOT)}})
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("PYTHONPATH", str(ROOT))
        mp.delenv("HITL_NOTEBOOK_POLICY", raising=False)
        client.execute()
    [error] = [o for o in nb.cells[1].outputs if o.output_type == "error"]
    assert error.ename == "RunPendingError"
    assert "HITL_NOTEBOOK_POLICY" in error.evalue and "policy=" in error.evalue
    [shown] = [o for o in nb.cells[0].outputs if "hitl-notebook-run" in o.get("data", {}).get("text/html", "")]
    html = shown.data["text/html"]  # the page saved next to the waiting run's widget
    assert "HITL_NOTEBOOK_POLICY" in html and "policy=" in html


RENDERER = '''
import ipywidgets as w
from hitl_notebook.notebook import register_renderer

def broken_button(ctx):
    button = w.Button(description="Boom")
    button.on_click(lambda _: 1 / 0)
    return button

def answers_at_once(ctx):
    ctx.submit("early answer")
    return w.HTML("answered while built")

register_renderer(lambda v: isinstance(v, dict) and v.get("kind") == "boom", broken_button)
register_renderer(lambda v: isinstance(v, dict) and v.get("kind") == "early", answers_at_once)

def asking(kind):
    def ask(state: State):
        return {"decision": interrupt({"kind": kind})}
    return StateGraph(State).add_node("ask", ask).set_entry_point("ask").compile(checkpointer=InMemorySaver())
'''


@pytest.mark.slow
def test_an_error_in_a_renderers_own_button_handler_shows_in_its_panel():
    with KernelSession() as kernel:
        assert not errors(kernel.run(SEED + RENDERER))
        assert not errors(kernel.run("handle = run(asking('boom'), {})\nhandle.wait_idle(timeout=30)"))
        [button] = kernel.comm_ids("ButtonModel", description="Boom")
        click = kernel.click(button)
        kernel.drain(quiet=1.0)
        shown_elsewhere = [m for m in kernel.messages if m["parent_header"].get("msg_id") == click
                           and m["msg_type"] in ("error", "stream")]
        assert not shown_elsewhere  # nothing went to the click's parent (JupyterLab's log console)
        message = kernel.value("handle.view.panel().message.value")
        assert "ZeroDivisionError" in message and "renderer" in message
        assert "ZeroDivisionError" in kernel.value("handle.log_text()")


@pytest.mark.slow
def test_a_renderer_that_answers_while_it_is_built_yields_one_panel():
    with KernelSession() as kernel:
        assert not errors(kernel.run(SEED + RENDERER))
        outputs = kernel.run("handle = run(asking('early'), {})\nprint(handle.wait(timeout=30))")
        assert not errors(outputs) and "'decision': 'early answer'" in stdout(outputs)
        assert kernel.value("len(handle.view.panels)") == "1"
        assert "sending" not in kernel.value("handle.view.panels[0].message.value")
        assert len(re.findall("ask</b> asked", kernel.value("handle.view.static_html()"))) == 1
