#!/usr/bin/env bash
# Runs every test of the project, from a clean clone, with nothing installed by hand:
#  1. installs the package (C library, `fst24` CLI, Python package) with its test and dev extras,
#     and lints: ruff, mypy --strict, codespell (clang-format --dry-run too when it is installed);
#  2. builds the C library, CLI and C tests with CMake and runs them with ctest;
#  3. runs the C tests again under AddressSanitizer/UBSan, instrumented for line coverage (gcov);
#  4. fuzzes every libFuzzer target for ~30 s (tests/fuzz/run.sh) with clang (installed from Debian
#     packages, with clang-format, when run as root and missing; skipped without it);
#  5. runs the benchmarks once on tiny inputs (bench/run.py --quick: no timing is checked);
#  6. runs the Python tests (corpus agreement, CLI, package) with pytest, with pytest-cov; librmn
#     itself (rpnpy, installed best-effort from PyPI with fstd2nc) checks files written by fst24
#     when available;
#  7. reports the coverage of both (tests/coverage_report.py; FST24_SKIP_COVERAGE=1 skips it).
# The shared corpus is read from ../shared/corpus (or $FST24_CORPUS) when it is there; without it
# the corpus tests are reported as skipped and the fixtures of tests/data are tested alone.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
JOBS=${JOBS:-2}

# ---- shared corpus (optional) ----
CORPUS_DIR=${FST24_CORPUS:-$PWD/../shared/corpus}
if [ -d "$CORPUS_DIR/ref" ]; then
  echo "== shared corpus: $CORPUS_DIR"
else
  echo "== shared corpus not found at $CORPUS_DIR: the corpus tests are skipped (set FST24_CORPUS)"
fi
# ----

# ---- clang for the fuzz targets and clang-format for the C style (best effort) ----
# On a fresh Debian machine run as root, installs Debian's clang (with its libFuzzer runtime) and
# clang-format; elsewhere (no root, no apt, offline) the fuzz and style steps report themselves
# skipped. FST24_NO_APT=1 never installs.
FUZZ_SECONDS=${FST24_FUZZ_SECONDS:-30}
if [ "${FST24_NO_APT:-0}" != 1 ] && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1 &&
   { { [ "$FUZZ_SECONDS" != 0 ] && ! command -v clang >/dev/null 2>&1; } ||
     { [ "${FST24_SKIP_LINT:-0}" != 1 ] && ! command -v clang-format >/dev/null 2>&1; }; }; then
  echo "== apt-get install clang clang-format (best effort)"
  { timeout 300 apt-get install -y -qq clang clang-format ||
    { timeout 300 apt-get update -qq && timeout 300 apt-get install -y -qq clang clang-format; }; } \
    >/dev/null 2>&1 || echo "(clang/clang-format not installed: fuzzing and the C style check are skipped)"
fi
# ----

echo "== pip install .[test,dev]"
"$PY" -m pip install --quiet --disable-pip-version-check ".[test,dev]"
SCRIPTS="$("$PY" -c 'import sysconfig; print(sysconfig.get_path("scripts"))')"
export FST24_CLI="$SCRIPTS/fst24"

if [ "${FST24_SKIP_LINT:-0}" != 1 ]; then
  echo "== lint: ruff, mypy --strict, codespell"
  "$PY" -m ruff check python tests bench examples tools
  "$PY" -m mypy
  "$SCRIPTS/codespell" src include programs python tests docs bench examples cmake *.md
  # The C style: checked with the clang-format the style is written for (14), when installed.
  if command -v clang-format >/dev/null && clang-format --version | grep -q 'version 14\.'; then
    echo "== clang-format --dry-run (C style)"
    git ls-files '*.c' '*.h' | grep -v '^tests/data/' | xargs clang-format --dry-run --Werror
  else
    echo "(clang-format 14 not installed: C style not checked)"
  fi
fi

# Optional second opinion: librmn (through rpnpy, bundled by fstd2nc) reads the files we write
# (tests/python/test_peer_librmn.py). Best effort: the tests skip themselves without it.
if [ "${FST24_PEERS:-1}" = 1 ]; then
  timeout 300 "$PY" -m pip install --quiet --disable-pip-version-check fstd2nc fstd2nc-deps \
    >/dev/null 2>&1 || echo "(peer fstd2nc/rpnpy not installed: peer tests will be skipped)"
fi

# Optional peer for the xarray comparison (tests/python/test_xarray_peer.py): fstd2nc needs numpy < 2,
# so it gets its own venv, build/peers-venv. Best effort: those tests skip themselves without it.
if [ "${FST24_PEERS:-1}" = 1 ] && [ -z "${FST24_PEER_PYTHON:-}" ]; then
  if [ ! -x build/peers-venv/bin/python ] || ! build/peers-venv/bin/python -c "import fstd2nc, yaml, dask" 2>/dev/null; then
    { { [ -x build/peers-venv/bin/python ] || timeout 600 "$PY" -m venv build/peers-venv; } &&
      timeout 600 build/peers-venv/bin/python -m pip install --quiet --disable-pip-version-check \
        "numpy<2" "pandas<3" fstd2nc fstd2nc-deps xarray pyyaml dask; } >/dev/null 2>&1 ||
      echo "(peer venv for fstd2nc not created: xarray peer tests will be skipped)"
  fi
  if build/peers-venv/bin/python -c "import fstd2nc, yaml, dask" >/dev/null 2>&1; then
    export FST24_PEER_PYTHON="$PWD/build/peers-venv/bin/python"
  fi
fi

echo "== C build and tests"
cmake -S . -B build/release -DCMAKE_BUILD_TYPE=Release -DFST24_BUILD_BENCH=ON >/dev/null
cmake --build build/release -j"$JOBS"
(cd build/release && ctest --output-on-failure -j"$JOBS")

# Coverage rides on the sanitizer build (one more build would cost minutes): gcov counters of the
# C tests, pytest-cov for the Python package; the report goes to build/coverage/coverage.md.
COVERAGE=1
if [ "${FST24_SKIP_COVERAGE:-0}" = 1 ] || [ "${FST24_SKIP_SANITIZERS:-0}" = 1 ]; then COVERAGE=0; fi
mkdir -p build/coverage
if [ "${FST24_SKIP_SANITIZERS:-0}" != 1 ]; then
  echo "== C tests under AddressSanitizer + UBSan$([ $COVERAGE = 1 ] && echo ', with line coverage')"
  cmake -S . -B build/asan -DCMAKE_BUILD_TYPE=Debug -DFST24_SANITIZE=ON -DFST24_BUILD_BENCH=OFF \
    -DFST24_COVERAGE=$([ $COVERAGE = 1 ] && echo ON || echo OFF) >/dev/null
  cmake --build build/asan -j"$JOBS"
  find build/asan -name '*.gcda' -delete
  (cd build/asan && ASAN_OPTIONS=detect_leaks=1 ctest --output-on-failure -j"$JOBS" -E "${FST24_ASAN_EXCLUDE:-^$}")
  if [ $COVERAGE = 1 ]; then
    "$SCRIPTS/gcovr" -r . --filter 'src/' --gcov-ignore-parse-errors=negative_hits.warn_once_per_file --json build/coverage/c.json -j"$JOBS" build/asan >/dev/null
  fi
fi

# Best effort: only with clang (Debian: apt-get install clang). A finding fails the run.
if [ "$FUZZ_SECONDS" != 0 ] && command -v clang >/dev/null 2>&1; then
  echo "== fuzzing every target for ${FUZZ_SECONDS} s (tests/fuzz/run.sh)"
  fuzz_status=0
  bash tests/fuzz/run.sh all "$FUZZ_SECONDS" || fuzz_status=$?
  if [ "$fuzz_status" = 3 ]; then
    echo "(fuzzing skipped: the targets could not be built with clang)"
  elif [ "$fuzz_status" != 0 ]; then
    echo "fuzzing found problems: see build/fuzz/artifacts/ (tests/fuzz/README.md)" >&2
    exit 1
  fi
else
  echo "== fuzzing skipped (no clang, or FST24_FUZZ_SECONDS=0)"
fi

# Benchmarks are not tests: the quick run (tiny inputs, one repetition, peers only if a peers
# venv is already there) shows that every benchmark task still runs. It never fails on timing,
# only when an fst24 task itself fails. Report: build/bench-quick.md.
echo "== Benchmarks, quick run (bench/run.py --quick)"
if ! "$PY" bench/run.py --quick --build-dir build/release --data-dir build/bench-data \
     --out build/bench-quick.md 2>build/bench-quick.log; then
  tail -20 build/bench-quick.log
  exit 1
fi
tail -1 build/bench-quick.log

echo "== Python tests"
export FST24_BUILD_DIR="$PWD/build/release"   # installed to a scratch prefix by test_c_install.py
COV_ARGS=()
if [ $COVERAGE = 1 ]; then COV_ARGS=(--cov=fst24 --cov-report="json:$PWD/build/coverage/python.json"); fi
(cd tests/python && "$PY" -m pytest -q -p no:cacheprovider -rs "${COV_ARGS[@]}")

if [ $COVERAGE = 1 ]; then
  echo "== coverage (build/coverage/coverage.md; docs/coverage.md is the committed copy)"
  "$PY" tests/coverage_report.py --c build/coverage/c.json --python build/coverage/python.json \
    --out build/coverage/coverage.md
fi
