"""test_web_admin.py - the administration pages against the real daemon:
dashboard, creating, editing and deleting lists, members (search, pages,
add, change, remove, CSV import with per-line errors, export), branding
applied to the district's pages, and the audit log; each with hostile
input beside the happy path."""
import re

from webtest import site  # noqa: F401  (fixture)

AL = "/admin/d/north/lists"


def members(ctl, lst="staff@north.example.org"):
    return {m["address"]: m for m in ctl.json("member", "list", lst)}


def test_dashboard_shows_lists_counts_and_generator(site):
    r = site.web("north-admin").get("/admin/d/north/")
    assert r.status == 200
    row = re.search(r"<tr><td><a href=\"/admin/d/north/lists/staff/\">staff</a>.*?</tr>", r.text)
    assert row and ">3</a>" in row.group(0)
    assert "No generator run yet" in r.text
    assert "south" not in r.text.replace("South District", "")


def test_create_edit_and_delete_a_list(site, ctl):
    w = site.web("north-admin")
    r = w.post("/admin/d/north/lists", {"name": "news", "kind": "announcement",
                                        "description": "News <b>&</b>"})
    assert r.status == 303 and r.header("Location") == f"{AL}/news/"
    page = w.get(f"{AL}/news/")
    assert "News &lt;b&gt;&amp;&lt;/b&gt;" in page.text
    r = w.post(f"{AL}/news/", {"policy": "moderated", "subscribe": "approve",
                              "archive": "public", "subject_prefix": "[news]",
                              "footer": "Bye\nnow", "max_size": "100000"})
    assert r.status == 303
    got = ctl.json("list", "show", "news@north.example.org")
    assert got["policy"] == "moderated" and got["subscribe"] == "approve"
    assert got["subject_prefix"] == "[news]" and got["max_size"] == 100000
    # Deleting asks for the name first.
    assert w.post(f"{AL}/news/delete", {"confirm": "wrong"}).status == 400
    assert ctl.run("list", "show", "news@north.example.org")[0] == 0
    assert w.post(f"{AL}/news/delete", {"confirm": "news"}).status == 303
    assert ctl.run("list", "show", "news@north.example.org")[0] == 67


def test_hostile_list_input_is_refused_and_changes_nothing(site, ctl):
    w = site.web("north-admin")
    for name in ("", "a b", "x-request", "../etc", "<script>", "a" * 80):
        r = w.post("/admin/d/north/lists", {"name": name, "kind": "discussion"})
        assert r.status == 400, name
    assert w.post("/admin/d/north/lists", {"name": "ok", "kind": "roster"}).status == 400
    assert w.post("/admin/d/north/lists", {"name": "staff", "kind": "discussion"}).status == 409
    before = ctl.json("list", "show", "staff@north.example.org")
    for field, value in (("policy", "everyone"), ("subject_prefix", "a\rb"),
                         ("max_size", "-1"), ("max_size", "1e9x"), ("archive", "yes"),
                         ("footer", "x" * 3000), ("description", "\x01")):
        r = w.post(f"{AL}/staff/", {field: value})
        assert r.status == 400, field
    assert ctl.json("list", "show", "staff@north.example.org") == before


def test_members_add_search_page_change_remove(site, ctl):
    w = site.web("north-owner")
    r = w.post(f"{AL}/staff/members/add", {"address": "New.Person@Example.ORG",
                                          "name": "New <Person>", "mode": "digest"})
    assert r.status == 303
    m = members(ctl)
    assert m["New.Person@example.org"]["mode"] == "digest"
    assert w.post(f"{AL}/staff/members/add", {"address": "new.person@example.org"}).status == 409
    for bad in ("nope", "a@", "x@y\r\nBcc: z@w", "<script>@x.org"):
        assert w.post(f"{AL}/staff/members/add", {"address": bad}).status == 400, bad
    assert w.post(f"{AL}/staff/members/add", {"address": "z@x.org", "mode": "weekly"}).status == 400
    page = w.get(f"{AL}/staff/members?q=new.person")
    assert "New &lt;Person&gt;" in page.text and "1 members match" in page.text
    for i in range(60):
        ctl.run("member", "add", "staff@north.example.org", f"p{i:02}@example.com", check=0)
    p1 = w.get(f"{AL}/staff/members")
    assert "page 1 of 2" in p1.text and "?page=2" in p1.text
    p2 = w.get(f"{AL}/staff/members?page=2")
    assert "page 2 of 2" in p2.text
    assert w.get(f"{AL}/staff/members?page=-5").status == 200
    r = w.post(f"{AL}/staff/members/change", {"address": "p01@example.com", "mode": "nomail",
                                             "role": "moderator", "do": "change"})
    assert r.status == 303
    assert members(ctl)["p01@example.com"]["mode"] == "nomail"
    assert w.post(f"{AL}/staff/members/change", {"address": "p02@example.com",
                                                "do": "remove"}).status == 303
    assert "p02@example.com" not in members(ctl)
    assert w.post(f"{AL}/staff/members/change", {"address": "ghost@example.com",
                                                "do": "remove"}).status == 404
    assert w.post(f"{AL}/staff/members/change", {"address": "p03@example.com",
                                                "do": "explode"}).status == 400


def test_csv_import_reports_each_bad_line_and_export_round_trips(site, ctl):
    w = site.web("north-admin")
    csv = ("address,name,mode\n"
           "one@example.org,One,regular\n"
           "not-an-address,Bad,regular\n"
           "two@example.org,\"Two, Jr.\",digest\n"
           "three@example.org,Three,sometimes\n"
           "\"unterminated@example.org,x\n")
    r = w.post(f"{AL}/staff/members/import", {"csv": csv})
    assert r.status == 200
    assert "2 added" in r.text
    assert "line 3:" in r.text and "line 5:" in r.text
    m = members(ctl)
    assert "one@example.org" in m and m["two@example.org"]["name"] == "Two, Jr."
    r = w.post(f"{AL}/staff/members/import", {"csv": "name\nx\n"})
    assert "header row" in r.text
    exp = w.get(f"{AL}/staff/members/export")
    assert exp.status == 200 and exp.header("Content-Type").startswith("text/csv")
    assert "attachment" in exp.header("Content-Disposition")
    assert '"Two, Jr."' in exp.text and exp.text.startswith("address,name,mode,role")


def test_branding_applies_to_every_page_of_the_district(site):
    w = site.web("north-admin")
    r = w.post("/admin/d/north/branding", {"name": "North Schools", "logo": "/logo.png",
                                           "accent": "#aa0000", "background": "#fffff0"})
    assert r.status == 303
    pub = site.web()
    for path in ("/d/north/", "/d/north/lists/staff/"):
        page = pub.get(path)
        assert "North Schools" in page.text and 'src="/logo.png"' in page.text
        assert 'href="/d/north/style.css"' in page.text
    css = pub.get("/d/north/style.css").text
    assert "--accent:#aa0000" in css and "--bg:#fffff0" in css
    assert "aa0000" not in pub.get("/d/south/style.css").text
    for bad in ({"logo": "javascript:alert(1)"}, {"logo": "mailto:x@y"},
                {"accent": "red;}body{x:y"}, {"background": "#12345"}, {"name": ""},
                {"name": "a\nb"}):
        fields = {"name": "N", "logo": "", "accent": "#000000", "background": "#ffffff"}
        fields.update(bad)
        assert w.post("/admin/d/north/branding", fields).status == 400, bad
    assert "North Schools" in pub.get("/d/north/").text


def test_every_change_lands_in_the_audit_log(site):
    w = site.web("north-admin")
    w.post("/admin/d/north/lists", {"name": "audited", "kind": "discussion"})
    w.post(f"{AL}/audited/members/add", {"address": "a@example.org"})
    log = site.web("root").get("/admin/audit").text
    assert "web:north-admin" in log and "list.create" in log and "member.add" in log
