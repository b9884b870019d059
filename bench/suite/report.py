"""Markdown report of a benchmark run: environment, targets, C, codecs, Python, memory.

The hand-written part of the output file (between HAND_BEGIN and HAND_END) is kept as it
is when the report is written again.
"""
from __future__ import annotations

import math
from typing import Any, Dict, List, Optional, Tuple

HAND_BEGIN = "<!-- hand-written: everything from here to the end marker is kept by bench/run.py -->"
HAND_END = "<!-- end of the hand-written part -->"


def fmt_time(s: Optional[float]) -> str:
    if s is None or not math.isfinite(s):
        return "-"
    if s < 1e-6:
        return f"{s * 1e9:.0f} ns"
    if s < 1e-3:
        return f"{s * 1e6:.3g} µs"
    if s < 1:
        return f"{s * 1e3:.3g} ms"
    return f"{s:.3g} s"


def fmt_rate(bps: Optional[float]) -> str:
    if bps is None or not math.isfinite(bps) or bps <= 0:
        return "-"
    return f"{bps / 1e6:,.0f} MB/s"


def fmt_ratio(r: Optional[float]) -> str:
    if r is None or not math.isfinite(r):
        return "-"
    return f"{r:.2g}x" if r < 10 else f"{r:.0f}x"


def entry_result(results: Dict[str, Any], gid: str, tool: str) -> Optional[Dict[str, Any]]:
    g = results.get(gid)
    if not g:
        return None
    r = g.get(tool)
    return r if r and "median" in r else None


def cost(r: Dict[str, Any]) -> float:
    """What targets are judged on: the median CPU time of the worker process for one-thread
    work (equal to the wall time on an idle machine, steadier on a shared one), else wall."""
    return float(r.get("cpu") or r["median"])


def rate_time(e: Any, r: Dict[str, Any]) -> float:
    """The time a throughput is computed from: CPU for one thread (as targets), wall for N."""
    return cost(r) if e.threads == 1 else float(r["median"])


def rate_span(e: Any, r: Dict[str, Any]) -> str:
    """'median (slowest – fastest)' throughput of an entry."""
    nb = r["bytes"]
    samples = r.get("cpu_samples") if e.threads == 1 and r.get("cpu_samples") else r.get("samples")
    mid = fmt_rate(nb / rate_time(e, r))
    if not samples or len(samples) < 2:
        return mid
    return f"{mid} ({fmt_rate(nb / max(samples))} – {fmt_rate(nb / min(samples))})"


def subject_of(group: Any) -> Optional[Any]:
    for e in group.entries:
        if e.role == "subject":
            return e
    return None


def _cell_time(r: Dict[str, Any]) -> Tuple[str, str]:
    if "median" not in r:
        return "-", ""
    span = f"{fmt_time(r['min'])} – {fmt_time(r['max'])}" if r["n"] > 1 else ""
    return fmt_time(r["median"]), span


def group_table(groups: List[Any], results: Dict[str, Any]) -> List[str]:
    out = ["| task | tool | threads | median | min – max | CPU | throughput (CPU) or per record | fst24 faster by (CPU) |",
           "|---|---|---:|---:|---:|---:|---:|---:|"]
    notes: List[str] = []
    for g in groups:
        res = results.get(g.id, {})
        subj = subject_of(g)
        base = res.get(subj.tool) if subj else None
        first = True
        for e in g.entries:
            r = res.get(e.tool, {})
            title = f"**{g.title}** [{len(notes) + 1}]" if first else ""
            if "skip" in r or "error" in r:
                why = r.get("skip") or r.get("error", "")
                out.append(f"| {title} | {e.tool} | {e.threads} | {'skipped' if 'skip' in r else 'error'}: "
                           f"{_md(why)[:160]} | | | | |")
                first = False
                continue
            if "median" not in r:
                continue
            med, span = _cell_time(r)
            extra = ""
            if g.rate and r.get("bytes"):
                extra = fmt_rate(r["bytes"] / rate_time(e, r))
            elif g.per_record:
                extra = f"{fmt_time(rate_time(e, r) / g.per_record)} / record"
            ratio = ""
            if e.role == "peer" and base and "median" in base:
                ratio = fmt_ratio(cost(r) / cost(base))
            elif e.role == "limit" and base and "median" in base and g.rate:
                ratio = f"fst24 at {100 * cost(r) / cost(base):.0f} % of it"
            cpu = fmt_time(r.get("cpu")) if r.get("cpu") is not None else ""
            out.append(f"| {title} | {e.tool} | {e.threads} | {med} | {span} | {cpu} | {extra} | {ratio} |")
            first = False
        if not first:
            note = g.work + (f" ({g.note})" if g.note else "")
            notes.append(note)
    out.append("")
    out += [f"{i + 1}. {n}" for i, n in enumerate(notes)]
    return out


def codec_table(groups: List[Any], results: Dict[str, Any], ncpu: int) -> List[str]:
    out = ["| type | decode, 1 thread | decode, {} threads | encode, 1 thread | memcpy of the output | "
           "decode / memcpy |".format(ncpu), "|---|---:|---:|---:|---:|---:|"]
    for g in groups:
        res = results.get(g.id, {})
        cells = []
        for e in g.entries:
            r = res.get(e.tool, {})
            if "median" in r and r.get("bytes"):
                cells.append(rate_span(e, r))
            else:
                cells.append(_md(r.get("error", r.get("skip", "-")))[:80])
        d, m = res.get("decode", {}), res.get("memcpy", {})
        frac = f"{100 * cost(m) / cost(d):.0f} %" if "median" in d and "median" in m else "-"
        out.append(f"| {g.title} | " + " | ".join(cells) + f" | {frac} |")
    return out


def mem_table(mem: List[Any], mres: Dict[str, Any]) -> List[str]:
    out = ["| read path | tool | peak RSS added | output | peak / output |", "|---|---|---:|---:|---:|"]
    for m in mem:
        r = mres.get(m.id, {})
        if "error" in r or "skip" in r:
            out.append(f"| {m.title} | {m.tool} | {'skipped' if 'skip' in r else 'error'}: "
                       f"{_md(r.get('skip') or r.get('error', ''))[:160]} | | |")
            continue
        if "peak_kb" not in r:
            continue
        peak = r["peak_kb"] * 1024
        if m.reference == "records":
            out.append(f"| {m.title} | {m.tool} | {peak / 1e6:,.1f} MB | {_md(r.get('info', ''))} | "
                       f"{peak / max(_rows(r), 1):.0f} bytes / record |")
        else:
            ratio = peak / r["bytes"] if r.get("bytes") else float("nan")
            out.append(f"| {m.title} | {m.tool} | {peak / 1e6:,.1f} MB | {r['bytes'] / 1e6:,.1f} MB | "
                       f"{ratio:.3f}x |")
    return out


def _rows(r: Dict[str, Any]) -> int:
    try:
        return int(str(r.get("info", "0")).split()[0])
    except ValueError:
        return 0


def _md(s: Any) -> str:
    return str(s).replace("|", "\\|").replace("\n", " ")


# ---- targets ---------------------------------------------------------------------------------

def evaluate_targets(plan: Dict[str, Any], results: Dict[str, Any], mres: Dict[str, Any],
                     have_librmn: bool) -> List[Dict[str, Any]]:
    out = []
    groups = {g.id: g for g in plan["groups"]}
    for t in plan["targets"]:
        x = t.extra
        row: Dict[str, Any] = {"target": t, "measured": "-", "met": None, "detail": ""}
        if t.id in ("open500", "open50k", "small", "first1000"):
            vals = [(gid, entry_result(results, gid, "fst24")) for gid in x["groups"]]
            got = [(gid, cost(r)) for gid, r in vals if r]
            if got:
                worst = max(v for _, v in got)
                row["measured"] = " / ".join(f"{fmt_time(v)} ({gid.split('.')[-1].upper()})" for gid, v in got)
                row["met"] = worst <= x["max"]
                if "also" in x:
                    also = [(gid, entry_result(results, gid, "fst24")) for gid in x["also"]]
                    row["detail"] = "Python: " + " / ".join(
                        f"{fmt_time(cost(r))} ({gid.split('.')[-1].upper()})" for gid, r in also if r)
        elif t.id == "index":
            rates = []
            for gid in x["groups"]:
                r = entry_result(results, gid, "fst24")
                if r and groups.get(gid):
                    rates.append((gid, groups[gid].per_record / cost(r)))
            if rates:
                row["measured"] = " / ".join(f"{v / 1e6:.1f} M/s ({gid.split('.')[-1].upper()})" for gid, v in rates)
                row["met"] = min(v for _, v in rates) >= x["min_rate"]
        elif t.id == "index_mem":
            parts, ratios, decoded = [], [], []
            for gid in x["groups"]:
                g, res = groups.get(gid), results.get(gid, {})
                h, d = res.get(x["entry"], {}), res.get("fst24", {})
                if g and g.per_record and h.get("bytes"):
                    per = h["bytes"] / g.per_record
                    ratios.append(per / x["raw"])
                    parts.append(f"{per:.1f} B = {per / x['raw']:.2f}x ({gid.split('.')[-1].upper()})")
                    if d.get("bytes"):
                        decoded.append(f"{d['bytes'] / g.per_record:.1f} B")
            if parts:
                row["measured"] = " / ".join(parts)
                row["met"] = max(ratios) <= x["max_ratio"]
                if decoded:
                    row["detail"] = "with the decoded columns: " + " / ".join(decoded)
        elif t.id == "r16memcpy":
            g = results.get("c.codec.R16", {})
            d, m = g.get("decode", {}), g.get("memcpy", {})
            if "median" in d and "median" in m:
                frac = cost(m) / cost(d)
                row["measured"] = f"{100 * frac:.0f} % ({fmt_rate(d['bytes'] / cost(d))} vs " \
                                  f"{fmt_rate(m['bytes'] / cost(m))})"
                row["met"] = frac >= x["min_frac"]
        elif t.id == "r16librmn":
            if not have_librmn:
                row["measured"] = "not measured (no LIBRMN given)"
            else:
                a = entry_result(results, x["groups"][0], "fst24")
                b = entry_result(results, x["groups"][0], "librmn")
                if a and b:
                    ratio = cost(b) / cost(a)
                    row["measured"] = f"{ratio:.1f}x ({fmt_time(cost(a))} vs {fmt_time(cost(b))})"
                    row["met"] = ratio >= x["min_ratio"]
        elif t.id == "rss":
            worst = None
            for m in plan["mem"]:
                r = mres.get(m.id, {})
                if m.tool != "fst24" or m.reference != "decoded" or "peak_kb" not in r or not r.get("bytes"):
                    continue
                ratio = r["peak_kb"] * 1024 / r["bytes"]
                if worst is None or ratio > worst[0]:
                    worst = (ratio, m.title)
            if worst:
                row["measured"] = f"{worst[0]:.3f}x (worst: {worst[1]})"
                row["met"] = worst[0] <= x["max_ratio"]
        elif t.id == "xr_open":
            parts, ok, ratios = [], [], 0
            for gid in x["groups"]:
                a, b = entry_result(results, gid, "fst24"), entry_result(results, gid, "fstd2nc")
                if not a:
                    continue
                text = f"{fmt_time(cost(a))} ({gid.split('.')[-1].upper()}"
                good = cost(a) < x["max"]
                if b:
                    text += f", {cost(b) / cost(a):.1f}x fstd2nc"
                    good = good and cost(b) / cost(a) >= x["min_ratio"]
                    ratios += 1
                parts.append(text + ")")
                ok.append(good)
            if parts:
                row["measured"] = " / ".join(parts)
                row["met"] = all(ok) and ratios > 0  # the ratio is part of the goal
        elif t.id == "xr_latlon":
            # One thread judged on CPU time, N threads on the wall clock (their CPU time adds up).
            parts, ok = [], []
            for gid in x["groups"]:
                g = results.get(gid, {})
                best = None
                for name in x["computed"]:
                    r = g.get(name)
                    if r and "median" in r:
                        v = float(r["median"]) if "threads" in name else cost(r)
                        if best is None or v < best[0]:
                            best = (v, name.replace("fst24, ", ""))
                cached = entry_result(results, gid, "fst24")
                if best:
                    text = f"{fmt_time(best[0])} ({gid.split('.')[-1].upper()}, {best[1]}"
                    if cached:
                        text += f"; from the in-process cache {fmt_time(cost(cached))}"
                    parts.append(text + ")")
                    ok.append(best[0] < x["max"])
            if parts:
                row["measured"] = " / ".join(parts)
                row["met"] = all(ok)
        elif t.id == "peers2x":
            worst = None
            n = 0
            for g in plan["groups"]:
                if g.section != "python":
                    continue
                base = entry_result(results, g.id, "fst24")
                if not base:
                    continue
                for e in g.entries:
                    if e.role != "peer":
                        continue
                    r = entry_result(results, g.id, e.tool)
                    if not r:
                        continue
                    n += 1
                    ratio = cost(r) / cost(base)
                    if worst is None or ratio < worst[0]:
                        worst = (ratio, f"{g.title} vs {e.tool}")
            if worst:
                row["measured"] = f"slowest margin {worst[0]:.2f}x ({worst[1]}; {n} pairs)"
                row["met"] = worst[0] >= x["min_ratio"]
            else:
                row["measured"] = "not measured (no peers)"
        out.append(row)
    return out


def targets_table(rows: List[Dict[str, Any]], judged: bool = True) -> List[str]:
    out = ["| target | seed | goal | measured | |", "|---|---|---|---|---|"]
    for r in rows:
        t = r["target"]
        status = "**met**" if r["met"] else ("**not met**" if r["met"] is False else "-")
        if not judged and r["met"] is not None:
            status = "(not judged: quick sizes)"
        detail = f" ({r['detail']})" if r["detail"] else ""
        out.append(f"| {t.what} | {t.seed} | {t.goal} | {_md(r['measured'])}{_md(detail)} | {status} |")
    return out


def render(env: Dict[str, Any], plan: Dict[str, Any], results: Dict[str, Any], mres: Dict[str, Any],
           targets: List[Dict[str, Any]], hand: str, plots: List[Tuple[str, str]]) -> str:
    L: List[str] = []
    L.append("# Performance")
    L.append("")
    L.append("<!-- The part up to the hand-written marker is generated by bench/run.py: edit the runner, "
             "not this text. -->")
    L.append("")
    L.append(f"Generated by `{env['command']}` on {env['date']} ({env['mode']} sizes"
             + (": tiny inputs, one repetition; the figures only show that every task runs" if env["mode"] == "quick"
                else "") + ").")
    L.append("")
    L.append("## Machine and method")
    L.append("")
    for k in ("cpu", "memory", "kernel", "load", "compiler", "python", "fst24", "peers", "librmn", "data"):
        if env.get(k):
            L.append(f"* **{k}**: {env[k]}")
    L.append("")
    L.append(env["method"])
    L.append("")
    L.append("## Targets")
    L.append("")
    L.append("Times are judged on the median CPU time of the worker process doing one-thread work (the wall "
             "time on an idle machine, steadier on a shared one; wall-clock medians are in the tables below), "
             "ratios on the same for both tools.")
    L.append("")
    L += targets_table(targets, judged=env["mode"] != "quick")
    L.append("")
    for title, path in plots:
        L.append(f"![{title}]({path})")
        L.append("")
    L.append("## C library")
    L.append("")
    L += group_table([g for g in plan["groups"] if g.section == "c"], results)
    L.append("")
    L.append("### Codecs")
    L.append("")
    L.append("Decode and encode throughput in MB/s (10^6 bytes) of *unpacked* data, in memory (no file), "
             "next to memcpy of the same number of bytes in the same run: median (slowest – fastest "
             "repetition), from the CPU time for one thread, from the wall time for several:")
    L.append("")
    L += codec_table(plan["codecs"], results, env["ncpu"])
    L.append("")
    L.append("## Python")
    L.append("")
    L += group_table([g for g in plan["groups"] if g.section == "python"], results)
    L.append("")
    L.append("## Memory")
    L.append("")
    L.append("Peak resident memory a task adds to a fresh process (after its imports), against the bytes "
             "of the arrays it returns (VmHWM, reset through /proc/self/clear_refs before the task):")
    L.append("")
    L += mem_table(plan["mem"], mres)
    L.append("")
    L.append(HAND_BEGIN)
    L.append(hand.strip("\n") if hand.strip() else "\n## Analysis\n\n(written by hand)\n")
    L.append(HAND_END)
    L.append("")
    return "\n".join(L)


def extract_hand(text: str) -> str:
    i = text.find(HAND_BEGIN)
    j = text.find(HAND_END)
    if i < 0 or j < i:
        return ""
    return text[i + len(HAND_BEGIN):j].strip("\n") + "\n"
