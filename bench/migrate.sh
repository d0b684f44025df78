#!/bin/sh
# migrate.sh - time `listctl migrate mailman2` of a Mailman 2.1 list of N
# members (config.pck from tests/data/make_mm2_fixture.py) against the
# baseline `listctl member import` of the same addresses as CSV, in the
# same run. Prints both wall times and their ratio. Data under /tmp.
set -eu
n=${1:-20000}
top=$(cd "$(dirname "$0")/.." && pwd)
ctl=$top/build/bin/listctl
w=/tmp/listd-bench/migrate
rm -rf "$w" && mkdir -p "$w/home"
export LISTD_HOME=$w/home
/usr/bin/python3 "$top/tests/data/make_mm2_fixture.py" "$w/mm" --members "$n"
{ echo "address,name"; sed -e 's/^"\(.*\)" <\(.*\)>$/\2,\1/' -e '/,/!s/$/,/' \
    "$w/mm/list_members.txt" "$w/mm/digest_members.txt"; } > "$w/members.csv"
$ctl district add b --domain b.example.org --name B >/dev/null
$ctl list create base@b.example.org >/dev/null
now() { date +%s.%N; }
t0=$(now); $ctl member import base@b.example.org "$w/members.csv" >/dev/null
t1=$(now); $ctl migrate mailman2 "$w/mm/lists/parents" --to mm@b.example.org >/dev/null
t2=$(now); $ctl migrate mailman2 "$w/mm/lists/parents" --to mm@b.example.org >/dev/null
t3=$(now)
echo "$n $t0 $t1 $t2 $t3" | awk '{ b=$3-$2; m=$4-$3; r=$5-$4;
    printf "members=%d import_csv_s=%.3f migrate_s=%.3f rerun_s=%.3f ratio=%.2f\n",
    $1, b, m, r, m/b }'
