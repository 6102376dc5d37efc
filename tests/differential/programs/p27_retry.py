# RetryPolicy (§4.8): a flaky node retried until it passes; exhausted retries; retry_on filter.
import operator
from typing import Annotated, TypedDict

from langgraph.graph import StateGraph, START, END
from langgraph.types import RetryPolicy
from langgraph.checkpoint.memory import InMemorySaver


class S(TypedDict, total=False):
    log: Annotated[list, operator.add]


attempts = []


def flaky_until(n, exc=ConnectionError):
    def flaky(s):
        attempts.append(len(attempts) + 1)
        if len(attempts) < n:
            raise exc(f"attempt {len(attempts)} failed")
        return {"log": [f"ok after {len(attempts)}"]}
    return flaky


def build(fn, policy):
    g = StateGraph(S).add_node("flaky", fn, retry_policy=policy).add_node("after", lambda s: {"log": ["after"]})
    g.add_edge(START, "flaky").add_edge("flaky", "after").add_edge("after", END)
    return g.compile(checkpointer=InMemorySaver())


def run(label, fn, policy):
    attempts.clear()
    cfg = {"configurable": {"thread_id": label}}
    try:
        print(label, "->", build(fn, policy).invoke({"log": []}, cfg), "attempts:", attempts)
    except Exception as e:
        print(label, "->", f"{type(e).__name__}: {e}", "attempts:", attempts)


fast = dict(initial_interval=0.01, jitter=False)
run("passes on 3rd", flaky_until(3), RetryPolicy(max_attempts=5, **fast))
run("exhausted", flaky_until(10), RetryPolicy(max_attempts=3, **fast))
run("no policy", flaky_until(2), None)
run("retry_on ValueError only", flaky_until(2, KeyError), RetryPolicy(max_attempts=3, retry_on=ValueError, **fast))
run("retry_on callable", flaky_until(3, KeyError), RetryPolicy(max_attempts=4, retry_on=lambda e: isinstance(e, KeyError), **fast))
run("default retry_on ValueError", flaky_until(2, ValueError), RetryPolicy(max_attempts=3, **fast))
run("default retry_on ConnectionError", flaky_until(2, ConnectionError), RetryPolicy(max_attempts=3, **fast))
run("list of policies", flaky_until(2, KeyError), [RetryPolicy(max_attempts=2, retry_on=KeyError, **fast)])
p = RetryPolicy()
print("defaults:", p.initial_interval, p.backoff_factor, p.max_interval, p.max_attempts, p.jitter)
print("policy fields:", RetryPolicy._fields)
