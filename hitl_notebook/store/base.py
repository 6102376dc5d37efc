"""The long-term memory store interface, as ``langgraph.store.base`` (LangGraph 1.2 / langgraph-checkpoint 4).

A store keeps JSON-like dicts under ``(namespace, key)``, where a namespace is a tuple of string labels. Unlike a
checkpointer it is not tied to a thread: every run of every thread that was given the same store sees the same
items. Stores implement ``batch``/``abatch`` over the operation tuples below; ``get``/``put``/``search``/
``delete``/``list_namespaces`` (and their ``a*`` twins) build those operations after validating the namespace.
"""

from __future__ import annotations

from abc import ABC, abstractmethod
from collections.abc import Iterable, Mapping
from datetime import datetime
from typing import Any, Literal, NamedTuple, TypedDict

__all__ = [
    "BaseStore",
    "Item",
    "SearchItem",
    "Op",
    "Result",
    "GetOp",
    "PutOp",
    "SearchOp",
    "ListNamespacesOp",
    "MatchCondition",
    "NamespacePath",
    "NamespaceMatchType",
    "InvalidNamespaceError",
    "TTLConfig",
    "IndexConfig",
    "NOT_PROVIDED",
    "NotProvided",
    "validate_op_namespace",
]


class NotProvided:
    """Sentinel for "argument not given" where ``None`` is a meaningful value (``ttl=None``)."""

    def __bool__(self) -> Literal[False]:
        return False

    def __repr__(self) -> str:
        return "NOT_GIVEN"


NOT_PROVIDED = NotProvided()


class Item:
    """A stored value with its address and timestamps (``created_at`` / ``updated_at`` may be ISO strings)."""

    __slots__ = ("value", "key", "namespace", "created_at", "updated_at")

    def __init__(self, *, value: dict[str, Any], key: str, namespace: tuple[str, ...],
                 created_at: datetime | str, updated_at: datetime | str) -> None:
        self.value = value
        self.key = key
        self.namespace = tuple(namespace)
        self.created_at = datetime.fromisoformat(created_at) if isinstance(created_at, str) else created_at
        self.updated_at = datetime.fromisoformat(updated_at) if isinstance(updated_at, str) else updated_at

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, Item):
            return False
        return (self.value, self.key, self.namespace, self.created_at, self.updated_at) == (
            other.value, other.key, other.namespace, other.created_at, other.updated_at)

    def __hash__(self) -> int:
        return hash((self.namespace, self.key))

    def dict(self) -> dict[str, Any]:
        """JSON-ready form: namespace as a list, timestamps as ISO strings."""
        return {
            "namespace": list(self.namespace),
            "key": self.key,
            "value": self.value,
            "created_at": self.created_at.isoformat(),
            "updated_at": self.updated_at.isoformat(),
        }

    def __repr__(self) -> str:
        return f"Item({', '.join(f'{k}={v!r}' for k, v in self.dict().items())})"


class SearchItem(Item):
    """An item found by ``search``, with a relevance ``score`` (``None`` without semantic search)."""

    __slots__ = ("score",)

    def __init__(self, namespace: tuple[str, ...], key: str, value: dict[str, Any], created_at: datetime | str,
                 updated_at: datetime | str, score: float | None = None) -> None:
        super().__init__(value=value, key=key, namespace=namespace, created_at=created_at, updated_at=updated_at)
        self.score = score

    def dict(self) -> dict[str, Any]:
        return {**super().dict(), "score": self.score}


class GetOp(NamedTuple):
    """Read one item by ``namespace`` and ``key``."""

    namespace: tuple[str, ...]
    key: str
    refresh_ttl: bool = True


class SearchOp(NamedTuple):
    """Items under ``namespace_prefix`` whose values match ``filter`` (exact values or ``$eq/$ne/$gt/$gte/$lt/$lte``)."""

    namespace_prefix: tuple[str, ...]
    filter: dict[str, Any] | None = None
    limit: int = 10
    offset: int = 0
    query: str | None = None
    refresh_ttl: bool = True


NamespacePath = tuple[str, ...]
"""A namespace pattern; a ``"*"`` label matches any label."""
NamespaceMatchType = Literal["prefix", "suffix"]


class MatchCondition(NamedTuple):
    """Match namespaces whose start (``"prefix"``) or end (``"suffix"``) fits ``path``."""

    match_type: NamespaceMatchType
    path: NamespacePath


class ListNamespacesOp(NamedTuple):
    """List namespaces matching every condition, cut to ``max_depth`` labels, sorted, then paged."""

    match_conditions: tuple[MatchCondition, ...] | None = None
    max_depth: int | None = None
    limit: int = 100
    offset: int = 0


class PutOp(NamedTuple):
    """Write ``value`` at ``(namespace, key)``; ``value=None`` deletes the item."""

    namespace: tuple[str, ...]
    key: str
    value: Mapping[str, Any] | None
    index: Literal[False] | list[str] | None = None
    ttl: float | None = None


Op = GetOp | SearchOp | PutOp | ListNamespacesOp
Result = Item | list[Item] | list[SearchItem] | list[tuple[str, ...]] | None


class InvalidNamespaceError(ValueError):
    """Provided namespace is invalid."""


class TTLConfig(TypedDict, total=False):
    """Time-to-live settings of a store that supports TTL (``InMemoryStore`` does not)."""

    refresh_on_read: bool
    omit_expired: bool
    default_ttl: float | None
    sweep_interval_minutes: int | None


class IndexConfig(TypedDict, total=False):
    """Semantic-search settings (``dims``, ``embed``, ``fields``) for stores that offer vector search."""

    dims: int
    embed: Any
    fields: list[str] | None


class BaseStore(ABC):
    """Abstract key-value store shared across threads; subclasses implement ``batch`` and ``abatch``.

    Every method validates namespaces as LangGraph does and raises ``InvalidNamespaceError`` for an empty
    namespace (on writes), a non-string, empty, NUL- or period-containing label, or a ``"langgraph"`` root label.
    """

    supports_ttl: bool = False
    ttl_config: TTLConfig | None = None

    __slots__ = ("__weakref__",)

    @abstractmethod
    def batch(self, ops: Iterable[Op]) -> list[Result]:
        """Run ``ops`` in order; one result per op (``None`` for puts)."""

    @abstractmethod
    async def abatch(self, ops: Iterable[Op]) -> list[Result]:
        """Async twin of ``batch``."""

    # -- sync API ----------------------------------------------------------------------------------------------

    def get(self, namespace: tuple[str, ...], key: str, *, refresh_ttl: bool | None = None) -> Item | None:
        """The item at ``(namespace, key)``, or ``None``."""
        return self.batch([self._get_op(namespace, key, refresh_ttl)])[0]  # type: ignore[return-value]

    def search(self, namespace_prefix: tuple[str, ...], /, *, query: str | None = None,
               filter: dict[str, Any] | None = None, limit: int = 10, offset: int = 0,
               refresh_ttl: bool | None = None) -> list[SearchItem]:
        """Items under ``namespace_prefix`` matching ``filter``, paged by ``limit``/``offset``."""
        op = self._search_op(namespace_prefix, query, filter, limit, offset, refresh_ttl)
        return self.batch([op])[0]  # type: ignore[return-value]

    def put(self, namespace: tuple[str, ...], key: str, value: Mapping[str, Any],
            index: Literal[False] | list[str] | None = None, *, ttl: float | None | NotProvided = NOT_PROVIDED) -> None:
        """Create or replace the item at ``(namespace, key)``."""
        self.batch([self._put_op(namespace, key, value, index, ttl)])

    def delete(self, namespace: tuple[str, ...], key: str) -> None:
        """Remove the item at ``(namespace, key)`` (no error when it is absent)."""
        _validate_namespace_labels(namespace)
        self.batch([PutOp(namespace, str(key), None, ttl=None)])

    def list_namespaces(self, *, prefix: NamespacePath | None = None, suffix: NamespacePath | None = None,
                        max_depth: int | None = None, limit: int = 100, offset: int = 0) -> list[tuple[str, ...]]:
        """Namespaces in the store matching ``prefix``/``suffix``, truncated to ``max_depth``, sorted and paged."""
        return self.batch([_list_op(prefix, suffix, max_depth, limit, offset)])[0]  # type: ignore[return-value]

    # -- async API ---------------------------------------------------------------------------------------------

    async def aget(self, namespace: tuple[str, ...], key: str, *, refresh_ttl: bool | None = None) -> Item | None:
        """Async twin of ``get``."""
        return (await self.abatch([self._get_op(namespace, key, refresh_ttl)]))[0]  # type: ignore[return-value]

    async def asearch(self, namespace_prefix: tuple[str, ...], /, *, query: str | None = None,
                      filter: dict[str, Any] | None = None, limit: int = 10, offset: int = 0,
                      refresh_ttl: bool | None = None) -> list[SearchItem]:
        """Async twin of ``search``."""
        op = self._search_op(namespace_prefix, query, filter, limit, offset, refresh_ttl)
        return (await self.abatch([op]))[0]  # type: ignore[return-value]

    async def aput(self, namespace: tuple[str, ...], key: str, value: Mapping[str, Any],
                   index: Literal[False] | list[str] | None = None, *,
                   ttl: float | None | NotProvided = NOT_PROVIDED) -> None:
        """Async twin of ``put``."""
        await self.abatch([self._put_op(namespace, key, value, index, ttl)])

    async def adelete(self, namespace: tuple[str, ...], key: str) -> None:
        """Async twin of ``delete``."""
        _validate_namespace_labels(namespace)
        await self.abatch([PutOp(namespace, str(key), None)])

    async def alist_namespaces(self, *, prefix: NamespacePath | None = None, suffix: NamespacePath | None = None,
                               max_depth: int | None = None, limit: int = 100,
                               offset: int = 0) -> list[tuple[str, ...]]:
        """Async twin of ``list_namespaces``."""
        return (await self.abatch([_list_op(prefix, suffix, max_depth, limit, offset)]))[0]  # type: ignore[return-value]

    # -- building operations -----------------------------------------------------------------------------------

    def _get_op(self, namespace: tuple[str, ...], key: str, refresh_ttl: bool | None) -> GetOp:
        _validate_namespace_labels(namespace)
        return GetOp(namespace, str(key), self._refresh(refresh_ttl))

    def _search_op(self, prefix: tuple[str, ...], query: str | None, filter: dict[str, Any] | None, limit: int,
                   offset: int, refresh_ttl: bool | None) -> SearchOp:
        _validate_namespace_labels(prefix)
        return SearchOp(prefix, filter, limit, offset, query, self._refresh(refresh_ttl))

    def _put_op(self, namespace: tuple[str, ...], key: str, value: Mapping[str, Any], index: Any,
                ttl: float | None | NotProvided) -> PutOp:
        _validate_namespace(namespace)
        if ttl not in (NOT_PROVIDED, None) and not self.supports_ttl:
            raise NotImplementedError(
                f"TTL is not supported by {type(self).__name__}. "
                "Use a store implementation that supports TTL or set ttl=None."
            )
        if ttl is NOT_PROVIDED:
            ttl = self.ttl_config.get("default_ttl") if self.ttl_config else None
        return PutOp(namespace, str(key), value, index=index, ttl=ttl)  # type: ignore[arg-type]

    def _refresh(self, refresh_ttl: bool | None) -> bool:
        if refresh_ttl is not None:
            return refresh_ttl
        return self.ttl_config.get("refresh_on_read", True) if self.ttl_config is not None else True


def _list_op(prefix: NamespacePath | None, suffix: NamespacePath | None, max_depth: int | None, limit: int,
             offset: int) -> ListNamespacesOp:
    _validate_namespace_labels(prefix or ())
    _validate_namespace_labels(suffix or ())
    conditions = []
    if prefix:
        conditions.append(MatchCondition(match_type="prefix", path=prefix))
    if suffix:
        conditions.append(MatchCondition(match_type="suffix", path=suffix))
    return ListNamespacesOp(match_conditions=tuple(conditions), max_depth=max_depth, limit=limit, offset=offset)


def _validate_namespace(namespace: tuple[str, ...]) -> None:
    """A namespace written to: non-empty, valid labels, and not under the reserved ``"langgraph"`` root."""
    if not namespace:
        raise InvalidNamespaceError("Namespace cannot be empty.")
    _validate_namespace_labels(namespace)
    if namespace[0] == "langgraph":
        raise InvalidNamespaceError(f'Root label for namespace cannot be "langgraph". Got: {namespace}')


def _validate_namespace_labels(namespace: tuple[str, ...]) -> None:
    for label in namespace:
        if not isinstance(label, str):
            raise InvalidNamespaceError(
                f"Invalid namespace label '{label}' found in {namespace}. Namespace labels"
                f" must be strings, but got {type(label).__name__}."
            )
        if "." in label:
            raise InvalidNamespaceError(
                f"Invalid namespace label '{label}' found in {namespace}. Namespace labels cannot contain periods ('.')."
            )
        if "\x00" in label:
            raise InvalidNamespaceError(
                f"Invalid namespace label '{label}' found in {namespace}. Namespace labels cannot contain NUL bytes "
                "('\\x00')."
            )
        if not label:
            raise InvalidNamespaceError(f"Namespace labels cannot be empty strings. Got {label} in {namespace}")


def validate_op_namespace(op: Op) -> None:
    """Check the labels of an op handed straight to ``batch`` (the convenience methods check their own).

    Raises ``InvalidNamespaceError`` as the methods do.
    """
    if isinstance(op, (GetOp, PutOp)):
        _validate_namespace_labels(op.namespace)
    elif isinstance(op, SearchOp):
        _validate_namespace_labels(op.namespace_prefix)
    elif isinstance(op, ListNamespacesOp):
        for condition in op.match_conditions or ():
            _validate_namespace_labels(condition.path)
