"""test_web_only_http.py - `listd --only http` serves the web interface as a
process of its own (no LMTP listener), sharing the stores with listctl; and
the web interface stays off when [http] listen is empty."""
import socket

from webtest import make_site, Web, PASSWORD


def test_only_http_serves_pages_without_lmtp(home, ctl, sink):
    d = make_site(home, ctl, sink.port, args=("--only", "http"))
    d.start()
    try:
        assert Web(d.http_port).login("north-admin", PASSWORD).status == 303
        try:
            socket.create_connection(("127.0.0.1", d.port), timeout=1).close()
            lmtp_open = True
        except OSError:
            lmtp_open = False
        assert not lmtp_open
    finally:
        assert d.stop() == 0


def test_unknown_only_value_is_a_usage_error(home, ctl):
    import subprocess
    from conftest import BIN
    p = subprocess.run([str(BIN / "listd"), "--only", "smtp", "--home", str(home), "-n"],
                       capture_output=True)
    assert p.returncode == 64
