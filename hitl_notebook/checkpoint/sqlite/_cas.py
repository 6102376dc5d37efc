"""The compare-and-swap of the SQLite savers: a run that continues a checkpoint saves nothing once another run has
advanced it (part of ``_ops``)."""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Generator
from typing import Any

from ...errors import CheckpointConflictError
from ._sql import _ADVANCED, _NEWEST_CHILD, _NEWEST_ROOT, _ROOTS_ADVANCED, ALL, _Key


class CasOps:
    """``_refuse_if_advanced_ops`` and its error, for ``SqliteOps``."""

    _seen: OrderedDict[_Key, tuple[int, int]]
    _process: str
    writer: str

    def _refuse_if_advanced_ops(self, thread_id: str, ns: str, checkpoint_id: str | None
                                ) -> Generator[tuple[str, str, Any], Any, None]:
        """Compare-and-swap on the thread: raise if, since this saver loaded ``checkpoint_id``, someone built a
        ``loop``/``input`` checkpoint on it, or another saver saved pending writes against it.

        Whoever saves first after the load wins: the first write of a resumed step claims the checkpoint.
        """
        seen = self._seen.get((thread_id, ns, checkpoint_id))
        if seen is None:  # never loaded here (direct use of the API): nothing to compare against
            return
        if checkpoint_id is None:
            children, other = (yield ALL, _ROOTS_ADVANCED, (thread_id, ns))[0]
        else:
            children, other = (yield ALL, _ADVANCED, (thread_id, ns, checkpoint_id, seen[1], self.writer))[0]
        if children > seen[0]:
            if checkpoint_id is None:
                writer, step = (yield ALL, _NEWEST_ROOT, (thread_id, ns))[0]
            else:
                writer, step = (yield ALL, _NEWEST_CHILD, (thread_id, ns, checkpoint_id))[0]
            what = f"saved step {step} on top of it" if step is not None else "continued it"
            raise self._conflict(thread_id, ns, checkpoint_id, writer, what)
        if other is not None:
            raise self._conflict(thread_id, ns, checkpoint_id, other, "saved a result for the same step")

    def _conflict(self, thread_id: str, ns: str, checkpoint_id: str | None, writer: str | None,
                  what: str) -> CheckpointConflictError:
        where = f"checkpoint {checkpoint_id}" if checkpoint_id else "the start of the thread"
        space = f" (namespace {ns!r})" if ns else ""
        if writer and writer.startswith(self._process + " "):
            who = "another run in this process"
        else:
            who = f"another run ({writer.rsplit(' #', 1)[0] if writer else 'unknown writer'})"
        return CheckpointConflictError(
            f"Thread {thread_id!r}{space} was advanced by {who} while this run was continuing it: that run {what} "
            f"from {where} first. Only one run may resume a paused thread; this run's step was not saved and the "
            "thread is not corrupted. To proceed, reload the thread with graph.get_state(config) (it may be "
            "finished or paused at a new interrupt) and continue from there, or start over on a new thread_id."
        )
