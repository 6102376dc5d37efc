"""binder/ stays in step with pyproject.toml, so the examples launch on Binder with what they import."""

from __future__ import annotations

import ast
import importlib.metadata
import os
import re
import sys
from pathlib import Path

import nbformat
import pytest
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet
from packaging.utils import canonicalize_name

tomllib = pytest.importorskip("tomllib" if sys.version_info >= (3, 11) else "tomli")

ROOT = Path(__file__).resolve().parents[1]
BINDER = ROOT / "binder"
BINDER_ONLY = {"jupyterlab"}  # what Binder needs to serve the notebooks, beyond the package's own dependencies


def _project() -> dict:
    return tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]


def _binder_requirements() -> dict[str, Requirement]:
    lines = (BINDER / "requirements.txt").read_text(encoding="utf-8").splitlines()
    reqs = [Requirement(line.split("#")[0].strip()) for line in lines if line.split("#")[0].strip()]
    return {canonicalize_name(r.name): r for r in reqs}


def test_binder_requires_exactly_the_runtime_and_examples_dependencies_plus_jupyterlab():
    project = _project()
    needed = [*project["dependencies"], *project["optional-dependencies"]["examples"]]
    runtime = {canonicalize_name(r.name): r for r in map(Requirement, needed)}
    binder = _binder_requirements()
    assert set(binder) == set(runtime) | BINDER_ONLY, "edit binder/requirements.txt to match pyproject.toml"
    for name, req in runtime.items():
        assert binder[name].specifier == req.specifier, f"{name}: binder says {binder[name]}, pyproject says {req}"


def test_binder_python_satisfies_requires_python():
    version = re.fullmatch(r"python-(\d+\.\d+)\s*", (BINDER / "runtime.txt").read_text()).group(1)
    assert SpecifierSet(_project()["requires-python"]).contains(version + ".0")


def test_binder_installs_graphviz_and_this_project():
    assert "graphviz" in (BINDER / "apt.txt").read_text().split()  # the `dot` binary the drawings need
    post_build = BINDER / "postBuild"
    assert post_build.read_text().startswith("#!/bin/bash") and os.access(post_build, os.X_OK)
    assert re.search(r"pip install --no-deps -e \.\s*$", post_build.read_text(), re.M)


def _imported_top_level_modules(path: Path) -> set[str]:
    source = "\n".join(c.source for c in nbformat.read(path, as_version=4).cells if c.cell_type == "code")
    source = "\n".join(line for line in source.splitlines() if not line.lstrip().startswith(("%", "!")))
    modules = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            modules.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0:
            modules.add(node.module.split(".")[0])
    return modules


@pytest.mark.parametrize("path", sorted((ROOT / "examples").glob("*.ipynb")), ids=lambda p: p.stem)
def test_examples_import_only_what_binder_installs(path: Path):
    installed = {canonicalize_name(name) for name in _binder_requirements()}
    distributions = importlib.metadata.packages_distributions()
    for module in _imported_top_level_modules(path) - set(sys.stdlib_module_names) - {"hitl_notebook"}:
        dists = {canonicalize_name(d) for d in distributions.get(module, [module])}
        assert dists & installed, f"{path.name} imports {module!r}; add its package to binder/requirements.txt"
