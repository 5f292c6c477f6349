#!/bin/sh
# Instructions per row history_add() costs (bench/README, "Counting the
# history's instructions"): fills a database of FILL rows once (kept in
# DIR), then for each of chat, room, plainroom, mam, flood and roomflood
# (HISTCOST_KINDS: those named) writes N rows (mam: 2 N) into a copy of
# it under callgrind and prints the count per row, split into the
# duplicate look-up, the insert, the commits and the search index.
# Usage: bench/histcost.sh BUILD_DIR [DIR [FILL [N]]]
set -e
build=${1:?usage: histcost.sh BUILD_DIR [DIR [FILL [N]]]}
dir=${2:-/tmp/histcost}
fill=${3:-100000}
n=${4:-5000}
# HISTCOST: another build of it (e.g. an older history.c's), else BUILD's
bin=${HISTCOST:-$build/bench/histcost}
[ -n "$HISTCOST" ] || make -s -C "$build" bench/histcost
mkdir -p "$dir"
if [ ! -f "$dir/base-$fill.db" ]; then
	"$bin" fill "$dir/base-$fill.db.tmp" "$fill"
	mv "$dir/base-$fill.db.tmp" "$dir/base-$fill.db"
fi
printf '%-9s %6s %8s %8s %8s %8s %8s\n' kind rows total dup insert commit index
for kind in ${HISTCOST_KINDS:-chat room plainroom mam flood roomflood}; do
	rows=$n
	[ "$kind" = mam ] && rows=$((n * 2))
	rm -f "$dir/run.db" "$dir/run.db-wal" "$dir/run.db-shm" "$dir/cg.out"
	cp "$dir/base-$fill.db" "$dir/run.db"
	valgrind --tool=callgrind --toggle-collect=flood \
		--callgrind-out-file="$dir/cg.out" "$bin" "$kind" \
		"$dir/run.db" "$rows" 2>/dev/null
	# history.c's functions, inclusive: history_add (the look-ups and
	# the insert), history_commit, history_flush (the search index)
	callgrind_annotate --inclusive=yes --auto=no "$dir/cg.out" \
		2>/dev/null | awk -v kind="$kind" -v rows="$rows" '
		function num(s) { gsub(/,/, "", s); return s + 0 }
		{ f = ""; for (i = 2; i <= NF; i++) if ($i ~ /history\.c:/) f = $i }
		f == "" { next }
		{ sub(/.*history\.c:/, "", f) }
		f == "history_add" { add = num($1) }
		f == "history_commit" { c = num($1) }
		f == "history_flush" { ix = num($1) }
		# chat_seen and room_seen may be inlined: then what they call
		f == "chat_seen" { cs = num($1) }
		f == "chat_copy" { cc = num($1) }
		f == "room_seen" { rs = num($1) }
		f == "found_row" { fr = num($1) }
		END {
			dup = (cs ? cs : cc) + (rs ? rs : fr)
			printf "%-9s %6d %8d %8d %8d %8d %8d\n", kind, rows,
			       (add + c + ix) / rows, dup / rows,
			       (add - dup) / rows, c / rows, ix / rows
		}'
done
