"""What the benchmark measures: groups of equal-work tasks, memory runs and the targets.

A group is one task done by several tools on the same input; the runner interleaves the
tools of a group, repetition after repetition, so that each pair is compared under the
same machine conditions. Within a group every tool does the same work on the same number
of threads, unless an entry says otherwise (the "N threads" entries of fst24, never used
for a ratio against a one-thread peer).
"""
from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any, Dict, List, Optional

from data import GEM_VARS

NCPU = os.cpu_count() or 1


@dataclass
class Entry:
    tool: str                 # column label: fst24, librmn, rpnpy, fstd2nc, memcpy, warm read ...
    worker: str               # c | librmn | py | py-apart (a second fst24 process) | peers
    task: str
    args: Dict[str, Any]
    threads: int = 1
    role: str = "subject"     # subject (fst24, one thread) | multi (fst24, N threads) | peer | limit


@dataclass
class Group:
    id: str
    section: str              # c | python
    title: str
    work: str                 # what every tool does (equal work)
    entries: List[Entry]
    rate: bool = False        # report MB/s of output instead of time
    per_record: int = 0       # also report time per record
    note: str = ""


@dataclass
class MemRun:
    id: str
    title: str
    side: str                 # fst24 | peers
    task: str
    args: Dict[str, Any]
    tool: str = "fst24"
    reference: str = "decoded"  # what the peak is compared with


@dataclass
class Target:
    id: str
    what: str
    seed: str
    goal: str
    group: Optional[str] = None
    extra: Dict[str, Any] = field(default_factory=dict)


def c(task: str, *argv: Any) -> Dict[str, Any]:
    return {"argv": [str(a) for a in argv]}


def build(sets: Dict[str, Any], mode: str, librmn: bool, have_peers: bool, librmn_rsf: bool = False) -> Dict[str, Any]:
    """Groups, memory runs and targets for the data sets `sets` (data.prepare)."""
    groups: List[Group] = []
    mem: List[MemRun] = []
    N = max(NCPU, 2)

    def add(g: Group) -> None:
        groups.append(g)

    # index of the first TT field in the GEM-like file (after >> and ^^)
    tt = 2
    for b in ("xdf", "rsf"):
        B = b.upper()
        small, tiny, gem, grid = sets["small"][b], sets["tiny"][b], sets["gem"][b], sets["grid"][b]
        many = sets["many"][b]
        have_librmn = librmn and (b == "xdf" or librmn_rsf)
        # ---------------- C ----------------
        add(Group(f"c.open.small.{b}", "c", f"open a 500-record file ({B})",
                  "open, count the records, close", [Entry("fst24", "c", "open", c("open", small))] +
                  ([Entry("librmn", "librmn", "open", c("open", small), role="peer")] if have_librmn else [])))
        add(Group(f"c.open.tiny.{b}", "c", f"open a {_n(sets, 'tiny')}-record file ({B})",
                  "open, count the records, close", [Entry("fst24", "c", "open", c("open", tiny))] +
                  ([Entry("librmn", "librmn", "open", c("open", tiny), role="peer")] if have_librmn else []),
                  per_record=_n(sets, "tiny")))
        add(Group(f"c.headers.tiny.{b}", "c", f"every header of a {_n(sets, 'tiny')}-record file ({B})",
                  "every record's header fields (fst24_query_all; librmn: c_fstinl + c_fstprm per record), "
                  "file already open", [Entry("fst24", "c", "headers", c("headers", tiny))] +
                  ([Entry("librmn", "librmn", "headers", c("headers", tiny), role="peer")] if have_librmn else []),
                  per_record=_n(sets, "tiny")))
        add(Group(f"c.search.tiny.{b}", "c", f"one exact search in {_n(sets, 'tiny')} records ({B})",
                  "find the record with the nomvar, ip1, ip2, ip3 of the middle record",
                  [Entry("fst24", "c", "search", c("search", tiny))] +
                  ([Entry("librmn", "librmn", "search", c("search", tiny), role="peer")] if have_librmn else [])))
        add(Group(f"c.read1.small.{b}", "c", f"read + decode one small record (64x32 R16, {B})",
                  "read and decode one record into existing memory",
                  [Entry("fst24", "c", "read1", c("read1", small, 0))] +
                  ([Entry("librmn", "librmn", "read1", c("read1", small, 0), role="peer")] if have_librmn else [])))
        add(Group(f"c.read1.gem.{b}", "c", f"read + decode one {_gem_n(sets)} R16 record ({B})",
                  "read and decode one R16 record into existing memory; 'new memory': into a fresh malloc",
                  [Entry("fst24", "c", "read1", c("read1", gem, tt)),
                   Entry("fst24, new memory", "c", "read1new", c("read1new", gem, tt), role="multi")] +
                  ([Entry("librmn", "librmn", "read1", c("read1", gem, tt), role="peer")] if have_librmn else []),
                  rate=True))
        add(Group(f"c.readall.gem.{b}", "c", f"read + decode every record of the GEM-like file ({B})",
                  "every record into existing memory (fst24_read_many; librmn: c_fstluk per record); "
                  "limit: a warm pread of the whole file",
                  [Entry("fst24", "c", "readall", c("readall", gem, 1)),
                   Entry(f"fst24, {N} threads", "c", "readall", c("readall", gem, N), threads=N, role="multi"),
                   Entry("fst24, new memory", "c", "readallnew", c("readallnew", gem, 1), role="multi")] +
                  ([Entry("librmn", "librmn", "readall", c("readall", gem, 1), role="peer")] if have_librmn else []) +
                  [Entry("warm read of the file", "c", "warmread", c("warmread", gem), role="limit")],
                  rate=True))
        add(Group(f"c.latlon.grid.{b}", "c", f"lat/lon of a {_grid_n(sets)} rotated grid ({B})",
                  "grid from the record (>> ^^ read) + latitude and longitude of every point (float64)",
                  [Entry("fst24", "c", "latlon", c("latlon", grid, 2))]))
        add(Group(f"c.index.tiny.{b}", "c", f"metadata index of a {_n(sets, 'tiny')}-record file ({B})",
                  "open + every header into columns with the decoded columns (levels, dates, grid ids)",
                  [Entry("fst24", "c", "index", c("index", 1, tiny)),
                   Entry("fst24, header columns only", "c", "index_header", c("index_header", 1, tiny), role="multi")],
                  per_record=_n(sets, "tiny")))
        if b == "xdf":
            add(Group("c.index.many.xdf", "c", f"metadata index of {len(many)} files x "
                      f"{_n(sets, 'many_per')} records (XDF)", "as above, files scanned in parallel",
                      [Entry("fst24", "c", "index", c("index", 1, *many)),
                       Entry(f"fst24, {N} threads", "c", "index", c("index", N, *many), threads=N, role="multi")],
                      per_record=len(many) * _n(sets, "many_per")))

        # ---------------- Python ----------------
        peers_ok = have_peers
        rp = b == "xdf"  # librmn 19.5 (rpnpy) reads XDF only
        note_rsf = "" if rp else "rpnpy's librmn 19.5 cannot read RSF"

        def pe(tool: str, task: str, args: Dict[str, Any], ok: bool = True) -> List[Entry]:
            return [Entry(tool, "peers", task, args, role="peer")] if peers_ok and ok else []

        add(Group(f"py.open.small.{b}", "python", f"open a 500-record file ({B})",
                  "open, count the records, close (rpnpy: fstopenall + fstnbr + fstcloseall)",
                  [Entry("fst24", "py", "open", {"path": small})] + pe("rpnpy", "rpnpy.open", {"path": small}, rp),
                  note=note_rsf))
        add(Group(f"py.open.tiny.{b}", "python", f"open a {_n(sets, 'tiny')}-record file ({B})",
                  "open, count the records, close",
                  [Entry("fst24", "py", "open", {"path": tiny})] + pe("rpnpy", "rpnpy.open", {"path": tiny}, rp),
                  per_record=_n(sets, "tiny"), note=note_rsf))
        for name, path in (("small", small), ("tiny", tiny)):
            add(Group(f"py.headers.{name}.{b}", "python", f"every header as a dict, {_n(sets, name)} records ({B})",
                      "one dict of every header field per record (fst24: Record.header() of each record; "
                      "rpnpy: fstprm of each key of fstinl), file already open",
                      [Entry("fst24", "py", "headers", {"path": path})] +
                      pe("rpnpy", "rpnpy.headers", {"path": path}, rp),
                      per_record=_n(sets, name), note=note_rsf))
        add(Group(f"py.search.tiny.{b}", "python", f"one exact search in {_n(sets, 'tiny')} records ({B})",
                  "find the record with the nomvar, ip1, ip2, ip3 of the middle record (find_one / fstinf)",
                  [Entry("fst24", "py", "search", {"path": tiny})] + pe("rpnpy", "rpnpy.search", {"path": tiny}, rp),
                  note=note_rsf))
        add(Group(f"py.read1.small.{b}", "python", f"first rec.data of a small record (64x32 R16, {B})",
                  "a new record object by position and its data (fst24: f[i].data; rpnpy: fstluk(key)['d'])",
                  [Entry("fst24", "py", "read1", {"path": small, "idx": 0})] +
                  pe("rpnpy", "rpnpy.read1", {"path": small, "idx": 0}, rp), note=note_rsf))
        add(Group(f"py.read1.gem.{b}", "python", f"first rec.data of a {_gem_n(sets)} R16 record ({B})",
                  "a new record object and its data, a new array (fst24: f[i].data; rpnpy: fstluk(key)['d'])",
                  [Entry("fst24", "py", "read1", {"path": gem, "idx": tt})] +
                  pe("rpnpy", "rpnpy.read1", {"path": gem, "idx": tt}, rp), note=note_rsf))
        add(Group(f"py.cached.gem.{b}", "python", f"cached rec.data ({B})", "the cached array of a record",
                  [Entry("fst24", "py", "cached", {"path": gem, "idx": tt})]))
        add(Group(f"py.readall.gem.{b}", "python", f"every record of the GEM-like file into new arrays ({B})",
                  "open, list, decode every record into new numpy arrays, close "
                  "(fst24: f.read(list(f)); rpnpy: fstluk of each key of fstinl)",
                  [Entry("fst24", "py", "readall", {"path": gem, "threads": 1}),
                   Entry(f"fst24, {N} threads", "py", "readall", {"path": gem, "threads": N}, threads=N,
                         role="multi")] + pe("rpnpy", "rpnpy.readall", {"path": gem}, rp),
                  rate=True, note=note_rsf))
        add(Group(f"py.readout.gem.{b}", "python", f"every TT level and hour into an existing array, out= ({B})",
                  "f.read(records, out=cube) of one variable's records",
                  [Entry("fst24", "py", "readout", {"path": gem, "nomvar": "TT", "threads": 1}),
                   Entry(f"fst24, {N} threads", "py", "readout", {"path": gem, "nomvar": "TT", "threads": N},
                         threads=N, role="multi")], rate=True))
        add(Group(f"py.index.tiny.{b}", "python", f"metadata index of a {_n(sets, 'tiny')}-record file ({B})",
                  "every record's header as a table, one thread (fst24.index -> Polars with the decoded columns; "
                  "fstd2nc: Buffer(file), its header table; rpnpy: a fstprm dict per record)",
                  [Entry("fst24", "py", "index", {"paths": [tiny], "threads": 1}),
                   Entry("fst24, header columns only", "py", "index", {"paths": [tiny], "threads": 1,
                                                                       "decode": False}, role="multi")] +
                  pe("fstd2nc", "fstd2nc.index", {"paths": [tiny]}, rp) +
                  pe("rpnpy", "rpnpy.index", {"paths": [tiny]}, rp),
                  per_record=_n(sets, "tiny"), note=note_rsf))
        add(Group(f"py.index.many.{b}", "python", f"metadata index of {len(many)} files x "
                  f"{_n(sets, 'many_per')} records ({B})",
                  "as above, over many files; fst24 cached: the second call with a Parquet cache",
                  [Entry("fst24", "py", "index", {"paths": many, "threads": 1}),
                   Entry(f"fst24, {N} threads", "py", "index", {"paths": many, "threads": N}, threads=N,
                         role="multi"),
                   Entry("fst24, cached", "py-apart", "index_cached", {"paths": many, "threads": 1},
                         role="multi")] +
                  pe("fstd2nc", "fstd2nc.index", {"paths": many}, rp) + pe("rpnpy", "rpnpy.index", {"paths": many}, rp),
                  per_record=len(many) * _n(sets, "many_per"), note=note_rsf))
        add(Group(f"py.latlon.grid.{b}", "python", f"lat/lon of a {_grid_n(sets)} rotated grid ({B})",
                  "latitude and longitude arrays of a record's grid (fst24.grid_latlon; rpnpy: ezqkdef + gdll)",
                  [Entry("fst24", "py", "latlon", {"path": grid, "idx": 2})] +
                  pe("rpnpy", "rpnpy.latlon", {"path": grid, "idx": 2}, rp), note=note_rsf))
        for task, title, work, extra in (
                ("xr_open", "xr.open_dataset", "open as a lazy xarray Dataset", {}),
                ("xr_coords", "open + every coordinate", "open and load every coordinate variable", {}),
                ("xr_var", "open + one variable", "open and load TT (every level and hour)", {"var": "TT"}),
                ("xr_all", "open + everything", "open and load every variable", {})):
            add(Group(f"py.{task}.gem.{b}", "python", f"{title}, GEM-like file ({B})",
                      work + ", one thread (fst24: engine='fst24', threads=1; fstd2nc: Buffer(serial=True)"
                      ".to_xarray() with dask's synchronous scheduler)",
                      [Entry("fst24", "py", task, {"path": gem, **extra})] +
                      pe("fstd2nc", f"fstd2nc.{task}", {"path": gem, **extra}, rp),
                      rate=task in ("xr_var", "xr_all"), note=note_rsf))

        add(Group(f"py.xr_latlon.grid.{b}", "python", f"xr.open_dataset + 2-D lat/lon of a {_grid_n(sets)} rotated "
                  f"grid ({B})", "open the one-field file as an xarray Dataset and load its 2-D lat and lon "
                  "coordinates, one thread (fst24: float32, its default, from its in-process lat/lon cache after the "
                  "first open, as fstd2nc keeps its grids; fst24 computed: the cache cleared before each open, "
                  "float32 or float64, 1 or N threads; fstd2nc: float32, kept between opens)",
                  [Entry("fst24", "py", "xr_latlon", {"path": grid}),
                   Entry("fst24, computed", "py", "xr_latlon", {"path": grid, "cache": False}, role="multi"),
                   Entry("fst24, computed, float64", "py", "xr_latlon",
                         {"path": grid, "cache": False, "dtype": "float64"}, role="multi"),
                   Entry(f"fst24, computed, {N} threads", "py", "xr_latlon",
                         {"path": grid, "cache": False, "threads": N}, threads=N, role="multi")] +
                  pe("fstd2nc", "fstd2nc.xr_latlon", {"path": grid}, rp), rate=True, note=note_rsf))

        # ---------------- memory ----------------
        mem.append(MemRun(f"mem.readall.gem.{b}", f"f.read(every record) of the GEM-like file ({B})", "fst24",
                          "readall", {"path": gem, "threads": 1}))
        mem.append(MemRun(f"mem.readall2.gem.{b}", f"f.read(every record), {N} threads ({B})", "fst24",
                          "readall", {"path": gem, "threads": N}))
        mem.append(MemRun(f"mem.data.gem.{b}", f"rec.data of every record, kept ({B})", "fst24",
                          "readall_data", {"path": gem}))
        big = sets.get("big", {}).get(b)
        if big:
            mem.append(MemRun(f"mem.mapped.readall.{b}", f"f.read(every record) of the > 1 GiB file, "
                              f"memory-mapped ({B})", "fst24", "readall", {"path": big, "threads": 1}))
            mem.append(MemRun(f"mem.mapped.data.{b}", f"rec.data of every record of the > 1 GiB file, "
                              f"memory-mapped ({B})", "fst24", "readall_data", {"path": big}))
        else:
            mem.append(MemRun(f"mem.mapped.data.{b}", f"rec.data of every record, file memory-mapped "
                              f"(threshold 0) ({B})", "fst24", "readall_data", {"path": gem, "mmap_threshold": 0}))
        mem.append(MemRun(f"mem.xr_all.gem.{b}", f"xr.open_dataset(...).load() ({B})", "fst24", "xr_all",
                          {"path": gem}))
        if peers_ok and rp:
            mem.append(MemRun(f"mem.rpnpy.readall.gem.{b}", f"rpnpy: fstluk of every record ({B})", "peers",
                              "rpnpy.readall", {"path": gem}, tool="rpnpy"))
            mem.append(MemRun(f"mem.fstd2nc.xr_all.gem.{b}", f"fstd2nc: to_xarray().load() ({B})", "peers",
                              "fstd2nc.xr_all", {"path": gem}, tool="fstd2nc"))
        mem.append(MemRun(f"mem.index.tiny.{b}", f"fst24.index of the {_n(sets, 'tiny')}-record file ({B})",
                          "fst24", "index", {"paths": [tiny], "threads": 1}, reference="records"))

    targets = [
        Target("open500", "open of a 500-record file, both backends (C)", "1 ms", "<= 0.05 ms",
               extra={"groups": ["c.open.small.xdf", "c.open.small.rsf"], "max": 0.05e-3}),
        Target("open50k", f"open of a {_n(sets, 'tiny')}-record file, both backends (C)", "-", "<= 2 ms",
               extra={"groups": ["c.open.tiny.xdf", "c.open.tiny.rsf"], "max": 2e-3}),
        Target("small", "small record (64x32) read + decode, C / Python", "0.1 ms", "<= 0.01 ms",
               extra={"groups": ["c.read1.small.xdf", "c.read1.small.rsf"],
                      "also": ["py.read1.small.xdf", "py.read1.small.rsf"], "max": 0.01e-3}),
        Target("first1000", f"first access (Python rec.data) of a {_gem_n(sets)} R16 record", "10 ms", "<= 1 ms",
               extra={"groups": ["py.read1.gem.xdf", "py.read1.gem.rsf"], "max": 1e-3}),
        Target("index", "header index (fst24.index -> Polars, decoded columns, one thread)", "-",
               ">= 3 M records/s", extra={"groups": ["py.index.tiny.xdf", "py.index.tiny.rsf"], "min_rate": 3e6}),
        Target("index_mem", "metadata index memory per record (C index, header columns) vs the 72-byte directory "
               "entry of the record", "1.5x", "<= 1.5x",
               extra={"groups": ["c.index.tiny.xdf", "c.index.tiny.rsf"], "entry": "fst24, header columns only",
                      "raw": 72, "max_ratio": 1.5}),
        Target("r16memcpy", "packed-16 (R16) decode vs memcpy of the output, one thread", "-", ">= 40 %",
               extra={"min_frac": 0.40}),
        Target("r16librmn", "packed-16 record read + decode vs librmn (C, one thread)", "-", ">= 4x",
               extra={"groups": ["c.read1.gem.xdf"], "min_ratio": 4.0}),
        Target("rss", "peak RSS / decoded size, every fst24 read path (incl. mapped files)", "1.2x", "<= 1.1x",
               extra={"max_ratio": 1.1}),
        Target("peers2x", "every Python task vs each peer at equal work and threads", "-", ">= 2x faster",
               extra={"min_ratio": 2.0}),
        Target("xr_open", "xr.open_dataset (lazy) of the GEM-like file, one thread, and its ratio to fstd2nc",
               "3.5 s", "< 20 ms and >= 10x",
               extra={"groups": ["py.xr_open.gem.xdf", "py.xr_open.gem.rsf"], "max": 20e-3, "min_ratio": 10.0}),
        Target("xr_latlon", f"xr.open_dataset + 2-D lat/lon of a {_grid_n(sets)} rotated grid, computed at the "
               "open (in-process cache cleared before each open)", "100 ms", "< 10 ms",
               extra={"groups": ["py.xr_latlon.grid.xdf", "py.xr_latlon.grid.rsf"], "max": 10e-3,
                      "computed": ["fst24, computed", f"fst24, computed, {N} threads"]}),
    ]
    # codec throughput (C, in memory): decode 1 and N threads, encode, memcpy of the same bytes
    n = 2000 if mode == "full" else 200
    codecs = []
    for label, datyp, nbits in CODECS:
        nb = n * n * (8 if nbits == 64 else 4)
        g = Group(f"c.codec.{label}", "codec", f"{label} (datyp {datyp}, {nbits} bits)",
                  f"decode / encode of a {n}x{n} smooth field in memory",
                  [Entry("decode", "c", "decode", c("decode", datyp, nbits, n, n, 1)),
                   Entry(f"decode, {N} threads", "c", "decode", c("decode", datyp, nbits, n, n, N), threads=N,
                         role="multi"),
                   Entry("encode", "c", "encode", c("encode", datyp, nbits, n, n), role="multi"),
                   Entry("memcpy", "c", "memcpy", c("memcpy", nb), role="limit")], rate=True)
        codecs.append(g)
    return {"groups": groups, "codecs": codecs, "mem": mem, "targets": targets}


CODECS = (("R8", 1, 8), ("R12", 1, 12), ("R16", 1, 16), ("R24", 1, 24), ("E16", 5, 16), ("E32", 5, 32),
          ("E64", 5, 64), ("F16", 6, 16), ("f16 (134)", 134, 16), ("r16 (129)", 129, 16), ("e32 (133)", 133, 32),
          ("I16", 2, 16), ("S16", 4, 16))


def _n(sets: Dict[str, Any], name: str) -> int:
    from data import SIZES
    mode = sets.get("_mode", "full")
    s = SIZES[mode]
    if name == "tiny":
        return int(s["tiny"]["records"])
    if name == "small":
        return int(s["small"]["records"])
    if name == "many_per":
        return int(s["many"]["per_file"])
    raise KeyError(name)


def _gem_n(sets: Dict[str, Any]) -> str:
    from data import SIZES
    n = SIZES[sets.get("_mode", "full")]["gem"]["n"]
    return f"{n}x{n}"


def _grid_n(sets: Dict[str, Any]) -> str:
    from data import SIZES
    n = SIZES[sets.get("_mode", "full")]["grid"]["n"]
    return f"{n}x{n}"


GEM_DESCRIPTION = ", ".join(f"{v[0]} " + {1: "R", 5: "E", 6: "F", 134: "f"}[v[1]] + str(v[2]) for v in GEM_VARS)
