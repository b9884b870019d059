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
# The option initialisers are valid initialisers in both languages.
cat > "$tmp/init.c" <<'EOT'
#include <fst24.h>
#include <fst24/index.h>
int main(void) {
    fst24_open_options o = FST24_OPEN_OPTIONS_INIT;
    fst24_query_options q = FST24_QUERY_OPTIONS_INIT;
    fst24_read_options r = FST24_READ_OPTIONS_INIT;
    fst24_repair_options p = FST24_REPAIR_OPTIONS_INIT;
    fst24_index_options x = FST24_INDEX_OPTIONS_INIT;
    return o.parallel + q.ip1_all + r.threads + (p.on_skip != NULL) + x.threads;
}
EOT
"$cc" -std=c17 -Wall -Wextra -Wpedantic -Werror -I"$inc" -c "$tmp/init.c" -o "$tmp/t.o" ||
  { echo "FAIL (C): the *_OPTIONS_INIT initialisers"; exit 1; }
if [ -n "$cxx" ]; then
  cp "$tmp/init.c" "$tmp/init.cpp"
  "$cxx" -std=c++11 -Wall -Wextra -Wpedantic -Werror -I"$inc" -c "$tmp/init.cpp" -o "$tmp/t.o" ||
    { echo "FAIL (C++): the *_OPTIONS_INIT initialisers"; exit 1; }
fi
echo "$n public headers compile on their own (C17${cxx:+ and C++11 with $cxx}), included twice"
