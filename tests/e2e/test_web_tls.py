"""test_web_tls.py - HTTPS through libmicrohttpd's GnuTLS support: with a
throwaway self-signed certificate made here by openssl, the login page is
fetched over TLS (verified against that certificate), the session cookie
carries Secure, HSTS is sent, plain HTTP to the TLS port fails cleanly,
and bad certificate or key settings stop listd at start with an error
naming the file."""
import http.client
import os
import re
import socket
import ssl
import subprocess
import urllib.parse

import pytest

from conftest import BIN
from mailtest import Listd
from webtest import PASSWORD, make_site


def make_cert(d, cn="127.0.0.1"):
    cert, key = d / "cert.pem", d / "key.pem"
    subprocess.run(["openssl", "req", "-x509", "-newkey", "rsa:2048", "-nodes",
                    "-keyout", key, "-out", cert, "-days", "2", "-subj", f"/CN={cn}",
                    "-addext", f"subjectAltName=IP:{cn}"],
                   check=True, capture_output=True, timeout=60)
    return cert, key


def tls_conf(cert, key):
    return f"tls_cert = {cert}\ntls_key = {key}\n"


@pytest.fixture
def tls_site(home, ctl, sink):
    cert, key = make_cert(home)
    d = make_site(home, ctl, sink.port)
    d.extra_conf = tls_conf(cert, key)
    d.start()
    yield d, cert
    d.stop()


def https(port, cert, method, path, body=None, headers=None):
    ctx = ssl.create_default_context(cafile=str(cert))
    c = http.client.HTTPSConnection("127.0.0.1", port, context=ctx, timeout=20)
    c.request(method, path, body=body, headers=headers or {})
    r = c.getresponse()
    out = (r.status, r.getheaders(), r.read().decode("utf-8", "replace"))
    c.close()
    return out


def test_login_over_https_sets_secure_cookies(tls_site):
    d, cert = tls_site
    st, headers, page = https(d.http_port, cert, "GET", "/login")
    assert st == 200 and "<form" in page
    h = dict(headers)
    assert h["Strict-Transport-Security"].startswith("max-age=")
    csrf_cookie = [v for k, v in headers if k == "Set-Cookie" and v.startswith("listd_csrf=")]
    assert csrf_cookie and "; Secure" in csrf_cookie[0] and "HttpOnly" in csrf_cookie[0]
    csrf = re.search(r'name="csrf" value="([a-z2-7]+)"', page).group(1)
    body = urllib.parse.urlencode({"username": "root", "password": PASSWORD, "csrf": csrf})
    st, headers, _ = https(d.http_port, cert, "POST", "/login", body,
                           {"Content-Type": "application/x-www-form-urlencoded",
                            "Cookie": csrf_cookie[0].split(";")[0]})
    assert st == 303
    sess = [v for k, v in headers if k == "Set-Cookie" and v.startswith("listd_session=")]
    assert sess, headers
    assert "; Secure" in sess[0] and "HttpOnly" in sess[0] and "SameSite=Strict" in sess[0]
    cookie = sess[0].split(";")[0]
    st, _, page = https(d.http_port, cert, "GET", "/admin/", headers={"Cookie": cookie})
    assert st == 200 and "root" in page


def test_wrong_certificate_is_refused_by_the_client(tls_site, tmp_path):
    d, _ = tls_site
    other, _ = make_cert(tmp_path)
    with pytest.raises(ssl.SSLError):
        https(d.http_port, other, "GET", "/login")


def test_plain_http_to_the_tls_port_fails_cleanly(tls_site):
    d, cert = tls_site
    s = socket.create_connection(("127.0.0.1", d.http_port), timeout=10)
    s.sendall(b"GET /login HTTP/1.1\r\nHost: x\r\n\r\n")
    got = b""
    try:
        while len(got) < 65536:
            chunk = s.recv(4096)
            if not chunk:
                break
            got += chunk
    except (ConnectionResetError, socket.timeout):
        pass
    s.close()
    assert b"<form" not in got and b"HTTP/1.1 200" not in got
    # The daemon is unharmed: TLS still works.
    assert https(d.http_port, cert, "GET", "/login")[0] == 200
    assert d.proc.poll() is None


@pytest.mark.parametrize("case", ["missing-cert", "missing-key", "garbage", "key-only",
                                  "mismatch"])
def test_bad_tls_settings_stop_listd_with_a_clear_error(home, ctl, sink, tmp_path, case):
    cert, key = make_cert(home)
    other_cert, other_key = make_cert(tmp_path)
    garbage = home / "garbage.pem"
    garbage.write_text("-----BEGIN CERTIFICATE-----\nnot base64\n")
    conf, expect = {
        "missing-cert": (tls_conf(home / "nope.pem", key), f"tls_cert={home}/nope.pem"),
        "missing-key": (tls_conf(cert, home / "nokey.pem"), f"tls_key={home}/nokey.pem"),
        "garbage": (tls_conf(garbage, key), "matching PEM certificate and key"),
        "key-only": (f"tls_key = {key}\n", "needs both tls_cert and tls_key"),
        "mismatch": (tls_conf(cert, other_key), "matching PEM certificate and key"),
    }[case]
    d = Listd(home, sink.port, http=True, extra_conf=conf)
    d.write_conf()
    env = dict(os.environ, LISTD_HOME=str(home))
    p = subprocess.run([str(BIN / "listd")], env=env, capture_output=True, timeout=30)
    err = p.stderr.decode()
    assert p.returncode != 0
    assert expect in err, err
    assert "cannot start the web interface" in err
    if case == "missing-cert":
        assert "No such file" in err
