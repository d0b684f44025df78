"""test_web_prune.py - the daemon's maintenance pass deletes sessions past
their expiry and failed-login records older than a day from site.db, keeps
live sessions and recent failures, and sign-in throttling still works
afterwards. Time is moved with LISTD_NOW (read by store_now()); the pass
runs when listd starts and then every minute, in both the full daemon and
listd --only http."""
import sqlite3
import time

import pytest

from mailtest import wait_until
from webtest import PASSWORD, Web, make_site


def rows(home, sql, *args):
    db = sqlite3.connect(home / "site.db", timeout=10)
    try:
        return db.execute(sql, args).fetchall()
    finally:
        db.close()


def write(home, sql, *args):
    db = sqlite3.connect(home / "site.db", timeout=10)
    try:
        db.execute(sql, args)
        db.commit()
    finally:
        db.close()


@pytest.mark.parametrize("args", [(), ("--only", "http")])
def test_prune_removes_expired_sessions_and_old_failures(home, ctl, sink, args):
    d = make_site(home, ctl, sink.port, args=args)
    d.start()
    try:
        w = Web(d.http_port)
        assert w.login("north-admin").status == 303
        for _ in range(3):
            assert Web(d.http_port).login("south-admin", "wrong-password!").status != 303
    finally:
        d.stop()
    now = int(time.time())
    n_sessions = rows(home, "SELECT count(*) FROM web_session")[0][0]
    assert n_sessions == 1
    # A failure from two days ago, and one session that stays live.
    write(home, "INSERT INTO web_login_fail (key, ts) VALUES (?, ?)", "user:old", now - 2 * 86400)
    write(home, "INSERT INTO web_session (id_hash, account_id, csrf, created, expires)"
          " VALUES (?, 1, ?, ?, ?)", "f" * 64, "c" * 32, now, now + 30 * 3600)
    # Thirteen hours later the first session (12 h) has expired.
    later = now + 13 * 3600
    d.start(env={"LISTD_NOW": str(later)})
    try:
        wait_until(lambda: rows(home, "SELECT count(*) FROM web_session")[0][0] == 1, 20,
                   what="the expired session to be pruned")
        assert rows(home, "SELECT id_hash FROM web_session") == [("f" * 64,)]
        assert rows(home, "SELECT count(*) FROM web_login_fail WHERE key = 'user:old'")[0][0] == 0
        recent = rows(home, "SELECT count(*) FROM web_login_fail WHERE key LIKE 'user:south%'")
        assert recent[0][0] == 3   # 13 hours old: kept for a day
        assert "web prune sessions=1 login_failures=1" in d.log.read_text()
        # The pruned session no longer signs anyone in.
        assert w.get("/admin/d/north/").status == 303
        # Throttling still works: 5 failures, then even the right password is refused.
        for _ in range(5):
            assert Web(d.http_port).login("north-admin", "wrong-password!").status != 303
        r = Web(d.http_port).login("north-admin", PASSWORD)
        assert r.status == 403 and "Too many failed sign-ins" in r.text
    finally:
        d.stop()
