"""test_digest.py - digest-mode members get one digest a day instead of each
post: MIME (a contents part and a multipart/digest of the posts as they
arrived) or RFC 1153 plain text; regular members are unaffected; a hostile
post (HTML only, script) inside a plain-text digest appears only as a note."""
import email
from email import policy

from mailtest import Listd, message, wait_until

LIST = "staff@north.example.org"
T0 = 1_800_000_000


def digests(sink):
    return [m for m in sink.messages if b"digest, " in m["data"].split(b"\r\n\r\n")[0]]


def post_two(ctl):
    ctl.run("inject", LIST, input=message(to=LIST, subject="First news").encode(), check=0)
    ctl.run("inject", LIST, input=message(to=LIST, subject="Second news",
                                          body="caf\u00e9 ouvert\n").encode(), check=0)


def test_mime_digest_after_a_day(ctl, district, home, sink):
    ctl.run("member", "set", LIST, "carol@example.com", "--mode", "digest", check=0)
    d = Listd(home, sink.port, env={"LISTD_NOW": str(T0)}).start()
    post_two(ctl)
    wait_until(lambda: len([r for m in sink.messages for r in m["rcpts"]
                            if r == "alice@example.net"]) == 2, what="regular posts")
    assert not [m for m in sink.messages if "carol@example.com" in m["rcpts"]]
    d.stop()
    d = Listd(home, sink.port, env={"LISTD_NOW": str(T0 + 86400 + 5)}).start()
    wait_until(lambda: digests(sink), what="the digest")
    d.stop()
    dg = digests(sink)
    assert len(dg) == 1 and dg[0]["rcpts"] == ["carol@example.com"]
    msg = email.message_from_bytes(dg[0]["data"], policy=policy.default)
    assert msg["List-Id"] == "<staff.north.example.org>"
    assert "(2 messages)" in msg["Subject"]
    parts = list(msg.iter_parts())
    assert "First news" in parts[0].get_content() and "Second news" in parts[0].get_content()
    assert parts[1].get_content_type() == "multipart/digest"
    inner = [p.get_content() for p in parts[1].iter_parts()]
    assert [m["Subject"] for m in inner] == ["First news", "Second news"]


def test_rfc1153_digest_and_hostile_html(ctl, district, home, sink):
    ctl.run("list", "set", LIST, "--digest-format", "rfc1153", check=0)
    ctl.run("member", "set", LIST, "carol@example.com", "--mode", "digest", check=0)
    d = Listd(home, sink.port, env={"LISTD_NOW": str(T0)}).start()
    post_two(ctl)
    html = ("From: Alice <alice@example.net>\nTo: staff@north.example.org\n"
            "Subject: Shiny\nMessage-ID: <html@example.net>\nMIME-Version: 1.0\n"
            "Content-Type: text/html\n\n<script>alert(1)</script><b>hi</b>\n")
    ctl.run("inject", LIST, input=html.encode(), check=0)
    d.stop()
    d = Listd(home, sink.port, env={"LISTD_NOW": str(T0 + 86400 + 5)}).start()
    wait_until(lambda: digests(sink), what="the digest")
    d.stop()
    text = email.message_from_bytes(digests(sink)[0]["data"], policy=policy.default).get_content()
    assert "Today's Topics:" in text and "End of staff Digest" in text
    assert "caf\u00e9 ouvert" in text
    assert "<script>" not in text and "no plain-text part" in text


def test_no_digest_before_a_day_or_without_digest_members(ctl, district, home, sink):
    d = Listd(home, sink.port, env={"LISTD_NOW": str(T0)}).start()
    post_two(ctl)
    sink.wait_recipients(8)
    d.stop()
    d = Listd(home, sink.port, env={"LISTD_NOW": str(T0 + 86400 + 5)}).start()
    ctl.run("inject", LIST, input=message(to=LIST, subject="Third").encode(), check=0)
    sink.wait_recipients(12)
    d.stop()
    assert digests(sink) == []
