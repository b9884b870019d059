#!/usr/bin/env bash
# Builds the libFuzzer targets with clang (AddressSanitizer + UBSan + libFuzzer) and runs
# them for a given time each:
#
#   tests/fuzz/run.sh [TARGET|all] [SECONDS]      (default: all, 60 s per target)
#
# TARGET is one of: file codec grid levels extmeta. Seeds are built from the corpus
# ($FST24_CORPUS, else ../shared/corpus) and from the files the C tests wrote
# (build/*/tmp), plus small files written by the seed builder itself; each target
# keeps what it finds interesting in build/fuzz/corpus/TARGET (kept between runs).
# Crashes, leaks, timeouts (-timeout, default 10 s) and OOMs (-rss_limit_mb=2048) are
# written to build/fuzz/artifacts/TARGET/; the script exits 1 if there are any.
# Replay one with: build/fuzz/fuzz_TARGET ARTIFACT  (or, with gcc: the ctest replay
# executable fst24_fuzz_replay_TARGET). Fixed ones go to tests/fuzz/regressions/TARGET/.
# Environment: CC (default clang), JOBS (parallel compilations, default 2), FUZZ_JOBS (parallel
# fuzzing processes per target, default 1), FUZZ_TIMEOUT (s), FUZZ_ARGS (more libFuzzer flags).
# Exit status: 0 nothing found, 1 findings, 2 bad usage or no compiler, 3 cannot build.
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
TARGETS_ALL="file codec grid levels extmeta"
WHICH=${1:-all}
SECONDS_PER_TARGET=${2:-60}
CC=${CC:-clang}
OUT=$ROOT/build/fuzz
CORPUS_DIR=${FST24_CORPUS:-$ROOT/../shared/corpus}
if ! command -v "$CC" >/dev/null 2>&1; then
  echo "fuzz: $CC not found (apt-get install clang)" >&2
  exit 2
fi
if [ "$WHICH" = all ]; then TARGETS=$TARGETS_ALL; else TARGETS=$WHICH; fi
for t in $TARGETS; do
  case " $TARGETS_ALL " in *" $t "*) ;; *) echo "fuzz: unknown target $t ($TARGETS_ALL)" >&2; exit 2;; esac
done
mkdir -p "$OUT"
SRCS=$(find src -name '*.c' | sort)
CFLAGS="-g -O1 -std=c17 -D_GNU_SOURCE -D_FILE_OFFSET_BITS=64 -ffp-contract=off -Iinclude -Isrc -Itests/fuzz"

# The library (one build, shared by the targets, redone when a source changed), the targets
# and the seed builder. Exit status 3 when they cannot be built (e.g. clang without libFuzzer).
build() {
  if [ ! -f "$OUT/libfst24_fuzz.a" ] || [ -n "$(find src include -newer "$OUT/libfst24_fuzz.a" -name '*.[ch]' | head -1)" ]; then
    echo "== building libfst24 for fuzzing ($CC, ASan + UBSan)"
    rm -rf "$OUT/obj" "$OUT/libfst24_fuzz.a" && mkdir -p "$OUT/obj"
    local pids=() s o p
    for s in $SRCS; do
      o="$OUT/obj/$(echo "$s" | tr / _).o"
      "$CC" $CFLAGS -fsanitize=fuzzer-no-link,address,undefined -fno-sanitize-recover=undefined -c "$s" -o "$o" &
      pids+=($!)
      while [ "$(jobs -rp | wc -l)" -ge "${JOBS:-2}" ]; do sleep 0.1; done
    done
    for p in "${pids[@]}"; do wait "$p" || return 1; done
    ar rcs "$OUT/libfst24_fuzz.a" "$OUT"/obj/*.o || return 1
  fi
  local t
  for t in $TARGETS; do
    "$CC" $CFLAGS -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
      "tests/fuzz/fuzz_$t.c" "$OUT/libfst24_fuzz.a" -lpthread -lm -o "$OUT/fuzz_$t" || return 1
  done
  "$CC" $CFLAGS -fsanitize=address,undefined tests/fuzz/make_seeds.c "$OUT/libfst24_fuzz.a" -lpthread -lm \
    -o "$OUT/make_seeds" || return 1
}
if ! build; then
  echo "fuzz: the targets could not be built with $CC (clang with its libFuzzer runtime is needed)" >&2
  exit 3
fi

echo "== seeds"
rm -rf "$OUT/seeds"
EXTRA=()
for d in "$ROOT"/build/*/tmp; do [ -d "$d" ] && EXTRA+=("$d"); done
"$OUT/make_seeds" "$OUT/seeds" tests/data "$CORPUS_DIR/ref" "$CORPUS_DIR/real" ${EXTRA[@]+"${EXTRA[@]}"} || true

status=0
for t in $TARGETS; do
  mkdir -p "$OUT/corpus/$t" "$OUT/artifacts/$t"
  echo "== fuzzing $t for ${SECONDS_PER_TARGET}s"
  log="$OUT/fuzz_$t.log"
  # -fork keeps going after a crash, so one run reports every distinct finding.
  set +e
  "$OUT/fuzz_$t" -rss_limit_mb=2048 -malloc_limit_mb=2048 -timeout="${FUZZ_TIMEOUT:-10}" -max_len=262144 \
    -max_total_time="$SECONDS_PER_TARGET" -print_final_stats=1 -fork="${FUZZ_JOBS:-1}" \
    -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 \
    -artifact_prefix="$OUT/artifacts/$t/" ${FUZZ_ARGS:-} \
    "$OUT/corpus/$t" "$OUT/seeds/$t" "tests/fuzz/regressions/$t" > "$log" 2>&1
  set -e
  execs=$(grep -Eo 'stat::number_of_executed_units: *[0-9]+|#[0-9]+' "$log" | tail -1 | grep -Eo '[0-9]+$' || echo "?")
  events=$(grep -Eo 'oom/timeout/crash: *[0-9]+/[0-9]+/[0-9]+' "$log" | tail -1 | awk '{print $2}')
  found=$(find "$OUT/artifacts/$t" -type f | wc -l)
  printf '%-8s executions %-12s oom/timeout/crash %-8s artifacts %s   (log %s)\n' "$t" "$execs" \
    "${events:-0/0/0}" "$found" "$log"
  [ "$found" -eq 0 ] || status=1
done
exit $status
