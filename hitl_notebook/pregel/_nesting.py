"""Graphs run inside a running task (subgraph nodes, or ``graph.invoke`` in a node): namespaces and resumes.

As LangGraph 1.2: a nested graph shares its parent's thread and checkpointer and stores its checkpoints under the
task's namespace (``node:task_id``). ``compile(checkpointer=True)`` drops the task ids from that namespace, so the
subgraph finds its own state again on the next turn of the thread; ``checkpointer=False`` saves nothing.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from ..types import Command
from ._channels import MISSING
from ._context import TaskRuntime
from ._loop import Run

if TYPE_CHECKING:
    from .main import Pregel

NS_SEP, NS_END = "|", ":"
PREGEL_READ = "__pregel_read"


def stateful_ns(ns: str) -> str:
    """The namespace of a ``checkpointer=True`` subgraph: the task's, without task ids."""
    return NS_SEP.join(part.split(NS_END)[0] for part in ns.split(NS_SEP))


def own_config(graph: "Pregel", config: dict[str, Any]) -> dict[str, Any]:
    """``config`` addressing the checkpoints of ``graph``: a ``checkpointer=True`` subgraph keeps them under its
    namespace without task ids, so the ``node:task_id`` namespace its task shows finds them (LangGraph 1.2)."""
    ns = (config.get("configurable") or {}).get("checkpoint_ns")
    if graph.checkpointer is not True or not ns or NS_END not in ns:
        return config
    return {**config, "configurable": {**config["configurable"], "checkpoint_ns": stateful_ns(ns)}}


def recast_ns(ns: str) -> str:
    """Node names only (task ids and call counters dropped), to find the subgraph a namespace belongs to."""
    return NS_SEP.join(part.split(NS_END)[0] for part in ns.split(NS_SEP) if not part.isdigit())


def addresses_own_thread(config: dict[str, Any]) -> bool:
    """A graph invoked in a node with its own thread or checkpoint coordinates runs as a root graph (LangGraph 1.2
    starts such a config afresh); a node passing its own config on stays nested."""
    configurable = config.get("configurable") or {}
    if PREGEL_READ in configurable:
        return False
    return any(configurable.get(k) for k in ("thread_id", "checkpoint_ns", "checkpoint_id", "checkpoint_map"))


def nested_run(graph: "Pregel", parent: TaskRuntime, input: Any, config: dict[str, Any], modes: frozenset[str],
               options: dict[str, Any]) -> Run:
    """The ``Run`` of ``graph`` invoked inside the task ``parent``.

    It continues from its own saved checkpoint (input ignored, as LangGraph's ``RESUMING`` flag) when the parent
    is continuing a saved step or retrying the task; otherwise its input is applied afresh.
    """
    outer: Run = parent.run
    task_ns = parent.config["configurable"]["checkpoint_ns"]
    # The task's segments below its graph: one for a node, two or more for a @task call (nested under its caller,
    # as LangGraph 1.2 streams them).
    own = task_ns[len(outer.store.ns) + 1:] if outer.store.ns else task_ns
    namespace = (*outer.namespace, *own.split(NS_SEP))
    count, parent.graph_calls = parent.graph_calls, parent.graph_calls + 1
    if count:  # a task's later graph calls each keep their own checkpoints (LangGraph 1.2's "|<n>" suffix)
        task_ns, namespace = f"{task_ns}{NS_SEP}{count}", (*namespace, str(count))
    ns = stateful_ns(task_ns) if graph.checkpointer is True else task_ns
    if graph.checkpointer is True:  # its stream namespace drops the task ids too, as LangGraph 1.2
        namespace = tuple(ns.split(NS_SEP))
    # As LangGraph 1.2, the nested graph inherits its task's config: the caller's configurable keys (a user_id...)
    # and metadata reach its nodes and its checkpoints' metadata; the call's own config refines them.
    task_config = parent.config
    configurable = {k: v for k, v in {**(task_config.get("configurable") or {}), **(config.get("configurable") or {})}
                    .items() if k not in ("checkpoint_id", "checkpoint_map", PREGEL_READ)}
    thread_id = (outer.config.get("configurable") or {}).get("thread_id")
    if thread_id is not None:  # as LangGraph 1.2: no thread_id key under a parent run without one
        configurable["thread_id"] = thread_id
    configurable["checkpoint_ns"] = ns
    metadata = {**(task_config.get("metadata") or {}), **(config.get("metadata") or {})}
    config = {**{k: v for k, v in outer.config.items() if k not in ("configurable", "metadata")}, **config,
              "configurable": configurable, "metadata": metadata}
    if graph.checkpointer is False or thread_id is None:
        saver = False  # as LangGraph 1.2: under a parent run with no thread, a nested graph saves nothing
    elif graph.checkpointer is True:
        saver = outer.store.saver
    else:
        saver = graph.checkpointer or outer.store.saver
    single = parent.single_answer
    store = outer.store
    # The checkpoints of every enclosing graph (and of a calling @task's caller), as the task's config names them.
    parents = dict(task_config["configurable"].get("checkpoint_map")
                   or {**store.parents, store.ns: store.checkpoint_id})
    if saver and (outer.resuming or parent.retrying) and not isinstance(input, Command):
        saved = saver.get_tuple(config)
        # Only a checkpoint written under this same parent checkpoint is this call's own, unfinished run. A
        # checkpointer=True subgraph's checkpoint from an earlier turn is not: LangGraph continues that one too,
        # returning the earlier turn's answers instead of asking again; here the new input runs.
        if saved is not None and saved.metadata.get("parents") == parents:
            input = Command(resume=dict(parent.new_answers)) if parent.new_answers else None
    if options.get("durability") is None:
        options["durability"] = outer.store.durability
    run = Run(graph, input, config, modes, parent=outer, saver=saver, parents=parents,
              namespace=namespace, **options)
    if single is not MISSING:
        # A resume value nobody above was waiting for reaches the first interrupt() in here (LangGraph 1.2).
        run._resume_single, parent.single_answer = single, MISSING
    return run


def subgraph_for(graph: "Pregel", config: dict[str, Any], *, for_update: bool = False) -> "Pregel | None":
    """The subgraph node a state method's namespaced config (``checkpoint_ns``) addresses, as LangGraph 1.2.

    ``None`` for the graph's own namespace, or (reads only) for a namespace that names no declared subgraph, such
    as a graph invoked inside a node function: then the graph reads it with its own channels.

    Raises:
        ValueError: ``for_update`` and no such subgraph: writing this graph's channels there would corrupt it.
    """
    ns = (config.get("configurable") or {}).get("checkpoint_ns") or ""
    if not ns:
        return None
    target = recast_ns(ns)
    found = dict(_subgraphs(graph, "")).get(target)
    if found is None and for_update:
        raise ValueError(f"Subgraph {target} not found")
    return found


def _subgraphs(graph: "Pregel", prefix: str) -> list[tuple[str, "Pregel"]]:
    found = []
    for name, node in graph.nodes.items():
        child = node.subgraph
        if child is not None:
            path = f"{prefix}{NS_SEP}{name}" if prefix else name
            found.append((path, child))
            found.extend(_subgraphs(child, path))
    return found
