"""``python -m bench``: time every workload on hitl_notebook and (if installed) langgraph.

Options:
  --quick          fewer repeats (smoke run)
  --repeats N      minimum timed repeats per workload and engine (default 11, 3 with --quick)
  --min-time S     keep repeating (up to 100 runs) until the runs add up to S seconds (default 1, 0 with --quick)
  --only NAME      run only this workload (repeatable, or comma-separated)
  --json PATH      also write the results as JSON
  --engines LIST   comma-separated subset of hitl_notebook,langgraph
  --profile        after timing, cProfile hitl_notebook on the selected workloads (top 15 by cumulative time)
"""

from __future__ import annotations

import argparse
import cProfile
import gc
import io
import json
import platform
import pstats
import statistics
import sys
import time
import traceback

from bench import WORKLOADS
from bench._engines import ENGINES, available

TARGET = 5.0
HITL, LG = ENGINES


def _first_difference(a, b, path="result"):
    """Path and values of the first place two nested structures differ, or None."""
    if type(a) is not type(b) and not (isinstance(a, (list, tuple)) and isinstance(b, (list, tuple))):
        return path, a, b
    if isinstance(a, dict):
        for k in list(a) + [k for k in b if k not in a]:
            if k not in a or k not in b:
                return f"{path}[{k!r}]", a.get(k, "<missing>"), b.get(k, "<missing>")
            d = _first_difference(a[k], b[k], f"{path}[{k!r}]")
            if d:
                return d
        return None
    if isinstance(a, (list, tuple)):
        for i, (x, y) in enumerate(zip(a, b)):
            d = _first_difference(x, y, f"{path}[{i}]")
            if d:
                return d
        if len(a) != len(b):
            return f"len({path})", len(a), len(b)
        return None
    return None if a == b else (path, a, b)


def _short(x, n=200):
    r = repr(x)
    return r if len(r) <= n else r[:n] + "…"


def _time_interleaved(workload, runs: dict, repeats: int, min_time: float, max_repeats: int) -> dict:
    """Time ``workload.run`` on every engine in ``runs`` ({name: (engine, graph)}).

    Each engine gets one warm-up run, then timed runs in alternating rounds (one run per engine per
    round) so background load hits all engines alike.  An engine stops once it has at least
    ``repeats`` runs and either they add up to ``min_time`` seconds or it has ``max_repeats`` runs.
    Returns {name: [seconds, ...]} or {name: exception} for an engine that raised.
    """
    out: dict = {}
    for name, (engine, graph) in runs.items():
        try:
            workload.run(engine, graph)  # warm-up
            out[name] = []
        except Exception as exc:  # noqa: BLE001 - reported by the caller
            traceback.print_exc(file=sys.stderr)
            out[name] = exc

    def wants_more(times) -> bool:
        return isinstance(times, list) and (
            len(times) < repeats or (sum(times) < min_time and len(times) < max_repeats))

    while any(wants_more(t) for t in out.values()):
        for name, (engine, graph) in runs.items():
            times = out[name]
            if not wants_more(times):
                continue
            gc.collect()
            try:
                t0 = time.perf_counter()
                workload.run(engine, graph)
                times.append(time.perf_counter() - t0)
            except Exception as exc:  # noqa: BLE001
                traceback.print_exc(file=sys.stderr)
                out[name] = exc
    return out


def _fmt_time(t):
    if t is None:
        return "—"
    return f"{t * 1e3:.2f} ms" if t < 1 else f"{t:.3f} s"


def _fmt_ratio(r):
    if r is None:
        return "—"
    return f"{r:.1f}x faster" if r >= 1 else f"{r:.2f}x (slower)"


def _profile(workload, engine, graph, top=15) -> str:
    workload.run(engine, graph)  # warm-up
    prof = cProfile.Profile()
    prof.enable()
    for _ in range(3):
        workload.run(engine, graph)
    prof.disable()
    buf = io.StringIO()
    pstats.Stats(prof, stream=buf).sort_stats("cumulative").print_stats(top)
    return buf.getvalue()


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(prog="python -m bench", description=__doc__,
                                 formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--quick", action="store_true", help="fewer repeats, for a smoke run")
    ap.add_argument("--repeats", type=int, default=None, help="timed repeats (default 11, or 3 with --quick)")
    ap.add_argument("--min-time", type=float, default=None, metavar="SECONDS",
                    help="keep repeating (up to 100 runs) until the timed runs add up to this "
                         "(default 1.0, or 0 with --quick)")
    ap.add_argument("--only", action="append", default=[], metavar="NAME", help="run only this workload")
    ap.add_argument("--json", metavar="PATH", help="write results as JSON to PATH")
    ap.add_argument("--engines", default=",".join(ENGINES), help="comma-separated engines to run")
    ap.add_argument("--profile", action="store_true", help="cProfile hitl_notebook on each selected workload")
    args = ap.parse_args(argv)

    repeats = args.repeats or (3 if args.quick else 11)
    min_time = args.min_time if args.min_time is not None else (0.0 if args.quick else 1.0)
    max_repeats = max(repeats, 100)
    by_name = {w.NAME: w for w in WORKLOADS}
    only = [n for item in args.only for n in item.split(",") if n]
    unknown = [n for n in only if n not in by_name]
    if unknown:
        ap.error(f"unknown workload(s) {unknown}; choose from {sorted(by_name)}")
    workloads = [by_name[n] for n in only] if only else list(WORKLOADS)

    wanted = [e for e in args.engines.split(",") if e]
    engines = {}
    for name, ns in available().items():
        if name not in wanted:
            continue
        if isinstance(ns, Exception):
            print(f"ERROR: cannot import engine {name}: {type(ns).__name__}: {ns}", file=sys.stderr)
            if name == HITL:
                return 2
            continue
        engines[name] = ns
    if LG in wanted and LG not in engines:
        print("note: langgraph is not importable; timing hitl_notebook only", file=sys.stderr)

    versions = {}
    for name in engines:
        try:
            from importlib.metadata import version
            versions[name] = version(name)
        except Exception:  # noqa: BLE001 - e.g. hitl_notebook run from a checkout, not installed
            versions[name] = getattr(sys.modules.get(name), "__version__", "?")
    print(f"python {platform.python_version()} ({platform.python_implementation()}), "
          f"{', '.join(f'{k} {v}' for k, v in versions.items())}; >= {repeats} repeats "
          f"(until {min_time:g}s of runs, at most {max_repeats}), median", file=sys.stderr)

    results = []
    problems = []
    for w in workloads:
        res = {"workload": w.NAME, "description": getattr(w, "DESCRIPTION", ""), "engines": {}, "ok": True}
        graphs, summaries = {}, {}
        for name, eng in engines.items():
            entry = res["engines"][name] = {"median_s": None, "times_s": [], "error": None}
            try:
                graphs[name] = w.build(eng)
                summaries[name] = w.check(eng, graphs[name])
            except Exception as exc:  # noqa: BLE001 - reported
                entry["error"] = f"{type(exc).__name__}: {exc}"
                res["ok"] = False
                msg = f"ERROR [{w.NAME}] {name} failed its correctness check: {entry['error']}"
                problems.append(msg)
                print(msg, file=sys.stderr)
                traceback.print_exc(file=sys.stderr)
        if HITL in summaries and LG in summaries:
            diff = _first_difference(summaries[HITL], summaries[LG])
            if diff:
                res["ok"] = False
                path, a, b = diff
                msg = (f"ERROR [{w.NAME}] engines disagree at {path}:\n"
                       f"    hitl_notebook: {_short(a)}\n    langgraph:     {_short(b)}")
                res["mismatch"] = {"path": path, HITL: _short(a, 1000), LG: _short(b, 1000)}
                problems.append(msg)
                print(msg, file=sys.stderr)
        # never time a run that failed its own check
        runs = {name: (eng, graphs[name]) for name, eng in engines.items() if not res["engines"][name]["error"]}
        for name, times in _time_interleaved(w, runs, repeats, min_time, max_repeats).items():
            entry = res["engines"][name]
            if isinstance(times, Exception):
                entry["error"] = f"{type(times).__name__}: {times}"
                res["ok"] = False
                problems.append(f"ERROR [{w.NAME}] {name} raised while timing: {entry['error']}")
                continue
            entry["times_s"] = times
            entry["median_s"] = statistics.median(times)
            entry["min_s"] = min(times)
            print(f"  {w.NAME:<28} {name:<14} median {_fmt_time(entry['median_s'])}  (n={len(times)}, "
                  f"min {_fmt_time(min(times))}, max {_fmt_time(max(times))})", file=sys.stderr)
        h = res["engines"].get(HITL, {}).get("median_s")
        lg = res["engines"].get(LG, {}).get("median_s")
        res["ratio"] = lg / h if h and lg else None
        h_min = res["engines"].get(HITL, {}).get("min_s")
        lg_min = res["engines"].get(LG, {}).get("min_s")
        res["ratio_of_min"] = lg_min / h_min if h_min and lg_min else None
        results.append(res)
        if args.profile and HITL in graphs and not res["engines"][HITL]["error"]:
            print(f"\n--- cProfile: hitl_notebook {w.NAME} (3 runs, top 15 by cumulative) ---")
            print(_profile(w, engines[HITL], graphs[HITL]))

    # table
    headers = ["workload", "hitl_notebook", "langgraph", "langgraph/hitl", "ratio of min times", "status"]
    rows = []
    for r in results:
        e = r["engines"]
        status = "ok" if r["ok"] else ("MISMATCH" if "mismatch" in r else "ERROR")
        if r["ok"] and r["ratio"] is not None and r["ratio"] < TARGET:
            status = f"below {TARGET:g}x target"
        rows.append([r["workload"],
                     "ERROR" if e.get(HITL, {}).get("error") else _fmt_time(e.get(HITL, {}).get("median_s")),
                     "ERROR" if e.get(LG, {}).get("error") else _fmt_time(e.get(LG, {}).get("median_s")),
                     _fmt_ratio(r["ratio"]), _fmt_ratio(r["ratio_of_min"]), status])
    widths = [max(len(str(x)) for x in col) for col in zip(headers, *rows)]
    line = lambda cells: "| " + " | ".join(str(c).ljust(w) for c, w in zip(cells, widths)) + " |"  # noqa: E731
    print()
    print(line(headers))
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for row in rows:
        print(line(row))
    print(f"\n(times are medians of >= {repeats} timed runs per engine after one warm-up, engines interleaved, "
          f"more runs until {min_time:g}s, at most {max_repeats}; langgraph/hitl = ratio of medians, the "
          f"target is >= {TARGET:g}x; ratio of min times is the less load-sensitive ratio of fastest runs)")

    if args.json:
        with open(args.json, "w") as f:
            json.dump({"python": platform.python_version(), "versions": versions, "repeats": repeats,
                       "min_time_s": min_time, "max_repeats": max_repeats,
                       "target_ratio": TARGET, "results": results}, f, indent=2)
        print(f"wrote {args.json}", file=sys.stderr)

    if problems:
        print("\nPROBLEMS:", file=sys.stderr)
        for p in problems:
            print("  " + p.replace("\n", "\n  "), file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
