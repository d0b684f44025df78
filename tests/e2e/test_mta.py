"""test_mta.py - listctl mta postfix and a real Postfix in front of listd.
The maps name every address form of every list, follow list and district
changes, and are replaced whole or not at all. With a private Postfix
instance (started and stopped by the test): a post sent into Postfix by
SMTP reaches listd over LMTP through the generated transport map and comes
back out through Postfix to the sink; an unknown list address is refused at
RCPT time; a bounce to the VERP address finds its member."""
import re
import smtplib
import subprocess

import pytest

import postfix
from mailtest import Listd, Sink, db_rows, wait_until, message

LIST = "staff@north.example.org"
FORMS = ("", "-request", "-owner", "-join", "-leave", "-confirm", "-bounces")


def maps(home):
    d = home / "postfix"
    return {n: (d / n).read_text() for n in ("listd_transport", "listd_domains",
                                              "listd_recipients")}


def setup_list(ctl, members=("alice@example.net", "bob@example.com",
                             "carol@example.com")):
    ctl.run("district", "add", "north", "--domain", "north.example.org",
            "--name", "North", check=0)
    ctl.run("list", "create", LIST, "--kind", "discussion", check=0)
    for a in members:
        ctl.run("member", "add", LIST, a, check=0)


def test_maps_name_every_form_and_follow_changes(ctl, home):
    setup_list(ctl)
    ctl.run("district", "add", "south", "--domain", "south.example.org",
            "--name", "South", check=0)
    ctl.run("list", "create", "news@south.example.org", check=0)
    m = maps(home)
    for f in FORMS:
        assert f"staff{f}@north.example.org lmtp:inet:127.0.0.1:2424\n" in m["listd_transport"]
        assert f"news{f}@south.example.org OK\n" in m["listd_recipients"]
    assert "north.example.org OK\n" in m["listd_domains"]
    assert "south.example.org OK\n" in m["listd_domains"]
    ctl.run("list", "remove", "news@south.example.org", check=0)
    assert "news@" not in maps(home)["listd_transport"]
    ctl.run("district", "remove", "south", check=0)
    assert "south.example.org" not in maps(home)["listd_domains"]
    out = ctl.json("mta", "postfix")
    assert out["districts"] == 1 and out["lists"] == 1


def test_transport_follows_the_lmtp_socket(ctl, home):
    (home / "listd.conf").write_text("[lmtp]\nsocket = /run/listd/lmtp.sock\n")
    setup_list(ctl)
    assert f"{LIST} lmtp:unix:/run/listd/lmtp.sock\n" in maps(home)["listd_transport"]


def test_hostile_transport_is_refused_and_maps_kept(ctl, home):
    setup_list(ctl)
    before = maps(home)
    (home / "listd.conf").write_text("[mta]\ntransport = lmtp:inet:x OK\\nevil@x\n")
    rc, _, err = ctl.run("mta", "postfix")
    assert rc == 78 and "transport" in err
    # The list is still created; the warning says the maps were not updated.
    rc, _, err = ctl.run("list", "create", "news@north.example.org")
    assert rc == 0 and "not updated" in err
    assert maps(home) == before


def test_failing_postmap_leaves_old_maps_and_no_debris(ctl, home, tmp_path):
    setup_list(ctl)
    before = maps(home)
    ctl.run("list", "create", "news@north.example.org", check=0)
    after_create = maps(home)
    assert after_create != before
    bad = tmp_path / "postmap"
    bad.write_text("#!/bin/sh\nexit 3\n")
    bad.chmod(0o755)
    rc, _, err = ctl.run("mta", "postfix", "--postmap", str(bad))
    assert rc == 75 and "exit 3" in err
    rc, _, err = ctl.run("mta", "postfix", "--postmap", str(tmp_path / "nothing"))
    assert rc == 75
    assert maps(home) == after_create
    assert sorted(p.name for p in (home / "postfix").iterdir()) == [
        "listd_domains", "listd_recipients", "listd_transport"]


def test_unwritable_map_dir_is_a_clear_error(ctl, home, tmp_path):
    setup_list(ctl)
    blocker = tmp_path / "file"
    blocker.write_text("x")
    rc, _, err = ctl.run("mta", "postfix", "--dir", str(blocker / "maps"))
    assert rc == 75 and "cannot create" in err
    assert ctl.run("mta", "postfix", "--bogus")[0] == 64


def test_postmap_builds_maps_postfix_can_query(ctl, home):
    if postfix.unavailable():
        pytest.skip(postfix.unavailable())
    setup_list(ctl)
    ctl.run("mta", "postfix", "--postmap", "/usr/sbin/postmap", check=0)
    q = subprocess.run(["/usr/sbin/postmap", "-q", "staff-confirm@north.example.org",
                        f"hash:{home}/postfix/listd_transport"], capture_output=True)
    assert q.stdout.decode().strip() == "lmtp:inet:127.0.0.1:2424"


def test_real_postfix_in_front_of_listd(ctl, home, tmp_path):
    why = postfix.unavailable()
    if why:
        pytest.skip(f"cannot run a private Postfix here: {why}")
    sink = Sink(tmp_path / "sink")
    pf = postfix.Postfix(sink.port, home / "postfix")
    d = Listd(home, pf.port, extra_conf="[mta]\npostmap = /usr/sbin/postmap\n")
    try:
        d.write_conf()
        setup_list(ctl)
        tr = maps(home)["listd_transport"]
        assert f"lmtp:inet:127.0.0.1:{d.port}" in tr
        d.start()
        pf.start()
        with smtplib.SMTP("127.0.0.1", pf.port, timeout=30) as s:
            s.sendmail("alice@example.net", [LIST],
                       message(to=LIST, subject="Through Postfix").encode())
            # Unknown list: refused at RCPT, so Postfix never bounces later.
            with pytest.raises(smtplib.SMTPRecipientsRefused) as e:
                s.sendmail("alice@example.net", ["nosuch@north.example.org"],
                           message(to="nosuch@north.example.org").encode())
            code, text = e.value.recipients["nosuch@north.example.org"]
            assert code == 550 and b"5.1.1" in text
        want = {"alice@example.net", "bob@example.com", "carol@example.com"}
        wait_until(lambda: want <= set(sink.recipients()), 60,
                   what=f"post through Postfix at the sink; postfix log: {pf.log()[-1500:]}")
        post = [m for m in sink.messages if b"Through Postfix" in m["data"]]
        assert b"Received: from" in post[0]["data"] and b"mx.postfix.test" in post[0]["data"]
        bob = [m for m in post if "bob@example.com" in m["rcpts"]][0]
        verp = bob["from"]
        assert re.fullmatch(r"staff-bounces\+[^@]+@north\.example\.org", verp), verp
        # A DSN for bob to his VERP address goes through Postfix to listd.
        dsn = ("From: MAILER-DAEMON@mx.example.com\nTo: " + verp + "\n"
               "Subject: Undelivered Mail\nMessage-ID: <dsn1@mx.example.com>\n"
               "MIME-Version: 1.0\nContent-Type: multipart/report; "
               "report-type=delivery-status; boundary=\"B\"\n\n--B\n"
               "Content-Type: text/plain\n\nfailed\n\n--B\n"
               "Content-Type: message/delivery-status\n\nReporting-MTA: dns; mx.example.com\n\n"
               "Final-Recipient: rfc822; bob@example.com\nAction: failed\nStatus: 5.1.1\n\n--B--\n")
        with smtplib.SMTP("127.0.0.1", pf.port, timeout=30) as s:
            s.sendmail("", [verp], dsn.encode())

        def bob_scored():
            return db_rows(home, "SELECT b.score FROM bounce b JOIN member m ON "
                           "m.id = b.member_id WHERE m.address = 'bob@example.com'")
        rows = wait_until(bob_scored, 60, what=f"bob scored; postfix log: {pf.log()[-1500:]}")
        assert rows[0][0] > 0
        # A list created while Postfix runs is known to it at once.
        ctl.run("list", "create", "news@north.example.org", check=0)
        with smtplib.SMTP("127.0.0.1", pf.port, timeout=30) as s:
            s.sendmail("alice@example.net", ["news-request@north.example.org"],
                       message(to="news-request@north.example.org", subject="help").encode())
    finally:
        pf.remove()
        d.stop()
        sink.stop()
