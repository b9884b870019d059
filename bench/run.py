#!/usr/bin/env python3
"""fst24's benchmark suite: one command, side by side with librmn, rpnpy and fstd2nc.

    python bench/run.py [--quick] [--out docs/performance.md] [--librmn /path/to/librmn.so]

Writes its own inputs with fst24's writer (XDF and RSF; bench/suite/data.py) into a cache
directory ($FST24_BENCH_DATA or build/bench-data), builds the C worker (bench/bench_worker.c)
and measures, in one run:
  * C: open, header pass, search, read + decode (1 and N threads), per-datyp codec
    throughput next to memcpy of the same bytes and a warm read of the file (the limits),
    lat/lon of a rotated grid, the metadata index; librmn's C API too when --librmn (or
    $LIBRMN) names a librmn shared library (never required);
  * Python: open, headers, first and cached rec.data, batch and out= reads, fst24.index ->
    Polars, xr.open_dataset + coordinates + one variable + everything (when the xarray engine
    is installed), beside rpnpy and fstd2nc from a separate venv with numpy<2 (made and cached
    by this script, or build/peers-venv made by tests/run.sh; --peers-python,
    $FST24_BENCH_PEERS_PYTHON or $FST24_PEER_PYTHON point at an existing one);
  * peak RSS of the read paths in fresh processes, against the decoded size;
  * the seed's targets, measured value and met / not met.
Tools of one task are interleaved repetition after repetition; tables give medians and
min-max; every comparison is at equal work and equal thread count (both stated).

--quick: tiny inputs, one repetition, peers only if a peers venv is already there; meant for
CI, where it shows that every task runs (it never fails on timing; it fails only when an
fst24 task itself fails). Without --out the report goes to stdout.
"""
from __future__ import annotations

import argparse
import datetime as _dt
import json
import math
import os
import platform
import re
import shlex
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any, Dict, List, Optional, Tuple

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE / "suite"))

import data as data_mod  # noqa: E402
import plan as plan_mod  # noqa: E402
import plots as plots_mod  # noqa: E402
import report as report_mod  # noqa: E402
from workers import Worker, WorkerError, python_worker, rss_run  # noqa: E402

PEER_PACKAGES = ["numpy<2", "pandas<3", "fstd2nc", "fstd2nc-deps", "xarray", "pyyaml", "dask"]


def log(msg: str) -> None:
    print(f"[bench {time.strftime('%H:%M:%S')}] {msg}", file=sys.stderr, flush=True)


# ---- set-up ------------------------------------------------------------------------------

def build_c_worker(build_dir: Path) -> Path:
    exe = build_dir / "bench_worker"
    if not (build_dir / "CMakeCache.txt").exists():
        log(f"configuring a Release build in {build_dir}")
        subprocess.run(["cmake", "-S", str(ROOT), "-B", str(build_dir), "-DCMAKE_BUILD_TYPE=Release",
                        "-DFST24_BUILD_TESTS=OFF", "-DFST24_BUILD_BENCH=ON"], check=True, stdout=subprocess.DEVNULL)
    subprocess.run(["cmake", "--build", str(build_dir), "-j2", "--target", "bench_worker"], check=True,
                   stdout=subprocess.DEVNULL)
    return exe


def build_librmn_worker(build_dir: Path) -> Path:
    exe = build_dir / "librmn_worker"
    cc = os.environ.get("CC", "cc")
    subprocess.run([cc, "-O2", "-o", str(exe), str(HERE / "librmn_worker.c"), "-ldl"], check=True)
    return exe


def peers_python(args: argparse.Namespace, root: Path) -> Tuple[Optional[str], str]:
    """The peers' interpreter, making the cached venv when needed (not in --quick)."""
    if args.no_peers:
        return None, "not run (--no-peers)"
    # FST24_PEER_PYTHON: the venv tests/run.sh makes (build/peers-venv) for the peer tests
    explicit = (args.peers_python or os.environ.get("FST24_BENCH_PEERS_PYTHON")
                or os.environ.get("FST24_PEER_PYTHON"))
    if explicit:
        if Path(explicit).exists():
            return explicit, f"from {explicit}"
        return None, f"not run: {explicit} does not exist"
    shared = ROOT / "build" / "peers-venv" / "bin" / "python"  # made by tests/run.sh
    if shared.exists():
        return str(shared), f"venv {shared.parent.parent}"
    venv = root / "peers-venv"
    py = venv / "bin" / "python"
    marker = venv / "fst24-bench-ready"
    if py.exists() and marker.exists():
        return str(py), f"cached venv {venv}"
    if args.quick:
        return None, (f"not run: --quick uses peers only when present (no venv at {venv}; run the full "
                      f"benchmark once or set FST24_BENCH_PEERS_PYTHON)")
    log(f"making the peers' venv {venv} ({' '.join(PEER_PACKAGES)}) ...")
    shutil.rmtree(venv, ignore_errors=True)
    base = getattr(sys, "_base_executable", None) or shutil.which("python3") or sys.executable
    try:
        subprocess.run([base, "-m", "venv", str(venv)], check=True, timeout=300, capture_output=True)
        p = subprocess.run([str(py), "-m", "pip", "install", "--quiet", "--disable-pip-version-check"]
                           + PEER_PACKAGES, timeout=1800, capture_output=True, text=True)
        if p.returncode != 0:
            return None, f"not run: pip could not install the peers: {p.stderr.strip()[-300:]}"
    except (subprocess.SubprocessError, OSError) as e:
        return None, f"not run: could not make the peers' venv: {e}"
    marker.write_text(" ".join(PEER_PACKAGES))
    return str(py), f"venv made by this run: {venv}"


def peer_versions(py: str) -> str:
    code = ("import json, importlib\nout = {}\n"
            "for m in ('numpy', 'fstd2nc', 'xarray', 'dask'):\n"
            "    try: out[m] = importlib.import_module(m).__version__\n"
            "    except Exception as e: out[m] = 'absent'\n"
            "try:\n    import fstd2nc, rpnpy.librmn.all as rmn\n"
            "    out['librmn (rpnpy)'] = getattr(rmn.librmn, '_name', '?').split('librmnshared_')[-1].split('-')[0]\n"
            "except Exception as e: out['rpnpy'] = 'absent'\nprint(json.dumps(out))")
    try:
        p = subprocess.run([py, "-c", code], capture_output=True, text=True, timeout=120)
        v = json.loads(p.stdout.strip().splitlines()[-1])
        return ", ".join(f"{k} {val}" for k, val in v.items())
    except Exception as e:
        return f"(versions unknown: {e})"


def environment(args: argparse.Namespace, build_dir: Path) -> Dict[str, Any]:
    import numpy as np

    import fst24
    cpu = "?"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        flags = next((ln for ln in Path("/proc/cpuinfo").read_text().splitlines() if ln.startswith("flags")), "")
        isa = ", ".join(x for x in ("avx2", "avx512f", "fma") if f" {x}" in flags)
    except OSError:
        isa = ""
    mem = "?"
    try:
        kb = int(next(ln for ln in Path("/proc/meminfo").read_text().splitlines() if ln.startswith("MemTotal")).split()[1])
        mem = f"{kb / 1024 / 1024:.1f} GiB"
    except (OSError, StopIteration):
        pass
    compiler = "?"
    cache = build_dir / "CMakeCache.txt"
    if cache.exists():
        m = re.search(r"CMAKE_C_COMPILER:\w+=(.*)", cache.read_text())
        if m:
            try:
                compiler = subprocess.run([m.group(1), "--version"], capture_output=True, text=True).stdout.splitlines()[0]
            except (OSError, IndexError):
                compiler = m.group(1)
    try:
        commit = subprocess.run(["git", "-C", str(ROOT), "describe", "--always", "--dirty"], capture_output=True,
                                text=True).stdout.strip()
    except OSError:
        commit = "?"
    mods = []
    for m in ("polars", "xarray", "dask"):
        try:
            mods.append(f"{m} {__import__(m).__version__}")
        except ImportError:
            mods.append(f"{m} absent")
    return {
        "cpu": f"{cpu} ({isa}), {os.cpu_count()} cores visible",
        "ncpu": os.cpu_count() or 1,
        "memory": mem,
        "kernel": f"{platform.system()} {platform.release()}",
        "compiler": f"{compiler}, Release (-O3), {build_dir}",
        "python": f"Python {platform.python_version()}, numpy {np.__version__}, " + ", ".join(mods),
        "fst24": f"{fst24.__version__} (library {fst24.library_version()}), git {commit}; package "
                 f"{Path(fst24.__file__).parent}",
        "date": _dt.datetime.now().strftime("%Y-%m-%d %H:%M"),
        "load_before": os.getloadavg(),
    }


# ---- measuring ---------------------------------------------------------------------------------

class Pool:
    """The persistent workers, started on first use."""

    def __init__(self, c_exe: Path, librmn: Optional[Tuple[Path, str]], peers: Optional[str]) -> None:
        # "py-apart": a second fst24 Python worker for tasks whose after-effects (Polars'
        # threads after Parquet I/O) would slow the tasks measured after them in one process
        self.defs: Dict[str, Any] = {"c": lambda: Worker("c", [str(c_exe)]),
                                     "py": lambda: python_worker("py", sys.executable),
                                     "py-apart": lambda: python_worker("py-apart", sys.executable, "fst24")}
        if librmn:
            self.defs["librmn"] = lambda: Worker("librmn", [str(librmn[0]), librmn[1]])
        if peers:
            self.defs["peers"] = lambda: python_worker("peers", peers)
        self.live: Dict[str, Worker] = {}

    def get(self, kind: str) -> Worker:
        w = self.live.get(kind)
        if w is None:
            w = self.live[kind] = self.defs[kind]()
        return w

    def stop(self) -> None:
        for w in self.live.values():
            w.stop()
        self.live.clear()


def call(pool: Pool, e: Any, inner: int) -> Dict[str, Any]:
    try:
        r = pool.get(e.worker).run(e.task, e.args, inner)
    except WorkerError as err:
        pool.live.pop(e.worker, None)
        return {"error": str(err)}
    if "error" in r and str(r["error"]).startswith("Skip:"):
        return {"skip": str(r["error"])[5:].strip()}
    return r


def measure_group(pool: Pool, g: Any, repeat: int, sample_s: float, max_inner: int) -> Dict[str, Any]:
    res: Dict[str, Any] = {}
    inner: Dict[str, int] = {}
    for e in g.entries:
        first = call(pool, e, 1)  # warm-up: caches, page cache, set-up of the task
        if "s" not in first:
            res[e.tool] = first
            continue
        second = call(pool, e, 1)
        if "s" not in second:
            res[e.tool] = second
            continue
        t1 = max(second["s"], 1e-9)
        inner[e.tool] = int(min(max(math.ceil(sample_s / t1), 1), max_inner))
        res[e.tool] = {"samples": [], "cpu_samples": [], "info": second.get("info", ""),
                       "bytes": second.get("bytes", 0)}
    live = [e for e in g.entries if e.tool in inner]
    for rep in range(repeat):
        k = rep % max(len(live), 1)
        for e in live[k:] + live[:k]:  # the order turns each repetition
            r = res[e.tool]
            if "error" in r:
                continue
            a = call(pool, e, inner[e.tool])
            if "s" not in a:
                res[e.tool] = a
                continue
            r["samples"].append(a["s"])
            if "cpu" in a:
                r["cpu_samples"].append(a["cpu"])
            r["info"], r["bytes"] = a.get("info", ""), a.get("bytes", 0)
    for e in g.entries:
        r = res.get(e.tool, {})
        s = r.get("samples")
        if s:
            r.update(median=statistics.median(s), min=min(s), max=max(s), n=len(s), inner=inner[e.tool])
            if r.get("cpu_samples"):
                r["cpu"] = statistics.median(r["cpu_samples"])
    return res


def run_all(args: argparse.Namespace) -> int:
    t_start = time.time()
    quick = args.quick
    mode = "quick" if quick else "full"
    build_dir = Path(args.build_dir or (ROOT / "build" / "bench-release")).resolve()
    root = data_mod.data_dir(args.data_dir)
    c_exe = build_c_worker(build_dir)
    env = environment(args, build_dir)
    librmn_path = args.librmn or os.environ.get("LIBRMN")
    librmn: Optional[Tuple[Path, str]] = None
    librmn_rsf = False
    if librmn_path:
        try:
            librmn = (build_librmn_worker(build_dir), librmn_path)
            probe = Worker("librmn", [str(librmn[0]), librmn_path])
            probe.start()
            librmn_rsf = bool(probe.hello.get("rsf"))
            probe.stop()
            env["librmn"] = (f"C API of {librmn_path} (classic c_fst* calls through dlopen; "
                             f"{'reads RSF' if librmn_rsf else 'no RSF support: XDF only'})")
        except (subprocess.CalledProcessError, OSError, WorkerError) as e:
            librmn = None
            env["librmn"] = f"not run: {e}"
    else:
        env["librmn"] = "not run (give --librmn or $LIBRMN: a librmn shared library)"
    peers, note = peers_python(args, root)
    env["peers"] = (f"rpnpy and fstd2nc, {note}: {peer_versions(peers)}" if peers else f"rpnpy and fstd2nc {note}")

    with_big = not quick and not args.no_big
    if with_big and data_mod.free_disk_bytes(root) < 8 * 2 ** 30:
        log("less than 8 GiB free: the > 1 GiB files are skipped")
        with_big = False
    t0 = time.time()
    sets = data_mod.prepare(root, mode, with_big, log=log)
    sets["_mode"] = mode
    size = sum(p.stat().st_size for p in root.glob(f"{mode}-*") if p.is_file()) + sum(
        p.stat().st_size for d in root.glob(f"{mode}-many.*") if d.is_dir() for p in d.iterdir())
    env["data"] = (f"{root} ({size / 2**30:.2f} GiB, written by fst24 {'in this run' if time.time() - t0 > 5 else 'earlier'}"
                   f"; GEM-like: {plan_mod.GEM_DESCRIPTION})")
    plan = plan_mod.build(sets, mode, librmn is not None, peers is not None, librmn_rsf)
    rx = re.compile(args.only) if args.only else None
    repeat = args.repeat or (1 if quick else 5)
    sample_s = 0.002 if quick else 0.05
    max_inner = 2000 if quick else 100000
    pool = Pool(c_exe, librmn, peers)
    results: Dict[str, Any] = {}
    groups = plan["groups"] + plan["codecs"]
    try:
        for i, g in enumerate(groups):
            if rx and not rx.search(g.id):
                continue
            log(f"({i + 1}/{len(groups)}) {g.id}")
            results[g.id] = measure_group(pool, g, repeat, sample_s, max_inner)
    finally:
        pool.stop()
    mres: Dict[str, Any] = {}
    for m in plan["mem"]:
        if rx and not rx.search(m.id):
            continue
        log(f"memory: {m.id}")
        py = sys.executable if m.side == "fst24" else peers
        if py is None:
            continue
        r = rss_run(py, m.side, m.task, m.args)
        if "error" in r and str(r["error"]).startswith("Skip:"):
            r = {"skip": str(r["error"])[5:].strip()}
        mres[m.id] = r
    env["load"] = (f"1-minute load average {env['load_before'][0]:.2f} before, {os.getloadavg()[0]:.2f} after "
                   f"(the machine may be shared: figures under load are upper bounds)")
    env["mode"] = mode
    env["command"] = "python bench/run.py" + (" " + " ".join(shlex.quote(a) for a in sys.argv[1:]) if sys.argv[1:] else "")
    env["method"] = (
        f"Every task runs in a persistent worker process: the C worker (`bench/bench_worker.c`, fst24's C API), "
        f"this interpreter for fst24's Python package, the peers' venv for rpnpy and fstd2nc, and a dlopen-based "
        f"worker for librmn's C API (`bench/librmn_worker.c`). Inputs are in the page cache (written before, and "
        f"every task runs once untimed first). The tools of one task take turns, {repeat} repetition(s), the order "
        f"turning each time; a repetition is the mean of back-to-back runs filling about {sample_s * 1e3:.0f} ms. "
        f"Tables give the median of the repetitions and their min – max; 'fst24 faster by' is the peer's median "
        f"CPU time over fst24's one-thread median CPU time for the same work on the same input. Every peer runs on one thread, "
        f"and so does the fst24 entry it is compared with; entries named 'N threads' use {max(env['ncpu'], 2)} "
        f"threads and are not compared with peers. Peak memory is measured in fresh processes. Run time: "
        f"{(time.time() - t_start) / 60:.1f} min.")
    write_report(args, env, plan, results, mres)
    # Timing never fails the run; a failing fst24 task does.
    failures = [f"{gid} / {tool}: {r['error']}" for gid, g in results.items() for tool, r in g.items()
                if isinstance(r, dict) and "error" in r and not _is_peer(plan, gid, tool)]
    failures += [f"{mid}: {r['error']}" for mid, r in mres.items() if "error" in r and
                 next((m.side for m in plan["mem"] if m.id == mid), "") == "fst24"]
    for f in failures:
        log(f"FAILED {f}")
    log(f"done in {(time.time() - t_start) / 60:.1f} min; {len(failures)} fst24 task(s) failed")
    return 1 if failures else 0


def write_report(args: argparse.Namespace, env: Dict[str, Any], plan: Dict[str, Any], results: Dict[str, Any],
                 mres: Dict[str, Any]) -> None:
    """Targets, figures and the Markdown report (and the raw JSON with --json)."""
    target_rows = report_mod.evaluate_targets(plan, results, mres, "C API of" in str(env.get("librmn", "")))
    figs: List[Tuple[str, str]] = []
    out = Path(args.out).resolve() if args.out else None
    if out and not args.no_plots:
        imgdir = out.parent / "img"
        made, why = plots_mod.make(plan, results, imgdir, max(env["ncpu"], 2))
        if why:
            log(why)
        figs = [(t, os.path.relpath(p, out.parent)) for t, p in made]
    hand = report_mod.extract_hand(out.read_text()) if out and out.exists() else ""
    text = report_mod.render(env, plan, results, mres, target_rows, hand, figs)
    if out:
        out.write_text(text)
        log(f"wrote {out}")
    else:
        print(text)
    if args.json:
        raw = {"env": {k: v for k, v in env.items()}, "results": results, "memory": mres,
               "targets": [{"id": r["target"].id, "measured": r["measured"], "met": r["met"]} for r in target_rows]}
        Path(args.json).write_text(json.dumps(raw, indent=1, default=str))


def report_only(args: argparse.Namespace) -> int:
    """Write the report again from the raw results of an earlier run (--json), measuring nothing."""
    raw = json.loads(Path(args.report_only).read_text())
    env, results, mres = raw["env"], raw["results"], raw["memory"]
    mode = env.get("mode", "full")
    root = data_mod.data_dir(args.data_dir)
    with_big = any(k.startswith("mem.mapped.readall") for k in mres)
    sets = data_mod.prepare(root, mode, with_big, log=log)
    sets["_mode"] = mode
    librmn_env = str(env.get("librmn", ""))
    plan = plan_mod.build(sets, mode, "C API of" in librmn_env, "not run" not in str(env.get("peers", "")),
                          "reads RSF" in librmn_env)
    args.json = None
    write_report(args, env, plan, results, mres)
    return 0


def _is_peer(plan: Dict[str, Any], gid: str, tool: str) -> bool:
    for g in plan["groups"] + plan["codecs"]:
        if g.id == gid:
            return any(e.tool == tool and e.role == "peer" for e in g.entries)
    return False


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0],
                                 formatter_class=argparse.RawDescriptionHelpFormatter, epilog=__doc__)
    ap.add_argument("--quick", action="store_true", help="tiny inputs, one repetition (CI)")
    ap.add_argument("--out", help="write the Markdown report here (its hand-written part is kept)")
    ap.add_argument("--json", help="also write the raw results as JSON")
    ap.add_argument("--data-dir", help="cache of the generated inputs ($FST24_BENCH_DATA, build/bench-data)")
    ap.add_argument("--build-dir", help="CMake build directory of the C worker (build/bench-release)")
    ap.add_argument("--librmn", help="a librmn shared library: also measure librmn's C API ($LIBRMN)")
    ap.add_argument("--peers-python", help="python of a venv with fstd2nc and rpnpy ($FST24_BENCH_PEERS_PYTHON)")
    ap.add_argument("--no-peers", action="store_true", help="do not run rpnpy and fstd2nc")
    ap.add_argument("--no-big", action="store_true", help="skip the > 1 GiB files")
    ap.add_argument("--no-plots", action="store_true", help="no matplotlib figures")
    ap.add_argument("--repeat", type=int, help="repetitions per task (5; --quick 1)")
    ap.add_argument("--only", help="regular expression: run only the groups and memory runs whose id matches")
    ap.add_argument("--report-only", metavar="JSON", help="write the report from the raw results of an earlier "
                    "run (--json) without measuring")
    args = ap.parse_args()
    sys.exit(report_only(args) if args.report_only else run_all(args))


if __name__ == "__main__":
    main()
