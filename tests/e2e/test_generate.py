"""test_generate.py - the roster generator end to end: listctl source,
roster and generate against real CSV files and SQLite databases, with the
hostile cases (truncated export, bad rows, wrong encoding, missing or empty
source, bad rules and queries) beside the happy path."""
import sqlite3

HEADER = "id,address,name,role,active,school\n"
PEOPLE = [
    ("1", "ann@north.org", "Ann", "staff", "yes", "Lincoln Elementary"),
    ("2", "bob@north.org", "Bob", "student", "yes", "Lincoln Elementary"),
    ("3", "cy@north.org", "Cy", "utility", "yes", ""),
    ("4", "dee@north.org", "Dee", "staff", "no", "Oak Hill"),
    ("5", "eve@north.org", "Eve", "staff", "yes", "Oak Hill"),
]


def write_csv(path, rows, header=HEADER, bom=False, crlf=False):
    text = header + "".join(",".join(r) + "\n" for r in rows)
    if crlf:
        text = text.replace("\n", "\r\n")
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + text.encode())


def make_district(ctl, tmp_path, rows=PEOPLE, students="yes", **kw):
    src = tmp_path / "dir.csv"
    write_csv(src, rows, **kw)
    ctl.run("district", "add", "north", "--domain", "north.org", "--name",
            "North", "--students-email", students, check=0)
    ctl.run("source", "set", "north", "--type", "csv", "--path", src, check=0)
    return src


def members(ctl, name):
    rc, out, err = ctl.run("member", "list", f"{name}@north.org")
    assert rc == 0, err
    return {line.split("\t")[0]: line.split("\t") for line in out.splitlines()}


def run(ctl, *args):
    return ctl.json("generate", "--district", "north", *args)["districts"][0]


def test_first_run_builds_roster_lists_and_rerun_changes_nothing(ctl, tmp_path):
    make_district(ctl, tmp_path, bom=True, crlf=True)
    r = run(ctl)
    assert r["applied"] and r["adds"] == 7 and r["accounts"] == 5
    assert set(members(ctl, "staff")) == {"ann@north.org", "eve@north.org"}
    assert set(members(ctl, "students")) == {"bob@north.org"}
    assert set(members(ctl, "all-accounts")) == {
        "ann@north.org", "bob@north.org", "cy@north.org", "eve@north.org"}
    show = ctl.json("list", "show", "staff@north.org")
    assert (show["kind"], show["policy"], show["archive"]) == (
        "roster", "announce", "private")
    again = run(ctl)
    assert (again["adds"], again["removes"], again["renames"]) == (0, 0, 0)
    assert {l["state"] for l in again["lists"]} == {"unchanged"}


def test_no_students_list_where_students_have_no_mail(ctl, tmp_path):
    make_district(ctl, tmp_path, students="no")
    r = run(ctl)
    assert [l["list"] for l in r["lists"]] == ["staff", "all-accounts"]
    assert "bob@north.org" not in members(ctl, "all-accounts")


def test_rename_keeps_member_and_preferences(ctl, tmp_path):
    src = make_district(ctl, tmp_path)
    run(ctl)
    ctl.run("member", "set", "all-accounts@north.org", "ann@north.org",
            "--mode", "digest", check=0)
    rows = [("1", "ann.smith@north.org") + p[2:] if p[0] == "1" else p
            for p in PEOPLE]
    write_csv(src, rows)
    r = run(ctl)
    assert (r["adds"], r["removes"], r["renames"]) == (0, 0, 2)
    m = members(ctl, "all-accounts")
    assert "ann@north.org" not in m
    assert m["ann.smith@north.org"][2] == "digest"


def test_two_accounts_swapping_addresses_is_two_renames(ctl, tmp_path):
    src = make_district(ctl, tmp_path)
    run(ctl)
    rows = [list(p) for p in PEOPLE]
    rows[0][1], rows[4][1] = rows[4][1], rows[0][1]
    write_csv(src, rows)
    r = run(ctl, "--force")
    assert r["status"] == "ok" and r["renames"] == 4 and r["removes"] == 0
    assert members(ctl, "staff")["eve@north.org"][1] == "Ann"


def test_manual_members_and_exclusions_are_kept_apart(ctl, tmp_path):
    make_district(ctl, tmp_path)
    run(ctl)
    ctl.run("member", "add", "staff@north.org", "board@else.org", check=0)
    ctl.run("roster", "exclude", "staff@north.org", "eve@north.org", check=0)
    r = run(ctl, "--force")
    m = members(ctl, "staff")
    assert "board@else.org" in m and m["board@else.org"][4] == "manual"
    assert "eve@north.org" not in m
    ctl.run("roster", "unexclude", "staff@north.org", "eve@north.org", check=0)
    run(ctl)
    assert "eve@north.org" in members(ctl, "staff")
    assert r["removes"] == 1


def test_truncated_export_is_refused_and_force_applies(ctl, tmp_path):
    src = make_district(ctl, tmp_path)
    run(ctl)
    write_csv(src, PEOPLE[:1])
    rc, out, err = ctl.run("generate", "--district", "north")
    assert rc == 77 and "refused" in err and "--force" in err
    assert len(members(ctl, "all-accounts")) == 4
    status = ctl.json("generate", "status")["districts"][0]
    assert status["last_run"]["refused"] >= 1
    assert {l["list"]: l["state"] for l in status["lists"]}["all-accounts"] == "refused"
    ctl.run("generate", "--district", "north", "--force", check=0)
    assert set(members(ctl, "all-accounts")) == {"ann@north.org"}


def test_dry_run_prints_the_difference_and_changes_nothing(ctl, tmp_path):
    make_district(ctl, tmp_path)
    rc, out, _ = ctl.run("generate", "--district", "north", "--dry-run", check=0)
    assert "+ ann@north.org" in out and "dry run" in out
    rc, out, err = ctl.run("member", "list", "staff@north.org")
    assert rc == 67


def test_bad_rows_are_named_by_file_and_line(ctl, tmp_path):
    rows = list(PEOPLE) + [
        ("6", "not-an-address", "X", "staff", "yes", ""),
        ("7", "ann@north.org", "Dup", "staff", "yes", ""),
        ("8", "zed@north.org", "Zed", "janitor", "yes", ""),
        ("9", "q@north.org", "\"bad\"quote", "staff", "yes", ""),
    ]
    src = make_district(ctl, tmp_path, rows=rows)
    with open(src, "ab") as f:
        f.write(b"10,lat@north.org,Ren\xe9,staff,yes,\n")
    rc, out, err = ctl.run("generate", "--district", "north")
    assert rc == 0, err
    assert f"{src}:7: invalid address" in err
    assert f"{src}:8: duplicate address ann@north.org (first on line 2)" in err
    assert f"{src}:9: unknown role \"janitor\"" in err
    assert f"{src}:10: " in err and f"{src}:11: invalid UTF-8" in err
    assert "zed@north.org" not in members(ctl, "all-accounts")


def test_too_many_bad_rows_apply_nothing(ctl, tmp_path):
    rows = list(PEOPLE) + [(str(i), f"bad{i}", "X", "staff", "yes", "")
                           for i in range(10, 13)]
    make_district(ctl, tmp_path, rows=rows)
    ctl.run("source", "set", "north", "--max-errors", "2", check=0)
    rc, out, err = ctl.run("generate", "--district", "north")
    assert rc == 65 and "more than the 2 allowed; nothing was applied" in err
    assert ctl.run("member", "list", "staff@north.org")[0] == 67


def test_missing_empty_and_headless_sources_apply_nothing(ctl, tmp_path):
    src = make_district(ctl, tmp_path)
    run(ctl)
    src.unlink()
    rc, _, err = ctl.run("generate", "--district", "north")
    assert rc == 75 and "cannot read" in err
    src.write_bytes(b"")
    rc, _, err = ctl.run("generate", "--district", "north")
    assert rc == 65 and "empty" in err
    src.write_bytes(HEADER.encode())
    rc, _, err = ctl.run("generate", "--district", "north")
    assert rc == 65 and "no valid accounts" in err
    src.write_bytes(b"mail,kind\nx@north.org,staff\n")
    rc, _, err = ctl.run("generate", "--district", "north")
    assert rc == 65 and "no \"address\" column" in err
    assert len(members(ctl, "all-accounts")) == 4
    assert ctl.json("generate", "status")["districts"][0]["last_run"]["applied"] is False


def test_family_lists_per_school_and_retirement(ctl, tmp_path):
    src = make_district(ctl, tmp_path)
    ctl.run("roster", "family", "staff@north.org", "--attribute", "school",
            "--rule", "role = staff", check=0)
    run(ctl)
    assert set(members(ctl, "staff-lincoln-elementary")) == {"ann@north.org"}
    assert set(members(ctl, "staff-oak-hill")) == {"eve@north.org"}
    write_csv(src, [p for p in PEOPLE if p[5] != "Oak Hill"])
    rc, _, err = ctl.run("generate", "--district", "north")
    assert rc == 77
    r = run(ctl, "--force")
    states = {l["list"]: l["state"] for l in r["lists"]}
    assert states["staff-oak-hill"] == "retired"
    assert members(ctl, "staff-oak-hill") == {}
    listing = ctl.json("roster", "list", "north")
    assert {l["list"]: l["retired"] for l in listing["lists"]}["staff-oak-hill"]


def test_rule_list_with_include(ctl, tmp_path):
    make_district(ctl, tmp_path)
    ctl.run("roster", "rule", "lincoln@north.org", "--rule",
            'school = "Lincoln Elementary" and role in (staff, student)',
            "--include", "all-accounts", check=0)
    run(ctl)
    assert set(members(ctl, "lincoln")) == set(members(ctl, "all-accounts"))
    ctl.run("roster", "remove", "lincoln@north.org", check=0)
    ctl.run("roster", "rule", "lincoln@north.org", "--rule",
            'school = "Lincoln Elementary"', check=0)
    run(ctl, "--force")
    assert set(members(ctl, "lincoln")) == {"ann@north.org", "bob@north.org"}


def test_bad_rules_and_names_are_refused(ctl, tmp_path):
    make_district(ctl, tmp_path)
    rc, _, err = ctl.run("roster", "rule", "x@north.org", "--rule", "role = ")
    assert rc == 64 and "column 8" in err
    rc, _, err = ctl.run("roster", "rule", "staff@north.org", "--rule", "role = staff")
    assert rc == 64 and "built-in" in err
    rc, _, err = ctl.run("roster", "rule", "x@north.org", "--include", "x")
    assert rc == 64
    ctl.run("roster", "rule", "y@north.org", "--rule", "scool = x", check=0)
    rc, out, err = ctl.run("generate", "--district", "north")
    assert rc == 78 and "unknown attribute \"scool\"" in out
    assert "ann@north.org" in members(ctl, "staff")


def test_existing_non_roster_list_is_left_alone(ctl, tmp_path):
    make_district(ctl, tmp_path)
    ctl.run("list", "create", "staff@north.org", "--kind", "discussion", check=0)
    ctl.run("member", "add", "staff@north.org", "x@else.org", check=0)
    rc, out, _ = ctl.run("generate", "--district", "north")
    assert rc == 78 and "not a roster list" in out
    assert set(members(ctl, "staff")) == {"x@else.org"}


def test_sqlite_source_with_query(ctl, tmp_path):
    db = tmp_path / "dir.db"
    con = sqlite3.connect(db)
    con.execute("create table people (uid, mail, full_name, kind, enabled)")
    con.executemany("insert into people values (?,?,?,?,?)",
                    [(p[0], p[1], p[2], p[3], p[4]) for p in PEOPLE])
    con.commit()
    con.close()
    ctl.run("district", "add", "north", "--domain", "north.org", "--name",
            "North", "--students-email", "yes", check=0)
    rc, _, err = ctl.run("source", "set", "north", "--type", "sqlite", "--path", db)
    assert rc == 64 and "--query" in err
    ctl.run("source", "set", "north", "--type", "sqlite", "--path", db,
            "--query", "DELETE FROM people", check=0)
    rc, _, err = ctl.run("generate", "--district", "north")
    assert rc == 65 and "read-only" in err
    ctl.run("source", "set", "north", "--query",
            "SELECT uid AS id, mail AS address, full_name AS name, kind AS role,"
            " enabled AS active FROM people", check=0)
    r = run(ctl)
    assert r["adds"] == 7
    assert set(members(ctl, "staff")) == {"ann@north.org", "eve@north.org"}
    con = sqlite3.connect(db)
    assert con.execute("select count(*) from people").fetchone()[0] == 5


def test_source_options_are_validated(ctl, tmp_path):
    make_district(ctl, tmp_path)
    for args, word in [(("--type", "nosuch"), "expected csv, sqlite"),
                       (("--max-remove-percent", "101"), "0 to 100"),
                       (("--max-errors", "-1"), "0 to"),
                       (("--interval-hours", "x"), "whole number")]:
        rc, _, err = ctl.run("source", "set", "north", *args)
        assert rc == 64 and word in err
    assert ctl.json("source", "show", "north")["max_remove_percent"] == 10
    rc, _, err = ctl.run("generate")
    assert rc == 64 and "--all" in err
    rc, _, err = ctl.run("generate", "--district", "nowhere")
    assert rc == 67


def test_status_reports_a_stale_source(ctl, tmp_path, monkeypatch):
    make_district(ctl, tmp_path)
    s = ctl.json("generate", "status")["districts"][0]
    assert s["stale"] is True and s["last_run"] is None
    run(ctl)
    s = ctl.json("generate", "status")["districts"][0]
    assert s["stale"] is False and s["last_sync"]
    rc, out, _ = ctl.run("generate", "--all", check=0)
    assert "north:" in out


def test_p8_a_killed_run_leaves_yesterdays_roster(ctl, tmp_path):
    """P8: the run is one transaction; killed just before its commit, the
    lists keep yesterday's members and the next run applies cleanly."""
    import os
    import signal
    import subprocess
    from conftest import BIN
    csv = tmp_path / "dir.csv"
    csv.write_text("id,address,name,role,active\n1,a@n.example.org,A,staff,yes\n"
                   "2,b@n.example.org,B,staff,yes\n")
    ctl.run("district", "add", "n", "--domain", "n.example.org", "--name", "N", check=0)
    ctl.run("source", "set", "n", "--type", "csv", "--path", csv, check=0)
    ctl.run("generate", "--district", "n", check=0)
    before = sorted(m["address"] for m in ctl.json("member", "list", "staff@n.example.org"))
    csv.write_text("id,address,name,role,active\n1,a@n.example.org,A,staff,yes\n"
                   "2,b@n.example.org,B,staff,yes\n3,c@n.example.org,C,staff,yes\n")
    env = dict(os.environ, LISTD_HOME=str(ctl.home), LISTD_CRASH="generator.commit")
    p = subprocess.run([str(BIN / "listctl"), "generate", "--district", "n"], env=env,
                       capture_output=True)
    assert p.returncode == -signal.SIGKILL
    after = sorted(m["address"] for m in ctl.json("member", "list", "staff@n.example.org"))
    assert after == before
    ctl.run("generate", "--district", "n", check=0)
    assert len(ctl.json("member", "list", "staff@n.example.org")) == 3


def test_source_settings_are_kept_shown_and_secrets_hidden(ctl, tmp_path):
    make_district(ctl, tmp_path)
    rc, _, err = ctl.run("source", "set", "north", "--setting",
                         "host=db.north.org", "--setting",
                         "base=ou=People,dc=north,dc=org", "--setting",
                         "password=s3cret-Value", "--setting", "user=reader")
    assert rc == 0, err
    rc, _, err = ctl.run("source", "set", "north", "--unset", "user",
                         "--setting", "host=db2.north.org")
    assert rc == 0, err
    rc, out, _ = ctl.run("source", "show", "north")
    assert "host: db2.north.org" in out
    assert "base: ou=People,dc=north,dc=org" in out
    assert "user:" not in out and "s3cret-Value" not in out
    assert "password: (hidden)" in out
    shown = ctl.json("source", "show", "north")
    assert shown["settings"] == {"base": "ou=People,dc=north,dc=org",
                                 "password": "(hidden)",
                                 "host": "db2.north.org"}
    # The CSV source itself still runs with settings it does not use.
    assert run(ctl)["applied"]


def test_source_settings_hostile_keys_and_values_refused(ctl, tmp_path):
    make_district(ctl, tmp_path)
    for bad in ("BAD=1", "no-equals", "=value", "a b=1", "x" * 70 + "=1",
                "host=line\x01break"):
        rc, _, err = ctl.run("source", "set", "north", "--setting", bad)
        assert rc == 64, (bad, err)
        assert "setting" in err
    rc, _, err = ctl.run("source", "set", "north", "--setting",
                         "big=" + "v" * 5000)
    assert rc == 64 and "longer than" in err
    assert ctl.json("source", "show", "north")["settings"] == {}
