"""matplotlib figures of a run: codec throughput vs memcpy, fst24 vs its peers per task."""
from __future__ import annotations

from pathlib import Path
from typing import Any, Dict, List, Tuple


def make(plan: Dict[str, Any], results: Dict[str, Any], outdir: Path, ncpu: int) -> Tuple[List[Tuple[str, Path]], str]:
    """Write the figures into outdir; returns ([(title, path)], note)."""
    try:
        import matplotlib
        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        return [], "matplotlib is not installed: no figures (pip install matplotlib)"
    outdir.mkdir(parents=True, exist_ok=True)
    figs: List[Tuple[str, Path]] = []

    # 1. codec throughput per datyp, next to memcpy
    labels, series = [], {"decode": [], f"decode, {ncpu} threads": [], "encode": [], "memcpy": []}
    for g in plan["codecs"]:
        res = results.get(g.id, {})
        if "median" not in res.get("decode", {}):
            continue
        labels.append(g.title.split(" (datyp")[0])
        for e in g.entries:
            r = res.get(e.tool, {})
            key = e.tool if e.tool in series else None
            if key is None:
                continue
            t = (r.get("cpu") or r.get("median")) if e.threads == 1 else r.get("median")
            series[key].append(r["bytes"] / t / 1e9 if t and r.get("bytes") else 0.0)
    if labels:
        fig, ax = plt.subplots(figsize=(11, 4.5))
        width = 0.2
        for k, (name, vals) in enumerate(series.items()):
            ax.bar([i + (k - 1.5) * width for i in range(len(labels))], vals, width, label=name)
        ax.set_xticks(range(len(labels)))
        ax.set_xticklabels(labels, rotation=30, ha="right")
        ax.set_ylabel("GB/s of unpacked data (CPU time; 2 threads: wall)")
        ax.set_title("fst24 codecs: throughput per data type, next to memcpy of the same bytes")
        ax.legend()
        ax.grid(axis="y", alpha=0.3)
        fig.tight_layout()
        p = outdir / "bench-codecs.png"
        fig.savefig(p, dpi=100)
        plt.close(fig)
        figs.append(("codec throughput vs memcpy", p))

    # 2. how much faster fst24 is than each peer, per task
    rows: List[Tuple[str, str, float]] = []
    for g in plan["groups"]:
        res = results.get(g.id, {})
        base = next((res.get(e.tool) for e in g.entries if e.role == "subject"), None)
        if not base or "median" not in base:
            continue
        for e in g.entries:
            r = res.get(e.tool, {})
            if e.role == "peer" and "median" in r:
                rows.append((f"{'C' if g.section == 'c' else 'Py'}: {g.title}", e.tool,
                             (r.get("cpu") or r["median"]) / (base.get("cpu") or base["median"])))
    if rows:
        fig, ax = plt.subplots(figsize=(11, 0.32 * len(rows) + 1.5))
        colors = {"librmn": "tab:blue", "rpnpy": "tab:orange", "fstd2nc": "tab:green"}
        y = list(range(len(rows)))
        ax.barh(y, [r[2] for r in rows], color=[colors.get(r[1], "tab:gray") for r in rows])
        ax.set_yticks(y)
        ax.set_yticklabels([f"{r[0]} vs {r[1]}" for r in rows], fontsize=7)
        ax.invert_yaxis()
        ax.set_xscale("log")
        ax.axvline(1, color="black", lw=0.8)
        ax.axvline(2, color="red", lw=0.8, ls="--")
        ax.set_xlabel("peer CPU time / fst24 CPU time (equal work, one thread each; > 1: fst24 faster; dashed: 2x)")
        ax.set_title("fst24 vs librmn, rpnpy and fstd2nc per task")
        ax.grid(axis="x", alpha=0.3, which="both")
        fig.tight_layout()
        p = outdir / "bench-peers.png"
        fig.savefig(p, dpi=100)
        plt.close(fig)
        figs.append(("fst24 vs peers per task", p))
    return figs, ""
