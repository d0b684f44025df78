#!/bin/bash
# archive.sh - the archive benchmark: build the whole archive of a
# deterministic 10,000-message list mbox (import, thread, render every
# page), then add one message, for listd and MHonArc in the same run; then
# time a search. Last line: key=value figures (ratios are what count).
#   bench/archive.sh [--keep-old-output] [--count N] [--runs R] [--add-runs A]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=${WORKDIR:-/tmp/listd-bench/archive}
"$here/../scripts/deps.sh" --bench >&2 || true
# The previous run's archives (~35,000 files) are moved aside and deleted
# only after this run: the harness's own rm -rf of them would come just
# before each timed build, and on ext4 without a journal every file created
# in the next 60 s then scans past the inodes deleted (recently_deleted()),
# which measures the clean-up, not the archivers. --keep-old-output keeps
# the harness's behaviour.
if [ "${1:-}" = "--keep-old-output" ]; then
	shift
else
	trash="$work/.old.$$"
	mkdir -p "$trash"
	for d in "$work"/mhonarc "$work"/listd; do
		[ -d "$d" ] && mv "$d" "$trash/"
	done
	trap 'rm -rf "$trash"' EXIT
fi
# Both systems are timed on a settled file system (BENCH_SETTLE_S in the
# harness): 65 s after the last deletion, every run; 0 to turn it off.
export BENCH_SETTLE_S=${BENCH_SETTLE_S:-65}
BENCH_HOOKS="$here/systems" BENCH_SYSTEMS=mhonarc,listd \
	"$here/archive-harness.sh" --workdir "$work" --runs 1 --add-runs 5 "$@" >&2
home="$work/listd/pristine/home"
search_ms=$(python3 - "$here/../build/bin/listctl" "$home" <<'PY'
import statistics, subprocess, sys, time
ctl, home = sys.argv[1], sys.argv[2]
runs = []
for q in ["queue runner", "unicode subject", "bounce processing", "arm64", "release schedule"] * 3:
    t = time.perf_counter()
    subprocess.run([ctl, "--home", home, "archive", "search", "dev@bench.example.org", q],
                   check=True, capture_output=True)
    runs.append((time.perf_counter() - t) * 1000)
print("%.1f" % statistics.median(runs))
PY
)
python3 - "$work/results.jsonl" "$search_ms" <<'PY'
import json, statistics, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
def med(system, step):
    return statistics.median(r["wall_s"] for r in rows if r["system"] == system and r["step"] == step)
lf, mf = med("listd", "full"), med("mhonarc", "full")
la, ma = med("listd", "add1") * 1000, med("mhonarc", "add1") * 1000
print("listd_full_s=%.2f mhonarc_full_s=%.2f full_ratio_vs_mhonarc=%.1f add_ms=%.1f "
      "mhonarc_add_ms=%.0f add_ratio_vs_mhonarc=%.1f search_ms=%s"
      % (lf, mf, mf / lf, la, ma, ma / la, sys.argv[2]))
PY
