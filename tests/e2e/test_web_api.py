"""test_web_api.py - the JSON API under /api/v1/ with bearer tokens, and
listctl token/admin: scopes (district or site), revoked and malformed
tokens, bulk member changes with per-address errors, held posts, runs."""
import json

from mailtest import message
from webtest import Api, site  # noqa: F401  (fixture)

LIST = "staff@north.example.org"
BASE = "/api/v1/d/north"


def test_lists_members_bulk_add_and_remove(site, ctl):
    api = Api(site.port, site.token("--district", "north"))
    st, body = api.call("GET", f"{BASE}/lists")
    assert st == 200
    lists = json.loads(body)
    assert lists[0]["name"] == "staff" and lists[0]["members"] == 3
    st, body = api.call("POST", f"{BASE}/lists/staff/members",
                        [("address", "a1@example.org"), ("address", "A2@Example.org"),
                         ("address", "bad@@x"), ("address", "alice@north.example.net"),
                         ("mode", "digest")])
    assert st == 200
    res = json.loads(body)
    assert res["added"] == 2
    assert {e["address"] for e in res["errors"]} == {"bad@@x", "alice@north.example.net"}
    st, body = api.call("GET", f"{BASE}/lists/staff/members?q=example.org&limit=10")
    got = {m["address"]: m for m in json.loads(body)}
    assert got["a1@example.org"]["mode"] == "digest"
    st, body = api.call("POST", f"{BASE}/lists/staff/members/remove",
                        [("address", "a1@example.org"), ("address", "ghost@example.org")])
    assert json.loads(body) == {"removed": 1, "not_found": 1}
    assert api.call("GET", f"{BASE}/lists/staff/members?limit=0")[0] == 400
    assert api.call("GET", f"{BASE}/lists/staff/members?limit=5000")[0] == 400
    assert api.call("POST", f"{BASE}/lists/staff/members", [("mode", "x")])[0] == 400
    assert api.call("GET", f"{BASE}/lists/nosuch/members")[0] == 404


def test_create_list_and_hostile_values(site, ctl):
    api = Api(site.port, site.token("--district", "north"))
    st, body = api.call("POST", f"{BASE}/lists", [("name", "pta"), ("kind", "announcement"),
                                                   ("description", "<script>x</script>")])
    assert st == 200 and json.loads(body)["name"] == "pta"
    st, body = api.call("GET", f"{BASE}/lists")
    assert "<script>" not in body and "\\u003cscript" in body
    for fields in ([("name", "../x")], [("name", "a-bounces")], [("name", "ok2"), ("kind", "roster")],
                   [("name", "ok3"), ("description", "a\x01b")]):
        assert api.call("POST", f"{BASE}/lists", fields)[0] == 400, fields
    assert api.call("POST", f"{BASE}/lists", [("name", "pta")])[0] == 409


def test_held_posts_and_decisions(site, ctl):
    ctl.run("inject", LIST, input=message(sender="z@example.org", to=LIST).encode(), check=0)
    api = Api(site.port, site.token("--district", "north"))
    st, body = api.call("GET", f"{BASE}/lists/staff/held")
    held = json.loads(body)
    assert st == 200 and held[0]["sender"] == "z@example.org"
    pid = held[0]["id"]
    assert api.call("POST", f"{BASE}/lists/staff/held/{pid}", [("action", "nuke")])[0] == 400
    assert api.call("POST", f"{BASE}/lists/staff/held/abc", [("action", "discard")])[0] == 404
    assert api.call("POST", f"{BASE}/lists/staff/held/{pid}", [("action", "discard")])[0] == 200
    assert api.call("POST", f"{BASE}/lists/staff/held/{pid}", [("action", "approve")])[0] == 409
    st, body = api.call("GET", f"{BASE}/runs")
    assert st == 200 and json.loads(body) == {"last_run": None}


def test_tokens_scope_revocation_and_malformed(site, ctl):
    made = ctl.json("token", "add", "cms", "--district", "north")
    api = Api(site.port, made["token"])
    assert api.call("GET", f"{BASE}/lists")[0] == 200
    assert api.call("GET", "/api/v1/d/south/lists")[0] == 403
    listed = ctl.json("token", "list")
    assert made["token"] not in json.dumps(listed)
    assert made["token"] not in (site.home / "site.db").read_bytes().decode("latin-1")
    ctl.run("token", "revoke", str(made["id"]), check=0)
    assert api.call("GET", f"{BASE}/lists")[0] == 403
    assert ctl.run("token", "revoke", str(made["id"]))[0] == 67
    for bad in ("", "x" * 32, made["token"][:-1], "'; DROP TABLE api_token; --"):
        assert Api(site.port, bad).call("GET", f"{BASE}/lists")[0] == 403, bad
    assert ctl.run("token", "add", "x")[0] == 64
    assert ctl.run("token", "add", "x", "--site", "--district", "north")[0] == 64
    assert ctl.run("token", "add", "x", "--district", "nowhere")[0] == 67
    assert ctl.run("token", "revoke", "abc")[0] == 64


def test_listctl_admin_verbs_and_hostile_input(ctl, home):
    ctl.run("district", "add", "north", "--domain", "north.example.org", "--name", "N", check=0)
    rc, out, _ = ctl.run("admin", "add", "alice", "--district", "north")
    assert rc == 0 and "password: " in out
    assert ctl.run("admin", "add", "alice", "--site")[0] == 65
    pw = home / "short.txt"
    pw.write_text("short\n")
    assert ctl.run("admin", "add", "bob", "--site", "--password-file", pw)[0] == 65
    assert ctl.run("admin", "add", "bob", "--site", "--password-file", home / "nope")[0] == 67
    assert ctl.run("admin", "add", "bad name", "--site")[0] == 64
    assert ctl.run("admin", "add", "x", "--district", "nowhere")[0] == 67
    assert ctl.run("admin", "add", "y", "--email", "not-an-address")[0] == 64
    accounts = ctl.json("admin", "list")
    assert [a["username"] for a in accounts] == ["alice"]
    assert accounts[0]["districts"] == "north" and not accounts[0]["site_admin"]
    assert "$y$" in (home / "site.db").read_bytes().decode("latin-1")
    assert ctl.run("admin", "password", "alice")[0] == 0
    assert ctl.run("admin", "remove", "alice")[0] == 0
    assert ctl.run("admin", "remove", "alice")[0] == 67
