"""test_personal.py - per-member copies: each member's copy carries its own
signed RFC 8058 one-click List-Unsubscribe URL and a VERP return path that
names the member; a bounce to that VERP address scores exactly that member,
and a forged VERP token scores nobody. Large lists (over the auto limit)
and roster lists get shared batches without per-member links."""
import re
import urllib.parse

from mailtest import message, wait_until

LIST = "staff@north.example.org"


def test_each_copy_has_its_own_signed_link_and_verp(ctl, district, listd, sink):
    listd.start()
    ctl.run("inject", LIST, input=message(to=LIST).encode(), check=0)
    sink.wait_recipients(4)
    assert all(len(m["rcpts"]) == 1 for m in sink.messages)
    links = {}
    for m in sink.messages:
        rcpt = m["rcpts"][0]
        head = m["data"].split(b"\r\n\r\n")[0].decode()
        assert "List-Unsubscribe-Post: List-Unsubscribe=One-Click" in head
        url = re.search(r"List-Unsubscribe: <(http[^>]+)>", head).group(1)
        q = urllib.parse.parse_qs(urllib.parse.urlparse(url).query)
        assert q["a"] == [rcpt]
        links[rcpt] = q["s"][0]
        assert re.fullmatch(r"staff-bounces\+m\d+-[a-z2-7]{12}@north\.example\.org", m["from"])
        assert head.count("List-Unsubscribe:") == 1
    assert len(set(links.values())) == 4


def test_verp_bounce_scores_that_member_and_forgery_nobody(ctl, district, listd, sink):
    from test_bounce_flow import dsn
    listd.start()
    ctl.run("inject", LIST, input=message(to=LIST).encode(), check=0)
    sink.wait_recipients(4)
    bob = [m for m in sink.messages if m["rcpts"] == ["bob@example.com"]][0]["from"]
    c = listd.lmtp()
    # The DSN names nobody we know; the VERP address names bob.
    _, rep = c.deliver("", [bob], dsn("old-alias@example.com", to=bob))
    assert "VERP): 1 members scored" in rep[0]
    forged = re.sub(r"-[a-z2-7]{12}@", "-aaaaaaaaaaaa@", bob)
    _, rep = c.deliver("", [forged], dsn("x@example.com", to=forged, n=2))
    assert "unknown token" in rep[0]
    c.close()


def test_roster_and_opted_out_lists_share_batches(ctl, district, listd, sink):
    ctl.run("list", "set", LIST, "--personalize", "no", check=0)
    listd.start()
    ctl.run("inject", LIST, input=message(to=LIST).encode(), check=0)
    sink.wait_recipients(4)
    assert len(sink.messages) == 1
    head = sink.messages[0]["data"].split(b"\r\n\r\n")[0].decode()
    assert "One-Click" not in head
    assert "staff-leave@north.example.org" in head
    assert sink.messages[0]["from"] == "staff-bounces@north.example.org"
    assert ctl.run("list", "set", LIST, "--personalize", "sometimes")[0] == 64
