"""test_mta_refresh.py - the daemon rewrites the Postfix maps itself when
lists change outside listctl: a list created or deleted through the web
pages or the JSON API of a running listd, and the roster lists its own
scheduled generator run creates. With [mta] postmap set (Debian's real
postmap) the hash .db answers for the new list too. Hostile: API removal
without confirmation or force, a failing postmap (the list change stands,
the old maps stay, a warning is logged), several writers at once."""
import subprocess
import threading
from pathlib import Path

import pytest

from mailtest import Listd, wait_until
from webtest import Api, make_site

POSTMAP = Path("/usr/sbin/postmap")


def transport(home):
    return (home / "postfix" / "listd_transport").read_text()


def query(home, key):
    p = subprocess.run([str(POSTMAP), "-q", key, f"hash:{home}/postfix/listd_transport"],
                       capture_output=True, text=True)
    return p.stdout.strip() if p.returncode == 0 else None


def start_site(home, ctl, sink, extra=""):
    d = make_site(home, ctl, sink.port)
    d.extra_conf = extra
    d.start()
    return d


@pytest.fixture
def running(home, ctl, sink):
    extra = f"[mta]\npostmap = {POSTMAP}\n" if POSTMAP.exists() else ""
    d = start_site(home, ctl, sink, extra)
    yield d
    d.stop()


def test_api_create_and_remove_rewrite_the_maps(running, home, ctl):
    api = Api(running.http_port, ctl.json("token", "add", "cms", "--district", "north")["token"])
    assert "news@north.example.org" not in transport(home)
    st, body = api.call("POST", "/api/v1/d/north/lists", [("name", "news")])
    assert st == 200, body
    want = f"lmtp:inet:127.0.0.1:{running.port}"
    for form in ("", "-request", "-bounces"):
        assert f"news{form}@north.example.org {want}\n" in transport(home)
    if POSTMAP.exists():
        assert query(home, "news-confirm@north.example.org") == want
    st, body = api.call("POST", "/api/v1/d/north/lists/news/remove", [("confirm", "news")])
    assert st == 200 and '"removed":"news"' in body.replace(" ", ""), body
    assert "news@north.example.org" not in transport(home)
    if POSTMAP.exists():
        assert query(home, "news@north.example.org") is None
    assert not [p.name for p in (home / "postfix").iterdir() if p.name.startswith(".")]


def test_api_remove_is_guarded(running, home, ctl):
    api = Api(running.http_port, ctl.json("token", "add", "cms", "--district", "north")["token"])
    before = transport(home)
    assert api.call("POST", "/api/v1/d/north/lists/staff/remove", [])[0] == 400
    assert api.call("POST", "/api/v1/d/north/lists/staff/remove", [("confirm", "STAFF")])[0] == 400
    # staff@ has members: force=yes is required.
    assert api.call("POST", "/api/v1/d/north/lists/staff/remove", [("confirm", "staff")])[0] == 403
    assert api.call("POST", "/api/v1/d/north/lists/staff/remove",
                    [("confirm", "staff"), ("force", "1")])[0] == 403
    assert api.call("POST", "/api/v1/d/north/lists/nope/remove", [("confirm", "nope")])[0] == 404
    south = Api(running.http_port, ctl.json("token", "add", "s", "--district", "south")["token"])
    assert south.call("POST", "/api/v1/d/north/lists/staff/remove",
                      [("confirm", "staff"), ("force", "yes")])[0] == 403
    assert transport(home) == before
    assert len(ctl.json("member", "list", "staff@north.example.org")) == 3
    st, body = api.call("POST", "/api/v1/d/north/lists/staff/remove",
                        [("confirm", "staff"), ("force", "yes")])
    assert st == 200 and '"members":3' in body.replace(" ", ""), body
    assert "staff@north.example.org" not in transport(home)
    assert "staff@south.example.org" in transport(home)


def test_web_pages_create_and_delete_rewrite_the_maps(running, home):
    from webtest import Web
    w = Web(running.http_port)
    assert w.login("north-admin").status == 303
    w.get("/admin/d/north/")
    r = w.post("/admin/d/north/lists", {"name": "parents", "kind": "discussion"})
    assert r.status == 303, r.text[:300]
    assert "parents-owner@north.example.org" in transport(home)
    w.get("/admin/d/north/lists/parents/delete")
    r = w.post("/admin/d/north/lists/parents/delete", {"confirm": "parents"})
    assert r.status == 303, r.text[:300]
    assert "parents@north.example.org" not in transport(home)


def test_parallel_creates_all_reach_the_map(running, home, ctl):
    api = Api(running.http_port, ctl.json("token", "add", "cms", "--site")["token"])
    names = [f"club{i}" for i in range(8)]
    results = []

    def create(n):
        results.append(api.call("POST", "/api/v1/d/north/lists", [("name", n)])[0])
    threads = [threading.Thread(target=create, args=(n,)) for n in names]
    for t in threads:
        t.start()
    for t in threads:
        t.join(60)
    assert results == [200] * len(names)
    text = transport(home)
    for n in names:
        assert f"{n}@north.example.org " in text
    if POSTMAP.exists():
        assert all(query(home, f"{n}-leave@north.example.org") for n in names)


def test_failing_postmap_keeps_the_list_and_the_old_maps(home, ctl, sink, tmp_path):
    bad = tmp_path / "postmap"
    bad.write_text("#!/bin/sh\nexit 3\n")
    bad.chmod(0o755)
    d = start_site(home, ctl, sink, f"[mta]\npostmap = {bad}\n")
    try:
        before = transport(home)
        api = Api(d.http_port, ctl.json("token", "add", "cms", "--district", "north")["token"])
        assert api.call("POST", "/api/v1/d/north/lists", [("name", "news")])[0] == 200
        assert transport(home) == before
        assert ctl.run("list", "show", "news@north.example.org")[0] == 0  # it stands
        wait_until(lambda: "mta maps not updated" in d.log.read_text(), 10, what="warning")
        assert not [p.name for p in (home / "postfix").iterdir() if p.name.startswith(".")]
    finally:
        d.stop()


def test_scheduled_generator_run_adds_roster_lists(ctl, home, sink, tmp_path):
    csv = tmp_path / "dir.csv"
    csv.write_text("id,address,name,role,active\n"
                   "1,t1@north.example.org,Teacher One,staff,yes\n"
                   "2,k1@north.example.org,Kid One,student,yes\n")
    ctl.run("district", "add", "north", "--domain", "north.example.org",
            "--name", "North", "--students-email", "yes", check=0)
    ctl.run("source", "set", "north", "--type", "csv", "--path", csv, check=0)
    assert "students@" not in transport(home)
    extra = "[listd]\ngenerate_at = 07:30\n"
    if POSTMAP.exists():
        extra += f"[mta]\npostmap = {POSTMAP}\n"
    d = Listd(home, sink.port, extra_conf=extra, env={"LISTD_NOW": "1800000000"}).start()
    try:
        wait_until(lambda: "students-request@north.example.org" in transport(home), 30,
                   what="the roster lists in the transport map")
        text = transport(home)
        for name in ("staff", "students", "all-accounts"):
            assert f"{name}@north.example.org lmtp:inet:127.0.0.1:{d.port}\n" in text
        if POSTMAP.exists():
            wait_until(lambda: query(home, "all-accounts@north.example.org"), 10,
                       what="postmap'd map")
    finally:
        d.stop()
