"""Resuming a paused checkpoint the thread has already moved past: a fork that takes the new answer.

LangGraph 1.2 resumes such a checkpoint in place: the tasks its first resume finished keep their saved writes, so
a second ``Command(resume=...)`` with another answer silently gets the first answer's result again. Here the run
forks instead, as time travel does: a ``fork`` copy of the checkpoint carries the pause as it was (the interrupts
still open, the answers given before them, the results of tasks that asked nothing), and the new answer is applied
on that branch. The fork's tasks have new ids, so the interrupt ids the caller knows are translated.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..checkpoint.base import CheckpointTuple
from ..constants import INTERRUPT, NO_WRITES, NULL_TASK_ID, RESUME
from ..types import Interrupt
from ._algo import classify_writes, prepare_tasks
from ._context import interrupt_id, is_resume_map

if TYPE_CHECKING:
    from ._loop import Run


def _question_index(namespace: str, interrupt: Interrupt, answered: int) -> int | None:
    """Which ``interrupt()`` call of the task raised ``interrupt`` (None: raised deeper, in a subgraph)."""
    for index in range(answered + 1):
        if interrupt_id(namespace, index) == interrupt.id:
            return index
    return None


def fork_for_resume(run: "Run", saved: CheckpointTuple, resume: Any) -> dict[str, str]:
    """Save the fork and the paused state's writes on it; return ``{old interrupt id: new id}``.

    A task that was answered and finished on the old branch runs again on the fork with the answers it had before
    its open question; one whose open question came from a nested graph runs again from its start (its nested
    state belonged to the old task), so that question is asked again.

    Raises:
        ValueError: ``resume`` answers a question raised inside a nested graph or ``@task``: the fork cannot tell
            which of the nested questions it is, so nothing is saved and the message says how to ask again.
    """
    store, graph = run.store, run.graph
    old = classify_writes(saved.pending_writes or [])
    old.pop(NULL_TASK_ID, None)
    step, ns = store.step + 1, store.ns
    before = {t.path: t for t in prepare_tasks(graph.nodes, run.channels, store.checkpoint_id, step, ns)}
    _refuse_nested(before.values(), old, resume, saved)
    store.see_interrupt(run.channels)
    store.fork(run.channels)
    renamed: dict[str, str] = {}
    for task in prepare_tasks(graph.nodes, run.channels, store.checkpoint_id, store.step + 1, ns):
        was = before.get(task.path)
        entry = old.get(was.id) if was is not None else None
        if entry is None:
            continue
        writes: list[tuple[str, Any]] = []
        if entry["interrupts"]:
            opened = []
            for item in entry["interrupts"]:
                index = _question_index(was.namespace, item, len(entry["answers"]))
                if index is None:
                    continue
                new_id = interrupt_id(task.namespace, index)
                renamed[item.id] = new_id
                opened.append((index, Interrupt(value=item.value, id=new_id, response_schema=item.response_schema)))
            if opened:
                first = min(index for index, _ in opened)
                writes.append((INTERRUPT, [item for _, item in opened]))
                if first:
                    writes.append((RESUME, entry["answers"][:first]))
        elif entry["ok"]:
            writes = entry["writes"] or [(NO_WRITES, None)]
        if writes:
            store.put_writes(task, writes)
            store.pending_by_task[task.id] = classify_writes((task.id, k, v) for k, v in writes)[task.id]
    return renamed


def _refuse_nested(tasks: Any, old: dict[str, dict[str, Any]], resume: Any, saved: CheckpointTuple) -> None:
    direct, nested = set(), {}
    for task in tasks:
        entry = old.get(task.id)
        for item in (entry["interrupts"] if entry else ()):
            if _question_index(task.namespace, item, len(entry["answers"])) is None:
                nested[item.id] = task.name
            else:
                direct.add(item.id)
    hit = [i for i in resume if i in nested] if is_resume_map(resume) else [] if direct else list(nested)
    if hit:
        raise ValueError(
            f"Interrupt {hit[0]} was raised inside {nested[hit[0]]!r} (a subgraph or @task) at checkpoint "
            f"{saved.checkpoint['id']}, which the thread has moved past: an answer to it cannot be applied there. "
            "Replay that checkpoint with graph.invoke(None, config) to ask the question again on a new branch, then "
            "answer the new interrupt. Nothing was saved."
        )


def translate(answers: dict[str, Any], renamed: dict[str, str]) -> dict[str, Any]:
    """A resume map keyed by the old checkpoint's interrupt ids, keyed by the fork's."""
    return {renamed.get(key, key): value for key, value in answers.items()}


__all__ = ["fork_for_resume", "translate"]
