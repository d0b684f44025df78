"""webtest.py - helpers for the web interface's end-to-end tests: an HTTP
client with a cookie jar that never follows redirects on its own and keeps
the CSRF token of the last page, and a fixture that starts the real daemon
with its web interface on two districts (north, south) with accounts of
every role."""
import base64
import hashlib
import hmac
import http.cookiejar
import re
import urllib.error
import urllib.parse
import urllib.request

import pytest

from mailtest import Listd

PASSWORD = "correct-horse-battery"


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kw):
        return None


class Resp:
    def __init__(self, status, headers, body):
        self.status = status
        self.headers = headers
        self.raw = body
        self.text = body.decode("utf-8", "replace")

    def header(self, name):
        return self.headers.get(name)


class Web:
    """One browser-like client: its own cookies and CSRF token."""

    def __init__(self, port):
        self.base = f"http://127.0.0.1:{port}"
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(
            urllib.request.HTTPCookieProcessor(self.jar), NoRedirect)
        self.csrf = None

    def request(self, method, path, data=None, headers=None):
        req = urllib.request.Request(self.base + path, data=data, method=method,
                                     headers=headers or {})
        try:
            r = self.opener.open(req, timeout=30)
            resp = Resp(r.status, r.headers, r.read())
        except urllib.error.HTTPError as e:
            resp = Resp(e.code, e.headers, e.read())
        m = re.search(r'name="csrf" value="([a-z2-7]+)"', resp.text)
        if m:
            self.csrf = m.group(1)
        return resp

    def get(self, path, **kw):
        return self.request("GET", path, **kw)

    def post(self, path, fields=(), csrf=True, headers=None):
        fields = list(fields.items()) if isinstance(fields, dict) else list(fields)
        if csrf:
            if self.csrf is None:
                self.get("/login")
            fields.append(("csrf", self.csrf))
        body = urllib.parse.urlencode(fields).encode()
        h = {"Content-Type": "application/x-www-form-urlencoded"}
        h.update(headers or {})
        return self.request("POST", path, data=body, headers=h)

    def login(self, user, password=PASSWORD):
        self.get("/login")
        r = self.post("/login", {"username": user, "password": password})
        if r.status == 303:
            self.get("/admin/")  # picks up the session's CSRF token
        return r

    def cookie(self, name):
        for c in self.jar:
            if c.name == name:
                return c
        return None


class Api:
    def __init__(self, port, token):
        self.base = f"http://127.0.0.1:{port}"
        self.token = token

    def call(self, method, path, fields=None):
        data = urllib.parse.urlencode(fields or []).encode() if fields is not None else None
        h = {"Authorization": f"Bearer {self.token}"} if self.token else {}
        if data is not None:
            h["Content-Type"] = "application/x-www-form-urlencoded"
        req = urllib.request.Request(self.base + path, data=data, method=method, headers=h)
        try:
            r = urllib.request.urlopen(req, timeout=30)
            return r.status, r.read().decode()
        except urllib.error.HTTPError as e:
            return e.code, e.read().decode()


def unsub_sig(home, slug, lst, address):
    """The RFC 8058 link signature, computed as core/unsub.c does."""
    key = (home / "secret.key").read_bytes()
    payload = f"unsub:{slug}:{lst}:{address.lower()}".encode()
    digest = hmac.new(key, payload, hashlib.sha256).digest()[:16]
    return base64.b32encode(digest).decode().lower().rstrip("=")


class Site:
    def __init__(self, home, ctl, listd):
        self.home = home
        self.ctl = ctl
        self.listd = listd
        self.port = listd.http_port

    def web(self, user=None):
        w = Web(self.port)
        if user:
            r = w.login(user)
            assert r.status == 303, r.text
        return w

    def token(self, *scope):
        return self.ctl.json("token", "add", "t", *scope)["token"]


def make_site(home, ctl, sink_port, args=()):
    pw = home / "pw.txt"
    pw.write_text(PASSWORD + "\n")
    for slug in ("north", "south"):
        ctl.run("district", "add", slug, "--domain", f"{slug}.example.org",
                "--name", f"{slug.title()} District", check=0)
        ctl.run("list", "create", f"staff@{slug}.example.org", "--kind", "discussion",
                "--description", f"{slug} staff", check=0)
        ctl.run("member", "add", f"staff@{slug}.example.org", f"alice@{slug}.example.net", check=0)
        ctl.run("member", "add", f"staff@{slug}.example.org", f"owner@{slug}.example.org",
                "--role", "owner", check=0)
        ctl.run("member", "add", f"staff@{slug}.example.org", f"mod@{slug}.example.org",
                "--role", "moderator", check=0)
        ctl.run("admin", "add", f"{slug}-admin", "--district", slug, "--password-file", pw, check=0)
        ctl.run("admin", "add", f"{slug}-owner", "--email", f"owner@{slug}.example.org",
                "--password-file", pw, check=0)
        ctl.run("admin", "add", f"{slug}-mod", "--email", f"mod@{slug}.example.org",
                "--password-file", pw, check=0)
    ctl.run("admin", "add", "root", "--site", "--password-file", pw, check=0)
    d = Listd(home, sink_port, http=True, args=args)
    return d


@pytest.fixture
def site(home, ctl, sink):
    d = make_site(home, ctl, sink.port)
    d.start()
    yield Site(home, ctl, d)
    d.stop()
