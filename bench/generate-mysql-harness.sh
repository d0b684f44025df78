# generate-mysql-harness.sh - the MySQL row of bench/generate.sh, sourced by
# it (not run on its own: bench/run-all.sh skips *-harness.sh). Loads the
# same generated accounts into a throwaway mariadbd (own datadir, socket and
# loopback port under $WORK/mysql, stopped at the end), points D districts
# of a second LISTD_HOME at it (source type mysql, one table per district),
# and times with measure() from generate.sh: the first run, the no-change
# rerun and the 5% churn rerun, each beside the server alone returning the
# same rows (`mariadb --quick -e` of the same queries). Sets mysql_kv to the
# key=value figures and prints table rows. Needs: WORK D ctl measure ratio.

mysql_kv=""

# mysql_sql SQL...: run SQL as root on the bench server.
mysql_sql() {
	mariadb --no-defaults --socket="$MY/sock" --user=root --batch \
		--local-infile=1 "$@"
}

mysql_start() {
	MY="$WORK/mysql"
	rm -rf "$MY"; mkdir -p "$MY"
	mariadb-install-db --no-defaults --datadir="$MY/data" --user=root \
		--auth-root-authentication-method=normal --skip-test-db \
		--skip-name-resolve >"$MY/install.log" 2>&1
	MY_PORT=$(/usr/bin/python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
	/usr/sbin/mariadbd --no-defaults --datadir="$MY/data" --socket="$MY/sock" \
		--port="$MY_PORT" --bind-address=127.0.0.1 --user=root \
		--pid-file="$MY/pid" --log-error="$MY/error.log" --skip-name-resolve \
		--skip-log-bin --innodb-buffer-pool-size=128M >/dev/null 2>&1 &
	MY_PID=$!
	for _ in $(seq 600); do
		mysql_sql -e "SELECT 1" >/dev/null 2>&1 && return 0
		kill -0 "$MY_PID" 2>/dev/null || break
		sleep 0.1
	done
	echo "mariadbd did not start: $(tail -5 "$MY/error.log")" >&2
	return 1
}

mysql_stop() {
	[ -n "${MY_PID:-}" ] || return 0
	kill "$MY_PID" 2>/dev/null || true
	for _ in $(seq 600); do kill -0 "$MY_PID" 2>/dev/null || break; sleep 0.1; done
	kill -9 "$MY_PID" 2>/dev/null || true
	wait "$MY_PID" 2>/dev/null || true
	MY_PID=""
}

# mysql_load DIR: (re)load DIR/d$d.csv into table d$d, untimed.
mysql_load() {
	local sql="$MY/load.sql"
	: >"$sql"
	for ((d = 0; d < D; d++)); do
		cat >>"$sql" <<SQL
DROP TABLE IF EXISTS d$d;
CREATE TABLE d$d (id VARCHAR(40) PRIMARY KEY, address VARCHAR(300),
  name VARCHAR(200), role VARCHAR(20), active VARCHAR(8), school VARCHAR(100),
  grade VARCHAR(8)) CHARACTER SET utf8mb4;
LOAD DATA LOCAL INFILE '$1/d$d.csv' INTO TABLE d$d CHARACTER SET utf8mb4
  FIELDS TERMINATED BY ',' OPTIONALLY ENCLOSED BY '"' IGNORE 1 LINES;
SQL
	done
	mysql_sql bench <"$sql"
}

bench_mysql() {
	command -v mariadb-install-db >/dev/null && [ -x /usr/sbin/mariadbd ] || {
		echo "mysql row skipped: mariadb-server is not installed (scripts/deps.sh --bench)" >&2
		return 0
	}
	trap mysql_stop EXIT
	mysql_start || return 1
	local pw=Bench-Reader-Pw q="" home="$WORK/home-mysql"
	mysql_sql -e "CREATE DATABASE bench; CREATE USER 'reader'@'%' IDENTIFIED BY '$pw';
		GRANT SELECT ON bench.* TO 'reader'@'%';"
	printf '%s\n' "$pw" >"$MY/reader.pw"; chmod 600 "$MY/reader.pw"
	mysql_load "$WORK/base"
	for ((d = 0; d < D; d++)); do
		q="$q SELECT id, address, name, role, active, school, grade FROM d$d;"
		LISTD_HOME=$home "$ctl" district add "d$d" --domain "d$d.example.org" \
			--name "District $d" --students-email yes >/dev/null
		LISTD_HOME=$home "$ctl" source set "d$d" --type mysql --query \
			"SELECT id, address, name, role, active, school, grade FROM d$d" \
			--setting "socket=$MY/sock" --setting user=reader \
			--setting "password-file=$MY/reader.pw" --setting database=bench >/dev/null
	done
	local server=(mariadb --no-defaults --socket="$MY/sock" --user=reader \
		--password="$pw" --batch --quick bench -e "$q")
	# After each load: one untimed read (the server settles after a bulk
	# load), then the server alone, then listd.
	"${server[@]}" >/dev/null
	read -r ms_s ms_mb < <(measure mysql_server "${server[@]}")
	read -r mf_s mf_mb < <(LISTD_HOME=$home measure mysql_first "$ctl" generate --all)
	read -r mn_s mn_mb < <(LISTD_HOME=$home measure mysql_nochange "$ctl" generate --all)
	mysql_load "$WORK/churn"
	"${server[@]}" >/dev/null
	read -r ms2_s _ < <(measure mysql_server_churn "${server[@]}")
	read -r mc_s mc_mb < <(LISTD_HOME=$home measure mysql_churn "$ctl" generate --all)
	LISTD_HOME=$home "$ctl" generate status | grep -q applied
	mysql_stop
	trap - EXIT
	local peak
	peak=$(printf '%s\n' "$mf_mb" "$mn_mb" "$mc_mb" | sort -n | tail -1)
	printf '%-28s %8s %8s %10s\n' "mysql -e, server alone" "$ms_s" "$ms_mb" "$(ratio "$ms_s" "$imp_s")"
	printf '%-28s %8s %8s %10s\n' "mysql: first run" "$mf_s" "$mf_mb" "$(ratio "$mf_s" "$imp_s")"
	printf '%-28s %8s %8s %10s\n' "mysql: rerun, no change" "$mn_s" "$mn_mb" "$(ratio "$mn_s" "$imp_s")"
	printf '%-28s %8s %8s %10s\n' "mysql: rerun, 5% churn" "$mc_s" "$mc_mb" "$(ratio "$mc_s" "$imp_s")"
	mysql_kv="mysql_server_s=$ms_s mysql_server_churn_s=$ms2_s mysql_first_s=$mf_s mysql_nochange_s=$mn_s mysql_nochange_vs_server=$(ratio "$mn_s" "$ms_s") mysql_churn_s=$mc_s mysql_churn_vs_server=$(ratio "$mc_s" "$ms2_s") mysql_peak_mb=$peak"
}
