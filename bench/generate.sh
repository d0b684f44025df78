#!/bin/bash
# generate.sh - benchmark the roster generator: 14 districts, 200,000
# accounts in all (bench/gen-roster.py, deterministic). Times, with
# ../shared/peers/measure.py (wall, peak RSS): the first run, a rerun with
# no change, and a rerun with 5% churn (adds, removes, renames) — each
# against sqlite3 .import of the same CSV files, measured in the same run;
# then the same from MySQL/MariaDB beside the server alone returning the
# rows (bench/generate-mysql-harness.sh).
# The LDAP row (bench/generate-ldap.py, when slapd is installed) reads the
# same accounts from a private slapd, against ldapsearch of the same rows.
#   bench/generate.sh [--accounts N] [--districts D] [--workdir DIR]
# Last line: key=value pairs with each figure and its ratio to the import.
set -euo pipefail

top=$(cd "$(dirname "$0")/.." && pwd)
N=200000
D=14
WORK=/tmp/listd-bench/generate
while [ $# -gt 0 ]; do
	case "$1" in
	--accounts) N=$2; shift 2;;
	--districts) D=$2; shift 2;;
	--workdir) WORK=$2; shift 2;;
	-h|--help) sed -n '2,9p' "$0"; exit 0;;
	*) echo "unknown option $1" >&2; exit 2;;
	esac
done
MEASURE=${MEASURE:-$top/../shared/peers/measure.py}
[ -x "$MEASURE" ] || MEASURE=/work/shared/peers/measure.py
ctl="$top/build/bin/listctl"
[ -x "$ctl" ] || { echo "build first: make" >&2; exit 1; }

rm -rf "$WORK"; mkdir -p "$WORK"
export LISTD_HOME="$WORK/home" LISTD_ACTOR=bench
/usr/bin/python3 "$top/bench/gen-roster.py" --out "$WORK/base" --accounts "$N" --districts "$D"
/usr/bin/python3 "$top/bench/gen-roster.py" --out "$WORK/churn" --accounts "$N" --districts "$D" --churn 0.05
mkdir -p "$WORK/live"
for ((d = 0; d < D; d++)); do
	cp "$WORK/base/d$d.csv" "$WORK/live/d$d.csv"
	"$ctl" district add "d$d" --domain "d$d.example.org" --name "District $d" \
		--students-email yes >/dev/null
	"$ctl" source set "d$d" --type csv --path "$WORK/live/d$d.csv" >/dev/null
done

measure() {	# measure NAME command...: print "wall rss_mb"
	local name=$1; shift
	/usr/bin/python3 "$MEASURE" -- sh -c 'exec "$0" "$@" >/dev/null' "$@" \
		>"$WORK/$name.json"
	/usr/bin/python3 -c 'import json,sys; r=json.load(open(sys.argv[1])); print(r["wall_s"], round(r["maxrss_kb"]/1024, 1))' "$WORK/$name.json"
}

import_sql="$WORK/import.sql"
: > "$import_sql"
for ((d = 0; d < D; d++)); do
	echo ".import --csv $WORK/base/d$d.csv d$d" >> "$import_sql"
done
read -r imp_s imp_mb < <(measure import sqlite3 "$WORK/import.db" ".read $import_sql")
read -r first_s first_mb < <(measure first "$ctl" generate --all)
read -r same_s same_mb < <(measure nochange "$ctl" generate --all)
cp "$WORK/churn/"*.csv "$WORK/live/"
read -r churn_s churn_mb < <(measure churn "$ctl" generate --all)
"$ctl" generate status | grep -c "applied" >/dev/null

ldap_kv=""
if [ -x /usr/sbin/slapd ] && [ -z "${NO_LDAP:-}" ]; then
	ldap_kv=$(/usr/bin/python3 "$top/bench/generate-ldap.py" --work "$WORK" \
		--districts "$D" --measure "$MEASURE" | tail -1)
fi

ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", a / b }'; }
peak=$(printf '%s\n' "$first_mb" "$same_mb" "$churn_mb" | sort -n | tail -1)
printf '%-28s %8s %8s %10s\n' step wall_s peak_MB vs_import
printf '%-28s %8s %8s %10s\n' "sqlite3 .import (baseline)" "$imp_s" "$imp_mb" 1.00
printf '%-28s %8s %8s %10s\n' "first run" "$first_s" "$first_mb" "$(ratio "$first_s" "$imp_s")"
printf '%-28s %8s %8s %10s\n' "rerun, no change" "$same_s" "$same_mb" "$(ratio "$same_s" "$imp_s")"
printf '%-28s %8s %8s %10s\n' "rerun, 5% churn" "$churn_s" "$churn_mb" "$(ratio "$churn_s" "$imp_s")"
# The same accounts from MySQL/MariaDB (bench/generate-mysql-harness.sh).
. "$top/bench/generate-mysql-harness.sh"
bench_mysql
[ -n "$ldap_kv" ] && echo "LDAP source: $ldap_kv"
echo "accounts=$N districts=$D import_s=$imp_s first_s=$first_s first_ratio=$(ratio "$first_s" "$imp_s") nochange_s=$same_s nochange_ratio=$(ratio "$same_s" "$imp_s") churn_s=$churn_s churn_ratio=$(ratio "$churn_s" "$imp_s") peak_mb=$peak${mysql_kv:+ $mysql_kv}${ldap_kv:+ $ldap_kv}"
