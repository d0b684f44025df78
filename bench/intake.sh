#!/bin/bash
# intake.sh - durable intake: posts per second that listd acknowledges over
# LMTP (each 250 only after spool fsync + SQLite commit, DESIGN promise 1)
# and the p99 time from MAIL FROM to the 250, with 8 concurrent sessions
# posting 2,000 distinct messages to an open list of 10 members.
#
#   bench/intake.sh [--posts 2000] [--sessions 8] [--msg-size 4096]
#                   [--runs 3] [--sink-port 2612] [--workdir DIR]
#
# Baseline, same run, same client (bench/intake.py): the counting SMTP sink
# (bench/countsink.c, accepts and discards, no disk). listd relays its
# deliveries to that same sink while it takes the load, as in production.
# Last line: intake_posts_per_s= intake_p99_ms= baseline_posts_per_s=
# ratio_vs_baseline= (medians over --runs; ratio = listd / baseline).
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
BIN=$(cd "$BENCH_DIR/.." && pwd)/build/bin
POSTS=2000 SESSIONS=8 MSG_SIZE=4096 RUNS=3 PORT=2612
WORKDIR=/tmp/listd-bench/intake
PY=/usr/bin/python3
while [ $# -gt 0 ]; do
	case "$1" in
	--posts) POSTS=$2; shift 2;;
	--sessions) SESSIONS=$2; shift 2;;
	--msg-size) MSG_SIZE=$2; shift 2;;
	--runs) RUNS=$2; shift 2;;
	--sink-port) PORT=$2; shift 2;;
	--workdir) WORKDIR=$2; shift 2;;
	-h|--help) sed -n '2,14p' "$0"; exit 0;;
	*) echo "unknown option $1" >&2; exit 2;;
	esac
done
[ -x "$BIN/listd" ] || { echo "build listd first (make)" >&2; exit 2; }
rm -rf "$WORKDIR"; mkdir -p "$WORKDIR"
RESULTS="$WORKDIR/results.jsonl"
MSG="$WORKDIR/post-$MSG_SIZE.eml"
LIST=intake@bench.example.com
$PY "$BENCH_DIR/gen-post.py" --size "$MSG_SIZE" --to "$LIST" "$MSG"
cc -O2 -Wall -o "$WORKDIR/countsink" "$BENCH_DIR/countsink.c"

SINK_PID= LISTD_PID=
stop_all() {
	for p in $LISTD_PID $SINK_PID; do kill "$p" 2>/dev/null || true; wait "$p" 2>/dev/null || true; done
	LISTD_PID= SINK_PID=
}
trap stop_all EXIT
wait_port() { # PORT PID: until something listens on PORT (or PID dies)
	for _ in $(seq 250); do
		ss -ltn "sport = :$1" | grep -q LISTEN && return 0
		kill -0 "$2" 2>/dev/null || break
		sleep 0.02
	done
	echo "nothing listens on $1" >&2; exit 1
}
sink_drcpt() { sed -n 's/.*drcpt=\([0-9]*\).*/\1/p' "$WORKDIR/sink.stats" 2>/dev/null || echo 0; }
free_port() { $PY -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }

if ss -ltn "sport = :$PORT" | grep -q LISTEN; then
	echo "port $PORT already in use; pick another with --sink-port" >&2; exit 1
fi
"$WORKDIR/countsink" -p "$PORT" -s "$WORKDIR/sink.stats" & SINK_PID=$!
wait_port "$PORT" "$SINK_PID"

# the list, made once; each run starts listd on a fresh copy
TEMPLATE="$WORKDIR/home.template" LMTP_PORT=$(free_port)
mkdir -p "$TEMPLATE"
printf '[listd]\nlog_level = warn\n[lmtp]\nlisten = 127.0.0.1:%s\n[delivery]\nrelay = 127.0.0.1:%s\nhelo_name = listd.bench\n[http]\nlisten =\n' \
	"$LMTP_PORT" "$PORT" > "$TEMPLATE/listd.conf"
{ echo address; for i in $(seq 10); do echo "reader$i@d$i.example.net"; done; } > "$WORKDIR/members.csv"
ctl=("$BIN/listctl" --home "$TEMPLATE")
"${ctl[@]}" district add bench --domain bench.example.com --name Bench >/dev/null
"${ctl[@]}" list create "$LIST" --policy open >/dev/null
"${ctl[@]}" member import "$LIST" "$WORKDIR/members.csv" >/dev/null

record() { # SYSTEM RUN JSON [EXTRA-JSON]
	$PY -c 'import json,sys; d=json.loads(sys.argv[3]); d.update(system=sys.argv[1], run=int(sys.argv[2]), extra=json.loads(sys.argv[4])); print(json.dumps(d))' \
		"$1" "$2" "$3" "${4:-{\}}" | tee -a "$RESULTS" >&2
}
client() { $PY "$BENCH_DIR/intake.py" --posts "$POSTS" --sessions "$SESSIONS" --msg "$MSG" --to "$LIST" "$@"; }

for run in $(seq "$RUNS"); do
	out=$(client --port "$PORT" --smtp --tag "base$run") || { echo "baseline failed: $out" >&2; exit 1; }
	record baseline "$run" "$out"

	rm -rf "$WORKDIR/home"; cp -a "$TEMPLATE" "$WORKDIR/home"
	LISTD_HOME="$WORKDIR/home" "$BIN/listd" 2>>"$WORKDIR/listd.log" & LISTD_PID=$!
	wait_port "$LMTP_PORT" "$LISTD_PID"
	before=$(sink_drcpt)
	out=$(client --port "$LMTP_PORT" --tag "listd$run") || { echo "listd intake failed: $out" >&2; exit 1; }
	# every acknowledged post must reach its 10 members (nothing lost)
	for _ in $(seq 600); do [ $(( $(sink_drcpt) - before )) -ge $(( POSTS * 10 )) ] && break; sleep 0.1; done
	delivered=$(( $(sink_drcpt) - before ))
	hwm=$(awk '/^VmHWM:/ {print $2}' "/proc/$LISTD_PID/status")
	kill "$LISTD_PID"; wait "$LISTD_PID" || true; LISTD_PID=
	record listd "$run" "$out" "{\"delivered_rcpts\": $delivered, \"expected_rcpts\": $(( POSTS * 10 )), \"daemon_hwm_kb\": $hwm}"
done

$PY - "$RESULTS" <<'PYEOF'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
med = lambda s, k: statistics.median(r[k] for r in rows if r["system"] == s)
print("| system | runs | posts/s (median) | p50 ms | p99 ms | max ms | all posts/s |")
print("|---|---|---|---|---|---|---|")
for s in ("baseline", "listd"):
    rs = [r for r in rows if r["system"] == s]
    print("| %s | %d | %.1f | %.1f | %.1f | %.1f | %s |" % (s, len(rs), med(s, "posts_per_s"),
          med(s, "p50_ms"), med(s, "p99_ms"), med(s, "max_ms"),
          " ".join("%.1f" % r["posts_per_s"] for r in rs)))
ok = all(r["extra"]["delivered_rcpts"] >= r["extra"]["expected_rcpts"] for r in rows if r["system"] == "listd")
print("all acknowledged posts delivered to every member: %s" % ("yes" if ok else "NO"))
print()
l, b = med("listd", "posts_per_s"), med("baseline", "posts_per_s")
print("intake_posts_per_s=%.1f intake_p99_ms=%.1f baseline_posts_per_s=%.1f ratio_vs_baseline=%.3f"
      % (l, med("listd", "p99_ms"), b, l / b))
sys.exit(0 if ok else 1)
PYEOF
