"""test_web_moderation.py - the moderation queue in the browser's place:
held posts previewed safely (script in a post never reaches the page),
decisions on several posts at once written as intents the real daemon
carries out, an approved post reaching the members and the archive, and
hostile decisions (unknown ids, another list's posts, bad actions)."""
import re

from mailtest import message, wait_until
from webtest import site  # noqa: F401  (fixture)

LIST = "staff@north.example.org"
HELD = "/admin/d/north/lists/staff/held"

EVIL = ("From: Mallory <stranger@example.org>\nTo: staff@north.example.org\n"
        "Subject: Evil <script>alert(1)</script>\nMessage-ID: <evil@example.org>\n"
        "Date: Fri, 27 Nov 2026 10:00:00 +0000\nMIME-Version: 1.0\n"
        "Content-Type: text/html; charset=utf-8\n\n"
        "<p>Hi<script>alert('x')</script><img src=x onerror=alert(2)>"
        "<a href=\"javascript:alert(3)\">click</a></p>\n")


def held_ids(ctl):
    return [h["post"] for h in ctl.json("held", "list", LIST)]


def test_preview_is_sanitised_and_shows_the_reason(site, ctl):
    ctl.run("inject", LIST, input=EVIL.encode(), check=0)
    r = site.web("north-mod").get(HELD)
    assert r.status == 200
    assert "not a member" in r.text
    body = r.text.split("<main>", 1)[1]
    assert "<script" not in body and "onerror" not in body and "javascript:" not in body
    assert "Evil &lt;script&gt;" in body


def test_approve_several_at_once_reaches_members_and_archive(site, ctl, sink):
    for i in range(2):
        ctl.run("inject", LIST, input=message(sender=f"guest{i}@example.org", to=LIST,
                                              subject=f"Field trip {i}").encode(), check=0)
    ids = held_ids(ctl)
    assert len(ids) == 2
    w = site.web("north-mod")
    w.get(HELD)
    r = w.post(HELD, [("id", str(ids[0])), ("id", str(ids[1])), ("action", "approve")])
    assert r.status == 200 and "2 posts marked approve" in r.text
    sink.wait_recipients(6)
    wait_until(lambda: held_ids(ctl) == [], what="held rows carried out")
    admin = site.web("north-admin")
    page = wait_until(lambda: (lambda p: p if "Field trip 1" in p.text else None)(
        admin.get("/d/north/archive/staff/search?q=field+trip")), what="post in the archive")
    link = re.search(r'href="(/d/north/archive/staff/m/[0-9a-f]+\.html)"', page.text).group(1)
    msg = admin.get(link)
    assert msg.status == 200 and "Field trip" in msg.text
    assert "Content-Security-Policy" in msg.headers
    # Private archive: the public is refused, members' staff are not.
    assert site.web().get("/d/north/archive/staff/").status == 403
    assert site.web("south-admin").get("/d/north/archive/staff/").status == 403


def test_reject_with_reason_discard_and_allow(site, ctl):
    for i in range(3):
        ctl.run("inject", LIST, input=message(sender=f"s{i}@example.org", to=LIST).encode(), check=0)
    ids = held_ids(ctl)
    w = site.web("north-owner")
    w.get(HELD)
    assert w.post(HELD, [("id", str(ids[0])), ("action", "reject"),
                         ("note", "Off topic")]).status == 200
    assert w.post(HELD, [("id", str(ids[1])), ("action", "discard")]).status == 200
    assert w.post(HELD, [("id", str(ids[2])), ("action", "allow")]).status == 200
    # Deciding twice is refused.
    assert w.post(HELD, [("id", str(ids[1])), ("action", "approve")]).status == 404


def test_hostile_decisions_change_nothing(site, ctl):
    ctl.run("list", "create", "other@north.example.org", check=0)
    ctl.run("inject", "other@north.example.org",
            input=message(sender="x@example.org", to="other@north.example.org").encode(), check=0)
    other_id = ctl.json("held", "list", "other@north.example.org")[0]["post"]
    ctl.run("inject", LIST, input=message(sender="y@example.org", to=LIST).encode(), check=0)
    w = site.web("north-mod")   # moderator of staff only
    w.get(HELD)
    for fields in ([("id", str(other_id)), ("action", "approve")],   # another list's post
                   [("id", "99999"), ("action", "approve")],
                   [("id", "1; DROP TABLE post"), ("action", "approve")],
                   [("id", "-1"), ("action", "approve")]):
        assert w.post(HELD, fields).status == 404, fields
    assert w.post(HELD, [("id", "1"), ("action", "delete-everything")]).status == 400
    assert w.post(HELD, [("action", "approve")]).status == 400
    assert w.post(HELD, [("id", "1"), ("action", "reject"), ("note", "a\r\nb")]).status == 400
    assert len(held_ids(ctl)) == 1
    assert site.web("north-mod").get("/admin/d/north/lists/other/held").status == 403
    assert len(ctl.json("held", "list", "other@north.example.org")) == 1
