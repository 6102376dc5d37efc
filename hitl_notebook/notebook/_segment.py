"""One ``graph.stream(...)`` call of a run, turned into journal entries (``graph.astream(...)`` for a graph with
async nodes, on an event loop of the run's worker thread, or on the running loop its checkpointer is bound to:
see :func:`._engine.needs_async` and :func:`._engine.saver_loop`).

A *segment* runs from a start (or a resume) to the end of the run, an interrupt, a breakpoint, an error or a stop.
``tasks`` events give each node run its entry and its status (running, done, error, interrupted); ``updates``
give the node's output; ``custom`` chunks, chat-model tokens (``messages``) and ``print`` output are streamed into
the entry of the node that produced them. The stream is read with ``subgraphs=True``, so output of a subgraph's
nodes lands in the entry of the root task that runs the subgraph. Only the public stream API is used, the same for
this package's graphs and LangGraph's (see :mod:`._engine`).
"""

from __future__ import annotations

import asyncio
import contextvars
import sys
import threading
from collections.abc import Callable, Coroutine
from typing import Any

from ..constants import INTERRUPT
from ..drawing.status import NodeStatus
from . import _capture, _chat
from ._engine import Engine, needs_async, saver_loop, task_path
from ._journal import Journal
from ._record import Entry
from ._terminal import chunk_text
from ._traceback import headline
from ._workers import Workers

__all__ = ["MODES", "UNSET", "Segment"]

MODES = ("updates", "custom", "values", "tasks", "messages")
UNSET: Any = object()
_LOOPS = Workers("hitl-notebook-loop")  # helper threads for an event loop when one already runs here
_START_EVENT_WAIT = 0.05  # s a nested task's first print waits for its start event to be read from the stream


class Segment:
    """Consume one stream call; afterwards ``values``, ``interrupts`` and ``breakpoint`` describe how it ended."""

    def __init__(self, journal: Journal, node_of: dict[str, str], engine: Engine) -> None:
        self.journal = journal
        self.node_of = node_of  # interrupt id -> node name, shared with the run
        self.engine = engine
        self.values: Any = UNSET
        self.interrupts: list[Any] = []
        self.stopped = False  # the stream was closed on a stop request, between two supersteps
        self.breakpoint = False
        self.started: set[str] = set()  # ids of the root tasks this stream ran (or re-ran with an answer)
        self._open: dict[str, Entry] = {}  # task id -> entry of the node run in progress
        self._stash: dict[str, list[Any]] = {}  # node -> updates waiting for their task's result event
        self._misc: Entry | None = None
        self._lock = threading.Lock()
        self._opened = threading.Condition(self._lock)  # notified when a task's entry opens
        self._untracked: set[str] = set()  # nested tasks that got no entry of their own (a subgraph's nodes)
        self._at_boundary = True  # no task has started since the last ``values`` chunk (the end of a superstep)
        self._replying: dict[str, Any] = {}  # entry key -> id of the chat message whose tokens stream into it

    def run(self, graph: Any, input: Any, config: dict[str, Any], cancel: threading.Event) -> BaseException | None:
        """Drive the stream to its end; returns the exception that ended it, if any (never raises).

        When ``cancel`` is set, the stream is closed at the next superstep's first ``tasks`` start event: both
        engines announce a step before running it, so nothing of that step runs and the finished steps are saved.
        """
        try:
            with _capture.routed(self.sink()):
                options = dict(stream_mode=_modes(), subgraphs=True, **self.engine.stream_options)
                if needs_async(graph):  # on a loop of its own (or its saver's): the cell stays free
                    _run_async(lambda: self._consume_async(graph.astream(input, config, **options), cancel),
                               saver_loop(graph))
                else:
                    self._consume(graph.stream(input, config, **options), cancel)
        except BaseException as exc:  # noqa: BLE001 - handed to the run, which shows and/or re-raises it
            self.journal.text.flush()
            self._close(ended=False)
            return exc
        self.journal.text.flush()
        self._close(ended=not self.stopped)
        return None

    def _consume(self, stream: Any, cancel: threading.Event) -> None:
        try:
            for ns, mode, chunk in stream:
                if not self._take(ns, mode, chunk, cancel):
                    break
        finally:
            close = getattr(stream, "close", None)
            if close is not None:
                close()

    async def _consume_async(self, stream: Any, cancel: threading.Event) -> None:
        try:
            async for ns, mode, chunk in stream:
                if not self._take(ns, mode, chunk, cancel):
                    break
        finally:
            await stream.aclose()

    def _take(self, ns: tuple[str, ...], mode: str, chunk: Any, cancel: threading.Event) -> bool:
        """Handle one chunk; False to close the stream (a stop, at a superstep's first start event)."""
        if (cancel.is_set() and not ns and mode == "tasks" and self._at_boundary
                and "result" not in chunk and "error" not in chunk):
            self.stopped = True
            return False
        self.on_chunk(ns, mode, chunk)
        return True

    # -- chunks ------------------------------------------------------------------------------------------------

    def on_chunk(self, ns: tuple[str, ...], mode: str, chunk: Any) -> None:
        if ns:  # inside a subgraph: its streamed output belongs to the root task running it
            if mode == "custom":
                self._write(task_path(ns), chunk)
            elif mode == "messages":
                self._token(chunk)
            return
        if mode == "values":
            if self.values is UNSET and not self.started:  # the state the input made: show its new messages
                _chat.input_entry(self.journal, chunk)
            else:
                _chat.remember(self.journal, chunk)
            self.values = chunk
            self._at_boundary = True
        elif mode == "tasks":
            if "result" in chunk or "error" in chunk:
                self._task_end(chunk)
            else:
                self._at_boundary = False
                self.started.add(chunk["id"])
                earlier = self.journal.record.get(_key(chunk["id"]))
                if earlier is not None and earlier.status == "done":
                    # A @task seen in an earlier segment is announced again on resume: LangGraph replays a
                    # finished one (no result event follows), and a task that asked re-runs with its answer.
                    # Either way it keeps its one entry, which takes the re-run's output and result.
                    with self._lock:
                        self._open.setdefault(chunk["id"], earlier)
                        self._opened.notify_all()
                    return
                self._entry_for(chunk["id"], chunk["name"])
                self.journal.node_status(chunk["name"], NodeStatus.RUNNING)
        elif mode == "updates":
            self._updates(chunk)
        elif mode == "custom":
            if "custom_source" in self.engine.stream_options:  # this engine names the writing task
                task_id, chunk = chunk
                self._write([(task_id, "")], chunk)
            else:
                self._write([], chunk)
        elif mode == "messages":
            self._token(chunk)

    def _write(self, path: list[tuple[str, str]], chunk: Any, *, tokens: bool = False) -> None:
        """Streamed output of the task at ``path`` (see :func:`task_path`): the entry of its deepest task that has
        one, else the only running task's (LangGraph does not say which root task wrote a ``custom`` chunk)."""
        entry = self._owner(path)
        if entry is None:
            with self._lock:
                running = list(self._open.values())
            entry = running[0] if len(running) == 1 else self._misc_entry()
        self.journal.write(entry, chunk_text(chunk), tokens=tokens)

    def _owner(self, path: list[tuple[str, str]]) -> Entry | None:
        with self._lock:
            for task_id, _ in reversed(path):  # a @task's own entry before its entrypoint's
                entry = self._open.get(task_id)
                if entry is not None:
                    return entry
        return None

    def _token(self, chunk: Any) -> None:
        """A ``messages`` chunk: stream a chat model's token text into the node's live assistant message (see
        :mod:`._chat`); whole messages also arrive as node updates."""
        message, metadata = chunk
        if not type(message).__name__.endswith("Chunk"):
            return
        text = _chat.chunk_text(message)
        if text:
            path = task_path((metadata or {}).get("langgraph_checkpoint_ns"))
            # a new model reply in the same entry (e.g. an agent subgraph's next turn) starts a new paragraph
            owner = self._owner(path)
            key, ident = (owner.key if owner is not None else ""), getattr(message, "id", None)
            if ident is not None and self._replying.get(key, ident) != ident:
                text = "\n\n" + text
            self._replying[key] = ident
            self._write(path, text, tokens=True)

    def sink(self) -> _capture.RunSink:
        """Where the nodes' prints, logging, warnings, ``display()`` and ``clear_output()`` go (see :mod:`._capture`)."""
        return _capture.RunSink(write=self.on_print, display=self.on_display, clear=self.on_clear)

    def on_print(self, text: str, stream: str) -> None:
        """The print sink: runs on the node's own thread (or one it started, which copied its context), so the
        engine's ``get_config()`` names the task."""
        self.journal.write(self._context_entry(), text)

    def on_display(self, data: Any, metadata: Any, transient: Any, update: bool) -> None:
        """``display()`` from a node: rendered in its entry (``update`` replaces the output with the same display id)."""
        self.journal.display(self._context_entry(), data, metadata, transient.get("display_id"), update)

    def on_clear(self, wait: bool) -> None:
        """``clear_output()`` from a node clears its own entry, as in a cell (``wait``: at the next output)."""
        self.journal.clear(self._context_entry(), wait)

    def _context_entry(self) -> Entry:
        """The entry of the task whose context this thread runs in."""
        path = self.engine.task_of_context()
        if len(path) > 1:
            self._await_entry(path[-1][0])
        entry = self._owner(path) if path else self._misc_entry()
        if entry is None:  # a thread the node started outlived it, or this came before the task's start event
            finished = (self.journal.record.get(_key(task_id)) for task_id, _ in reversed(path))
            entry = next((e for e in finished if e is not None), None) or self._entry_for(*path[0])
        return entry

    def _await_entry(self, task_id: str) -> None:
        """A nested task printed: a ``@task`` gets its own entry once its start event (in flight on the stream)
        arrives; a subgraph's node never does, so after one short wait its output goes to the enclosing task."""
        with self._opened:
            if task_id in self._open or task_id in self._untracked:
                return
            if not self._opened.wait_for(lambda: task_id in self._open, timeout=_START_EVENT_WAIT):
                self._untracked.add(task_id)

    def _updates(self, chunk: dict[str, Any]) -> None:
        if INTERRUPT in chunk:
            found = list(chunk[INTERRUPT] or ())
            self.interrupts.extend(found)
            self.breakpoint = self.breakpoint or not found
            return
        cached = bool((chunk.get("__metadata__") or {}).get("cached"))
        for node, update in chunk.items():
            if node.startswith("__"):
                continue
            if cached:  # its task was announced (an open entry) but sends no result event: this ends it
                entry = self._pop_open(node)
                if entry is None:
                    self.journal.add("node", node=node, update=update, status="done", cached=True)
                else:
                    self.journal.change(entry, update=update, status="done", cached=True)
                self.journal.node_status(node, NodeStatus.DONE)
            else:
                self._stash.setdefault(node, []).append(update)

    def _pop_open(self, node: str) -> Entry | None:
        """Close and return the first open entry of a run of ``node``, if any."""
        with self._lock:
            for task_id, entry in self._open.items():
                if entry.node == node:
                    return self._open.pop(task_id)
        return None

    def _task_end(self, chunk: dict[str, Any]) -> None:
        self.journal.text.flush()  # the node's streamed text is complete before it is marked finished
        name = chunk["name"]
        entry = self._entry_for(chunk["id"], name)
        with self._lock:
            self._open.pop(chunk["id"], None)
        fields: dict[str, Any] = {}
        if chunk.get("error"):
            error = chunk["error"]  # the exception itself, as LangGraph streams it
            fields.update(status="error", error=error if isinstance(error, str) else headline(error))
            self.journal.node_status(name, NodeStatus.ERROR)
        elif chunk.get("interrupts"):
            fields.update(status="interrupted")
            for item in chunk["interrupts"]:
                self.node_of[item["id"]] = name
            self.journal.node_status(name, NodeStatus.INTERRUPTED)
        else:
            fields.update(status="done", cached=False)  # it ran: not a result reused from the checkpoint
            self.journal.node_status(name, NodeStatus.DONE)
        stashed = self._stash.get(name)
        if stashed and fields["status"] == "done":
            fields["update"] = stashed.pop(0)
        self.journal.change(entry, **fields)

    # -- entries -----------------------------------------------------------------------------------------------

    def _entry_for(self, task_id: str, name: str) -> Entry:
        """The entry of this node run, created on first sight (a print may come before the task's start event)."""
        with self._lock:
            entry = self._open.get(task_id)
            if entry is not None:
                return entry
            entry = self._open[task_id] = self.journal.insert("node", key=_key(task_id), node=name)
            self._opened.notify_all()
        self.journal.emit("on_entry", entry)
        return entry

    def _misc_entry(self) -> Entry:
        """Output that belongs to no single node (custom chunks while several nodes run, prints outside nodes)."""
        with self._lock:
            if self._misc is not None:
                return self._misc
            entry = self._misc = self.journal.insert("node", node=None, status="done")
        self.journal.emit("on_entry", entry)
        return entry

    def _close(self, *, ended: bool) -> None:
        """Entries still open when the stream ended, and updates without a task.

        After a stop or an error they are marked stopped. A stream that ``ended`` normally leaves a task open when
        it was replayed from the checkpoint (LangGraph announces a finished ``@task`` again on resume, with no
        result event, as its cached result is reused), or when a ``@task`` called ``interrupt()``: no result event
        follows either. Such a task re-runs on resume, and its result event then completes the same entry.
        """
        with self._lock:
            left, self._open = list(self._open.values()), {}
        for entry in left:
            if entry.status == "running":
                self.journal.change(entry, **({"status": "done", "cached": True} if ended else {"status": "stopped"}))
        for node, updates in self._stash.items():
            for update in updates:
                self.journal.add("node", node=node, update=update, status="done")
        self._stash.clear()


def _run_async(make: Callable[[], Coroutine[Any, Any, Any]], loop: asyncio.AbstractEventLoop | None) -> None:
    """Run the coroutine ``make()`` and wait for it: on ``loop`` (another thread's running loop) if given, else on a
    new event loop, in this thread or, when a loop already runs here (a console ``run()`` called from async code;
    ``asyncio.run`` refuses to nest), in a helper thread."""
    if loop is not None:
        try:
            running = asyncio.get_running_loop()
        except RuntimeError:
            running = None
        if running is not loop:
            asyncio.run_coroutine_threadsafe(make(), loop).result()  # a new task there, with this context's copy
            return
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        asyncio.run(make())
        return
    failed: list[BaseException] = []
    done = threading.Event()
    context = contextvars.copy_context()  # the print routing of this run goes along

    def target() -> None:
        try:
            context.run(asyncio.run, make())
        except BaseException as exc:  # noqa: BLE001 - re-raised in the calling thread
            failed.append(exc)
        finally:
            done.set()

    _LOOPS.submit(target)  # a reused thread: see _workers
    done.wait()
    if failed:
        raise failed[0]


def _modes() -> list[str]:
    """The stream modes to ask for. Chat-model tokens (``messages``) only once langchain-core is loaded: a graph
    whose nodes call a chat model has imported it, and asking for them otherwise would load it for nothing."""
    return list(MODES) if "langchain_core" in sys.modules else [m for m in MODES if m != "messages"]


def _key(task_id: str) -> str:
    return f"task:{task_id}"
