"""InMemorySaver stores a growing message history as deltas: every checkpoint reads back exactly what a whole value
stored, after in-place changes, across time travel and thread deletion, and memory grows with the new messages."""

from __future__ import annotations

import operator
from typing import Annotated, TypedDict

import pytest

pytest.importorskip("langchain_core")
from langchain_core.messages import AIMessage, HumanMessage  # noqa: E402

from hitl_notebook.checkpoint import _delta  # noqa: E402
from hitl_notebook.checkpoint._arena import Slice  # noqa: E402
from hitl_notebook.checkpoint.memory import InMemorySaver  # noqa: E402
from hitl_notebook.graph import END, START, StateGraph  # noqa: E402
from tests.checkpoint.delta_helpers import (  # noqa: E402
    TURNS,
    WholeValuesSaver,
    agent_graph,
    exact,
    history,
    reference_history,
)

CONFIG = {"configurable": {"thread_id": "t"}, "recursion_limit": 10_000}


def _kinds(saver: InMemorySaver, channel: str = "messages") -> list[str]:
    return [kind for key, (kind, _) in sorted(saver.lists.items()) if key[2] == channel]


def test_history_is_exact_after_in_place_changes_of_earlier_messages() -> None:
    saver = InMemorySaver()
    graph = agent_graph(saver)
    graph.invoke({"messages": [HumanMessage("go", id="h")]}, CONFIG)
    kinds = _kinds(saver)
    assert kinds.count(_delta.DELTA) > TURNS and "msgpack" in kinds  # deltas, and whole values after changes
    expected = reference_history(graph)
    assert [values for _, values in history(graph, CONFIG)] == expected
    for checkpoint_id, values in zip([c for c, _ in history(graph, CONFIG)], expected):  # one at a time
        at = {"configurable": {"thread_id": "t", "checkpoint_id": checkpoint_id}}
        assert exact(graph.get_state(at).values.get("messages", [])) == values


def test_time_travel_fork_reads_like_whole_values() -> None:
    results = []
    for saver in (InMemorySaver(), WholeValuesSaver()):
        graph = agent_graph(saver, mutate=False)
        graph.invoke({"messages": [HumanMessage("go", id="h")]}, CONFIG)
        past = [s for s in graph.get_state_history(CONFIG) if len(s.values.get("messages", [])) == 21][0]
        fork = graph.update_state(past.config, {"messages": [AIMessage("forked", id=past.values["messages"][-1].id)]})
        graph.invoke(None, fork)
        results.append([exact(s.values.get("messages", [])) for s in graph.get_state_history(CONFIG)])
    assert results[0] == results[1]


def _stored_bytes(saver: InMemorySaver) -> int:
    arenas = {id(row.arena): len(row.arena) for row in saver.lists.values() if isinstance(row, Slice)}
    whole = sum(len(row[1]) for row in saver.lists.values() if not isinstance(row, Slice))
    # A blob is one group of a checkpoint's record: measured as that group serialized alone.
    records = {id(part[0]): part for parts in saver.blobs.values() for part in parts}
    values = sum(len(saver.serde.dumps(saver.serde.loads_typed(record)[index])) for record, index in records.values())
    return sum(arenas.values()) + whole + values


def test_memory_grows_with_the_new_messages_not_the_whole_history() -> None:
    sizes = {}
    for saver in (InMemorySaver(), WholeValuesSaver()):
        agent_graph(saver, mutate=False).invoke({"messages": [HumanMessage("go", id="h")]}, CONFIG)
        sizes[type(saver).__name__] = _stored_bytes(saver)
    # Whole values: every step stores the whole history again (quadratic); deltas: about one whole value every
    # 32 steps plus the new messages.
    assert sizes["InMemorySaver"] * 4 < sizes["WholeValuesSaver"]


def test_delete_thread_forgets_the_deltas() -> None:
    saver = InMemorySaver()
    graph = agent_graph(saver, mutate=False)
    graph.invoke({"messages": [HumanMessage("go", id="h")]}, CONFIG)
    saver.delete_thread("t")
    assert not saver.lists and saver.get_tuple(CONFIG) is None
    final = graph.invoke({"messages": [HumanMessage("again", id="h")]}, CONFIG)  # no delta on a deleted base
    assert _kinds(saver)[0] == "msgpack"
    assert exact(graph.get_state(CONFIG).values["messages"]) == exact(final["messages"])


def test_plain_lists_share_one_append_only_arena_and_read_back_exactly() -> None:
    class S(TypedDict):
        log: Annotated[list, operator.add]

    def step(state: S):
        n = len(state["log"])
        if n == 40:
            state["log"][3]["pad"] = "changed in place"  # an earlier item: the next value starts a new arena
        return {"log": [{"n": n, "pad": "p" * 60}]}

    def route(state: S):
        return "step" if len(state["log"]) < 60 else END

    histories, savers = {}, {"arenas": InMemorySaver(), "whole": WholeValuesSaver()}
    for name, saver in savers.items():
        graph = (StateGraph(S).add_node(step).add_edge(START, "step")
                 .add_conditional_edges("step", route, ["step", END]).compile(checkpointer=saver))
        graph.invoke({"log": []}, CONFIG)
        histories[name] = [s.values.get("log") for s in graph.get_state_history(CONFIG)]
    assert histories["arenas"] == histories["whole"]  # every checkpoint reads back as the whole value did
    assert [h[3]["pad"] for h in histories["arenas"] if h and len(h) > 41] == ["changed in place"] * 19
    rows = savers["arenas"].lists.values()
    assert all(isinstance(row, Slice) for row in rows) and len({id(row.arena) for row in rows}) == 2
    assert _stored_bytes(savers["arenas"]) * 4 < _stored_bytes(savers["whole"])  # O(n) bytes, not O(n²)
