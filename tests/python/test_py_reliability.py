"""Never lose data, never mislead: the writer lock across processes, files left
by killed writers (XDF and RSF), truncated RSF files, XDF directory pages that
fail their checksum, readers of a file being appended, and repair - through
the Python API and the `fst24` command line."""
from __future__ import annotations

import os
import random
import signal
import subprocess
import sys
import time
import warnings
from pathlib import Path
from typing import Any, Iterator

import numpy as np
import pytest

import fst24

ROOT = Path(__file__).resolve().parents[2]


def cli() -> str:
    """The fst24 command: $FST24_CLI, else the one on PATH, else a build tree's."""
    import shutil
    exe = os.environ.get("FST24_CLI") or shutil.which("fst24")
    if not exe and (ROOT / "build" / "fst24").exists():
        exe = str(ROOT / "build" / "fst24")
    assert exe, "the fst24 command is not installed (pip install .) and FST24_CLI is not set"
    return exe


BACKENDS = ["xdf", "rsf"]

# A writer in another process: opens PATH, writes N records (HOLD, ip2 = i),
# flushes, says "ready", then on a line from stdin: "close" writes one more
# record and closes; "more K" writes K records without flushing and kills
# itself (SIGKILL), like a crashed model run.
HOLDER = r"""
import os, signal, sys
import numpy as np
import fst24
path, backend, mode, n, parallel = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5] == "1"
f = fst24.open(path, mode, backend=backend, parallel=parallel)
def rec(i):
    return fst24.Record(data=np.full((4, 3), i + 0.5, np.float32), nomvar="HOLD", ip1=os.getpid() % 1000, ip2=i)
for i in range(n):
    f.write(rec(i))
f.flush()
print("ready", flush=True)
cmd = sys.stdin.readline().split()
if cmd and cmd[0] == "more":
    for i in range(n, n + int(cmd[1])):
        f.write(rec(i))
    os.kill(os.getpid(), signal.SIGKILL)
f.write(rec(n))
f.close()
print("closed", flush=True)
"""


class Holder:
    """A writer process holding a file open (see HOLDER)."""

    def __init__(self, path: Path, backend: str, mode: str = "w", n: int = 5, parallel: bool = False) -> None:
        self.proc = subprocess.Popen([sys.executable, "-c", HOLDER, str(path), backend, mode, str(n),
                                      "1" if parallel else "0"], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        assert self.proc.stdout is not None
        line = self.proc.stdout.readline()
        assert line.strip() == "ready", self.proc.stderr.read() if self.proc.stderr else line

    @property
    def pid(self) -> int:
        return self.proc.pid

    def send(self, line: str) -> int:
        """Send a command, wait for the process; its exit status."""
        self.proc.communicate(line + "\n", timeout=60)
        return self.proc.returncode


def run(*args: str, timeout: float = 60) -> subprocess.CompletedProcess[str]:
    return subprocess.run([cli(), *args], capture_output=True, text=True, timeout=timeout)


def hold_values(path: Path) -> list[tuple[int, float]]:
    """(ip2, first value) of every record, all data read (no warning allowed)."""
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        with fst24.open(path) as f:
            return sorted((r.ip2, float(r.data[0, 0, 0])) for r in f)


# ---------------------------------------------------------------------------
# 1. the writer lock


@pytest.mark.parametrize("backend", BACKENDS)
@pytest.mark.parametrize("holder_mode", ["w", "a"])
def test_a_second_writer_is_refused_and_the_file_kept(backend: str, holder_mode: str, tmp_path: Path) -> None:
    path = tmp_path / f"held.{backend}"
    if holder_mode == "a":
        with fst24.open(path, "w", backend=backend) as f:
            f.write(fst24.Record(data=np.full((4, 3), 99.5, np.float32), nomvar="BASE", ip2=99))
    holder = Holder(path, backend, holder_mode)
    size = path.stat().st_size
    for mode, opts in [("w", {}), ("a", {}), ("r+", {}), ("r+", {"force_write": True}),
                       ("a", {"parallel": True})]:
        with pytest.raises(fst24.FileLockedError) as ei:
            fst24.open(path, mode, backend=backend, **opts)
        msg = str(ei.value)
        assert str(path) in msg and f"process {holder.pid}" in msg, msg
        assert isinstance(ei.value, PermissionError) and ei.value.status == fst24._core.E_LOCKED
    assert path.stat().st_size == size, "the held file was modified"
    with fst24.open(path) as reader:  # readers are never blocked
        info = reader.info()
        assert info["writer_active"] and not info["recovered"]
        assert len(reader) == 5 + (holder_mode == "a")
    assert holder.send("close") == 0
    expected = [(i, i + 0.5) for i in range(6)] + ([(99, 99.5)] if holder_mode == "a" else [])
    assert hold_values(path) == expected
    assert run("check", str(path)).returncode == 0


@pytest.mark.parametrize("backend", BACKENDS)
def test_same_process_second_writer(backend: str, tmp_path: Path) -> None:
    path = tmp_path / "self.fst"
    with fst24.open(path, "w", backend=backend) as f:
        f.write(fst24.Record(data=np.ones(3, np.float32), nomvar="A"))
        with pytest.raises(fst24.FileLockedError, match="this process"):
            fst24.open(path, "w", backend=backend)
        with pytest.raises(fst24.FileLockedError):
            fst24.open(path, "a")
    with fst24.open(path, "a") as f:  # free again once closed
        assert len(f) == 1


@pytest.mark.parametrize("backend", BACKENDS)
def test_killed_writer_needs_force_write(backend: str, tmp_path: Path) -> None:
    path = tmp_path / f"killed.{backend}"
    holder = Holder(path, backend, "w", n=4)
    assert holder.send("more 0") == -signal.SIGKILL
    size = path.stat().st_size
    for mode in ("a", "w"):
        with pytest.raises(fst24.FileLockedError, match="crashed") as ei:
            fst24.open(path, mode)
        assert "force_write" in str(ei.value)
    assert path.stat().st_size == size, '"w" truncated a crashed writer\'s file'
    with fst24.open(path, "a", force_write=True) as f:
        assert len(f) == 4
    assert hold_values(path) == [(i, i + 0.5) for i in range(4)]


def test_rsf_parallel_writers_share_the_lock(tmp_path: Path) -> None:
    path = tmp_path / "par.rsf"
    a = Holder(path, "rsf", "w", n=3, parallel=True)
    b = Holder(path, "rsf", "w", n=2, parallel=True)  # "w" joins the writers, no truncation
    with pytest.raises(fst24.FileLockedError):
        fst24.open(path, "a")
    assert a.send("close") == 0 and b.send("close") == 0
    with fst24.open(path) as f:
        assert len(f) == 7


def test_cli_outputs_take_the_lock_and_never_overwrite_the_input(tmp_path: Path) -> None:
    src = tmp_path / "in.fst"
    with fst24.open(src, "w", backend="xdf") as f:
        for i in range(3):
            f.write(fst24.Record(data=np.full((4, 3), i + 0.5, np.float32), nomvar="HOLD", ip2=i))
    for args in (["convert", "--backend", "xdf", str(src), str(src)], ["repair", str(src), str(src)]):
        proc = run(*args)
        assert proc.returncode == 1 and "input file" in proc.stderr, proc.stderr
        assert len(proc.stderr.strip().splitlines()) == 1
    assert hold_values(src) == [(i, i + 0.5) for i in range(3)]
    out = tmp_path / "out.rsf"
    holder = Holder(out, "rsf", "w", n=2)
    proc = run("convert", "--backend", "rsf", str(src), str(out))
    assert proc.returncode == 1 and "another writer" in proc.stderr and str(holder.pid) in proc.stderr
    proc = run("select", str(src), "-o", str(out))  # select writes a new file, then renames it onto OUT
    assert proc.returncode == 1 and "another writer" in proc.stderr and str(holder.pid) in proc.stderr
    proc = run("rm", "--where", "nomvar=HOLD", str(out))
    assert proc.returncode == 1 and "another writer" in proc.stderr
    assert holder.send("close") == 0
    assert hold_values(out) == [(i, i + 0.5) for i in range(3)]


# ---------------------------------------------------------------------------
# 2. files left by killed writers


@pytest.mark.parametrize("backend", BACKENDS)
def test_killed_writer_file_opens_with_flushed_records(backend: str, tmp_path: Path) -> None:
    path = tmp_path / f"crash.{backend}"
    holder = Holder(path, backend, "w", n=6)
    assert holder.send("more 4") == -signal.SIGKILL  # 4 records after the last flush
    with pytest.warns(fst24.DamagedFileWarning, match=str(path)):
        f = fst24.open(path)
    with f:
        info = f.info()
        assert info["recovered"] and info["warning"] and not info["writer_active"]
        assert sorted((r.ip2, float(r.data[0, 0, 0])) for r in f) == [(i, i + 0.5) for i in range(6)]
    # repair keeps the complete records written after the flush too
    fixed = tmp_path / f"fixed.{backend}"
    report = fst24.repair(path, fixed)
    assert report["copied"] == 10 and report["damaged"] and report["skipped"] == 0, report
    assert hold_values(fixed) == [(i, i + 0.5) for i in range(10)]
    assert run("check", str(fixed)).returncode == 0
    # force_write takes the file over and goes on
    with pytest.warns(fst24.DamagedFileWarning):
        g = fst24.open(path, "a", force_write=True)
    with g:
        g.write(fst24.Record(data=np.full((4, 3), 50.5, np.float32), nomvar="HOLD", ip2=50))
    values = hold_values(path)
    assert values[:6] == [(i, i + 0.5) for i in range(6)] and values[-1] == (50, 50.5)
    assert run("check", str(path)).returncode == 0


CRASH_WRITER = r"""
import sys
import numpy as np
import fst24
path, backend, first = sys.argv[1], sys.argv[2], int(sys.argv[3])
f = fst24.open(path, "w" if first == 0 else "a", backend=backend, force_write=first > 0)
i = 0
while True:
    for _ in range(1 + i % 5):
        f.write(fst24.Record(data=np.full((8, 8), i + 0.25, np.float32), nomvar="CRSH", ip1=first, ip2=i))
        i += 1
    f.flush()
    print(i, flush=True)
"""


@pytest.mark.parametrize("backend", BACKENDS)
def test_kill_minus_9_loses_no_flushed_record(backend: str, tmp_path: Path) -> None:
    path = tmp_path / f"kill.{backend}"
    rng = random.Random(backend)
    committed: dict[int, int] = {}
    for run_no in range(5):
        proc = subprocess.Popen([sys.executable, "-c", CRASH_WRITER, str(path), backend, str(run_no)],
                                stdout=subprocess.PIPE, text=True)
        assert proc.stdout is not None
        last = 0
        for _ in range(rng.randrange(1, 6)):
            last = int(proc.stdout.readline())
        time.sleep(rng.random() * 0.005)
        proc.kill()
        proc.wait()
        last = max([last] + [int(x) for x in proc.stdout.read().split()])
        proc.stdout.close()
        committed[run_no] = last
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", fst24.DamagedFileWarning)
            with fst24.open(path) as f:
                seen = {(r.ip1, r.ip2) for r in f if float(r.data[0, 0, 0]) == r.ip2 + 0.25}
        lost = [(k, i) for k, n in committed.items() for i in range(n) if (k, i) not in seen]
        assert not lost, f"run {run_no}: committed records lost: {lost[:10]}"


# ---------------------------------------------------------------------------
# 3. truncated RSF files


@pytest.fixture
def rsf_file(tmp_path: Path) -> Iterator[Path]:
    path = tmp_path / "whole.rsf"
    with fst24.open(path, "w", backend="rsf") as f:
        for i in range(40):
            f.write(fst24.Record(data=np.full((30, 20), i + 0.5, np.float32), nomvar="TT", ip2=i))
    yield path


@pytest.mark.parametrize("cut", ["100", "200", "half"])
def test_truncated_rsf_is_never_a_valid_empty_file(cut: str, rsf_file: Path, tmp_path: Path) -> None:
    data = rsf_file.read_bytes()
    n = len(data) // 2 if cut == "half" else int(cut)
    path = tmp_path / f"cut{cut}.rsf"
    path.write_bytes(data[:n])
    if cut == "100":  # not even the first segment: an error
        with pytest.raises(fst24.CorruptFileError, match="truncated") as ei:
            fst24.open(path)
        assert str(path) in str(ei.value)
    else:
        with pytest.warns(fst24.DamagedFileWarning):
            f = fst24.open(path)
        with f:
            info = f.info()
            assert info["recovered"] and ("truncated" in info["warning"] or "no segment" in info["warning"])
    info_cli = run("info", str(path))
    assert "valid: yes" not in info_cli.stdout
    assert ("recovered" in info_cli.stdout and info_cli.returncode == 0) or \
        (info_cli.returncode == 1 and "truncated" in info_cli.stderr)
    for cmd in (["ls"], ["dump", "--nodata"], ["grid"], ["convert", "--backend", "rsf"]):
        extra = [str(tmp_path / "conv.rsf")] if cmd[0] == "convert" else []
        proc = run(*cmd, str(path), *extra)
        assert proc.returncode != 0, f"{cmd[0]} exit 0 on a truncated file"
        err = proc.stderr.strip().splitlines()
        assert err and str(path) in err[0] and ("truncated" in err[0] or "no segment" in err[0]), proc.stderr
    assert run("check", str(path)).returncode == 1
    fixed = tmp_path / "fixed.rsf"
    proc = run("repair", str(path), str(fixed))
    assert proc.returncode == 3, proc.stderr  # written, but something could not be recovered
    got = hold_values(fixed)
    assert got == [(i, i + 0.5) for i in range(len(got))], "repair returned wrong records"
    if cut == "half":
        assert 15 <= len(got) < 40, len(got)  # every record before the cut


# ---------------------------------------------------------------------------
# 4. XDF directory pages failing their checksum


def test_checksum_failure_is_flagged_everywhere(tmp_path: Path) -> None:
    path = tmp_path / "sum.xdf"
    with fst24.open(path, "w", backend="xdf") as f:
        for i in range(10):
            f.write(fst24.Record(data=np.full((4, 3), i + 0.5, np.float32), nomvar="GZ", ip2=i))
    data = bytearray(path.read_bytes())
    data[208 + 32 + 72 * 200 + 9] ^= 0x40  # a byte of an unused slot of page 1
    path.write_bytes(bytes(data))
    with pytest.warns(fst24.DamagedFileWarning, match="checksum"):
        f = fst24.open(path)
    with f:
        info = f.info()
        assert info["recovered"] and info["checksum_errors"] == 1 and "checksum" in info["warning"]
        assert sorted((r.ip2, float(r.data[0, 0, 0])) for r in f) == [(i, i + 0.5) for i in range(10)]
    for cmd in (["ls"], ["dump", "--nodata"]):
        proc = run(*cmd, str(path))
        assert proc.returncode == 1 and "checksum" in proc.stderr and proc.stdout, proc.stderr
    assert "checksum" in run("info", str(path)).stdout
    assert run("check", str(path)).returncode == 1


# ---------------------------------------------------------------------------
# 8. readers of a file being appended

APPENDER = r"""
import sys, time
import numpy as np
import fst24
path, backend = sys.argv[1], sys.argv[2]
with fst24.open(path, "w", backend=backend) as f:
    f.flush()
    print(0, flush=True)
    i = 0
    while i < 600:
        for _ in range(1 + i % 7):
            f.write(fst24.Record(data=np.full((6, 6), i + 0.5, np.float32), nomvar="LIVE", ip2=i))
            i += 1
        f.flush()
        print(i, flush=True)
        time.sleep(0.002)
"""


@pytest.mark.parametrize("backend", BACKENDS)
def test_readers_of_a_file_being_appended(backend: str, tmp_path: Path) -> None:
    path = tmp_path / f"live.{backend}"
    proc = subprocess.Popen([sys.executable, "-c", APPENDER, str(path), backend], stdout=subprocess.PIPE)
    assert proc.stdout is not None
    proc.stdout.readline()
    fd = proc.stdout.fileno()
    os.set_blocking(fd, False)
    flushed, opens, active = 0, 0, 0

    def reported() -> int:
        try:
            counts = os.read(fd, 1 << 16).split()
        except BlockingIOError:
            counts = []
        return int(counts[-1]) if counts else flushed

    with warnings.catch_warnings():
        warnings.simplefilter("error")  # a DamagedFileWarning would fail the test
        while proc.poll() is None or opens < 50:
            flushed = reported()
            before = flushed
            with fst24.open(path) as f:
                opens += 1
                active += f.info()["writer_active"]
                recs = list(f)
                assert len(recs) >= before
                assert [r.ip2 for r in recs] == list(range(len(recs)))
                if recs:
                    assert float(recs[-1].data[0, 0, 0]) == recs[-1].ip2 + 0.5
            if proc.poll() is not None and opens >= 50:
                break
    assert proc.wait() == 0 and opens >= 50 and active > 0
    proc.stdout.close()
    with fst24.open(path) as f:
        assert [r.ip2 for r in f] == list(range(len(f))) and len(f) >= 600


# ---------------------------------------------------------------------------
# repair from the command line


def test_repair_command_help_and_usage() -> None:
    proc = run("repair", "--help")
    assert proc.returncode == 0 and "example:" in proc.stdout and "fst24 repair" in proc.stdout
    proc = run("repair", "only-one-argument")
    assert proc.returncode == 2 and proc.stderr.count("\n") == 1 and "IN OUT" in proc.stderr
    usage = run("--help")
    assert any(line.split()[:1] == ["repair"] for line in usage.stdout.splitlines())


def test_repair_of_an_intact_file_copies_everything(tmp_path: Path, rsf_file: Path) -> None:
    out = tmp_path / "copy.rsf"
    proc = run("repair", str(rsf_file), str(out))
    assert proc.returncode == 0, proc.stderr
    assert "40 records copied" in proc.stdout and "intact" in proc.stdout
    assert hold_values(out) == hold_values(rsf_file)
    report: dict[str, Any] = fst24.repair(rsf_file, out)
    assert not report["damaged"] and report["copied"] == 40 and not report["problems"]


DAMAGED_CORPUS = {  # name -> (records repair recovers, exit status of `fst24 repair`)
    "ECCC-ASTD-MRD_fst-tools__zzzz": (4, 3),  # a byte lost: 3 records found 1 byte off, 1 suspect
    "ECCC-ASTD-MRD_fst-tools__anal_temp": (8, 0),
    "ECCC-ASTD-MRD_vgrid__tests_data_Linux_dm_1001_just_p0": (0, 0),
    # the 120 bytes past the header's size are a record no directory lists: copied, and said so
    "ECCC-ASTD-MRD_vgrid__tests_data_Linux_dm_5002_from_model_run__2271cc02": (119, 0),
}


@pytest.mark.parametrize("name", sorted(DAMAGED_CORPUS))
def test_repair_of_the_damaged_corpus_files(name: str, tmp_path: Path) -> None:
    from conftest import CORPUS
    src = CORPUS / "real" / name
    if not src.exists():
        pytest.skip(f"{name} is not in the corpus at {CORPUS}")
    want, status = DAMAGED_CORPUS[name]
    out = tmp_path / "repaired.fst"
    proc = run("repair", str(src), str(out))
    assert proc.returncode == status, proc.stderr
    assert f"{want} records copied" in proc.stdout
    assert all(line.startswith("fst24: repair: ") for line in proc.stderr.splitlines())
    if "5002" in name:
        assert "1 record from byte 131520 on is in no directory" in proc.stderr
    check = run("check", str(out))
    assert check.returncode == 0, check.stdout
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", fst24.DamagedFileWarning)
        try:
            with fst24.open(src) as f:
                shown = [(r.file_offset, r.header(), r.data.tobytes()) for r in f]
        except fst24.Error:
            shown = []
    with fst24.open(out) as g:
        assert len(g) == want
        copied = [(r.header(), r.data.tobytes()) for r in g]
    # what the tolerant open shows, repair copies unchanged, in file order
    fields = ("nomvar", "typvar", "etiket", "ip1", "ip2", "ip3", "ni", "nj", "nk", "datev", "data_type",
              "pack_bits", "ig1", "ig2", "ig3", "ig4")
    expect = [({k: h[k] for k in fields}, d) for _, h, d in sorted(shown, key=lambda x: x[0])]
    got = [({k: h[k] for k in fields}, d) for h, d in copied]
    assert got[:len(expect)] == expect
    for h, d in copied:
        if not shown and h["nomvar"] == "MG":  # zzzz: a land-sea mask, values between 0 and 1
            values = np.frombuffer(d, np.float32)
            assert 0 <= values.min() and values.max() <= 1
