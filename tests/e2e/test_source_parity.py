"""test_source_parity.py - one district configuration (the same home-grown
column names, column map, rule list and family) read from each source type
gives identical roster lists. Each type is a row of WRITERS: a function
that stores the rows where that source reads them and returns the listctl
source set arguments; a writer may map the columns itself (LDAP, whose
attribute names differ)."""
import csv
import sqlite3

import pytest

from mariadb import DATABASE, READER_PASSWORD, insert_rows, mariadb_server  # noqa: F401

COLUMNS = ("uid", "mail", "full_name", "kind", "enabled", "school")
MAPS = ("map-id=uid", "map-address=mail", "map-name=full_name",
        "map-role=kind", "map-active=enabled")
QUERY = "SELECT uid, mail, full_name, kind, enabled, school FROM people"
SCHOOLS = ("Lincoln Elementary", "Oak Hill", "Riverside Middle")


def people():
    """Rows with the awkward cases: inactive accounts, utility accounts,
    a name with a comma and quotes, UTF-8, upper-case addresses, empty
    attributes, one bad row (reported by every source alike)."""
    rows = []
    for i in range(1, 301):
        kind = "staff" if i % 4 == 0 else "utility" if i % 37 == 0 else "student"
        rows.append((f"id{i}", f"Person{i}@North.org", f"Person {i}", kind,
                     "no" if i % 29 == 0 else "yes", SCHOOLS[i % 3] if i % 11 else ""))
    rows.append(("q1", "quote@north.org", 'O\'Brien, "Pat"', "staff", "yes", "Oak Hill"))
    rows.append(("u1", "zoe@north.org", "Zoë Ångström", "student", "yes", "Oak Hill"))
    rows.append(("bad", "not-an-address", "Bad", "staff", "yes", ""))
    return rows


def write_csv(tmp_path, rows, request):
    path = tmp_path / "people.csv"
    with open(path, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(COLUMNS)
        w.writerows(rows)
    return ["--type", "csv", "--path", path]


def write_sqlite(tmp_path, rows, request):
    path = tmp_path / "people.db"
    con = sqlite3.connect(path)
    con.execute(f"CREATE TABLE people ({', '.join(COLUMNS)})")
    con.executemany("INSERT INTO people VALUES (?,?,?,?,?,?)", rows)
    con.commit()
    con.close()
    return ["--type", "sqlite", "--path", path, "--query", QUERY]


def write_mysql(tmp_path, rows, request):
    srv = request.getfixturevalue("mariadb_server")
    if not srv.running():
        srv.start()
    srv.reset()
    srv.sql("CREATE TABLE people (uid VARCHAR(40) PRIMARY KEY, mail VARCHAR(300),"
            " full_name VARCHAR(200), kind VARCHAR(20), enabled VARCHAR(8),"
            " school VARCHAR(100)) CHARACTER SET utf8mb4;\n" +
            insert_rows("people", COLUMNS, rows), database=DATABASE)
    pw = tmp_path / "mysql.pw"
    pw.write_text(READER_PASSWORD + "\n")
    pw.chmod(0o600)
    return ["--type", "mysql", "--query", QUERY + " ORDER BY uid",
            "--setting", f"socket={srv.sock}", "--setting", "user=reader",
            "--setting", f"password-file={pw}", "--setting", f"database={DATABASE}"]


def write_ldap(tmp_path, rows, request):
    """inetOrgPerson entries under ou=people; the same columns come from
    uid, mail, cn, employeeType, businessCategory and ou."""
    import base64
    import slapd as S
    srv = S.Slapd(tmp_path).start()
    request.addfinalizer(srv.cleanup)

    def attr(name, value):
        if value.isascii():
            return f"{name}: {value}\n"
        return f"{name}:: {base64.b64encode(value.encode()).decode()}\n"
    ldif = ""
    for uid, mail, name, kind, enabled, school in rows:
        ldif += (f"dn: uid={uid},{S.PEOPLE}\nobjectClass: inetOrgPerson\n"
                 f"uid: {uid}\n" + attr("cn", name) + attr("sn", name) +
                 f"mail: {mail}\nemployeeType: {kind}\n"
                 f"businessCategory: {enabled}\n" +
                 (attr("ou", school) if school else "") + "\n")
    srv.add(ldif)
    return [*srv.source_args(**{"map-id": "uid", "map-address": "mail",
                                "map-name": "cn", "map-role": "employeeType",
                                "map-active": "businessCategory",
                                "map.school": "ou"}),
            "--query", "(objectClass=inetOrgPerson)"]


WRITERS = {"csv": write_csv, "sqlite": write_sqlite, "mysql": write_mysql,
           "ldap": write_ldap}


def lists_from(ctl, tmp_path, request, kind, rows):
    """Build district `kind` from rows through that source; its lists as
    {local part: {address: (name, mode)}} and the run's bad rows."""
    slug = kind
    d = tmp_path / kind
    d.mkdir()
    ctl.run("district", "add", slug, "--domain", f"{slug}.example.org", "--name",
            slug, "--students-email", "yes", check=0)
    args = WRITERS[kind](d, rows, request)
    for m in MAPS:
        if not any(str(a).startswith(m.split("=")[0] + "=") for a in args):
            args += ["--setting", m]
    ctl.run("source", "set", slug, *args, check=0)
    ctl.run("roster", "rule", f"oak@{slug}.example.org", "--rule",
            'school = "Oak Hill" and role in (staff, student)', check=0)
    ctl.run("roster", "family", f"staff@{slug}.example.org", "--attribute", "school",
            "--rule", "role = staff", check=0)
    run = ctl.json("generate", "--district", slug)["districts"][0]
    assert run["applied"], run
    out = {}
    for l in ctl.json("list", "list", "--district", slug):
        local = l["name"]
        out[local] = {m["address"]: (m["name"], m["mode"])
                      for m in ctl.json("member", "list", f"{local}@{slug}.example.org")}
    errors = [e.split(": ", 1)[1] for e in run["bad_rows"]]
    return out, run["accounts"], errors


@pytest.mark.parametrize("kind", [k for k in WRITERS if k != "csv"])
def test_same_config_gives_identical_lists(ctl, tmp_path, request, kind):
    rows = people()
    want, want_n, want_err = lists_from(ctl, tmp_path, request, "csv", rows)
    got, got_n, got_err = lists_from(ctl, tmp_path, request, kind, rows)
    assert want_n == got_n == len(rows) - 1
    assert got_err == want_err and len(want_err) == 1
    assert set(got) == set(want) and len(want) >= 7
    for name in want:
        assert got[name] == want[name], name
    assert "Zoë Ångström" in [v[0] for v in want["oak"].values()]
