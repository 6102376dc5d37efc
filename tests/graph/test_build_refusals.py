"""Build-time refusals: reducers with the wrong arity (graph/_schema.py) and bad checkpointers (pregel/main.py)."""

from __future__ import annotations

import operator
from typing import Annotated, TypedDict

import pytest

from hitl_notebook.checkpoint.memory import InMemorySaver
from hitl_notebook.func import entrypoint
from hitl_notebook.graph import START, StateGraph


def _schema(reducer):
    return TypedDict("T", {"v": Annotated[list, reducer]})


@pytest.mark.parametrize("reducer, shown", [(lambda a: a, "(a)"), (lambda a, b, c: a, "(a, b, c)"),
                                            (lambda *args: args[0], "(*args)")])
def test_reducer_without_two_positional_parameters_is_refused(reducer, shown):
    with pytest.raises(ValueError) as info:
        StateGraph(_schema(reducer))
    assert str(info.value).startswith(f"Invalid reducer signature. Expected (a, b) -> c. Got {shown}. ")


def test_two_parameter_reducers_are_accepted():
    for reducer in (operator.add, lambda a, b=None: a, lambda a, b, *, c=1: a):
        StateGraph(_schema(reducer))


def test_builtin_without_signature_is_refused_like_langgraph():
    with pytest.raises(ValueError, match="^no signature found for builtin"):
        StateGraph(_schema(max))


@pytest.mark.parametrize("bad, name", [("memory", "str"), (InMemorySaver, "ABCMeta"), ({}, "dict")])
def test_checkpointer_that_is_not_a_saver_is_refused(bad, name):
    builder = StateGraph(TypedDict("S", {"x": int})).add_node("n", lambda s: {}).add_edge(START, "n")
    message = ("Invalid checkpointer provided. Expected an instance of `BaseCheckpointSaver`, `True`, `False`, or "
               f"`None`. Received {name}.")
    with pytest.raises(TypeError) as info:
        builder.compile(checkpointer=bad)
    assert str(info.value).startswith(message)
    with pytest.raises(TypeError):
        entrypoint(checkpointer=bad)(lambda x: x)
    builder.compile(checkpointer=False)
    builder.compile(checkpointer=None)
