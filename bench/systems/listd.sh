# Hook: listd, the daemon, as an operator would run it: one district, one
# open list with the $MEMBERS members, relay = the counting sink. The
# measured command hands the post over LMTP (bench/lmtp-post.py) and exits
# after the 250; the run ends when the sink holds every recipient, so the
# figure is hand-over to the last recipient delivered.
# Each run starts listd on a fresh copy of the home made in sys_setup (the
# same post twice would be deduplicated by intake, promise 7).
# Tunables (environment): LISTD_BATCH_SIZE (100), LISTD_CONNECTIONS (4),
# LISTD_BIN_DIR (build/bin of this checkout).
: "${LISTD_BATCH_SIZE:=100}" "${LISTD_CONNECTIONS:=4}"
: "${LISTD_BIN_DIR:=$(cd "$BENCH_DIR/.." && pwd)/build/bin}"
SYS_DESC="listd (batch_size=$LISTD_BATCH_SIZE, connections=$LISTD_CONNECTIONS)"
LISTD_TEMPLATE="$BENCH_WORK/home.template"
LISTD_HOME_RUN="$BENCH_WORK/home"
LISTD_LIST=bench@bench.example.com
LISTD_LMTP_PORT=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
LISTD_PID=

listd_conf() { # the configuration, relay = the sink
	cat <<-CONF
	[listd]
	log_level = warn
	[lmtp]
	listen = 127.0.0.1:$LISTD_LMTP_PORT
	[delivery]
	relay = 127.0.0.1:$PORT
	batch_size = $LISTD_BATCH_SIZE
	connections = $LISTD_CONNECTIONS
	helo_name = listd.bench
	[http]
	listen =
	CONF
}

sys_setup() {
	[ -x "$LISTD_BIN_DIR/listd" ] || { echo "build listd first (make)" >&2; exit 2; }
	mkdir -p "$LISTD_TEMPLATE"
	listd_conf > "$LISTD_TEMPLATE/listd.conf"
	{ echo address; cat "$BENCH_MEMBERS_FILE"; } > "$BENCH_WORK/members.csv"
	local ctl=("$LISTD_BIN_DIR/listctl" --home "$LISTD_TEMPLATE")
	"${ctl[@]}" district add bench --domain bench.example.com --name Bench >/dev/null
	"${ctl[@]}" list create "$LISTD_LIST" --policy open >/dev/null
	"${ctl[@]}" member import "$LISTD_LIST" "$BENCH_WORK/members.csv" >&2
}

sys_before_run() { # fresh home, start the daemon, wait for its LMTP port
	rm -rf "$LISTD_HOME_RUN"
	cp -a "$LISTD_TEMPLATE" "$LISTD_HOME_RUN"
	LISTD_HOME="$LISTD_HOME_RUN" "$LISTD_BIN_DIR/listd" \
		2>>"$BENCH_WORK/listd.log" &
	LISTD_PID=$!
	for _ in $(seq 250); do
		ss -ltn "sport = :$LISTD_LMTP_PORT" | grep -q LISTEN && return 0
		kill -0 "$LISTD_PID" 2>/dev/null || break
		sleep 0.02
	done
	echo "listd did not start; see $BENCH_WORK/listd.log" >&2; exit 1
}

sys_after_run() { # JSON: the daemon's CPU and peak RSS (VmHWM), then stop it
	local hz stat hwm
	hz=$(getconf CLK_TCK)
	stat=$(awk -v hz="$hz" '{printf "%.3f %.3f", $14/hz, $15/hz}' "/proc/$LISTD_PID/stat")
	hwm=$(awk '/^VmHWM:/ {print $2}' "/proc/$LISTD_PID/status")
	kill -TERM "$LISTD_PID" 2>/dev/null || true
	wait "$LISTD_PID" 2>/dev/null || true
	printf '{"daemon_user_s": %s, "daemon_sys_s": %s, "daemon_hwm_kb": %s}' \
		"${stat% *}" "${stat#* }" "$hwm"
}

SYS_POST_CMD=(/usr/bin/python3 "$BENCH_DIR/lmtp-post.py"
	--port "$LISTD_LMTP_PORT" --to "$LISTD_LIST" --from poster@example.org)
