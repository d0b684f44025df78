"""test_delivery.py - the delivery side of the real daemon against a real
SMTP sink that fails on purpose: relay down then up, per-recipient 4xx
deferral, 5xx recorded as failures, DATA refused; SIGTERM draining a
session in progress; SIGHUP reloading (and refusing a bad configuration);
urgent (owner) mail overtaking a long fan-out."""
import signal
import socket

import pytest

from mailtest import (Listd, SlowSink, bulk_members, db_rows, lmtp_post,
                      message, new_district, posts, queue_idle, wait_until)

LIST = "staff@north.example.org"
MEMBERS = ["alice@example.net", "bob@example.com", "carol@example.com",
           "owner@north.example.org"]


@pytest.fixture
def up(ctl, listd):
    new_district(ctl)
    return listd.start()


def post_settled(home, n_delivered, n_bounced=0):
    def ok():
        p = posts(home)[-1]
        return p["n_delivered"] == n_delivered and p["n_bounced"] == n_bounced
    wait_until(ok, 30, what=f"{n_delivered} delivered, {n_bounced} bounced")


def test_relay_down_then_up_delivers_everything_once(up, sink, home):
    sink.stop()
    assert lmtp_post(up, LIST).startswith("250 2.0.0 accepted")
    # The worker found the relay down and put the batch back with a back-off.
    wait_until(lambda: db_rows(home, "SELECT count(*) FROM batch WHERE "
                               "state = 'pending' AND attempts > 0 AND "
                               "last_error != ''")[0][0] > 0,
               20, what="a failed attempt recorded")
    assert posts(home)[0]["n_delivered"] == 0
    sink.start()                          # a new server on the same port
    sink.wait_recipients(4)
    post_settled(home, 4)
    wait_until(lambda: queue_idle(home), 10, what="an idle queue")
    assert sorted(sink.recipients()) == sorted(MEMBERS)


def test_recipient_4xx_is_deferred_then_delivered(up, sink, home):
    sink.fail_rcpt["bob@example.com"] = "450 4.2.1 mailbox busy"
    lmtp_post(up, LIST)
    sink.wait_recipients(3)
    post_settled(home, 3)
    assert pending_for_bob(home) == 1            # deferred, still counted
    assert "bob@example.com" not in sink.recipients()
    del sink.fail_rcpt["bob@example.com"]
    sink.wait_recipients(4)
    post_settled(home, 4)
    assert sorted(sink.recipients()) == sorted(MEMBERS)
    assert db_rows(home, "SELECT count(*) FROM delivery_failure")[0][0] == 0


def pending_for_bob(home):
    return db_rows(home, "SELECT count(*) FROM batch WHERE state = 'pending' "
                   "AND rcpts = 'bob@example.com'")[0][0]


def test_recipient_5xx_is_recorded_not_retried(up, sink, home):
    sink.fail_rcpt["carol@example.com"] = "550 5.1.1 no such user"
    lmtp_post(up, LIST)
    post_settled(home, 3, 1)
    wait_until(lambda: queue_idle(home), 10, what="an idle queue")
    rows = db_rows(home, "SELECT address, permanent, text FROM delivery_failure")
    assert len(rows) == 1 and rows[0][0] == "carol@example.com" and rows[0][1] == 1
    assert "no such user" in rows[0][2]
    assert "carol@example.com" not in sink.recipients()
    assert posts(home)[0]["state"] == "done"


def test_data_4xx_retries_the_whole_batch(up, sink, home):
    sink.data_code = "451 4.3.0 try again"
    lmtp_post(up, LIST)
    wait_until(lambda: db_rows(home, "SELECT max(attempts) FROM batch")[0][0] >= 1,
               20, what="a retried batch")
    assert sink.recipients() == []
    sink.data_code = None
    sink.wait_recipients(4)
    post_settled(home, 4)
    assert sorted(sink.recipients()) == sorted(MEMBERS)


def test_data_5xx_fails_every_recipient_of_the_batch(up, sink, home):
    sink.data_code = "554 5.6.0 content refused"
    lmtp_post(up, LIST)
    post_settled(home, 0, 4)
    assert db_rows(home, "SELECT count(*) FROM delivery_failure")[0][0] == 4
    assert db_rows(home, "SELECT state FROM batch") == [("failed",)]


def test_sigterm_lets_a_session_in_progress_finish(up, sink, home):
    c = up.lmtp()
    c.cmd("LHLO client")
    c.cmd("MAIL FROM:<alice@example.net>")
    c.cmd(f"RCPT TO:<{LIST}>")
    assert c.cmd("DATA").startswith("354")
    raw = message(to=LIST).replace("\n", "\r\n").encode()
    c.send_raw(raw[:40])
    up.proc.send_signal(signal.SIGTERM)
    wait_until(lambda: "draining sessions" in up.log.read_text(), 10,
               what="listd to start draining")
    with pytest.raises(OSError):          # no new sessions while draining
        socket.create_connection(("127.0.0.1", up.port), timeout=2).close()
    c.send_raw(raw[40:] + b".\r\n")
    rep = c.read_reply()
    assert rep.startswith("250 2.0.0 accepted as post"), rep
    assert up.wait_exit(40) == 0
    assert posts(home)[0]["state"] in ("queued", "done")
    # Whatever was not yet sent goes out after the restart.
    up.start()
    sink.wait_recipients(4)
    post_settled(home, 4)


def lhlo_size(d):
    c = d.lmtp()
    try:
        return [l for l in c.cmd("LHLO x").split("\n") if "SIZE" in l][0].split()[-1]
    finally:
        c.close()


def test_sighup_reloads_and_a_bad_config_keeps_the_old(ctl, sink, home):
    new_district(ctl)
    d = Listd(home, sink.port, extra_conf="[lmtp]\nmax_message_size = 64K\n").start()
    try:
        assert lhlo_size(d) == "65536"
        d.extra_conf = "[lmtp]\nmax_message_size = 32K\n"
        d.write_conf()
        d.proc.send_signal(signal.SIGHUP)
        wait_until(lambda: lhlo_size(d) == "32768", 10, what="the reload")
        # A broken file is refused as a whole: the running one stays.
        d.extra_conf = "[lmtp]\nmax_message_size = 8K\nno_such_key = 1\n"
        d.write_conf()
        d.proc.send_signal(signal.SIGHUP)
        wait_until(lambda: "config reload refused" in d.log.read_text(), 10,
                   what="the refusal logged")
        assert d.proc.poll() is None and lhlo_size(d) == "32768"
        # log_level: after a reload to error, intake writes no info lines.
        d.extra_conf = "[listd]\nlog_level = error\n[lmtp]\nmax_message_size = 16K\n"
        d.write_conf()
        d.proc.send_signal(signal.SIGHUP)
        wait_until(lambda: lhlo_size(d) == "16384", 10, what="the reload")
        before = d.log.read_text().count("lmtp reply")
        assert lmtp_post(d, LIST).startswith("250")
        sink.wait_recipients(4)
        assert d.log.read_text().count("lmtp reply") == before
    finally:
        d.stop()


def test_owner_mail_is_urgent_and_overtakes_a_fan_out(ctl, home, tmp_path):
    """Mail to list-owner@ is queued urgent: it goes out at the next claim,
    ahead of a fan-out's remaining batches, with one connection."""
    slow = SlowSink(tmp_path / "slow", delay=0.04)
    new_district(ctl)
    bulk_members(ctl, LIST, 400)
    d = Listd(home, slow.port, extra_conf="[delivery]\nconnections = 1\n"
              "batch_size = 10\n").start()
    try:
        assert lmtp_post(d, LIST).startswith("250 2.0.0 accepted as post 1 for 404")
        wait_until(lambda: len(slow.recipients()) > 0, 20, what="the fan-out")
        assert lmtp_post(d, "staff-owner@north.example.org",
                         sender="parent@example.org").startswith("250")
        def forwarded():
            with slow.lock:
                return [i for i, m in enumerate(slow.messages)
                        if b"List-Id:" not in m["data"]]
        at = wait_until(forwarded, 30, what="the owner's copy")[0]
        with slow.lock:
            before = sum(len(m["rcpts"]) for m in slow.messages[:at])
        assert before < 404, "the owner mail waited for the whole fan-out"
        slow.wait_recipients(405, timeout=60)
    finally:
        d.stop()
        slow.stop()


def test_inject_urgent_overtakes_a_bulk_fan_out(ctl, home, tmp_path):
    """listctl inject --urgent: the urgent post's batches all go out before
    the rest of a bulk post already being delivered."""
    slow = SlowSink(tmp_path / "slow", delay=0.03)
    new_district(ctl)
    bulk_members(ctl, LIST, 200)
    d = Listd(home, slow.port, extra_conf="[delivery]\nconnections = 1\n"
              "batch_size = 10\n").start()
    try:
        assert lmtp_post(d, LIST, subject="bulk").startswith("250 2.0.0 accepted")
        wait_until(lambda: len(slow.recipients()) > 0, 20, what="the fan-out")
        raw = message(sender="owner@north.example.org", to=LIST, subject="urgent")
        ctl.run("inject", LIST, "--urgent", "--sender", "owner@north.example.org",
                input=raw.encode(), check=0)
        slow.wait_recipients(2 * 204, timeout=60)
        with slow.lock:
            order = [b"Subject: urgent" in m["data"] for m in slow.messages]
        last_urgent = max(i for i, u in enumerate(order) if u)
        first_urgent = order.index(True)
        # Once the urgent post started, bulk batches only went out with the
        # last urgent claim (a claim takes up to 10 batches, urgent first,
        # and SQLite returns the claimed rows in no set order).
        between = order[first_urgent:last_urgent + 1].count(False)
        pic = "".join("U" if u else "b" for u in order)
        assert between < 10, pic
        assert order[-1] is False, "the bulk post finished first: " + pic
    finally:
        d.stop()
        slow.stop()
