"""test_migrate.py - `listctl migrate mailman2|mailman3` on Mailman 2.1 list
directories built for the test by tests/data/make_mm2_fixture.py (a real
config.pck written by Python's pickle module with Mailman 2.1's attribute
names) and on the corpus mboxes: settings, members with modes and roles,
the report, the archive, --dry-run, idempotence, and hostile input."""
import json
import lzma
import subprocess
from pathlib import Path

import pytest
from conftest import SHARED

TOP = Path(__file__).resolve().parents[2]
FIXTURE = TOP / "tests" / "data" / "make_mm2_fixture.py"
CORPUS = SHARED / "corpus" / "mbox"
EDGE = CORPUS / "edge-cases"
TO = "parents@bethel.example.org"


def make_fixture(out, style="py2", mbox=None, members=50, extra=()):
    args = ["/usr/bin/python3", str(FIXTURE), str(out), "--style", style,
            "--members", str(members), *extra]
    if mbox:
        args += ["--mbox", str(mbox)]
    subprocess.run(args, check=True)
    return out / "lists" / "parents"


@pytest.fixture
def bethel(ctl):
    ctl.run("district", "add", "bethel", "--domain", "bethel.example.org",
            "--name", "Bethel", check=0)
    return ctl


def members(ctl, lst=TO):
    return {m["address"].lower(): m for m in ctl.json("member", "list", lst)}


def report(doc, setting):
    return [r for r in doc["report"] if r["setting"] == setting]


def test_mm2_pickle_dry_run_changes_nothing(bethel, tmp_path):
    d = make_fixture(tmp_path / "mm", mbox=EDGE / "mimekit-content-length.mbox.txt")
    doc = bethel.json("migrate", "mailman2", d, "--to", TO, "--dry-run")
    assert doc["dry_run"] and doc["list_created"] and not doc["changed"]
    assert doc["members_added"] == 52 and doc["mbox_read"] == 29
    rc, out, err = bethel.run("list", "show", TO)
    assert rc == 67, "a dry run created the list"
    rc, out, _ = bethel.run("migrate", "mailman2", d, "--to", TO, "--dry-run",
                            check=0)
    assert out.startswith("dry run (nothing changed)")


def test_mm2_pickle_migrates_settings_members_archive(bethel, tmp_path):
    d = make_fixture(tmp_path / "mm", mbox=EDGE / "mimekit-content-length.mbox.txt")
    doc = bethel.json("migrate", "mailman2", d, "--to", TO)
    assert doc["changed"] and doc["list_created"]
    lst = bethel.json("list", "show", TO)
    assert lst["description"] == "Liste des parents d'élèves"  # Latin-1 str
    assert lst["subject_prefix"] == "[Parents]"
    assert lst["subscribe"] == "approve" and lst["policy"] == "members"
    assert lst["nonmember"] == "hold" and lst["archive"] == "private"
    assert lst["max_size"] == 40 * 1024 and lst["dmarc"] == "rewrite"
    assert lst["digest_format"] == "rfc1153"
    assert "Parents mailing list" in lst["footer"]
    assert "Parents@lists.bethel.example.org" in lst["footer"]
    m = members(bethel)
    assert len(m) == 52
    assert m["member000@example.org"]["address"] == "Member000@example.org"
    assert m["member000@example.org"]["role"] == "owner"
    assert m["member000@example.org"]["name"] == "Zoë Ångström"
    assert m["member006@example.org"]["name"] == "山田 太郎"
    assert m["member001@example.org"]["mode"] == "digest"
    assert m["member002@example.org"]["mode"] == "nomail"   # DisableDelivery
    assert m["member003@example.org"]["mode"] == "nomail"   # by bounce
    assert m["member004@example.org"]["role"] == "moderator"
    assert m["member004@example.org"]["mode"] == "regular"
    assert m["owner@bethel.example.org"]["mode"] == "nomail"  # not subscribed
    assert m["mod1@bethel.example.org"]["role"] == "moderator"
    modes = [x["mode"] for x in m.values()]
    assert modes.count("digest") == 9 and modes.count("nomail") == 8
    # 29 "From " lines; the importer splits Netscape's "From - " mbox
    # by its own rules (Content-Length is not honoured).
    assert doc["mbox_read"] >= 15 and doc["mbox_bad"] == 0
    assert bethel.json("archive", "show", TO)["messages"] == doc["mbox_added"] >= 15
    # Each setting that does not map says why.
    why = report(doc, "reply_goes_to_list")[0]
    assert not why["mapped"] and "Reply-To" in why["result"]
    mod = report(doc, "user_options:Moderate")[0]
    assert "member005@example.org" in mod["value"] and mod["result"].startswith("4 ")
    pat = report(doc, "accept_these_nonmembers")
    assert any(not r["mapped"] and r["value"].startswith("^") for r in pat)
    assert any(r["mapped"] and r["result"].startswith("1 plain") for r in pat)
    assert report(doc, "passwords")[0]["mapped"] is False
    assert report(doc, "topics")[0]["result"] == "no listd counterpart"


def test_mm2_second_run_changes_nothing(bethel, tmp_path):
    d = make_fixture(tmp_path / "mm", mbox=EDGE / "gmime-substring.mbox")
    bethel.json("migrate", "mailman2", d, "--to", TO)
    before = members(bethel)
    doc = bethel.json("migrate", "mailman2", d, "--to", TO)
    assert not doc["changed"] and not doc["list_created"]
    assert doc["members_added"] == 0 and doc["members_updated"] == 0
    assert doc["members_unchanged"] == 52 and doc["mbox_added"] == 0
    assert doc["settings_changed"] == []
    assert members(bethel) == before
    rc, out, _ = bethel.run("migrate", "mailman2", d, "--to", TO, check=0)
    assert "nothing changed: already migrated" in out


def test_mm2_rerun_after_operator_changes_reports_them(bethel, tmp_path):
    d = make_fixture(tmp_path / "mm")
    bethel.run("migrate", "mailman2", d, "--to", TO, "--no-archive", check=0)
    bethel.run("member", "set", TO, "member001@example.org", "--mode",
               "regular", check=0)
    bethel.run("member", "add", TO, "new@example.net", check=0)
    bethel.run("list", "set", TO, "--policy", "open", check=0)
    doc = bethel.json("migrate", "mailman2", d, "--to", TO, "--no-archive")
    assert doc["members_updated"] == 1 and doc["settings_changed"] == ["policy"]
    assert members(bethel)["member001@example.org"]["mode"] == "digest"
    assert "new@example.net" in members(bethel)   # not in Mailman: kept


def test_mm2_python3_pickle_gives_the_same_list(bethel, tmp_path):
    d2 = make_fixture(tmp_path / "py2")
    d3 = make_fixture(tmp_path / "py3", style="py3")
    assert (d2 / "config.pck").read_bytes() != (d3 / "config.pck").read_bytes()
    bethel.json("migrate", "mailman2", d2, "--to", TO)
    bethel.json("migrate", "mailman2", d3, "--to", "other@bethel.example.org")
    a, b = members(bethel), members(bethel, "other@bethel.example.org")
    strip = lambda ms: {k: (v["name"], v["mode"], v["role"]) for k, v in ms.items()}
    assert strip(a) == strip(b)
    sa = bethel.json("list", "show", TO)
    sb = bethel.json("list", "show", "other@bethel.example.org")
    for k in ("description", "subject_prefix", "policy", "subscribe", "footer"):
        assert sa[k] == sb[k], k


def test_mm2_text_exports_give_the_same_members(bethel, tmp_path):
    d = make_fixture(tmp_path / "mm")
    out = tmp_path / "mm"
    bethel.json("migrate", "mailman2", d, "--to", TO, "--no-archive")
    doc = bethel.json("migrate", "mailman2", "--to", "text@bethel.example.org",
                      "--config-list", out / "config_list.txt",
                      "--list-members", out / "list_members.txt",
                      "--digest-members", out / "digest_members.txt",
                      "--nomail-members", out / "nomail_members.txt")
    assert doc["list_created"]
    a, b = members(bethel), members(bethel, "text@bethel.example.org")
    strip = lambda ms: {k: (v["name"], v["mode"], v["role"]) for k, v in ms.items()}
    assert strip(a) == strip(b)
    sa = bethel.json("list", "show", TO)
    sb = bethel.json("list", "show", "text@bethel.example.org")
    for k in ("description", "subject_prefix", "policy", "subscribe", "footer",
              "max_size", "dmarc", "nonmember"):
        assert sa[k] == sb[k], k


def test_mm2_hostile_pickles_store_nothing(bethel, tmp_path):
    d = make_fixture(tmp_path / "mm")
    pck = d / "config.pck"
    good = pck.read_bytes()
    victim = tmp_path / "pwned"
    cases = {
        "truncated": good[: len(good) // 2],
        "empty": b"",
        "code": b"cos\nsystem\n(S'touch " + str(victim).encode() + b"'\ntR.",
        "unknown opcode": b"}\xff.",
        "huge length": b"}(X\xff\xff\xff\x7f",
        "not a dict": b"]q\x00.",
        "deep": b"]" * 5000 + b"a" * 4999 + b".",
    }
    for name, data in cases.items():
        pck.write_bytes(data)
        rc, out, err = bethel.run("migrate", "mailman2", d, "--to", TO)
        assert rc == 65, f"{name}: exit {rc} {err}"
        assert "config.pck" in err and "listctl: migrate mailman2" in err, name
        assert "AddressSanitizer" not in err and "runtime error" not in err
    assert not victim.exists()
    assert bethel.run("list", "show", TO)[0] == 67


@pytest.mark.parametrize("style,protocol", [("py3", "2"), ("py3", "0"), ("py2", "1"),
                                            ("py2", "2")])
def test_mm2_bounce_info_records_migrate(bethel, tmp_path, style, protocol):
    """A list with bounce history: bounce_info holds Mailman.Bouncer._BounceInfo
    instances (GLOBAL + NEWOBJ/REDUCE + BUILD, a shared lastnotice tuple).
    They are read as data, reported, and the list migrates like any other."""
    d = make_fixture(tmp_path / "mm", style=style,
                     extra=("--bounce-info", "--protocol", protocol))
    assert b"Mailman.Bouncer\n_BounceInfo" in (d / "config.pck").read_bytes()
    doc = bethel.json("migrate", "mailman2", d, "--to", TO, "--no-archive")
    assert doc["list_created"] and doc["members_added"] == 52
    row = report(doc, "bounce_info")[0]
    assert not row["mapped"] and row["result"].startswith("2 members had bounce records")
    m = members(bethel)
    assert m["member003@example.org"]["mode"] == "nomail"     # disabled by bounces
    assert m["member008@example.org"]["mode"] == "regular"    # a score only
    again = bethel.json("migrate", "mailman2", d, "--to", TO, "--no-archive")
    assert not again["changed"]


def test_mm2_other_classes_stay_refused(bethel, tmp_path):
    d = make_fixture(tmp_path / "mm", style="py3", extra=("--bounce-info", "--protocol", "2"))
    pck = d / "config.pck"
    good = pck.read_bytes()
    victim = tmp_path / "pwned"
    cases = {
        "other class": good.replace(b"Mailman.Bouncer\n_BounceInfo", b"Mailman.Bouncer\n_BounceInfX"),
        "os.system": good.replace(b"cMailman.Bouncer\n_BounceInfo\n",
                                  b"cos\nsystem\n", 1),
        "reduce call": b"(dS'x'\nccopy_reg\n_reconstructor\n(cposix\nsystem\nS'touch "
                       + str(victim).encode() + b"'\nNtRs.",
    }
    for name, data in cases.items():
        pck.write_bytes(data)
        rc, out, err = bethel.run("migrate", "mailman2", d, "--to", TO, "--no-archive")
        assert rc == 65, f"{name}: exit {rc} {err}"
        assert "refused" in err and "config.pck" in err, (name, err)
    assert not victim.exists()
    assert bethel.run("list", "show", TO)[0] == 67


def test_mm2_bad_arguments_and_files(bethel, tmp_path):
    d = make_fixture(tmp_path / "mm")
    out = tmp_path / "mm"
    assert bethel.run("migrate", "mailman2", d)[0] == 64               # no --to
    assert bethel.run("migrate", "mailman2", d, "--to", "nolist")[0] == 64
    assert bethel.run("migrate", "mailman2", d, "--to", "x@nowhere.org")[0] == 67
    assert bethel.run("migrate", "mailman2", d, "--to", "a-request@bethel.example.org")[0] == 64
    assert bethel.run("migrate", "mailman2", tmp_path / "absent", "--to", TO)[0] == 67
    assert bethel.run("migrate", "mailman2", d, "--to", TO, "--mbox", tmp_path / "none")[0] == 67
    assert bethel.run("migrate", "mailman2", "--to", TO, "--config-list",
                      out / "config_list.txt")[0] == 64          # no members file
    bad = tmp_path / "cl.txt"
    bad.write_text("real_name = 'x'\nowner = __import__('os').system('id')\n")
    rc, _, err = bethel.run("migrate", "mailman2", "--to", TO, "--config-list",
                            bad, "--list-members", out / "list_members.txt")
    assert rc == 65 and f"{bad}:2:" in err
    lm = tmp_path / "lm.txt"
    lm.write_text("good@example.org\n\"Broken\" <not an address>\n")
    rc, _, err = bethel.run("migrate", "mailman2", "--to", TO, "--config-list",
                            out / "config_list.txt", "--list-members", lm)
    assert rc == 65 and f"{lm}:2:" in err
    assert bethel.run("list", "show", TO)[0] == 67   # nothing stored


def prefix_of(xz, n_messages, dest):
    count = 0
    with lzma.open(xz, "rb") as src, open(dest, "wb") as out:
        for line in src:
            if line.startswith(b"From mboxrd@z "):
                count += 1
                if count > n_messages:
                    break
            out.write(line)
    return dest


MM3_JSON = {"entries": [
    {"email": "anne@example.com", "display_name": "Anne Person",
     "role": "member", "delivery_mode": "regular"},
    {"email": "bart@example.com", "display_name": "Bärt",
     "role": "member", "delivery_mode": "mime_digests"},
    {"email": "cris@example.com", "role": "member", "delivery_mode": "regular",
     "delivery_status": "by_bounces"},
    {"email": "anne@example.com", "role": "owner"},
    {"email": "mod@example.com", "role": "moderator"},
    {"email": "outsider@example.com", "role": "nonmember"},
], "total_size": 6}


def test_mm3_members_json_and_hyperkitty_mbox(bethel, tmp_path):
    js = tmp_path / "members.json"
    js.write_text(json.dumps(MM3_JSON))
    mbox = prefix_of(CORPUS / "usrp-users-2020.mboxrd.xz", 150, tmp_path / "hk.mbox")
    doc = bethel.json("migrate", "mailman3", "--to", TO, "--members", js,
                      "--mbox", mbox)
    assert doc["list_created"] and doc["members_added"] == 4
    assert doc["mbox_added"] == doc["mbox_read"] - doc["mbox_bad"] > 100
    m = members(bethel)
    assert (m["anne@example.com"]["role"], m["anne@example.com"]["mode"]) == ("owner", "regular")
    assert m["bart@example.com"]["mode"] == "digest"
    assert m["bart@example.com"]["name"] == "Bärt"
    assert m["cris@example.com"]["mode"] == "nomail"
    assert (m["mod@example.com"]["role"], m["mod@example.com"]["mode"]) == ("moderator", "nomail")
    assert "outsider@example.com" not in m
    again = bethel.json("migrate", "mailman3", "--to", TO, "--members", js,
                        "--mbox", mbox)
    assert not again["changed"] and again["mbox_added"] == 0


def test_mm3_members_text_and_csv(bethel, tmp_path):
    txt = tmp_path / "members.txt"
    txt.write_text("Anne Person <anne@example.com>\n\nbart@example.com\n"
                   "\"Zoë Q\" <zoe@example.com>\n")
    csv = tmp_path / "members.csv"
    csv.write_text("email,display_name,delivery_mode,role\n"
                   "anne@example.com,Anne Person,regular,member\n"
                   "bart@example.com,,plaintext_digests,member\n")
    bethel.json("migrate", "mailman3", "--to", TO, "--members", txt)
    m = members(bethel)
    assert m["zoe@example.com"]["name"] == "Zoë Q" and len(m) == 3
    doc = bethel.json("migrate", "mailman3", "--to", TO, "--members", csv)
    assert doc["members_updated"] == 1 and doc["members_unchanged"] == 1
    assert members(bethel)["bart@example.com"]["mode"] == "digest"


def test_mm3_hostile_members_files(bethel, tmp_path):
    cases = {
        "bad.json": '{"entries": [{"email": "x@"}]}',
        "trunc.json": '{"entries": [{"email": "a@example.com"',
        "shape.json": '{"entries": 5}',
        "code.json": '{"entries": __import__("os")}',
        "bad.csv": "email,role\nnot-an-address,member\n",
        "bad.txt": "a@example.com\nAnne <>\n",
        "nul.json": '{"entries": []}\x00',
    }
    for name, text in cases.items():
        f = tmp_path / name
        f.write_text(text)
        rc, _, err = bethel.run("migrate", "mailman3", "--to", TO, "--members", f)
        assert rc == 65, f"{name}: {rc} {err}"
        assert str(f) in err, name
    assert bethel.run("migrate", "mailman3", "--to", TO, "--members",
                      tmp_path / "absent.json")[0] == 67
    assert bethel.run("migrate", "mailman3", "--to", TO)[0] == 64
    assert bethel.run("list", "show", TO)[0] == 67
