"""Export a run's audit trail to a new notebook: input, each step, each interrupt and its decision (who, when).

The notebook holds markdown cells only (nothing pretends to have run) and a machine-readable copy of the log in
``metadata["hitl_notebook"]["audit"]``. Values are made JSON-safe (``repr`` for the rest); odd values never crash it.
"""

from __future__ import annotations

import dataclasses
import json
import math
import os
import re
from collections.abc import Mapping
from datetime import date, datetime, time
from typing import TYPE_CHECKING, Any

from ._record import Decision, Entry
from ._static import _ICONS
from ._terminal import plain_text
from ._text import int_text, safe_repr

if TYPE_CHECKING:
    from nbformat import NotebookNode

    from ._controller import RunHandle

__all__ = ["export_audit", "jsonable"]

_NO_INPUT = ("No input: the handle continued an existing thread (`show()` or `run(graph, None, ...)`), or the graph "
             "was started with `None`.")


def export_audit(handle: RunHandle, path: str | os.PathLike[str] | None = None, *, overwrite: bool = False,
                 by: str | None = None) -> NotebookNode:
    """The run's audit trail as a notebook; also written to ``path`` when given (never over a file unless asked)."""
    import nbformat
    from nbformat.v4 import new_markdown_cell, new_notebook

    handle.journal.text.flush()  # streamed text still buffered belongs in the export
    with handle.journal.lock:  # one consistent snapshot: the worker thread cannot change the log meanwhile
        status = handle.status.value
        pending = [{"id": _text(i.id), "value": jsonable(i.value)} for i in handle.pending]
        audit = [_entry(n, e) for n, e in enumerate(handle.record.entries, 1)]
        run_input = jsonable(handle.input)
    meta: dict[str, Any] = {
        "format": 1, "graph": _text(getattr(handle.graph, "name", None) or type(handle.graph).__name__),
        "thread_id": jsonable(handle.thread_id), "status": status, "exported_at": _iso(datetime.now()),
        "exported_by": _text(by or handle.user),
        "run_by": _text(handle.user), "input": run_input, "pending": pending,
        "state": _state(handle) if status != "done" else None, "audit": audit,
    }
    no_input = ["", _NO_INPUT] if run_input is None else []
    cells = [_title(meta), _md(["## Input", "", _fence(_json(run_input), "json"), *no_input], kind="input")]
    for item in audit:
        cells.append(_md(_entry_lines(item), key=item["key"], kind=item["kind"]))
        if item["kind"] in ("interrupt", "breakpoint"):
            cells.append(_md(_decision_lines(item), key=item["key"], kind="decision"))
    if meta["state"] is not None:
        cells.append(_md([f"## State at export ({status})", "", _fence(_json(meta["state"]), "json")]))
    nb = new_notebook(cells=[new_markdown_cell(src, metadata=m) for src, m in cells],
                      metadata={"hitl_notebook": meta})
    nbformat.validate(nb)
    if path is not None:
        text = nbformat.writes(nb)
        try:
            with open(path, "w" if overwrite else "x", encoding="utf-8") as fp:
                fp.write(text)
        except FileExistsError:
            raise FileExistsError(f"{os.fspath(path)!r} already exists; the audit export does not overwrite files. "
                                  "Pass overwrite=True (handle.export_notebook(path, overwrite=True)) or choose "
                                  "another path.") from None
    return nb


# -- the snapshot ----------------------------------------------------------------------------------------------

def _entry(index: int, e: Entry) -> dict[str, Any]:
    interrupt, decision = e.interrupt, e.decision
    return {
        "index": index, "kind": e.kind, "key": _text(e.key), "node": jsonable(e.node), "status": _text(e.status),
        "started": _iso(e.started), "cached": bool(e.cached), "text": _text(e.text), "has_update": e.has_update,
        "update": jsonable(e.update) if e.has_update else None, "error": jsonable(e.error),
        "interrupt": None if interrupt is None else {
            "id": jsonable(interrupt.id), "value": jsonable(interrupt.value),
            "response_schema": jsonable(interrupt.response_schema)},
        "decision": None if decision is None else _decision(decision),
        "earlier_decisions": [{**_decision(d), "error": jsonable(d.error)} for d in e.earlier],
        "waiting_for_others": bool(e.waiting_for_others),
    }


def _decision(d: Decision) -> dict[str, Any]:
    return {"value": jsonable(d.value), "label": _text(d.label), "by": _text(d.by), "at": _iso(d.at),
            "applied": d.applied}


def _state(handle: Any) -> Any:
    try:
        return jsonable(handle.state.values) if handle.resumable else None
    except Exception as exc:  # the checkpointer failed: say so rather than fail the export
        return f"(state unavailable: {_repr(exc)})"


def jsonable(value: Any, _depth: int = 0, _path: frozenset[int] = frozenset()) -> Any:
    """``value`` as plain JSON data: containers converted, models dumped, anything else its ``repr``."""
    try:
        if value is None or isinstance(value, bool):
            return value if value is None else bool(value)
        if isinstance(value, int):  # digits as a string past the int/str limit: JSON writers could not write it
            return int(value) if _fits(value) else int_text(value)
        if isinstance(value, float):
            return float(value) if math.isfinite(value) else repr(float(value))
        if isinstance(value, str):
            return _text(str.__str__(value))
        if isinstance(value, (datetime, date, time)):
            return value.isoformat()
        if _depth > 100 or id(value) in _path:
            return _repr(value)
        inner = _path | {id(value)}
        if isinstance(value, Mapping):
            return {(_text(k) if isinstance(k, str) else _repr(k)): jsonable(v, _depth + 1, inner)
                    for k, v in value.items()}
        if isinstance(value, (list, tuple)):
            return [jsonable(v, _depth + 1, inner) for v in value]
        if isinstance(value, (set, frozenset)):
            return [jsonable(v, _depth + 1, inner) for v in sorted(value, key=_repr)]
        if callable(getattr(value, "model_dump", None)) and not isinstance(value, type):
            return jsonable(value.model_dump(), _depth + 1, inner)
        if dataclasses.is_dataclass(value) and not isinstance(value, type):
            return {f.name: jsonable(getattr(value, f.name), _depth + 1, inner) for f in dataclasses.fields(value)}
        if callable(getattr(value, "tolist", None)) and not isinstance(value, type):  # numpy arrays and scalars
            return jsonable(value.tolist(), _depth + 1, inner)
    except Exception:
        pass
    return _repr(value)


def _fits(number: int) -> bool:
    try:
        int.__repr__(number)
        return True
    except ValueError:  # longer than sys.get_int_max_str_digits()
        return False


def _repr(value: Any) -> str:
    return _text(safe_repr(value))


def _text(value: Any) -> str:
    """A string that survives UTF-8 (lone surrogates escaped)."""
    text = value if isinstance(value, str) else "" if value is None else _repr(value)
    try:
        text.encode("utf-8")
        return text
    except UnicodeEncodeError:
        return text.encode("utf-8", "backslashreplace").decode("utf-8")


def _iso(moment: Any) -> str:
    try:
        return moment.astimezone().isoformat(timespec="seconds")
    except Exception:
        return _text(moment)


# -- markdown --------------------------------------------------------------------------------------------------

def _title(meta: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    lines = [f"# Audit trail: {_code(meta['graph'])}", "",
             f"- **Thread:** {_code(meta['thread_id'])}",
             f"- **Status:** {meta['status']}",
             f"- **Run by:** {_code(meta['run_by'])}",
             f"- **Exported:** {meta['exported_at']} by {_code(meta['exported_by'])}",
             f"- **Log entries:** {len(meta['audit'])}, decisions: "
             f"{sum(bool(a['decision']) + len(a['earlier_decisions']) for a in meta['audit'])}"]
    if meta["pending"]:
        nodes = {a["key"]: a["node"] for a in meta["audit"]}
        lines.append(f"- **Awaiting decision:** {len(meta['pending'])} interrupt(s)")
        answered = {a["key"] for a in meta["audit"] if a["decision"]}
        lines += [f"  - {_code(p['id'])} in {_code(nodes.get(p['id']))}"
                  + (" (answered, not sent yet)" if p["id"] in answered else "") for p in meta["pending"]]
    elif meta["status"] == "waiting":
        lines.append("- **Awaiting decision:** paused at a breakpoint")
    return _md(lines, kind="title")


def _entry_lines(a: dict[str, Any]) -> list[str]:
    kind, n, node = a["kind"], a["index"], _code(a["node"])
    icon = _ICONS.get(a["status"], "")
    if kind == "node":
        cached = " (cached)" if a["cached"] else ""
        lines = [f"### {n}. Node {node} {icon} {a['status']}{cached}", "", f"- **Started:** {a['started']}"]
        if a["text"]:
            lines += ["", "**Output (prints / streamed text):**", "", _fence(plain_text(a["text"]), "text")]
        if a["has_update"]:
            lines += ["", "**Update returned:**", "", _fence(_json(a["update"]), "json")]
        return lines + (["", "**Error:**", "", _fence(_text(a["error"]), "text")] if a["error"] else [])
    if kind == "interrupt":
        i = a["interrupt"] or {}
        lines = [f"### {n}. Interrupt in {node} {icon}", "", f"- **Interrupt id:** {_code(i.get('id'))}",
                 f"- **Surfaced:** {a['started']}", "", "**Payload:**", "", _fence(_json(i.get("value")), "json")]
        if i.get("response_schema") is not None:
            lines += ["", "**Response schema:**", "", _fence(_json(i["response_schema"]), "json")]
        return lines
    if kind == "breakpoint":
        return [f"### {n}. Breakpoint before {node} {icon}", "", f"- **Paused:** {a['started']}", "",
                _fence(a["text"], "text")]
    if kind == "error":
        return [f"### {n}. Error in {node} ✖", "", f"- **At:** {a['started']}", "",
                _fence(_text(a["error"]), "text"), "", "**Traceback:**", "", _fence(a["text"], "text")]
    if kind == "result":
        return [f"### {n}. Result ■", "", f"- **Finished:** {a['started']}", "", _fence(_json(a["update"]), "json")]
    return [f"### {n}. Note", "", f"- **At:** {a['started']}", "", _fence(a["text"], "text")]


def _decision_lines(a: dict[str, Any]) -> list[str]:
    earlier: list[str] = []
    for d in a["earlier_decisions"]:  # answers not applied before the interrupt was asked again
        earlier += [f"#### Earlier decision on {_code(a['key'])}: {_plain(d['label'])}", "",
                    f"- **By:** {_code(d['by'])}", f"- **At:** {d['at']}", "- **Outcome:** **NOT applied**", "",
                    _fence(_text(d["error"]), "text"), "", "**Value sent:**", "", _fence(_json(d["value"]), "json"), ""]
    return earlier + _last_decision_lines(a)


def _last_decision_lines(a: dict[str, Any]) -> list[str]:
    d = a["decision"]
    if d is None:
        lines = [f"#### Decision on {_code(a['key'])}: awaiting decision", ""]
        if a["error"]:
            lines += ["**The previous answer was refused:**", "", _fence(_text(a["error"]), "text"), ""]
        return [*lines, "No decision had been made when this was exported."]
    others = " (not sent yet: waiting for the other pending interrupts)" if a["waiting_for_others"] else ""
    outcome = {True: "applied: the thread moved past this interrupt", None: "sent; no outcome known yet",
               False: "**NOT applied**"}[d.get("applied")]
    lines = [f"#### Decision on {_code(a['key'])}: {_plain(d['label'])}{others}", "",
             f"- **By:** {_code(d['by'])}", f"- **At:** {d['at']}", f"- **Outcome:** {outcome}", ""]
    if d.get("applied") is False and a["error"]:
        lines += [_fence(_text(a["error"]), "text"), ""]
    return [*lines, "**Value sent:**", "", _fence(_json(d["value"]), "json")]


def _md(lines: list[str], **meta: Any) -> tuple[str, dict[str, Any]]:
    return "\n".join(lines), {"hitl_notebook": meta} if meta else {}


def _json(value: Any) -> str:
    return json.dumps(value, indent=2, ensure_ascii=False)


def _fence(text: str, lang: str = "") -> str:
    """``text`` in a fenced code block whose fence is longer than any backtick run inside it."""
    ticks = "`" * max(3, 1 + max((len(r) for r in re.findall(r"`+", text)), default=0))
    return f"{ticks}{lang}\n{text.rstrip(chr(10))}\n{ticks}"


def _code(value: Any) -> str:
    """An inline code span (identifiers, names): literal whatever it contains."""
    if value is None:
        return "*(none)*"
    text = " ".join(_text(value).splitlines()) or " "
    ticks = "`" * (1 + max((len(r) for r in re.findall(r"`+", text)), default=0))
    pad = " " if text[0] in "` " or text[-1] in "` " else ""
    return f"{ticks}{pad}{text}{pad}{ticks}"


def _plain(text: str) -> str:
    """Free text on one line with markdown and HTML characters backslash-escaped."""
    return re.sub(r"([\\`*_{}\[\]()#+\-.!|<>~&])", r"\\\1", " ".join(text.splitlines()))
