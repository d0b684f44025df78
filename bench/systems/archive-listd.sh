# Hook: listd's archive. Full: a fresh home, one district and list, then
# "listctl archive import" (store, index, thread, render every page).
# Add: "listctl archive add" with the extra message on stdin (store it,
# index, thread, re-render the touched pages).
LISTCTL=${LISTCTL:-$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)/build/bin/listctl}
SYS_DESC="listd archive (listctl archive import / add)"
SYS_FULL_CMD=(sh -c '"$0" --home "$BENCH_OUT/home" district add bench --domain bench.example.org --name Bench >/dev/null &&
	"$0" --home "$BENCH_OUT/home" list create dev@bench.example.org --archive public >/dev/null &&
	"$0" --home "$BENCH_OUT/home" archive import dev@bench.example.org "$BENCH_MBOX" >/dev/null' "$LISTCTL")
SYS_ADD_CMD=("$LISTCTL" --json --home "$BENCH_OUT/home" archive add dev@bench.example.org)
sys_check() {
	printf '{"msg_pages": %d, "thread_pages": %d}' \
		"$(find "$BENCH_OUT/home/districts/bench/html/dev/m" -name '*.html' | wc -l)" \
		"$(find "$BENCH_OUT/home/districts/bench/html/dev/t" -name '*.html' | wc -l)"
}
