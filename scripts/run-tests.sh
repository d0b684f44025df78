#!/bin/sh
# run-tests.sh - run the cmocka unit tests and the pytest end-to-end tests
# against the binaries in BUILD, then print one summary line for CI:
# "tests: N passed, N failed".  Usage: run-tests.sh BUILD [unit|e2e|all]
set -u
build=${1:-build}
what=${2:-all}
top=$(cd "$(dirname "$0")/.." && pwd)
passed=0
failed=0
log=$(mktemp)
trap 'rm -f "$log"' EXIT

if [ "$what" != e2e ]; then
	for t in "$top/$build"/tests/test_*; do
		[ -x "$t" ] || continue
		"$t" >"$log" 2>&1
		rc=$?
		cat "$log"
		p=$(sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -1)
		f=$(sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' "$log" | tail -1)
		passed=$((passed + ${p:-0}))
		failed=$((failed + ${f:-0}))
		if [ $rc -ne 0 ] && [ -z "$f" ]; then
			echo "unit: $(basename "$t") exited $rc"
			failed=$((failed + 1))
		fi
	done
fi

if [ "$what" != unit ]; then
	LISTD_BUILD="$top/$build" /usr/bin/python3 -m pytest -q -p no:cacheprovider \
		"$top/tests/e2e" ${PYTEST_ARGS:-} >"$log" 2>&1
	rc=$?
	cat "$log"
	line=$(grep -E '^[=]* ?[0-9]+ (passed|failed)|^[=]* ?(no tests ran)|[0-9]+ passed|[0-9]+ failed' "$log" | tail -1)
	p=$(echo "$line" | sed -n 's/.*[^0-9]\([0-9][0-9]*\) passed.*/\1/p;s/^\([0-9][0-9]*\) passed.*/\1/p' | head -1)
	f=$(echo "$line" | sed -n 's/.*[^0-9]\([0-9][0-9]*\) failed.*/\1/p;s/^\([0-9][0-9]*\) failed.*/\1/p' | head -1)
	e=$(echo "$line" | sed -n 's/.*[^0-9]\([0-9][0-9]*\) error.*/\1/p' | head -1)
	passed=$((passed + ${p:-0}))
	failed=$((failed + ${f:-0} + ${e:-0}))
	if [ $rc -ne 0 ] && [ -z "$f" ] && [ -z "$e" ]; then
		echo "e2e: pytest exited $rc"
		failed=$((failed + 1))
	fi
fi

# Browser tests (headless Chromium through playwright-core) when Chromium and
# the npm packages are there; scripts/deps.sh --test installs both.
if [ "$what" = all ] && [ -x /usr/bin/chromium ] && [ -d "$top/tests/browser/node_modules" ]; then
	(cd "$top/tests/browser" && LISTD_BUILD="$top/$build" \
		timeout 600 node --test) >"$log" 2>&1
	rc=$?
	grep -E '^(not )?ok |^# (pass|fail)' "$log"
	p=$(sed -n 's/^# pass \([0-9]*\)/\1/p' "$log" | tail -1)
	f=$(sed -n 's/^# fail \([0-9]*\)/\1/p' "$log" | tail -1)
	[ $rc -ne 0 ] && [ "${f:-0}" -eq 0 ] && { cat "$log"; f=1; }
	passed=$((passed + ${p:-0}))
	failed=$((failed + ${f:-0}))
fi

echo "tests: $passed passed, $failed failed"
[ "$failed" -eq 0 ] && [ "$passed" -gt 0 ]
