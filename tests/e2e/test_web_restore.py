"""test_web_restore.py - a district restored from a backup while listd runs
is what the web shows next, without a restart: the web's per-thread store
handles (web/storecache.c) notice the database file was replaced and
reopen it; the same for a district removed while cached."""
import re

from webtest import site  # noqa: F401  (fixture)


def dashboard_lists(w, slug="north"):
    r = w.get(f"/admin/d/{slug}/")
    assert r.status == 200, r.text[:300]
    return set(re.findall(r'href="/admin/d/%s/lists/([a-z0-9-]+)/"' % slug, r.text))


def test_restored_snapshot_is_served_without_restart(site, ctl, tmp_path):
    w = site.web("north-admin")
    snap_a = tmp_path / "a.tar"
    ctl.run("district", "backup", "north", snap_a, check=0)
    # After snapshot A: a new list and a changed description.
    assert w.post("/admin/d/north/lists", {"name": "later", "kind": "discussion"}).status == 303
    ctl.run("list", "set", "staff@north.example.org", "--description", "changed", check=0)
    snap_b = tmp_path / "b.tar"
    ctl.run("district", "backup", "north", snap_b, check=0)
    for _ in range(6):  # every web thread has the district cached now
        assert dashboard_lists(w) == {"staff", "later"}
    # Restore A in place of the running district.
    ctl.run("district", "remove", "north", "--force", check=0)
    for _ in range(6):
        assert w.get("/admin/d/north/").status == 404
    ctl.run("district", "restore", snap_a, check=0)
    for _ in range(8):
        assert dashboard_lists(w) == {"staff"}
        assert "changed" not in w.get("/admin/d/north/").text
    # Writes go to the restored file, not the old one.
    assert w.post("/admin/d/north/lists", {"name": "after", "kind": "discussion"}).status == 303
    assert "after@north.example.org" in ctl.run("list", "list", "--district", "north")[1]
    # And a different snapshot again.
    ctl.run("district", "remove", "north", "--force", check=0)
    ctl.run("district", "restore", snap_b, check=0)
    for _ in range(8):
        assert dashboard_lists(w) == {"staff", "later"}
    assert site.listd.proc.poll() is None


def test_archive_made_private_is_refused_at_once(site, ctl):
    """The rows behind a path are cached per thread (web/resolvecache.c);
    a change committed by listctl is seen by the very next request."""
    pub = site.web()
    path = "/d/north/archive/staff/index.html"
    for _ in range(3):
        ctl.run("list", "set", "staff@north.example.org", "--archive", "public", check=0)
        for _ in range(6):
            assert pub.get(path).status != 403
        ctl.run("list", "set", "staff@north.example.org", "--archive", "private", check=0)
        for _ in range(6):
            assert pub.get(path).status == 403
    # A renamed domain shows at once on the directory page too.
    ctl.run("district", "set", "north", "--domain", "north.example.net", check=0)
    assert "north.example.net" in pub.get("/d/north/").text
