"""test_archive.py - listctl archive: import, idempotence, threading on the
pages, search, incremental add, rebuild, and hostile mail that must render
inert (no script, no event attribute, no javascript: URL) and parse as HTML
with libxml2 (xmllint)."""
import html.parser
import json
import lzma
import os
import sqlite3
import subprocess
from pathlib import Path

import pytest
from conftest import SHARED

CORPUS = SHARED / "corpus" / "mbox"
LIST = "dev@d1.example.org"


@pytest.fixture
def arc(ctl):
    ctl.run("district", "add", "d1", "--domain", "d1.example.org", "--name", "D1", check=0)
    ctl.run("list", "create", LIST, "--archive", "public", check=0)
    return ctl


def html_dir(ctl):
    return ctl.home / "districts" / "d1" / "html" / "dev"


def mail(mid, subject, body, frm="Alice <alice@example.org>", date="Mon, 06 Jan 2020 10:00:00 +0000",
         extra="", ctype="text/plain; charset=utf-8"):
    h = f"From: {frm}\nTo: {LIST}\nSubject: {subject}\nDate: {date}\n"
    if mid:
        h += f"Message-ID: <{mid}>\n"
    return h + extra + f"MIME-Version: 1.0\nContent-Type: {ctype}\n\n{body}\n"


def mbox(*msgs):
    out = []
    for m in msgs:
        lines = [(">" + l if l.lstrip(">").startswith("From ") else l) for l in m.split("\n")]
        out.append("From mboxrd@z Thu Jan  1 00:00:00 1970\n" + "\n".join(lines) + "\n")
    return "\n".join(out)


class Inert(html.parser.HTMLParser):
    """Collects anything active in a page."""

    def __init__(self):
        super().__init__()
        self.bad = []

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "iframe", "object", "embed", "form", "img", "style"):
            self.bad.append(tag)
        for k, v in attrs:
            if k.startswith("on") or k == "style":
                self.bad.append(f"{tag}@{k}")
            if k in ("href", "src") and v and v.strip().lower().startswith(("javascript:", "data:", "vbscript:")):
                self.bad.append(f"{tag}@{k}={v}")


def check_pages(root):
    pages = [p for p in Path(root).rglob("*.html")]
    assert pages, "no pages rendered"
    for i in range(0, len(pages), 200):
        chunk = pages[i:i + 200]
        p = subprocess.run(["xmllint", "--html", "--noout", *map(str, chunk)], capture_output=True)
        assert p.returncode == 0, p.stderr[-2000:]
    for page in pages:
        text = page.read_text("utf-8")
        assert "<script" not in text.lower()
        parser = Inert()
        parser.feed(text)
        assert parser.bad == [], f"{page}: {parser.bad}"
    return pages


def test_import_threads_and_pages(arc, tmp_path):
    box = tmp_path / "a.mbox"
    box.write_text(mbox(
        mail("root@x", "Plans for the fair", "Let us plan.\nFrom the office, with love."),
        mail("r1@x", "Re: Plans for the fair", "> Let us plan.\nYes!", frm="Bob <bob@example.net>",
             date="Mon, 06 Jan 2020 11:00:00 +0000", extra="In-Reply-To: <root@x>\nReferences: <root@x>\n"),
        mail("other@x", "Budget", "Numbers attached.", date="Tue, 04 Feb 2020 09:00:00 +0000"),
    ))
    res = arc.json("archive", "import", LIST, box)
    assert res["added"] == 3 and res["bad"] == 0
    d = html_dir(arc)
    assert (d / "index.html").exists() and (d / "feed.atom").exists()
    assert (d / "2020-01" / "thread.html").exists() and (d / "2020-02" / "date.html").exists()
    mb = (d / "2020-01" / "2020-01.mbox").read_text()
    assert mb.count("\nFrom ") + mb.startswith("From ") == 2 and ">From the office" in mb
    threads = list((d / "t").glob("*.html"))
    assert len(threads) == 2
    big = max(threads, key=lambda p: p.stat().st_size).read_text()
    assert "Plans for the fair" in big and "Yes!" in big and "<details>" in big
    index = (d / "index.html").read_text()
    assert "2020-01" in index and "2020-02" in index
    page = next((d / "m").glob("*.html")).read_text()
    assert "alice@example.org" not in page  # public archive: obfuscated
    check_pages(arc.home / "districts" / "d1" / "html")


def test_import_twice_adds_nothing(arc, tmp_path):
    box = tmp_path / "a.mbox"
    box.write_text(mbox(mail("a@x", "One", "one"), mail("b@x", "Two", "two")))
    assert arc.json("archive", "import", LIST, box)["added"] == 2
    again = arc.json("archive", "import", LIST, box)
    assert again["added"] == 0 and again["present"] == 2
    assert arc.json("archive", "show", LIST)["messages"] == 2


def test_reply_before_parent_joins_thread_on_add(arc, tmp_path):
    reply = tmp_path / "reply.eml"
    reply.write_text(mail("kid@x", "Re: Bus times", "sounds good", extra="In-Reply-To: <mom@x>\n"))
    parent = tmp_path / "parent.eml"
    parent.write_text(mail("mom@x", "Bus times", "the bus leaves at 8", date="Sun, 05 Jan 2020 10:00:00 +0000"))
    arc.run("archive", "add", LIST, reply, check=0)
    arc.run("archive", "add", LIST, parent, check=0)
    arc.run("archive", "add", LIST, parent, check=0)  # idempotent
    d = html_dir(arc)
    threads = list((d / "t").glob("*.html"))
    assert len(threads) == 1
    text = threads[0].read_text()
    assert "sounds good" in text and "the bus leaves at 8" in text
    assert arc.json("archive", "show", LIST)["messages"] == 2
    check_pages(d)


def test_search_ranked_and_hostile_queries(arc, tmp_path):
    box = tmp_path / "s.mbox"
    box.write_text(mbox(
        mail("1@x", "Chess club", "chess chess chess on friday"),
        mail("2@x", "Lunch menu", "pizza, and chess later maybe"),
        mail("3@x", "Nothing", "unrelated"),
    ))
    arc.run("archive", "import", LIST, box, check=0)
    hits = arc.json("archive", "search", LIST, "chess")
    assert [h["subject"] for h in hits] == ["Chess club", "Lunch menu"]
    for q in ['"', 'chess AND', 'NEAR(', '*', '^', "subject:chess", "'; DROP TABLE arc_msg; --"]:
        rc, out, err = arc.run("--json", "archive", "search", LIST, q)
        assert rc == 0, err
    rc, _, err = arc.run("archive", "search", LIST, "   ")
    assert rc == 64 and "empty query" in err
    rc, _, err = arc.run("archive", "search", LIST, "x", "--limit", "0")
    assert rc == 64


def test_import_rejects_bad_files(arc, tmp_path):
    rc, _, err = arc.run("archive", "import", LIST, tmp_path / "missing.mbox")
    assert rc == 67 and "cannot open" in err
    junk = tmp_path / "junk.mbox"
    junk.write_bytes(b"\x00\xff garbage\nnot mail\n")
    rc, _, err = arc.run("archive", "import", LIST, junk)
    assert rc == 65 and "not an mbox" in err
    empty = tmp_path / "empty.mbox"
    empty.write_bytes(b"")
    assert arc.run("archive", "import", LIST, empty)[0] == 65
    rc, _, err = arc.run("archive", "import", "nolist@d1.example.org", junk)
    assert rc == 67
    assert arc.json("archive", "show", LIST)["messages"] == 0


def test_hostile_mail_renders_inert(arc, tmp_path):
    evil_html = ('<html><body onload="x()"><script>alert(1)</script><p style="x:expression(1)">hi</p>'
                 '<a href="javascript:alert(2)">j</a><a href=" JaVa&#x09;script:alert(3)">k</a>'
                 '<a href="data:text/html,<script>">d</a><img src="http://evil/x.png" alt="pic">'
                 '<iframe src="http://evil"></iframe><form action="http://evil"><input name=a></form>'
                 '<svg><script>alert(4)</script></svg><a href="https://ok.example/">fine</a>'
                 '<div onclick="x()" onmouseover="y()">z</div></body></html>')
    box = tmp_path / "evil.mbox"
    box.write_text(mbox(
        mail("h@x", "=?UTF-8?B?PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==?=", evil_html, ctype="text/html; charset=utf-8",
             frm='"<img src=x onerror=alert(1)>" <evil@example.org>'),
        mail("s@x", '"><script>alert(5)</script>', "javascript:alert(6)", frm="=?UTF-8?Q?=0D=0ABcc:_x@y?= <a@b.c>"),
        mail("c@x", "Broken charset", "caf\xe9", ctype="text/plain; charset=x-no-such-charset"),
    ))
    arc.run("archive", "import", LIST, box, check=0)
    pages = check_pages(html_dir(arc))
    text = "".join(p.read_text() for p in pages)
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in text  # the subject, as text
    assert 'href="https://ok.example/"' in text and "[image: pic]" in text
    assert "\ufffd" in text or "caf" in text
    arc.run("archive", "set", LIST, "--html", "text", check=0)
    check_pages(html_dir(arc))


def test_thousand_attachments_and_long_thread(arc, tmp_path):
    parts = "".join(f"--b\nContent-Type: application/octet-stream\nContent-Disposition: attachment; "
                    f"filename=\"../evil{i}.html\"\nContent-Transfer-Encoding: base64\n\naGVsbG8=\n"
                    for i in range(1000))
    att = mail("att@x", "Many attachments", "--b\nContent-Type: text/plain\n\nsee attached\n" + parts + "--b--",
               ctype='multipart/mixed; boundary="b"')
    msgs = [att, mail("t0@x", "Long thread", "start")]
    for i in range(1, 2000):
        msgs.append(mail(f"t{i}@x", "Re: Long thread", f"reply {i}", date="Mon, 06 Jan 2020 12:00:00 +0000",
                         extra=f"In-Reply-To: <t{i - 1}@x>\nReferences: <t0@x> <t{i - 1}@x>\n"))
    box = tmp_path / "big.mbox"
    box.write_text(mbox(*msgs))
    assert arc.json("archive", "import", LIST, box)["added"] == 2001
    d = html_dir(arc)
    assert not (d / "att").exists()    # the web serves them from the message
    arc.run("archive", "export", LIST, tmp_path / "export", check=0)
    files = list((tmp_path / "export" / "dev" / "att").rglob("*"))
    names = [f.name for f in files if f.is_file()]
    assert len(names) == 1000 and not any(n.endswith(".html") for n in names)
    assert len(list((d / "t").glob("*.html"))) == 2
    check_pages(d)


def test_cross_posted_message_stored_once(arc, tmp_path):
    arc.run("list", "create", "staff@d1.example.org", check=0)
    m = tmp_path / "m.eml"
    m.write_text(mail("x@x", "To both", "hello both"))
    arc.run("archive", "add", LIST, m, check=0)
    arc.run("archive", "add", "staff@d1.example.org", m, check=0)
    stored = list((arc.home / "districts" / "d1" / "messages").rglob("*.eml"))
    assert len(stored) == 1
    assert arc.json("archive", "show", "staff@d1.example.org")["messages"] == 1


def test_rebuild_reproduces_pages(arc, tmp_path):
    box = tmp_path / "a.mbox"
    box.write_text(mbox(mail("a@x", "One", "one"), mail("b@x", "Re: One", "two", extra="References: <a@x>\n")))
    arc.run("archive", "import", LIST, box, check=0)
    d = html_dir(arc)
    before = sorted(p.name for p in (d / "m").glob("*.html"))
    subprocess.run(["rm", "-rf", str(d)], check=True)
    arc.run("archive", "rebuild", LIST, check=0)
    assert sorted(p.name for p in (d / "m").glob("*.html")) == before
    assert len(list((d / "t").glob("*.html"))) == 1


def prefix_of(xz, n_messages, dest):
    """The first n messages of a big corpus mbox (a prefix keeps make test quick)."""
    count = 0
    with lzma.open(xz, "rb") as src, open(dest, "wb") as out:
        for line in src:
            if line.startswith(b"From mboxrd@z "):
                count += 1
                if count > n_messages:
                    break
            out.write(line)


def test_corpus_mboxes_import_without_crash(arc, tmp_path):
    boxes = sorted((CORPUS / "edge-cases").glob("*mbox*"))
    for xz in sorted(CORPUS.glob("*.xz")):
        dest = tmp_path / (xz.stem + ".prefix")
        prefix_of(xz, int(os.environ.get("LISTD_CORPUS_MESSAGES", "300")), dest)
        boxes.append(dest)
    for b in boxes:
        rc, out, err = arc.run("archive", "import", LIST, b, timeout=120)
        assert rc in (0, 65), f"{b}: {rc} {err}"
        assert "AddressSanitizer" not in err and "runtime error" not in err
    assert arc.json("archive", "show", LIST)["messages"] > 500
    check_pages(html_dir(arc))


def test_netscape_separators_and_a_bom_are_read(arc, tmp_path):
    """Netscape's "From - " lines start messages even without a blank line
    before them, and a UTF-8 byte order mark is not data."""
    edge = CORPUS / "edge-cases"
    for name, want in (("mimekit-simple.mbox.txt", 3), ("mimekit-content-length.mbox.txt", 29)):
        doc = arc.json("archive", "import", LIST, edge / name)
        assert doc["read"] == want, (name, doc)
    text = mbox(mail("<b1@x>", "Hello", "one"))
    bom = tmp_path / "bom.mbox"
    bom.write_bytes(b"\xef\xbb\xbf" + (text.encode() if isinstance(text, str) else text))
    assert arc.json("archive", "import", LIST, bom)["read"] == 1


def test_import_that_cannot_store_messages_indexes_nothing(arc, tmp_path):
    box = tmp_path / "a.mbox"
    box.write_text(mbox(mail("w1@x", "One", "one"), mail("w2@x", "Two", "two")))
    msgs = arc.home / "districts" / "d1" / "messages"
    if msgs.exists():
        msgs.rmdir()
    msgs.write_text("not a directory")    # every raw write fails
    rc, _, err = arc.run("archive", "import", LIST, box)
    assert rc == 75 and "import stopped" in err
    msgs.unlink()
    assert arc.json("archive", "import", LIST, box)["added"] == 2   # nothing was half-done


def thread_partition(ctl, name):
    """Each thread page of list name as the bodies ("body N") it shows."""
    import re
    d = ctl.home / "districts" / "d1" / "html" / name / "t"
    return sorted(sorted(re.findall(r"body (\d+|ten)\b", p.read_text())) for p in d.glob("*.html"))


def test_import_in_chunks_threads_like_one_by_one(arc, tmp_path):
    """The import parses chunks of messages on worker threads and stores
    them in mbox order: across chunk boundaries (replies long before their
    parents, a reference chain of unknown parents, duplicates, a message
    naming itself) it must thread exactly as adding the same mails one by
    one does."""
    arc.run("list", "create", "one@d1.example.org", "--archive", "public", check=0)
    msgs = []
    n = 300
    for i in range(n):
        # message i replies to i+150 (a parent that comes much later, in
        # another chunk) for the first half, to i-1 in runs of 5 after
        if i < 150 and i % 3 == 0:
            refs = f"References: <m{i + 150}@x> <m{i + 149}@x>\n"
        elif i >= 150 and i % 5:
            refs = f"In-Reply-To: <m{i - 1}@x>\nReferences: <gone{i}@x> <m{i - 1}@x> <m{i}@x>\n"
        else:
            refs = ""
        day = 1 + i % 28
        msgs.append(mail(f"m{i}@x", f"Topic {i // 5}" if not refs else f"Re: Topic {i // 5}", f"body {i}",
                         date=f"Mon, {day:02d} Jun 2020 10:{i % 60:02d}:00 +0000", extra=refs))
    msgs.insert(200, msgs[40])                         # the same bytes again
    msgs.insert(260, msgs[10].replace("body 10", "body ten"))  # same Message-ID, new bytes
    box = tmp_path / "big.mbox"
    box.write_text(mbox(*msgs))
    res = arc.json("archive", "import", LIST, box)
    assert res["read"] == n + 2 and res["added"] == n + 1 and res["present"] == 1 and res["bad"] == 0
    for i, m in enumerate(msgs):
        f = tmp_path / f"{i}.eml"
        f.write_text(m)
        arc.run("archive", "add", "one@d1.example.org", f, check=0)
    chunked, single = thread_partition(arc, "dev"), thread_partition(arc, "one")
    assert len(chunked) > 50
    assert chunked == single
    check_pages(html_dir(arc))


def test_pages_from_stored_text_equal_pages_from_raw(arc, tmp_path):
    """A one-part text message's page is rendered from its stored text
    (body_only), not by re-reading and re-parsing the raw message: the page
    must be byte for byte what the parse gives."""
    box = tmp_path / "a.mbox"
    box.write_text(mbox(
        mail("p1@x", "Plain", "Hello ann@example.org,\n> quoted\n>From the past\n\ttabbed\n" + "long " * 500),
        mail("p2@x", "Re: Plain", "caf\u00e9 \u738b\u82b3 \u00e9t\u00e9\n", extra="References: <p1@x>\n"),
        mail("p3@x", "Latin", "caf\xe9", ctype="text/plain; charset=iso-8859-1"),
        mail("p4@x", "Empty", ""),
        mail("h1@x", "Html", "<p>hi <b>there</b><script>x()</script></p>", ctype="text/html; charset=utf-8"),
        mail("a1@x", "Attached", "--b\nContent-Type: text/plain\n\nsee file\n--b\nContent-Type: text/csv\n"
             "Content-Disposition: attachment; filename=\"a.csv\"\n\n1,2\n--b--",
             ctype="multipart/mixed; boundary=b"),
    ))
    assert arc.json("archive", "import", LIST, box)["added"] == 6
    db = arc.home / "districts" / "d1" / "district.db"
    with sqlite3.connect(db) as c:
        only = dict(c.execute("SELECT message_id, body_only FROM arc_msg"))
    assert only["p1@x"] == 1 and only["p2@x"] == 1 and only["p3@x"] == 1
    assert only["h1@x"] == 0 and only["a1@x"] == 0
    arc.run("archive", "export", LIST, tmp_path / "stored", check=0)
    with sqlite3.connect(db) as c:
        c.execute("UPDATE arc_msg SET body_only = 0")
    arc.run("archive", "export", LIST, tmp_path / "parsed", check=0)
    stored = sorted((tmp_path / "stored").rglob("m/*.html"))
    assert len(stored) == 6
    for page in stored:
        twin = tmp_path / "parsed" / page.relative_to(tmp_path / "stored")
        assert page.read_bytes() == twin.read_bytes(), page.name
    assert any("ann (at) example.org" in p.read_text() for p in stored)   # still obfuscated


def test_every_imported_message_is_searchable_across_batches(arc, tmp_path):
    """The import stores a chunk's search texts together after its rows,
    and commits every 2,000 messages, in the middle of a chunk: every
    message must come out searchable and its page must show its body,
    on either side of a chunk and of a commit."""
    n = 2300
    box = tmp_path / "many.mbox"
    box.write_text(mbox(*[mail(f"k{i}@x", f"Item {i}", f"word tok{i} here",
                               date=f"Mon, {1 + i % 28:02d} Jun 2020 10:{i % 60:02d}:00 +0000")
                          for i in range(n)]))
    res = arc.json("archive", "import", LIST, box)
    assert res["added"] == n and res["bad"] == 0
    db = sqlite3.connect(arc.home / "districts" / "d1" / "district.db")
    try:
        assert db.execute("SELECT count(*) FROM arc_fts").fetchone()[0] == n
        assert db.execute("SELECT count(*) FROM arc_msg m JOIN arc_fts f ON f.rowid = m.id").fetchone()[0] == n
    finally:
        db.close()
    for i in (0, 127, 128, 1919, 1920, 1999, 2000, 2001, 2047, 2048, n - 1):
        hits = arc.json("archive", "search", LIST, f"tok{i}")
        assert [h["subject"] for h in hits] == [f"Item {i}"], i
    pages = list((html_dir(arc) / "m").glob("*.html"))
    assert len(pages) == n
    assert sum("word tok" in p.read_text() for p in pages) == n


def test_import_from_a_pipe_and_mboxrd_quoting(arc, tmp_path):
    """A file is mapped; a pipe is read whole: both give the same archive.
    A body line ">From here" was quoted as ">>From here" and comes back
    with one '>'; "From the start" inside a body, quoted as ">From", comes
    back unquoted; a line ">>>not From" is left alone."""
    body = ">From here\nFrom the start\n>>>not From\nend"
    msgs = [mail("q1@x", "Quoting", body), mail("q2@x", "Second", "two"),
            mail("q3@x", "Third", "three")]
    data = mbox(*msgs).encode()
    assert b">>From here" in data and b"\n>From the start" in data
    rc, out, err = arc.run("--json", "archive", "import", LIST, "/dev/stdin", input=data)
    assert rc == 0 and json.loads(out)["added"] == 3, err
    page = next(p for p in (html_dir(arc) / "m").glob("*.html") if "Quoting" in p.read_text())
    text = page.read_text()
    assert "&gt;From here" in text and "\nFrom the start" in text and "&gt;&gt;&gt;not From" in text
    assert "&gt;&gt;From here" not in text and "&gt;From the start" not in text
    box = tmp_path / "same.mbox"
    box.write_bytes(data)
    assert arc.json("archive", "import", LIST, box)["present"] == 3


def test_separators_and_the_first_bad_line(arc, tmp_path):
    """From_ lines after a blank line (LF or CRLF) or standing alone with a
    day name split messages; "From " inside a paragraph does not; an empty
    message and one of white space only are counted bad, the first one's
    From_ line reported by number."""
    data = ("From a@x Mon Jan  6 10:00:00 2020\n" + mail("s1@x", "One", "one\nFrom here on, no split") +
            "\nFrom b@x Mon Jan  6 10:00:00 2020\n" +                       # an empty message
            "From c@x Tue Jan  7 10:00:00 2020\n" + mail("s2@x", "Two", "two") +  # no blank: a day name
            "\r\nFrom d@x Wed Jan  8 10:00:00 2020\r\n \r\n\t\r\n" +          # white space only
            "\nFrom e@x Thu Jan  9 10:00:00 2020\n" + mail("s3@x", "Three", "three"))
    box = tmp_path / "sep.mbox"
    box.write_text(data)
    first_bad = next(i for i, line in enumerate(data.split("\n"), 1) if line.startswith("From b@x"))
    res = arc.json("archive", "import", LIST, box)
    assert (res["read"], res["added"], res["bad"]) == (5, 3, 2)
    assert res["first_bad_line"] == first_bad
    for word, subject in (("one", "One"), ("two", "Two"), ("three", "Three"), ("here", "One")):
        assert [h["subject"] for h in arc.json("archive", "search", LIST, word)] == [subject]
