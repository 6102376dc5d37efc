"""_inject: which keyword arguments the engine fills in, decided once from the signature (LangGraph 1.2's rules)."""

from __future__ import annotations

from typing import Any, Optional

import pytest

from hitl_notebook.pregel import _inject
from hitl_notebook.store.base import BaseStore
from hitl_notebook.types import StreamWriter


def names(fn: Any, **kw: Any) -> tuple[tuple[str, ...], bool]:
    wanted, takes_input = _inject.injected(fn, **kw)
    return tuple(n for n, _ in wanted), takes_input


def test_names_with_matching_or_missing_annotations_are_injected() -> None:
    def f(state, config, writer: StreamWriter, store: BaseStore, previous: int, runtime: str): ...

    assert names(f) == (("config", "writer", "store", "previous", "runtime"), True)

    def g(state, *, store: Optional[BaseStore], writer: StreamWriter): ...  # a string here (postponed annotations)

    assert names(g) == (("writer", "store"), True)


def test_postponed_union_annotations_are_not_recognised_as_in_langgraph() -> None:
    def f(state, store: "BaseStore | None" = None, runtime=None): ...

    assert names(f) == (("runtime",), True)


def test_wrong_config_annotation_warns_and_is_not_injected() -> None:
    def f(state, config: dict): ...

    with pytest.warns(UserWarning, match="The 'config' parameter should be typed as 'RunnableConfig'"):
        assert names(f) == ((), True)


def test_first_positional_is_the_input_unless_told_otherwise() -> None:
    def node(runtime, store): ...

    assert names(node) == (("store",), True)
    assert names(node, skip_first=False) == (("store", "runtime"), True)

    def no_input(*, runtime): ...

    assert names(no_input) == (("runtime",), False)
    assert names(print) == ((), True)  # no signature: just the input


def test_bind_and_fill() -> None:
    def f(state, store=None):
        return state, store

    def plain(state):
        return state

    config: dict[str, Any] = {}
    assert _inject.bind(plain, *_inject.injected(plain))(5, config) == 5
    wanted = (("store", lambda config: "S"),)
    assert _inject.bind(f, wanted, True)(1, config) == (1, "S")
    assert _inject.fill(wanted, config, {"store": "mine"}) == {"store": "mine"}
    assert _inject.fill(wanted, config, {}) == {"store": "S"}
    given: dict[str, Any] = {"x": 1}
    assert _inject.fill((), config, given) is given


def test_annotation_objects_match_by_identity_or_name() -> None:
    class RunnableConfig(dict):  # stands in for langchain_core's, matched by name
        pass

    def f(state, config, writer, store, other_store=None): ...

    f.__annotations__ = {"config": Optional[RunnableConfig], "writer": StreamWriter, "store": BaseStore | None}
    assert names(f) == (("config", "writer", "store"), True)

    class InMemoryLike(BaseStore):  # a subclass annotation is not BaseStore: LangGraph does not inject it
        pass

    def g(state, store): ...

    g.__annotations__ = {"store": InMemoryLike}
    assert names(g) == ((), True)


def test_error_is_injected_only_when_typed_node_error() -> None:
    from hitl_notebook.errors import NodeError

    def handler(state, error: NodeError): ...

    def other(state, error=None): ...

    assert names(handler) == (("error",), True)
    assert names(other) == ((), True)
    wanted, _ = _inject.injected(handler)
    assert wanted[0][1]({"configurable": {"__pregel_node_error": "E"}}) == "E"
