"""test_promises.py - one test (or a small family) per promise of DESIGN.md
that concerns the mail path, each trying to break it with the real daemon:
faults at every durable step (P1), policy as replies (P2), kill -9 in the
middle of a 5,000-member fan-out (P3, P4), a poison message (P5), a full
disk (P6), the MTA delivering twice (P7) and DATA smuggling (P9)."""
import signal

import pytest

from mailtest import (Listd, SlowSink, bulk_members, db_rows, lmtp_post,
                      message, new_district, parse_mail, pending_rcpts, posts,
                      queue_idle, spool_files, start_until_exit, wait_until)

LIST = "staff@north.example.org"
MEMBERS = 4
CONNECTIONS = 4         # listd's default [delivery] connections
BATCH = 100             # listd's default [delivery] batch_size
FANOUT = 5000


def settled(home, n):
    wait_until(lambda: queue_idle(home) and posts(home)
               and sum(p["n_delivered"] for p in posts(home)) == n, 30,
               what=f"{n} recipients delivered and an idle queue")


# --- P1: an acknowledged message is durable; any failure before is 451 ---

@pytest.mark.parametrize("fault", [
    "spool.write:1", "spool.fsync:1", "spool.rename:1", "spool.dirsync:1",
    "store.commit:1", "intake.record:1", "intake.commit:1"])
def test_p1_fault_at_each_step_is_451_then_the_retry_posts_once(
        ctl, sink, home, fault):
    new_district(ctl)
    d = Listd(home, sink.port, env={"LISTD_FAULT": fault}).start()
    try:
        raw = message(to=LIST, msgid="<p1@example.net>")
        c = d.lmtp()
        rr, dr = c.deliver("alice@example.net", [LIST], raw)
        assert dr[0].startswith("451 4.3.0"), f"{fault}: {dr}"
        # Nothing half-stored: no post, no batch, no temporary spool file.
        assert posts(home) == []
        assert db_rows(home, "SELECT count(*) FROM batch")[0][0] == 0
        assert all(f.endswith(".eml") for f in spool_files(home)), spool_files(home)
        # The MTA's retry (same bytes) succeeds, exactly once.
        rr, dr = c.deliver("alice@example.net", [LIST], raw, lhlo=False)
        assert dr[0].startswith("250 2.0.0 accepted as post"), f"{fault}: {dr}"
        c.close()
        sink.wait_recipients(MEMBERS)
        settled(home, MEMBERS)
        assert len(posts(home)) == 1 and len(sink.recipients()) == MEMBERS
    finally:
        d.stop()


def test_p1_acknowledged_post_survives_kill_9(ctl, sink, home):
    new_district(ctl)
    sink.stop()                               # nothing can be sent yet
    d = Listd(home, sink.port).start()
    assert lmtp_post(d, LIST).startswith("250 2.0.0 accepted")
    d.kill()
    sink.start()
    d.start()
    try:
        sink.wait_recipients(MEMBERS)
        settled(home, MEMBERS)
    finally:
        d.stop()


# --- P2: policy decisions are replies in the session, never bounces ---

def test_p2_refusals_are_replies_and_nothing_is_sent_later(ctl, sink, home):
    new_district(ctl, policy="members", nonmember="reject", max_size=3000)
    d = Listd(home, sink.port).start()
    try:
        c = d.lmtp()
        c.cmd("LHLO mta")
        c.cmd("MAIL FROM:<stranger@example.org>")
        assert c.cmd("RCPT TO:<nobody@north.example.org>").startswith("550 5.1.1")
        assert c.cmd("RCPT TO:<staff@elsewhere.example>").startswith("550 5.1.1")
        c.cmd("RSET")
        big = message(to=LIST, body=("b" * 70 + "\n") * 60)
        hops = "".join(f"Received: from h{i}\n" for i in range(40))
        cases = [("stranger@example.org",
                  message(sender="stranger@example.org", to=LIST), "550 5.7.1"),
                 ("alice@example.net", big, "552 5.3.4"),
                 ("alice@example.net", message(to=LIST, headers=hops), "554 5.4.6")]
        for sender, raw, want in cases:
            rr, dr = c.deliver(sender, [LIST], raw, lhlo=False)
            assert dr[0].startswith(want), dr
        c.close()
        # No bounce, no notice: nothing queued, nothing ever at the relay.
        wait_until(lambda: queue_idle(home), 10, what="an idle queue")
        assert db_rows(home, "SELECT count(*) FROM batch")[0][0] == 0
        assert sink.messages == []
    finally:
        d.stop()


# --- P3, P4: at least once, duplicates bounded, everyone accounted for ---

def fanout_after_crash(ctl, home, sink, crash_env, kill_when=None):
    """Post to a 5,000-member list, let listd die mid fan-out (a crash point
    or a SIGKILL once kill_when() holds), restart it, and wait until every
    member is accounted for. Returns (post, sink recipients, members)."""
    # Shared batches (not per-member copies): the promise is about batches.
    new_district(ctl, members=(), policy="open", personalize="no")
    members = bulk_members(ctl, LIST, FANOUT - 1) + ["owner@north.example.org"]
    d = Listd(home, sink.port, env=crash_env)
    d.start()
    assert lmtp_post(d, LIST).startswith(f"250 2.0.0 accepted as post 1 for {FANOUT}")
    if kill_when is not None:
        wait_until(kill_when, 60, what="the fan-out under way")
        d.proc.send_signal(signal.SIGKILL)
    assert d.wait_exit(60) == -signal.SIGKILL
    got_before = len(sink.recipients())
    assert 0 < got_before < FANOUT + CONNECTIONS * BATCH
    d.env = {}
    d.start()
    try:
        wait_until(lambda: set(sink.recipients()) >= set(members), 90,
                   what="every member at the sink")
        wait_until(lambda: queue_idle(home), 30, what="an idle queue")
        return posts(home)[0], sink.recipients(), members
    finally:
        d.stop()


@pytest.fixture(scope="module")
def crashed_fanout(tmp_path_factory):
    """One crash-point run shared by the two P3 tests below (the 5,000
    member run is the slow part; each test asserts a different promise)."""
    from conftest import Ctl
    from mailtest import Sink
    base = tmp_path_factory.mktemp("fanout")
    home = base / "home"
    home.mkdir()
    sink = Sink(base / "sink")
    try:
        yield fanout_after_crash(Ctl(home), home, sink,
                                 {"LISTD_CRASH": "deliver.sent:2"})
    finally:
        sink.stop()


def test_p3_p4_every_member_gets_the_post_and_is_accounted_for(crashed_fanout):
    post, got, members = crashed_fanout
    assert set(got) == set(members)                     # at least once
    assert post["n_rcpt"] == FANOUT
    assert post["n_delivered"] + post["n_bounced"] == FANOUT
    assert post["state"] == "done"


def test_p3_duplicates_at_most_one_batch_per_connection(crashed_fanout):
    post, got, members = crashed_fanout
    print(f"duplicates after the crash: {len(got) - len(set(got))}")
    assert len(got) - len(set(got)) <= CONNECTIONS * BATCH


def test_p3_p4_real_kill_9_while_the_relay_is_slow(ctl, home, tmp_path):
    slow = SlowSink(tmp_path / "slow", delay=0.03)
    try:
        post, got, members = fanout_after_crash(
            ctl, home, slow, {}, kill_when=lambda: len(slow.recipients()) >= 1500)
        assert set(got) == set(members)
        assert post["n_delivered"] + post["n_bounced"] == FANOUT
        # P3: at most the batch in flight on each connection again.
        assert len(got) - len(set(got)) <= CONNECTIONS * BATCH
    finally:
        slow.stop()


def test_p4_delivered_bounced_deferred_sum_to_members(ctl, sink, home):
    new_district(ctl, members=(), policy="open")
    bulk_members(ctl, LIST, 299)
    sink.fail_rcpt.update({f"m{i:05d}@example.com": "550 5.1.1 unknown"
                           for i in range(0, 40, 4)})          # 10 bounce
    sink.fail_rcpt.update({f"m{i:05d}@example.net": "451 4.2.0 later"
                           for i in range(1, 60, 4)})          # 15 deferred
    d = Listd(home, sink.port).start()
    try:
        assert lmtp_post(d, LIST).startswith("250 2.0.0 accepted as post 1 for 300")
        sink.wait_recipients(275)

        def accounted():
            p = posts(home)[0]
            return p["n_delivered"] == 275 and p["n_bounced"] == 10 and p
        p = wait_until(accounted, 30, what="the tally")
        assert p["n_delivered"] + p["n_bounced"] + pending_rcpts(home, 1) == 300
    finally:
        d.stop()


# --- P5: a poison message is quarantined after 3 crash recoveries ---

def test_p5_poison_message_quarantined_while_other_mail_flows(ctl, sink, home):
    new_district(ctl)
    d = Listd(home, sink.port)
    d.start()
    assert lmtp_post(d, LIST, subject="before").startswith("250 2.0.0 accepted")
    sink.wait_recipients(MEMBERS)
    d.stop()
    crash = {"LISTD_CRASH": "pipeline.run:1"}
    d.start(env=crash)
    poison = message(to=LIST, subject="poison", msgid="<poison@example.net>")
    c = d.lmtp()
    with pytest.raises((ConnectionError, OSError)):
        c.deliver("alice@example.net", [LIST], poison)    # no reply: killed
    assert d.wait_exit() == -signal.SIGKILL
    # Two more starts crash in start-up recovery on the same post.
    for _ in range(2):
        assert start_until_exit(d, crash) == -signal.SIGKILL
    assert posts(home)[-1]["state"] == "received"
    d.start()
    p = posts(home)[-1]
    assert p["state"] == "quarantined" and p["attempts"] == 4, p
    assert "alert=" in d.log.read_text() and "quarantine" in d.log.read_text()
    # The MTA retrying the poison gets a final answer; other mail flows.
    assert lmtp_post(d, LIST, subject="x", msgid="<poison@example.net>",
                     ).startswith("250")
    assert lmtp_post(d, LIST, subject="after").startswith("250 2.0.0 accepted")
    sink.wait_recipients(2 * MEMBERS)
    subjects = {parse_mail(m["data"])["Subject"] for m in sink.messages}
    assert subjects == {"before", "after"}


# --- P6: no accept when the disk is nearly full ---

def test_p6_disk_nearly_full_is_452_and_stores_nothing(ctl, sink, home):
    new_district(ctl)
    d = Listd(home, sink.port, env={"LISTD_FAULT": "spool.diskfull:1"}).start()
    try:
        assert lmtp_post(d, LIST).startswith("452 4.3.1")
        assert posts(home) == [] and spool_files(home) == []
        assert lmtp_post(d, LIST).startswith("250 2.0.0 accepted")
    finally:
        d.stop()


def test_p6_min_free_disk_above_what_is_free_is_452(ctl, sink, home):
    new_district(ctl)
    d = Listd(home, sink.port, extra_conf="[listd]\nmin_free_disk_percent = 50\n")
    import os
    st = os.statvfs(home)
    if st.f_bavail * 100 / st.f_blocks >= 50:
        pytest.skip("this disk is more than half free")
    d.start()
    try:
        assert lmtp_post(d, LIST).startswith("452 4.3.1")
        assert posts(home) == []
    finally:
        d.stop()


def test_p6_write_failure_midway_is_temporary_and_commits_nothing(ctl, sink, home):
    new_district(ctl)
    d = Listd(home, sink.port, env={"LISTD_FAULT": "spool.write"}).start()
    try:
        rep = lmtp_post(d, LIST, body=("w" * 70 + "\n") * 200)
        assert rep[:3] in ("451", "452"), rep
        assert posts(home) == [] and spool_files(home) == []
        assert db_rows(home, "SELECT count(*) FROM batch")[0][0] == 0
    finally:
        d.stop()


# --- P7: intake is idempotent ---

def test_p7_same_message_twice_is_one_post(up_listd, sink, home):
    raw = message(to=LIST, msgid="<twice@example.net>")
    first = lmtp_post_raw(up_listd, raw)
    again = lmtp_post_raw(up_listd, raw)
    assert first.startswith("250 2.0.0 accepted as post 1")
    assert again.startswith("250") and "already taken in as post 1" in again
    settled(home, MEMBERS)
    assert len(posts(home)) == 1 and len(sink.recipients()) == MEMBERS


def test_p7_same_message_id_other_body_is_a_new_post(up_listd, sink, home):
    lmtp_post_raw(up_listd, message(to=LIST, msgid="<same@example.net>", body="one\n"))
    rep = lmtp_post_raw(up_listd, message(to=LIST, msgid="<same@example.net>",
                                          body="two\n"))
    assert rep.startswith("250 2.0.0 accepted as post 2"), rep
    settled(home, 2 * MEMBERS)


def test_p7_message_without_message_id_gets_one_and_stays_idempotent(
        up_listd, sink, home):
    raw = "\n".join(l for l in message(to=LIST).split("\n")
                    if not l.startswith("Message-ID"))
    assert lmtp_post_raw(up_listd, raw).startswith("250 2.0.0 accepted as post 1")
    assert "already taken in" in lmtp_post_raw(up_listd, raw)
    settled(home, MEMBERS)
    mid = parse_mail(sink.messages[0]["data"])["Message-ID"]
    assert mid and mid.endswith("@north.example.org>"), mid
    assert posts(home)[0]["message_id"] in mid


@pytest.fixture
def up_listd(ctl, listd):
    new_district(ctl)
    return listd.start()


def lmtp_post_raw(d, raw):
    c = d.lmtp()
    try:
        return c.deliver("alice@example.net", [LIST], raw)[1][0]
    finally:
        c.close()


# --- P9: only CRLF.CRLF ends DATA ---

@pytest.mark.parametrize("name,body", [
    ("bare LF", b"Subject: a\r\n\r\nline one\nline two\r\n"),
    ("bare CR", b"Subject: a\r\n\r\nline one\rline two\r\n"),
    ("LF.CRLF smuggling", b"Subject: a\r\n\r\nhi\n.\r\nMAIL FROM:<evil@example.org>\r\n"
     b"RCPT TO:<staff@north.example.org>\r\nDATA\r\nSubject: smuggled\r\n\r\nx\r\n"),
    ("CRLF.LF smuggling", b"Subject: a\r\n\r\nhi\r\n.\nMAIL FROM:<evil@example.org>\r\n"),
    ("CR.CR smuggling", b"Subject: a\r\n\r\nhi\r.\rNOOP\r\n"),
    ("NUL", b"Subject: a\r\n\r\nnul\x00byte\r\n"),
    ("999-octet line", b"Subject: a\r\n\r\n" + b"x" * 999 + b"\r\n"),
], ids=lambda v: v if isinstance(v, str) else "")
def test_p9_only_crlf_dot_crlf_ends_data(up_listd, sink, home, name, body):
    c = up_listd.lmtp()
    c.cmd("LHLO mta")
    c.cmd("MAIL FROM:<alice@example.net>")
    c.cmd(f"RCPT TO:<{LIST}>")
    assert c.cmd("DATA").startswith("354")
    c.send_raw(b"From: alice@example.net\r\nMessage-ID: <p9@example.net>\r\n" +
               body + b".\r\n")
    rep = c.read_reply()
    assert rep.startswith("554 5.6.0"), f"{name}: {rep}"
    # Exactly one reply: nothing smuggled ran as a command.
    assert c.cmd("NOOP").startswith("250 2.0.0 ok"), name
    c.close()
    assert posts(home) == []
    wait_until(lambda: queue_idle(home), 5, what="an idle queue")
    assert sink.messages == []
