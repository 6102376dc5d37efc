# Reducer keys annotated with abstract containers (Sequence, Mapping, Set, NotRequired[...]) start empty, so the
# first input already goes through the reducer: with add_messages it is coerced to messages (as create_react_agent's
# AgentState, whose messages are Annotated[Sequence[BaseMessage], add_messages]).
import collections.abc
import operator
from typing import Annotated, TypedDict

from langchain_core.messages import BaseMessage
from typing_extensions import NotRequired

from langgraph.graph import START, StateGraph
from langgraph.graph.message import add_messages


def merge(left, right):
    return {**left, **right}


def union(left, right):
    return left | right


class S(TypedDict):
    messages: Annotated[collections.abc.Sequence[BaseMessage], add_messages]
    notes: NotRequired[Annotated[collections.abc.MutableSequence[str], operator.add]]
    tags: Annotated[collections.abc.Mapping[str, int], merge]
    seen: Annotated[collections.abc.Set[str], union]


def node(state: S):
    return {"notes": ["ran"], "tags": {"b": 2}, "seen": {"y"}}


graph = StateGraph(S).add_node(node).add_edge(START, "node").compile()
inputs = {"messages": [("user", "hi")], "notes": ["start"], "tags": {"a": 1}, "seen": {"x"}}
for chunk in graph.stream(inputs, stream_mode="values"):
    print([type(m).__name__ for m in chunk["messages"]], [m.content for m in chunk["messages"]],
          chunk.get("notes"), sorted(chunk["tags"].items()), sorted(chunk["seen"]))
