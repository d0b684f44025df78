#!/bin/sh
# lint.sh - the house rules a grep can check (STYLE.md): banned calls,
# raw allocation outside core/, SQLite outside the store, libxml2 node
# constructors outside core/html.c, and a purpose comment atop every file.
set -u
cd "$(dirname "$0")/.." || exit 1
status=0
src=$(find core listd generator archive web tests/unit -name '*.[ch]' 2>/dev/null)

check() {	# check "description" "regex" files...
	desc=$1 re=$2
	shift 2
	[ $# -eq 0 ] && return
	hits=$(grep -nE "$re" "$@" /dev/null | grep -v 'lint: allow')
	if [ -n "$hits" ]; then
		echo "lint: $desc:"
		echo "$hits" | sed 's/^/    /'
		status=1
	fi
}

check "banned call" '(^|[^a-z_.>])(strcpy|strcat|sprintf|vsprintf|gets|strtok|atoi|atol|system|popen)[[:space:]]*\(' $src
not_core=$(echo "$src" | grep -v '^core/')
check "raw malloc/free outside core/ (use xmalloc/xfree)" '(^|[^a-z_.>])(malloc|calloc|realloc|free)[[:space:]]*\(' $not_core
not_store=$(echo "$src" | grep -vE '^core/store[a-z_]*\.[ch]$' | grep -v '^tests/')
check "sqlite3 outside core/store*.c" 'sqlite3_|<sqlite3\.h>' $not_store
not_html=$(echo "$src" | grep -v '^core/html\.c$')
check "libxml2 node constructor outside core/html.c" 'xmlNew(Node|Child|DocNode|Text|TextChild|Prop)|xmlNodeSetContent|xmlSetProp' $not_html

for f in $src; do
	head -3 "$f" | grep -q '/\*' || { echo "lint: $f: no purpose comment at the top"; status=1; }
done
[ $status -eq 0 ] && echo "lint: ok ($(echo "$src" | wc -l) files)"
exit $status
