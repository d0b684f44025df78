"""test_migrate_mm3.py - `listctl migrate mailman3 --config FILE`: a Mailman 3
list's settings as its REST API gives them (GET /3.1/lists/<list-id>/config,
tests/data/mm3_config.json with Mailman 3's key names) mapped onto listd's
list settings through the same table machinery as Mailman 2.1, with a
report row for each setting that does not map; --dry-run, idempotence,
hostile files (not JSON, wrong types, code, huge, deep) that change
nothing."""
import json
from pathlib import Path

import pytest

TOP = Path(__file__).resolve().parents[2]
CONFIG = TOP / "tests" / "data" / "mm3_config.json"
TO = "parents@bethel.example.org"
MEMBERS = {"entries": [
    {"email": "anne@example.com", "display_name": "Anne", "role": "owner",
     "delivery_mode": "regular"},
    {"email": "bart@example.com", "role": "member", "delivery_mode": "mime_digests"},
]}


@pytest.fixture
def bethel(ctl):
    ctl.run("district", "add", "bethel", "--domain", "bethel.example.org",
            "--name", "Bethel", check=0)
    return ctl


def report(doc, setting):
    rows = [r for r in doc["report"] if r["setting"] == setting]
    assert rows, setting
    return rows


def config(tmp_path, **changes):
    c = json.loads(CONFIG.read_text())
    for k, v in changes.items():
        if v is None:
            c.pop(k, None)
        else:
            c[k] = v
    f = tmp_path / "config.json"
    f.write_text(json.dumps(c))
    return f


def test_config_maps_settings_and_reports_the_rest(bethel, tmp_path):
    m = tmp_path / "members.json"
    m.write_text(json.dumps(MEMBERS))
    doc = bethel.json("migrate", "mailman3", "--to", TO, "--config", CONFIG,
                      "--members", m)
    assert doc["changed"] and doc["list_created"] and doc["members_added"] == 2
    lst = bethel.json("list", "show", TO)
    assert lst["description"] == "Parents of Bethel students — announcements and questions"
    assert lst["subject_prefix"] == "[Parents]"          # %d and space dropped
    assert lst["policy"] == "members" and lst["nonmember"] == "reject"
    assert lst["subscribe"] == "approve"                  # confirm_then_moderate
    assert lst["archive"] == "public"
    assert lst["max_size"] == 512 * 1024
    assert lst["dmarc"] == "rewrite"
    assert lst["kind"] == "discussion"
    # Mapped rows say where the value went.
    assert report(doc, "subscription_policy")[0]["mapped"]
    assert any(r["mapped"] and r["result"].startswith("1 plain")
               for r in report(doc, "accept_these_nonmembers"))
    assert any(not r["mapped"] and r["value"].startswith("^")
               for r in report(doc, "accept_these_nonmembers"))
    # Each setting that does not map says why.
    assert "Reply-To" in report(doc, "reply_goes_to_list")[0]["result"]
    assert "envelope" in report(doc, "acceptable_aliases")[0]["result"]
    assert report(doc, "display_name")[0]["mapped"] is False
    assert report(doc, "http_etag")[0]["result"] == "REST metadata"
    assert report(doc, "posting_pipeline")[0]["result"] == "no listd counterpart"
    assert any(r["mapped"] for r in report(doc, "subject_prefix"))
    assert any("number" in r["result"] for r in report(doc, "subject_prefix"))
    # Every key of the file has a row.
    keys = set(json.loads(CONFIG.read_text()))
    assert keys <= {r["setting"] for r in doc["report"]}


def test_config_dry_run_then_idempotent(bethel, tmp_path):
    doc = bethel.json("migrate", "mailman3", "--to", TO, "--config", CONFIG, "--dry-run")
    assert doc["dry_run"] and doc["list_created"]
    assert bethel.run("list", "show", TO)[0] == 67, "a dry run created the list"
    bethel.json("migrate", "mailman3", "--to", TO, "--config", CONFIG)
    again = bethel.json("migrate", "mailman3", "--to", TO, "--config", CONFIG)
    assert not again["changed"] and again["settings_changed"] == []
    rc, out, _ = bethel.run("migrate", "mailman3", "--to", TO, "--config", CONFIG, check=0)
    assert "nothing changed: already migrated" in out
    # An operator's later change is put back and reported by name.
    bethel.run("list", "set", TO, "--policy", "open", check=0)
    doc = bethel.json("migrate", "mailman3", "--to", TO, "--config", CONFIG, "--dry-run")
    assert doc["settings_changed"] == ["policy"]
    assert bethel.json("list", "show", TO)["policy"] == "open"


@pytest.mark.parametrize("changes,want", [
    ({"default_member_action": "hold"}, {"policy": "moderated"}),
    ({"default_member_action": "reject"}, {"policy": "announce", "kind": "announcement"}),
    ({"default_member_action": "accept", "default_nonmember_action": "accept"},
     {"policy": "open"}),
    ({"default_nonmember_action": "discard"}, {"policy": "members", "nonmember": "discard"}),
    ({"default_nonmember_action": "hold"}, {"policy": "members", "nonmember": "hold"}),
    ({"subscription_policy": "open"}, {"subscribe": "open"}),
    ({"subscription_policy": "confirm"}, {"subscribe": "confirm"}),
    ({"archive_policy": "private"}, {"archive": "private"}),
    ({"archive_policy": "never"}, {"archive": "private"}),
    ({"dmarc_mitigate_action": "no_mitigation"}, {"dmarc": "leave"}),
    ({"dmarc_mitigate_action": "wrap_message"}, {"dmarc": "rewrite"}),
    ({"max_message_size": 0}, {"max_size": 0}),
])
def test_each_value_maps(bethel, tmp_path, changes, want):
    bethel.json("migrate", "mailman3", "--to", TO, "--config", config(tmp_path, **changes))
    lst = bethel.json("list", "show", TO)
    assert {k: lst[k] for k in want} == want


def test_wrong_types_are_reported_not_applied(bethel, tmp_path):
    f = config(tmp_path, description=["not", "text"], max_message_size="500",
               subscription_policy=3, archive_policy=None,
               default_member_action={"x": 1}, dmarc_mitigate_action="explode",
               subject_prefix=None, accept_these_nonmembers="one@example.com")
    doc = bethel.json("migrate", "mailman3", "--to", TO, "--config", f)
    lst = bethel.json("list", "show", TO)
    bethel.run("list", "create", "fresh@bethel.example.org", check=0)
    fresh = bethel.json("list", "show", "fresh@bethel.example.org")
    for k in ("description", "max_size", "subscribe", "dmarc", "policy", "archive"):
        assert lst[k] == fresh[k], k
    assert lst["nonmember"] == "reject"      # the valid nonmember action still maps
    for k in ("description", "max_message_size", "subscription_policy",
              "default_member_action", "dmarc_mitigate_action", "accept_these_nonmembers"):
        assert report(doc, k)[0]["mapped"] is False, k


@pytest.mark.parametrize("name,text,code", [
    ("not-json.json", "display_name: Parents\n", 65),
    ("trunc.json", '{"display_name": "Parents", ', 65),
    ("array.json", '["display_name", "Parents"]', 65),
    ("string.json", '"Parents"', 65),
    ("code.json", '{"display_name": __import__("os").system("id")}', 65),
    ("nul.json", '{"description": "a"}\x00', 65),
    ("deep.json", "[" * 5000 + "]" * 5000, 65),
    ("empty.json", "", 65),
])
def test_hostile_config_files_change_nothing(bethel, tmp_path, name, text, code):
    f = tmp_path / name
    f.write_text(text)
    rc, out, err = bethel.run("migrate", "mailman3", "--to", TO, "--config", f)
    assert rc == code, (name, rc, err)
    assert str(f) in err, (name, err)
    assert bethel.run("list", "show", TO)[0] == 67


def test_huge_and_missing_config_files(bethel, tmp_path):
    huge = tmp_path / "huge.json"
    huge.write_text('{"description": "' + "x" * (2 << 20) + '"}')
    rc, _, err = bethel.run("migrate", "mailman3", "--to", TO, "--config", huge)
    assert rc == 65 and "larger than" in err, (rc, err)
    assert bethel.run("migrate", "mailman3", "--to", TO, "--config",
                      tmp_path / "absent.json")[0] == 67
    assert bethel.run("migrate", "mailman3", "--to", TO, "--config", tmp_path)[0] == 67
    assert bethel.run("migrate", "mailman3", "--to", TO)[0] == 64
    assert bethel.run("list", "show", TO)[0] == 67


def test_long_description_is_cut_and_reported(bethel, tmp_path):
    f = config(tmp_path, description="é" * 5000)
    doc = bethel.json("migrate", "mailman3", "--to", TO, "--config", f)
    lst = bethel.json("list", "show", TO)
    assert 0 < len(lst["description"].encode()) <= 5000
    assert any("cut" in r["result"] for r in report(doc, "description"))
