"""``python -m bench.streaming``: what streaming a node's output into the run view costs, through a real kernel.

A one-node graph prints ``--lines`` lines of ``--width`` characters, ``--burst`` lines at a time with ``--pause`` s
between bursts (default: 20,000 lines, 1.2 MB, over about 10 s, as in issue #17), while the kernel is otherwise
idle. A jupyter_client client stands in for the page: it reads every IOPub message and notes when it arrived.

Figures (see bench/README.md):
* ``text``: bytes of text the node printed (UTF-8), N.
* ``iopub``: wire bytes of every IOPub message the run caused (widget comm open/update/custom/close messages, the
  view's display data and display updates, stray stream/clear messages), each counted as the frames the kernel's
  session sends: header, parent header, metadata, content, buffers, HMAC signature and delimiter.
* ``messages``: how many such messages; ``per message over 2N``: (iopub - 2N) / messages.
* ``lag``: from the node's last write (kernel clock) to the client holding all of the text (the arrival of the
  last message that carries the last line), on one machine's clock. The client is not a browser: with the
  append-only text widget the page adds each batch as one text node, so this is also when the page can be current.
* ``kernel RSS``: the kernel's resident memory after the run minus before it.
"""

from __future__ import annotations

import argparse
import ast
import json
import os
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from typing import Any

from bench._kernel import ROOT, KernelSession

COUNTED = {"comm_open", "comm_msg", "comm_close", "display_data", "update_display_data", "stream", "clear_output"}

CELL = '''
import time
from typing import TypedDict
from hitl_notebook.graph import StateGraph, START
from hitl_notebook.notebook import run

class S(TypedDict, total=False):
    n: int

LINES, WIDTH, BURST, PAUSE = {lines}, {width}, {burst}, {pause}
LAST = [0.0]

def work(state):
    for i in range(LINES):
        print(f"{{i:08d}} " + "x" * (WIDTH - 10))
        LAST[0] = time.time()
        if i % BURST == BURST - 1 and i < LINES - 1:
            time.sleep(PAUSE)
    return {{"n": LINES}}

handle = run(StateGraph(S).add_node("work", work).add_edge(START, "work").compile(), {{}})
'''
RSS = '''
import json, os

def _rss():
    with open(f"/proc/{os.getpid()}/status") as f:
        return next(int(line.split()[1]) * 1024 for line in f if line.startswith("VmRSS:"))

def _report():
    handle.wait(timeout=600)
    [entry] = [e for e in handle.record.entries if e.node == "work"]
    return {"last": LAST[0], "text": len(entry.text.encode()), "rss": _rss()}
'''


@dataclass
class Figures:
    text: int
    iopub: int
    messages: int
    lag: float
    rss_delta: int
    duration: float
    by_kind: dict[str, int]  # wire bytes per message kind (comm_msg split into custom appends and state updates)

    @property
    def per_message_over_2n(self) -> float:
        return (self.iopub - 2 * self.text) / max(self.messages, 1)


class _TimedSession(KernelSession):
    """Notes when each IOPub message arrived (``arrived[i]`` for ``messages[i]``)."""

    def __init__(self, **env: str) -> None:
        super().__init__(**env)
        self.arrived: list[float] = []

    def next(self, timeout: float) -> dict | None:
        msg = super().next(timeout)
        if msg is not None:
            self.arrived.append(time.time())
        return msg


def measure(lines: int = 20_000, width: int = 60, burst: int = 100, pause: float = 0.05, *,
            root: Path = ROOT, timeout: float = 600) -> Figures:
    """Run the workload in a fresh kernel whose ``hitl_notebook`` comes from ``root``; returns its figures."""
    path = os.pathsep.join([str(root), os.environ.get("PYTHONPATH", "")])
    with _TimedSession(PYTHONPATH=path) as kernel:
        kernel.run(RSS)
        rss_before = int(kernel.value("_rss()"))
        began = time.time()
        first = len(kernel.messages)
        kernel.run(CELL.format(lines=lines, width=width, burst=burst, pause=pause), timeout=timeout)
        report = ast.literal_eval(kernel.value("_report()", timeout=timeout))
        kernel.drain(quiet=1.0)
        counted = [(at, m) for at, m in zip(kernel.arrived[first:], kernel.messages[first:])
                   if m["msg_type"] in COUNTED and not (m["msg_type"] == "stream" and "'last'" in m["content"]["text"])]
        last_line = f"{lines - 1:08d} "
        arrivals = [at for at, m in counted if last_line in json.dumps(m["content"])]
        by_kind: dict[str, int] = {}
        for _, m in counted:
            kind = m["msg_type"]
            if kind == "comm_msg":
                kind += ":" + str((m["content"].get("data") or {}).get("method"))
            by_kind[kind] = by_kind.get(kind, 0) + _wire_size(kernel.client, m)
        return Figures(text=report["text"], iopub=sum(by_kind.values()), messages=len(counted),
                       lag=min(arrivals) - report["last"] if arrivals else float("inf"),
                       rss_delta=report["rss"] - rss_before, duration=report["last"] - began, by_kind=by_kind)


def _wire_size(client: Any, msg: dict) -> int:
    """Bytes of the frames the kernel's session sends for ``msg`` (re-serialized with the same key and packer)."""
    frames = client.session.serialize(msg)
    return sum(len(f) for f in frames) + sum(len(b) for b in msg.get("buffers") or [])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.streaming", description=__doc__.splitlines()[0])
    parser.add_argument("--lines", type=int, default=20_000)
    parser.add_argument("--width", type=int, default=60)
    parser.add_argument("--burst", type=int, default=100)
    parser.add_argument("--pause", type=float, default=0.05)
    parser.add_argument("--root", type=Path, default=ROOT, help="checkout whose hitl_notebook the kernel imports")
    parser.add_argument("--json", type=Path, help="also write the figures as JSON")
    args = parser.parse_args(argv)
    fig = measure(args.lines, args.width, args.burst, args.pause, root=args.root)
    print(f"text            {fig.text:>12,} B  ({args.lines:,} lines over {fig.duration:.1f} s)")
    print(f"iopub           {fig.iopub:>12,} B  = {fig.iopub / fig.text:.2f} x text")
    print(f"messages        {fig.messages:>12,}    ({fig.per_message_over_2n:,.0f} B per message over 2N)")
    print(f"lag             {fig.lag:>12.3f} s  (kernel's last write -> client has all text)")
    print(f"kernel RSS      {fig.rss_delta / 2**20:>12.1f} MB more after the run")
    for kind, size in sorted(fig.by_kind.items(), key=lambda item: -item[1]):
        print(f"  {kind:<22} {size:>12,} B")
    if args.json:
        args.json.write_text(json.dumps({**asdict(fig), "per_message_over_2n": fig.per_message_over_2n}, indent=1))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
