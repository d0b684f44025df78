"""test_health.py - listctl health as a monitoring system runs it: exit 0
and "ok" when healthy; one line (and one JSON problem) per stuck queue,
unreachable relay, stale directory source, damaged archive pack and nearly
full disk, exit 75.
Time is moved with LISTD_NOW. Hostile: malformed thresholds, a relay that
is not host:port, a broken district store."""
import time

from mailtest import Sink, free_port, message

LIST = "staff@north.example.org"


def make_site(ctl, home, relay_port):
    (home / "listd.conf").write_text(f"[delivery]\nrelay = 127.0.0.1:{relay_port}\n")
    ctl.run("district", "add", "north", "--domain", "north.example.org",
            "--name", "North", check=0)
    ctl.run("list", "create", LIST, check=0)
    ctl.run("member", "add", LIST, "alice@example.net", check=0)


def test_healthy_site_exits_zero(ctl, home, tmp_path):
    sink = Sink(tmp_path / "sink")
    try:
        make_site(ctl, home, sink.port)
        rc, out, _ = ctl.run("health", "--disk-percent", "0")
        assert rc == 0 and out.startswith("ok: 1 districts")
        j = ctl.json("health", "--disk-percent", "0")
        assert j == {"ok": True, "districts": 1, "problems": []}
    finally:
        sink.stop()


def test_each_problem_is_one_line(ctl, home, tmp_path, monkeypatch):
    make_site(ctl, home, free_port())          # nothing listens there
    ctl.run("inject", LIST, input=message(to=LIST).encode(), check=0)
    ctl.run("source", "set", "north", "--type", "csv", "--path",
            str(tmp_path / "none.csv"), "--interval-hours", "1", check=0)
    # Young queue: not stuck yet.
    rc, out, _ = ctl.run("health", "--disk-percent", "0")
    assert rc == 75 and "queue" not in out
    monkeypatch.setenv("LISTD_NOW", str(int(time.time()) + 7200))
    rc, out, _ = ctl.run("health", "--disk-percent", "100")
    lines = out.splitlines()
    assert rc == 75 and len(lines) == 4, out
    assert lines[0].startswith("queue: north: queue stuck: oldest of 1 pending")
    assert lines[1].startswith("roster: north: directory source stale")
    assert lines[2].startswith("relay: relay 127.0.0.1:") and "unreachable" in lines[2]
    assert lines[3].startswith("disk: disk nearly full")
    rc, out, _ = ctl.run("--json", "health", "--disk-percent", "100",
                         "--queue-age", "3h")
    import json
    j = json.loads(out)
    assert rc == 75 and j["ok"] is False
    assert [p["check"] for p in j["problems"]] == ["roster", "relay", "disk"]
    assert j["problems"][0]["district"] == "north"


def test_hostile_thresholds_are_usage_errors(ctl, home):
    make_site(ctl, home, free_port())
    for args in (("--queue-age", "-5"), ("--queue-age", "99999d"),
                 ("--queue-age", "1h30"), ("--disk-percent", "101"),
                 ("--disk-percent", "ten"), ("--timeout", "0"),
                 ("--timeout", "9" * 30), ("--nonsense",)):
        rc, out, err = ctl.run("health", *args)
        assert rc == 64 and "health" in err and out == "", args


def test_bad_relay_and_broken_store_are_reported_not_fatal(ctl, home):
    make_site(ctl, home, free_port())
    (home / "districts" / "north" / "district.db").write_bytes(b"not a database" * 100)
    (home / "listd.conf").write_text("[delivery]\nrelay = 127.0.0.1:1\n")
    rc, out, _ = ctl.run("health", "--disk-percent", "0", "--timeout", "500")
    assert rc == 75
    assert "store: north:" in out or "queue: north: cannot read" in out
    assert "relay 127.0.0.1:1 unreachable" in out


def test_damaged_archive_pack_is_a_problem(ctl, home, tmp_path):
    """An imported archive keeps its messages in a pack and an index: a
    pack cut short, an index with a flipped byte and a pack gone are each
    reported (without re-hashing every message); a healthy pack is not."""
    sink = Sink(tmp_path / "sink")
    try:
        make_site(ctl, home, sink.port)
        ctl.run("list", "create", "news@north.example.org", "--archive", "public", check=0)
        box = tmp_path / "a.mbox"
        box.write_text("".join(
            f"From x@y Thu Jan  1 00:00:00 2020\nFrom: a@example.org\nSubject: s{i}\n"
            f"Message-ID: <p{i}@x>\nDate: Mon, 06 Jan 2020 10:00:00 +0000\n\nbody {i}\n\n"
            for i in range(5)))
        ctl.run("archive", "import", "news@north.example.org", box, check=0)
        packs = home / "districts" / "north" / "messages" / "packs"
        pack = next(packs.glob("*.pack"))
        idx = next(packs.glob("*.idx"))
        rc, out, _ = ctl.run("health", "--disk-percent", "0")
        assert rc == 0, out
        good_pack, good_idx = pack.read_bytes(), idx.read_bytes()

        pack.write_bytes(good_pack[:-10])
        rc, out, _ = ctl.run("health", "--disk-percent", "0")
        assert rc == 75 and out.startswith("packs: north: archive pack damaged") and "truncated" in out, out
        pack.write_bytes(good_pack)

        bad = bytearray(good_idx)
        bad[40] ^= 1
        idx.write_bytes(bytes(bad))
        rc, out, _ = ctl.run("health", "--disk-percent", "0")
        assert rc == 75 and "packs: north:" in out and idx.name in out, out
        idx.write_bytes(good_idx)

        pack.unlink()
        rc, out, _ = ctl.run("--json", "health", "--disk-percent", "0")
        import json
        j = json.loads(out)
        assert rc == 75 and [p["check"] for p in j["problems"]] == ["packs"]
        assert "cannot open" in j["problems"][0]["message"]
        pack.write_bytes(good_pack)
        rc, out, _ = ctl.run("health", "--disk-percent", "0")
        assert rc == 0, out
    finally:
        sink.stop()
