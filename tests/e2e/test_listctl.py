"""test_listctl.py - the real listctl binary on a fresh LISTD_HOME: every
verb of district, list and member with its --json shape and --help, the
exit codes (64 usage, 65 data, 67 unknown, 77 refused), hostile member
imports that must change nothing, export/import round trips, CSV formula
neutralising, CR/LF injection and district isolation."""
import csv
import io

import pytest

USAGE, DATA, NOUSER, NOPERM = 64, 65, 67, 77
NEWS = "news@north.example.org"


@pytest.fixture
def north(ctl):
    """District north with an empty discussion list news@."""
    ctl.run("district", "add", "north", "--domain", "north.example.org",
            "--name", "North District", check=0)
    ctl.run("list", "create", NEWS, check=0)
    return ctl


def members(ctl, lst=NEWS):
    return ctl.json("member", "list", lst)


def addresses(ctl, lst=NEWS):
    return [m["address"] for m in members(ctl, lst)]


def write(tmp_path, name, data):
    p = tmp_path / name
    p.write_bytes(data if isinstance(data, bytes) else data.encode())
    return p


# --- help and usage -------------------------------------------------------

def test_help_lists_every_noun(ctl):
    rc, out, _ = ctl.run("--help", check=0)
    for noun in ("district", "list", "member"):
        assert noun in out
    assert "EXIT STATUS" in out


@pytest.mark.parametrize("noun,verbs", [
    ("district", ("add", "list", "show", "set", "remove")),
    ("list", ("create", "list", "show", "set", "remove")),
    ("member", ("add", "remove", "list", "set", "import", "export")),
])
def test_noun_help_lists_every_verb(ctl, noun, verbs):
    rc, out, _ = ctl.run(noun, "--help", check=0)
    for v in verbs:
        assert f"listctl {noun} {v}" in out
    for v in verbs:
        rc, out, _ = ctl.run(noun, v, "--help", check=0)
        assert out.startswith(f"usage: listctl {noun} {v}")


@pytest.mark.parametrize("args", [
    (), ("nosuch",), ("district",), ("district", "explode"),
    ("district", "add"), ("district", "add", "a", "b"),
    ("district", "list", "--bogus"), ("member", "add", NEWS, "a@x.org", "--name"),
    ("list", "remove", NEWS, "--force=yes"), ("--bogus", "district", "list"),
])
def test_usage_errors_exit_64(ctl, args):
    rc, out, err = ctl.run(*args)
    assert rc == USAGE
    assert err.strip()


# --- district -------------------------------------------------------------

def test_district_verbs_and_json_shape(ctl):
    d = ctl.json("district", "add", "north", "--domain", "North.Example.ORG",
                 "--name", "North District", "--students-email", "yes")
    assert set(d) == {"slug", "domain", "name", "students_have_email", "created"}
    assert d["domain"] == "north.example.org"
    assert d["students_have_email"] is True
    assert d["created"].endswith("Z")
    ctl.run("district", "add", "south", "--domain", "south.example.org",
            "--name", "South", check=0)
    rc, out, _ = ctl.run("district", "list", check=0)
    assert "north" in out and "south.example.org" in out
    assert [x["slug"] for x in ctl.json("district", "list")] == ["north", "south"]

    ctl.run("district", "set", "north", "--name", "Renamed", "--students-email",
            "no", check=0)
    shown = ctl.json("district", "show", "north")
    assert set(shown) == {"district", "lists"}
    assert shown["district"]["name"] == "Renamed"
    assert shown["district"]["students_have_email"] is False
    assert shown["lists"] == []
    rc, out, _ = ctl.run("district", "show", "north", check=0)
    assert "Renamed" in out

    ctl.run("district", "remove", "south", check=0)
    assert [x["slug"] for x in ctl.json("district", "list")] == ["north"]
    assert any(p.name.startswith("south-") for p in (ctl.home / "removed").iterdir())


def test_district_list_empty(ctl):
    rc, out, _ = ctl.run("district", "list", check=0)
    assert "no districts yet" in out
    assert ctl.json("district", "list") == []


@pytest.mark.parametrize("slug", ["../b", "A/../b", "North", "-a", "a_b", "x" * 64])
def test_district_add_refuses_bad_slug(ctl, slug):
    rc, _, err = ctl.run("district", "add", slug, "--domain", "b.example.org",
                         "--name", "B")
    assert rc == USAGE and "invalid slug" in err
    assert ctl.json("district", "list") == []
    assert not (ctl.home / "b").exists()


@pytest.mark.parametrize("opts,msg", [
    (("--domain", "not a domain"), "invalid domain"),
    (("--domain", "x.example.org\r\nBcc: y"), "invalid domain"),
    (("--domain", "localhost"), "invalid domain"),
    (("--name", "two\nlines"), "invalid name"),
    (("--name", ""), "invalid name"),
    (("--students-email", "maybe"), "--students-email"),
])
def test_district_set_refuses_bad_values(north, opts, msg):
    before = north.json("district", "show", "north")
    rc, _, err = north.run("district", "set", "north", *opts)
    assert rc == USAGE and msg in err
    assert north.json("district", "show", "north") == before


def test_district_add_refuses_taken_slug_or_domain(north):
    rc, _, err = north.run("district", "add", "north", "--domain",
                           "other.example.org", "--name", "X")
    assert rc == DATA and "exists already" in err
    rc, _, _ = north.run("district", "add", "other", "--domain",
                         "NORTH.example.org", "--name", "X")
    assert rc == DATA
    north.run("district", "add", "south", "--domain", "south.example.org",
              "--name", "S", check=0)
    rc, _, err = north.run("district", "set", "south", "--domain",
                           "north.example.org")
    assert rc == DATA and "another district" in err
    assert [x["slug"] for x in north.json("district", "list")] == ["north", "south"]


def test_district_unknown_exits_67(ctl):
    for verb in ("show", "set", "remove"):
        extra = ("--name", "x") if verb == "set" else ()
        rc, _, err = ctl.run("district", verb, "nosuch", *extra)
        assert rc == NOUSER and "nosuch" in err


def test_district_remove_with_lists_is_refused_without_force(north):
    north.run("member", "add", NEWS, "a@example.net", check=0)
    rc, _, err = north.run("district", "remove", "north")
    assert rc == NOPERM and "--force" in err
    assert addresses(north) == ["a@example.net"]
    north.run("district", "remove", "north", "--force", check=0)
    rc, _, _ = north.run("district", "show", "north")
    assert rc == NOUSER
    rc, _, _ = north.run("member", "list", NEWS)
    assert rc == NOUSER
    kept = list((north.home / "removed").iterdir())
    assert len(kept) == 1 and (kept[0] / "district.db").exists()


# --- list -----------------------------------------------------------------

LIST_KEYS = {"personalize", "digest_format", "address", "district", "name", "description", "kind", "policy",
             "nonmember", "dmarc", "subscribe", "archive", "subject_prefix",
             "footer", "max_size", "created"}


def test_list_verbs_and_json_shape(north):
    l = north.json("list", "create", "staff@north.example.org", "--kind", "roster",
                   "--description", "All staff")
    assert set(l) == LIST_KEYS
    assert l["kind"] == "roster" and l["subscribe"] == "closed"
    assert l["address"] == "staff@north.example.org"
    assert [x["name"] for x in north.json("list", "list")] == ["news", "staff"]
    assert [x["name"] for x in north.json("list", "list", "--district", "north")] \
        == ["news", "staff"]
    rc, out, _ = north.run("list", "list", check=0)
    assert "news@north.example.org" in out and "0 members" in out

    north.run("list", "set", NEWS, "--policy", "moderated", "--archive", "public",
              "--subject-prefix", "[news]", "--footer", "line1\nline2",
              "--max-size", "1000", "--nonmember", "reject", "--dmarc", "leave",
              "--subscribe", "open", check=0)
    s = north.json("list", "show", NEWS)
    assert (s["policy"], s["archive"], s["subject_prefix"], s["footer"],
            s["max_size"], s["nonmember"], s["dmarc"], s["subscribe"]) == \
        ("moderated", "public", "[news]", "line1\nline2", 1000, "reject",
         "leave", "open")
    rc, out, _ = north.run("list", "show", NEWS, check=0)
    assert "moderated" in out

    north.run("list", "remove", "staff@north.example.org", check=0)
    assert [x["name"] for x in north.json("list", "list")] == ["news"]
    assert north.json("district", "show", "north")["lists"] == ["news"]


@pytest.mark.parametrize("addr,msg", [
    ("news-request@north.example.org", "reserved suffix"),
    ("news-bounces@north.example.org", "reserved suffix"),
    ("News@north.example.org", "invalid list name"),
    ("a..b@north.example.org", "misplaced dot"),
    ("nodomain", "not a list address"),
    ("@north.example.org", "not a list address"),
])
def test_list_create_refuses_bad_names(north, addr, msg):
    rc, _, err = north.run("list", "create", addr)
    assert rc == USAGE and msg in err
    assert [x["name"] for x in north.json("list", "list")] == ["news"]


def test_list_create_errors(north):
    rc, _, err = north.run("list", "create", NEWS)
    assert rc == DATA and "exists already" in err
    rc, _, err = north.run("list", "create", "news@nowhere.example.org")
    assert rc == NOUSER and "no district" in err
    rc, _, err = north.run("list", "create", "x@north.example.org", "--kind", "party")
    assert rc == USAGE
    rc, _, err = north.run("list", "list", "--district", "nosuch")
    assert rc == NOUSER


@pytest.mark.parametrize("opts", [
    ("--policy", "anyone"), ("--archive", "maybe"), ("--max-size", "-1"),
    ("--max-size", "12abc"), ("--subject-prefix", "a\r\nBcc: x"),
    ("--description", "x" * 1001), ("--footer", "bad\x01"), (),
])
def test_list_set_refuses_bad_values_and_changes_nothing(north, opts):
    before = north.json("list", "show", NEWS)
    rc, _, _ = north.run("list", "set", NEWS, *opts)
    assert rc == USAGE
    assert north.json("list", "show", NEWS) == before


def test_list_unknown_exits_67(north):
    for args in (("show", "nope@north.example.org"),
                 ("set", "nope@north.example.org", "--policy", "open"),
                 ("remove", "nope@north.example.org"),
                 ("show", "news@elsewhere.example.org")):
        rc, _, _ = north.run("list", *args)
        assert rc == NOUSER


def test_list_remove_with_members_is_refused_without_force(north):
    north.run("member", "add", NEWS, "a@example.net", check=0)
    rc, _, err = north.run("list", "remove", NEWS)
    assert rc == NOPERM and "1 members" in err
    assert addresses(north) == ["a@example.net"]
    north.run("list", "remove", NEWS, "--force", check=0)
    assert north.json("list", "list") == []



# --- member: single verbs -------------------------------------------------

MEMBER_KEYS = {"address", "name", "mode", "role", "source", "created", "updated"}


def test_member_verbs_and_json_shape(north):
    north.run("member", "add", NEWS, "Alice@Example.NET", "--name", "Alice",
              "--mode", "digest", "--role", "owner", check=0)
    north.run("member", "add", NEWS, "bob@example.com", check=0)
    ms = members(north)
    assert [set(m) for m in ms] == [MEMBER_KEYS, MEMBER_KEYS]
    alice = ms[0]
    assert (alice["address"], alice["name"], alice["mode"], alice["role"],
            alice["source"]) == ("Alice@example.net", "Alice", "digest",
                                 "owner", "manual")
    rc, out, _ = north.run("member", "list", NEWS, check=0)
    assert out.splitlines()[0].split("\t") == \
        ["Alice@example.net", "Alice", "digest", "owner", "manual"]
    assert [m["address"] for m in north.json("member", "list", NEWS, "--role",
                                             "owner")] == ["Alice@example.net"]
    assert [m["address"] for m in north.json("member", "list", NEWS, "--search",
                                             "BOB")] == ["bob@example.com"]
    assert north.json("member", "list", NEWS, "--mode", "nomail") == []

    north.run("member", "set", NEWS, "alice@example.net", "--mode", "nomail",
              "--name", "Alice B", check=0)
    alice = members(north)[0]
    assert (alice["mode"], alice["name"], alice["role"]) == ("nomail", "Alice B", "owner")

    north.run("member", "remove", NEWS, "ALICE@example.net", check=0)
    assert addresses(north) == ["bob@example.com"]
    assert north.json("list", "show", NEWS)["name"] == "news"
    rc, out, _ = north.run("list", "show", NEWS, check=0)
    assert "members:        1" in out


def test_member_add_duplicate_any_case_exits_65(north):
    north.run("member", "add", NEWS, "alice@example.net", "--name", "First", check=0)
    rc, _, err = north.run("member", "add", NEWS, "ALICE@EXAMPLE.NET", "--name", "Dup")
    assert rc == DATA and "already a member" in err
    assert [(m["address"], m["name"]) for m in members(north)] == \
        [("alice@example.net", "First")]


@pytest.mark.parametrize("args,code", [
    (("add", NEWS, "not-an-address"), DATA),
    (("add", NEWS, "a@example.net\r\nBcc: victim@example.org"), DATA),
    (("add", NEWS, "a@example.net\nBcc: victim@example.org"), DATA),
    (("add", NEWS, "a@example.net", "--name", "x\r\nBcc: victim@example.org"), USAGE),
    (("add", NEWS, "a@example.net", "--name", "x\nSubject: spam"), USAGE),
    (("add", NEWS, "a@example.net", "--mode", "sometimes"), USAGE),
    (("add", NEWS, "a@example.net", "--role", "king"), USAGE),
    (("add", "nope@north.example.org", "a@example.net"), NOUSER),
    (("add", "news@nowhere.example.org", "a@example.net"), NOUSER),
    (("add", "not a list", "a@example.net"), USAGE),
    (("remove", NEWS, "nobody@example.net"), NOUSER),
    (("set", NEWS, "nobody@example.net", "--mode", "digest"), NOUSER),
    (("set", NEWS, "keep@example.net"), USAGE),
    (("set", NEWS, "keep@example.net", "--name", "a\rb"), USAGE),
    (("list", NEWS, "--role", "king"), USAGE),
    (("export", "nope@north.example.org"), NOUSER),
])
def test_member_bad_input_exit_codes_and_nothing_changes(north, args, code):
    north.run("member", "add", NEWS, "keep@example.net", "--name", "Keep", check=0)
    before = members(north)
    rc, _, err = north.run("member", *args)
    assert rc == code, err
    assert err.startswith("listctl: member ")
    assert members(north) == before


# --- member import --------------------------------------------------------

def test_import_adds_members_and_reports(north, tmp_path):
    north.run("member", "add", NEWS, "old@example.net", check=0)
    f = write(tmp_path, "in.csv", "Email,Name,Mode\nold@example.net,Old,\n"
              "a@example.net,A,digest\n\"b@example.net\",\"Smith, Bob\",\n")
    rc, out, _ = north.run("member", "import", NEWS, f, check=0)
    assert "2 added, 1 already members, 0 bad rows" in out
    got = {m["address"]: (m["name"], m["mode"]) for m in members(north)}
    assert got == {"old@example.net": ("", "regular"),
                   "a@example.net": ("A", "digest"),
                   "b@example.net": ("Smith, Bob", "regular")}


def test_import_json_shape(north, tmp_path):
    f = write(tmp_path, "in.csv", "address\na@example.net\n")
    r = north.json("member", "import", NEWS, f)
    assert r == {"errors": [], "applied": True, "added": 1, "existing": 0, "bad": 0}
    f = write(tmp_path, "bad.csv", "address\nnope\nb@example.net\n")
    rc, out, _ = north.run("--json", "member", "import", NEWS, f)
    import json
    r = json.loads(out)
    assert rc == DATA
    assert r["applied"] is False and r["bad"] == 1 and r["added"] == 0
    assert r["errors"][0]["line"] == 2
    assert r["errors"][0]["error"].startswith('invalid address "nope"')


def test_import_crlf_and_bom(north, tmp_path):
    f = write(tmp_path, "win.csv", b"\xef\xbb\xbfaddress,name\r\n"
              b"a@example.net,Ren\xc3\xa9\r\n\r\nb@example.net,B\r\n")
    north.run("member", "import", NEWS, f, check=0)
    assert [(m["address"], m["name"]) for m in members(north)] == \
        [("a@example.net", "Ren\u00e9"), ("b@example.net", "B")]


def test_import_from_stdin(north):
    rc, out, err = north.run("member", "import", NEWS, "-",
                             input=b"address\nstdin@example.net\n")
    assert rc == 0, err
    assert addresses(north) == ["stdin@example.net"]


HOSTILE = [
    ("bad-quoting", b"address,name\na@example.net,\"Alice\nb@example.net,B\n",
     "unterminated quoted field"),
    ("quote-in-field", b"address,name\na@example.net,Al\"ice\n", "quote inside"),
    ("text-after-quote", b"address,name\n\"a@example.net\"x,A\n",
     "text after a closing quote"),
    ("invalid-address", b"address\ngood@example.net\nbad@\n",
     ":3: invalid address \"bad@\": missing domain"),
    ("duplicate", b"address\na@example.net\na@example.net\n",
     ":3: duplicate address a@example.net"),
    ("case-duplicate", b"address\na@example.net\nA@EXAMPLE.NET\n",
     ":3: duplicate address"),
    ("latin1", b"address,name\nr@example.net,Ren\xe9\n", ":2: invalid UTF-8"),
    ("crlf-in-address", b"address\n\"a@example.net\r\nBcc: v@example.org\"\n",
     "invalid address"),
    ("crlf-in-name", b"address,name\na@example.net,\"x\r\nBcc: v@example.org\"\n",
     "invalid name"),
    ("nul-byte", b"address\na@exa\x00mple.net\n", "NUL byte"),
    ("bad-mode", b"address,mode\na@example.net,sometimes\n", "invalid mode"),
    ("no-address-column", b"name,phone\nAlice,555\n",
     ":1: the header row has no \"address\" or \"email\" column"),
    ("empty-file", b"", ":1: empty file"),
    ("only-blank-lines", b"\r\n\n\n", "empty file"),
    ("huge-record", b"address\n" + b"a" * 70000 + b"@example.net\n",
     "record longer than 64 KB"),
]


@pytest.mark.parametrize("name,data,msg", HOSTILE, ids=[h[0] for h in HOSTILE])
def test_import_hostile_file_changes_nothing(north, tmp_path, name, data, msg):
    north.run("member", "add", NEWS, "keep@example.net", "--name", "Keep", check=0)
    before = members(north)
    f = write(tmp_path, f"{name}.csv", data)
    rc, out, err = north.run("member", "import", NEWS, f)
    assert rc == DATA, err
    assert msg in err
    assert str(f) in err            # the file is named
    assert members(north) == before


def test_import_100_bad_rows_shows_50_and_a_summary(north, tmp_path):
    rows = "".join(f"bad{i}\n" for i in range(100))
    f = write(tmp_path, "many.csv", "address\nok@example.net\n" + rows)
    rc, _, err = north.run("member", "import", NEWS, f)
    assert rc == DATA
    lines = err.splitlines()
    assert sum(":" in l and "invalid address" in l for l in lines) == 50
    assert f"{f}:3: invalid address" in err
    assert "... and 50 more bad rows" in err
    assert lines[-1].endswith("100 bad rows; nothing was imported "
                              "(fix them, or give --skip-bad)")
    assert members(north) == []


def test_import_skip_bad_keeps_good_rows(north, tmp_path):
    f = write(tmp_path, "mixed.csv", b"address,name\ngood@example.net,G\nbad@\n"
              b"latin@example.net,Ren\xe9\ngood@example.net,Dup\n"
              b"also@example.net,A\n")
    rc, out, err = north.run("member", "import", NEWS, f, "--skip-bad")
    assert rc == 0, err
    assert "2 added, 0 already members, 3 bad rows skipped" in out
    assert ":3: invalid address" in err and ":4: invalid UTF-8" in err
    assert [(m["address"], m["name"]) for m in members(north)] == \
        [("also@example.net", "A"), ("good@example.net", "G")]


def test_import_missing_file_and_bad_mode_option(north, tmp_path):
    rc, _, err = north.run("member", "import", NEWS, tmp_path / "absent.csv")
    assert rc != 0 and "absent.csv" in err
    f = write(tmp_path, "ok.csv", "address\na@example.net\n")
    rc, _, err = north.run("member", "import", NEWS, f, "--mode", "weekly")
    assert rc == USAGE
    rc, _, err = north.run("member", "import", "nope@north.example.org", f)
    assert rc == NOUSER
    assert members(north) == []


# --- member export --------------------------------------------------------

def test_export_import_round_trip(north, tmp_path):
    north.run("district", "add", "south", "--domain", "south.example.org",
              "--name", "South", check=0)
    north.run("list", "create", "copy@south.example.org", check=0)
    f = write(tmp_path, "in.csv", "address,name,mode\n"
              "a@example.net,\"Smith, Ann\",digest\n"
              "b@example.net,\"Say \"\"hi\"\"\",nomail\n"
              "c@example.net,Ren\u00e9,\n")
    north.run("member", "import", NEWS, f, check=0)
    out_file = tmp_path / "out.csv"
    north.run("member", "export", NEWS, out_file, check=0)
    raw = out_file.read_bytes()
    assert raw.startswith(b"address,name,mode,role,source\r\n")
    north.run("member", "import", "copy@south.example.org", out_file, check=0)

    def shape(lst):
        return [(m["address"], m["name"], m["mode"]) for m in members(north, lst)]
    assert shape("copy@south.example.org") == shape(NEWS)
    assert len(shape(NEWS)) == 3
    # Export to stdout gives the same bytes.
    rc, out, _ = north.run("member", "export", NEWS, check=0)
    assert out.encode() == raw


@pytest.mark.parametrize("name", ["=cmd|' /C calc'!A0", "+1+1", "-2+3",
                                  "@SUM(A1:A2)", "=HYPERLINK(\"http://x\")"])
def test_export_neutralises_formulas(north, name):
    north.run("member", "add", NEWS, "f@example.net", "--name", name, check=0)
    rc, out, _ = north.run("member", "export", NEWS, check=0)
    rows = list(csv.reader(io.StringIO(out)))
    assert rows[1][0] == "f@example.net"
    assert rows[1][1] == "'" + name      # a spreadsheet shows it as text
    assert not rows[1][1].startswith(("=", "+", "-", "@"))


def test_export_to_unwritable_path(north, tmp_path):
    rc, _, err = north.run("member", "export", NEWS, tmp_path / "no" / "x.csv")
    assert rc != 0 and "cannot write" in err


# --- isolation ------------------------------------------------------------

def test_districts_do_not_leak_members(ctl, tmp_path):
    for slug in ("a", "b"):
        ctl.run("district", "add", slug, "--domain", f"{slug}.example.org",
                "--name", slug.upper(), check=0)
        ctl.run("list", "create", f"news@{slug}.example.org", check=0)
    ctl.run("member", "add", "news@a.example.org", "only-a@example.net", check=0)
    ctl.run("member", "add", "news@a.example.org", "shared@example.net",
            "--name", "In A", check=0)
    f = write(tmp_path, "b.csv", "address,name\nonly-b@example.net,\n"
              "shared@example.net,In B\n")
    ctl.run("member", "import", "news@b.example.org", f, check=0)

    def shape(lst):
        return [(m["address"], m["name"]) for m in ctl.json("member", "list", lst)]
    assert shape("news@a.example.org") == [("only-a@example.net", ""),
                                           ("shared@example.net", "In A")]
    assert shape("news@b.example.org") == [("only-b@example.net", ""),
                                           ("shared@example.net", "In B")]
    ctl.run("member", "remove", "news@b.example.org", "shared@example.net", check=0)
    ctl.run("list", "remove", "news@b.example.org", "--force", check=0)
    assert len(shape("news@a.example.org")) == 2
    rc, out, _ = ctl.run("member", "export", "news@a.example.org", check=0)
    assert "only-b" not in out
    assert (ctl.home / "districts" / "a" / "district.db").exists()
    assert (ctl.home / "districts" / "b" / "district.db").exists()


def test_import_skip_bad_never_smuggles_lines_of_a_bad_quoted_field(north, tmp_path):
    # The bad row's quoted name spans lines; one of them looks like an address.
    f = write(tmp_path, "smuggle.csv", b"address,name\n"
              b"a@example.net,\"x\x00\nevil@example.net\n\"\nok@example.net,OK\n")
    rc, out, err = north.run("member", "import", NEWS, f, "--skip-bad")
    assert rc == 0, err
    assert ":2: NUL byte in field" in err
    assert addresses(north) == ["ok@example.net"]
