"""Version bookkeeping of a run's checkpoints (pregel/_versions.py): what the hot-path shortcuts must keep."""

from __future__ import annotations

import copy
import operator
from typing import Annotated, TypedDict

from hitl_notebook.checkpoint.memory import InMemorySaver
from hitl_notebook.graph import END, START, StateGraph
from hitl_notebook.pregel._versions import version_number


class S(TypedDict, total=False):
    log: Annotated[list, operator.add]
    n: int


class KeepingSaver(InMemorySaver):
    """Keeps every checkpoint dict it is given by reference, next to a deep copy taken when it arrived."""

    def __init__(self) -> None:
        super().__init__()
        self.kept: list[tuple[dict, dict]] = []

    def put(self, config, checkpoint, metadata, new_versions):
        self.kept.append((checkpoint, copy.deepcopy(checkpoint)))
        return super().put(config, checkpoint, metadata, new_versions)


def loop_graph(saver):
    g = StateGraph(S)
    g.add_node("a", lambda s: {"log": ["a"], "n": s.get("n", 0) + 1})
    g.add_node("b", lambda s: {"log": ["b"]})
    g.add_edge(START, "a").add_edge("a", "b")
    g.add_conditional_edges("b", lambda s: "a" if s["n"] < 3 else END, ["a", END])
    return g.compile(checkpointer=saver)


def test_saved_checkpoints_never_change_after_put():
    saver = KeepingSaver()
    loop_graph(saver).invoke({"log": []}, {"configurable": {"thread_id": "t"}})
    assert len(saver.kept) > 5
    for given, at_put in saver.kept:  # versions_seen entries are replaced, never edited in place
        assert given == at_put


def test_versions_of_a_run_increase_and_forks_do_not_collide():
    saver = InMemorySaver()
    app = loop_graph(saver)
    cfg = {"configurable": {"thread_id": "t"}}
    app.invoke({"log": []}, cfg)
    history = list(app.get_state_history(cfg))
    versions = [saver.get_tuple(h.config).checkpoint["channel_versions"] for h in reversed(history)]
    tops = [max(map(version_number, v.values()), default=0) for v in versions]
    assert tops == sorted(tops) and len(set(tops)) == len(tops)
    # two replays from the same checkpoint write the same counters, yet different versions
    start = history[-3].config
    app.invoke(None, start)
    first = saver.get_tuple(cfg).checkpoint["channel_versions"]
    app.invoke(None, start)
    second = saver.get_tuple(cfg).checkpoint["channel_versions"]
    assert {k: version_number(v) for k, v in first.items()} == {k: version_number(v) for k, v in second.items()}
    assert first["log"] != second["log"]


def test_updated_channels_leave_out_consumed_triggers_and_open_barriers():
    saver = InMemorySaver()
    g = StateGraph(S)
    g.add_node("a", lambda s: {"log": ["a"]}).add_node("b", lambda s: {"log": ["b"]})
    g.add_node("slow", lambda s: {"log": ["slow"]}).add_node("join", lambda s: {"log": ["join"]})
    g.add_edge(START, "a").add_edge(START, "slow").add_edge("a", "b")
    g.add_edge(["b", "slow"], "join")
    app = g.compile(checkpointer=saver)
    cfg = {"configurable": {"thread_id": "t"}}
    app.invoke({"log": []}, cfg)
    by_step = {h.metadata["step"]: saver.get_tuple(h.config).checkpoint["updated_channels"]
               for h in app.get_state_history(cfg)}
    assert by_step[1] == ["branch:to:b", "log"]  # a's and slow's triggers were consumed; the barrier is half set
    assert by_step[2] == ["join:b+slow:join", "log"]  # now complete
    assert "join:b+slow:join" not in by_step[3]


def test_no_versions_without_a_saver():
    app = loop_graph(None)
    run = app._run({"log": []}, None, frozenset({"values"}), None, None, None, None, None, False, None)
    list(run)
    assert run.store.versions == {} and run.store.seen == {}
