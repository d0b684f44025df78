#!/bin/sh
# web.sh - the web interface under load: wrk (100 connections) against an
# archive message page and the district dashboard served by listd, beside
# nginx serving the same rendered message page as a static file, in the
# same run on the same machine. Target: listd at least half of nginx's
# requests per second on the archive page. Last line: key=value pairs.
# Usage: bench/web.sh [SECONDS]   (default 10 per measurement)
set -eu
secs=${1:-10}
top=$(cd "$(dirname "$0")/.." && pwd)
bin="$top/build/bin"
work=${BENCH_DIR:-/tmp/listd-bench}/web
rm -rf "$work"
mkdir -p "$work/home" "$work/nginx/html" "$work/nginx/logs"
export LISTD_HOME="$work/home"
command -v wrk >/dev/null && command -v nginx >/dev/null || {
	echo "web.sh: needs wrk and nginx (scripts/deps.sh --bench)" >&2; exit 69; }

port() { python3 -c 'import socket;s=socket.socket();s.bind(("127.0.0.1",0));print(s.getsockname()[1])'; }
lport=$(port); nport=$(port)

# A district with a public archive of 300 synthetic posts, and an admin.
"$bin/listctl" district add bench --domain bench.example.org --name "Bench District" >/dev/null
"$bin/listctl" list create talk@bench.example.org --kind discussion >/dev/null
"$bin/listctl" list set talk@bench.example.org --archive public >/dev/null
python3 "$top/bench/gen-mbox.py" --count 300 "$work/talk.mbox" >/dev/null
"$bin/listctl" archive import talk@bench.example.org "$work/talk.mbox" >/dev/null
printf 'bench-password-1\n' >"$work/pw"
"$bin/listctl" admin add bench --district bench --password-file "$work/pw" >/dev/null
for i in $(seq 1 20); do
	"$bin/listctl" member add talk@bench.example.org "m$i@example.org" >/dev/null
done
page=$(cd "$LISTD_HOME/districts/bench/html/talk" && ls m/*.html | head -1)
printf '[listd]\nlog_level = warn\n[lmtp]\nlisten =\n[http]\nlisten = 127.0.0.1:%s\nthreads = %s\n' \
	"$lport" "${THREADS:-2}" >"$LISTD_HOME/listd.conf"
"$bin/listd" --only http >"$work/listd.log" 2>&1 &
lpid=$!

# nginx: a throwaway instance with its own prefix, serving the same page.
cp "$LISTD_HOME/districts/bench/html/talk/$page" "$work/nginx/html/page.html"
chmod 0644 "$work/nginx/html/page.html"; chmod 0755 "$work" "$work/nginx" "$work/nginx/html"
cat >"$work/nginx/nginx.conf" <<NGINX
worker_processes 2;
pid $work/nginx/nginx.pid;
error_log $work/nginx/logs/error.log;
events { worker_connections 1024; }
http {
	access_log off;
	types { text/html html; }
	client_body_temp_path $work/nginx/tmp;
	proxy_temp_path $work/nginx/tmp;
	fastcgi_temp_path $work/nginx/tmp;
	uwsgi_temp_path $work/nginx/tmp;
	scgi_temp_path $work/nginx/tmp;
	server { listen 127.0.0.1:$nport; root $work/nginx/html; }
}
NGINX
mkdir -p "$work/nginx/tmp"
nginx -p "$work/nginx" -c "$work/nginx/nginx.conf"
trap 'kill $lpid 2>/dev/null; nginx -p "$work/nginx" -c "$work/nginx/nginx.conf" -s stop 2>/dev/null || true' EXIT

up() { for _ in $(seq 1 100); do curl -sf -o /dev/null "$1" && return 0; sleep 0.1; done; return 1; }
up "http://127.0.0.1:$lport/" && up "http://127.0.0.1:$nport/page.html"
# Sign in for the dashboard: the session cookie from the login answer.
curl -s -c "$work/jar" -o /dev/null "http://127.0.0.1:$lport/login"
csrf=$(awk '$6 == "listd_csrf" { print $7 }' "$work/jar")
curl -s -b "$work/jar" -c "$work/jar" -o /dev/null \
	--data "username=bench&password=bench-password-1&csrf=$csrf" "http://127.0.0.1:$lport/login"
sess=$(awk '$6 == "listd_session" { print $7 }' "$work/jar")
[ -n "$sess" ] || { echo "web.sh: cannot sign in" >&2; exit 70; }

# run NAME URL [HEADER]: wrk, then "rps p99_ms" on stdout.
run() {
	if [ -n "${3:-}" ]; then
		wrk -t2 -c100 -d"${secs}s" --latency -H "$3" "$2" >"$work/$1.wrk"
	else
		wrk -t2 -c100 -d"${secs}s" --latency "$2" >"$work/$1.wrk"
	fi
	rps=$(awk '/^Requests\/sec:/ { printf "%d", $2 }' "$work/$1.wrk")
	p99=$(awk '$1 == "99%" { v = $2; if (v ~ /us$/) { sub(/us/, "", v); v /= 1000 }
		else if (v ~ /ms$/) sub(/ms/, "", v); else if (v ~ /s$/) { sub(/s/, "", v); v *= 1000 }
		printf "%.2f", v }' "$work/$1.wrk")
	non2xx=$(awk '/Non-2xx/ { print $NF }' "$work/$1.wrk")
	[ -z "$non2xx" ] || { echo "web.sh: $1: $non2xx non-2xx answers" >&2; exit 70; }
	echo "$rps $p99"
}

# CPU seconds (user + system) listd has used so far: the cost per request
# moves much less with the other engineers' load than requests per second.
cpu() { awk -v hz="$(getconf CLK_TCK)" '{ printf "%.4f", ($14 + $15) / hz }' "/proc/$lpid/stat"; }
set -- $(run nginx "http://127.0.0.1:$nport/page.html"); n_rps=$1 n_p99=$2
c0=$(cpu)
set -- $(run archive "http://127.0.0.1:$lport/d/bench/archive/talk/$page"); a_rps=$1 a_p99=$2
c1=$(cpu)
a_n=$(awk '/requests in/ { print $1 }' "$work/archive.wrk")
a_cpu=$(awk -v a="$c0" -v b="$c1" -v n="$a_n" 'BEGIN { printf "%.1f", (b - a) * 1e6 / n }')
set -- $(run dashboard "http://127.0.0.1:$lport/admin/d/bench/" "Cookie: listd_session=$sess"); d_rps=$1 d_p99=$2
ratio=$(awk -v a="$a_rps" -v n="$n_rps" 'BEGIN { printf "%.2f", a / n }')
ok=$(awk -v r="$ratio" 'BEGIN { print (r >= 0.5) ? 1 : 0 }')
printf '%-28s %10s %10s\n' "target" "req/s" "p99 ms"
printf '%-28s %10s %10s\n' "nginx static page" "$n_rps" "$n_p99"
printf '%-28s %10s %10s\n' "listd archive page" "$a_rps" "$a_p99"
printf '%-28s %10s %10s\n' "listd dashboard (signed in)" "$d_rps" "$d_p99"
echo "nginx_rps=$n_rps nginx_p99_ms=$n_p99 archive_rps=$a_rps archive_p99_ms=$a_p99 dashboard_rps=$d_rps dashboard_p99_ms=$d_p99 archive_vs_nginx=$ratio archive_cpu_us_per_req=$a_cpu target=0.5 ok=$ok connections=100 seconds=$secs"
