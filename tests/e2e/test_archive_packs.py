"""test_archive_packs.py - imported messages live in packs under
messages/packs/ (one .pack and one .idx per import run), not one file each.
Every reader works on them: pages, rebuild, the web's attachment download,
held-post display of a mail-path post whose bytes were imported before,
backup and restore (packs carried and verified; damaged, index-less or
forged packs refused). Importing again adds nothing and makes no pack; a
crash between a pack's fsync and its index leaves nothing indexed."""
import hashlib
import io
import os
import sqlite3
import subprocess
import tarfile

from conftest import BIN, Ctl
from test_archive import LIST, arc, check_pages, html_dir, mail, mbox  # noqa: F401
from test_archive_attach import ATT_MAIL, PNG, attachment_links
from webtest import site  # noqa: F401  (fixture)


def packs(home, slug="d1"):
    d = home / "districts" / slug / "messages" / "packs"
    return sorted(p.name for p in d.iterdir()) if d.exists() else []


def loose(home, slug="d1"):
    d = home / "districts" / slug / "messages"
    return [p for p in d.rglob("*.eml")] if d.exists() else []


def many(n, tag="m"):
    return mbox(*(mail(f"{tag}{i}@x", f"Subject {i}", f"body {i}",
                       extra=f"References: <{tag}{i - 1}@x>\n" if i % 4 else "")
                  for i in range(n)))


def test_import_packs_renders_and_reimport_adds_nothing(arc, tmp_path):
    box = tmp_path / "a.mbox"
    box.write_text(many(2100))     # two batches into one pack
    doc = arc.json("archive", "import", LIST, box)
    assert doc["added"] == 2100
    names = packs(arc.home)
    assert len(names) == 2 and names[0].endswith(".idx") and names[1].endswith(".pack")
    assert loose(arc.home) == []
    assert len(list((html_dir(arc) / "m").glob("*.html"))) == 2100
    page = (html_dir(arc) / "m").glob("*.html")
    assert any("body 2099" in p.read_text() for p in page)
    check_pages(html_dir(arc))
    # Again: nothing added, no new pack, the pack not grown.
    size = (arc.home / "districts/d1/messages/packs" / names[1]).stat().st_size
    doc = arc.json("archive", "import", LIST, box)
    assert doc["added"] == 0 and doc["present"] == 2100
    assert packs(arc.home) == names
    assert (arc.home / "districts/d1/messages/packs" / names[1]).stat().st_size == size
    # The same messages into another list: still one copy.
    arc.run("list", "create", "staff@d1.example.org", check=0)
    assert arc.json("archive", "import", "staff@d1.example.org", box)["added"] == 2100
    assert packs(arc.home) == names and loose(arc.home) == []
    # archive add of a packed message writes no loose copy either.
    one = tmp_path / "one.eml"
    one.write_text(mail("m5@x", "Subject 5", "body 5", extra="References: <m4@x>\n"))
    arc.run("archive", "add", "staff@d1.example.org", one, check=None)
    # Rebuild from packed messages reproduces the pages.
    d = html_dir(arc)
    before = sorted(p.name for p in (d / "m").glob("*.html"))
    subprocess.run(["rm", "-rf", str(d)], check=True)
    arc.run("archive", "rebuild", LIST, check=0)
    assert sorted(p.name for p in (d / "m").glob("*.html")) == before


def test_crash_between_pack_and_index_indexes_nothing(arc, tmp_path):
    box = tmp_path / "a.mbox"
    box.write_text(many(30, "c"))
    env = dict(os.environ, LISTD_CRASH="msgpack.commit")
    p = subprocess.run([str(BIN / "listctl"), "--home", str(arc.home), "archive", "import", LIST, str(box)],
                       env=env, capture_output=True, timeout=60)
    assert p.returncode == -9, p.stderr
    db = arc.home / "districts" / "d1" / "district.db"
    con = sqlite3.connect(db)
    n = con.execute("SELECT count(*) FROM arc_msg").fetchone()[0]
    con.close()
    assert n == 0                       # nothing indexed that is not on disk
    assert [x for x in packs(arc.home) if x.endswith(".idx")] == []
    doc = arc.json("archive", "import", LIST, box)   # and it recovers
    assert doc["added"] == 30
    assert len([x for x in packs(arc.home) if x.endswith(".idx")]) == 1


def test_attachment_of_a_packed_message_is_served(site, ctl, tmp_path):
    box = tmp_path / "att.mbox"
    box.write_text(mbox(ATT_MAIL.rstrip("\n")))
    assert ctl.json("archive", "import", "staff@north.example.org", box)["added"] == 1
    assert loose(site.home, "north") == [] and len(packs(site.home, "north")) == 2
    w, links = attachment_links(site)
    r = w.get("/d/north/archive/staff/" + links[0])
    assert r.status == 200 and r.raw == PNG
    assert "attachment" in r.header("Content-Disposition")


def test_mail_path_post_equal_to_an_imported_message(ctl, tmp_path):
    ctl.run("district", "add", "d1", "--domain", "d1.example.org", "--name", "D1", check=0)
    lst = "mod@d1.example.org"
    ctl.run("list", "create", lst, "--policy", "moderated", check=0)
    raw = ("From: Alice <alice@example.org>\r\nTo: mod@d1.example.org\r\n"
           "Subject: Same bytes\r\nMessage-ID: <same@x>\r\n"
           "Date: Mon, 06 Jan 2020 10:00:00 +0000\r\n\r\nthe packed body\r\n")
    box = tmp_path / "a.mbox"
    box.write_bytes(b"From mboxrd@z Thu Jan  1 00:00:00 1970\r\n" + raw.encode() + b"\r\n")
    assert ctl.json("archive", "import", lst, box)["added"] == 1
    h = hashlib.sha256(raw.encode()).hexdigest()
    lf = raw.replace("\r\n", "\n").encode()     # inject makes line ends CRLF
    ctl.run("inject", lst, "--sender", "alice@example.org", input=lf, check=None)
    con = sqlite3.connect(ctl.home / "districts" / "d1" / "district.db")
    rows = con.execute("SELECT id, raw_hash FROM post").fetchall()
    con.close()
    assert [r[1] for r in rows] == [h]
    assert not any(p.name == f"{h}.eml" for p in loose(ctl.home))   # one copy: the packed one
    rc, out, err = ctl.run("held", "show", lst, str(rows[0][0]))
    assert rc == 0 and "the packed body" in out, err


def backup_with_packs(ctl, tmp_path):
    ctl.run("district", "add", "d1", "--domain", "d1.example.org", "--name", "D1", check=0)
    ctl.run("list", "create", LIST, "--archive", "public", check=0)
    box = tmp_path / "a.mbox"
    box.write_text(many(40, "b"))
    assert ctl.json("archive", "import", LIST, box)["added"] == 40
    one = tmp_path / "one.eml"
    one.write_text(mail("loose@x", "Loose", "a loose one"))
    ctl.run("archive", "add", LIST, one, check=0)
    path = tmp_path / "d1.tar"
    out = ctl.json("district", "backup", "d1", path)
    assert out["messages"] == 41
    return path


def test_backup_restore_carries_packs(ctl, tmp_path):
    path = backup_with_packs(ctl, tmp_path)
    with tarfile.open(path) as t:
        names = t.getnames()
    assert sum(n.startswith("messages/packs/pack-") for n in names) == 2
    home2 = tmp_path / "home2"
    home2.mkdir()
    ctl2 = Ctl(home2)
    r = ctl2.json("district", "restore", path)
    assert r["messages"] == 41
    assert len(packs(home2)) == 2
    ctl2.run("archive", "rebuild", LIST, check=0)
    pages = list((home2 / "districts/d1/html/dev/m").glob("*.html"))
    assert len(pages) == 41 and any("body 39" in p.read_text() for p in pages)


def edit_tar(src, dst, edit):
    with tarfile.open(src) as t:
        items = [(m, t.extractfile(m).read()) for m in t.getmembers()]
    items = edit(items)
    with tarfile.open(dst, "w", format=tarfile.USTAR_FORMAT) as t:
        for m, data in items:
            m.size = len(data)
            t.addfile(m, io.BytesIO(data))
    return dst


def flip(data, at):
    return data[:at] + bytes([data[at] ^ 1]) + data[at + 1:]


PACK_ATTACKS = {
    "pack_byte_flipped": (lambda it: [(m, flip(d, 100) if m.name.endswith(".pack") else d)
                                      for m, d in it], "damaged"),
    "index_checksum": (lambda it: [(m, flip(d, 30) if m.name.endswith(".idx") else d)
                                   for m, d in it], "checksum"),
    "pack_truncated": (lambda it: [(m, d[:50] if m.name.endswith(".pack") else d)
                                   for m, d in it], "truncated"),
    "pack_without_index": (lambda it: [x for x in it if not x[0].name.endswith(".idx")],
                           "without its index"),
    "index_without_pack": (lambda it: [x for x in it if not x[0].name.endswith(".pack")],
                           "cannot open"),
    "zero_length_pack": (lambda it: [(m, b"" if m.name.endswith(".pack") else d)
                                     for m, d in it], "not a pack"),
    "pack_twice": (lambda it: it + [x for x in it if x[0].name.endswith(".pack")], "twice"),
    "bad_pack_name": (lambda it: it + [(tarfile.TarInfo("messages/packs/pack-XYZ.pack"), b"x")],
                      "unexpected entry"),
}


def test_hostile_packs_in_a_backup_are_refused(ctl, tmp_path):
    path = backup_with_packs(ctl, tmp_path)
    for name, (edit, words) in sorted(PACK_ATTACKS.items()):
        bad = edit_tar(path, tmp_path / f"{name}.tar", edit)
        home2 = tmp_path / f"home-{name}"
        home2.mkdir()
        ctl2 = Ctl(home2)
        rc, _, err = ctl2.run("district", "restore", bad)
        assert rc == 65 and words in err, (name, rc, err)
        assert "AddressSanitizer" not in err and "runtime error" not in err
        assert ctl2.json("district", "list") == []
