"""What a run has shown so far: log entries and decisions, kept without any widget (the view and the static
fallback both render from it)."""

from __future__ import annotations

import getpass
from dataclasses import dataclass, field
from datetime import datetime
from enum import Enum
from typing import Any, Literal

from ..types import Interrupt

__all__ = ["Decision", "Entry", "EntryKind", "RunRecord", "RunStatus", "current_user"]

EntryKind = Literal["node", "interrupt", "breakpoint", "error", "info", "result"]
_UNSET: Any = object()


class RunStatus(str, Enum):
    """Where a run is: working, waiting for a human, or finished one way or another."""

    RUNNING = "running"
    WAITING = "waiting"
    DONE = "done"
    ERROR = "error"
    STOPPED = "stopped"

    @property
    def finished(self) -> bool:
        return self in (RunStatus.DONE, RunStatus.ERROR, RunStatus.STOPPED)


def current_user() -> str:
    """The login name shown on decisions, or ``"you"`` when it is unknown."""
    try:
        return getpass.getuser() or "you"
    except Exception:  # no login name in some containers
        return "you"


@dataclass(frozen=True)
class Decision:
    """One answer to one interrupt: what was sent, a short label, who gave it and when.

    ``applied`` is ``None`` until the run knows the outcome, ``True`` once the thread moved past the interrupt,
    and ``False`` when the answer could not be applied (the entry's ``error`` says why; ``error`` here once a
    later answer to the same interrupt took its place, see ``Entry.earlier``).
    """

    interrupt_id: str
    value: Any
    label: str
    by: str
    at: datetime = field(default_factory=datetime.now)
    applied: bool | None = None
    error: str | None = None

    def caption(self, *, waiting_for_others: bool = False) -> str:
        """E.g. ``"✔ approved by alice at 12:03:05"``, ``"✖ approved by alice at 12:03:05 (NOT applied)"``, or
        ``"✖ rejected book_table by alice at 12:03:05: not tonight"`` (a reviewer's message comes last)."""
        mark = "✖" if self.label.startswith("rejected") or self.applied is False else "✔"
        head, colon, message = self.label.partition(": ")
        if colon and not any(c in head for c in "'\"→"):  # "verb tool: message", not a quoted or JSON answer
            text = f"{mark} {head} by {self.by} at {self.at:%H:%M:%S}: {message}"
        else:
            text = f"{mark} {self.label} by {self.by} at {self.at:%H:%M:%S}"
        if self.applied is False:
            return text + " (NOT applied)"
        return text + (" (answered, waiting for the others)" if waiting_for_others else "")


@dataclass
class Entry:
    """One block of the run log: a node run (streamed text, ``display()`` outputs, update), an interrupt, an
    error, a note."""

    key: str
    kind: EntryKind
    node: str | None = None
    text: str = ""
    tokens: str = ""  # chat-model tokens streamed by the node (shown as the live assistant message)
    chat: list[Any] | None = None  # the update's messages this entry shows, with an "edited" flag (see _chat.claim)
    update: Any = _UNSET
    status: str = "running"
    cached: bool = False
    interrupt: Interrupt | None = None
    decision: Decision | None = None
    earlier: list[Decision] = field(default_factory=list)  # answers to this interrupt not applied, then asked again
    error: str | None = None
    waiting_for_others: bool = False
    started: datetime = field(default_factory=datetime.now)
    trace: Any = None  # an error's folded traceback (``_traceback.Trace``); ``text`` holds its plain form
    outputs: list[dict[str, Any]] = field(default_factory=list)  # display() outputs of a node (display_data)

    @property
    def has_update(self) -> bool:
        return self.update is not _UNSET


@dataclass
class RunRecord:
    """The ordered log of a run; entries are found by key (task id, interrupt id, or a synthetic key)."""

    entries: list[Entry] = field(default_factory=list)
    by_key: dict[str, Entry] = field(default_factory=dict)

    def add(self, entry: Entry) -> Entry:
        self.entries.append(entry)
        self.by_key[entry.key] = entry
        return entry

    def get(self, key: str) -> Entry | None:
        return self.by_key.get(key)

    @property
    def decisions(self) -> list[Decision]:
        """Every decision in order, with the earlier answers that were not applied before their interrupt was
        asked again (``Entry.earlier``)."""
        return [d for e in self.entries for d in (*e.earlier, e.decision) if d is not None]

    def text(self) -> str:
        """The log as plain text (what the static fallback's ``text/plain`` shows)."""
        from ._static import entry_text

        return "\n".join(entry_text(e) for e in self.entries)
