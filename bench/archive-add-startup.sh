#!/bin/bash
# archive-add-startup.sh - how much of "listctl archive add" is process
# start-up: the median wall time of the add (on a fresh copy of the
# archive bench/archive.sh built) against an empty program linked with
# the same shared libraries as listctl, the same program without libldap
# and libmariadb (what loading those two only on demand would save), and
# /bin/true. Last line: key=value figures in ms.
#   make && bench/archive.sh && bench/archive-add-startup.sh [--runs N]
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
work=${WORKDIR:-/tmp/listd-bench/archive}
runs=7
[ "${1:-}" = "--runs" ] && runs=$2
ctl="$here/../build/bin/listctl"
pristine="$work/listd/pristine"
extra="$work/extra-10000-1.eml"
[ -x "$ctl" ] && [ -d "$pristine/home" ] && [ -s "$extra" ] ||
	{ echo "run make && bench/archive.sh first" >&2; exit 2; }
tmp=$(mktemp -d "${TMPDIR:-/tmp}/add-startup.XXXXXX")
trap 'rm -rf "$tmp"' EXIT
echo 'int main(void) { return 0; }' > "$tmp/empty.c"
# listctl's own NEEDED libraries, in its order (-l:FILE links that file)
libs=$(readelf -d "$ctl" | sed -n 's/.*Shared library: \[\(.*\)\]/-l:\1/p')
lean=$(printf '%s\n' $libs | grep -v -e '^-l:libldap' -e '^-l:liblber' -e '^-l:libmariadb')
gcc -o "$tmp/all" "$tmp/empty.c" -Wl,--no-as-needed $libs
gcc -o "$tmp/lean" "$tmp/empty.c" -Wl,--no-as-needed $lean
# listctl relinked: the LDAP/MariaDB functions it imports become stubs
top="$here/.."
( nm -D --defined-only /lib/x86_64-linux-gnu/libldap-2.5.so.0 \
	/lib/x86_64-linux-gnu/liblber-2.5.so.0 /lib/x86_64-linux-gnu/libmariadb.so.3 |
	awk 'NF == 3 { sub(/@.*/, "", $3); print $3 }' | sort -u > "$tmp/dso.txt"
  nm -D --undefined-only "$ctl" | awk '{ sub(/@.*/, "", $2); print $2 }' |
	sort -u | comm -12 - "$tmp/dso.txt" |
	awk 'BEGIN { print "#include <stdlib.h>" } { print "void " $1 "(void) { abort(); }" }' \
	> "$tmp/stub.c" )
gcc -shared -fPIC -o "$tmp/libaddstub.so" "$tmp/stub.c"
gcc -o "$tmp/listctl-stubbed" "$top/build/listd/listctl.o" "$top"/build/listd/ctl_*.o \
	"$top/build/liblistd.a" $lean -lpthread -L"$tmp" -laddstub -Wl,-rpath,"$tmp"
python3 - "$ctl" "$pristine" "$extra" "$tmp" "$runs" <<'PY'
import shutil, statistics, subprocess, sys, time
ctl, pristine, extra, tmp, runs = sys.argv[1:5] + [int(sys.argv[5])]
def wall(cmd, stdin=None):
    t = time.perf_counter()
    subprocess.run(cmd, stdin=stdin, check=True, capture_output=True)
    return (time.perf_counter() - t) * 1000
r = {k: [] for k in ("add", "add_stubbed", "empty_all_libs",
                     "empty_no_ldap_mariadb", "true")}
for i in range(runs):		# alternate, so that load hits all alike
    copy = tmp + "/copy"
    for key, prog in (("add", ctl), ("add_stubbed", tmp + "/listctl-stubbed")):
        shutil.rmtree(copy, ignore_errors=True)
        subprocess.run(["cp", "-a", pristine + "/.", copy], check=True)
        subprocess.run(["sync"])
        with open(extra, "rb") as f:
            r[key].append(wall([prog, "--json", "--home", copy + "/home",
                                "archive", "add", "dev@bench.example.org"], f))
    r["empty_all_libs"].append(wall([tmp + "/all"]))
    r["empty_no_ldap_mariadb"].append(wall([tmp + "/lean"]))
    r["true"].append(wall(["/bin/true"]))
m = {k: statistics.median(v) for k, v in r.items()}
print("add_ms=%.1f add_stubbed_ms=%.1f empty_all_libs_ms=%.1f empty_no_ldap_mariadb_ms=%.1f "
      "true_ms=%.1f startup_share_of_add=%.2f ldap_mariadb_ms=%.1f"
      % (m["add"], m["add_stubbed"], m["empty_all_libs"], m["empty_no_ldap_mariadb"], m["true"],
         m["empty_all_libs"] / m["add"],
         m["empty_all_libs"] - m["empty_no_ldap_mariadb"]))
PY
