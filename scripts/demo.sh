#!/bin/sh
# demo.sh - build a demo home in ./var with two sample districts, their
# lists and members from demo/*.csv, and show what was made.
set -eu
build=${1:-build}
top=$(cd "$(dirname "$0")/.." && pwd)
export LISTD_HOME="$top/var"
ctl="$top/$build/bin/listctl"
rm -rf "$LISTD_HOME"
mkdir -p "$LISTD_HOME"

echo "== listd demo: home is $LISTD_HOME"
$ctl district add bethel --domain bethel.example.org --name "Bethel School District" --students-email yes
$ctl district add riverside --domain riverside.example.org --name "Riverside Unified" --students-email no
$ctl list create news@bethel.example.org --kind announcement --description "District news for families" --archive public
$ctl list create teachers@bethel.example.org --kind discussion --description "Teachers' discussion" --subject-prefix "[teachers]"
$ctl list create board@riverside.example.org --kind discussion --description "School board" --policy moderated
$ctl member import news@bethel.example.org "$top/demo/bethel-families.csv"
$ctl member import board@riverside.example.org "$top/demo/riverside-board.csv"
$ctl member add teachers@bethel.example.org principal@bethel.example.org --name "Pat Principal" --role owner
echo
echo "== districts"
$ctl district list
echo
echo "== lists"
$ctl list list
echo
echo "== first members of news@bethel.example.org"
$ctl member list news@bethel.example.org | head -5

echo
echo "== roster generator: directory sources from demo/*-directory.csv"
$ctl source set bethel --type csv --path "$top/demo/bethel-directory.csv"
$ctl source set riverside --type csv --path "$top/demo/riverside-directory.csv"
$ctl roster family staff@bethel.example.org --attribute school --rule "role = staff"
$ctl generate --all --dry-run
$ctl generate --all
echo
echo "== generator status"
$ctl generate status

echo
echo "== mail: listd takes a post over LMTP and delivers it through a relay"
lmtp_port=${DEMO_LMTP_PORT:-2424}
relay_port=${DEMO_RELAY_PORT:-2525}
cat > "$LISTD_HOME/listd.conf" <<CONF
[lmtp]
listen = 127.0.0.1:$lmtp_port
[delivery]
relay = 127.0.0.1:$relay_port
[http]
listen =
CONF
/usr/bin/python3 "$top/scripts/demo-sink.py" "$relay_port" "$LISTD_HOME/outbox" &
sink_pid=$!
"$top/$build/bin/listd" 2>"$LISTD_HOME/listd.log" &
listd_pid=$!
trap 'kill $listd_pid $sink_pid 2>/dev/null' EXIT
sleep 1
cat <<MSG | $ctl inject --sender principal@bethel.example.org teachers@bethel.example.org
From: Pat Principal <principal@bethel.example.org>
To: teachers@bethel.example.org
Subject: Staff meeting moved to Thursday
Message-ID: <demo-1@bethel.example.org>

Hello all, the staff meeting moves to Thursday at 3 pm in the library.
MSG
cat <<MSG | $ctl inject --sender news-editor@example.net news@bethel.example.org
From: Editor <news-editor@example.net>
To: news@bethel.example.org
Subject: Newsletter
Message-ID: <demo-2@example.net>

Only owners may post to this announcement list, so this one is held.
MSG
for i in 1 2 3 4 5 6 7 8 9 10; do
	[ -n "$(ls "$LISTD_HOME/outbox" 2>/dev/null)" ] && break
	sleep 0.5
done
echo
echo "== delivered (the relay's view, first message):"
sed -n '1,20p' "$LISTD_HOME/outbox/0001.eml" 2>/dev/null || echo "(nothing yet: see $LISTD_HOME/listd.log)"
echo
echo "== held for moderation on news@bethel.example.org"
$ctl held list news@bethel.example.org
echo
echo "== queue"
$ctl queue list --all
echo
echo "listd's log: $LISTD_HOME/listd.log; messages the relay got: $LISTD_HOME/outbox/"
echo "Run it yourself: LISTD_HOME=$LISTD_HOME $build/bin/listd"
echo
echo "== archive of teachers@bethel.example.org (synthetic sample mbox)"
$ctl archive import teachers@bethel.example.org "$top/demo/teachers-archive.mbox"
$ctl archive search teachers@bethel.example.org "snow day" | head -4
echo "archive index page: $($ctl --json archive show teachers@bethel.example.org | sed -n 's/.*"index": *"\([^"]*\)".*/\1/p')"

echo
echo "== web interface"
http_port=${DEMO_HTTP_PORT:-8080}
kill $listd_pid 2>/dev/null; wait $listd_pid 2>/dev/null || true
cat > "$LISTD_HOME/listd.conf" <<CONF
[lmtp]
listen = 127.0.0.1:$lmtp_port
[delivery]
relay = 127.0.0.1:$relay_port
[http]
listen = 127.0.0.1:$http_port
base_url = http://127.0.0.1:$http_port
CONF
printf 'demo-password-1\n' > "$LISTD_HOME/demo-password"
$ctl admin add demo --site --password-file "$LISTD_HOME/demo-password"
$ctl admin add bethel-admin --district bethel --password-file "$LISTD_HOME/demo-password"
$ctl list set news@bethel.example.org --archive public
"$top/$build/bin/listd" 2>>"$LISTD_HOME/listd.log" &
listd_pid=$!
for i in 1 2 3 4 5 6 7 8 9 10; do
	curl -sf -o /dev/null "http://127.0.0.1:$http_port/" 2>/dev/null && break
	sleep 0.5
done
echo "web interface: http://127.0.0.1:$http_port/login"
echo "demo login:    demo / demo-password-1 (site administrator)"
echo "               bethel-admin / demo-password-1 (Bethel's administrator)"
echo "public pages:  http://127.0.0.1:$http_port/d/bethel/"
echo "site admin:    http://127.0.0.1:$http_port/admin/districts (districts, administrators, API tokens)"
echo "metrics:       http://127.0.0.1:$http_port/metrics (Prometheus; loopback or a token), e.g.:"
curl -sf "http://127.0.0.1:$http_port/metrics" 2>/dev/null |
	grep -E '^listd_messages_(received_total|held)\{' | head -4 | sed 's/^/    /'
if [ -t 0 ]; then
	echo "Press Ctrl-C to stop."
	wait $listd_pid
fi
