"""Persistent worker processes of the runner and the fresh processes of the memory runs.

Four kinds of worker speak one protocol (a command line in, a JSON line out):
  c       build/.../bench_worker: fst24's C API        ("INNER TASK ARGS...")
  librmn  librmn_worker LIBRMN.so: librmn's C API      (same)
  py      python worker.py fst24 (this interpreter)    ({"task", "args", "inner"})
  peers   python worker.py peers (the peers' venv)      (same)
"""
from __future__ import annotations

import json
import os
import select
import subprocess
import sys
from pathlib import Path
from typing import Any, Dict, List, Optional

HERE = Path(__file__).resolve().parent
WORKER_PY = HERE / "worker.py"


class WorkerError(Exception):
    """A worker died, timed out or could not start."""


class Worker:
    def __init__(self, kind: str, argv: List[str], env: Optional[Dict[str, str]] = None,
                 timeout: float = 1800.0) -> None:
        self.kind = kind
        self.argv = argv
        self.env = env
        self.timeout = timeout
        self.proc: Optional[subprocess.Popen[str]] = None
        self.hello: Dict[str, Any] = {}

    def start(self) -> None:
        env = dict(os.environ)
        if self.env:
            env.update(self.env)
        self.proc = subprocess.Popen(self.argv, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.DEVNULL, text=True, bufsize=1, env=env)
        first = self._read(120.0)
        if not first.get("ready"):
            self.stop()
            raise WorkerError(first.get("error", f"{self.kind} worker did not start"))
        self.hello = first

    def _read(self, timeout: float) -> Dict[str, Any]:
        assert self.proc is not None and self.proc.stdout is not None
        ready, _, _ = select.select([self.proc.stdout], [], [], timeout)
        if not ready:
            self.stop()
            raise WorkerError(f"{self.kind} worker timed out after {timeout:.0f} s")
        line = self.proc.stdout.readline()
        if not line:
            code = self.proc.poll()
            self.proc = None
            raise WorkerError(f"{self.kind} worker exited (status {code})")
        return dict(json.loads(line))

    def run(self, task: str, args: Dict[str, Any], inner: int) -> Dict[str, Any]:
        if self.proc is None or self.proc.poll() is not None:
            self.start()
        assert self.proc is not None and self.proc.stdin is not None
        if self.kind in ("c", "librmn"):
            words = [str(inner), task] + [str(a) for a in args.get("argv", [])]
            line = " ".join(words)
        else:
            line = json.dumps({"task": task, "args": args, "inner": inner})
        try:
            self.proc.stdin.write(line + "\n")
            self.proc.stdin.flush()
        except BrokenPipeError:
            self.proc = None
            raise WorkerError(f"{self.kind} worker exited") from None
        return self._read(self.timeout)

    def stop(self) -> None:
        p, self.proc = self.proc, None
        if p is None:
            return
        try:
            if p.stdin:
                p.stdin.write("quit\n" if self.kind in ("c", "librmn") else '{"task": "quit"}\n')
                p.stdin.flush()
            p.wait(timeout=10)
        except Exception:
            p.kill()
            p.wait()


def python_worker(kind: str, python: str, side: Optional[str] = None) -> Worker:
    side = side or ("fst24" if kind == "py" else "peers")
    # the worker must not pick up this repository's python/ sources or a stray fst24 in the peers' venv
    return Worker(kind, [python, "-u", str(WORKER_PY), side], env={"PYTHONDONTWRITEBYTECODE": "1"})


def rss_run(python: str, side: str, task: str, args: Dict[str, Any], timeout: float = 1800.0) -> Dict[str, Any]:
    """One task once in a fresh process: {"peak_kb", "bytes", ...} or {"error"}."""
    spec = json.dumps({"task": task, "args": args})
    try:
        p = subprocess.run([python, str(WORKER_PY), side, "--rss", spec], capture_output=True, text=True,
                           timeout=timeout)
    except subprocess.TimeoutExpired:
        return {"error": f"timed out after {timeout:.0f} s"}
    lines = [ln for ln in p.stdout.splitlines() if ln.startswith("{")]
    if not lines:
        return {"error": f"exit status {p.returncode}: {p.stderr.strip()[-300:]}"}
    return dict(json.loads(lines[-1]))


def this_python() -> str:
    return sys.executable
