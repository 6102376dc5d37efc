"""``print_mode`` / ``debug=True`` console output, and ``invoke`` when it has to read the stream (LangGraph 1.2)."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from ..constants import INTERRUPT

if TYPE_CHECKING:
    from .main import Pregel

DEBUG_PRINT_MODES = ("updates", "values")
"""What ``debug=True`` (on ``compile`` or a call) prints, as LangGraph."""


def print_modes(print_mode: str | Sequence[str], debug: bool | None, graph: "Pregel") -> frozenset[str]:
    """The modes to print: ``print_mode``, or LangGraph's debug set when ``debug`` (or the graph's) is on."""
    if debug or graph.debug:
        return frozenset(DEBUG_PRINT_MODES)
    return frozenset((print_mode,) if isinstance(print_mode, str) else print_mode)


def print_chunk(ns: tuple[str, ...], mode: str, chunk: Any, subgraphs: bool) -> None:
    """One line per chunk, bold mode tag and (a subgraph's, with ``subgraphs=True``) yellow namespace, as LangGraph."""
    tag = f"\033[1m[{mode}]\033[0m"
    if subgraphs and ns:
        print(" ".join((tag, f"\033[1;30;33m[graph={ns}]\033[0m", repr(chunk))))
    else:
        print(" ".join((tag, repr(chunk))))


def invoke_from_stream(graph: "Pregel", input: Any, config: Any, **options: Any) -> Any:
    """``invoke`` with ``subgraphs``/``print_mode``/``debug``: LangGraph's own assembly from ``updates`` and
    ``values`` chunks. The last ``values`` chunk is the result; every ``__interrupt__`` update is added to it, so
    with ``subgraphs=True`` an interrupt raised in a subgraph is listed once per graph it passes (as LangGraph)."""
    latest: Any = None
    interrupts: list[Any] = []
    for chunk in graph.stream(input, config, stream_mode=["updates", "values"], **options):
        mode, payload = chunk[-2:]
        if mode == "updates" and isinstance(payload, dict) and payload.get(INTERRUPT) is not None:
            interrupts.extend(payload[INTERRUPT])
        elif mode == "values":
            latest = payload
    if interrupts:
        return {**latest, INTERRUPT: interrupts} if isinstance(latest, dict) else {INTERRUPT: interrupts}
    return latest
