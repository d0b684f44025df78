#!/bin/sh
# policy.sh - content policy cost on real mail: bench/policy_bench.c parses
# the usrp-users 2020 archive (1,298 real messages, 48.6 MB, multipart with
# HTML and attachments) with GMime alone (baseline), then parses and judges
# each against the student-safe preset plus 20 word rules, in the same run.
# Needs `make` first. Data goes to /tmp/listd-bench/.
set -eu
top=$(cd "$(dirname "$0")/.." && pwd)
work=/tmp/listd-bench/policy
mkdir -p "$work"
mbox="$work/usrp-users-2020.mbox"
[ -s "$mbox" ] || xz -dc "$top/../shared/corpus/mbox/usrp-users-2020.mboxrd.xz" >"$mbox"
pkgs="gmime-3.0 libxml-2.0 sqlite3 libesmtp-1.0 libmicrohttpd"
cc -std=c11 -D_DEFAULT_SOURCE -O2 -I"$top" $(pkg-config --cflags $pkgs) \
	-o "$work/policy_bench" "$top/bench/policy_bench.c" \
	"$top/build/liblistd.a" $(pkg-config --libs $pkgs) -lcrypt -lpthread -lm
"$work/policy_bench" "$mbox"
