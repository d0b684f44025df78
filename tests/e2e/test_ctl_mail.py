"""test_ctl_mail.py - listctl's mail verbs against the real daemon: inject
(the MTA pipe path), held (moderation by intent, carried out by listd) and
queue (inspection, retry, urgent, delete), with hostile arguments."""
import json

from mailtest import message, wait_until

LIST = "staff@north.example.org"


def test_inject_delivers_to_every_member_once(ctl, district, listd, sink):
    listd.start()
    rc, out, err = ctl.run("inject", LIST, input=message(to=LIST).encode())
    assert rc == 0, err
    assert "accepted as post 1 for 4 recipients" in out
    sink.wait_recipients(4)
    assert sorted(sink.recipients()) == sorted(
        ["alice@example.net", "bob@example.com", "carol@example.com",
         "owner@north.example.org"])


def test_inject_normalises_bare_lf_and_drops_mbox_from_line(ctl, district, listd, sink):
    listd.start()
    raw = ("From alice@example.net Thu Jan  1 00:00:00 1970\n" +
           message(to=LIST, body=".leading dot\nline two\n")).encode()
    rc, out, err = ctl.run("inject", LIST, input=raw)
    assert rc == 0, err
    sink.wait_recipients(4)
    data = sink.messages[0]["data"]
    assert b"\r\n.leading dot\r\n" in data or data.count(b".leading dot") == 1
    assert not data.startswith(b"From ")
    assert b"\n" not in data.replace(b"\r\n", b"")


def test_inject_crlf_message_whose_first_line_starts_with_f(ctl, district, listd, sink):
    """The first line is held back in case it is an mbox From_ line; a
    CRLF "From:" header there came out as From: ...\r\r\n."""
    listd.start()
    raw = (f"From: alice@example.net\r\nTo: {LIST}\r\nSubject: crlf\r\n"
           "Message-ID: <crlf-first-f@example.net>\r\n\r\nbody\r\n").encode()
    rc, out, err = ctl.run("inject", LIST, input=raw)
    assert rc == 0, err
    sink.wait_recipients(4)
    data = sink.messages[0]["data"]
    assert b"\r\r" not in data
    assert b"\n" not in data.replace(b"\r\n", b"")
    assert b"From: alice@example.net\r\n" in data
    stored = [p.read_bytes() for p in (ctl.home / "districts" / "north" / "messages").rglob("*.eml")]
    assert stored and all(b"\r\r" not in m for m in stored)


def test_inject_exit_codes(ctl, district):
    rc, _, err = ctl.run("inject", "nosuch@north.example.org", input=message().encode())
    assert rc == 67 and "no such list" in err
    rc, _, err = ctl.run("inject", "staff@nowhere.example.org", input=message().encode())
    assert rc == 67
    rc, _, err = ctl.run("inject", LIST, input=b"")
    assert rc == 65 and "empty" in err
    rc, _, err = ctl.run("inject", LIST, "--sender", "bad@@x", input=message().encode())
    assert rc == 64
    rc, _, _ = ctl.run("inject")
    assert rc == 64


def test_inject_same_message_twice_is_posted_once(ctl, district, listd, sink):
    listd.start()
    m = message(to=LIST, msgid="<twice@example.net>").encode()
    assert ctl.run("inject", LIST, input=m)[0] == 0
    rc, out, _ = ctl.run("inject", LIST, input=m)
    assert rc == 0 and "already taken in" in out
    sink.wait_recipients(4)
    posts = ctl.json("queue", "list", "--all", "--district", "north")
    assert len(posts) == 1


def test_held_post_approved_reaches_members(ctl, district, listd, sink):
    listd.start()
    rc, out, _ = ctl.run("inject", LIST, input=message(sender="stranger@example.org", to=LIST).encode())
    assert rc == 0 and "held for moderation" in out
    held = ctl.json("held", "list", LIST)
    assert len(held) == 1 and held[0]["author"] == "stranger@example.org"
    assert "not a member" in held[0]["reason"]
    rc, out, _ = ctl.run("held", "show", LIST, str(held[0]["post"]))
    assert rc == 0 and "Subject: Hello" in out
    ctl.run("held", "approve", LIST, str(held[0]["post"]), check=0)
    sink.wait_recipients(4)
    wait_until(lambda: ctl.json("held", "list", LIST) == [], what="held row removed")
    # A second decision on the same post is refused.
    rc, _, err = ctl.run("held", "discard", LIST, str(held[0]["post"]))
    assert rc == 67


def test_held_post_discarded_never_reaches_members(ctl, district, listd, sink):
    listd.start()
    ctl.run("inject", LIST, input=message(sender="stranger@example.org", to=LIST).encode(), check=0)
    post = ctl.json("held", "list", LIST)[0]["post"]
    ctl.run("held", "reject", LIST, str(post), "--reason", "off topic", check=0)
    wait_until(lambda: ctl.json("queue", "show", "north", str(post))["post"]["state"] == "rejected",
               what="post rejected")
    show = ctl.json("queue", "show", "north", str(post))
    assert "off topic" in show["post"]["reason"]
    ctl.run("inject", LIST, input=message(to=LIST).encode(), check=0)
    wait_until(lambda: any("alice@example.net" in m["rcpts"] for m in sink.messages),
               what="the later post")
    to_alice = [m for m in sink.messages if "alice@example.net" in m["rcpts"]]
    assert len(to_alice) == 1
    # The author is told why, with the moderator's reason.
    wait_until(lambda: any("stranger@example.org" in m["rcpts"] for m in sink.messages),
               what="rejection notice")
    notice = [m for m in sink.messages if "stranger@example.org" in m["rcpts"]][0]["data"]
    assert b"off topic" in notice and b"Auto-Submitted: auto-replied" in notice


def test_held_hostile_arguments(ctl, district):
    assert ctl.run("held", "approve", LIST, "abc")[0] == 64
    assert ctl.run("held", "approve", LIST, "-1")[0] == 64
    assert ctl.run("held", "approve", LIST, "99")[0] == 67
    assert ctl.run("held", "list", "nosuch@north.example.org")[0] == 67
    ctl.run("inject", LIST, input=message(sender="x@example.org", to=LIST).encode(), check=0)
    post = ctl.json("held", "list", LIST)[0]["post"]
    rc, _, _ = ctl.run("held", "reject", LIST, str(post), "--reason", "a\nBcc: x@y")
    assert rc == 64


def test_queue_shows_accounting_and_deferral(ctl, district, listd, sink):
    sink.fail_rcpt["bob@example.com"] = "451 4.2.1 try later"
    sink.fail_rcpt["carol@example.com"] = "550 5.1.1 no such user"
    listd.start()
    ctl.run("inject", LIST, input=message(to=LIST).encode(), check=0)
    sink.wait_recipients(2)

    def tallied():
        p = ctl.json("queue", "show", "north", "1")["post"]
        return p if p["delivered"] == 2 and p["bounced"] == 1 else None
    p = wait_until(tallied, what="tallies")
    assert p["pending"] == 1
    assert p["delivered"] + p["bounced"] + p["pending"] == p["recipients"] == 4
    listed = ctl.json("queue", "list", "--district", "north")
    assert [x["post"] for x in listed] == [1]
    assert ctl.json("queue", "list", "--sender", "nobody-like-this") == []
    # The relay recovers: the deferred recipient goes out on retry.
    sink.fail_rcpt.clear()
    ctl.run("queue", "retry", "north", "1", check=0)
    sink.wait_recipients(3, timeout=30)
    wait_until(lambda: ctl.json("queue", "show", "north", "1")["post"]["state"] == "done",
               timeout=30, what="post done")


def test_queue_delete_and_bad_arguments(ctl, district, sink):
    ctl.run("inject", LIST, input=message(to=LIST).encode(), check=0)
    assert ctl.json("queue", "list")[0]["pending"] == 4
    assert ctl.run("queue", "urgent", "north", "1")[0] == 0
    assert all(b["urgent"] for b in ctl.json("queue", "show", "north", "1")["batches"])
    assert ctl.run("queue", "delete", "north", "1")[0] == 0
    assert ctl.json("queue", "list") == []
    assert ctl.run("queue", "show", "north", "1")[0] == 67
    assert ctl.run("queue", "show", "nosuch", "1")[0] == 67
    assert ctl.run("queue", "show", "north", "x1")[0] == 64
    assert ctl.run("queue", "list", "--older-than", "soon")[0] == 64
    assert ctl.run("queue", "list", "--min-retries", "many")[0] == 64


def test_moderators_get_one_digest_and_can_approve_by_reply(ctl, district, listd, sink):
    import re
    ctl.run("member", "add", LIST, "mod@example.org", "--role", "moderator", check=0)
    listd.start()
    for i in range(3):
        ctl.run("inject", LIST, input=message(sender=f"s{i}@example.org", to=LIST,
                                             subject=f"Post {i}").encode(), check=0)
    wait_until(lambda: any("mod@example.org" in m["rcpts"] for m in sink.messages),
               what="digest")
    digests = [m for m in sink.messages if "mod@example.org" in m["rcpts"]]
    text = digests[0]["data"].decode()
    # Whatever arrived before the first digest is in it; later ones wait
    # for the next digest instead of one mail each.
    assert "waiting for moderation" in text
    tok = re.search(r"staff-confirm\+([a-z2-7]{32})@", text).group(1)
    c = listd.lmtp()
    _, rep = c.deliver("mod@example.org", [f"staff-confirm+{tok}@north.example.org"],
                       message(sender="mod@example.org", subject="Re: held", body="approve\n"))
    c.close()
    assert "approve" in rep[0]
    wait_until(lambda: any("alice@example.net" in m["rcpts"] for m in sink.messages),
               what="approved post delivered")
    listd.stop()
    assert len(digests) == 1 or len([m for m in sink.messages if "mod@example.org" in m["rcpts"]]) <= 2


def test_allow_lets_the_sender_post_from_now_on(ctl, district, listd, sink):
    listd.start()
    ctl.run("inject", LIST, input=message(sender="guest@example.org", to=LIST).encode(), check=0)
    post = ctl.json("held", "list", LIST)[0]["post"]
    ctl.run("held", "allow", LIST, str(post), check=0)
    wait_until(lambda: any("alice@example.net" in m["rcpts"] for m in sink.messages),
               what="allowed post delivered")
    rc, out, _ = ctl.run("inject", LIST, input=message(sender="guest@example.org", to=LIST,
                                                       subject="second").encode())
    assert rc == 0 and "accepted as post" in out
