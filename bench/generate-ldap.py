#!/usr/bin/python3
"""generate-ldap.py - the LDAP row of bench/generate.sh: the same 14
district CSV files (WORK/base, WORK/churn from gen-roster.py) loaded into a
private slapd (tests/e2e/slapd.py; slapadd, one ou per district, size
limit 5,000, pages of 1,000), read by listctl generate --all through LDAP
sources. The baseline is what the server alone needs to return the same
rows: ldapsearch of the same base, filter, attributes and page size for
every district, measured in the same run. Prints one key=value line.

    bench/generate-ldap.py --work DIR --districts D --measure MEASURE.py
"""
import argparse
import csv
import json
import os
import subprocess
import sys
from pathlib import Path

TOP = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(TOP / "tests" / "e2e"))
import slapd as S  # noqa: E402

FILTER = "(objectClass=inetOrgPerson)"
ATTRS = ["mail", "displayName", "cn", "entryUUID", "employeeType",
         "businessCategory", "ou", "departmentNumber"]
PAGE = "1000"


def entry(d, row):
    rid, address, name, role, active, school, grade = row
    lines = [f"dn: uid={rid},ou=d{d},{S.BASE}", "objectClass: inetOrgPerson",
             f"uid: {rid}", f"cn: {name}", f"sn: {name.split()[-1]}",
             f"displayName: {name}", f"mail: {address}",
             f"employeeType: {role}", f"businessCategory: {active}",
             f"ou: {school}"]
    if grade:
        lines.append(f"departmentNumber: {grade}")
    return "\n".join(lines) + "\n\n"


def rows(path):
    with open(path, newline="") as f:
        r = csv.reader(f)
        next(r)
        return {row[0]: row for row in r}


def churn_ldif(d, old, new):
    """ldapmodify input turning district d's old rows into new ones."""
    out = []
    for rid in old.keys() - new.keys():
        out.append(f"dn: uid={rid},ou=d{d},{S.BASE}\nchangetype: delete\n\n")
    for rid in new.keys() - old.keys():
        out.append(entry(d, new[rid]).replace("\n", "\nchangetype: add\n", 1))
    for rid in old.keys() & new.keys():
        if old[rid][1] != new[rid][1]:
            out.append(f"dn: uid={rid},ou=d{d},{S.BASE}\nchangetype: modify\n"
                       f"replace: mail\nmail: {new[rid][1]}\n\n")
    return "".join(out)


def measure(tool, work, name, *cmd, env=None):
    out = work / f"ldap-{name}.json"
    with open(out, "w") as f:
        subprocess.run([sys.executable, tool, "--", "sh", "-c",
                        'exec "$0" "$@" >/dev/null', *cmd], stdout=f,
                       check=True, env=env)
    r = json.loads(out.read_text())
    return float(r["wall_s"]), round(r["maxrss_kb"] / 1024, 1)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--work", required=True)
    ap.add_argument("--districts", type=int, default=14)
    ap.add_argument("--measure", required=True)
    a = ap.parse_args()
    work = Path(a.work)
    ctl = str(TOP / "build" / "bin" / "listctl")
    srv = S.Slapd(work, limit=5000)
    ldif = work / "ldap-base.ldif"
    with open(ldif, "w") as f:
        f.write(srv.base_ldif() + "\n")
        for d in range(a.districts):
            f.write(f"dn: ou=d{d},{S.BASE}\nobjectClass: organizationalUnit\n"
                    f"ou: d{d}\n\n")
            for row in rows(work / "base" / f"d{d}.csv").values():
                f.write(entry(d, row))
    srv.slapadd(ldif)
    srv.start(load=False)
    try:
        home = work / "ldap-home"
        home.mkdir(exist_ok=True)
        env = dict(os.environ, LISTD_HOME=str(home), LISTD_ACTOR="bench")
        for d in range(a.districts):
            subprocess.run([ctl, "district", "add", f"d{d}", "--domain",
                            f"d{d}.example.org", "--name", f"District {d}",
                            "--students-email", "yes"], env=env, check=True,
                           capture_output=True)
            subprocess.run([ctl, "source", "set", f"d{d}", *srv.source_args(**{
                "base": f"ou=d{d},{S.BASE}", "page-size": PAGE,
                "timeout": "60", "role-attr": "employeeType",
                "map-active": "businessCategory", "map.school": "ou",
                "map.grade": "departmentNumber"}), "--query", FILTER],
                env=env, check=True, capture_output=True)
        search = ["sh", "-c", "for d in $(seq 0 $(($0 - 1))); do ldapsearch -x "
                  "-LLL -H $1 -D $2 -y $3 -E pr=$4/noprompt -b ou=d$d,$5 "
                  "\"$6\" $7 || exit 1; done", str(a.districts), srv.uri,
                  S.READER_DN, str(srv.pwfile), PAGE, S.BASE, FILTER,
                  " ".join(ATTRS)]
        srv.pwfile.write_text(S.READER_PW)      # -y takes the file as it is
        os.chmod(srv.pwfile, 0o600)
        t = {}
        t["search"] = measure(a.measure, work, "search", *search)
        t["first"] = measure(a.measure, work, "first", ctl, "generate",
                             "--all", env=env)
        t["nochange"] = measure(a.measure, work, "nochange", ctl, "generate",
                                "--all", env=env)
        for d in range(a.districts):
            srv.modify(churn_ldif(d, rows(work / "base" / f"d{d}.csv"),
                                  rows(work / "churn" / f"d{d}.csv")))
        t["search_churn"] = measure(a.measure, work, "search_churn", *search)
        t["churn"] = measure(a.measure, work, "churn", ctl, "generate",
                             "--all", env=env)
        st = subprocess.run([ctl, "--json", "generate", "status"], env=env,
                            capture_output=True, check=True)
        runs = json.loads(st.stdout)["districts"]
        applied = sum(1 for r in runs if r["last_run"] and r["last_run"]["applied"])
    finally:
        srv.cleanup()
    base = t["search"][0]
    print(f"ldap_search_s={t['search'][0]} ldap_first_s={t['first'][0]} "
          f"ldap_first_ratio={t['first'][0] / base:.2f} "
          f"ldap_nochange_s={t['nochange'][0]} "
          f"ldap_nochange_ratio={t['nochange'][0] / base:.2f} "
          f"ldap_search_churn_s={t['search_churn'][0]} "
          f"ldap_churn_s={t['churn'][0]} "
          f"ldap_churn_ratio={t['churn'][0] / t['search_churn'][0]:.2f} "
          f"ldap_peak_mb={max(v[1] for k, v in t.items() if k != 'search' and k != 'search_churn')} "
          f"ldap_districts_applied={applied}")


if __name__ == "__main__":
    main()
