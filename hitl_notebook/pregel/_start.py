"""How a run begins: load the thread, then apply new input, a ``Command``, or continue where it paused."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..constants import NULL_TASK_ID, START
from ..errors import EmptyInputError, UnknownInterruptError
from ..types import Command
from ._algo import Task, apply_writes, prepare_tasks, send_targets
from ._channels import Ephemeral, Topic
from ._context import Readdressed, is_resume_map
from ._refork import fork_for_resume, translate

if TYPE_CHECKING:
    from ._loop import Run

# LangGraph 1.2's message, then the fix.
NO_SAVER = ("Cannot use Command(resume=...) without checkpointer. Compile the graph with one, e.g. "
            "builder.compile(checkpointer=InMemorySaver()), and run and resume it with the same "
            "config={'configurable': {'thread_id': ...}}: without a checkpointer a paused run is not kept")


def check_resume_map(answers: dict[str, Any], pending: list[tuple[str, Any]]) -> None:
    """Refuse a resume map naming an interrupt that is not pending (LangGraph 1.2 ignores it and stays paused).

    Raises:
        UnknownInterruptError: with LangGraph's strict-mode message, the unknown and the pending ids.
    """
    pending_ids = sorted({i.id for _, i in pending})
    unknown = sorted(set(answers) - set(pending_ids))
    if unknown:
        where = f"pending interrupts: {', '.join(pending_ids)}" if pending_ids else "no interrupt is pending"
        raise UnknownInterruptError(
            f"Unknown or already-consumed interrupt: {unknown[0]}. The thread's {where}; answer those ids "
            "(graph.get_state(config).interrupts). Nothing was applied.",
            reason="not_pending", interrupt_ids=unknown, pending_ids=pending_ids,
        )


class StartMixin:
    """The part of ``Run`` that turns ``invoke``'s input into the first step's state."""

    _renamed: dict[str, str] = {}  # interrupt ids of a checkpoint resumed on a fork -> the fork's (see _refork)

    def _setup(self: "Run") -> int:
        """Load the thread and apply the input; returns the step of the checkpoint the run started from."""
        store, input = self.store, self.input
        saved = store.load()
        loaded_step = -2
        if saved is not None:
            store.restore(self.channels, saved)
            loaded_step = store.step
        self._start(saved, input)
        return loaded_step

    def _start(self: "Run", saved: Any, input: Any) -> None:
        store = self.store
        if input is None or isinstance(input, Command):
            if saved is None:
                if isinstance(input, Command) and (input.update is not None or input.goto):
                    # LangGraph quirk kept for parity: on a fresh thread the update is also the input.
                    self._start_fresh(dict(input._update_as_tuples()))
                    self._after_first_step = self._command_writes(input)
                    return
                if isinstance(input, Command) and input.resume is not None:
                    if not store.enabled:
                        raise RuntimeError(NO_SAVER)
                    self._start_fresh({})
                    return
                raise EmptyInputError(f"Received no input for {START}")
            if isinstance(input, Command) and input.resume is None and input.update is None and not input.goto \
                    and not self.namespace:
                # LangGraph 1.2 means to raise this (it fails with an UnboundLocalError instead); resuming with
                # None would otherwise look like an answer while the interrupt simply asks again.
                raise EmptyInputError(
                    "Received empty Command input. Command(resume=None) answers nothing: resume with a value "
                    "other than None, or call invoke(None, config) to run the paused step again"
                )
            self.resuming = True  # subgraphs run by this step's tasks continue from their own checkpoints
            # ``replay``: the run continues from a fork (it turns True below for a resume forked from an old pause
            # too); ``carried``: the fork already holds the call's Command, which is then not applied again.
            replay = carried = store.is_replay(input, saved, nested=bool(self.namespace))
            if replay:
                if isinstance(input, Command):  # as LangGraph, the fork carries the Command's writes
                    self._apply_null(self._command_writes(input))
                    store.settle()
                store.see_interrupt(self.channels)
                store.fork(self.channels, self._plan)
            elif isinstance(input, Command) and input.resume is not None and store.superseded():
                if not self.namespace:  # a nested run's own checkpoint: its parent decides (see _nesting)
                    self._renamed = fork_for_resume(self, saved, input.resume)
                    replay = True
                else:
                    self._apply_null(store.adopt_pending(saved))
            else:
                self._apply_null(store.adopt_pending(saved))
            if isinstance(input, Command) and not carried:
                if input.resume is not None and not store.enabled:
                    raise RuntimeError(NO_SAVER)
                self._apply_command(input)
            store.settle()
            store.see_interrupt(self.channels)
            self._skip_before = True
            self._emit_values()
            if replay:  # LangGraph streams the fork, or the checkpoint it continues from, after the values
                store.emit_held()
            else:
                store.announce(self.channels, saved, self._plan, self.graph.output_channel or self.output_keys)
        else:
            if saved is not None:  # a Command(update=...) sent after the thread finished counts (LangGraph 1.2)
                null_writes = store.adopt_pending(saved)
                if null_writes:
                    self._apply_null(null_writes)
                    store.settle()
            self._start_fresh(input)

    def _start_fresh(self: "Run", input: Any) -> None:
        """Write an ``input`` checkpoint: pending tasks are dropped and ``__start__`` holds the input."""
        store = self.store
        # As LangGraph: the dropped tasks count as seen, and the input is written by a task named ``__input__``.
        dropped = prepare_tasks(self.graph.nodes, self.channels, store.checkpoint_id, store.step + 1, store.ns) \
            if store.versions else []
        updated = {k for k, c in self.channels.items() if isinstance(c, (Ephemeral, Topic)) and c.consume()}
        if input is not None:
            self.channels[START].update([input])
            updated.add(START)
        writes = [(START, input)]
        store.save(self.channels, "input", next_tasks=self._plan, updated=updated,
                   ran=[Task(NULL_TASK_ID, "__input__", (), self.graph.nodes[START] if START in self.graph.nodes
                             else next(iter(self.graph.nodes.values())), (), writes=writes), *dropped])
        self._updated = None

    def _apply_command(self: "Run", command: Command) -> None:
        if command.resume is not None:
            if is_resume_map(command.resume):
                answers = translate(command.resume, self._renamed) if self._renamed else command.resume
                if not self.namespace:  # a nested run gets its parent's whole map, meant for others too
                    check_resume_map(answers, self.store.pending_interrupts())
                self._resume_map.update(answers)
            else:
                found = self.store.pending_interrupts()
                pending = {i.id for _, i in found}
                if len(pending) > 1:
                    raise RuntimeError(
                        "When there are multiple pending interrupts, you must specify the interrupt id when resuming. "
                        "Docs: https://docs.langchain.com/oss/python/langgraph/interrupts#handling-multiple-interrupts."
                    )
                if pending:
                    # Addressed by id, so the nested @task (or node) that raised it consumes it, nothing else.
                    iid = pending.pop()
                    self._resume_map[iid] = command.resume
                    if self._in_subgraph_node(found[0][0]):
                        # An edit of the subgraph's state (update_state) may have replaced the task that asked: then
                        # the first new question in it takes the answer instead, as LangGraph 1.2's resume does.
                        self._resume_single = Readdressed(iid, command.resume)
                else:
                    self._resume_single = command.resume
        writes = self._command_writes(command)
        if writes:
            self._apply_null(writes)
            self.store.add_null_writes(writes)

    def _in_subgraph_node(self: "Run", task_id: str) -> bool:
        """The paused task ``task_id`` runs a subgraph node of this graph."""
        store = self.store
        return any(t.id == task_id and t.node.subgraph is not None
                   for t in prepare_tasks(self.graph.nodes, self.channels, store.checkpoint_id, store.step + 1, store.ns))

    def _command_writes(self: "Run", command: Command) -> list[tuple[str, Any]]:
        writes = [(k, v) for k, v in command._update_as_tuples() if k in self.graph.state_key_set]
        return writes + send_targets(command._goto_as_list(), self.graph.nodes, "input")

    def _apply_null(self: "Run", writes: list[tuple[str, Any]]) -> None:
        """Apply writes that belong to no task (a ``Command``'s ``update``/``goto``) before the step runs."""
        if writes:
            null = Task(NULL_TASK_ID, "__input__", ("~",), next(iter(self.graph.nodes.values())), (),
                        writes=writes, done=True)
            self.store.mark_updated(apply_writes(self.channels, [null]), writes)
            self._updated = None
