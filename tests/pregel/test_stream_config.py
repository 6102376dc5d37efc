"""The config as stream events and nodes see it (LangGraph 1.2): checkpoint events carry the call's configurable,
task start events the config's metadata and tags, a node's config its add_node(metadata=...)."""

from __future__ import annotations

from typing import TypedDict

from hitl_notebook.graph import START, StateGraph


class S(TypedDict):
    x: int


def test_checkpoint_events_show_the_calls_configurable_entries(saver):
    graph = StateGraph(S).add_node("a", lambda s: {"x": 2}).add_edge(START, "a").compile(checkpointer=saver)
    events = list(graph.stream({"x": 1}, {"configurable": {"thread_id": "t", "user_id": "u"}, "top": 1},
                               stream_mode="checkpoints"))
    configs = [e["config"]["configurable"] for e in events]
    assert [list(c) for c in configs] == [["checkpoint_ns", "thread_id", "user_id", "top", "checkpoint_id"]] * 3
    assert events[1]["parent_config"]["configurable"] == configs[0]
    assert all(set(e["metadata"]) == {"source", "step", "parents"} for e in events)


def test_task_events_carry_user_metadata_node_metadata_and_tags():
    seen = []

    def node(state, config):
        seen.append({k: v for k, v in config["metadata"].items() if not k.startswith("langgraph_")})
        return {"x": 1}

    graph = StateGraph(S).add_node("a", node, metadata={"nm": 1, "thread_id": "n"}).add_edge(START, "a").compile()
    config = {"metadata": {"m": 1}, "tags": ["t", "seq:step:1"], "configurable": {"run_id": "r"}, "extra": "e"}
    starts = [c for c in graph.stream({"x": 0}, config, stream_mode="tasks") if "input" in c]
    assert starts[0]["metadata"] == {"m": 1, "run_id": "r", "nm": 1, "tags": ["t"]}
    assert seen == [{"m": 1, "run_id": "r", "nm": 1, "thread_id": "n"}]


def test_a_task_event_without_metadata_or_tags_has_no_metadata_key():
    graph = StateGraph(S).add_node("a", lambda s: {"x": 1}).add_edge(START, "a").compile()
    starts = [c for c in graph.stream({"x": 0}, stream_mode="tasks") if "input" in c]
    assert "metadata" not in starts[0]


def test_unknown_top_level_config_keys_move_into_configurable():
    seen = []

    def node(state, config):
        seen.append((config["configurable"].get("extra"), "extra" in config))
        return {"x": 1}

    StateGraph(S).add_node("a", node).add_edge(START, "a").compile().invoke({"x": 0}, {"extra": "e"})
    assert seen == [("e", False)]
