"""Chat messages in the run view: role-styled bubbles, tool-call cards, tool results and the live token bubble.

Pure HTML (no widgets), so the live view and the saved page render a conversation the same way. Messages are read
by duck typing (``type``, ``content``, ``tool_calls``, ``tool_call_id``, ...) and never imported: a graph that holds
messages has already loaded ``langchain_core``. Besides message objects, the forms LangGraph's ``add_messages``
coerces are read too (``{"role", "content"}`` dicts, ``(role, content)`` pairs, plain strings), as a node's raw
update may hold them; those are only recognised under a ``messages`` key, where the reducer would read them so.

Each message is shown once: a node's entry shows the messages its update added (not as JSON), the run's input and
any earlier conversation on the thread get an ``input`` entry (from the stream's first ``values`` chunk, the state
after the input was applied; messages that appear there on a resume were written with ``update_state`` and get a
``state update`` entry), and the final result lists messages only by count.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Iterable, Mapping
from html import escape as _escape
from typing import Any

__all__ = ["chat_html", "chat_text", "chunk_text", "claim", "input_entry", "is_message", "message_html", "remember", "role_of", "split_update",
           "summarize", "tokens_html"]

INPUT_NODE = "input"
EDIT_NODE = "state update"
_ROLES = {"human": "user", "user": "user", "ai": "assistant", "assistant": "assistant", "tool": "tool",
          "system": "system", "developer": "system", "function": "tool", "remove": "remove"}
_STYLE = {  # role: (label, background, border)
    "user": ("👤 user", "#eff6ff", "#3b82f6"),
    "assistant": ("🤖 assistant", "#f4f4f5", "#71717a"),
    "tool": ("🛠 tool result", "#f0fdf4", "#16a34a"),
    "system": ("⚙ system", "#fefce8", "#ca8a04"),
}
_BUBBLE = ("margin:3px 0 3px 14px;padding:4px 8px;border-radius:8px;border-left:3px solid {border};"
           "background:{bg};font-size:13px;max-width:52em")
_TEXT = "white-space:pre-wrap;word-break:break-word"
_LABEL = "font-size:11px;color:#52525b;font-weight:bold"
_CARD = ("margin:4px 0;padding:3px 6px;border:1px solid #d4d4d8;border-radius:6px;background:white;"
         "font-size:12px")
_ARGS = "margin:2px 0 0;padding:2px 4px;background:#f8f8fa;white-space:pre-wrap;font-size:12px"
_ID = "font-family:monospace;font-size:11px;color:#71717a"


def escape(text: str) -> str:
    """HTML-escape element text (quotes stay readable)."""
    return _escape(text, quote=False)


def is_message(value: Any) -> bool:
    """Whether ``value`` is a langchain-core message (``BaseMessage`` or a subclass; checked without importing)."""
    if "langchain_core" not in sys.modules:
        return False
    return any(c.__name__ == "BaseMessage" and c.__module__.startswith("langchain_core")
               for c in type(value).__mro__)


def _message_list(key: str, value: Any) -> list[Any] | None:
    """The messages ``value`` holds, or ``None`` when it is not a list of messages (or one message)."""
    if is_message(value):
        return [value]
    if isinstance(value, (list, tuple)) and value and all(is_message(v) for v in value):
        return list(value)
    if key == "messages" and "langchain_core" in sys.modules:  # the forms add_messages coerces
        items = value if isinstance(value, list) else [value]
        if items and all(_coercible(v) for v in items):
            return items
    return None


def _coercible(value: Any) -> bool:
    if is_message(value) or isinstance(value, str):
        return True
    if isinstance(value, Mapping):
        return "content" in value and isinstance(value.get("role", value.get("type")), str)
    return (isinstance(value, tuple) and len(value) == 2 and isinstance(value[0], str)
            and value[0] in _ROLES)


def split_update(update: Any) -> tuple[list[Any], Any]:
    """A node's update split into its messages (every key that holds messages, in order) and the rest.

    The rest is the update without those keys (``None`` when nothing else is left); an update that holds no
    messages comes back unchanged, with an empty message list.
    """
    if not isinstance(update, Mapping):
        found = _message_list("", update)
        return (found, None) if found else ([], update)
    messages: list[Any] = []
    rest = {}
    for key, value in update.items():
        found = _message_list(str(key), value)
        if found:
            messages.extend(found)
        else:
            rest[key] = value
    if not messages:
        return [], update
    return messages, (rest or None)


def summarize(value: Any) -> Any:
    """``value`` with each list of messages replaced by a count (``"[3 messages]"``): they are shown as chat.
    A value that is itself messages (an ``@entrypoint``'s result) becomes the count."""
    if not isinstance(value, Mapping):
        found = _message_list("", value)
        return _count(found) if found else value
    out = {}
    for key, item in value.items():
        found = _message_list(str(key), item)
        out[key] = _count(found) if found else item
    return out


def _count(messages: list[Any]) -> str:
    return f"[{len(messages)} message{'s' if len(messages) != 1 else ''}]"


# -- HTML ----------------------------------------------------------------------------------------------------


def chat_html(messages: Iterable[Any]) -> str:
    """The messages as a conversation: one bubble per message, in order. Items may be ``(message, edited)`` pairs
    (see :func:`claim`); an edited message is labelled so."""
    return "".join(message_html(*m) if isinstance(m, tuple) and len(m) == 2 and isinstance(m[1], bool)
                   else message_html(m) for m in messages)


def message_html(message: Any, edited: bool = False) -> str:
    """One message as a role-styled bubble: text, tool-call cards (assistant), or a tool result with its call.
    ``edited``: the message replaces one shown earlier (same id)."""
    role, name, content, extra = _read(message)
    if role == "remove":
        target = extra.get("id")
        what = "all messages" if target == "__remove_all__" else f"message {target}"
        return f"<div style='margin:2px 0 2px 14px;color:#71717a;font-size:12px'>🗑 removed {escape(what)}</div>"
    label, bg, border = _STYLE.get(role, (f"💬 {escape(role)}", "#f4f4f5", "#a1a1aa"))
    if role == "tool":
        status = extra.get("status")
        if status == "error":
            bg, border = "#fef2f2", "#dc2626"
        call = extra.get("tool_call_id")
        label = (f"{label} · <b>{escape(name or 'tool')}</b>"
                 + (f" <span style='{_ID}'>↳ <a href='#{_anchor(call)}'>{escape(str(call))}</a></span>" if call
                    else "")
                 + (" <span style='color:#dc2626'>error</span>" if status == "error" else ""))
    elif name:
        label += f" · {escape(name)}"
    if edited:
        label += " <span style='color:#b45309'>(edited: replaces the message above with the same id)</span>"
    text = _text_of(content)
    body = f"<div style='{_TEXT}'>{escape(text)}</div>" if text else ""
    calls = extra.get("tool_calls") or []
    body += "".join(_call_card(call) for call in calls)
    body += "".join(_call_card(call, invalid=True) for call in extra.get("invalid_tool_calls") or [])
    if not body:
        body = "<div style='color:#a1a1aa;font-style:italic'>(empty)</div>"
    kind = role if role in _STYLE else "other"  # a dict's role is any text: never put it in an attribute
    return (f"<div class='hitl-chat hitl-chat-{kind}' style='{_BUBBLE.format(border=border, bg=bg)}'>"
            f"<div style='{_LABEL}'>{label}</div>{body}</div>")


def chat_text(messages: Iterable[Any]) -> str:
    """The messages as plain text, one line per message (and per tool call), for logs and terminals; items may be
    ``(message, edited)`` pairs (see :func:`claim`)."""
    lines = []
    for item in messages:
        message, edited = item if isinstance(item, tuple) and len(item) == 2 and isinstance(item[1], bool) \
            else (item, False)
        role, name, content, extra = _read(message)
        if role == "remove":
            lines.append(f"  🗑 removed {extra.get('id')}")
            continue
        label = _STYLE.get(role, (role,))[0]
        if role == "tool":
            label += f" {name or 'tool'} ↳ {extra.get('tool_call_id')}" + (" (error)" if extra.get("status") == "error"
                                                                         else "")
        lines.append(f"  {label}{' (edited)' if edited else ''}: {_text_of(content)}".rstrip())
        for call in extra.get("tool_calls") or []:
            args = json.dumps(call.get("args"), ensure_ascii=False, default=repr)
            lines.append(f"    🔧 {call.get('name')} {args} ({call.get('id')})")
    return "\n".join(lines)


def chunk_text(chunk: Any) -> str:
    """What a streamed chat-model chunk adds to the node's live assistant bubble: its text, and its tool calls as
    they form (``🔧 name`` and then the argument JSON, piece by piece, as the provider streams it)."""
    text = getattr(chunk, "text", "")
    text = str(text) if isinstance(text, str) else text()  # a property in langchain-core 1.x, a method before
    for part in getattr(chunk, "tool_call_chunks", None) or ():
        if isinstance(part, Mapping):
            if part.get("name"):
                text += f"\n🔧 {part['name']} "
            if part.get("args"):
                text += str(part["args"])
    return text


def tokens_html(text: str, *, live: bool) -> str:
    """The assistant bubble of streamed chat-model tokens (``live``: the model is still answering)."""
    label, bg, border = _STYLE["assistant"]
    cursor = " <span style='color:#a1a1aa'>▍</span>" if live else ""
    return (f"<div class='hitl-chat hitl-chat-assistant hitl-chat-stream' "
            f"style='{_BUBBLE.format(border=border, bg=bg)}'><div style='{_LABEL}'>{label}"
            f"{' · streaming' if live else ''}</div><div style='{_TEXT}'>{escape(text.lstrip())}{cursor}</div></div>")


def role_of(message: Any) -> str:
    """``"user"``, ``"assistant"``, ``"tool"``, ``"system"``, ``"remove"`` or the message's own role name."""
    return _read(message)[0]


def _call_card(call: Any, *, invalid: bool = False) -> str:
    call = call if isinstance(call, Mapping) else {}
    name = str(call.get("name") or "?")
    call_id = call.get("id")
    args = call.get("args")
    shown = args if isinstance(args, str) else json.dumps(args if args is not None else {}, indent=2,
                                                          ensure_ascii=False, default=repr)
    anchor = f" id='{_anchor(call_id)}'" if call_id and not invalid else ""
    ident = f" <span style='{_ID}'>{escape(str(call_id))}</span>" if call_id else ""
    problem = (f"<div style='color:#dc2626'>invalid tool call: {escape(str(call.get('error') or ''))}</div>"
               if invalid else "")
    return (f"<div class='hitl-tool-call'{anchor} style='{_CARD}'>🔧 <b>{escape(name)}</b>{ident}{problem}"
            f"<pre style='{_ARGS}'>{escape(shown)}</pre></div>")


def _anchor(call_id: Any) -> str:
    """An HTML id for a tool call (letters, digits, ``-`` and ``_`` only: ids come from model providers)."""
    return "hitl-call-" + "".join(c if c.isalnum() or c in "-_" else "_" for c in str(call_id))


def _read(message: Any) -> tuple[str, str | None, Any, dict[str, Any]]:
    """``(role, name, content, extra)`` of a message object, a message dict, a ``(role, content)`` pair or a
    string (a user message, as ``add_messages`` reads it)."""
    if isinstance(message, str):
        return "user", None, message, {}
    if isinstance(message, tuple):
        return _ROLES.get(message[0], message[0]), None, message[1], {}
    if isinstance(message, Mapping):
        kind = str(message.get("role", message.get("type", "")))
        get = message.get
    else:
        kind = str(getattr(message, "type", "")).removesuffix("Chunk")
        if kind.endswith("Message"):  # chunk types are "AIMessageChunk" and the like
            kind = {"AIMessage": "ai", "HumanMessage": "human", "ToolMessage": "tool",
                    "SystemMessage": "system"}.get(kind, kind)
        get = lambda key, default=None: getattr(message, key, default)  # noqa: E731
    extra = {key: get(key) for key in ("tool_calls", "invalid_tool_calls", "tool_call_id", "status", "id")}
    if kind == "chat":  # ChatMessage names its role
        kind = str(get("role") or "chat")
    return _ROLES.get(kind, kind or "message"), get("name"), get("content"), extra


def _text_of(content: Any) -> str:
    """The text of a message's content: a string, or a list of content blocks (text kept, others named)."""
    if content is None:
        return ""
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        parts = []
        for block in content:
            if isinstance(block, str):
                parts.append(block)
            elif isinstance(block, Mapping):
                kind = block.get("type")
                if kind == "text" or (kind is None and "text" in block):
                    parts.append(str(block.get("text", "")))
                elif kind not in ("tool_use", "tool_call", "tool_call_chunk"):  # shown as tool-call cards
                    parts.append(f"[{kind or 'block'}]")
        return "".join(parts)
    return str(content)


# -- each message once ---------------------------------------------------------------------------------------


def claim(shown: dict[str, tuple[str, str]], key: str, update: Any) -> list[tuple[Any, bool]] | None:
    """The messages of a node ``update`` that entry ``key`` shows, each with ``True`` when it edits a message
    shown before (same id, other content); ``None`` when the update holds no messages.

    ``shown`` maps message id -> (fingerprint, entry key) of where it is shown, and is updated: a message already
    shown unchanged by another entry is left out (LangChain's HITL middleware re-emits the model's message, for
    instance), so each message is shown once.
    """
    messages, _ = split_update(update)
    if not messages:
        return None
    out = []
    for message in messages:
        ident = getattr(message, "id", None) if is_message(message) else None
        if ident is None:  # a raw dict / tuple / string: add_messages gives it an id later
            out.append((message, False))
            continue
        mark = (_fingerprint(message), key)
        before = shown.get(ident)
        if before is not None and before[0] == mark[0] and before[1] != key:
            continue
        shown[ident] = mark
        out.append((message, before is not None and before[0] != mark[0]))
    return out


def _fingerprint(message: Any) -> str:
    role, name, content, extra = _read(message)
    return repr((role, name, content, extra.get("tool_calls"), extra.get("tool_call_id"), extra.get("status")))


# -- the input entry -----------------------------------------------------------------------------------------


def input_entry(journal: Any, values: Any) -> None:
    """Show the messages of ``values`` (the state before the segment's first node) that this run has not shown:
    the user's input and, on a thread with history, the conversation so far; on a resume, the messages that
    ``update_state`` added or replaced. Every message seen is remembered (by id), so nothing is shown twice."""
    seen: set[str] = journal.seen_messages
    shown: dict[str, tuple[str, str]] = journal.shown_messages
    fresh = [m for m in _state_messages(values) if _id(m) not in seen
             or (_id(m) in shown and shown[_id(m)][0] != _fingerprint(m))]  # replaced by update_state
    remember(journal, values)
    if fresh:  # before any node ran in this run: the input; later: messages written with update_state
        ran = any(e.kind == "node" for e in journal.record.entries)
        journal.add("node", key=journal.new_key("chat-input"), node=EDIT_NODE if ran else INPUT_NODE,
                    status="done", update={"messages": fresh})


def remember(journal: Any, values: Any) -> None:
    """Note the ids of the messages in ``values`` (a ``values`` chunk) as shown."""
    for message in _state_messages(values):
        journal.seen_messages.add(_id(message))


def _state_messages(values: Any) -> list[Any]:
    if not isinstance(values, Mapping) or "langchain_core" not in sys.modules:
        return []
    found: list[Any] = []
    for key, value in values.items():
        found.extend(_message_list(str(key), value) or ())
    return found


def _id(message: Any) -> str:
    """The message's id; without one (a list state without ``add_messages``), its role and content."""
    ident = getattr(message, "id", None)
    return str(ident) if ident is not None else f"{getattr(message, 'type', '')}:{getattr(message, 'content', '')!r}"
