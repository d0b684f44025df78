#!/bin/bash
# archive-harness.sh (copied from ../shared/peers/archive.sh; listd added
# BENCH_SETTLE_S, see below) - time building a threaded web archive from an mbox, and adding
# ONE message incrementally, for one or more archivers side by side.
#
#   bench/archive.sh --systems mhonarc[,listd] --count 10000 --runs 3
#
# The corpus is made by gen-mbox.py (deterministic: same --count/--seed give
# the same bytes) under --workdir (default /tmp/listd-bench/archive).
# Hook files bench/systems/archive-<name>.sh define:
#   SYS_FULL_CMD  array: build the archive of $BENCH_MBOX into $BENCH_OUT
#   SYS_ADD_CMD   array: add $BENCH_EXTRA (one message, also on stdin) to
#                 the existing archive in $BENCH_OUT
#   optional sys_setup, sys_check (prints JSON with counts, e.g. pages made)
set -euo pipefail
BENCH_DIR=$(cd "$(dirname "$0")" && pwd)
SYSTEMS=${BENCH_SYSTEMS:-mhonarc}
[ -z "${BENCH_SYSTEMS:-}" ] && { [ -f "$BENCH_DIR/systems/archive-listd.sh" ] || [ -f "${BENCH_HOOKS:-/nonexistent}/archive-listd.sh" ]; } && SYSTEMS="$SYSTEMS,listd"
COUNT=10000
SEED=1
RUNS=3
ADD_RUNS=
WORKDIR=/tmp/listd-bench/archive
MBOX=
EXTRA=
while [ $# -gt 0 ]; do
	case "$1" in
	--systems|--system) SYSTEMS=$2; shift 2;;
	--count) COUNT=$2; shift 2;;
	--seed) SEED=$2; shift 2;;
	--runs) RUNS=$2; shift 2;;
	--add-runs) ADD_RUNS=$2; shift 2;;
	--workdir) WORKDIR=$2; shift 2;;
	--mbox) MBOX=$2; shift 2;;	# a given mbox instead of gen-mbox.py's
	--extra) EXTRA=$2; shift 2;;	# with --mbox: the one message to add
	-h|--help) sed -n '2,15p' "$0"; exit 0;;
	*) echo "unknown option $1" >&2; exit 2;;
	esac
done
ADD_RUNS=${ADD_RUNS:-$(( RUNS < 5 ? 5 : RUNS ))}
mkdir -p "$WORKDIR"
export BENCH_MBOX="${MBOX:-$WORKDIR/corpus-$COUNT-$SEED.mbox}"
export BENCH_EXTRA="${EXTRA:-$WORKDIR/extra-$COUNT-$SEED.eml}"
if [ -n "${MBOX:-}" ]; then
	[ -s "$BENCH_MBOX" ] && [ -s "$BENCH_EXTRA" ] || { echo "--mbox needs --extra" >&2; exit 2; }
	COUNT=$(grep -c '^From ' "$BENCH_MBOX" || true)
elif [ ! -s "$BENCH_MBOX" ] || [ "$BENCH_DIR/gen-mbox.py" -nt "$BENCH_MBOX" ]; then
	python3 "$BENCH_DIR/gen-mbox.py" --count "$COUNT" --seed "$SEED" --extra 1 \
		"$BENCH_MBOX" "$BENCH_EXTRA"
fi
# BENCH_SETTLE_S=N (listd's addition): sync and wait N seconds before each
# timed build and once before the add runs (whose copies are all made
# first), so that no run pays for deletions made just before it (ext4
# without a journal scans inodes deleted in the last 60 s on every create).
SETTLE=${BENCH_SETTLE_S:-0}
settle() { sync; if [ "$SETTLE" -gt 0 ]; then sleep "$SETTLE"; fi; }
RESULTS="$WORKDIR/results.jsonl"
: > "$RESULTS"

record() { # system step run json
	python3 -c 'import json,sys; d=json.loads(sys.argv[1]); d.update(system=sys.argv[2], step=sys.argv[3], run=int(sys.argv[4]), count=int(sys.argv[5])); print(json.dumps(d))' \
		"$4" "$1" "$2" "$3" "$COUNT" | tee -a "$RESULTS" >&2
}

IFS=, read -r -a SYSLIST <<< "$SYSTEMS"
for SYS in "${SYSLIST[@]}"; do
	HOOK="$BENCH_DIR/systems/archive-$SYS.sh"
	# a hook kept elsewhere (e.g. the project's own bench/) wins: BENCH_HOOKS=DIR
	[ -n "${BENCH_HOOKS:-}" ] && [ -f "$BENCH_HOOKS/archive-$SYS.sh" ] && HOOK="$BENCH_HOOKS/archive-$SYS.sh"
	[ -f "$HOOK" ] || { echo "no hook file $HOOK" >&2; exit 2; }
	unset -f sys_setup sys_check 2>/dev/null || true
	SYS_FULL_CMD=(); SYS_ADD_CMD=(); SYS_DESC=$SYS
	BASE="$WORKDIR/$SYS"
	rm -rf "$BASE"; mkdir -p "$BASE"
	export BENCH_OUT="$BASE/out"
	source "$HOOK"
	echo "== $SYS: $SYS_DESC" >&2
	declare -F sys_setup >/dev/null && sys_setup
	for run in $(seq "$RUNS"); do
		rm -rf "$BENCH_OUT"; mkdir -p "$BENCH_OUT"; settle
		out=$(python3 "$BENCH_DIR/measure.py" -- "${SYS_FULL_CMD[@]}")
		declare -F sys_check >/dev/null && out=$(python3 -c 'import json,sys; d=json.loads(sys.argv[1]); d["check"]=json.loads(sys.argv[2]); print(json.dumps(d))' "$out" "$(sys_check)")
		record "$SYS" full "$run" "$out"
	done
	# keep the last full archive pristine; each add run works on a fresh copy
	rm -rf "$BASE/pristine"; mv "$BENCH_OUT" "$BASE/pristine"
	if [ "$SETTLE" -gt 0 ]; then
		# every copy made first, the file system left to settle once, each
		# copy renamed into place for its run: no deletion just before a run
		rm -rf "$BENCH_OUT"
		for run in $(seq "$ADD_RUNS"); do
			rm -rf "$BASE/add.$run"; cp -a "$BASE/pristine" "$BASE/add.$run"
		done
		settle
	fi
	for run in $(seq "$ADD_RUNS"); do
		if [ "$SETTLE" -gt 0 ]; then
			mv "$BASE/add.$run" "$BENCH_OUT"
		else
			rm -rf "$BENCH_OUT"; cp -a "$BASE/pristine" "$BENCH_OUT"; sync
		fi
		out=$(python3 "$BENCH_DIR/measure.py" --stdin "$BENCH_EXTRA" -- "${SYS_ADD_CMD[@]}")
		declare -F sys_check >/dev/null && out=$(python3 -c 'import json,sys; d=json.loads(sys.argv[1]); d["check"]=json.loads(sys.argv[2]); print(json.dumps(d))' "$out" "$(sys_check)")
		record "$SYS" add1 "$run" "$out"
		[ "$SETTLE" -gt 0 ] && mv "$BENCH_OUT" "$BASE/added.$run"
	done
	[ "$SETTLE" -gt 0 ] && mv "$BASE/added.$ADD_RUNS" "$BENCH_OUT"
	true
done
python3 "$BENCH_DIR/summarize.py" "$RESULTS"
