#!/bin/sh
# import.sh - benchmark "listctl member import" of a 15,000-row CSV against
# sqlite3's own ".import" of the same file into a fresh table, measured in
# the same run (median of RUNS each, /usr/bin/time '%e %M'). The last line
# is key=value pairs for CI. Data goes to /tmp/listd-bench/import.
# Usage: bench/import.sh [ROWS] (env: BUILD=build RUNS=3)
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
rows=${1:-15000}
runs=${RUNS:-3}
listctl="$top/${BUILD:-build}/bin/listctl"
work=/tmp/listd-bench/import
[ -x "$listctl" ] || { echo "import.sh: build first (make)" >&2; exit 1; }
command -v sqlite3 >/dev/null || { echo "import.sh: needs sqlite3" >&2; exit 1; }

rm -rf "$work"
mkdir -p "$work"
csv="$work/members.csv"
/usr/bin/python3 "$top/bench/gen-members.py" "$rows" 1 >"$csv"
echo "import.sh: $rows rows, $(wc -c <"$csv") bytes, md5 $(md5sum "$csv" | cut -c1-32)"

# time_one OUT CMD... : run CMD under /usr/bin/time, append "secs kb" to OUT.
time_one() {
	out=$1
	shift
	/usr/bin/time -f '%e %M' -o "$work/t" "$@" >"$work/cmd.out" 2>"$work/cmd.err" ||
		{ echo "import.sh: failed: $*" >&2; cat "$work/cmd.err" >&2; exit 1; }
	cat "$work/t" >>"$out"
}

: >"$work/listd.times"
: >"$work/sqlite.times"
for i in $(seq "$runs"); do
	home="$work/home$i"
	"$listctl" --home "$home" district add bench \
		--domain bench.example.org --name Bench >/dev/null
	"$listctl" --home "$home" list create news@bench.example.org >/dev/null
	time_one "$work/listd.times" "$listctl" --home "$home" \
		member import news@bench.example.org "$csv"
	n=$("$listctl" --home "$home" list show news@bench.example.org |
		sed -n 's/^members: *//p')
	[ "$n" = "$rows" ] || { echo "import.sh: imported $n of $rows" >&2; exit 1; }

	db="$work/sqlite$i.db"
	rm -f "$db"
	time_one "$work/sqlite.times" sqlite3 "$db" ".mode csv" \
		".import $csv members"
	n=$(sqlite3 "$db" "select count(*) from members")
	[ "$n" = "$rows" ] || { echo "import.sh: sqlite3 imported $n" >&2; exit 1; }
done

median() {	# median of column $2 of file $1
	sort -n -k"$2" "$1" | awk -v c="$2" '{ v[NR] = $c } END { print v[int((NR + 1) / 2)] }'
}
l_s=$(median "$work/listd.times" 1)
s_s=$(median "$work/sqlite.times" 1)
l_kb=$(median "$work/listd.times" 2)
s_kb=$(median "$work/sqlite.times" 2)
awk -v l="$l_s" -v s="$s_s" -v lk="$l_kb" -v sk="$s_kb" -v r="$runs" -v n="$rows" 'BEGIN {
	if (s < 0.01) s = 0.01	# %e resolution
	printf "%-28s %8s %12s\n", "system (median of " r ")", "wall s", "peak RSS MB"
	printf "%-28s %8.2f %12.1f\n", "listctl member import", l, lk / 1024
	printf "%-28s %8.2f %12.1f\n", "sqlite3 .import (baseline)", s, sk / 1024
	printf "listd_import_s=%.2f sqlite3_import_s=%.2f ratio_vs_sqlite3=%.1f peak_rss_mb=%.1f rows=%d target_s=1 %s\n",
	    l, s, l / s, lk / 1024, n, (l < 1.0 ? "ok=1" : "ok=0")
}'
