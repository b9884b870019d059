"""Indexing on a dask.distributed cluster (``fst24.index(paths, client=client)``).

The paths are expanded here, cut into batches (about four per worker) and
indexed on the workers (each with its C threads, and the Parquet cache when
one is given: it must then be on a file system the workers share). The
workers send back polars DataFrames, concatenated here in file order.
Workers must see the files under the same paths as the client.
"""
from __future__ import annotations

from typing import Any, Optional, Sequence

from .errors import InvalidArgumentError, _error
from .metadata import _Progress, _plan, _polars


def _index_batch(paths: list[str], skip: bool, names: Sequence[str], threads: Optional[int],
                 cache: Any, ext_meta: bool, errors: str) -> Any:
    """One batch, run on a worker: its rows, with the path as plain text."""
    from .metadata import _scan
    pl = _polars()
    steps: list[Any] = [("paths", list(paths), skip)]
    cols = list(dict.fromkeys(["path", *names]))
    if cache is not None:
        from ._index_cache import index_cached
        df = index_cached(steps, cols, threads, False, cache, ext_meta, errors)
    else:
        df = _scan(steps, cols, threads, False, errors).to_polars()
    return df.with_columns(pl.col("path").cast(pl.String))


def index_distributed(client: Any, source: Any, names: Sequence[str], threads: Optional[int],
                      progress: Optional[bool], cache: Any, recursive: bool, ext_meta: bool,
                      errors: str) -> Any:
    """:func:`fst24.index` on the workers of a dask.distributed ``client``."""
    pl = _polars()
    steps = _plan(source, recursive)
    if any(kind == "file" for kind, _, _ in steps):
        raise _error(InvalidArgumentError, "client= takes paths, globs or directories, not open File objects")
    nworkers = max(1, len(client.scheduler_info().get("workers", {})))
    batches: list[tuple[list[str], bool]] = []
    total = sum(len(w) for _, w, _ in steps)
    size = max(1, -(-total // (4 * nworkers)))
    for _, what, skip in steps:
        for i in range(0, len(what), size):
            batches.append((what[i:i + size], skip))
    futures = [client.submit(_index_batch, b, skip, list(names), threads, cache, ext_meta, errors, pure=False)
               for b, skip in batches]
    bar = _Progress(total, progress, "fst24.index")
    try:
        if bar.active:
            import importlib
            as_completed = importlib.import_module("dask.distributed").as_completed
            sizes = {f.key: len(b) for f, (b, _) in zip(futures, batches)}
            for fut in as_completed(futures):
                bar.update(sizes[fut.key])
        frames = client.gather(futures)
    finally:
        bar.close()
    if not frames:
        from .metadata import index
        return index([], columns=list(names), ext_meta=ext_meta)
    df = pl.concat(frames, how="vertical")
    df = df.with_columns(pl.col("path").cast(pl.Categorical))
    return df.select(list(names))
