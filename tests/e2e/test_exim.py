"""test_exim.py - contrib/exim-router.conf in a real, private Exim
(tests/e2e/exim.py: own configuration, spool and log, loopback SMTP on a
free port): a post sent to Exim by SMTP reaches listd over LMTP through
the router and the generated maps and goes out to the sink; a -request
address with a +suffix is routed too; an unknown list, and another
domain, are refused at RCPT time (no backscatter). Skipped, with the
reason, only when no exim4 binary can be found or run."""
import os
import shutil
import smtplib
import stat
import tempfile
from pathlib import Path

import pytest

import exim
from mailtest import Listd, message, posts, wait_until

WHY = exim.unavailable()
pytestmark = pytest.mark.skipif(WHY is not None, reason=WHY or "")
LIST = "staff@north.example.org"


def exim_gid():
    return exim.pwd.getpwnam("Debian-exim" if exim.has_user("Debian-exim")
                             else "nobody").pw_gid


@pytest.fixture
def shared_dir():
    """Maps and LMTP socket where Exim's user may reach them (pytest's
    tmp_path is 0700): a 0755 directory with maps/ (setgid, so each
    rewritten map keeps the group) and run/, both of Exim's group, as
    "adduser Debian-exim listd" arranges on a real host. Nothing is
    world-readable."""
    base = Path(tempfile.mkdtemp(prefix="listd-exim-shared-"))
    base.chmod(0o755)
    for name, mode in (("maps", 0o2750), ("run", 0o750)):
        (base / name).mkdir()
        os.chown(base / name, -1, exim_gid())
        os.chmod(base / name, mode)
    yield base
    shutil.rmtree(base, ignore_errors=True)


@pytest.fixture
def stack(ctl, home, sink, shared_dir):
    sock = shared_dir / "run" / "lmtp.sock"
    conf = f"[lmtp]\nsocket = {sock}\n[mta]\npostfix_dir = {shared_dir / 'maps'}\n"
    (home / "listd.conf").write_text(conf)
    ctl.run("district", "add", "north", "--domain", "north.example.org",
            "--name", "North", check=0)
    ctl.run("list", "create", LIST, "--kind", "discussion", check=0)
    for a in ("alice@example.net", "bob@example.com"):
        ctl.run("member", "add", LIST, a, check=0)
    assert os.stat(shared_dir / "maps" / "listd_domains").st_gid == exim_gid()
    d = Listd(home, sink.port, extra_conf=conf)
    d.start()
    wait_until(sock.exists, 10, what="the LMTP socket")
    os.chown(sock, -1, exim_gid())
    assert stat.S_IMODE(os.stat(sock).st_mode) == 0o660
    x = exim.Exim(shared_dir / "maps", sock)
    try:
        x.start()
        yield d, x
    finally:
        x.stop()
        d.stop()


def test_contrib_router_parses(ctl, home, tmp_path):
    ctl.run("district", "add", "north", "--domain", "north.example.org",
            "--name", "North", check=0)
    x = exim.Exim(home / "postfix", tmp_path / "lmtp.sock")
    try:
        x.write_conf()
        rc, out = x.check()
        assert rc == 0 and "Exim version" in out, out
    finally:
        x.stop()


def test_post_through_exim_reaches_listd_and_members(stack, sink, home):
    d, x = stack
    with smtplib.SMTP("127.0.0.1", x.port, timeout=30) as s:
        s.ehlo("client.test")
        try:
            s.sendmail("alice@example.net", [LIST],
                       message(sender="alice@example.net", to=LIST,
                               subject="Through Exim").encode())
        except smtplib.SMTPException as e:
            raise AssertionError(f"{e}\n{x.logs()}")
    try:
        sink.wait_recipients(2, timeout=60)
    except AssertionError:
        raise AssertionError(x.logs())
    assert sorted(sink.recipients()) == ["alice@example.net", "bob@example.com"]
    assert [p["state"] for p in posts(home)] in (["queued"], ["done"])
    assert b"Subject: Through Exim" in sink.messages[0]["data"]
    log = (x.base / "log" / "mainlog").read_text()
    assert "R=listd T=listd_lmtp" in log and " Completed" in log, log


def test_suffix_addresses_are_routed(stack):
    """VERP and confirmation addresses carry a +suffix; the router finds
    them through LIST-bounces@ and LIST-confirm@ in the maps."""
    d, x = stack
    with smtplib.SMTP("127.0.0.1", x.port, timeout=30) as s:
        s.ehlo("client.test")
        s.mail("")
        for rcpt in ("staff-bounces+abcdefgh@north.example.org",
                     "staff-confirm+abcdefgh@north.example.org",
                     "Staff-Request@NORTH.example.org"):
            code, msg = s.rcpt(rcpt)
            assert code == 250, (rcpt, code, msg)
        code, msg = s.rcpt("staff-nosuch+x@north.example.org")
        assert code == 550, msg
        s.rset()


def test_unknown_addresses_refused_at_rcpt(stack):
    d, x = stack
    with smtplib.SMTP("127.0.0.1", x.port, timeout=30) as s:
        s.ehlo("client.test")
        s.mail("alice@example.net")
        for rcpt in ("nosuchlist@north.example.org", "staff@other.example.org",
                     "staff-nosuch@north.example.org"):
            code, msg = s.rcpt(rcpt)
            assert code == 550, (rcpt, code, msg)
        code, _ = s.rcpt(LIST)
        assert code == 250
        s.rset()
