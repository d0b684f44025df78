"""test_pipeline.py - the posting pipeline as the members see it: list
headers on the delivered copy, subject prefix, footers on each body shape,
DMARC From rewriting, sender policies (members, moderated, announce and the
non-member action), loops and bounces sent to the list. Every case goes
through the real daemon over LMTP and is checked at the real SMTP sink."""
import pytest

from mailtest import (lmtp_post, message, new_district, parse_mail, posts,
                      queue_idle, set_list, wait_until)

LIST = "staff@north.example.org"
MEMBERS = 4     # three members and the owner


@pytest.fixture
def up(ctl, listd):
    new_district(ctl)
    return listd.start()


def list_copies(sink):
    """Transactions carrying a list copy (notices to moderators are not)."""
    with sink.lock:
        msgs = list(sink.messages)
    return [m for m in msgs if b"X-Loop: staff@north.example.org" in m["data"]
            and "-request@" not in str(parse_mail(m["data"])["From"])]


def delivered(sink, n=MEMBERS):
    """The one delivered list copy (all recipients get the same bytes)."""
    wait_until(lambda: sum(len(m["rcpts"]) for m in list_copies(sink)) >= n,
               30, what=f"{n} list copies at the sink")
    copies = list_copies(sink)
    assert len({m["data"] for m in copies}) == 1
    return parse_mail(copies[0]["data"])


def nothing_sent(home, sink, author="stranger@example.org"):
    """The post produced no list copy and nothing went back to its author
    (moderators may be told of a held post)."""
    wait_until(lambda: queue_idle(home), 10, what="an idle queue")
    assert list_copies(sink) == []
    assert author not in sink.recipients()
    assert "alice@example.net" not in sink.recipients()


def test_list_headers_on_the_delivered_copy(up, sink):
    rep = lmtp_post(up, LIST, headers="List-Id: <other.example.com>\n"
                    "List-Post: <mailto:evil@example.com>\nPrecedence: junkish\n")
    assert rep.startswith("250 2.0.0 accepted"), rep
    m = delivered(sink)
    assert m["List-Id"] == '"North staff" <staff.north.example.org>'
    assert m["List-Post"] == "<mailto:staff@north.example.org>"
    assert m["List-Help"] == "<mailto:staff-request@north.example.org?subject=help>"
    assert "<mailto:staff-join@north.example.org>" in m["List-Subscribe"]
    assert "<mailto:staff-leave@north.example.org>" in m["List-Unsubscribe"]
    assert "/d/north/archive/staff/" in m["List-Archive"]
    assert m["List-Owner"] == "<mailto:staff-owner@north.example.org>"
    assert m["Precedence"] == "list"
    assert m["X-Loop"] == "staff@north.example.org"
    for h in ("List-Id", "List-Post", "Precedence"):      # upstream ones gone
        assert len(m.get_all(h)) == 1, h
    assert sink.messages[0]["from"] == "staff-bounces@north.example.org"
    assert sorted(sink.recipients()) == sorted(
        ["alice@example.net", "bob@example.com", "carol@example.com",
         "owner@north.example.org"])


@pytest.mark.parametrize("subject,want", [
    ("Lunch", "[staff] Lunch"),
    ("Re: [staff] Lunch", "Re: [staff] Lunch"),
    ("RE: Re: [STAFF] Lunch", "RE: Re: [STAFF] Lunch"),
    ("=?utf-8?q?Re=3A_=5Bstaff=5D_caf=C3=A9?=", "Re: [staff] café"),
    ("", "[staff] "),
])
def test_subject_prefix_added_once(ctl, listd, sink, subject, want):
    new_district(ctl, subject_prefix="[staff]")
    listd.start()
    assert lmtp_post(listd, LIST, subject=subject).startswith("250")
    assert delivered(sink)["Subject"].strip() == want.strip()


def test_footer_on_text_plain(ctl, listd, sink):
    new_district(ctl, footer="Manage: https://lists.example/staff")
    listd.start()
    lmtp_post(listd, LIST, body="Caf\u00e9 on Friday.\n")
    m = delivered(sink)
    assert m.get_content_type() == "text/plain"
    text = m.get_content()
    assert text.startswith("Caf\u00e9 on Friday.\n")
    assert text.rstrip().endswith("-- \nManage: https://lists.example/staff")


def test_footer_on_latin1_quoted_printable_text(ctl, listd, sink):
    new_district(ctl, footer="Pied de page \u00e9t\u00e9")
    listd.start()
    raw = ("From: Alice <alice@example.net>\nTo: staff@north.example.org\n"
           "Subject: latin\nMessage-ID: <latin1@example.net>\nMIME-Version: 1.0\n"
           "Content-Type: text/plain; charset=iso-8859-1\n"
           "Content-Transfer-Encoding: quoted-printable\n\nCaf=E9 cr=E8me\n")
    c = listd.lmtp()
    assert c.deliver("alice@example.net", [LIST], raw)[1][0].startswith("250")
    c.close()
    text = delivered(sink).get_content()
    assert "Caf\u00e9 cr\u00e8me" in text and "Pied de page \u00e9t\u00e9" in text


MIXED = """From: Alice <alice@example.net>
To: staff@north.example.org
Subject: with attachment
Message-ID: <mixed@example.net>
MIME-Version: 1.0
Content-Type: multipart/mixed; boundary="b1"

--b1
Content-Type: text/plain; charset=utf-8

See attached.
--b1
Content-Type: application/pdf; name="a.pdf"
Content-Disposition: attachment; filename="a.pdf"
Content-Transfer-Encoding: base64

JVBERi0xLjQKJcOkw7zDtsOfCg==
--b1--
"""

ALTERNATIVE = """From: Alice <alice@example.net>
To: staff@north.example.org
Subject: html mail
Message-ID: <alt@example.net>
MIME-Version: 1.0
Content-Type: multipart/alternative; boundary="a1"

--a1
Content-Type: text/plain; charset=utf-8

Plain words.
--a1
Content-Type: text/html; charset=utf-8

<p>Plain <b>words</b>.</p>
--a1--
"""


def test_footer_on_multipart_mixed_is_a_last_part(ctl, listd, sink):
    new_district(ctl, footer="FOOTER-MIXED")
    listd.start()
    c = listd.lmtp()
    assert c.deliver("alice@example.net", [LIST], MIXED)[1][0].startswith("250")
    c.close()
    m = delivered(sink)
    parts = list(m.iter_parts())
    assert m.get_content_type() == "multipart/mixed"
    assert [p.get_content_type() for p in parts] == [
        "text/plain", "application/pdf", "text/plain"]
    assert parts[1].get_content() == b"%PDF-1.4\n%\xc3\xa4\xc3\xbc\xc3\xb6\xc3\x9f\n"
    assert "FOOTER-MIXED" in parts[2].get_content()


def test_footer_on_multipart_alternative_wraps_it(ctl, listd, sink):
    new_district(ctl, footer="FOOTER-ALT")
    listd.start()
    c = listd.lmtp()
    assert c.deliver("alice@example.net", [LIST], ALTERNATIVE)[1][0].startswith("250")
    c.close()
    m = delivered(sink)
    assert m.get_content_type() == "multipart/mixed"
    alt, foot = list(m.iter_parts())
    assert alt.get_content_type() == "multipart/alternative"
    assert [p.get_content_type() for p in alt.iter_parts()] == [
        "text/plain", "text/html"]
    assert "FOOTER-ALT" not in alt.as_string()      # the original is untouched
    assert "FOOTER-ALT" in foot.get_content()


def test_dmarc_rewrite_keeps_the_author_reachable(up, sink):
    lmtp_post(up, LIST)
    m = delivered(sink)
    assert m["From"].addresses[0].addr_spec == "staff@north.example.org"
    assert "Alice" in m["From"].addresses[0].display_name
    assert m["Reply-To"].addresses[0].addr_spec == "alice@example.net"
    assert "alice@example.net" in m["X-Original-From"]


def test_dmarc_rewrite_keeps_an_existing_reply_to(up, sink):
    lmtp_post(up, LIST, headers="Reply-To: Team <team@example.net>\n")
    m = delivered(sink)
    assert m["From"].addresses[0].addr_spec == "staff@north.example.org"
    assert [a.addr_spec for a in m["Reply-To"].addresses] == ["team@example.net"]


@pytest.mark.parametrize("author", ["owner@north.example.org",
                                    "teacher@school1.north.example.org"])
def test_dmarc_own_domain_is_exempt(ctl, listd, sink, author):
    new_district(ctl, policy="open")
    listd.start()
    assert lmtp_post(listd, LIST, sender=author).startswith("250")
    m = delivered(sink)
    assert m["From"].addresses[0].addr_spec == author
    assert m["X-Original-From"] is None


def test_dmarc_look_alike_domain_is_not_exempt(ctl, listd, sink):
    new_district(ctl, policy="open")
    listd.start()
    lmtp_post(listd, LIST, sender="mallory@evilnorth.example.org")
    assert delivered(sink)["From"].addresses[0].addr_spec == "staff@north.example.org"


def test_dmarc_leave(ctl, listd, sink):
    new_district(ctl, dmarc="leave")
    listd.start()
    lmtp_post(listd, LIST)
    m = delivered(sink)
    assert m["From"].addresses[0].addr_spec == "alice@example.net"
    assert m["X-Original-From"] is None


@pytest.mark.parametrize("action,want,state", [
    ("hold", "250 2.0.0 held for moderation", "held"),
    ("reject", "550 5.7.1 the sender is not a member", "rejected"),
    ("discard", "250 2.0.0 accepted: the sender is not a member", "discarded"),
])
def test_nonmember_action(ctl, listd, sink, home, action, want, state):
    new_district(ctl, policy="members", nonmember=action)
    listd.start()
    rep = lmtp_post(listd, LIST, sender="stranger@example.org")
    assert rep.startswith(want), rep
    # Only the list post: the moderators' notice of a held post is mail of
    # listd's own (kind notice), queued whenever the maintenance pass runs.
    assert [p["state"] for p in posts(home, kind="post")] == [state]
    nothing_sent(home, sink)


def test_member_posts_by_envelope_when_from_differs(up, sink):
    # From is a non-member, the envelope sender is a member: accepted.
    c = up.lmtp()
    raw = message(sender="alias@example.org", to=LIST)
    assert c.deliver("bob@example.com", [LIST], raw)[1][0].startswith("250 2.0.0 accepted")
    c.close()
    delivered(sink)


def test_moderated_list_holds_members_passes_owner(ctl, listd, sink, home):
    new_district(ctl, policy="moderated")
    listd.start()
    assert lmtp_post(listd, LIST, sender="bob@example.com").startswith(
        "250 2.0.0 held for moderation: the list is moderated")
    assert lmtp_post(listd, LIST, sender="owner@north.example.org").startswith(
        "250 2.0.0 accepted")
    delivered(sink)
    assert [p["state"] for p in posts(home)][0] == "held"


def test_announce_list(ctl, listd, sink, home):
    new_district(ctl, policy="announce", nonmember="reject")
    listd.start()
    rep = lmtp_post(listd, LIST, sender="bob@example.com")
    assert rep.startswith("550 5.7.1 only the list's owners"), rep
    assert lmtp_post(listd, LIST, sender="owner@north.example.org").startswith("250")
    assert delivered(sink)["List-Post"] == "NO"


@pytest.mark.parametrize("header", [
    "List-Id: North staff <staff.north.example.org>\n",
    "X-Loop: staff@north.example.org\n",
    "X-Loop: STAFF@North.Example.Org\n",
    "X-Loop: other@example.com\nX-Loop: <staff@north.example.org>\n",
])
def test_looped_post_is_discarded(up, sink, home, header):
    rep = lmtp_post(up, LIST, headers=header)
    assert rep.startswith("250 2.0.0 accepted: loop"), rep
    assert [p["state"] for p in posts(home)] == ["discarded"]
    nothing_sent(home, sink)


@pytest.mark.parametrize("headers", [
    "List-Id: <staff.south.example.org>\nX-Loop: staff@south.example.org\n",
    "X-Loop: bigstaff@north.example.org\n",          # not a substring match
    "X-Loop: staff@north.example.org.evil.example\n",
])
def test_another_lists_headers_are_no_loop(up, sink, headers):
    rep = lmtp_post(up, LIST, headers=headers)
    assert rep.startswith("250 2.0.0 accepted as post"), rep
    delivered(sink)


def test_too_many_received_is_rejected(up, sink, home):
    hops = "".join(f"Received: from h{i}.example by h{i+1}.example; "
                   "Fri, 27 Nov 2026 10:00:00 +0000\n" for i in range(31))
    rep = lmtp_post(up, LIST, headers=hops)
    assert rep.startswith("554 5.4.6 too many Received"), rep
    nothing_sent(home, sink)


def test_thirty_received_still_pass(up, sink):
    hops = "".join(f"Received: from h{i}.example by h{i+1}.example; "
                   "Fri, 27 Nov 2026 10:00:00 +0000\n" for i in range(30))
    assert lmtp_post(up, LIST, headers=hops).startswith("250 2.0.0 accepted as post")
    delivered(sink)


def test_null_sender_is_discarded(up, sink, home):
    c = up.lmtp()
    rr, dr = c.deliver("", [LIST], message(sender="mailer-daemon@example.net", to=LIST))
    c.close()
    assert dr[0].startswith("250 2.0.0 accepted: a bounce"), dr
    assert [p["state"] for p in posts(home)] == ["discarded"]
    nothing_sent(home, sink)


@pytest.mark.parametrize("header", ["Auto-Submitted: auto-replied\n",
                                    "Precedence: bulk\n", "X-Autoreply: yes\n"])
def test_automatic_reply_is_held(up, sink, home, header):
    rep = lmtp_post(up, LIST, sender="bob@example.com", headers=header)
    assert rep.startswith("250 2.0.0 held for moderation: suspected loop"), rep
    nothing_sent(home, sink)


def test_owner_address_forwards_to_owners_only(ctl, listd, sink):
    new_district(ctl)
    ctl.run("member", "add", LIST, "second-owner@example.com", "--role", "owner",
            check=0)
    listd.start()
    rep = lmtp_post(listd, "staff-owner@north.example.org", sender="parent@example.org")
    assert rep.startswith("250 2.0.0 accepted as post"), rep
    sink.wait_recipients(2)
    assert sorted(sink.recipients()) == ["owner@north.example.org",
                                         "second-owner@example.com"]
    assert "List-Id" not in parse_mail(sink.messages[0]["data"])   # as it came


def test_settings_change_applies_to_the_next_post(ctl, listd, sink):
    new_district(ctl)
    listd.start()
    lmtp_post(listd, LIST, subject="one")
    delivered(sink)
    set_list(ctl, LIST, subject_prefix="[new]")
    lmtp_post(listd, LIST, subject="two")
    sink.wait_recipients(2 * MEMBERS)
    subjects = {parse_mail(m["data"])["Subject"] for m in sink.messages}
    assert subjects == {"one", "[new] two"}


def test_post_looping_between_two_lists_stops(ctl, sink, home):
    """staff@ has team@ as a member and team@ has staff@: the copy that
    comes back to staff@ carries staff's X-Loop and is discarded."""
    from mailtest import Listd, message
    new_district(ctl, members=("team@north.example.org",), policy="open")
    # team@ adds a footer, so the copy that returns differs in its body
    # and only the loop check (not the duplicate check) can stop it.
    ctl.run("list", "create", "team@north.example.org", "--policy", "open",
            "--personalize", "no", "--footer", "team list", check=0)
    ctl.run("member", "add", "team@north.example.org", "staff@north.example.org", check=0)
    d = Listd(home, sink.port).start()
    try:
        c = d.lmtp()
        _, rep = c.deliver("alice@example.net", ["staff@north.example.org"],
                           message(to="staff@north.example.org"))
        assert rep[0].startswith("250")
        wait_until(lambda: any("team@north.example.org" in m["rcpts"] for m in sink.messages),
                   what="copy to team@")
        copy = [m for m in sink.messages if "team@north.example.org" in m["rcpts"]][0]["data"]
        _, rep = c.deliver("staff-bounces@north.example.org", ["team@north.example.org"], copy)
        assert rep[0].startswith("250") and "accepted as post" in rep[0]
        wait_until(lambda: any("staff@north.example.org" in m["rcpts"] for m in sink.messages),
                   what="copy back to staff@")
        back = [m for m in sink.messages if "staff@north.example.org" in m["rcpts"]][0]["data"]
        assert back.count(b"X-Loop:") == 2
        _, rep = c.deliver("team-bounces@north.example.org", ["staff@north.example.org"], back)
        assert rep[0].startswith("250") and "loop" in rep[0]
        c.close()
    finally:
        d.stop()
