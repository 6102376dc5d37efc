"""CellDisplay: updates from any thread are attributed to the cell that made the display, and re-sent once at the
next cell boundary for clients that read only the executing cell (nbclient). A real kernel: test_kernel.py."""

from __future__ import annotations

import threading
from typing import Any

from IPython.core.events import EventManager, available_events

from hitl_notebook.notebook._display import CellDisplay


class FakePublisher:
    """ipykernel's display publisher in miniature: a message carries the header of the request the kernel handled
    last (what a thread that never set its own parent gets), and hooks are per thread."""

    def __init__(self) -> None:
        self.parent_header: dict[str, Any] = {}
        self.sent: list[dict[str, Any]] = []
        self._local = threading.local()

    @property
    def hooks(self) -> list:
        if not hasattr(self._local, "hooks"):
            self._local.hooks = []
        return self._local.hooks

    def register_hook(self, hook: Any) -> None:
        self.hooks.append(hook)

    def unregister_hook(self, hook: Any) -> None:
        self.hooks.remove(hook)

    def publish(self, data: dict, metadata: dict | None = None, *, transient: dict | None = None,
                update: bool = False) -> None:
        msg = {"msg_type": "update_display_data" if update else "display_data",
               "parent_header": dict(self.parent_header),
               "content": {"data": data, "metadata": metadata or {}, "transient": transient or {}}}
        for hook in list(self.hooks):
            msg = hook(msg)
        self.sent.append(msg)


class FakeFormatter:
    def format(self, obj: Any) -> tuple[dict, dict]:
        return {"text/plain": str(obj.value)}, {}


class FakeShell:
    def __init__(self) -> None:
        self.display_pub = FakePublisher()
        self.display_formatter = FakeFormatter()
        self.events = EventManager(self, available_events)

    def request(self, msg_id: str) -> None:
        """The kernel starts handling a request (an execute_request, or a widget's comm_msg)."""
        self.display_pub.parent_header = {"msg_id": msg_id, "msg_type": "execute_request"}

    def run_cell(self, msg_id: str, body: Any = None) -> None:
        self.request(msg_id)
        self.events.trigger("pre_run_cell", None)
        if body is not None:
            body()
        self.events.trigger("post_run_cell", None)

    def sent(self) -> list[tuple[str, str, str]]:
        """(msg_type, parent msg_id, text) of every message so far."""
        return [(m["msg_type"], m["parent_header"].get("msg_id"), m["content"]["data"]["text/plain"])
                for m in self.display_pub.sent]


class Obj:
    value = "running"


def in_thread(fn: Any) -> None:
    thread = threading.Thread(target=fn)
    thread.start()
    thread.join()


def test_updates_from_a_thread_after_the_cell_are_attributed_to_it_and_re_sent_at_the_next_cell():
    shell, obj = FakeShell(), Obj()
    displays: list[CellDisplay] = []
    shell.run_cell("cell-1", lambda: displays.append(CellDisplay(obj, shell=shell)))
    [display] = displays
    assert display.origin["msg_id"] == "cell-1"

    shell.request("click")  # a widget click: ipykernel now stamps other threads' messages with the comm_msg
    obj.value = "waiting"
    in_thread(display.update)
    obj.value = "done"
    in_thread(display.update)
    shell.run_cell("cell-2")
    shell.run_cell("cell-3")  # nothing changed since cell 2's boundary: nothing re-sent

    assert shell.sent() == [
        ("display_data", "cell-1", "running"),
        ("update_display_data", "cell-1", "waiting"),
        ("update_display_data", "cell-1", "done"),
        ("update_display_data", "cell-2", "done"),  # once, for a client that reads only the executing cell
    ]
    assert {m["content"]["transient"]["display_id"] for m in shell.display_pub.sent} == {display.display_id}
    assert shell.display_pub.hooks == []


def test_an_update_during_a_later_cell_is_re_sent_when_that_cell_ends():
    shell, obj = FakeShell(), Obj()
    displays: list[CellDisplay] = []
    shell.run_cell("cell-1", lambda: displays.append(CellDisplay(obj, shell=shell)))

    def later_cell() -> None:
        obj.value = "done"
        in_thread(displays[0].update)

    shell.run_cell("cell-2", later_cell)
    assert shell.sent()[1:] == [("update_display_data", "cell-1", "done"), ("update_display_data", "cell-2", "done")]


def test_updates_while_its_own_cell_runs_are_not_re_sent():
    shell, obj = FakeShell(), Obj()

    def cell() -> None:
        display = CellDisplay(obj, shell=shell)
        obj.value = "done"
        in_thread(display.update)

    shell.run_cell("cell-1", cell)
    shell.run_cell("cell-2")
    assert shell.sent() == [("display_data", "cell-1", "running"), ("update_display_data", "cell-1", "done")]


def test_the_hook_only_retargets_its_own_display():
    shell = FakeShell()
    displays: list[CellDisplay] = []
    shell.run_cell("cell-1", lambda: displays.append(CellDisplay(Obj(), shell=shell)))
    shell.request("cell-2")

    def publish_other(msg: dict) -> dict:  # another display's message published while ours is being sent
        shell.display_pub.hooks.remove(publish_other)
        shell.display_pub.publish({"text/plain": "other"}, transient={"display_id": "other"}, update=True)
        return msg

    shell.display_pub.register_hook(publish_other)
    displays[0].update()
    assert [(kind, parent, text) for kind, parent, text in shell.sent()][1:] == [
        ("update_display_data", "cell-2", "other"), ("update_display_data", "cell-1", "running")]


def test_a_failing_re_send_is_reported_not_raised_into_the_cell():
    shell, obj = FakeShell(), Obj()
    errors: list[BaseException] = []
    displays: list[CellDisplay] = []
    shell.run_cell("cell-1", lambda: displays.append(CellDisplay(obj, shell=shell, on_error=errors.append)))
    displays[0].update()

    def broken(obj: Any) -> tuple[dict, dict]:
        raise RuntimeError("formatter broke")

    shell.display_formatter.format = broken
    shell.events.shell = None  # IPython's trigger would call shell.showtraceback() on an escaping error
    shell.run_cell("cell-2")
    assert [str(e) for e in errors] == ["formatter broke"]


def test_callbacks_are_registered_once_per_shell():
    shell = FakeShell()
    for n in range(3):
        shell.run_cell(f"cell-{n}", lambda: CellDisplay(Obj(), shell=shell))
    assert len(shell.events.callbacks["pre_run_cell"]) == 1
    assert len(shell.events.callbacks["post_run_cell"]) == 1


def test_outside_ipython_the_object_is_printed_and_updates_do_nothing(capsys):
    display = CellDisplay(Obj())
    display.update()
    assert "Obj object" in capsys.readouterr().out
