"""test_source_mysql.py - the MySQL/MariaDB directory source end to end:
a real mariadbd started by the test (tests/e2e/mariadb.py) holding a
home-grown schema read through column maps; thousands of accounts, renames
by stable id, a move from staff to students, the server killed mid-stream
(nothing applied, the alert in the daemon's report mail and log), a wrong
password that is never shown, timeouts, TLS refused by a server without
it, and hostile settings and queries."""
import os
import socket
import subprocess
import time

import pytest

from conftest import BIN
from mailtest import Listd, wait_until
from mariadb import (DATABASE, READER_PASSWORD, insert_rows, mariadb,  # noqa: F401
                     mariadb_server)

COLUMNS = ("uid", "mail", "full_name", "kind", "enabled", "school")
MAPS = ("map-id=uid", "map-address=mail", "map-name=full_name",
        "map-role=kind", "map-active=enabled")
QUERY = "SELECT uid, mail, full_name, kind, enabled, school FROM people"
SCHOOLS = ("Lincoln Elementary", "Oak Hill", "Riverside Middle")


def people(n):
    """n accounts: every fifth staff, one in fifty utility, one in forty
    inactive."""
    rows = []
    for i in range(1, n + 1):
        kind = "staff" if i % 5 == 0 else "utility" if i % 50 == 1 else "student"
        rows.append((f"u{i}", f"user{i}@north.org", f"User {i}", kind,
                     "no" if i % 40 == 0 else "yes", SCHOOLS[i % 3]))
    return rows


def load(srv, rows):
    srv.sql("CREATE TABLE people (uid VARCHAR(40) PRIMARY KEY, mail VARCHAR(300),"
            " full_name VARCHAR(200), kind VARCHAR(20), enabled VARCHAR(8),"
            " school VARCHAR(100)) CHARACTER SET utf8mb4;\n" +
            insert_rows("people", COLUMNS, rows), database=DATABASE)


def source_args(srv, *extra, password=READER_PASSWORD, query=QUERY):
    args = ["source", "set", "north", "--type", "mysql", "--query", query,
            "--setting", "host=127.0.0.1", "--setting", f"port={srv.port}",
            "--setting", "user=reader", "--setting", f"database={DATABASE}",
            "--setting", "connect-timeout=5", "--setting", "query-timeout=60"]
    if password is not None:
        args += ["--setting", f"password={password}"]
    for m in MAPS + extra:
        args += ["--setting", m]
    return args


def make_district(ctl, srv, rows, *extra, **kw):
    load(srv, rows)
    ctl.run("district", "add", "north", "--domain", "north.org", "--name",
            "North", "--students-email", "yes", check=0)
    ctl.run(*source_args(srv, *extra, **kw), check=0)


def members(ctl, name):
    return {m["address"]: m for m in ctl.json("member", "list", f"{name}@north.org")}


def run(ctl, *args):
    return ctl.json("generate", "--district", "north", *args)["districts"][0]


def wanted(rows, kinds):
    return {r[1] for r in rows if r[3] in kinds and r[4] == "yes"}


def test_a_directory_of_thousands_is_imported(ctl, mariadb):
    rows = people(3000)
    make_district(ctl, mariadb, rows)
    r = run(ctl)
    assert r["status"] == "ok" and r["applied"] and r["accounts"] == 3000
    assert r["source"] == f"mysql:mysql://reader@127.0.0.1:{mariadb.port}/{DATABASE}"
    assert set(members(ctl, "staff")) == wanted(rows, ("staff",))
    assert set(members(ctl, "students")) == wanted(rows, ("student",))
    assert set(members(ctl, "all-accounts")) == wanted(
        rows, ("staff", "student", "utility"))
    assert members(ctl, "staff")["user5@north.org"]["name"] == "User 5"
    again = run(ctl)
    assert (again["adds"], again["removes"], again["renames"]) == (0, 0, 0)


def test_renames_are_found_by_stable_id(ctl, mariadb):
    make_district(ctl, mariadb, people(200))
    run(ctl)
    ctl.run("member", "set", "all-accounts@north.org", "user10@north.org",
            "--mode", "digest", check=0)
    mariadb.sql("UPDATE people SET mail = 'ten.new@north.org' WHERE uid = 'u10'",
                database=DATABASE)
    r = run(ctl)
    assert (r["adds"], r["removes"], r["renames"]) == (0, 0, 2)
    m = members(ctl, "all-accounts")
    assert "user10@north.org" not in m and m["ten.new@north.org"]["mode"] == "digest"
    assert "ten.new@north.org" in members(ctl, "staff")


def test_a_group_change_moves_a_person_from_staff_to_students(ctl, mariadb):
    make_district(ctl, mariadb, people(200))
    run(ctl)
    mariadb.sql("UPDATE people SET kind = 'student' WHERE uid = 'u15'",
                database=DATABASE)
    r = run(ctl)
    lists = {l["list"]: l for l in r["lists"]}
    assert (lists["staff"]["removes"], lists["students"]["adds"]) == (1, 1)
    assert lists["all-accounts"]["state"] == "unchanged"
    assert "user15@north.org" not in members(ctl, "staff")
    assert "user15@north.org" in members(ctl, "students")


T0 = 1_800_000_000          # 2027-01-15 08:00 UTC


def test_server_killed_mid_run_applies_nothing_and_alerts(ctl, home, sink, mariadb):
    """The nightly run inside listd reads rows while the server dies: the
    stream ends in an error, not in a short valid result; nothing is
    applied and the report mail and the log say so."""
    rows = people(3000)
    make_district(ctl, mariadb, rows)
    run(ctl)
    before = set(members(ctl, "all-accounts"))
    ctl.run("district", "set", "north", "--report-to", "it@north.example.org", check=0)
    ctl.run("source", "set", "north", "--query",
            QUERY.replace(" FROM", ", IF(uid = 'u2500', SLEEP(50), 0) AS pause FROM"),
            check=0)
    d = Listd(home, sink.port, extra_conf="[listd]\ngenerate_at = 07:30\n",
              env={"LISTD_NOW": str(T0)}).start()
    try:
        mariadb.wait_for_state("User sleep")
        mariadb.kill()
        wait_until(lambda: any("it@north.example.org" in m["rcpts"] for m in sink.messages),
                   60, what="the roster report")
    finally:
        d.stop()
    report = [m for m in sink.messages if "it@north.example.org" in m["rcpts"]][0]["data"]
    report = report.decode(errors="replace")
    assert "nothing applied" in report and "the rows stopped after row" in report
    stopped = int(report.split("the rows stopped after row ")[1].split(":")[0])
    assert 0 < stopped < 3000
    assert set(members(ctl, "all-accounts")) == before
    last = ctl.json("generate", "status")["districts"][0]["last_run"]
    assert last["applied"] is False and "stopped after row" in last["message"]
    log = (home / "listd.log").read_text()
    assert "generator failed district=north" in log and "alert=" in log
    assert READER_PASSWORD not in log and READER_PASSWORD not in report


def test_wrong_password_is_refused_and_never_shown(ctl, home, mariadb):
    make_district(ctl, mariadb, people(20))
    run(ctl)
    ctl.run(*source_args(mariadb, password="Wr0ng-Secret-77"), check=0)
    rc, out, err = ctl.run("generate", "--district", "north")
    assert rc == 78 and "Access denied for user 'reader'" in err
    assert "nothing was applied" in err
    rc2, jout, jerr = ctl.run("--json", "generate", "--district", "north")
    shown = ctl.run("source", "show", "north")[1] + ctl.run("--json", "source", "show", "north")[1]
    status = ctl.run("--json", "generate", "status")[1]
    for text in (out, err, jout, jerr, shown, status):
        assert "Wr0ng-Secret-77" not in text and READER_PASSWORD not in text
    assert "password: (hidden)" in shown
    assert len(members(ctl, "all-accounts")) == 20


def test_password_file_must_be_private(ctl, tmp_path, mariadb):
    make_district(ctl, mariadb, people(20), password=None)
    pw = tmp_path / "mysql.pw"
    pw.write_text(READER_PASSWORD + "\n")
    pw.chmod(0o640)
    ctl.run("source", "set", "north", "--setting", f"password-file={pw}", check=0)
    rc, _, err = ctl.run("generate", "--district", "north")
    assert rc == 78 and "chmod 600" in err and READER_PASSWORD not in err
    pw.chmod(0o600)
    assert run(ctl)["accounts"] == 20
    pw.write_text("\n")
    rc, _, err = ctl.run("generate", "--district", "north")
    assert rc == 78 and "empty" in err
    pw.unlink()
    rc, _, err = ctl.run("generate", "--district", "north")
    assert rc == 78 and "cannot read" in err
    rc, _, err = ctl.run("source", "set", "north", "--setting", "password=x")
    assert rc == 64 and "only one" in err


def test_no_answer_within_the_timeouts(ctl, mariadb):
    make_district(ctl, mariadb, people(20))
    ctl.run("source", "set", "north", "--setting", "query-timeout=1", "--query",
            QUERY.replace(" FROM", ", IF(uid = 'u1', SLEEP(5), 0) AS pause FROM"), check=0)
    t = time.monotonic()
    rc, _, err = ctl.run("generate", "--district", "north")
    assert rc == 75 and "query-timeout (1 s)" in err
    assert time.monotonic() - t < 5
    # A server that accepts the connection and never speaks.
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen(4)
    try:
        ctl.run("source", "set", "north", "--setting",
                f"port={silent.getsockname()[1]}", "--setting", "connect-timeout=1",
                check=0)
        t = time.monotonic()
        rc, _, err = ctl.run("generate", "--district", "north", timeout=30)
        assert rc == 75 and "cannot connect" in err
        assert time.monotonic() - t < 10
    finally:
        silent.close()
    assert ctl.run("member", "list", "staff@north.org")[0] == 67


def test_server_not_running_is_temporary(ctl, mariadb):
    make_district(ctl, mariadb, people(20))
    run(ctl)
    mariadb.stop()
    rc, _, err = ctl.run("generate", "--district", "north")
    assert rc == 75 and "cannot connect" in err and "nothing was applied" in err
    assert len(members(ctl, "all-accounts")) == 20


def test_tls_required_by_a_server_without_tls_is_refused(ctl, mariadb):
    make_district(ctl, mariadb, people(20), "tls=required")
    rc, _, err = ctl.run("generate", "--district", "north")
    assert rc == 78 and "does not speak TLS (tls=required is set)" in err
    assert ctl.run("member", "list", "staff@north.org")[0] == 67


def test_empty_result_and_bad_rows_apply_nothing_like_csv(ctl, mariadb):
    rows = people(20)
    make_district(ctl, mariadb, rows)
    run(ctl)
    ctl.run("source", "set", "north", "--query", QUERY + " WHERE 1 = 0", check=0)
    rc, _, err = ctl.run("generate", "--district", "north")
    assert rc == 65 and "no valid accounts" in err
    mariadb.sql("INSERT INTO people VALUES ('n1', NULL, 'No Mail', 'staff', 'yes', ''),"
                "('n2', CONCAT('nul', CHAR(0), '@north.org'), 'Nul', 'staff', 'yes', ''),"
                "('n3', 'x@north.org', NULL, 'janitor', 'yes', '')", database=DATABASE)
    ctl.run("source", "set", "north", "--query", QUERY + " ORDER BY uid",
            "--max-errors", "2", check=0)
    rc, _, err = ctl.run("generate", "--district", "north")
    assert rc == 65 and "3 bad rows, more than the 2 allowed" in err
    assert "a NUL byte in column mail" in err and "unknown role \"janitor\"" in err
    assert len(members(ctl, "all-accounts")) == 20


def test_queries_that_are_not_one_select_are_refused(ctl, mariadb):
    make_district(ctl, mariadb, people(20))
    for q, code, word in [("DELETE FROM people", 78, "one SELECT"),
                          (QUERY + "; DROP TABLE people", 65, "SQL syntax"),
                          ("SELECT * FROM nowhere", 65, "doesn't exist"),
                          ("SELECT mail FROM people", 65, "which the source does not have")]:
        ctl.run("source", "set", "north", "--query", q, check=0)
        rc, _, err = ctl.run("generate", "--district", "north")
        assert rc == code and word in err, (q, rc, err)
    assert mariadb.sql("SELECT COUNT(*) FROM people", database=DATABASE).strip() == "20"
    # The read-only transaction: not even a lock is taken.
    ctl.run("source", "set", "north", "--query", QUERY + " FOR UPDATE", check=0)
    rc, _, err = ctl.run("generate", "--district", "north")
    assert rc == 65 and "READ ONLY transaction" in err
    ctl.run("source", "set", "north", "--query",
            "WITH p AS (" + QUERY + ") SELECT * FROM p", check=0)
    assert run(ctl)["accounts"] == 20


def test_hostile_settings_are_refused_at_set(ctl, mariadb):
    make_district(ctl, mariadb, people(5))
    cases = [
        (("--setting", "hots=db"), "not a mysql setting"),
        (("--setting", "port=0"), "1 to 65535"),
        (("--setting", "port=70000"), "1 to 65535"),
        (("--setting", "port=-1"), "1 to 65535"),
        (("--setting", "port=33x"), "whole number"),
        (("--setting", "connect-timeout=0"), "connect-timeout"),
        (("--setting", "query-timeout=99999999999"), "query-timeout"),
        (("--setting", "tls=maybe"), "off, required or verify"),
        (("--setting", "tls=verify"), "tls-ca"),
        (("--setting", "tls-ca=/etc/ssl/ca.pem"), "only with"),
        (("--setting", "password-file=relative.pw"), "absolute"),
        (("--setting", "socket=sock"), "absolute"),
        (("--setting", "map-school=x"), "address, name, role, active or id"),
        (("--setting", "map-name="), "column name"),
        (("--unset", "user"), "user=NAME"),
        (("--path", "/tmp/x.db"), "named by its settings"),
        (("--query", ""), "--query"),
        (("--setting", "host=" + "h" * 300), "at most 255"),
    ]
    for args, word in cases:
        rc, _, err = ctl.run("source", "set", "north", *args)
        assert rc == 64 and word in err, (args, rc, err)
    shown = ctl.json("source", "show", "north")
    assert shown["settings"]["port"] == str(mariadb.port) and "hots" not in shown["settings"]
    assert run(ctl)["accounts"] == 5


def ossl(*a):
    subprocess.run(["openssl", *a], check=True, capture_output=True, timeout=60)


def server_cert(d, name, ca, ca_key, san):
    """A server certificate for san (e.g. "IP:127.0.0.1") signed by ca."""
    (d / f"{name}.cnf").write_text(f"subjectAltName={san}\n")
    ossl("req", "-newkey", "rsa:2048", "-nodes", "-subj", f"/CN={name}",
         "-keyout", d / f"{name}.key", "-out", d / f"{name}.csr")
    ossl("x509", "-req", "-in", d / f"{name}.csr", "-CA", ca, "-CAkey", ca_key,
         "-CAcreateserial", "-days", "2", "-extfile", d / f"{name}.cnf",
         "-out", d / f"{name}.pem")
    return d / f"{name}.pem", d / f"{name}.key"


def make_ca(d, name):
    """A CA, a server certificate for 127.0.0.1 signed by it, and the CA's
    key."""
    ca, key = d / f"{name}-ca.pem", d / f"{name}-ca.key"
    ossl("req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj",
         f"/CN=listd test CA {name}", "-keyout", key, "-out", ca)
    cert, cert_key = server_cert(d, f"{name}-server", ca, key,
                                 "IP:127.0.0.1,DNS:localhost")
    return ca, cert, cert_key, key


def test_tls_verify_against_the_servers_ca(ctl, tmp_path):
    from mariadb import MariaDB
    ca, cert, key, ca_key = make_ca(tmp_path, "good")
    other_ca = make_ca(tmp_path, "other")[0]
    srv = MariaDB()
    try:
        srv.start([f"--ssl-ca={ca}", f"--ssl-cert={cert}", f"--ssl-key={key}"])
        srv.reset()
        make_district(ctl, srv, people(20), "tls=verify", f"tls-ca={ca}")
        assert run(ctl)["accounts"] == 20
        ctl.run("source", "set", "north", "--setting", f"tls-ca={other_ca}", check=0)
        rc, _, err = ctl.run("generate", "--district", "north")
        assert rc == 75 and "cannot connect" in err, err
        rc, _, err = ctl.run("source", "set", "north", "--setting", "tls=required")
        assert rc == 64 and "only with tls=verify" in err
        ctl.run("source", "set", "north", "--setting", "tls=required",
                "--unset", "tls-ca", check=0)
        assert run(ctl)["accounts"] == 20
        # Signed by the right CA but for another name: refused.
        wrong, wrong_key = server_cert(tmp_path, "db.other.example", ca, ca_key,
                                       "DNS:db.other.example")
        srv.stop()
        srv.start([f"--ssl-ca={ca}", f"--ssl-cert={wrong}", f"--ssl-key={wrong_key}"])
        ctl.run("source", "set", "north", "--setting", "tls=verify", "--setting",
                f"tls-ca={ca}", check=0)
        rc, _, err = ctl.run("generate", "--district", "north")
        assert rc == 75 and "Validation of SSL server certificate failed" in err, err
    finally:
        srv.cleanup()
