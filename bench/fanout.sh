#!/bin/bash
# fanout.sh - time one post fanned out to N members, delivered to a counting
# SMTP sink on 127.0.0.1, for one or more list managers side by side.
#
#   bench/fanout.sh [--systems smtp-source,mlmmj-batched,listd] \
#                   [--members 20000] [--sink-port 2525] [--msg-size 20480] [--runs 3]
#
# Copied from the peer harness /work/shared/peers/fanout.sh (with countsink.c,
# measure.py, gen-post.py, summarize.py, systems/smtp-source.sh, mlmmj*.sh)
# and made ours: listd is in the default set (systems/listd.sh), and the
# last line carries listd's ratios against mlmmj-batched and smtp-source.
#
# Each system is a hook file bench/systems/<name>.sh (see README.md) that
# defines sys_setup (once) and the array SYS_POST_CMD (measured, post on
# stdin), optionally sys_before_run / sys_after_run / sys_teardown.
# Data goes under --workdir (default /tmp/listd-bench/fanout), never into git.
set -euo pipefail

BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
# default: every peer, plus listd once systems/listd.sh exists
SYSTEMS=${BENCH_SYSTEMS:-smtp-source,mlmmj-batched,listd}
MEMBERS=20000
PORT=2525
MSG_SIZE=20480
RUNS=3
WORKDIR=/tmp/listd-bench/fanout
TIMEOUT=600

while [ $# -gt 0 ]; do
	case "$1" in
	--systems|--system) SYSTEMS=$2; shift 2;;
	--members) MEMBERS=$2; shift 2;;
	--sink-port) PORT=$2; shift 2;;
	--msg-size) MSG_SIZE=$2; shift 2;;
	--runs) RUNS=$2; shift 2;;
	--workdir) WORKDIR=$2; shift 2;;
	--timeout) TIMEOUT=$2; shift 2;;
	-h|--help) sed -n '2,17p' "$0"; exit 0;;
	*) echo "unknown option $1" >&2; exit 2;;
	esac
done

mkdir -p "$WORKDIR"
RESULTS="$WORKDIR/results.jsonl"
: > "$RESULTS"

# --- the sink: built from countsink.c, one fresh instance per run ----------
SINK_BIN="$WORKDIR/countsink"
if [ ! -x "$SINK_BIN" ] || [ "$BENCH_DIR/countsink.c" -nt "$SINK_BIN" ]; then
	cc -O2 -Wall -o "$SINK_BIN" "$BENCH_DIR/countsink.c"
fi
SINK_PID=
sink_start() {
	if ss -ltn "sport = :$PORT" | grep -q LISTEN; then
		echo "port $PORT already in use; pick another with --sink-port" >&2
		exit 1
	fi
	"$SINK_BIN" -p "$PORT" -s "$WORKDIR/sink.stats" &
	SINK_PID=$!
	for _ in $(seq 100); do
		ss -ltn "sport = :$PORT" | grep -q LISTEN && return 0
		sleep 0.02
	done
	echo "sink did not start" >&2; exit 1
}
sink_cpu() { # utime+stime of the sink in seconds
	awk -v hz="$(getconf CLK_TCK)" '{print ($14+$15)/hz}' "/proc/$SINK_PID/stat"
}
sink_stop() {
	if [ -n "$SINK_PID" ]; then
		kill "$SINK_PID" 2>/dev/null || true
		wait "$SINK_PID" 2>/dev/null || true
		SINK_PID=
	fi
}
trap sink_stop EXIT

# --- shared inputs: the post and the member list --------------------------
export BENCH_DIR MEMBERS PORT
export BENCH_MSG="$WORKDIR/post-$MSG_SIZE.eml"
export BENCH_MEMBERS_FILE="$WORKDIR/members-$MEMBERS.txt"
/usr/bin/python3 "$BENCH_DIR/gen-post.py" --size "$MSG_SIZE" --to bench@example.com "$BENCH_MSG"
if [ ! -s "$BENCH_MEMBERS_FILE" ]; then
	# deterministic, distinct, first letters spread over a-z, 97 domains
	awk -v n="$MEMBERS" 'BEGIN{ a="abcdefghijklmnopqrstuvwxyz";
		for(i=1;i<=n;i++){ l=substr(a,(i*7)%26+1,1);
			printf "%smember%06d@d%02d.example.net\n", l, i, i%97 } }' > "$BENCH_MEMBERS_FILE"
fi

IFS=, read -r -a SYSLIST <<< "$SYSTEMS"
for SYS in "${SYSLIST[@]}"; do
	HOOK="$BENCH_DIR/systems/$SYS.sh"
	[ -f "$HOOK" ] || { echo "no hook file $HOOK" >&2; exit 2; }
	# fresh namespace for each system's hooks
	unset -f sys_setup sys_before_run sys_after_run sys_teardown 2>/dev/null || true
	SYS_POST_CMD=(); SYS_DESC=$SYS; SYS_MAX_RUNS=
	export BENCH_WORK="$WORKDIR/$SYS"
	rm -rf "$BENCH_WORK"; mkdir -p "$BENCH_WORK"
	# shellcheck source=/dev/null
	source "$HOOK"
	echo "== $SYS: $SYS_DESC" >&2
	sys_setup
	nruns=$RUNS
	# a hook may cap its runs (mlmmj default: ~15 min a run, timer-bound)
	[ -n "$SYS_MAX_RUNS" ] && [ "$SYS_MAX_RUNS" -lt "$nruns" ] && nruns=$SYS_MAX_RUNS
	for run in $(seq "$nruns"); do
		declare -F sys_before_run >/dev/null && sys_before_run
		sink_start
		sync; sleep 0.5   # let setup I/O settle
		out=$(/usr/bin/python3 "$BENCH_DIR/measure.py" --stdin "$BENCH_MSG" \
			--sink-stats "$WORKDIR/sink.stats" --expect-rcpts "$MEMBERS" \
			--timeout "$TIMEOUT" -- "${SYS_POST_CMD[@]}") || true
		scpu=$(sink_cpu)
		sink_stop
		extra="{}"
		declare -F sys_after_run >/dev/null && extra=$(sys_after_run)
		line=$(/usr/bin/python3 -c 'import json,sys; d=json.loads(sys.argv[1]); d.update(system=sys.argv[2], run=int(sys.argv[3]), members=int(sys.argv[4]), msg_size=int(sys.argv[5]), sink_cpu_s=float(sys.argv[6]), extra=json.loads(sys.argv[7])); print(json.dumps(d))' \
			"$out" "$SYS" "$run" "$MEMBERS" "$MSG_SIZE" "$scpu" "$extra")
		echo "$line" >> "$RESULTS"
		echo "$line" >&2
	done
	declare -F sys_teardown >/dev/null && sys_teardown
done

/usr/bin/python3 "$BENCH_DIR/summarize.py" "$RESULTS"
