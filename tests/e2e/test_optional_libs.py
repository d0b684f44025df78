"""test_optional_libs.py - libldap/liblber and libmariadb are loaded only
when an LDAP or MySQL source runs or someone signs in with a directory
password (core/dynlib.c, generator/ldap_api.c, generator/mysql_api.c).
Neither binary links them, a running daemon has not mapped them until
the first directory sign-in, and when one is missing (made so with the
test build's LISTD_TEST_LIBLDAP / LISTD_TEST_LIBLBER /
LISTD_TEST_LIBMARIADB, which name a file to dlopen instead) a roster run
fails as for a server that is down (exit 75, the report mail, the log's
alert, nothing applied) and names the Debian package, a directory sign-in
is a 503, and CSV and SQLite sources and local sign-in work as ever."""
import sqlite3
import subprocess

import pytest

import slapd as S
from conftest import BIN
from mailtest import Listd, wait_until
from mariadb import mariadb, mariadb_server  # noqa: F401
from slapd import Slapd, group, person
from test_source_ldap import add_people, last_run, members, point_at
from test_source_mysql import make_district, people
from webtest import PASSWORD, make_site

NEEDS_LDAP = "LDAP support needs libldap-2.5.so.0 (Debian package libldap-2.5-0): "
NEEDS_LBER = "LDAP support needs liblber-2.5.so.0 (Debian package libldap-2.5-0): "
NEEDS_MARIADB = "MySQL support needs libmariadb.so.3 (Debian package libmariadb3): "
NO_FILE = "cannot open shared object file: No such file or directory"
OPTIONAL = ("libldap", "liblber", "libmariadb")


@pytest.fixture
def ldap(tmp_path):
    s = Slapd(tmp_path).start()
    yield s
    s.cleanup()


def mapped(pid):
    """The optional libraries process pid has mapped."""
    with open(f"/proc/{pid}/maps") as f:
        return {lib for line in f for lib in OPTIONAL if f"/{lib}" in line}


def generate(ctl, district="north"):
    return ctl.run("generate", "--district", district)


def test_neither_binary_links_libldap_or_libmariadb(home, sink):
    for prog in ("listd", "listctl"):
        dyn = subprocess.run(["readelf", "-d", str(BIN / prog)], check=True,
                             capture_output=True, text=True).stdout
        needed = [l for l in dyn.splitlines() if "(NEEDED)" in l]
        assert needed and not [l for l in needed if any(x in l for x in OPTIONAL)], needed
    d = Listd(home, sink.port, http=True).start()
    try:
        assert mapped(d.proc.pid) == set()
    finally:
        d.stop()


@pytest.mark.parametrize("env, needs, why", [
    ({"LISTD_TEST_LIBLDAP": "/nonexistent/libldap.so"}, NEEDS_LDAP, NO_FILE),
    ({"LISTD_TEST_LIBLDAP": "libc.so.6"}, NEEDS_LDAP,
     "undefined symbol: ldap_control_find"),
    ({"LISTD_TEST_LIBLBER": "/nonexistent/liblber.so"}, NEEDS_LBER, NO_FILE),
    ({"LISTD_TEST_LIBLBER": "libm.so.6"}, NEEDS_LBER,
     "undefined symbol: ber_memfree"),
], ids=["no-libldap", "libldap-without-functions", "no-liblber",
        "liblber-without-functions"])
def test_ldap_source_without_the_library_fails_like_a_server_down(
        ctl, ldap, monkeypatch, env, needs, why):
    add_people(ldap, 10)
    point_at(ctl, ldap)
    rc, _, err = generate(ctl)
    assert rc == 0, err
    ldap.add(person("late") + "\n")
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    rc, out, err = generate(ctl)
    assert rc == 75, err
    assert f"ldap://127.0.0.1:{ldap.port}/{S.PEOPLE}: {needs}" in err
    assert why in err and "nothing was applied" in err
    assert "Aborted" not in err and "Assertion" not in err
    run = last_run(ctl)
    assert not run["applied"] and needs in run["message"]
    assert len(members(ctl, "all-accounts")) == 10
    for k in env:
        monkeypatch.delenv(k)
    rc, _, err = generate(ctl)
    assert rc == 0, err
    assert len(members(ctl, "all-accounts")) == 11


@pytest.mark.parametrize("lib, why", [
    ("/nonexistent/libmariadb.so", NO_FILE),
    ("libc.so.6", "undefined symbol: mysql_close"),
], ids=["no-libmariadb", "libmariadb-without-functions"])
def test_mysql_source_without_the_library_fails_like_a_server_down(
        ctl, mariadb, monkeypatch, lib, why):  # noqa: F811
    make_district(ctl, mariadb, people(50))
    rc, _, err = generate(ctl)
    assert rc == 0, err
    before = ctl.json("member", "list", "all-accounts@north.org")
    monkeypatch.setenv("LISTD_TEST_LIBMARIADB", lib)
    rc, _, err = generate(ctl)
    assert rc == 75, err
    assert f"mysql://reader@127.0.0.1:{mariadb.port}/" in err
    assert NEEDS_MARIADB in err and why in err and "nothing was applied" in err
    assert "Aborted" not in err
    assert ctl.json("member", "list", "all-accounts@north.org") == before


def test_csv_and_sqlite_sources_need_neither_library(ctl, tmp_path, monkeypatch):
    for k in ("LISTD_TEST_LIBLDAP", "LISTD_TEST_LIBLBER", "LISTD_TEST_LIBMARIADB"):
        monkeypatch.setenv(k, "/nonexistent/lib.so")
    csv = tmp_path / "dir.csv"
    csv.write_text("id,address,name,role\n1,ann@csv.org,Ann,staff\n"
                   "2,bo@csv.org,Bo,student\n")
    db = tmp_path / "dir.db"
    con = sqlite3.connect(db)
    con.execute("create table p (id, address, name, role)")
    con.executemany("insert into p values (?,?,?,?)",
                    [("1", "cy@sql.org", "Cy", "staff"),
                     ("2", "di@sql.org", "Di", "utility")])
    con.commit()
    con.close()
    for slug in ("csv", "sql"):
        ctl.run("district", "add", slug, "--domain", f"{slug}.org", "--name",
                slug, "--students-email", "yes", check=0)
    ctl.run("source", "set", "csv", "--type", "csv", "--path", csv, check=0)
    ctl.run("source", "set", "sql", "--type", "sqlite", "--path", db, "--query",
            "SELECT id, address, name, role FROM p", check=0)
    for slug, n in (("csv", 2), ("sql", 2)):
        r = ctl.json("generate", "--district", slug)["districts"][0]
        assert r["applied"] and r["accounts"] == n, r
        assert len(members(ctl, "all-accounts", f"{slug}.org")) == n


def test_source_settings_naming_a_group_say_the_library_is_missing(
        ctl, ldap, monkeypatch):
    point_at(ctl, ldap)
    monkeypatch.setenv("LISTD_TEST_LIBLDAP", "/nonexistent/libldap.so")
    rc, _, err = ctl.run("source", "set", "north", "--setting",
                         f"role-group.staff=cn=staff,{S.GROUPS}")
    assert rc == 64
    assert "role-group.staff: cannot check the DN: " + NEEDS_LDAP in err
    monkeypatch.delenv("LISTD_TEST_LIBLDAP")
    ctl.run("source", "set", "north", "--setting",
            f"role-group.staff=cn=staff,{S.GROUPS}", check=0)


def test_nightly_run_without_libldap_mails_nothing_applied(ctl, ldap, home, sink):
    """The daemon's own nightly run, as when the server is down: the
    report mail and the log's alert say the directory could not be read,
    and which package is missing."""
    add_people(ldap, 10)
    point_at(ctl, ldap)
    rc, _, err = generate(ctl)
    assert rc == 0, err
    ctl.run("district", "set", "north", "--report-to", "it@north.org", check=0)
    d = Listd(home, sink.port, extra_conf="[listd]\ngenerate_at = 07:30\n",
              env={"LISTD_NOW": "1800000000",
                   "LISTD_TEST_LIBLDAP": "/nonexistent/libldap.so"}).start()
    try:
        wait_until(lambda: any("it@north.org" in m["rcpts"] for m in sink.messages),
                   what="the roster report")
        assert d.proc.poll() is None        # still serving
    finally:
        d.stop()
    report = [m for m in sink.messages if "it@north.org" in m["rcpts"]][0]["data"]
    assert b"nothing applied" in report and b"libldap-2.5-0" in report
    log = d.log.read_text()
    assert "generator failed district=north" in log and NEEDS_LDAP in log
    assert len(members(ctl, "all-accounts")) == 10


@pytest.fixture
def ldsite(home, ctl, sink, tmp_path):
    """make_site's districts, north signing in through a real slapd."""
    srv = Slapd(tmp_path).start()
    srv.add(person("ann", name="Ann Admin"))
    srv.add(group("admins", [f"uid=ann,{S.PEOPLE}"]))
    d = make_site(home, ctl, sink.port)
    ctl.run("source", "set", "north", *srv.source_args(**{
        "login": "yes", "role-group.district-admin": f"cn=admins,{S.GROUPS}"}),
        check=0)
    yield srv, d
    d.stop()
    srv.cleanup()


def sign_in(port, path, user, password):
    from webtest import Web
    w = Web(port)
    assert w.get(path).status == 200
    return w.post(path, {"username": user, "password": password})


def test_directory_sign_in_loads_libldap_on_first_use(ldsite):
    srv, d = ldsite
    d.start()
    assert mapped(d.proc.pid) == set()
    r = sign_in(d.http_port, "/d/north/login", "ann", S.USER_PW)
    assert r.status == 303, r.text
    assert {"libldap", "liblber"} <= mapped(d.proc.pid)
    assert "libmariadb" not in mapped(d.proc.pid)


def test_directory_sign_in_without_libldap_is_503_and_local_sign_in_works(ldsite):
    srv, d = ldsite
    d.start(env={"LISTD_TEST_LIBLDAP": "/nonexistent/libldap.so"})
    for _ in range(2):      # the failure is remembered, and stays a 503
        r = sign_in(d.http_port, "/d/north/login", "ann", S.USER_PW)
        assert r.status == 503 and "directory is unavailable" in r.text
        assert "libldap" not in r.text and "Wrong user name" not in r.text
    assert NEEDS_LDAP in d.log.read_text()
    # Local accounts: the site administrator on the district's page, a
    # district administrator on /login.
    assert sign_in(d.http_port, "/d/north/login", "root", PASSWORD).status == 303
    assert sign_in(d.http_port, "/login", "north-admin", PASSWORD).status == 303
    assert d.proc.poll() is None
