"""A benchmark worker process: runs the tasks bench/run.py sends it, one JSON line per
command on stdin, one JSON line per answer on stdout.

    python worker.py fst24|peers            persistent worker (timings)
    python worker.py fst24|peers --rss JSON  one task once in this fresh process: peak memory

The same file runs in the fst24 venv (``fst24`` tasks, module tasks_fst24) and in the
peers' venv with numpy<2 (``peers`` tasks: rpnpy and fstd2nc, module tasks_peers); it
imports only the module of its side.

Command:  {"task": "NAME", "args": {...}, "inner": N}
Answer:   {"s": seconds per run (mean of N), "cpu": CPU seconds of the process per run, "n": N,
           "bytes": bytes produced per run,
           "info": "what was done"}   or   {"error": "Type: message"}

A task is a function ``task(**args) -> (bytes, info)``; whatever it needs across runs (open
files, record lists) it caches itself, so the runner's first (warm-up) call pays for it.
"""
from __future__ import annotations

import gc
import importlib
import json
import os
import sys
import time
import traceback
from typing import Any, Callable, Dict

HERE = os.path.dirname(os.path.abspath(__file__))


def load_tasks(side: str) -> Dict[str, Callable[..., Any]]:
    sys.path.insert(0, HERE)
    mod = importlib.import_module("tasks_fst24" if side == "fst24" else "tasks_peers")
    return dict(mod.TASKS)


def status_kb(field: str) -> int:
    with open("/proc/self/status") as fh:
        for line in fh:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return -1


def run_rss(tasks: Dict[str, Callable[..., Any]], spec: Dict[str, Any]) -> Dict[str, Any]:
    """Run one task once and report the peak resident memory it added to this process.

    The baseline is taken after the imports and the task's own set-up (``setup`` in args:
    a task named ``NAME`` may have a ``NAME.setup`` that, e.g., opens the file); the peak
    is reset through /proc/self/clear_refs so that only the task counts. The task's result
    stays alive until the peak is read (it is what the caller would hold)."""
    fn = tasks[spec["task"]]
    args = dict(spec.get("args", {}))
    setup = tasks.get(spec["task"] + ".setup")
    if setup is not None:
        setup(**args)
    gc.collect()
    base = status_kb("VmRSS")
    try:
        with open("/proc/self/clear_refs", "w") as fh:
            fh.write("5")
        reset = True
    except OSError:
        reset = False
    t0 = time.perf_counter()
    result = fn(**args)
    elapsed = time.perf_counter() - t0
    peak = status_kb("VmHWM")
    nbytes, info = result[0], result[1]
    out = {"peak_kb": peak - base, "base_kb": base, "reset": reset, "bytes": nbytes, "info": info,
           "s": elapsed}
    del result
    return out


def serve(tasks: Dict[str, Callable[..., Any]]) -> None:
    out = sys.stdout
    out.write(json.dumps({"ready": True, "pid": os.getpid()}) + "\n")
    out.flush()
    for line in sys.stdin:
        line = line.strip()
        if not line:
            continue
        cmd = json.loads(line)
        if cmd.get("task") == "quit":
            break
        try:
            fn = tasks[cmd["task"]]
            args = cmd.get("args", {})
            inner = max(int(cmd.get("inner", 1)), 1)
            gc.collect()
            result: Any = None
            t0, c0 = time.perf_counter(), time.process_time()
            for _ in range(inner):
                result = None  # the previous run's output is freed before the next starts
                result = fn(**args)
            elapsed = (time.perf_counter() - t0) / inner
            cpu = (time.process_time() - c0) / inner
            nbytes, info = result[0], result[1]
            del result
            answer = {"s": elapsed, "cpu": cpu, "n": inner, "bytes": int(nbytes), "info": str(info)}
        except Exception as e:  # reported to the runner, which notes it in the report
            answer = {"error": f"{type(e).__name__}: {e}",
                      "trace": traceback.format_exc(limit=4)[-1500:]}
        out.write(json.dumps(answer) + "\n")
        out.flush()


def main() -> None:
    side = sys.argv[1]
    try:
        tasks = load_tasks(side)
    except Exception as e:
        print(json.dumps({"error": f"cannot load the {side} tasks: {type(e).__name__}: {e}"}))
        sys.stdout.flush()
        sys.exit(1)
    if len(sys.argv) > 3 and sys.argv[2] == "--rss":
        try:
            print(json.dumps(run_rss(tasks, json.loads(sys.argv[3]))))
        except Exception as e:
            print(json.dumps({"error": f"{type(e).__name__}: {e}"}))
        return
    serve(tasks)


if __name__ == "__main__":
    main()
