"""A real Jupyter kernel driven with jupyter_client, as a notebook frontend would drive it (for benchmarks and the
slow kernel tests): cells carry a cell id (JupyterLab's ``metadata.cellId``), widget clicks are sent as comm
messages, and the kernel can be interrupted like the stop button does.

Nothing here answers widget comms by itself: like nbclient, the client only reads what the kernel sends.
"""

from __future__ import annotations

import os
import queue
import time
import uuid
from pathlib import Path
from types import SimpleNamespace
from typing import Any

__all__ = ["KernelSession", "new_cell_id", "output_of"]

ROOT = Path(__file__).resolve().parents[1]


class KernelSession:
    """A fresh ``python3`` kernel on 127.0.0.1 with this checkout on ``PYTHONPATH``; use as a context manager.

    ``env`` adds environment variables for the kernel process only.
    """

    def __init__(self, **env: str) -> None:
        from jupyter_client.manager import KernelManager

        self.env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(ROOT), os.environ.get("PYTHONPATH", "")]),
                    **env}
        self.km = KernelManager(kernel_name="python3", ip="127.0.0.1")  # loopback only
        self.client: Any = None
        self.messages: list[dict] = []  # every IOPub message read so far

    def __enter__(self) -> KernelSession:
        self.km.start_kernel(cwd=str(ROOT), env=self.env)
        self.client = self.km.client()
        self.client.start_channels()
        self.client.wait_for_ready(timeout=60)
        return self

    def __exit__(self, *exc: object) -> None:
        try:
            self.client.stop_channels()
        finally:
            self.km.shutdown_kernel(now=True)

    @property
    def pid(self) -> int:
        """The kernel process id."""
        return self.km.provisioner.process.pid

    def send(self, code: str, cell_id: str | None = None) -> str:
        """Send an execute request (with ``metadata.cellId`` when given); returns its msg id."""
        content = {"code": code, "silent": False, "store_history": True, "user_expressions": {},
                   "allow_stdin": False, "stop_on_error": True}
        msg = self.client.session.msg("execute_request", content,
                                      metadata={"cellId": cell_id} if cell_id else {})
        self.client.shell_channel.send(msg)
        return msg["header"]["msg_id"]

    def run(self, code: str, cell_id: str | None = None, timeout: float = 60) -> list[SimpleNamespace]:
        """Execute ``code`` and wait until the kernel is idle again; returns the cell's outputs."""
        return self.collect(self.send(code, cell_id), timeout)

    def collect(self, msg_id: str, timeout: float = 60) -> list[SimpleNamespace]:
        """Outputs of the request ``msg_id`` until it is done; raises TimeoutError after ``timeout`` seconds."""
        outputs: list[SimpleNamespace] = []
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"the cell did not finish within {timeout} s")
            msg = self.next(min(left, 1.0))
            if msg is None or msg["parent_header"].get("msg_id") != msg_id:
                continue
            if msg["msg_type"] == "status" and msg["content"]["execution_state"] == "idle":
                return outputs
            output = output_of(msg)
            if output is not None:
                outputs.append(output)

    def next(self, timeout: float) -> dict | None:
        """The next IOPub message (recorded in :attr:`messages`), or None after ``timeout`` seconds."""
        try:
            msg = self.client.get_iopub_msg(timeout=timeout)
        except queue.Empty:
            return None
        self.messages.append(msg)
        return msg

    def drain(self, quiet: float = 0.5, limit: float = 20) -> None:
        """Read messages until none arrives for ``quiet`` seconds (at most ``limit`` seconds)."""
        deadline = time.monotonic() + limit
        while time.monotonic() < deadline and self.next(quiet) is not None:
            pass

    def value(self, expression: str, timeout: float = 60) -> str:
        """``repr`` of ``expression`` evaluated in the kernel, read from the cell's printed output."""
        outputs = self.run(f"print(repr({expression}))", timeout=timeout)
        text = "".join(o.text for o in outputs if o.output_type == "stream")
        errors = [o for o in outputs if o.output_type == "error"]
        if errors:
            raise RuntimeError(f"{errors[0].ename}: {errors[0].evalue}")
        return text.strip()

    def interrupt(self) -> None:
        """What the notebook's stop button does."""
        self.km.interrupt_kernel()

    def comm_ids(self, model_name: str, **state: Any) -> list[str]:
        """Ids of the widget comms opened so far whose model is ``model_name`` with the given state values."""
        found = []
        for msg in self.messages:
            if msg["msg_type"] != "comm_open":
                continue
            data = msg["content"].get("data") or {}
            model = data.get("state") or {}
            if model.get("_model_name") == model_name and all(model.get(k) == v for k, v in state.items()):
                found.append(msg["content"]["comm_id"])
        return found

    def click(self, comm_id: str) -> str:
        """Send the comm message a frontend sends when a Button is clicked; returns its msg id."""
        content = {"comm_id": comm_id, "data": {"method": "custom", "content": {"event": "click"}}}
        msg = self.client.session.msg("comm_msg", content, metadata={})
        self.client.shell_channel.send(msg)
        return msg["header"]["msg_id"]


def output_of(msg: dict) -> SimpleNamespace | None:
    """The cell output an IOPub message adds (as nbformat spells it), or None for other messages."""
    kind, content = msg["msg_type"], msg["content"]
    if kind == "stream":
        return SimpleNamespace(output_type="stream", text=content["text"])
    if kind in ("display_data", "execute_result"):
        return SimpleNamespace(output_type=kind, data=content["data"])
    if kind == "error":
        return SimpleNamespace(output_type="error", ename=content["ename"], evalue=content["evalue"],
                               traceback=content["traceback"])
    return None


def new_cell_id() -> str:
    """A cell id in JupyterLab's format."""
    return str(uuid.uuid4())
