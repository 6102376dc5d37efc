"""entrypoint_tasks_200: a functional-API workflow calling 200 @task functions, then an interrupt and a resume."""

from bench._util import expect, fresh_config

NAME = "entrypoint_tasks_200"
N_TASKS = 200
DESCRIPTION = (f"@entrypoint with InMemorySaver launches {N_TASKS} @task calls (futures collected afterwards), "
               "interrupts for review, then resumes; the resume must reuse every cached task result")


def build(engine):
    @engine.task
    def square(i: int) -> int:
        return i * i

    @engine.entrypoint(checkpointer=engine.InMemorySaver())
    def workflow(n: int) -> dict:
        futures = [square(i) for i in range(n)]
        total = sum(f.result() for f in futures)
        approved = engine.interrupt({"total": total})
        return {"total": total, "approved": approved}

    return workflow


def run(engine, graph) -> None:
    config = fresh_config()
    graph.invoke(N_TASKS, config)
    graph.invoke(engine.Command(resume=True), config)


def check(engine, graph):
    config = fresh_config()
    first = graph.invoke(N_TASKS, config)
    expect(list(first) == ["__interrupt__"], f"expected a pending interrupt, got {first!r}")
    resumed = list(graph.stream(engine.Command(resume=True), config))
    expected_total = sum(i * i for i in range(N_TASKS))
    expect(resumed == [{"workflow": {"total": expected_total, "approved": True}}],
           f"resume re-ran tasks or returned the wrong value: {resumed[:3]!r}")
    return {"first": sorted(first), "resumed": resumed}
