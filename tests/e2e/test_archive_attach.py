"""test_archive_attach.py - attachments of archived messages: the page
cache holds no attachment files; the real daemon serves each one decoded
from the raw message under the name the message page links to, as a
download; hostile names (wrong number, wrong name, another list's message,
bad hash prefix, traversal) get 404. And `listctl archive export`, which
writes pages and attachments as plain files for a static web server."""
import base64
import re

from webtest import site  # noqa: F401  (fixture)

LIST = "staff@north.example.org"
PNG = bytes(range(256)) * 3
ATT_MAIL = (
    "From: Alice <alice@north.example.net>\nTo: staff@north.example.org\n"
    "Subject: Pictures\nDate: Mon, 06 Jan 2020 10:00:00 +0000\n"
    "Message-ID: <pics@example.org>\nMIME-Version: 1.0\n"
    'Content-Type: multipart/mixed; boundary="b"\n\n'
    "--b\nContent-Type: text/plain\n\nSee attached.\n"
    '--b\nContent-Type: image/png\nContent-Disposition: attachment; filename="photo.png"\n'
    "Content-Transfer-Encoding: base64\n\n" + base64.encodebytes(PNG).decode() +
    '--b\nContent-Type: text/html\nContent-Disposition: attachment; filename="../evil.html"\n\n'
    "<script>alert(1)</script>\n--b--\n")


def archived(site, ctl, tmp_path):
    m = tmp_path / "m.eml"
    m.write_text(ATT_MAIL)
    ctl.run("archive", "add", LIST, m, check=0)
    return attachment_links(site)


def attachment_links(site):
    """The north admin's web client and the attachment links of the (only)
    message page of staff@north."""
    w = site.web("north-admin")
    msg_dir = site.home / "districts" / "north" / "html" / "staff" / "m"
    page = next(msg_dir.glob("*.html")).name
    r = w.get(f"/d/north/archive/staff/m/{page}")
    assert r.status == 200
    links = re.findall(r'href="\.\./(att/[0-9a-f]{20}/[^"]+)"', r.text)
    return w, links


def test_attachment_served_from_the_message_not_from_files(site, ctl, tmp_path):
    w, links = archived(site, ctl, tmp_path)
    assert [link.split("/")[-1] for link in links] == ["1-photo.png", "2-_evil.html.bin"]
    assert not (site.home / "districts" / "north" / "html" / "staff" / "att").exists()
    r = w.get("/d/north/archive/staff/" + links[0])
    assert r.status == 200 and r.raw == PNG
    assert "attachment" in r.header("Content-Disposition")
    r = w.get("/d/north/archive/staff/" + links[1])
    assert r.status == 200 and b"<script>" in r.raw
    assert r.header("Content-Type") == "application/octet-stream"
    assert "attachment" in r.header("Content-Disposition")
    assert "nosniff" in (r.header("X-Content-Type-Options") or "")
    # The public never gets a private list's attachment.
    assert site.web().get("/d/north/archive/staff/" + links[0]).status == 403


def test_hostile_attachment_names_are_not_found(site, ctl, tmp_path):
    w, links = archived(site, ctl, tmp_path)
    prefix = links[0].split("/")[1]
    base = "/d/north/archive/staff/att/"
    for rel in (f"{prefix}/3-photo.png",            # no third attachment
                f"{prefix}/2-photo.png",            # number and name disagree
                f"{prefix}/1-photo.PNG", f"{prefix}/01-photo.png", f"{prefix}/0-x.bin",
                f"{prefix}/-1-photo.png", f"{prefix}/99999999999999999999-x",
                f"{prefix}/1-photo.png/x", f"{prefix}/", f"{prefix}",
                f"{prefix.upper()}/1-photo.png", "0" * 20 + "/1-photo.png",
                prefix[:19] + "/1-photo.png", "zz" + prefix[2:] + "/1-photo.png",
                f"{prefix}/%2e%2e%2f%2e%2e%2fdistrict.db", f"{prefix}/1-photo.png%2f.."):
        assert w.get(base + rel).status in (400, 404), rel
    # The same message's attachment through another district's list: 404/403.
    south = site.web("south-admin")
    assert south.get("/d/south/archive/staff/" + links[0]).status == 404
    assert w.get("/d/north/archive/staff/" + links[0]).status == 200


def test_export_writes_pages_and_attachments_as_files(site, ctl, tmp_path):
    archived(site, ctl, tmp_path)
    out = tmp_path / "export"
    r = ctl.json("archive", "export", LIST, out)
    assert r == {"list": "staff", "dir": str(out)}
    d = out / "staff"
    assert (out / "style.css").exists() and (out / "index.html").exists()
    assert (d / "index.html").exists() and len(list((d / "m").glob("*.html"))) == 1
    files = sorted(p.name for p in (d / "att").rglob("*") if p.is_file())
    assert files == ["1-photo.png", "2-_evil.html.bin"]
    assert next((d / "att").rglob("1-photo.png")).read_bytes() == PNG
    cache = site.home / "districts" / "north" / "html" / "staff"
    page = next((cache / "m").glob("*.html")).name
    assert (d / "m" / page).read_bytes() == (cache / "m" / page).read_bytes()
    assert not (cache / "att").exists()


def test_export_refuses_bad_arguments(site, ctl, tmp_path):
    (tmp_path / "file").write_text("x")
    assert ctl.run("archive", "export", LIST)[0] == 64
    assert ctl.run("archive", "export", "nosuch@north.example.org", tmp_path / "o")[0] == 67
    assert ctl.run("archive", "export", LIST, "")[0] == 64
    rc, _, err = ctl.run("archive", "export", LIST, tmp_path / "file" / "sub")
    assert rc == 75 and "cannot export" in err
