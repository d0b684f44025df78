"""test_bounce_flow.py - bounces reaching LIST-bounces@ on the real daemon:
scores past the threshold stop delivery and tell the owners; a probe goes
out through a VERP address after a while; a probe that bounces removes the
member. Time is moved with LISTD_NOW. Hostile: a bounce of a bounce, a
bounce naming a non-member, a vacation reply."""
import re

from mailtest import Listd, message, wait_until

LIST = "staff@north.example.org"
T0 = 1_800_000_000


def dsn(rcpt, status="5.1.1", to="staff-bounces@north.example.org", n=0,
        action="failed"):
    return (f"From: MAILER-DAEMON@mx.example.com\nTo: {to}\n"
            f"Subject: Undelivered Mail Returned to Sender\nMessage-ID: <dsn{n}.{rcpt}@mx>\n"
            "MIME-Version: 1.0\nContent-Type: multipart/report; report-type=delivery-status;"
            " boundary=\"B\"\n\n--B\nContent-Type: text/plain\n\nDelivery failed.\n\n--B\n"
            "Content-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.com\n\n"
            f"Final-Recipient: rfc822; {rcpt}\nAction: {action}\nStatus: {status}\n"
            "Diagnostic-Code: smtp; 550 5.1.1 user unknown\n\n--B--\n")


def bounce(d, text, rcpt="staff-bounces@north.example.org"):
    c = d.lmtp()
    _, rep = c.deliver("", [rcpt], text)
    c.close()
    return rep[0]


def test_bounces_disable_then_probe_removes(ctl, district, home, sink):
    d = Listd(home, sink.port, env={"LISTD_NOW": str(T0)}).start()
    for i in range(5):
        rep = bounce(d, dsn("bob@example.com", n=i))
        assert rep.startswith("250") and "1 members scored" in rep
    # The owner hears about it; the next post skips bob.
    wait_until(lambda: any("owner@north.example.org" in m["rcpts"] for m in sink.messages),
               what="owner told")
    assert b"bob@example.com" in [m for m in sink.messages
                                  if "owner@north.example.org" in m["rcpts"]][0]["data"]
    ctl.run("inject", LIST, input=message(to=LIST).encode(), check=0)

    def post_rcpts():
        return [r for m in sink.messages if b"Subject: Hello" in m["data"]
                for r in m["rcpts"]]
    wait_until(lambda: len(post_rcpts()) >= 3, what="post delivered")
    assert "bob@example.com" not in post_rcpts() and "alice@example.net" in post_rcpts()
    d.stop()
    # Four days later a probe goes to bob from a VERP address.
    d = Listd(home, sink.port, env={"LISTD_NOW": str(T0 + 4 * 86400)}).start()
    wait_until(lambda: any("bob@example.com" in m["rcpts"] for m in sink.messages), what="probe")
    probe = [m for m in sink.messages if "bob@example.com" in m["rcpts"]][0]
    verp = probe["from"]
    assert re.fullmatch(r"staff-bounces\+[a-z2-7]{32}@north\.example\.org", verp), verp
    rep = bounce(d, dsn("bob@example.com", to=verp, n=9), rcpt=verp)
    assert "probe bounced" in rep
    assert "bob@example.com" not in [m["address"] for m in ctl.json("member", "list", LIST)]
    d.stop()


def test_temporary_and_foreign_bounces_score_nobody(ctl, district, listd, sink):
    listd.start()
    rep = bounce(listd, dsn("bob@example.com", status="4.2.2", action="delayed"))
    assert "0 members scored" in rep
    rep = bounce(listd, dsn("stranger@example.org"))
    assert "0 members scored" in rep
    vacation = message(subject="Out of office", sender="bob@example.com",
                       headers="Auto-Submitted: auto-replied\n", body="I am away.\n")
    rep = bounce(listd, vacation)
    assert "0 members scored" in rep or "none" in rep


def test_bounce_of_a_bounce_blames_only_the_outer_recipient(ctl, district, listd, sink):
    listd.start()
    inner = dsn("alice@example.net")
    outer = dsn("carol@example.com").replace(
        "--B--\n", "--B\nContent-Type: message/rfc822\n\n" + inner + "\n--B--\n")
    rep = bounce(listd, outer)
    assert "1 members scored" in rep


def test_forged_probe_token_removes_nobody(ctl, district, listd, sink):
    listd.start()
    verp = "staff-bounces+" + "b" * 32 + "@north.example.org"
    rep = bounce(listd, dsn("alice@example.net", to=verp), rcpt=verp)
    assert "unknown token" in rep
    assert "alice@example.net" in [m["address"] for m in ctl.json("member", "list", LIST)]
