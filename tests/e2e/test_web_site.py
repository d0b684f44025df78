"""test_web_site.py - the site administrator's pages against the real
daemon: districts (list, create, edit, delete with confirmation), their
administrators (add with a given or generated password, reset, remove) and
API tokens (create shown once, list, revoke), each change in the audit log;
with hostile input beside each happy path (bad slugs, duplicate domains,
missing CSRF, over-long fields, other roles)."""
import re

from webtest import PASSWORD, Api, Web, site  # noqa: F401  (fixture)


def districts(ctl):
    return {d["slug"]: d for d in ctl.json("district", "list")}


def secret(page):
    m = re.search(r'<code class="secret">([^<]+)</code>', page.text)
    assert m, page.text[:800]
    return m.group(1)


def test_site_admin_creates_edits_and_deletes_a_district(site, ctl):
    w = site.web("root")
    r = w.get("/admin/districts")
    assert r.status == 200 and "north.example.org" in r.text
    r = w.post("/admin/districts", {"slug": "east", "name": "East <b>District</b>",
                                    "domain": "East.Example.ORG", "students_email": "yes"})
    assert r.status == 303 and r.header("Location") == "/admin/districts/east"
    d = districts(ctl)["east"]
    assert d["domain"] == "east.example.org" and d["students_have_email"]
    assert d["name"] == "East <b>District</b>"
    page = w.get("/admin/districts/east")
    assert "East &lt;b&gt;District&lt;/b&gt;" in page.text
    assert (site.home / "districts" / "east" / "district.db").exists()
    domains = site.home / "postfix" / "listd_domains"
    assert "east.example.org" in domains.read_text()  # Postfix follows
    # Edit: name, domain, students email off (checkbox absent), report-to.
    r = w.post("/admin/districts/east", {"name": "East Schools", "domain": "east.example.net",
                                         "report_to": "it@east.example.net, boss@east.example.net"})
    assert r.status == 303
    d = districts(ctl)["east"]
    assert d == {**d, "name": "East Schools", "domain": "east.example.net",
                 "students_have_email": False}
    assert "boss@east.example.net" in w.get("/admin/districts/east").text
    assert "east.example.net" in domains.read_text()
    assert "east.example.org" not in domains.read_text()
    # The mail side sees the new domain at once (listctl resolves by it).
    ctl.run("list", "create", "news@east.example.net", check=0)
    # Delete: wrong confirmation, then lists refuse without force.
    assert w.post("/admin/districts/east/delete", {"confirm": "west"}).status == 400
    r = w.post("/admin/districts/east/delete", {"confirm": "east"})
    assert r.status == 400 and "1 lists" in r.text
    assert "east" in districts(ctl)
    r = w.post("/admin/districts/east/delete", {"confirm": "east", "force": "yes"})
    assert r.status == 303 and r.header("Location") == "/admin/districts"
    assert "east" not in districts(ctl)
    assert list((site.home / "removed").glob("east-*"))
    assert "east.example.net" not in domains.read_text()
    assert w.get("/admin/districts/east").status == 404
    log = w.get("/admin/audit").text
    for action in ("district.add", "district.set", "district.remove"):
        assert action in log, action


def test_hostile_district_input_is_refused_and_changes_nothing(site, ctl):
    w = site.web("root")
    before = districts(ctl)
    for slug in ("../x", "..", "a/b", "-x", "X", "a b", "<script>", "a" * 64, "", "x%00"):
        r = w.post("/admin/districts", {"slug": slug, "name": "N", "domain": "x.example.org"})
        assert r.status == 400, slug
    for domain in ("", "no dots here!", "a..b", "x.example.org\r\nBcc: y", "a" * 300 + ".org",
                   "<script>.org"):
        r = w.post("/admin/districts", {"slug": "ok", "name": "N", "domain": domain})
        assert r.status == 400, domain
    for name in ("", "a\nb", "\x01", "n" * 201):
        r = w.post("/admin/districts", {"slug": "ok", "name": name, "domain": "ok.example.org"})
        assert r.status == 400, repr(name)
    r = w.post("/admin/districts", {"slug": "ok", "name": "N", "domain": "x.example.org",
                                    "students_email": "maybe"})
    assert r.status == 400
    # Duplicate slug or domain (any case): 409, nothing changed.
    r = w.post("/admin/districts", {"slug": "north", "name": "N", "domain": "new.example.org"})
    assert r.status == 409
    r = w.post("/admin/districts", {"slug": "other", "name": "N", "domain": "NORTH.example.org"})
    assert r.status == 409
    r = w.post("/admin/districts/south", {"name": "S", "domain": "north.example.org"})
    assert r.status == 409
    w.post("/admin/districts/south", {"name": "South District", "domain": "south.example.org",
                                      "report_to": "it@south.example.org"})
    before = districts(ctl)
    r = w.post("/admin/districts/south", {"name": "S", "domain": "north.example.org",
                                          "report_to": "new@south.example.org"})
    assert r.status == 409
    assert "it@south.example.org" in w.get("/admin/districts/south").text
    for bad in ({"name": "S", "domain": "south.example.org", "report_to": "not an address"},
                {"name": "S", "domain": "south.example.org", "report_to": "a@b.org," * 200},
                {"name": "", "domain": "south.example.org"}, {"domain": "south.example.org"}):
        assert w.post("/admin/districts/south", bad).status == 400, bad
    # No CSRF token, or a wrong one: refused.
    assert w.post("/admin/districts", {"slug": "nocsrf", "name": "N",
                                       "domain": "nocsrf.example.org"}, csrf=False).status == 403
    assert w.post("/admin/districts", [("slug", "badcsrf"), ("name", "N"),
                                       ("domain", "badcsrf.example.org"), ("csrf", "a" * 32)],
                  csrf=False).status == 403
    # Over-long fields (the body limit itself is test_web_auth's).
    r = w.post("/admin/districts", {"slug": "big", "name": "x" * 100000, "domain": "b.org"})
    assert r.status == 400
    r = w.post("/admin/districts", {"slug": "s" * 5000, "name": "N", "domain": "b.org"})
    assert r.status == 400
    assert w.get("/admin/districts/..%2Fsouth").status in (400, 404)
    assert districts(ctl) == before


def test_district_administrators_add_reset_remove(site, ctl):
    w = site.web("root")
    r = w.post("/admin/districts/north/admins", {"user": "n2", "email": "n2@north.example.org",
                                                 "password": "long-enough-pw"})
    assert r.status == 303
    assert "n2" in w.get("/admin/districts/north").text
    n2 = Web(site.port)
    assert n2.login("n2", "long-enough-pw").status == 303
    assert n2.get("/admin/d/north/").status == 200
    assert n2.get("/admin/d/south/").status == 403
    # Generated password, shown once.
    page = w.post("/admin/districts/north/admins", {"user": "n3", "password": ""})
    assert page.status == 200
    pw3 = secret(page)
    assert len(pw3) == 20
    assert Web(site.port).login("n3", pw3).status == 303
    # Reset: new password works, old one and its sessions do not.
    page = w.post("/admin/districts/north/admins/password", {"user": "n2"})
    assert page.status == 200
    new = secret(page)
    assert n2.get("/admin/d/north/").status in (303, 403)
    assert Web(site.port).login("n2", "long-enough-pw").status != 303
    assert Web(site.port).login("n2", new).status == 303
    # Remove n3 (no email, no other district): the account goes.
    assert w.post("/admin/districts/north/admins/remove", {"user": "n3"}).status == 303
    assert "n3" not in [a["username"] for a in ctl.json("admin", "list")]
    # Remove n2 (has an email, may own lists): only the role goes.
    assert w.post("/admin/districts/north/admins/remove", {"user": "n2"}).status == 303
    acc = {a["username"]: a for a in ctl.json("admin", "list")}
    assert acc["n2"]["districts"] == ""
    log = w.get("/admin/audit").text
    for action in ("admin.add", "admin.password", "admin.remove"):
        assert action in log, action


def test_hostile_administrator_input(site, ctl):
    w = site.web("root")
    before = ctl.json("admin", "list")
    for user in ("", "a b", "<script>", "x" * 65, "../x", "a\nb"):
        r = w.post("/admin/districts/north/admins", {"user": user, "password": "long-enough-pw"})
        assert r.status == 400, user
    for pw in ("short", "x" * 300, "line\nbreak-pw"):
        r = w.post("/admin/districts/north/admins", {"user": "ok", "password": pw})
        assert r.status == 400, pw
    r = w.post("/admin/districts/north/admins", {"user": "ok", "email": "not-an-address",
                                                 "password": "long-enough-pw"})
    assert r.status == 400
    r = w.post("/admin/districts/north/admins", {"user": "south-admin", "password": "long-enough-pw"})
    assert r.status == 409
    # An administrator of another district is not removable or resettable here.
    assert w.post("/admin/districts/north/admins/remove", {"user": "south-admin"}).status == 404
    assert w.post("/admin/districts/north/admins/password", {"user": "south-admin"}).status == 404
    assert w.post("/admin/districts/north/admins/remove", {"user": "../root"}).status == 404
    assert w.post("/admin/districts/north/admins", {"user": "ok2", "password": "long-enough-pw"},
                  csrf=False).status == 403
    assert ctl.json("admin", "list") == before
    assert Web(site.port).login("south-admin").status == 303


def test_api_tokens_create_list_revoke(site, ctl):
    w = site.web("root")
    page = w.post("/admin/tokens", {"name": "sis <sync>", "district": "north"})
    assert page.status == 200
    tok = secret(page)
    api = Api(site.port, tok)
    assert api.call("GET", "/api/v1/d/north/lists")[0] == 200
    assert api.call("GET", "/api/v1/d/south/lists")[0] == 403
    listing = w.get("/admin/tokens").text
    assert "sis &lt;sync&gt;" in listing and tok not in listing
    row = re.search(r"<tr><td>(\d+)</td><td>sis &lt;sync&gt;</td><td>north</td>.*?</tr>", listing)
    assert row and "never" not in row.group(0).split("</td>")[4]   # last used is set
    assert w.post("/admin/tokens/revoke", {"id": row.group(1)}).status == 303
    assert api.call("GET", "/api/v1/d/north/lists")[0] == 403
    assert "revoked" in w.get("/admin/tokens").text
    site_tok = secret(w.post("/admin/tokens", {"name": "all", "district": ""}))
    assert Api(site.port, site_tok).call("GET", "/api/v1/districts")[0] == 200
    for bad in ({"name": "", "district": ""}, {"name": "x" * 201, "district": ""},
                {"name": "a\rb", "district": ""}, {"name": "t", "district": "../north"},
                {"name": "t", "district": "nosuch"}):
        assert w.post("/admin/tokens", bad).status == 400, bad
    for bad in ("", "x", "-1", "0", "1e3", "99999"):
        assert w.post("/admin/tokens/revoke", {"id": bad}).status in (400, 404), bad
    assert w.post("/admin/tokens", {"name": "nocsrf", "district": ""}, csrf=False).status == 403
    log = w.get("/admin/audit").text
    assert "token.add" in log and "token.revoke" in log


def test_only_the_site_admin_reaches_site_pages(site):
    for user in ("north-admin", "north-owner", "north-mod"):
        w = site.web(user)
        for path in ("/admin/districts", "/admin/districts/north", "/admin/tokens",
                     "/admin/districts/north/delete"):
            assert w.get(path).status == 403, (user, path)
        assert w.post("/admin/districts", {"slug": "evil", "name": "E",
                                           "domain": "evil.example.org"}).status == 403
        assert w.post("/admin/districts/north/admins", {"user": "evil",
                                                        "password": PASSWORD}).status == 403
    assert Web(site.port).get("/admin/districts").status == 303
