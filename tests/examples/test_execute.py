"""Execute every example notebook headlessly and check what it shows.

Each notebook runs in a real kernel through nbclient. There is no widget frontend, so ``run()`` gets its answers
from the approval policy in ``$HITL_NOTEBOOK_POLICY``, which the kernel inherits from this process. The policy
answers on the run's worker thread while the cells go on. So the checks read the cells that call
``handle.wait()`` or ``handle.wait_idle()``: those calls block until the run has finished (a policy answers every
interrupt), and their output is deterministic. What a notebook's done callback prints lands in the run's log, which
a cell appended after the notebook (``FINISHED``) prints once ``handle.wait()`` returned. The checks never
rely on the run view's ``text/html`` fallback. It is refreshed by ``update_display_data`` from the run's thread,
and nbclient only applies messages whose parent is the cell executing at that moment, so an update sent between
two cells is lost and the saved fallback may show an earlier state.

The kernel's working directory is a temporary directory, so ``runs.sqlite`` lands there.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import nbformat
import pytest

pytest.importorskip("ipykernel")
nbclient = pytest.importorskip("nbclient")
from nbclient.util import ensure_async, run_sync

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = ROOT / "examples"
CELL_TIMEOUT = 120  # seconds per cell; a run that waits for a click it never gets fails within this
STARTUP_TIMEOUT = 60
WIDGET = "application/vnd.jupyter.widget-view+json"
WIDGET_FREE = "hitl-outcome"  # only a finished run's page has its outcome box

pytestmark = pytest.mark.slow


# -- running notebooks ---------------------------------------------------------------------------------------------


def kernel_env(monkeypatch: pytest.MonkeyPatch, policy: str | None) -> None:
    """What the kernel inherits: the package on its path, the policy, and widgets mode chosen automatically."""
    monkeypatch.setenv("PYTHONPATH", os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]))
    monkeypatch.delenv("HITL_NOTEBOOK_UI", raising=False)
    if policy is None:
        monkeypatch.delenv("HITL_NOTEBOOK_POLICY", raising=False)
    else:
        monkeypatch.setenv("HITL_NOTEBOOK_POLICY", policy)


def make_client(nb: nbformat.NotebookNode, workdir: Path) -> nbclient.NotebookClient:
    return nbclient.NotebookClient(nb, timeout=CELL_TIMEOUT, startup_timeout=STARTUP_TIMEOUT, kernel_name="python3",
                                   resources={"metadata": {"path": str(workdir)}})


def load(name: str) -> nbformat.NotebookNode:
    return nbformat.read(EXAMPLES / name, as_version=4)


def execute(nb: nbformat.NotebookNode, workdir: Path) -> None:
    """Run the code cells in order in one fresh kernel."""
    client = make_client(nb, workdir)
    with client.setup_kernel():
        for index, cell in enumerate(nb.cells):
            if cell.cell_type == "code":
                client.execute_cell(cell, index)


def text(cell: nbformat.NotebookNode) -> str:
    """What a cell printed or returned (streams and ``text/plain`` results; not the run view, which may be stale)."""
    parts = []
    for out in cell.get("outputs", []):
        if out.output_type == "stream":
            parts.append(out.text)
        elif out.output_type == "execute_result":
            parts.append(out.data.get("text/plain", ""))
    return "".join(parts)


def cell_with(nb: nbformat.NotebookNode, snippet: str, nth: int = 0) -> nbformat.NotebookNode:
    """The ``nth`` code cell whose source contains ``snippet``."""
    found = [c for c in nb.cells if c.cell_type == "code" and snippet in c.source]
    assert len(found) > nth, f"no code cell #{nth} containing {snippet!r}"
    return found[nth]


def output(nb: nbformat.NotebookNode, snippet: str, nth: int = 0) -> str:
    return text(cell_with(nb, snippet, nth))


def stdout(nb: nbformat.NotebookNode, snippet: str) -> str:
    """What the cell printed to stdout only (not warnings on stderr)."""
    outputs = cell_with(nb, snippet).outputs
    return "".join(o.text for o in outputs if o.output_type == "stream" and o.name == "stdout")


# Appended: the run's log once the run and its done callbacks have finished. wait() returns when the run finishes,
# and the callbacks then run on the run's thread (as with futures), so the cell also waits for that thread to be
# idle (it is reused by later runs: named "hitl-notebook-run (idle)" between them).
FINISHED = """\
import threading, time
handle.wait(timeout=60)
deadline = time.monotonic() + 30
while time.monotonic() < deadline and any(t.name == "hitl-notebook-run" for t in threading.enumerate()):
    time.sleep(0.01)
print(handle.log_text())"""


def callback_output(nb: nbformat.NotebookNode) -> list[str]:
    """The lines the run's done callback printed (the log's last entry, after ``handle.wait()`` returned)."""
    log = output(nb, "log_text")
    assert log.count("✔ callback output\n") == 1, log
    return log.split("✔ callback output\n")[1].splitlines()


def check_clean_run(nb: nbformat.NotebookNode) -> None:
    """No cell failed, and every cell that calls ``run()`` or ``show()`` displayed the run view once."""
    for cell in nb.cells:
        if cell.cell_type != "code":
            continue
        errors = [o for o in cell.outputs if o.output_type == "error"]
        assert not errors, f"{cell.source[:60]!r}: {errors[0].ename}: {errors[0].evalue}"
        if re.search(r"^\s*handle = (run|show)\(", cell.source, re.MULTILINE):
            shown = [o for o in cell.outputs if o.output_type == "display_data"]
            pages = [o for o in shown if "hitl-notebook-run" in o.data.get("text/html", "")]
            widgets = [o for o in shown if WIDGET in o.data]
            assert len(pages) == 1, f"{cell.source[:60]!r} should save the run view's page once"
            # A finished run's page replaced the widget; a waiting run keeps it, next to the page saved for later.
            assert len(widgets) == (0 if WIDGET_FREE in pages[0].data["text/html"] else 1), cell.source[:60]


# -- what each notebook must show ----------------------------------------------------------------------------------


def check_01(nb):
    assert "Interrupt(value={'question': 'Do you approve the following output?'" in output(nb, "result = graph.invoke")
    resumed = output(nb, "Command(resume=")
    assert "✅ Approved path taken." in resumed
    assert "'decision': 'approved'" in resumed
    history = output(nb, "get_state_history").splitlines()
    assert history[0].startswith("3 loop ()") and history[-1].startswith("-1 input")


def check_02(nb):
    assert output(nb, "handle.wait_idle(").strip() == (  # the last cell: after the click, the final state
        "{'llm_output': 'This is the generated output.', 'decision': 'approved'}")
    log = output(nb, "log_text")
    assert "thinking..." in log and "✅ Approved path taken." in log  # node prints stay in the run's log
    assert "approved by policy 'approve'" in log


def check_03(nb):
    check_03_streamed(nb)
    check_03_run_view(nb, approved=True)


def check_03_streamed(nb):
    """Section 1, driven from code: stream until the interrupt, then resume with ``Command``."""
    first, second = output(nb, "workflow.stream(", 0), output(nb, "workflow.stream(", 1)
    assert "{'write_essay': 'An essay about topic: cat'}" in first and "'__interrupt__': (Interrupt(" in first
    assert "'action': 'Please approve/reject the essay'" in first
    assert second.strip() == "{'workflow': {'essay': 'An essay about topic: cat', 'is_approved': True}}"


def check_03_run_view(nb, approved: bool):
    expected = f"{{'essay': 'An essay about topic: cat', 'is_approved': {approved}}}"
    assert callback_output(nb) == [expected]  # the buttons sent True / False, not "approve"
    assert output(nb, "get_state").splitlines() == [expected, "pending interrupts: ()"]


def check_waiting(nb, snippet: str, said: str) -> None:
    """The cell containing ``snippet`` ran before anyone answered, and said so without an error."""
    assert output(nb, snippet).strip() == said


def check_04_approved(nb):
    assert callback_output(nb) == [
        " approve: flight booked: Berlin -> Lisbon on 2025-06-12",
        " approve: email sent to team@example.com: 'Off to Lisbon'",
    ]
    check_04_audit(nb, "approved book_flight, approved send_email", "{'decisions': [{'type': 'approve'}, {'type': 'approve'}]}")
    check_04_from_code(nb)


def check_04_audit(nb, label: str, sent: str):
    """The exported audit trail records the decision, who made it and when."""
    decision, value = output(nb, "export_notebook(").splitlines()
    assert re.fullmatch(rf"human_review \| {re.escape(label)} \| by policy '[^']+' at "
                        r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d[+-]\d\d:\d\d", decision), decision
    assert value == f"  sent: {sent}"


def check_04_edited_and_rejected(nb):
    assert callback_output(nb) == [
        "  reject: skipped book_flight: rejected (no budget this month)",
        "    edit: email sent to boss@example.com: 'Trip postponed' (edited by the reviewer)",
    ]
    check_04_audit(nb, "rejected book_flight: no budget this month, edited send_email",
                   "{'decisions': [{'type': 'reject', 'message': 'no budget this month'}, "
                   "{'type': 'edit', 'edited_action': {'name': 'send_email', 'args': {'to': 'boss@example.com', "
                   "'subject': 'Trip postponed', 'body': 'No Lisbon this time.'}}}]}")
    check_04_from_code(nb)


def check_04_from_code(nb):
    lines = output(nb, "paused = graph.invoke").splitlines()
    assert lines[0].startswith("proposed: book_flight {'origin': 'Berlin'")
    assert lines[1].startswith("proposed: send_email {'to': 'team@example.com'")
    assert lines[2:] == [
        "skipped book_flight: rejected (too expensive, take the train)",
        "email sent to team@example.com: 'Lisbon trip is off' (edited by the reviewer)",
    ]


def check_05(nb):
    # three scripted answers: the empty one made ask_city ask again, then the city, then the wishes
    assert callback_output(nb) == [
        "Weekend in Lisbon. Day 1: walk through the old town of Lisbon. Day 2: a market in the morning, the sea "
        "in the afternoon. Your wishes: no museums."]


def check_06(verdicts: dict[str, str], outcome: str):
    def check(nb):
        expected = [f"{name}: {verdict}" for name, verdict in verdicts.items()] + [f"outcome: {outcome}"]
        assert callback_output(nb) == expected
        check_06_by_id(nb)

    return check


def check_06_by_id(nb):
    """The section without panels: the three interrupts answered by id, two first and one later."""
    ids = output(nb, "paused = graph.invoke").splitlines()
    assert [line.split(" -> ")[1] for line in ids] == ["alice", "bob", "carol"]
    assert len({line.split(" -> ")[0] for line in ids}) == 3  # three distinct interrupt ids
    assert output(nb, "verdicts = ").splitlines() == [
        "still pending: ['carol']", "alice: accept", "bob: changes", "carol: accept",
        "outcome: changes requested by bob"]


def check_07(status: str):
    def check(nb):
        check_07_paused(nb)
        assert callback_output(nb) == [status]
        assert output(nb, "saver.close()").splitlines() == ["still paused: ()"]

    return check


def check_07_paused(nb):
    """Part 1 paused the claim in the file; part 2 found it there, newest first."""
    started = output(nb, "paused = graph.invoke").splitlines()
    thread_id = started[0].removeprefix("paused thread: ")
    assert re.fullmatch(r"claim-[0-9a-f]{8}", thread_id)
    assert started[1] == "Approve 740.00 EUR for Ada?"
    listed = output(nb, "list_paused_threads").splitlines()
    assert listed[0].startswith(f"{thread_id} ") and listed[0].endswith(" Approve 740.00 EUR for Ada?")


def check_08(nb):
    check_08_from_code(nb)
    assert callback_output(nb) == [  # the fork, reviewed in its panel (here by the policy)
        "{'topic': 'dogs', 'joke': 'Why did the dog sit in the shade? It did not want to be a hot dog.', "
        "'verdict': 'approve'}"]
    assert output(nb, "for name, outcome in").splitlines() == [
        "original: cats  approve  Why did the cat sit on the computer? To keep an eye on the mouse.",
        "  replay: cats  approve  What do you call a pile of kittens? A meowntain.",
        "    fork: dogs  approve  Why did the dog sit in the shade? It did not want to be a hot dog.",
        "",
        "original checkpoint unchanged: True",
    ]
    check_08_branches(nb, fork=[["3", "loop"], ["2", "loop"], ["1", "update"]])


def check_08_from_code(nb):
    """The original run (answered by its own policy) and the replay (answered by ``Command``) finished."""
    assert output(nb, "original = handle.wait(").strip() == (
        "{'topic': 'cats', 'joke': 'Why did the cat sit on the computer? To keep an eye on the mouse.', "
        "'verdict': 'approve'}")
    assert output(nb, "Command(resume=").splitlines() == [
        "the replay asks about: What do you call a pile of kittens? A meowntain.",  # the LLM ran again
        "{'topic': 'cats', 'joke': 'What do you call a pile of kittens? A meowntain.', 'verdict': 'approve'}"]


def check_08_branches(nb, fork: list[list[str]]):
    """The last cell's history, newest first: the fork's checkpoints, the replay's, the original run's."""
    history = [line.split() for line in output(nb, "snapshot.metadata['source']").splitlines()]
    assert [row[:2] for row in history] == [
        *fork,
        ["3", "loop"], ["2", "loop"], ["1", "fork"],  # the replay
        ["2", "loop"], ["1", "loop"], ["0", "loop"], ["-1", "input"],  # the original run
    ]


def check_09(refunds: str, outbox: str, told: list[str]):
    def check(nb):
        assert callback_output(nb) == [
            f"refunds: {refunds}",  # what the tools really did
            f"outbox: {outbox}",
            "Done. The tools told me:",  # the scripted model's last reply lists the tool results it was given
            "- look_up_order: order A-1042: 1 teapot, 49.90 EUR, delivered broken, customer ada@example.com",
            *told,
        ]

    return check


def check_10(booked: list[tuple], told: str, answer: str):
    """The reviewed run booked ``booked`` and the model was ``told`` so; the prebuilt agent's call, edited by
    update_state, booked once, whenever the first run's answer came."""
    def check(nb):
        assert callback_output(nb) == [told, answer]
        assert stdout(nb, "create_react_agent(model").splitlines() == [
            "paused before: ('tools',) proposed: {'restaurant': 'Cervejaria Ramiro', 'people': 4, 'time': '19:30'}",
            "the tool said: table for 4 at Cervejaria Ramiro, 20:00",
            "Booked: table for 4 at Cervejaria Ramiro, 20:00",
        ]
        # the prebuilt agent given to run(): the policy continues at its breakpoint, so the proposed call runs
        assert output(nb, "at_the_breakpoint.wait(").splitlines() == ["Booked: table for 4 at Cervejaria Ramiro, 19:30"]
        # what the booking system holds once all runs finished: the sections run in any order
        assert output(nb, "sorted(bookings)").strip() == str(sorted([*booked, ("Cervejaria Ramiro", 4, "20:00"),
                                                                       ("Cervejaria Ramiro", 4, "19:30")]))

    return check


# -- the cases -----------------------------------------------------------------------------------------------------

EDIT_AND_REJECT = "script:" + json.dumps([{"decisions": [
    {"type": "reject", "message": "no budget this month"},
    {"type": "edit", "edited_action": {"name": "send_email", "args": {
        "to": "boss@example.com", "subject": "Trip postponed", "body": "No Lisbon this time."}}},
]}])

EDIT_09_AND_REJECT = "script:" + json.dumps([{"decisions": [
    {"type": "edit", "edited_action": {"name": "issue_refund", "args": {
        "order_id": "A-1042", "amount": 25.0, "reason": "partial refund, the lid is fine"}}},
    {"type": "reject", "message": "I will phone Ada myself."},
]}])


EDIT_10 = "script:" + json.dumps([{"decisions": [{"type": "edit", "edited_action": {
    "name": "book_table", "args": {"restaurant": "Cervejaria Ramiro", "people": 5, "time": "21:00"}}}]}])
REJECT_10 = "script:" + json.dumps([{"decisions": [{"type": "reject", "message": "Not tonight, ask for Friday."}]}])
BOOKINGS = "print(sorted(bookings))"
AT_BREAKPOINT = "print(at_the_breakpoint.wait(timeout=60)['messages'][-1].content)"


@dataclass
class Case:
    notebook: str
    policy: str | None
    check: Callable[[nbformat.NotebookNode], None]
    extra: tuple[str, ...] = ()  # code cells appended to the notebook before it runs


CASES = {
    "01": Case("01_approve_reject.ipynb", None, check_01),
    "02": Case("02_run_view_click_to_approve.ipynb", "approve", check_02,
               extra=("print(handle.log_text())",)),
    "03-approve": Case("03_functional_essay_review.ipynb", "approve", check_03, extra=(FINISHED,)),
    "03-reject": Case("03_functional_essay_review.ipynb", "reject", lambda nb: check_03_run_view(nb, approved=False),
                      extra=(FINISHED,)),
    "04-approve": Case("04_tool_call_review.ipynb", "approve", check_04_approved, extra=(FINISHED,)),
    "04-edit-and-reject": Case("04_tool_call_review.ipynb", EDIT_AND_REJECT, check_04_edited_and_rejected,
                               extra=(FINISHED,)),
    "05": Case("05_free_text_question.ipynb", 'script:["", "Lisbon", "no museums"]', check_05, extra=(FINISHED,)),
    "06-approve": Case("06_parallel_interrupts_send.ipynb", "approve",
                       check_06({"alice": "accept", "bob": "accept", "carol": "accept"}, "merged"), extra=(FINISHED,)),
    "06-scripted": Case("06_parallel_interrupts_send.ipynb", 'script:["accept", "changes", "accept"]',
                        check_06({"alice": "accept", "bob": "changes", "carol": "accept"}, "changes requested by bob"),
                        extra=(FINISHED,)),
    "07-no-restart": Case("07_sqlite_resume_after_restart.ipynb", "reject", check_07("declined the claim of Ada"),
                          extra=(FINISHED,)),
    "08": Case("08_time_travel.ipynb", "approve", check_08, extra=(FINISHED,)),
    "09-approve": Case("09_langchain_agent_review.ipynb", "approve", check_09(
        "[('A-1042', 49.9)]", "[('ada@example.com', 'Your refund')]",
        ["- issue_refund: refunded 49.90 EUR for A-1042 (arrived damaged)",
         "- send_email: email sent to ada@example.com: 'Your refund'"]), extra=(FINISHED,)),
    "09-edit-and-reject": Case("09_langchain_agent_review.ipynb", EDIT_09_AND_REJECT, check_09(
        "[('A-1042', 25.0)]", "[]",  # the refund ran with the edited amount; no email went out
        ["- send_email: User rejected the tool call for `send_email` with reason: I will phone Ada myself.",
         "- issue_refund: refunded 25.00 EUR for A-1042 (partial refund, the lid is fine)"]), extra=(FINISHED,)),
    "10-approve": Case("10_react_agent_tool_review.ipynb", "approve", check_10(
        [("Cervejaria Ramiro", 4, "19:30")], "book_table (success): table for 4 at Cervejaria Ramiro, 19:30",
        "Booked: table for 4 at Cervejaria Ramiro, 19:30"), extra=(FINISHED, AT_BREAKPOINT, BOOKINGS)),
    "10-edit": Case("10_react_agent_tool_review.ipynb", EDIT_10, check_10(
        [("Cervejaria Ramiro", 5, "21:00")], "book_table (success): table for 5 at Cervejaria Ramiro, 21:00",
        "Booked: table for 5 at Cervejaria Ramiro, 21:00"), extra=(FINISHED, AT_BREAKPOINT, BOOKINGS)),
    "10-reject": Case("10_react_agent_tool_review.ipynb", REJECT_10, check_10(  # nothing booked by the first run;
        [], "book_table (error): Not tonight, ask for Friday.",  # the model got the reviewer's message
        "I did not book it. You said: Not tonight, ask for Friday."), extra=(FINISHED, AT_BREAKPOINT, BOOKINGS)),
}


@pytest.mark.parametrize("case", [pytest.param(case, id=key) for key, case in CASES.items()])
def test_example_runs_headless(case: Case, tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    kernel_env(monkeypatch, case.policy)
    nb = load(case.notebook)
    nb.cells.extend(nbformat.v4.new_code_cell(source) for source in case.extra)
    execute(nb, tmp_path)
    check_clean_run(nb)
    case.check(nb)


# Run All in JupyterLab before anyone clicks: no policy answers, the runs wait in their panels. What each notebook
# shows then: the parts driven from code ran, and the cells that read a result said that the run waits for you.
CLICK = "click Approve or Reject above, then run this cell again."


def unanswered_08(nb):
    check_08_from_code(nb)
    check_waiting(nb, "for name, outcome in", "Waiting for you: answer the fork's review above, then run this cell again.")
    check_08_branches(nb, fork=[["2", "loop"], ["1", "update"]])  # the fork waits at its review


def unanswered_10(nb):  # the second section ran, whatever the first run waits for
    assert stdout(nb, "create_react_agent(model").splitlines()[1:] == [
        "the tool said: table for 4 at Cervejaria Ramiro, 20:00", "Booked: table for 4 at Cervejaria Ramiro, 20:00"]


UNANSWERED = {
    "01_approve_reject.ipynb": check_01,
    "02_run_view_click_to_approve.ipynb": lambda nb: check_waiting(nb, "handle.wait_idle(", f"Waiting for you: {CLICK}"),
    "03_functional_essay_review.ipynb": lambda nb: (
        check_03_streamed(nb), check_waiting(nb, "get_state", f"Waiting for you: {CLICK}")),
    "04_tool_call_review.ipynb": lambda nb: (check_04_from_code(nb), check_waiting(
        nb, "export_notebook(", "Waiting for you: submit your decisions above, then run this cell again.")),
    "05_free_text_question.ipynb": lambda nb: None,
    "06_parallel_interrupts_send.ipynb": check_06_by_id,
    "07_sqlite_resume_after_restart.ipynb": lambda nb: (  # the file stays open for the click to come
        check_07_paused(nb), check_waiting(nb, "saver.close()", f"Waiting for you: {CLICK}")),
    "08_time_travel.ipynb": unanswered_08,
    "09_langchain_agent_review.ipynb": lambda nb: None,
    "10_react_agent_tool_review.ipynb": unanswered_10,
}


@pytest.mark.parametrize("name", list(UNANSWERED))
def test_run_all_before_anyone_clicks_runs_every_cell_without_an_error(name: str, tmp_path: Path,
                                                                      monkeypatch: pytest.MonkeyPatch):
    kernel_env(monkeypatch, None)
    nb = load(name)
    execute(nb, tmp_path)
    check_clean_run(nb)
    UNANSWERED[name](nb)


def test_run_all_is_checked_for_every_example():
    assert set(UNANSWERED) == {path.name for path in EXAMPLES.glob("*.ipynb")}


def test_every_example_is_executed():
    tested = {case.notebook for case in CASES.values()} | {RESTART_NOTEBOOK}
    assert tested == {path.name for path in EXAMPLES.glob("*.ipynb")}


# -- a real kernel restart in the middle of 07 ---------------------------------------------------------------------

RESTART_NOTEBOOK = "07_sqlite_resume_after_restart.ipynb"
PROBE = "import os\nprint(os.getpid(), 'graph' in globals(), sorted(os.listdir('.')))"


async def restart(client: nbclient.NotebookClient) -> None:
    """Kernel → Restart: the same kernel manager starts a new process; a new client waits until it is ready."""
    await ensure_async(client.km.restart_kernel(now=True))
    await ensure_async(client.kc.stop_channels())
    await client.async_start_new_kernel_client()


def test_07_resumes_the_paused_run_after_a_real_kernel_restart(tmp_path: Path, monkeypatch: pytest.MonkeyPatch):
    kernel_env(monkeypatch, "approve")
    nb = load(RESTART_NOTEBOOK)
    split = next(i for i, c in enumerate(nb.cells)
                 if c.cell_type == "markdown" and "Restart the kernel now" in c.source)
    nb.cells.append(nbformat.v4.new_code_cell(FINISHED))
    part1, part2 = range(split), range(split, len(nb.cells))
    nb.cells += [nbformat.v4.new_code_cell(PROBE), nbformat.v4.new_code_cell(PROBE)]
    before, after = len(nb.cells) - 2, len(nb.cells) - 1
    client = make_client(nb, tmp_path)
    with client.setup_kernel():
        for index in [*part1, before]:
            if nb.cells[index].cell_type == "code":
                client.execute_cell(nb.cells[index], index)
        run_sync(restart)(client)
        for index in [after, *part2]:
            if nb.cells[index].cell_type == "code":
                client.execute_cell(nb.cells[index], index)
    pid_before, defined_before, files = text(nb.cells[before]).split(" ", 2)
    pid_after, defined_after, _ = text(nb.cells[after]).split(" ", 2)
    assert defined_before == "True" and "'runs.sqlite'" in files  # part 1 wrote the file in the working dir
    assert pid_after != pid_before and defined_after == "False"  # a new process: part 2 starts from nothing
    del nb.cells[before:]
    check_clean_run(nb)
    check_07("paid 740.00 EUR to Ada")(nb)
    assert not list(tmp_path.glob("runs.sqlite-*"))  # saver.close() removed SQLite's side files
