#!/bin/sh
# Symbol hygiene of the built libraries: the shared library exports only the public API
# (fst24_*), and every global symbol the static library defines is fst24_* (public) or fst_*
# (internal): sh tests/check_symbols.sh LIBFST24.so LIBFST24.a. Run by ctest (test `symbols`).
# Names the compiler's instrumentation adds are not ours and are left out: those starting with
# "__" (__asan_*, __gcov_*, ...) and libgcov's mangle_path (coverage builds link libgcov in).
set -eu
shared=$1
static=$2
NM=${NM:-nm}
bad=$("$NM" -D --defined-only "$shared" | awk 'NF >= 3 && $2 ~ /^[A-Z]$/ { print $3 }' |
      grep -v '^fst24_' | grep -v '^__' | grep -v '^_init$' | grep -v '^_fini$' | grep -v '^mangle_path$' || true)
if [ -n "$bad" ]; then
  echo "FAIL: $shared exports symbols outside the public API (fst24_*):"
  echo "$bad" | sed 's/^/  /'
  exit 1
fi
bad=$("$NM" -g --defined-only "$static" | awk 'NF >= 3 && $2 ~ /^[A-Z]$/ { print $3 }' |
      grep -v '^fst24_' | grep -v '^fst_' | grep -v '^__' | grep -v '^mangle_path$' | sort -u || true)
if [ -n "$bad" ]; then
  echo "FAIL: global symbols of $static without the fst_ (internal) or fst24_ (public) prefix:"
  echo "$bad" | sed 's/^/  /'
  exit 1
fi
n=$("$NM" -D --defined-only "$shared" | awk 'NF >= 3 && $2 ~ /^[A-Z]$/' | grep -c ' fst24_' || true)
echo "symbols: $shared exports $n fst24_* names and nothing else; $static defines only fst_/fst24_ globals"
