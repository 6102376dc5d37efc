"""Build an "engine" namespace from either hitl_notebook or langgraph.

Workloads only touch the names listed in ``NAMES``, so the same workload code
runs unchanged on both libraries.
"""

from __future__ import annotations

import importlib
from types import SimpleNamespace

ENGINES = ("hitl_notebook", "langgraph")

# attribute -> (module suffix, attribute name in that module)
NAMES = {
    "StateGraph": ("graph", "StateGraph"),
    "START": ("graph", "START"),
    "END": ("graph", "END"),
    "Send": ("types", "Send"),
    "Command": ("types", "Command"),
    "interrupt": ("types", "interrupt"),
    "InMemorySaver": ("checkpoint.memory", "InMemorySaver"),
    "entrypoint": ("func", "entrypoint"),
    "task": ("func", "task"),
}


def load(name: str) -> SimpleNamespace:
    """Import the names workloads need from ``name`` ("hitl_notebook" or "langgraph")."""
    if name not in ENGINES:
        raise ValueError(f"unknown engine {name!r}; expected one of {ENGINES}")
    ns = SimpleNamespace(name=name)
    for attr, (mod, member) in NAMES.items():
        module = importlib.import_module(f"{name}.{mod}")
        setattr(ns, attr, getattr(module, member))
    return ns


def available() -> dict[str, SimpleNamespace | Exception]:
    """Every engine that imports, mapped to its namespace (or the import error).

    A missing ``langgraph`` package is left out entirely; any other failure is
    reported as the exception so the caller can print it.
    """
    out: dict[str, SimpleNamespace | Exception] = {}
    for name in ENGINES:
        try:
            out[name] = load(name)
        except ModuleNotFoundError as exc:
            if name == "langgraph" and exc.name and exc.name.split(".")[0] == "langgraph":
                continue
            out[name] = exc
        except Exception as exc:  # noqa: BLE001 - reported to the user
            out[name] = exc
    return out
