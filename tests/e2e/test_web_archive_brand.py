"""test_web_archive_brand.py - archive pages served through the web carry
the district's branding: colours and a header band with its logo and
display name, drawn by the archive stylesheet the web serves (the pages
themselves are static files, unchanged, without script). Hostile display
names and logo URLs cannot break out of the CSS."""
import os
import re
import sqlite3
import subprocess
import urllib.parse

from conftest import BIN
from mailtest import message, wait_until
from webtest import site  # noqa: F401  (fixture)

LIST = "staff@north.example.org"


def css_unescape(s):
    return re.sub(r"\\([0-9a-f]{1,6}) ?", lambda m: chr(int(m.group(1), 16)), s)


def archived_page(site, ctl):
    ctl.run("list", "set", LIST, "--archive", "public", "--policy", "open", check=0)
    ctl.run("inject", LIST, input=message(sender="alice@north.example.net", to=LIST,
                                          subject="Field trip").encode(), check=0)
    pub = site.web()
    page = wait_until(lambda: (lambda p: p if "Field trip" in p.text else None)(
        pub.get("/d/north/archive/staff/search?q=field")), what="post in the archive")
    link = re.search(r'href="(/d/north/archive/staff/m/[0-9a-f]+\.html)"', page.text).group(1)
    return pub, pub.get(link)   # written before search could name it


def test_archive_pages_carry_logo_and_name(site, ctl):
    w = site.web("north-admin")
    assert w.post("/admin/d/north/branding", {"name": "North Schools", "logo": "/logo.png",
                                              "accent": "#aa0000",
                                              "background": "#fffff0"}).status == 303
    pub, msg = archived_page(site, ctl)
    assert msg.status == 200 and "<script" not in msg.text
    href = re.search(r'<link rel="stylesheet" href="([^"]+)"', msg.text).group(1)
    css_url = urllib.parse.urljoin("/d/north/archive/staff/m/x.html", href)
    assert css_url == "/d/north/archive/style.css", href
    css = pub.get(css_url)
    assert css.status == 200 and css.header("Content-Type").startswith("text/css")
    rule = re.search(r"body::before\{content:\"([^\"]*)\";[^}]*\}", css.text)
    assert rule, css.text[-600:]
    assert css_unescape(rule.group(1)) == "North Schools"
    logo = re.search(r'url\("([^"]*)"\)', rule.group(0)).group(1)
    assert css_unescape(logo) == "/logo.png"
    assert "#aa0000" in rule.group(0) and "background:#fffff0" in css.text
    # The south district's archive stylesheet is its own.
    assert "North Schools" not in css_unescape(pub.get("/d/south/archive/style.css").text)


def test_hostile_display_name_stays_inside_its_css_string(site, ctl):
    w = site.web("north-admin")
    name = 'N"}body{display:none}\\<\u00e9/*'
    assert w.post("/admin/d/north/branding", {"name": name, "logo": "",
                                              "accent": "#000000",
                                              "background": "#ffffff"}).status == 303
    css = site.web().get("/d/north/archive/style.css").text
    rule = re.search(r"body::before\{content:\"([^\"]*)\";[^}]*\}", css)
    assert rule and css_unescape(rule.group(1)) == name
    assert "url(" not in rule.group(0)        # no logo, no image
    assert "display:none" not in css
    # A logo stored by another path that is no acceptable URL is dropped.
    db = sqlite3.connect(site.home / "districts" / "north" / "district.db")
    db.execute("INSERT OR REPLACE INTO setting (key, value) VALUES ('web.logo', ?)",
               ('javascript:alert(1)")}x{',))
    db.commit()
    db.close()
    css = site.web().get("/d/north/archive/style.css").text
    assert "javascript" not in css and "url(" not in re.search(
        r"body::before\{[^}]*\}", css).group(0)


def test_a_page_search_names_is_always_there(site, ctl, tmp_path):
    """A post's page is written before the commit that lets search name
    it. The archiver is held for 1.5 s right after its commit
    (LISTD_PAUSE, test builds): while it waits, search already shows the
    post and its page must be there (it used to be written only after)."""
    ctl.run("list", "set", LIST, "--archive", "public", "--policy", "open", check=0)
    pub = site.web()
    eml = tmp_path / "post.eml"
    eml.write_text(message(sender="alice@north.example.net", to=LIST, subject="Race walk"))
    env = dict(os.environ, LISTD_HOME=str(ctl.home), LISTD_PAUSE="archive.committed:1500")
    add = subprocess.Popen([str(BIN / "listctl"), "archive", "add", LIST, str(eml)], env=env)
    try:
        page = wait_until(lambda: (lambda p: p if "Race walk" in p.text else None)(
            pub.get("/d/north/archive/staff/search?q=race")), what="the post in search")
        assert add.poll() is None, "the archiver is still held after its commit"
        link = re.search(r'href="(/d/north/archive/staff/m/[0-9a-f]+\.html)"', page.text).group(1)
        r = pub.get(link)
        assert r.status == 200 and "Race walk" in r.text
    finally:
        assert add.wait(timeout=30) == 0
