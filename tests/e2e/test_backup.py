"""test_backup.py - listctl district backup and restore. A backup taken
while posts keep arriving restores on another home to a consistent district:
every post row it holds has its raw message, the members are all there, and
the restored home takes mail. Hostile archives (path traversal, absolute
paths, symlinks, hard links, truncation, a message whose content does not
match its name, a damaged database, no manifest, not a tar at all) are
refused with a clear error and leave nothing behind."""
import io
import sqlite3
import tarfile
import threading

import pytest

from conftest import Ctl
from mailtest import Listd, message, db_rows, wait_until

LIST = "staff@north.example.org"


def make_district(ctl):
    ctl.run("district", "add", "north", "--domain", "north.example.org",
            "--name", "North District", check=0)
    ctl.run("list", "create", LIST, "--kind", "discussion", "--policy", "open", check=0)
    for a in ("alice@example.net", "bob@example.com", "carol@example.com"):
        ctl.run("member", "add", LIST, a, check=0)


def test_backup_while_mail_flows_restores_consistently(ctl, home, sink, tmp_path):
    make_district(ctl)
    d = Listd(home, sink.port).start()
    acked = []
    stop = threading.Event()

    def post():
        c = d.lmtp()
        i = 0
        while not stop.is_set() and i < 200:
            _, rep = c.deliver("alice@example.net", [LIST],
                               message(to=LIST, subject=f"flow {i}"))
            assert rep[0].startswith("250"), rep
            acked.append(i)
            i += 1
        c.close()
    t = threading.Thread(target=post)
    t.start()
    try:
        wait_until(lambda: len(acked) >= 5, what="posts flowing")
        out = ctl.json("district", "backup", "north", tmp_path / "north.tar")
        n_before = len(acked)
        wait_until(lambda: len(acked) >= n_before + 3, what="posts after the backup")
    finally:
        stop.set()
        t.join(60)
        d.stop()
    assert out["messages"] >= 5
    # Another host: a fresh home.
    home2 = tmp_path / "home2"
    home2.mkdir()
    ctl2 = Ctl(home2)
    r = ctl2.json("district", "restore", tmp_path / "north.tar")
    assert r == {"district": "north", "domain": "north.example.org",
                 "messages": out["messages"]}
    db = home2 / "districts" / "north" / "district.db"
    con = sqlite3.connect(db)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    hashes = [h for (h,) in con.execute("SELECT raw_hash FROM post")]
    con.close()
    assert len(hashes) >= 5
    for h in hashes:
        assert (home2 / "districts" / "north" / "messages" / h[:2] / f"{h}.eml").is_file()
    members = {m["address"] for m in ctl2.json("member", "list", LIST)}
    assert members == {"alice@example.net", "bob@example.com", "carol@example.com"}
    # The maps of the new host name the list; the district takes mail there.
    assert f"{LIST} " in (home2 / "postfix" / "listd_transport").read_text()
    ctl2.run("inject", LIST, input=message(to=LIST, subject="after move").encode(), check=0)
    # Restoring again over itself is refused, and changes nothing.
    rc, _, err = ctl2.run("district", "restore", tmp_path / "north.tar")
    assert rc == 65 and "exists here already" in err


def good_backup(ctl, home, tmp_path):
    make_district(ctl)
    ctl.run("inject", LIST, input=message(to=LIST).encode(), check=0)
    path = tmp_path / "good.tar"
    ctl.run("district", "backup", "north", path, check=0)
    return path


def rebuild(src, dst, edit):
    """Copy tar src to dst, letting edit(members, data) change entries."""
    with tarfile.open(src) as t:
        items = [(m, t.extractfile(m).read() if m.isfile() else b"") for m in t.getmembers()]
    items = edit(items)
    with tarfile.open(dst, "w", format=tarfile.USTAR_FORMAT) as t:
        for m, data in items:
            t.addfile(m, io.BytesIO(data) if m.isfile() else None)
    return dst


def entry(name, data=b"x", kind=tarfile.REGTYPE, link=""):
    m = tarfile.TarInfo(name)
    m.type, m.size, m.linkname = kind, len(data) if kind == tarfile.REGTYPE else 0, link
    return m, data


HOSTILE = {
    "path_traversal": (lambda it: it + [entry("messages/../../../evil.eml")], "path traversal"),
    "absolute_path": (lambda it: it + [entry("/tmp/listd-evil.eml")], "absolute path"),
    "symlink": (lambda it: it[:1] + [entry("district.db", kind=tarfile.SYMTYPE,
                                           link="/etc/passwd")] + it[2:], "symbolic link"),
    "hard_link": (lambda it: it + [entry("messages/ab/x", kind=tarfile.LNKTYPE,
                                         link="district.db")], "hard link"),
    "unexpected_name": (lambda it: it + [entry("html/index.html")], "unexpected entry"),
    "message_not_matching_its_hash": (
        lambda it: [(m, b"forged" if m.name.startswith("messages/") else d) for m, d in it],
        "does not hold the message"),
    "damaged_database": (
        lambda it: [(m, d[:4096] + b"\xff" * (len(d) - 4096) if m.name == "district.db" else d)
                    for m, d in it], "damaged"),
    "no_database": (lambda it: [x for x in it if x[0].name != "district.db"], "no district.db"),
    "no_manifest": (lambda it: it[1:], "not a listd district backup"),
    "manifest_injection": (
        lambda it: [(m, b"listd-district-backup 1\nslug ../x\ndomain a b\nname \x1b\n")
                    if m.name == "listd-backup.txt" else (m, d) for m, d in it], "manifest"),
}


@pytest.mark.parametrize("attack", sorted(HOSTILE))
def test_hostile_archive_is_refused(ctl, home, tmp_path, attack):
    src = good_backup(ctl, home, tmp_path)
    edit, words = HOSTILE[attack]

    def fix_sizes(items):
        out = []
        for m, d in edit(items):
            if m.isfile():
                m.size = len(d)
            out.append((m, d))
        return out
    bad = rebuild(src, tmp_path / "bad.tar", fix_sizes)
    home2 = tmp_path / "home2"
    home2.mkdir()
    ctl2 = Ctl(home2)
    rc, out, err = ctl2.run("district", "restore", bad)
    assert rc == 65, (rc, err)
    assert words in err, err
    assert ctl2.json("district", "list") == []
    assert not (home2 / "districts").exists() or list((home2 / "districts").iterdir()) == []
    assert not (tmp_path / "evil.eml").exists()


def test_truncated_and_garbage_archives_are_refused(ctl, home, tmp_path):
    src = good_backup(ctl, home, tmp_path)
    data = src.read_bytes()
    home2 = tmp_path / "home2"
    home2.mkdir()
    ctl2 = Ctl(home2)
    for name, blob in (("cut-mid-db.tar", data[:len(data) // 3]),
                       ("cut-no-end.tar", data[:-1024]),
                       ("garbage.tar", b"\x00garbage" * 200),
                       ("empty.tar", b"")):
        (tmp_path / name).write_bytes(blob)
        rc, _, err = ctl2.run("district", "restore", tmp_path / name)
        assert rc == 65 and ("truncated" in err or "not a" in err or "empty" in err
                             or "ends" in err), (name, err)
        assert ctl2.json("district", "list") == []
    assert not (home2 / "districts").exists() or list((home2 / "districts").iterdir()) == []
    rc, _, err = ctl2.run("district", "restore", tmp_path / "absent.tar")
    assert rc == 67
    rc, _, err = ctl.run("district", "backup", "nosuch", tmp_path / "x.tar")
    assert rc == 67 and not (tmp_path / "x.tar").exists()
    rc, _, err = ctl.run("district", "backup", "north", tmp_path / "nodir" / "x.tar")
    assert rc == 75 and "cannot" in err
