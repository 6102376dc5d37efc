"""Every example notebook is valid nbformat and imports only the public API."""

from __future__ import annotations

from pathlib import Path

import nbformat
import pytest

EXAMPLES = sorted((Path(__file__).resolve().parents[2] / "examples").glob("*.ipynb"))
# Examples of driving code written for the real `langgraph` / `langchain` packages: they import langgraph on purpose.
LANGGRAPH_CODE = {"09_langchain_agent_review"}


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_example_is_valid_and_uses_public_modules(path: Path):
    notebook = nbformat.read(path, as_version=4)
    nbformat.validate(notebook)
    source = "\n".join(cell.source for cell in notebook.cells if cell.cell_type == "code")
    assert "hitl_notebook" in source
    if path.stem not in LANGGRAPH_CODE:
        assert "import langgraph" not in source and "from langgraph" not in source
    assert "._" not in source.replace("__", ""), "examples use only public modules"


def test_there_are_examples():
    assert len(EXAMPLES) >= 8
