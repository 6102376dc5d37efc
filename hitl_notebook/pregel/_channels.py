"""Channels: the named slots a graph's state and control flow live in.

State keys are ``LastValue`` (one write per step) or ``BinaryOperatorAggregate`` (a reducer folds the writes).
Control flow uses ``Ephemeral`` (``branch:to:<node>`` and the input), ``NamedBarrier`` (``join:a+b:<node>``) and ``Topic``
(pending ``Send`` packets). A channel's ``checkpoint()`` is what the checkpointer stores for it.
"""

from __future__ import annotations

import collections.abc
from collections.abc import Callable, Sequence
from typing import Any

from ..errors import EmptyChannelError, ErrorCode, InvalidUpdateError, create_error_message
from ..types import Overwrite

MISSING: Any = object()
_OVERWRITE = "__overwrite__"


def overwrite_value(value: Any) -> Any:
    """The value an overwrite carries, or ``MISSING`` when ``value`` is a plain write.

    LangGraph 1.2 accepts ``Overwrite(v)``, ``{"__overwrite__": v}`` and the JSON form of ``Overwrite``,
    ``{"type": "__overwrite__", "value": v}``.
    """
    if isinstance(value, Overwrite):
        return value.value
    if isinstance(value, dict):
        if len(value) == 1 and _OVERWRITE in value:
            return value[_OVERWRITE]
        if value.get("type") == _OVERWRITE and "value" in value:
            return value["value"]
    return MISSING


class Channel:
    """Base class: holds one value; ``update`` applies one step's writes and says whether it changed."""

    __slots__ = ("key", "value")
    plain = True
    """``checkpoint()`` is just ``value`` (lets hot paths skip the call)."""

    def __init__(self, key: str) -> None:
        self.key = key
        self.value = MISSING

    def fresh(self) -> "Channel":
        """An empty channel of the same kind, for a new run."""
        clone = object.__new__(self.__class__)
        clone.key = self.key
        clone.value = MISSING
        return clone

    def copy(self) -> "Channel":
        """A channel of the same kind holding the same value."""
        clone = self.fresh()
        clone.value = self.value
        return clone

    def get(self) -> Any:
        if self.value is MISSING:
            raise EmptyChannelError(self.key)
        return self.value

    def is_available(self) -> bool:
        return self.value is not MISSING

    def update(self, values: Sequence[Any]) -> bool:
        raise NotImplementedError

    def update_one(self, value: Any) -> bool:
        """``update([value])`` without building a list (the common case of one write per key)."""
        return self.update((value,))

    def consume(self) -> bool:
        """Called after a task triggered by this channel ran; True if that changed the channel."""
        return False

    def checkpoint(self) -> Any:
        return self.value

    def restore(self, stored: Any) -> None:
        self.value = stored


class LastValue(Channel):
    """A plain state key: at most one write per step."""

    __slots__ = ("type_",)

    def __init__(self, key: str, type_: Any = Any) -> None:
        super().__init__(key)
        self.type_ = type_

    def fresh(self) -> "LastValue":
        clone = Channel.fresh(self)
        clone.type_ = self.type_
        return clone

    def update(self, values: Sequence[Any]) -> bool:
        if not values:
            return False
        if len(values) != 1:
            raise InvalidUpdateError(create_error_message(
                message=f"At key '{self.key}': Can receive only one value per step. "
                "Use an Annotated key to handle multiple values.",
                error_code=ErrorCode.INVALID_CONCURRENT_GRAPH_UPDATE,
            ))
        # An ``Overwrite`` is stored as it is: only reducer keys unwrap it (what LangGraph 1.2's LastValue does).
        self.value = values[0]
        return True

    def update_one(self, value: Any) -> bool:
        self.value = value
        return True


class BinaryOperatorAggregate(Channel):
    """A reducer key (``Annotated[T, reducer]``): starts at ``T()`` and folds writes in task-path order."""

    __slots__ = ("type_", "reducer")

    def __init__(self, key: str, type_: Any, reducer: Callable[[Any, Any], Any]) -> None:
        super().__init__(key)
        self.type_ = type_
        self.reducer = reducer
        self.value = _empty_value(type_)

    def fresh(self) -> "BinaryOperatorAggregate":
        clone = Channel.fresh(self)
        clone.type_, clone.reducer = self.type_, self.reducer
        clone.value = _empty_value(self.type_)
        return clone

    def copy(self) -> "BinaryOperatorAggregate":
        clone = object.__new__(self.__class__)  # not fresh(): it would build an empty value only to replace it
        clone.key, clone.type_, clone.reducer, clone.value = self.key, self.type_, self.reducer, self.value
        return clone

    def update(self, values: Sequence[Any]) -> bool:
        if not values:
            return False
        overwritten = False
        value = self.value
        for item in values:
            replacement = overwrite_value(item) if isinstance(item, (Overwrite, dict)) else MISSING
            if replacement is not MISSING:
                if overwritten:
                    raise InvalidUpdateError(create_error_message(
                        message="Can receive only one Overwrite value per super-step.",
                        error_code=ErrorCode.INVALID_CONCURRENT_GRAPH_UPDATE,
                    ))
                overwritten = True
                value = replacement
            elif value is MISSING:
                value = item
            elif not overwritten:
                value = self.reducer(value, item)
        self.value = value
        return True

    def update_one(self, value: Any) -> bool:
        """``update([value])`` without the loop."""
        if (value.__class__ is Overwrite or isinstance(value, dict)) and \
                (replacement := overwrite_value(value)) is not MISSING:
            self.value = replacement
        elif self.value is MISSING:
            self.value = value
        else:
            self.value = self.reducer(self.value, value)
        return True


# Abstract containers start as their concrete counterpart, as LangGraph 1.2's BinaryOperatorAggregate: with
# ``Annotated[Sequence[BaseMessage], add_messages]`` the first input then goes through the reducer (and is coerced
# to messages) instead of being stored raw.
_CONCRETE = {
    collections.abc.Sequence: list, collections.abc.MutableSequence: list,
    collections.abc.Set: set, collections.abc.MutableSet: set,
    collections.abc.Mapping: dict, collections.abc.MutableMapping: dict,
}


def _bare_type(type_: Any) -> Any:
    """``type_`` without ``Annotated`` / ``Required`` / ``NotRequired`` and type arguments."""
    while (origin := getattr(type_, "__origin__", None)) is not None:
        # Required / NotRequired of typing or typing_extensions (special forms, told apart by name)
        marker = getattr(origin, "_name", None) in ("Required", "NotRequired")
        type_ = type_.__args__[0] if marker else origin
    return type_


def _empty_value(type_: Any) -> Any:
    bare = _bare_type(type_)
    try:
        return _CONCRETE.get(bare, bare)()
    except Exception:  # other abstract or argument-taking types have no empty value
        return MISSING


class Ephemeral(Channel):
    """``branch:to:<node>`` and ``__start__``: set by an edge (or the input), cleared when the node runs."""

    __slots__ = ()

    def update(self, values: Sequence[Any]) -> bool:
        if not values:
            return False
        self.value = values[-1]
        return True

    def update_one(self, value: Any) -> bool:
        self.value = value
        return True

    def consume(self) -> bool:
        if self.value is MISSING:
            return False
        self.value = MISSING
        return True


class NamedBarrier(Channel):
    """``join:a+b:<node>``: available once every named source has written."""

    __slots__ = ("names",)
    plain = False

    def __init__(self, key: str, names: frozenset[str]) -> None:
        super().__init__(key)
        self.names = names

    def fresh(self) -> "NamedBarrier":
        clone = Channel.fresh(self)
        clone.names = self.names
        return clone

    def update(self, values: Sequence[Any]) -> bool:
        seen = set() if self.value is MISSING else set(self.value)
        before = len(seen)
        for name in values:
            if name not in self.names:
                raise InvalidUpdateError(f"At key '{self.key}': Value {name} not in {sorted(self.names)}")
            seen.add(name)
        if len(seen) == before:
            return False
        self.value = frozenset(seen)
        return True

    def is_available(self) -> bool:
        return self.value is not MISSING and self.value == self.names

    def get(self) -> Any:
        if not self.is_available():
            raise EmptyChannelError(self.key)
        return None

    def consume(self) -> bool:
        if self.is_available():
            self.value = MISSING
            return True
        return False

    def checkpoint(self) -> Any:
        return MISSING if self.value is MISSING else sorted(self.value)

    def restore(self, stored: Any) -> None:
        self.value = frozenset(stored)


class Topic(Channel):
    """``__pregel_tasks``: accumulates ``Send`` packets until the next step picks them up."""

    __slots__ = ()
    plain = False  # stored as [] once emptied, as LangGraph stores it

    def update(self, values: Sequence[Any]) -> bool:
        if not values:
            return False
        self.value = (list(self.value) if self.value is not MISSING else []) + list(values)
        return True

    def consume(self) -> bool:
        if self.value is MISSING:
            return False
        self.value = MISSING
        return True

    def checkpoint(self) -> Any:
        return [] if self.value is MISSING else self.value

    def restore(self, stored: Any) -> None:
        self.value = list(stored) if stored else MISSING
