"""test_web_auth.py - signing in and out, password change, throttling of
failed sign-ins, session and CSRF handling, the security headers of every
answer, and hostile requests (paths leaving the served tree, oversized and
malformed bodies, wrong methods) against the real daemon."""
import socket

from webtest import PASSWORD, Web, site  # noqa: F401  (fixture)


def test_login_sets_a_strict_httponly_session_and_logout_ends_it(site):
    w = Web(site.port)
    w.get("/login")
    r = w.post("/login", {"username": "north-admin", "password": PASSWORD})
    assert r.status == 303 and r.header("Location") == "/admin/"
    sc = r.headers.get_all("Set-Cookie")
    sess = [c for c in sc if c.startswith("listd_session=")][0]
    assert "HttpOnly" in sess and "SameSite=Strict" in sess and "Secure" not in sess
    page = w.get("/admin/")
    assert page.status == 200 and "north" in page.text
    cookie = w.cookie("listd_session").value
    assert cookie not in (site.home / "site.db").read_bytes().decode("latin-1")
    assert w.post("/logout").status == 303
    assert w.get("/admin/").status == 303  # back to the sign-in page
    # The old cookie is dead on the server too.
    w2 = Web(site.port)
    r = w2.get("/admin/", headers={"Cookie": f"listd_session={cookie}"})
    assert r.status == 303


def test_wrong_password_and_unknown_user_look_the_same(site):
    w = Web(site.port)
    a = w.login("north-admin", "wrong-password")
    b = w.login("nobody", "wrong-password")
    assert a.status == b.status == 403
    assert "Wrong user name or password" in a.text and "Wrong user name or password" in b.text


def test_failed_logins_are_throttled_per_account(site):
    w = Web(site.port)
    for _ in range(5):
        assert w.login("south-admin", "guess-guess-guess").status == 403
    r = w.login("south-admin", PASSWORD)  # even the right password now waits
    assert r.status == 403 and "Too many failed sign-ins" in r.text
    # Another account from the same address is not locked by this one.
    assert Web(site.port).login("north-admin").status == 303


def test_failed_logins_are_throttled_per_address(site):
    for i in range(20):
        Web(site.port).login(f"user{i}", "guess-guess-guess")
    r = Web(site.port).login("north-admin")
    assert r.status == 403 and "Too many failed sign-ins" in r.text


def test_password_change_needs_the_current_one_and_signs_out_elsewhere(site):
    a, b = site.web("north-admin"), site.web("north-admin")
    r = a.post("/password", {"current": "nope", "new": "a-new-password-1", "again": "a-new-password-1"})
    assert r.status == 403
    r = a.post("/password", {"current": PASSWORD, "new": "short", "again": "short"})
    assert r.status == 400
    r = a.post("/password", {"current": PASSWORD, "new": "a-new-password-1", "again": "a-new-password-2"})
    assert r.status == 400
    r = a.post("/password", {"current": PASSWORD, "new": "a-new-password-1", "again": "a-new-password-1"})
    assert r.status == 200 and "Password changed" in r.text
    assert a.get("/admin/").status == 200      # this session was renewed
    assert b.get("/admin/").status == 303      # the other one ended
    assert Web(site.port).login("north-admin", "a-new-password-1").status == 303
    assert Web(site.port).login("north-admin", PASSWORD).status == 403


def test_post_without_or_with_a_foreign_csrf_token_is_refused(site, ctl):
    w = site.web("north-admin")
    r = w.post("/admin/d/north/lists", {"name": "sneaky", "kind": "discussion"}, csrf=False)
    assert r.status == 403 and "expired" in r.text
    other = site.web("south-admin")
    r = w.post("/admin/d/north/lists", [("name", "sneaky"), ("kind", "discussion"),
                                        ("csrf", other.csrf)], csrf=False)
    assert r.status == 403
    names = [x["name"] for x in ctl.json("list", "list", "--district", "north")]
    assert "sneaky" not in names


def test_every_answer_carries_the_security_headers(site):
    w = Web(site.port)
    for path in ("/", "/login", "/nope", "/d/north/", "/static/style.css"):
        r = w.get(path)
        csp = r.header("Content-Security-Policy")
        assert "default-src 'none'" in csp and "script-src" not in csp
        assert "frame-ancestors 'none'" in csp
        assert r.header("X-Frame-Options") == "DENY"
        assert r.header("X-Content-Type-Options") == "nosniff"


def raw_request(port, data):
    s = socket.create_connection(("127.0.0.1", port), timeout=10)
    s.sendall(data)
    out = b""
    while True:
        chunk = s.recv(65536)
        if not chunk:
            break
        out += chunk
        if b"\r\n\r\n" in out and len(out) > 200:
            break
    s.close()
    return out.decode("latin-1")


def test_paths_cannot_leave_the_served_tree(site):
    (site.home / "districts" / "north" / "html").mkdir(exist_ok=True)
    for path in ("/d/north/archive/staff/../../../../site.db",
                 "/d/north/archive/staff/%2e%2e/%2e%2e/district.db",
                 "/d/north/archive/staff/..%2f..%2fdistrict.db",
                 "/d/north/archive/staff/.%2e/x", "/d/north/archive/staff/a\\..\\b",
                 "/d/../d/north/", "/d/north/archive/staff/%00/x"):
        out = raw_request(site.port, f"GET {path} HTTP/1.0\r\n\r\n".encode())
        status = out.split(" ", 2)[1]
        assert status in ("400", "403", "404"), (path, out[:200])
        assert "SQLite format" not in out


def test_oversized_and_malformed_requests_get_clear_errors(site):
    w = site.web("north-admin")
    # A declared length past the bound is refused before the body is read.
    out = raw_request(site.port, b"POST /login HTTP/1.1\r\nHost: x\r\n"
                      b"Content-Type: application/x-www-form-urlencoded\r\n"
                      b"Content-Length: 3145728\r\n\r\nusername=")
    assert out.startswith("HTTP/1.1 413")
    # A chunked body (no length) is cut at the bound too.
    s = socket.create_connection(("127.0.0.1", site.port), timeout=20)
    s.sendall(b"POST /login HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n"
              b"Content-Type: application/x-www-form-urlencoded\r\n\r\n")
    chunk = b"a" * 65536
    try:
        for _ in range(40):
            s.sendall(b"10000\r\n" + chunk + b"\r\n")
        s.sendall(b"0\r\n\r\n")
    except OSError:
        pass
    assert s.recv(100).startswith(b"HTTP/1.1 413")
    s.close()
    r = w.request("POST", "/login", data=b"username=%ff%fe&password=x",
                  headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert r.status == 400
    r = w.request("DELETE", "/login")
    assert r.status == 400
    r = w.get("/" + "a/" * 600)
    assert r.status in (400, 404)
    out = raw_request(site.port, b"GET /login HTTP/1.1\r\nHost: x\r\n" +
                      b"X-Long: " + b"a" * 300000 + b"\r\n\r\n")
    assert out.startswith("HTTP/1.1 4") or out == ""
    assert w.get("/admin/").status == 200   # the server is still there
