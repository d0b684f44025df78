"""test_lmtp.py - the LMTP dialogue of the real listd, driven over its socket
by a hostile client: commands out of order, bad addresses, too many
recipients, over-long lines, pipelining, size limits, unknown lists; and the
whole MIME corpus in one session (each message 250 and delivered, or a clear
5xx; never a crash, a hang or a 4xx)."""
import os
import socket
from pathlib import Path

import pytest

from conftest import SHARED
from mailtest import (Listd, Lmtp, lmtp_post, message, new_district, posts,
                      queue_idle, raw_exchange, wait_until)

LIST = "staff@north.example.org"
CORPUS = Path(os.environ.get("LISTD_CORPUS", SHARED / "corpus")) / "mime"


@pytest.fixture
def up(ctl, listd):
    new_district(ctl)
    return listd.start()


def code(reply):
    return reply[:3]


def test_commands_out_of_order_get_5xx_and_the_session_survives(up, sink):
    c = up.lmtp()
    assert c.greeting.startswith("220 ")
    assert code(c.cmd("MAIL FROM:<alice@example.net>")) == "503"   # no LHLO
    assert c.cmd("HELO client").startswith("500 5.5.1")
    assert c.cmd("EHLO client").startswith("500 5.5.1")
    assert c.cmd("LHLO").startswith("501 ")                        # no host
    lhlo = c.cmd("LHLO client")
    assert "250-PIPELINING" in lhlo and "250 SIZE" in lhlo
    assert code(c.cmd(f"RCPT TO:<{LIST}>")) == "503"               # before MAIL
    assert code(c.cmd("DATA")) == "503"                            # no MAIL
    assert code(c.cmd("MAIL FROM:<alice@example.net>")) == "250"
    assert c.cmd("MAIL FROM:<alice@example.net>").startswith("503 5.5.1")
    assert code(c.cmd("DATA")) == "503"                            # no RCPT
    assert code(c.cmd("RSET")) == "250"
    assert code(c.cmd("NOOP")) == "250"
    assert code(c.cmd("VRFY alice")) == "252"
    # After all that, a proper transaction still works on the same session.
    rr, dr = c.deliver("alice@example.net", [LIST], message(to=LIST), lhlo=False)
    assert dr[0].startswith("250 2.0.0 accepted as post"), dr
    c.close()
    sink.wait_recipients(4)


@pytest.mark.parametrize("line,want", [
    ("MAIL FROM:alice@example.net", "501"),          # no angle brackets
    ("MAIL FROM:<alice@@example.net>", "553"),
    ("MAIL FROM:<alice>", "553"),                    # no domain
    ("MAIL FROM:<a\x01b@example.net>", "553"),       # control character
    ("MAIL FROM:<" + "a" * 300 + "@example.net>", "501"),
    ("MAIL TO:<alice@example.net>", "501"),
    ("MAIL FROM:<alice@example.net> SIZE=abc", "501"),
    ("MAIL FROM:<alice@example.net> SIZE=-5", "501"),
    ("MAIL FROM:<alice@example.net> BODY=BINARYMIME", "501"),
    ("MAIL FROM:<alice@example.net> AUTH=<>", "555"),
])
def test_malformed_mail_from_is_refused(up, line, want):
    c = up.lmtp()
    c.cmd("LHLO client")
    rep = c.cmd(line)
    assert code(rep) == want and len(rep) > 10, rep
    # The refused MAIL left no sender: a good one is taken now.
    assert code(c.cmd("MAIL FROM:<alice@example.net>")) == "250"
    c.close()


@pytest.mark.parametrize("rcpt,want", [
    ("<>", "501"),
    ("staff@north.example.org", "501"),             # no brackets
    ("<staff@@north.example.org>", "553"),
    ("<nosuch@north.example.org>", "550 5.1.1"),     # unknown list
    ("<staff@south.example.org>", "550 5.1.1"),      # unknown district
    ("<staff-nosuch@north.example.org>", "550 5.1.1"), # no such form
    ("<STAFF@NORTH.EXAMPLE.ORG>", "250"),            # case is not a reason
])
def test_rcpt_checked_at_once(up, rcpt, want):
    c = up.lmtp()
    c.cmd("LHLO client")
    c.cmd("MAIL FROM:<alice@example.net>")
    rep = c.cmd(f"RCPT TO:{rcpt}")
    assert rep.startswith(want), rep
    c.close()


def test_101_recipients_the_last_gets_452(up, sink):
    c = up.lmtp()
    c.cmd("LHLO client")
    c.cmd("MAIL FROM:<alice@example.net>")
    reps = [c.cmd(f"RCPT TO:<{LIST}>") for _ in range(101)]
    assert all(r.startswith("250") for r in reps[:100])
    assert reps[100].startswith("452 4.5.3"), reps[100]
    # One DATA reply per accepted recipient (RFC 2033), then one post.
    assert c.cmd("DATA").startswith("354")
    c.send_raw(message(to=LIST).replace("\n", "\r\n").encode() + b".\r\n")
    replies = [c.read_reply() for _ in range(100)]
    assert replies[0].startswith("250 2.0.0 accepted as post")
    assert all(r.startswith("250") for r in replies[1:])
    assert all("already taken in" in r for r in replies[1:])
    assert len(posts(up.home)) == 1
    c.close()


def test_ten_unknown_commands_close_with_421(up):
    c = up.lmtp()
    c.cmd("LHLO client")
    for _ in range(9):
        assert c.cmd("XYZZY").startswith("500 5.5.2")
    assert c.cmd("FOO bar").startswith("500 5.5.2")
    # The tenth earns a 421 (a reply the server may send at any time) and
    # the connection is closed.
    assert c.read_reply().startswith("421 4.7.0")
    with pytest.raises((ConnectionError, OSError)):
        c.cmd("NOOP")


def test_over_long_command_line_is_refused_not_truncated(up):
    c = up.lmtp()
    c.cmd("LHLO client")
    # 5,000 bytes: the tail must not be read as a second command.
    rep = c.cmd("NOOP " + "x" * 4000 + "QUIT")
    assert rep.startswith("500 5.5.2 line too long"), rep
    assert code(c.cmd("NOOP")) == "250"
    c.close()


def test_size_over_the_limit_is_552_at_mail(ctl, sink, home):
    new_district(ctl)
    d = Listd(home, sink.port, extra_conf="[lmtp]\nmax_message_size = 4K\n").start()
    try:
        c = d.lmtp()
        assert "250 SIZE 4096" in c.cmd("LHLO client")
        rep = c.cmd("MAIL FROM:<alice@example.net> SIZE=4097")
        assert rep.startswith("552 5.3.4"), rep
        assert code(c.cmd("MAIL FROM:<alice@example.net> SIZE=4000 BODY=8BITMIME")) == "250"
        # A client that lies about SIZE is caught at DATA.
        c.cmd("RSET")
        rr, dr = c.deliver("alice@example.net", [LIST],
                           message(to=LIST, body=("y" * 70 + "\n") * 80))
        assert dr[0].startswith("552 5.3.4"), dr
        assert posts(home) == []
        c.close()
    finally:
        d.stop()


def test_list_size_limit_refuses_at_data(ctl, listd, home):
    new_district(ctl, max_size=2000)
    listd.start()
    assert lmtp_post(listd, LIST, body="short\n").startswith("250")
    rep = lmtp_post(listd, LIST, body=("z" * 60 + "\n") * 50)
    assert rep.startswith("552 5.3.4") and "too big" in rep, rep
    assert len(posts(home)) == 1


def test_pipelined_commands_in_one_write(up, sink):
    msg = message(to=LIST).replace("\n", "\r\n").encode()
    data = (b"LHLO client\r\nMAIL FROM:<alice@example.net>\r\n"
            b"RCPT TO:<nosuch@north.example.org>\r\nRCPT TO:<" + LIST.encode() +
            b">\r\nDATA\r\n" + msg + b".\r\nNOOP\r\nQUIT\r\n")
    lines = [l for l in raw_exchange(up.port, data) if l]
    codes = [l[:4] for l in lines if not l[3:4] == "-"]
    # greeting, LHLO, MAIL, RCPT(550), RCPT(250), 354, one DATA reply, NOOP, QUIT
    assert codes == ["220 ", "250 ", "250 ", "550 ", "250 ", "354 ", "250 ",
                     "250 ", "221 "], lines
    sink.wait_recipients(4)


def test_client_vanishing_mid_data_stores_nothing(up, sink, home):
    c = up.lmtp()
    c.cmd("LHLO client")
    c.cmd("MAIL FROM:<alice@example.net>")
    c.cmd(f"RCPT TO:<{LIST}>")
    assert c.cmd("DATA").startswith("354")
    c.send_raw(b"Subject: half\r\n\r\nhalf a messa")
    c.sock.close()
    # The daemon still serves, and nothing was recorded for the half message.
    assert lmtp_post(up, LIST).startswith("250 2.0.0 accepted")
    assert len(posts(home)) == 1
    sink.wait_recipients(4)


def corpus_files():
    if not CORPUS.is_dir():
        return []
    return sorted(p for p in CORPUS.rglob("*") if p.is_file())


@pytest.mark.skipif(not corpus_files(), reason="corpus not present")
def test_every_corpus_message_is_taken_or_clearly_refused(ctl, sink, home):
    """Every file under corpus/mime through one LMTP session to an open list
    with one member: 250 (then at the sink) or a 5xx with text."""
    new_district(ctl, members=(), policy="open")
    ctl.run("member", "remove", LIST, "owner@north.example.org", check=0)
    ctl.run("member", "add", LIST, "reader@example.com", check=0)
    d = Listd(home, sink.port).start()
    accepted, outcomes = 0, {}
    try:
        c = d.lmtp()
        c.cmd("LHLO corpus")
        for f in corpus_files():
            rr, dr = c.deliver("sender@example.net", [LIST], f.read_bytes(),
                               lhlo=False)
            rep = dr[0] if dr else rr[0]
            outcomes[str(f.relative_to(CORPUS))] = rep
            assert rep[:1] in "25", f"{f}: {rep}"
            assert len(rep) > 10, f"{f}: reply without text: {rep}"
            if rep.startswith("250 2.0.0 accepted as post"):
                accepted += 1
            elif rep.startswith("250"):
                assert "held" in rep or "accepted:" in rep or \
                    "already taken in" in rep, f"{f}: {rep}"
        assert c.cmd("NOOP").startswith("250")      # still the same session
        c.close()
        assert accepted > len(outcomes) // 2, outcomes
        # d.ready() raises with the log's tail if the daemon died meanwhile.
        wait_until(lambda: d.ready() and len(sink.recipients()) >= accepted,
                   60, what=f"{accepted} recipients at the sink")
        wait_until(lambda: queue_idle(home), 30, what="an idle queue")
        assert len(sink.recipients()) == accepted
        assert d.proc.poll() is None
    finally:
        d.stop()
