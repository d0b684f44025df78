"""test_archive_incremental.py - the pages `listctl archive add` re-renders
are the pages a full rebuild makes, byte for byte (month views, list index,
feed, archive home, thread and message pages, neighbours' links), and the
per-month message counters (arc_month, kept by triggers) stay right after
import, add, rebuild and list removal."""
import shutil
import sqlite3
from pathlib import Path

from test_archive import LIST, arc, check_pages, html_dir, mail, mbox  # noqa: F401 (arc is a fixture)


def day(d, hh="10:00"):
    return f"{d} {hh}:00 +0000"


# Threads interleaved over three months, equal dates (ties broken by thread
# id on the month by thread), non-ASCII names (sent as UTF-8, not entities),
# a reply before its parent, and hostile subjects.
FIRST = [
    mail("a1@x", "Bus times", "the bus leaves at 8", date=day("Mon, 06 Jan 2020")),
    mail("b1@x", "Lunch menu", "pizza", frm="\u0141ukasz N\u00f8rgaard <l@example.org>",
         date=day("Mon, 06 Jan 2020")),
    mail("a2@x", "Re: Bus times", "> the bus leaves at 8\nok", extra="In-Reply-To: <a1@x>\n",
         date=day("Tue, 07 Jan 2020")),
    mail("c1@x", "<script>alert(1)</script> \u2014 field trip", "permission slips",
         date=day("Mon, 03 Feb 2020")),
    mail("b2@x", "Re: Lunch menu", "again?", extra="References: <b1@x>\n",
         date=day("Tue, 04 Feb 2020")),
]
LATER = [
    # a reply in the middle of its thread, by date
    mail("a3@x", "Re: Bus times", "and back at 3", extra="References: <a1@x> <a2@x>\n",
         date=day("Mon, 06 Jan 2020", "12:00")),
    # same date as the thread starter of another thread
    mail("d1@x", "Snow day", "school is closed", date=day("Mon, 06 Jan 2020")),
    # a reply whose parent comes after it
    mail("e2@x", "Re: Choir", "count me in", extra="In-Reply-To: <e1@x>\n",
         date=day("Wed, 04 Mar 2020")),
    mail("e1@x", "Choir", "rehearsal on Tuesday", date=day("Tue, 03 Mar 2020")),
    # a new month, oldest of all
    mail("f1@x", "Welcome", "first post", frm="Zo\u00eb <z@example.org>",
         date=day("Sun, 01 Dec 2019")),
    # the newest, in an existing thread
    mail("b3@x", "Re: Lunch menu", "tacos", extra="References: <b1@x> <b2@x>\n",
         date=day("Thu, 05 Mar 2020")),
]


def tree(root):
    root = Path(root)
    return {str(p.relative_to(root)): p.read_bytes()
            for p in root.rglob("*") if p.is_file() and p.suffix in (".html", ".atom", ".css")}


def counters(arc):
    db = sqlite3.connect(f"file:{arc.home / 'districts' / 'd1' / 'district.db'}?mode=ro", uri=True)
    try:
        kept = sorted(db.execute("SELECT list_id, month, n FROM arc_month"))
        counted = sorted(db.execute("SELECT list_id, month, count(*) FROM arc_msg GROUP BY 1, 2"))
    finally:
        db.close()
    return kept, counted


def assert_counters(arc, n):
    kept, counted = counters(arc)
    assert kept == counted
    assert sum(r[2] for r in kept) == n
    assert arc.json("archive", "show", LIST)["messages"] == n


def assert_pages_equal_a_rebuild(arc):
    """The pages made so far (checked inert and well formed) are, byte for
    byte, the pages `archive rebuild` makes from scratch."""
    root = html_dir(arc).parent
    incremental = tree(root)
    check_pages(root)
    shutil.rmtree(root)
    arc.run("archive", "rebuild", LIST, check=0)
    full = tree(root)
    assert sorted(incremental) == sorted(full)
    for name in full:
        assert incremental[name] == full[name], f"{name} differs from the rebuild"


def add_later(arc, tmp_path):
    for i, m in enumerate(LATER):
        eml = tmp_path / f"later{i}.eml"
        eml.write_text(m)
        arc.run("archive", "add", LIST, eml, check=0)


def test_incremental_adds_make_the_pages_a_rebuild_makes(arc, tmp_path):
    box = tmp_path / "first.mbox"
    box.write_text(mbox(*FIRST))
    arc.run("archive", "import", LIST, box, check=0)
    add_later(arc, tmp_path)
    assert_pages_equal_a_rebuild(arc)
    assert_counters(arc, len(FIRST) + len(LATER))


def test_month_views_order_and_counts(arc, tmp_path):
    box = tmp_path / "first.mbox"
    box.write_text(mbox(*FIRST))
    arc.run("archive", "import", LIST, box, check=0)
    add_later(arc, tmp_path)
    d = html_dir(arc)
    by_thread = (d / "2020-01" / "thread.html").read_text("utf-8")
    # threads in order of their first message in the month: Bus times and
    # Lunch menu and Snow day all start at the same minute, so thread id
    # (first imported first) decides; replies by date inside each thread
    assert by_thread.index("Bus times") < by_thread.index("Lunch menu") < by_thread.index("Snow day")
    bus = by_thread[by_thread.index("Bus times"):by_thread.index("Lunch menu")]
    assert bus.index("2020-01-06 10:00") < bus.index("2020-01-06 12:00") < bus.index("2020-01-07 10:00")
    assert "\u0141ukasz N\u00f8rgaard" in by_thread  # UTF-8, as the page declares
    assert "&#" not in by_thread and "&mdash;" not in by_thread
    by_date = (d / "2020-01" / "date.html").read_text("utf-8")
    assert by_date.count("<li>") == 5
    index = (d / "index.html").read_text("utf-8")
    for month, n in (("2019-12", 1), ("2020-01", 5), ("2020-02", 2), ("2020-03", 3)):
        assert f"<td>{month}</td><td>{n}</td>" in index
    home = (d.parent / "index.html").read_text("utf-8")
    assert "<td>11</td>" in home
    assert "&lt;script&gt;alert(1)&lt;/script&gt; \u2014 field trip" in \
        (d / "2020-02" / "thread.html").read_text("utf-8")
    assert_counters(arc, 11)


def test_counters_follow_import_twice_rebuild_and_list_removal(arc, tmp_path):
    box = tmp_path / "first.mbox"
    box.write_text(mbox(*FIRST))
    arc.run("archive", "import", LIST, box, check=0)
    arc.run("archive", "import", LIST, box, check=0)  # adds nothing
    assert_counters(arc, len(FIRST))
    add_later(arc, tmp_path)
    add_later(arc, tmp_path)  # the same posts again: nothing counted twice
    assert_counters(arc, len(FIRST) + len(LATER))
    arc.run("archive", "rebuild", LIST, check=0)
    assert_counters(arc, len(FIRST) + len(LATER))
    arc.run("list", "remove", LIST, "--force", check=0)
    kept, counted = counters(arc)
    assert kept == counted == []


def test_list_removed_and_made_again_archives_anew(arc, tmp_path):
    """Removing a list used to leave its search rows behind; the same list
    made again then got message ids whose search rows already existed and
    every add was dropped as "the same post again"."""
    box = tmp_path / "first.mbox"
    box.write_text(mbox(*FIRST))
    arc.run("archive", "import", LIST, box, check=0)
    arc.run("list", "remove", LIST, "--force", check=0)
    arc.run("list", "create", LIST, "--archive", "public", check=0)
    post = tmp_path / "again.eml"
    post.write_text(mail("again@x", "Second life", "brand new words here"))
    arc.run("archive", "add", LIST, post, check=0)
    assert arc.json("archive", "show", LIST)["messages"] == 1
    assert [h["subject"] for h in arc.json("archive", "search", LIST, "brand")] == ["Second life"]
    assert arc.json("archive", "search", LIST, "pizza") == []   # the old list's text is gone
    arc.run("archive", "import", LIST, box, check=0)
    assert arc.json("archive", "show", LIST)["messages"] == 1 + len(FIRST)


# Posts arriving in date order, each the newest of its month, so their rows
# are patched into the month views instead of rendering them again: a
# reply in a thread with rows in the month, a new thread, a reply whose
# thread began in an earlier month (a new group), one at the same second
# as the newest (rendered in full: a tie), an older one (in full), a
# hostile subject and name, and a reply to that.
NEWEST = [
    mail("g1@x", "Field day", "bring water", date=day("Wed, 05 Feb 2020")),
    mail("g2@x", "Re: Field day", "and hats", extra="In-Reply-To: <g1@x>\n",
         date=day("Thu, 06 Feb 2020")),
    mail("a4@x", "Re: Bus times", "late bus", extra="References: <a1@x> <a2@x>\n",
         date=day("Fri, 07 Feb 2020")),
    mail("h1@x", "Choir robes", "sizes please", date=day("Fri, 07 Feb 2020")),
    mail("g3@x", "Re: Field day", "sunscreen", extra="References: <g1@x> <g2@x>\n",
         date=day("Sat, 08 Feb 2020")),
    mail("i1@x", "Old news", "from before", date=day("Sat, 01 Feb 2020")),
    mail("j1@x", "</ul></li><li>&amp; \u2014 fake row", "x",
         frm="\"</ol></main>\" <evil@example.org>", date=day("Sun, 09 Feb 2020")),
    mail("j2@x", "Re: </ul></li><li>&amp; \u2014 fake row", "y", extra="In-Reply-To: <j1@x>\n",
         date=day("Mon, 10 Feb 2020")),
]


def test_newest_posts_patch_month_views_like_a_rebuild(arc, tmp_path):
    box = tmp_path / "first.mbox"
    box.write_text(mbox(*FIRST))
    arc.run("archive", "import", LIST, box, check=0)
    month = html_dir(arc) / "2020-02"
    for i, m in enumerate(NEWEST):
        eml = tmp_path / f"newest{i}.eml"
        eml.write_text(m)
        arc.run("archive", "add", LIST, eml, check=0)
        by_date = (month / "date.html").read_text("utf-8")
        assert by_date.count("<li>") == 3 + i, f"after post {i}"
    assert_pages_equal_a_rebuild(arc)
    by_thread = (month / "thread.html").read_text("utf-8")
    # field trip, lunch menu, field day, bus times, choir robes, old news
    # and the fake row's thread: each one group
    assert by_thread.count("<strong>") == 7
    assert "&lt;/ul&gt;&lt;/li&gt;&lt;li&gt;&amp;amp;" in by_thread


def test_only_the_newest_post_is_patched_in(arc, tmp_path):
    """A mark left in both month views survives an add that patches them
    and is gone after one that renders them again."""
    box = tmp_path / "first.mbox"
    box.write_text(mbox(*FIRST, *NEWEST[:2]))
    arc.run("archive", "import", LIST, box, check=0)
    month = html_dir(arc) / "2020-02"
    views = [month / "date.html", month / "thread.html"]

    def add_marked(post):
        for v in views:
            v.write_text(v.read_text("utf-8").replace("<main>", "<main><!--mark-->", 1), "utf-8")
        eml = tmp_path / "marked.eml"
        eml.write_text(post)
        arc.run("archive", "add", LIST, eml, check=0)
        return [("<!--mark-->" in v.read_text("utf-8")) for v in views]

    assert add_marked(NEWEST[2]) == [True, True]     # newest: a new group
    assert add_marked(NEWEST[4]) == [True, True]     # newest: into its group
    tie = mail("t1@x", "Same second", "z", date=day("Sat, 08 Feb 2020"))
    assert add_marked(tie) == [False, False]         # at the newest's second
    assert add_marked(NEWEST[5]) == [False, False]   # older
