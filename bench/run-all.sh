#!/bin/sh
# run-all.sh - run every benchmark bench/*.sh (except this file) one after
# the other, then repeat each one's last line (its key=value summary).
# "make bench" calls it after scripts/deps.sh --bench (postfix's smtp-source,
# mlmmj, mhonarc, wrk: the peers measured beside listd). Exit status is
# non-zero if any benchmark failed.
set -u
here=$(cd "$(dirname "$0")" && pwd)
summary=$(mktemp)
trap 'rm -f "$summary"' EXIT
status=0
for b in "$here"/*.sh; do
	case "$(basename "$b")" in run-all.sh|*-harness.sh) continue;; esac
	echo "=== $(basename "$b")"
	# by its own interpreter (#!/bin/bash for fanout.sh and intake.sh)
	if [ -x "$b" ]; then out=$("$b" 2>&1); else out=$(sh "$b" 2>&1); fi
	rc=$?
	echo "$out"
	if [ $rc -ne 0 ]; then
		echo "$(basename "$b" .sh): FAILED (exit $rc)" >>"$summary"
		status=1
	else
		echo "$(basename "$b" .sh): $(echo "$out" | tail -1)" >>"$summary"
	fi
done
echo "=== summary"
cat "$summary"
exit $status
