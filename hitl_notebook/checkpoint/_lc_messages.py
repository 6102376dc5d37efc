"""The langchain_core chat message classes a checkpoint may revive, and nothing else from LangChain.

Kept out of ``serde`` so that module never imports anything while loading; here the import is one fixed
``from langchain_core import messages``, made only when a checkpoint names one of ``NAMES``.
"""

from __future__ import annotations

from functools import lru_cache

PREFIXES = ("langchain_core.", "langchain.")
"""Modules whose classes are revived only when listed in ``NAMES``."""

NAMES = frozenset(
    (f"langchain_core.messages.{module}", f"{kind}{suffix}")
    for module, kind in (("ai", "AIMessage"), ("human", "HumanMessage"), ("system", "SystemMessage"),
                         ("tool", "ToolMessage"), ("chat", "ChatMessage"), ("function", "FunctionMessage"))
    for suffix in ("", "Chunk")
) | {("langchain_core.messages.modifier", "RemoveMessage")}
"""``(module, qualname)`` of each chat message class (and chunk class) a checkpoint may revive."""


def message_class(module: str, qualname: str) -> type | None:
    """The allowlisted class stored as ``module.qualname``, or ``None`` (not listed, or langchain-core missing)."""
    if (module, qualname) not in NAMES:
        return None
    return _classes().get((module, qualname))


@lru_cache(maxsize=1)
def _classes() -> dict[tuple[str, str], type]:
    try:
        from langchain_core import messages
    except ImportError:  # the data then loads as plain dicts, with the serializer's warning
        return {}
    found = {}
    for _, qualname in NAMES:
        cls = getattr(messages, qualname, None)
        if isinstance(cls, type) and (cls.__module__, cls.__qualname__) in NAMES:
            found[(cls.__module__, cls.__qualname__)] = cls
    return found
