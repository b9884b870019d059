#!/bin/sh
# The code and its docs stand alone: no comment or page cites the specification files the project
# was started from (they are not in the repository); they point to the format guide in
# docs/format/ instead (its README maps the old section numbers to its pages). Run by ctest
# (test `no_external_refs`): sh tests/check_no_external_refs.sh [ROOT]
set -eu
root=${1:-$(dirname "$0")/..}
cd "$root"
# CONTAINER.md, ENCODING.md, METADATA.md, "ENCODING §10.4", the spec's own folder, and in code a
# bare "§5.3" (Markdown pages number their own sections: "user guide §8"). The mapping table of
# docs/format/README.md names them on purpose.
hits=$({
  grep -rnE '(CONTAINER|ENCODING|METADATA)(\.md|[ ]+§)|shared/spec' \
    src include programs python tests bench examples tools docs cmake README.md CONTRIBUTING.md CHANGELOG.md \
    CMakeLists.txt pyproject.toml 2>/dev/null
  grep -rnE '§ ?[0-9]' src include programs python tests bench examples tools cmake CMakeLists.txt 2>/dev/null
} | grep -v '^docs/format/README.md:' | grep -v '^tests/check_no_external_refs.sh:' | grep -v '^tests/data/' || true)
if [ -n "$hits" ]; then
  echo "FAIL: references to files outside the repository (cite docs/format/ instead):"
  echo "$hits"
  exit 1
fi
echo "no references to files outside the repository"
