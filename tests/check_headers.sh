#!/bin/sh
# Every public header compiles on its own, first in a translation unit, as C17 and (when a C++
# compiler is there) as C++11, warnings as errors: CC=... CXX=... sh tests/check_headers.sh [INCLUDE_DIR]
# Run by ctest (test `public_headers`).
set -eu
inc=${1:-$(dirname "$0")/../include}
cc=${CC:-cc}
cxx=${CXX:-}
if [ -z "$cxx" ]; then cxx=$(command -v c++ || command -v g++ || command -v clang++ || true); fi
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
n=0
for h in "$inc"/fst24.h "$inc"/fst24/*.h; do
  rel=${h#"$inc"/}
  printf '#include <%s>\n#include <%s>\nint main(void) { return 0; }\n' "$rel" "$rel" > "$tmp/t.c"
  "$cc" -std=c17 -Wall -Wextra -Wpedantic -Werror -I"$inc" -c "$tmp/t.c" -o "$tmp/t.o" ||
    { echo "FAIL (C): $rel does not compile on its own"; exit 1; }
  if [ -n "$cxx" ]; then
    cp "$tmp/t.c" "$tmp/t.cpp"
    "$cxx" -std=c++11 -Wall -Wextra -Wpedantic -Werror -I"$inc" -c "$tmp/t.cpp" -o "$tmp/t.o" ||
      { echo "FAIL (C++): $rel does not compile on its own"; exit 1; }
  fi
  n=$((n + 1))
done
echo "$n public headers compile on their own (C17${cxx:+ and C++11 with $cxx}), included twice"
