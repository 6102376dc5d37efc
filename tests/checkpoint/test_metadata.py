"""get_checkpoint_metadata: which config entries go into a checkpoint's metadata (LangGraph 1.2's rule)."""

from __future__ import annotations

from hitl_notebook.checkpoint.base import EXCLUDED_METADATA_KEYS, get_checkpoint_metadata
from hitl_notebook.pregel._config import checkpoint_metadata_of


def test_plain_values_are_copied_metadata_first_and_never_over_the_checkpoints_own():
    config = {"metadata": {"a": "x", "shared": "from metadata", "obj": {"k": 1}},
              "configurable": {"shared": "from configurable", "n": 1, "f": 0.5, "b": False, "none": None,
                               "lst": [1], "step": 7}}
    merged = get_checkpoint_metadata(config, {"source": "loop", "step": 1})
    assert merged == {"source": "loop", "step": 1, "a": "x", "shared": "from metadata", "n": 1, "f": 0.5, "b": False}
    assert list(merged) == ["source", "step", "a", "shared", "n", "f", "b"]


def test_excluded_dunder_keys_and_nul_characters():
    config = {"metadata": {"__private": 1, "langgraph_node": "n", "s": "a\u0000b"},
              "configurable": {key: "v" for key in EXCLUDED_METADATA_KEYS} | {"__pregel_read": "f", "ok": "yes"}}
    assert get_checkpoint_metadata(config, {"note": "x\u0000"}) == {"note": "x", "s": "ab", "ok": "yes"}
    assert get_checkpoint_metadata({}, {"step": 1}) == {"step": 1}


def test_a_runs_config_adds_propagated_ids_and_unknown_top_level_keys():
    config = {"configurable": {"thread_id": "t", "run_id": "r", "user_id": "u"}, "metadata": {"m": 1},
              "tags": ["t"], "run_name": "name", "recursion_limit": 5, "extra": "e", "empty": []}
    assert checkpoint_metadata_of(config) == {"m": 1, "run_id": "r", "user_id": "u", "extra": "e"}
    assert list(checkpoint_metadata_of(config)) == ["m", "run_id", "user_id", "extra"]
    assert checkpoint_metadata_of({"configurable": {"thread_id": "t"}}) == {}
