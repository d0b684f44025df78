#!/bin/sh
# deps.sh - install what the build, the tests or the demo need and are missing.
# As root it runs apt-get (Debian 12); otherwise it prints the exact command
# and stops. Usage: deps.sh --build | --test | --demo | --bench
set -eu

BUILD_PKGS="gcc make pkg-config libsqlite3-dev libgmime-3.0-dev libesmtp-dev libxml2-dev libmicrohttpd-dev libcrypt-dev libmariadb-dev libldap2-dev nettle-dev"
TEST_PKGS="libcmocka-dev python3 python3-pytest sqlite3 libxml2-utils postfix man-db chromium nodejs mariadb-server mariadb-client openssl slapd ldap-utils"
DEMO_PKGS="python3 curl"
BENCH_PKGS="mlmmj mhonarc wrk nginx-light iproute2 slapd ldap-utils"
TEST_PKGS="$TEST_PKGS libidn12"	# the library of the unpacked exim4 (below)

missing=""
need_pkg() {
	for p in "$@"; do
		if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed'; then
			missing="$missing $p"
		fi
	done
}

case "${1:---build}" in
--build) need_pkg $BUILD_PKGS ;;
--demo) need_pkg $BUILD_PKGS $DEMO_PKGS ;;
--test) need_pkg $BUILD_PKGS $TEST_PKGS
	command -v npm >/dev/null 2>&1 || missing="$missing npm" ;;
--bench) need_pkg $BUILD_PKGS $TEST_PKGS $BENCH_PKGS postfix ;;
*) echo "usage: deps.sh --build|--test|--demo|--bench" >&2; exit 64 ;;
esac

# The browser tests' npm packages (playwright-core, pinned by the lock).
browser_npm() {
	[ "${1:-}" = --test ] || return 0
	top=$(cd "$(dirname "$0")/.." && pwd)
	[ -d "$top/tests/browser/node_modules/playwright-core" ] && return 0
	command -v npm >/dev/null || return 0
	(cd "$top/tests/browser" && npm ci --no-audit --no-fund >/dev/null 2>&1) ||
		echo "listd: npm ci in tests/browser failed; browser tests skipped" >&2
}

# Exim for tests/e2e/test_exim.py, unpacked (not installed: exim4 would
# replace Postfix) into EXIM_ROOT; its library libidn12 is in TEST_PKGS.
EXIM_ROOT=${LISTD_EXIM_ROOT:-/var/cache/listd-test/exim}
exim_private() {
	[ "${1:-}" = --test ] && [ "$(id -u)" = 0 ] || return 0
	[ -x /usr/sbin/exim4 ] || [ -x "$EXIM_ROOT/usr/sbin/exim4" ] && return 0
	d=$(mktemp -d)
	# A fresh machine may have no package lists yet: update once and retry.
	(cd "$d" && apt-get download exim4-daemon-light >/dev/null 2>&1) ||
	    { apt-get update -q >/dev/null 2>&1 || true
	      (cd "$d" && apt-get download exim4-daemon-light >/dev/null 2>&1); } || true
	if (cd "$d" && ls exim4-daemon-light_*.deb >/dev/null 2>&1 &&
	    mkdir -p "$EXIM_ROOT" && dpkg -x exim4-daemon-light_*.deb "$EXIM_ROOT"); then
		echo "listd: exim4 unpacked in $EXIM_ROOT for the Exim tests"
	else
		echo "listd: could not unpack exim4-daemon-light; Exim tests skipped" >&2
	fi
	rm -rf "$d"
}
if [ -z "$missing" ]; then
	exim_private "${1:---build}"
	browser_npm "${1:---build}"
	exit 0
fi

if [ "$(id -u)" != 0 ]; then
	echo "listd: missing packages:$missing" >&2
	echo "listd: install them with: sudo apt-get install -y$missing" >&2
	exit 1
fi
echo "listd: installing:$missing"
export DEBIAN_FRONTEND=noninteractive
# postfix asks a question on install; answer it so nothing listens on port 25.
echo "postfix postfix/main_mailer_type select No configuration" | debconf-set-selections 2>/dev/null || true
# slapd: no database and no running system server; the tests start their own.
echo "slapd slapd/no_configuration boolean true" | debconf-set-selections 2>/dev/null || true
apt-get update -q >/dev/null || true
# mariadb-server's postinst starts the system service; nothing here uses it
# (tests and benchmarks start their own mariadbd and slapd), so keep them
# from starting while installing (policy-rc.d, as Debian's invoke-rc.d
# honours it).
policy=""
case "$missing" in *mariadb-server*|*slapd*)
	if [ ! -e /usr/sbin/policy-rc.d ]; then
		printf '#!/bin/sh\nexit 101\n' >/usr/sbin/policy-rc.d
		chmod 755 /usr/sbin/policy-rc.d
		policy=1
		trap 'rm -f /usr/sbin/policy-rc.d' EXIT
	fi;;
esac
apt-get install -y -q --no-install-recommends$missing >/dev/null
[ -z "$policy" ] || { rm -f /usr/sbin/policy-rc.d; trap - EXIT; }
exim_private "${1:---build}"
browser_npm "${1:---build}"
