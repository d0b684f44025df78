"""test_web_authz.py - authorisation is decided in one place, and this test
walks every route of web/route.c's table (read from the source, so a new
route is walked without editing this file) for every role of district
south against district north, and expects refusal; then the same walk as
north's administrator expects no refusal on the pages."""
import re
from pathlib import Path

from webtest import Api, site  # noqa: F401  (fixture)

ROUTE_C = Path(__file__).resolve().parents[2] / "web" / "route.c"
MACROS = {"D": "/d/{d}", "AD": "/admin/d/{d}", "AL": "/admin/d/{d}/lists/{l}",
          "API": "/api/v1/d/{d}"}


def routes():
    src = ROUTE_C.read_text()
    table = src[src.index("static const struct route routes[]"):]
    table = table[:table.index("};")]
    out = []
    for m in re.finditer(r'\{\s*"(GET|POST)",\s*((?:[A-Z]+\s+)?"[^"]*"),\s*(NEED_[A-Z_]+)', table):
        method, pat, need = m.groups()
        parts = pat.split()
        path = (MACROS[parts[0]] + parts[1].strip('"')) if len(parts) == 2 else parts[0].strip('"')
        out.append((method, path, need))
    assert len(out) >= 40, out
    return out


def concrete(path):
    return (path.replace("{d}", "north").replace("{l}", "staff")
            .replace("{**}", "index.html").replace("{*}", "a" * 32))


def refuse(resp, anonymous):
    if anonymous and resp.status == 303:
        return resp.header("Location") == "/login"
    return resp.status == 403


def test_every_route_refuses_other_districts_roles(site, ctl):
    ctl.run("list", "set", "staff@north.example.org", "--archive", "private", check=0)
    south_token = site.token("--district", "south")
    clients = {"anonymous": site.web(), "south-admin": site.web("south-admin"),
               "south-owner": site.web("south-owner"), "south-mod": site.web("south-mod")}
    walked = 0
    for method, pattern, need in routes():
        if need == "NEED_PUBLIC" or need == "NEED_LOGIN":
            continue
        path = concrete(pattern)
        if need == "NEED_METRICS":
            # Loopback may read it (the walker is on loopback); through a
            # proxy, no session and no district token may.
            via_proxy = {"X-Forwarded-For": "203.0.113.9"}
            for who, w in clients.items():
                assert w.get(path, headers=via_proxy).status == 403, (who, pattern)
            h = dict(via_proxy, Authorization=f"Bearer {south_token}")
            assert clients["anonymous"].get(path, headers=h).status == 403, pattern
            walked += 1
            continue
        if need.startswith("NEED_API"):
            api = Api(site.port, south_token)
            st, body = api.call(method, path, [] if method == "POST" else None)
            assert st == 403, (pattern, st, body)
            for who, w in clients.items():  # a session is no API credential
                r = w.post(path, {"x": "1"}) if method == "POST" else w.get(path)
                assert r.status == 403, (who, pattern, r.status)
            walked += 1
            continue
        for who, w in clients.items():
            r = w.post(path, {"x": "1"}) if method == "POST" else w.get(path)
            assert refuse(r, who == "anonymous"), (who, method, pattern, r.status, r.text[:300])
        walked += 1
    assert walked >= 25
    # Nothing in north changed: its list and members are intact.
    assert len(ctl.json("member", "list", "staff@north.example.org")) == 3


def test_site_token_and_own_district_are_allowed(site, ctl):
    north_admin = site.web("north-admin")
    for method, pattern, need in routes():
        if method != "GET" or need.startswith("NEED_API") or need == "NEED_SITE":
            continue
        path = concrete(pattern)
        if "{*}" in pattern:
            continue
        r = north_admin.get(path)
        assert r.status != 403, (pattern, r.status)
    api = Api(site.port, site.token("--district", "north"))
    for method, pattern, need in routes():
        if method == "GET" and need == "NEED_API_DISTRICT":
            st, _ = api.call("GET", concrete(pattern))
            assert st == 200, pattern
    st, _ = api.call("GET", "/api/v1/districts")
    assert st == 403  # a district token does not see the site
    st, body = Api(site.port, site.token("--site")).call("GET", "/api/v1/districts")
    assert st == 200 and "south" in body


def test_owner_and_moderator_reach_only_their_level(site):
    owner = site.web("north-owner")
    mod = site.web("north-mod")
    assert owner.get("/admin/d/north/lists/staff/members").status == 200
    assert owner.get("/admin/d/north/lists/staff/held").status == 200
    assert owner.get("/admin/d/north/").status == 403          # not a district admin
    assert owner.get("/admin/d/north/lists/staff/delete").status == 403
    assert mod.get("/admin/d/north/lists/staff/held").status == 200
    assert mod.get("/admin/d/north/lists/staff/members").status == 403
    assert mod.get("/admin/d/north/lists/staff/").status == 403
    assert mod.get("/admin/audit").status == 403
    assert site.web("root").get("/admin/audit").status == 200
