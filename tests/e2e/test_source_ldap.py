"""test_source_ldap.py - the LDAP directory source end to end: a real slapd
(tests/e2e/slapd.py) on loopback with a size limit of 500, read by
listctl generate. Covers a directory of thousands of accounts read in
pages past the size limit, renames by entryUUID, a group change moving a
person from staff to students, truncation (size limit without paging,
the server killed mid-search, a server that stops answering, an empty
result) applying nothing, StartTLS, hostile settings, and the same
district read from CSV, SQLite and LDAP giving identical lists."""
import os
import sqlite3
import subprocess

import pytest

import slapd as S
from slapd import Proxy, Slapd, group, person


@pytest.fixture
def ldap(tmp_path):
    s = Slapd(tmp_path).start()
    yield s
    s.cleanup()


def add_people(srv, n, every_student=3):
    ldif = "".join(person(f"u{i}", kind="student" if i % every_student == 0
                          else "staff", school=f"School {i % 4}") + "\n"
                   for i in range(n))
    srv.add(ldif)


def point_at(ctl, srv, students="yes", **settings):
    ctl.run("district", "add", "north", "--domain", "north.org", "--name",
            "North", "--students-email", students, check=0)
    settings.setdefault("role-attr", "employeeType")
    ctl.run("source", "set", "north", *srv.source_args(**settings), check=0)


def run(ctl, *args):
    return ctl.json("generate", "--district", "north", *args)["districts"][0]


def members(ctl, name, domain="north.org"):
    rc, out, err = ctl.run("member", "list", f"{name}@{domain}")
    assert rc == 0, err
    return {line.split("\t")[0]: line.split("\t")[1] for line in out.splitlines()}


def last_run(ctl):
    return ctl.json("generate", "status", "--district", "north")["districts"][0]["last_run"]


def test_thousands_of_accounts_in_pages_past_the_size_limit(ctl, ldap):
    add_people(ldap, 3000)
    point_at(ctl, ldap, **{"page-size": "200"})
    r = run(ctl)
    assert r["applied"] and r["accounts"] == 3000 and r["errors"] == 0
    assert len(members(ctl, "all-accounts")) == 3000
    assert len(members(ctl, "students")) == 1000
    staff = members(ctl, "staff")
    assert len(staff) == 2000 and staff["u1@north.org"] == "U1"
    again = run(ctl)
    assert (again["adds"], again["removes"], again["renames"]) == (0, 0, 0)


def test_size_limit_without_paging_applies_nothing(ctl, ldap):
    add_people(ldap, 600)
    point_at(ctl, ldap)
    assert run(ctl)["accounts"] == 600
    ldap.delete(f"uid=u1,{S.PEOPLE}")
    ctl.run("source", "set", "north", "--setting", "page-size=0", check=0)
    rc, out, err = ctl.run("generate", "--district", "north")
    assert rc == 75, err
    assert "Size limit exceeded" in err and "nothing was applied" in err
    assert "alert=" in err
    assert len(members(ctl, "all-accounts")) == 600
    assert last_run(ctl)["applied"] is False


def test_rename_by_entryuuid_keeps_the_member(ctl, ldap):
    add_people(ldap, 20)
    point_at(ctl, ldap)
    run(ctl)
    ctl.run("member", "set", "all-accounts@north.org", "u1@north.org",
            "--mode", "digest", check=0)
    ldap.modify(f"dn: uid=u1,{S.PEOPLE}\nchangetype: modify\nreplace: mail\n"
                "mail: ann.one@north.org\n")
    # A new DN (modrdn) keeps its entryUUID too.
    ldap.ldap("ldapmodrdn", "", f"uid=u2,{S.PEOPLE}", "uid=u2b")
    r = run(ctl)
    assert (r["adds"], r["removes"], r["renames"]) == (0, 0, 2), r
    m = ctl.json("member", "list", "all-accounts@north.org")
    modes = {x["address"]: x["mode"] for x in m}
    assert "u1@north.org" not in modes and modes["ann.one@north.org"] == "digest"
    assert "u2@north.org" in modes


def test_group_change_moves_a_person_from_staff_to_students(ctl, ldap):
    add_people(ldap, 6)
    staff = [f"uid=u{i},{S.PEOPLE}" for i in (1, 2, 3)]
    kids = [f"uid=u{i},{S.PEOPLE}" for i in (4, 5)]
    ldap.add(group("staff", staff) + "\n" + group("students", kids))
    point_at(ctl, ldap, **{"role-attr": None,
                        "role-group.staff": f"cn=staff,{S.GROUPS}",
                        "role-group.student": f"cn=Students, {S.GROUPS}",
                        "role-default": "utility"})
    run(ctl)
    assert set(members(ctl, "staff")) == {"u1@north.org", "u2@north.org", "u3@north.org"}
    assert set(members(ctl, "students")) == {"u4@north.org", "u5@north.org"}
    assert len(members(ctl, "all-accounts")) == 6      # u0 is utility
    ldap.modify(f"dn: cn=staff,{S.GROUPS}\nchangetype: modify\ndelete: member\n"
                f"member: uid=u3,{S.PEOPLE}\n\n"
                f"dn: cn=students,{S.GROUPS}\nchangetype: modify\nadd: member\n"
                f"member: uid=u3,{S.PEOPLE}\n")
    r = run(ctl, "--force")
    assert r["applied"], r
    assert "u3@north.org" not in members(ctl, "staff")
    assert "u3@north.org" in members(ctl, "students")


def test_server_killed_mid_search_applies_nothing(ctl, ldap):
    add_people(ldap, 3000)
    point_at(ctl, ldap, **{"page-size": "100"})
    run(ctl)
    ldap.modify(f"dn: uid=u7,{S.PEOPLE}\nchangetype: modify\nreplace: mail\n"
                "mail: moved@north.org\n")
    proxy = Proxy(ldap.port, after=100_000, on_cut=ldap.kill)
    try:
        ctl.run("source", "set", "north", "--setting", f"uri={proxy.uri}", check=0)
        rc, out, err = ctl.run("generate", "--district", "north")
    finally:
        proxy.close()
    assert rc == 75, (out, err)
    assert "incomplete" in err and "nothing was applied" in err and "alert=" in err
    assert "u7@north.org" in members(ctl, "all-accounts")
    assert last_run(ctl)["applied"] is False
    rc, out, _ = ctl.run("generate", "status")
    assert "nothing was applied" in out


def test_server_that_stops_answering_times_out_and_applies_nothing(ctl, ldap):
    add_people(ldap, 3000)
    point_at(ctl, ldap, **{"page-size": "100"})
    run(ctl)
    proxy = Proxy(ldap.port, after=100_000, hang=True)
    try:
        ctl.run("source", "set", "north", "--setting", f"uri={proxy.uri}",
                "--setting", "timeout=2", check=0)
        rc, out, err = ctl.run("generate", "--district", "north", timeout=60)
    finally:
        proxy.close()
    assert rc == 75 and "no answer from the server within 2 s" in err, err
    assert len(members(ctl, "all-accounts")) == 3000


def test_unreachable_server_and_empty_result_apply_nothing(ctl, ldap):
    add_people(ldap, 10)
    point_at(ctl, ldap)
    run(ctl)
    ctl.run("source", "set", "north", "--query", "(uid=nobody-here)", check=0)
    rc, out, err = ctl.run("generate", "--district", "north")
    assert rc == 65 and "no valid accounts" in err
    ctl.run("source", "set", "north", "--query", "", check=0)
    ldap.stop()
    rc, out, err = ctl.run("generate", "--district", "north")
    assert rc == 75 and "nothing was applied" in err
    assert len(members(ctl, "all-accounts")) == 10


def test_bad_rows_and_settings_are_named(ctl, ldap, tmp_path):
    add_people(ldap, 5)
    ldap.add(person("odd", kind="janitor") + "\n" +
             f"dn: uid=nomail,{S.PEOPLE}\nobjectClass: inetOrgPerson\nuid: nomail\n"
             "cn: No Mail\nsn: Mail\n")
    point_at(ctl, ldap, filter="(objectClass=inetOrgPerson)")
    rc, out, err = ctl.run("generate", "--district", "north")
    assert rc == 0, err
    assert "unknown role \"janitor\"" in err and "invalid address" in err
    # Hostile and wrong settings: a clear message and exit code each.
    loose = tmp_path / "loose.pw"
    loose.write_text(S.READER_PW)
    os.chmod(loose, 0o644)
    wrong = tmp_path / "wrong.pw"
    wrong.write_text("not-the-password")
    os.chmod(wrong, 0o600)
    # Refused by listctl source set, before any run: the source is kept.
    refused = [
        ({"base": None}, "needs the setting base"),
        ({"uri": "http://dc1.north.org"}, "needs the setting uri"),
        ({"password-file": None}, "needs password-file"),
        ({"password-file": "reader.pw"}, "absolute path"),
        ({"page-size": "-1"}, "page-size"),
        ({"timeout": "0"}, "timeout"),
        ({"scope": "everything"}, "sub or one"),
        ({"starttls": "maybe"}, "yes or no"),
        ({"bsae": "dc=north,dc=org"}, "not an ldap setting"),
        ({"role-map.janitor": "x"}, "role-map.staff"),
        ({"map.address": "uid"}, "map-COLUMN"),
        ({"map-email": "uid"}, "map-address"),
        ({"role-group.staff": "not a dn"}, "not a DN"),
        ({"role-group.boss": f"cn=x,{S.GROUPS}"}, "role-group.staff"),
        ({"role-default": "janitor"}, "staff, student or utility"),
        ({"login": "maybe"}, "yes or no"),
        ({"login-filter": "uid=%s"}, "login-filter"),
    ]
    for settings, word in refused:
        rc, out, err = ctl.run("source", "set", "north", *ldap.source_args(**settings))
        assert rc == 64 and word in err, (settings, rc, err)
    assert ctl.json("source", "show", "north")["settings"]["base"] == S.PEOPLE
    # Accepted, and refused by the run with a clear message: nothing applied.
    failing = [
        ({"password-file": str(loose)}, 78, "group or others may read it"),
        ({"password-file": str(wrong)}, 75, "Invalid credentials"),
        ({"filter": "(&(uid=*)"}, 78, "Bad search filter"),
        ({"role-group.staff": f"cn=missing,{S.GROUPS}"}, 78, "No such object"),
    ]
    for settings, code, word in failing:
        ctl.run("source", "set", "north", *ldap.source_args(**settings), check=0)
        rc, out, err = ctl.run("generate", "--district", "north")
        assert rc == code and word in err, (settings, rc, err)
        assert "nothing was applied" in err
        ctl.run("source", "set", "north", *ldap.source_args(
            **{k: None for k in settings if k != "password-file"}), check=0)
    rc, _, err = ctl.run("source", "set", "north", "--path", "/tmp/x.csv")
    assert rc == 64 and "not a path" in err
    assert ctl.json("source", "show", "north")["path"] == f"{ldap.uri}/{S.PEOPLE}"
    assert len(members(ctl, "all-accounts")) == 5


def make_cert(tmp_path, name):
    cert, key = tmp_path / f"{name}.pem", tmp_path / f"{name}.key"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                    "-keyout", key, "-out", cert, "-days", "2", "-subj",
                    "/CN=127.0.0.1", "-addext", "subjectAltName=IP:127.0.0.1"],
                   check=True, capture_output=True)
    return cert, key


def test_starttls_with_the_right_ca_only(ctl, tmp_path):
    cert, key = make_cert(tmp_path, "server")
    other, _ = make_cert(tmp_path, "other")
    srv = Slapd(tmp_path, tls=(cert, key)).start()
    try:
        add_people(srv, 5)
        point_at(ctl, srv, starttls="yes", **{"tls-ca": str(other)})
        rc, out, err = ctl.run("generate", "--district", "north")
        assert rc == 75 and "StartTLS failed" in err, err
        ctl.run("source", "set", "north", "--setting", f"tls-ca={cert}", check=0)
        assert run(ctl)["accounts"] == 5
        rc, _, err = ctl.run("source", "set", "north", "--setting",
                             "uri=ldaps://127.0.0.1:1")
        assert rc == 64 and "unset starttls" in err
    finally:
        srv.cleanup()


PEOPLE = [("a1", "Ann Smith", "staff", "Lincoln"), ("b2", "Bob Jones", "student", "Lincoln"),
          ("c3", "Cy Util", "utility", "Oak"), ("d4", "Dee Lee", "staff", "Oak"),
          ("e5", "Eve Park", "student", "Oak"), ("f6", "Fay Wu", "staff", "Lincoln")]


def test_csv_sqlite_and_ldap_give_identical_lists(ctl, ldap, tmp_path):
    csv = tmp_path / "dir.csv"
    csv.write_text("id,address,name,role,school\n" + "".join(
        f"{u},{u}@north.org,{n},{k},{s}\n" for u, n, k, s in PEOPLE))
    db = tmp_path / "dir.db"
    con = sqlite3.connect(db)
    con.execute("create table p (uid, mail, cn, kind, school)")
    con.executemany("insert into p values (?,?,?,?,?)",
                    [(u, f"{u}@north.org", n, k, s) for u, n, k, s in PEOPLE])
    con.commit()
    con.close()
    ldap.add("".join(person(u, name=n, kind=k, school=s,
                            extra=[f"employeeNumber: {u}"]) + "\n"
                     for u, n, k, s in PEOPLE))
    for slug in ("viacsv", "viasql", "vialdap"):
        ctl.run("district", "add", slug, "--domain", f"{slug}.org", "--name",
                slug, "--students-email", "yes", check=0)
        ctl.run("roster", "family", f"staff@{slug}.org", "--attribute", "school",
                "--rule", "role = staff", check=0)
    ctl.run("source", "set", "viacsv", "--type", "csv", "--path", csv, check=0)
    ctl.run("source", "set", "viasql", "--type", "sqlite", "--path", db, "--query",
            "SELECT uid AS id, mail AS address, cn AS name, kind AS role, school"
            " FROM p", check=0)
    ctl.run("source", "set", "vialdap", *ldap.source_args(**{
        "role-attr": "employeeType", "map.school": "ou",
        "map-id": "employeeNumber"}), check=0)
    lists = {}
    for slug in ("viacsv", "viasql", "vialdap"):
        r = ctl.json("generate", "--district", slug)["districts"][0]
        assert r["applied"] and r["errors"] == 0, r
        lists[slug] = {l["list"]: sorted(members(ctl, l["list"], f"{slug}.org").items())
                       for l in r["lists"]}
    assert set(lists["viacsv"]) == {"staff", "students", "all-accounts",
                                    "staff-lincoln", "staff-oak"}
    assert lists["viacsv"] == lists["viasql"] == lists["vialdap"]


def test_nightly_run_with_the_server_down_mails_nothing_applied(ctl, ldap, home, sink):
    """The daemon's own nightly run: the report mail and the log's alert
    both say the directory could not be read and nothing was applied."""
    from mailtest import Listd, wait_until
    add_people(ldap, 10)
    point_at(ctl, ldap)
    run(ctl)
    ctl.run("district", "set", "north", "--report-to", "it@north.org", check=0)
    ldap.stop()
    d = Listd(home, sink.port, extra_conf="[listd]\ngenerate_at = 07:30\n",
              env={"LISTD_NOW": "1800000000"}).start()
    try:
        wait_until(lambda: any("it@north.org" in m["rcpts"] for m in sink.messages),
                   what="the roster report")
    finally:
        d.stop()
    report = [m for m in sink.messages if "it@north.org" in m["rcpts"]][0]["data"]
    assert b"nothing applied" in report and b"ldap://" in report
    assert "generator failed district=north" in d.log.read_text()
    assert "alert=" in d.log.read_text()
    assert len(members(ctl, "all-accounts")) == 10
