#!/bin/sh
# Replays each fuzz target's committed corpus once (tests/fuzz/replay.c):
# part of make check in builds without --enable-fuzzing.
set -eu
: "${top_srcdir:?}" "${NATTER_BIN:?}"
bin=$(dirname "$NATTER_BIN")/../tests/fuzz
status=0
for dir in "$top_srcdir"/tests/fuzz/corpus/*/; do
	t=$(basename "$dir")
	"$bin/fuzz_$t" "$dir" || { echo "FAIL: fuzz_$t on its corpus"; status=1; }
done
exit $status
