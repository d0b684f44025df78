"""test_subscribe.py - list commands by mail against the real daemon:
double opt-in through LIST-join@ and LIST-confirm+TOKEN@, leaving, the
-request@ command language, owner approval, roster and closed lists, and the
hostile cases: forged and replayed tokens, commands hidden in HTML-only mail,
automatic replies, rate limits."""
import re

from mailtest import message, wait_until

LIST = "staff@north.example.org"


def mails_to(sink, addr):
    return [m["data"].decode("utf-8", "replace") for m in sink.messages if addr in m["rcpts"]]


def token_in(text):
    return re.search(r"staff-confirm\+([a-z2-7]{32})@", text).group(1)


def send(listd, sender, rcpt, **kw):
    c = listd.lmtp()
    try:
        kw.setdefault("sender", sender)
        kw.setdefault("to", rcpt)
        return c.deliver(sender, [rcpt], message(**kw))[1][0]
    finally:
        c.close()


def members(ctl):
    return [m["address"] for m in ctl.json("member", "list", LIST)]


def test_join_confirm_by_reply_subscribes_and_welcomes(ctl, district, listd, sink):
    listd.start()
    rep = send(listd, "newbie@example.org", "staff-join@north.example.org")
    assert rep.startswith("250") and "confirmation sent" in rep
    wait_until(lambda: mails_to(sink, "newbie@example.org"), what="confirmation mail")
    conf = mails_to(sink, "newbie@example.org")[0]
    assert "Auto-Submitted: auto-replied" in conf
    assert "newbie@example.org" not in members(ctl)
    tok = token_in(conf)
    rep = send(listd, "newbie@example.org", f"staff-confirm+{tok}@north.example.org", subject="Re: confirm")
    assert "subscribed" in rep
    assert "newbie@example.org" in members(ctl)
    wait_until(lambda: any("Welcome to" in m for m in mails_to(sink, "newbie@example.org")),
               what="welcome mail")


def test_replayed_and_forged_tokens_do_nothing(ctl, district, listd, sink):
    listd.start()
    send(listd, "newbie@example.org", "staff-join@north.example.org")
    wait_until(lambda: mails_to(sink, "newbie@example.org"), what="confirmation mail")
    tok = token_in(mails_to(sink, "newbie@example.org")[0])
    send(listd, "newbie@example.org", f"staff-confirm+{tok}@north.example.org")
    ctl.run("member", "remove", LIST, "newbie@example.org", check=0)
    # Replay: the token was single-use.
    rep = send(listd, "newbie@example.org", f"staff-confirm+{tok}@north.example.org",
               msgid="<replay@example.org>")
    assert rep.startswith("250") and "unknown or expired" in rep
    assert "newbie@example.org" not in members(ctl)
    # Forged: right shape, wrong value; and malformed.
    forged = "a" * 32
    rep = send(listd, "x@example.org", f"staff-confirm+{forged}@north.example.org")
    assert "unknown or expired" in rep
    c = listd.lmtp()
    rr, _ = c.deliver("x@example.org", ["staff-confirm@north.example.org"], message())
    assert rr[0].startswith("550")
    c.close()
    assert "x@example.org" not in members(ctl)


def test_leave_is_confirmed_too(ctl, district, listd, sink):
    listd.start()
    rep = send(listd, "bob@example.com", "staff-leave@north.example.org")
    assert "confirmation sent" in rep
    assert "bob@example.com" in members(ctl)
    wait_until(lambda: mails_to(sink, "bob@example.com"), what="confirmation")
    tok = token_in(mails_to(sink, "bob@example.com")[0])
    rep = send(listd, "bob@example.com", f"staff-confirm+{tok}@north.example.org")
    assert "unsubscribed" in rep
    assert "bob@example.com" not in members(ctl)


def test_request_commands_and_help(ctl, district, listd, sink):
    listd.start()
    rep = send(listd, "carol@example.com", "staff-request@north.example.org",
               subject="", body="set digest\nfrobnicate\n-- \nsubscribe\n")
    assert rep.startswith("250")
    m = ctl.json("member", "list", LIST, "--search", "carol")[0]
    assert m["mode"] == "digest"
    wait_until(lambda: mails_to(sink, "carol@example.com"), what="results")
    res = mails_to(sink, "carol@example.com")[0]
    assert "delivery for carol@example.com is now digest" in res
    assert "unknown command" in res
    # After the signature nothing was read: no confirmation was sent.
    assert "Confirm your subscription" not in res
    send(listd, "someone@example.org", "staff-request@north.example.org", subject="help", body="")
    wait_until(lambda: any("Help for" in x for x in mails_to(sink, "someone@example.org")),
               what="help")


def test_commands_hidden_in_html_only_mail_are_not_run(ctl, district, listd, sink):
    listd.start()
    html = ("From: Eve <eve@example.org>\nTo: staff-request@north.example.org\n"
            "Subject: \nMessage-ID: <html-cmd@example.org>\nMIME-Version: 1.0\n"
            "Content-Type: text/html\n\n<p style='display:none'>set nomail</p>"
            "<div>subscribe</div>\n")
    c = listd.lmtp()
    _, rep = c.deliver("carol@example.com", ["staff-request@north.example.org"], html)
    c.close()
    assert rep[0].startswith("250")
    assert ctl.json("member", "list", LIST, "--search", "carol")[0]["mode"] == "regular"
    assert not any("Confirm your subscription" in x for x in mails_to(sink, "eve@example.org"))


def test_no_reply_to_automatic_mail(ctl, district, listd, sink):
    listd.start()
    for hdr in ("Auto-Submitted: auto-replied\n", "Precedence: bulk\n",
                "List-Id: <other.example.com>\n"):
        rep = send(listd, "robot@example.org", "staff-join@north.example.org", headers=hdr)
        assert "command ignored" in rep
    c = listd.lmtp()
    _, rep = c.deliver("", ["staff-join@north.example.org"], message(sender="robot@example.org"))
    c.close()
    assert "command ignored" in rep[0]
    listd.stop()
    assert not mails_to(sink, "robot@example.org")


def test_confirmation_mails_are_rate_limited(ctl, district, listd, sink):
    listd.start()
    for i in range(6):
        send(listd, "target@example.org", "staff-join@north.example.org")
    wait_until(lambda: len(mails_to(sink, "target@example.org")) >= 3, what="confirmations")
    listd.stop()
    assert len(mails_to(sink, "target@example.org")) == 3


def test_roster_and_closed_lists_refuse_with_a_reason(ctl, district, listd, sink):
    ctl.run("list", "create", "all@north.example.org", "--kind", "roster", check=0)
    ctl.run("list", "set", LIST, "--subscribe", "closed", check=0)
    listd.start()
    rep = send(listd, "kid@example.org", "all-join@north.example.org")
    assert "roster list" in rep
    rep = send(listd, "kid2@example.org", "staff-join@north.example.org")
    assert "no subscription requests" in rep
    wait_until(lambda: mails_to(sink, "kid@example.org") and mails_to(sink, "kid2@example.org"),
               what="refusals")
    assert "district roster list" in mails_to(sink, "kid@example.org")[0]
    assert "does not take subscription requests" in mails_to(sink, "kid2@example.org")[0]


def test_owner_approval(ctl, district, listd, sink):
    ctl.run("list", "set", LIST, "--subscribe", "approve", check=0)
    listd.start()
    send(listd, "newbie@example.org", "staff-join@north.example.org")
    wait_until(lambda: mails_to(sink, "newbie@example.org"), what="confirmation")
    rep = send(listd, "newbie@example.org",
               f"staff-confirm+{token_in(mails_to(sink, 'newbie@example.org')[0])}@north.example.org")
    assert "waits for an owner" in rep
    assert "newbie@example.org" not in members(ctl)
    wait_until(lambda: mails_to(sink, "owner@north.example.org"), what="owner asked")
    tok = token_in(mails_to(sink, "owner@north.example.org")[0])
    rep = send(listd, "owner@north.example.org", f"staff-confirm+{tok}@north.example.org")
    assert "subscribed" in rep
    assert "newbie@example.org" in members(ctl)


def test_list_template_overrides_district_and_builtin(ctl, district, listd, sink, tmp_path):
    t = tmp_path / "welcome.txt"
    t.write_text("Hi from {list}\n\nDear {address}, glad you are here.\n")
    ctl.run("template", "set", "welcome", t, "--list", LIST, check=0)
    d = tmp_path / "help.txt"
    d.write_text("District help\n\nAsk the office.\n")
    ctl.run("template", "set", "help", d, "--district", "north", check=0)
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\xff\xfe no subject")
    assert ctl.run("template", "set", "welcome", bad, "--list", LIST)[0] == 65
    assert ctl.run("template", "set", "nosuch", t, "--list", LIST)[0] == 67
    listd.start()
    send(listd, "newbie@example.org", "staff-join@north.example.org")
    wait_until(lambda: mails_to(sink, "newbie@example.org"), what="confirmation")
    send(listd, "newbie@example.org",
         f"staff-confirm+{token_in(mails_to(sink, 'newbie@example.org')[0])}@north.example.org")
    wait_until(lambda: any("Hi from staff@north.example.org" in m
                           for m in mails_to(sink, "newbie@example.org")), what="custom welcome")
    send(listd, "someone@example.org", "staff-request@north.example.org", subject="help", body="")
    wait_until(lambda: any("Ask the office" in m for m in mails_to(sink, "someone@example.org")),
               what="district help")
    ctl.run("template", "reset", "welcome", "--list", LIST, check=0)
    rc, out, _ = ctl.run("template", "show", "welcome", "--list", LIST)
    assert out.startswith("Welcome to staff@north.example.org")
