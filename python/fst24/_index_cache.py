"""The Parquet cache of :func:`fst24.index` (``cache=directory``).

One Parquet file per indexed FST file, named after what identifies the
file's content without reading it::

    <sha1 of the real path, 20 hex>_<size>_<mtime_ns>_<tag>_<rows>.parquet

where ``tag`` is the column schema version and the library version (and
``m`` when the RSF extended metadata is kept). A file found (by a glob or in
a directory) not to be an FST file leaves ``..._<tag>.notfst``. Looking the whole archive up costs
one ``stat`` per FST file and one listing of the cache directory; only the
files whose size or modification time changed (or that are new) are
scanned again, and their old cache entries are replaced. Cache files are
written under a temporary name and renamed, so concurrent writers (several
processes indexing the same archive) never leave a partial file.
"""
from __future__ import annotations

import hashlib
import os
import tempfile
from typing import Any, Optional, Sequence

import numpy as np

from . import __version__
from .errors import InvalidArgumentError, _error
from .metadata import DECODED_COLUMNS, HEADER_COLUMNS, SCHEMA_VERSION, _polars, _scan, _Step

_STORED = [c for c in HEADER_COLUMNS + DECODED_COLUMNS if c != "path"]


def _tag(ext_meta: bool) -> str:
    return f"v{SCHEMA_VERSION}.{__version__}{'m' if ext_meta else ''}"


def _stem(path: str) -> str:
    real = os.path.realpath(path)
    return hashlib.sha1(real.encode("utf-8", "surrogateescape")).hexdigest()[:20]


def _read_listing(cache_dir: str) -> tuple[dict[str, tuple[str, int]], dict[str, list[str]]]:
    """Cache entries by key -> (file name, rows; -1 for "not FST"), and names by path stem."""
    by_key: dict[str, tuple[str, int]] = {}
    by_stem: dict[str, list[str]] = {}
    for name in os.listdir(cache_dir):
        if name.startswith(".tmp-"):
            continue  # being written by someone
        base, _, ext = name.rpartition(".")
        if ext == "parquet":
            key, _, rows = base.rpartition("_")
            if not rows.isdigit():
                continue
            by_key[key] = (name, int(rows))
        elif ext == "notfst":
            by_key[base] = (name, -1)
        else:
            continue
        by_stem.setdefault(name.split("_", 1)[0], []).append(name)
    return by_key, by_stem


def index_cached(steps: list[_Step], names: Sequence[str], threads: Optional[int],
                 progress: Optional[bool], cache: Any, ext_meta: bool, errors: str) -> Any:
    """:func:`fst24.index` with a cache directory (open files are scanned, not cached)."""
    pl = _polars()
    cache_dir = os.fspath(cache)
    os.makedirs(cache_dir, exist_ok=True)
    if not os.path.isdir(cache_dir):
        raise _error(InvalidArgumentError, f"cache {cache_dir!r} is not a directory")
    tag = _tag(ext_meta)
    stored = _STORED + (["ext_meta"] if ext_meta else [])
    listing, by_stem = _read_listing(cache_dir)

    # Each input: (path or open File, cache key or None, skip_not_fst).
    entries: list[tuple[Any, Optional[str], bool]] = []
    for kind, what, skip in steps:
        if kind == "file":
            entries.append((what, None, False))
            continue
        for p in what:
            try:
                st = os.stat(p)
            except OSError:
                entries.append((p, None, skip))  # the scan reports the problem
                continue
            entries.append((p, f"{_stem(p)}_{st.st_size}_{st.st_mtime_ns}_{tag}", skip))

    # Scan what the cache does not hold, all at once (parallel threads in C).
    todo = [i for i, (_, key, _) in enumerate(entries) if key is None or key not in listing]
    fresh: dict[int, Any] = {}
    if todo:
        todo_steps: list[_Step] = []
        for i in todo:
            p, _, skip = entries[i]
            if not isinstance(p, str):
                todo_steps.append(("file", p, False))
            elif todo_steps and todo_steps[-1][0] == "paths" and todo_steps[-1][2] == skip:
                todo_steps[-1][1].append(p)
            else:
                todo_steps.append(("paths", [p], skip))
        table = _scan(todo_steps, ["path"] + stored, threads, progress, errors)
        df = table.to_polars()
        contributed = table.files
        skipped = {p for p, _ in table.skipped}
        lengths = np.asarray(table.file_rows, dtype=np.int64)
        starts = np.concatenate([[0], np.cumsum(lengths)])
        k = 0
        for i in todo:
            p, key, _ = entries[i]
            path = p if isinstance(p, str) else p.path
            if k < len(contributed) and contributed[k] == path:
                part = df.slice(int(starts[k]), int(lengths[k])).drop("path")
                fresh[i] = part
                if key is not None:
                    _store(cache_dir, key, f"{key}_{part.height}.parquet", part, by_stem)
                k += 1
            elif key is not None and path not in skipped:
                _store(cache_dir, key, f"{key}.notfst", None, by_stem)
                listing[key] = (f"{key}.notfst", -1)

    # Assemble in input order; each run of cached files is read by one call.
    frames: list[Any] = []
    paths: list[str] = []
    lengths_out: list[int] = []
    run: list[str] = []
    for i, (p, key, _) in enumerate(entries):
        if i not in fresh and key is not None and key in listing:
            name, rows = listing[key]
            if rows >= 0:
                run.append(os.path.join(cache_dir, name))
                paths.append(p)
                lengths_out.append(rows)
            continue
        got: Any = fresh.get(i)
        if got is None:
            continue  # skipped or not an FST file
        if run:
            frames.append(pl.read_parquet(run, columns=stored))
            run = []
        frames.append(got)
        paths.append(p if isinstance(p, str) else p.path)
        lengths_out.append(got.height)
    if run:
        frames.append(pl.read_parquet(run, columns=stored))
    if frames:
        body = pl.concat(frames, how="vertical")
    else:
        body = _scan([], ["path"] + stored, threads, False, errors).to_polars().drop("path")
    codes_out = np.repeat(np.arange(len(paths), dtype=np.uint32), lengths_out)
    path_col = pl.Series("path", paths, dtype=pl.String).cast(pl.Categorical).gather(codes_out)
    return body.with_columns(path_col).select(list(names))


def _store(cache_dir: str, key: str, name: str, part: Any, by_stem: dict[str, list[str]]) -> None:
    """Write one cache entry atomically (a Parquet file, or an empty "not FST"
    marker when part is None) and remove the older entries of the same path."""
    fd, tmp = tempfile.mkstemp(dir=cache_dir, prefix=".tmp-", suffix="." + name.rpartition(".")[2])
    os.close(fd)
    try:
        if part is not None:
            # small files read back many at a time: no compression or statistics to decode
            part.write_parquet(tmp, compression="uncompressed", statistics=False)
        os.replace(tmp, os.path.join(cache_dir, name))
    except BaseException:
        if os.path.exists(tmp):
            os.unlink(tmp)
        raise
    stem, tag = key.split("_")[0], key.split("_")[3]
    keep = [name]
    for other in by_stem.get(stem, []):
        if other == name:
            continue
        if other.rpartition(".")[0].split("_")[3:4] != [tag]:
            keep.append(other)  # another column set (with/without ext_meta)
        else:
            try:
                os.unlink(os.path.join(cache_dir, other))
            except OSError:
                pass
    by_stem[stem] = keep

