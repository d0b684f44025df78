#!/bin/sh
# ops.sh - operations figures, each a ratio against a baseline run on the
# same data in the same run: "listctl mta postfix --postmap" for L lists
# against postmap alone on the same three files, and "listctl district
# backup" of a district with M stored messages against tar -cf of the same
# directory. Usage: bench/ops.sh [LISTS] [MESSAGES]. Data in /tmp/listd-bench.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
C="$top/build/bin/listctl"
L=${1:-500}
M=${2:-2000}
work=/tmp/listd-bench/ops
rm -rf "$work" && mkdir -p "$work/home"
export LISTD_HOME="$work/home" LISTD_ACTOR=bench
now() { date +%s.%N; }
"$C" district add north --domain north.example.org --name North >/dev/null
i=0
while [ $i -lt "$L" ]; do
	[ $i -eq 1 ] && printf '[mta]\npostfix_dir = %s/none\npostmap =\n' "$work" >"$LISTD_HOME/listd.conf"
	"$C" list create "l$i@north.example.org" >/dev/null
	i=$((i + 1))
done
rm -f "$LISTD_HOME/listd.conf"
t0=$(now); "$C" mta postfix --postmap /usr/sbin/postmap >/dev/null; t1=$(now)
for m in listd_transport listd_domains listd_recipients; do
	/usr/sbin/postmap "hash:$LISTD_HOME/postfix/$m"; done; t2=$(now)
maps=$(echo "$t1 - $t0" | bc); base=$(echo "$t2 - $t1" | bc)
python3 - "$work/home/districts/north" "$M" <<'PY'
import hashlib, os, sys
d, n = sys.argv[1], int(sys.argv[2])
for i in range(n):
    data = (f"From: a{i}@example.net\nSubject: m{i}\n\n" + "x" * 4000 + "\n").encode()
    h = hashlib.sha256(data).hexdigest()
    os.makedirs(f"{d}/messages/{h[:2]}", exist_ok=True)
    open(f"{d}/messages/{h[:2]}/{h}.eml", "wb").write(data)
PY
t0=$(now); "$C" district backup north "$work/b.tar" >/dev/null; t1=$(now)
tar -cf "$work/t.tar" -C "$LISTD_HOME/districts" north; t2=$(now)
bk=$(echo "$t1 - $t0" | bc); tb=$(echo "$t2 - $t1" | bc)
rm -rf "$work/home2" && mkdir "$work/home2"
t0=$(now); LISTD_HOME="$work/home2" "$C" district restore "$work/b.tar" >/dev/null; t1=$(now)
mkdir -p "$work/x" && tar -xf "$work/t.tar" -C "$work/x"; t2=$(now)
rs=$(echo "$t1 - $t0" | bc); tr=$(echo "$t2 - $t1" | bc)
echo "lists=$L maps_s=$maps postmap_only_s=$base maps_ratio=$(echo "scale=2; $maps / $base" | bc)"
echo "messages=$M backup_s=$bk tar_c_s=$tb backup_ratio=$(echo "scale=2; $bk / $tb" | bc)"
echo "restore_s=$rs tar_x_s=$tr restore_ratio=$(echo "scale=2; $rs / $tr" | bc)"
