"""test_web_ldap.py - signing in to the web interface with a district's
directory password (/d/D/login) against a real slapd: directory groups
mapped to district admin and list owner, a wrong or empty password, the
shared throttle, LDAP filter injection in the login name, a directory
outage (a clear "unavailable" for district users, while the site
administrator still signs in with the local password), and a district
without directory sign-in."""
import pytest

import slapd as S
from slapd import Slapd, group, person
from webtest import PASSWORD, Web, make_site


@pytest.fixture
def ldsite(home, ctl, sink, tmp_path):
    srv = Slapd(tmp_path).start()
    srv.add(person("ann", name="Ann Admin") + "\n" +
            person("otto", mail="owner@north.example.org", name="Otto Owner") + "\n" +
            person("sam", name="Sam Nobody") + "\n" +
            person("star*user", mail="star@north.org", name="Star") + "\n" +
            person("paren(x)", mail="paren@north.org", name="Paren"))
    people = [f"uid={u},{S.PEOPLE}" for u in ("ann", "star*user", "paren(x)")]
    srv.add(group("admins", people) + "\n" +
            group("owners", [f"uid=otto,{S.PEOPLE}"]))
    d = make_site(home, ctl, sink.port)
    ctl.run("source", "set", "north", *srv.source_args(**{
        "login": "yes",
        "role-group.district-admin": f"cn=admins,{S.GROUPS}",
        "role-group.list-owner": f"cn=owners,{S.GROUPS}"}), check=0)
    d.start()
    yield srv, d
    d.stop()
    srv.cleanup()


def dlogin(port, user, password=S.USER_PW, district="north"):
    w = Web(port)
    page = w.get(f"/d/{district}/login")
    assert page.status == 200
    r = w.post(f"/d/{district}/login", {"username": user, "password": password})
    if r.status == 303:
        w.get("/admin/")
    return w, r


def test_directory_groups_become_roles(ldsite):
    srv, d = ldsite
    w, r = dlogin(d.http_port, "ann")
    assert r.status == 303 and r.header("Location") == "/admin/", r.text
    assert w.get("/admin/d/north/").status == 200
    assert w.get("/admin/d/south/").status == 403
    # The list owner: rights on the lists whose owner address is theirs.
    w, r = dlogin(d.http_port, "otto")
    assert r.status == 303, r.text
    assert w.get("/admin/d/north/lists/staff/").status == 200
    assert w.get("/admin/d/north/").status == 403
    # Someone in neither group has no role here.
    w, r = dlogin(d.http_port, "sam")
    assert r.status == 403 and "no role" in r.text


def test_a_group_change_takes_the_role_away_at_the_next_sign_in(ldsite):
    srv, d = ldsite
    w, _ = dlogin(d.http_port, "ann")
    assert w.get("/admin/d/north/").status == 200
    srv.modify(f"dn: cn=admins,{S.GROUPS}\nchangetype: modify\ndelete: member\n"
               f"member: uid=ann,{S.PEOPLE}\n\n"
               f"dn: cn=owners,{S.GROUPS}\nchangetype: modify\nadd: member\n"
               f"member: uid=ann,{S.PEOPLE}\n")
    w, r = dlogin(d.http_port, "ann")
    assert r.status == 303
    assert w.get("/admin/d/north/").status == 403


def test_wrong_and_empty_passwords_and_the_shared_throttle(ldsite):
    srv, d = ldsite
    _, r = dlogin(d.http_port, "ann", "")
    assert r.status == 400
    _, r = dlogin(d.http_port, "nobody-at-all", "whatever-password")
    assert r.status == 403 and "Wrong user name or password" in r.text
    for _ in range(5):
        _, r = dlogin(d.http_port, "otto", "wrong-password")
        assert r.status == 403 and "Wrong user name or password" in r.text
    _, r = dlogin(d.http_port, "otto")       # even the right one now waits
    assert r.status == 403 and "Too many failed sign-ins" in r.text
    _, r = dlogin(d.http_port, "ann")        # another account is not locked
    assert r.status == 303


def test_filter_injection_in_the_login_name(ldsite):
    srv, d = ldsite
    for name in ("*", "a*", "*)(uid=*", "ann)(|(uid=*", "ann)(uid=*))(|(uid=*",
                 "\\2a", "ann\\", "(uid=ann)", "*)(objectClass=*"):
        _, r = dlogin(d.http_port, name)
        assert r.status == 403 and "Wrong user name or password" in r.text, name
    # A NUL never reaches the directory: the form itself is refused.
    w = Web(d.http_port)
    w.get("/d/north/login")
    r = w.request("POST", "/d/north/login",
                  data=f"username=ann%00x&password={S.USER_PW}&csrf={w.csrf}".encode(),
                  headers={"Content-Type": "application/x-www-form-urlencoded"})
    assert r.status == 400
    _, r = dlogin(d.http_port, "ann\nweb login user=root")   # no forged log lines
    assert r.status == 400 and "control characters" in r.text
    # Names holding filter characters match themselves, literally.
    for name in ("star*user", "paren(x)"):
        w, r = dlogin(d.http_port, name)
        assert r.status == 303, (name, r.text)
        assert w.get("/admin/d/north/").status == 200


def test_directory_outage_does_not_lock_out_the_site_admin(ldsite):
    srv, d = ldsite
    srv.stop()
    _, r = dlogin(d.http_port, "ann")
    assert r.status == 503 and "directory is unavailable" in r.text
    assert "Wrong user name" not in r.text
    w, r = dlogin(d.http_port, "root", PASSWORD)
    assert r.status == 303
    assert w.get("/admin/d/north/").status == 200
    assert Web(d.http_port).login("root").status == 303
    # The outage is not counted as failed sign-ins.
    for _ in range(6):
        dlogin(d.http_port, "ann")
    srv.start(load=False)
    _, r = dlogin(d.http_port, "ann")
    assert r.status == 303, r.text


def test_directory_accounts_have_no_local_password(ldsite):
    srv, d = ldsite
    w, _ = dlogin(d.http_port, "ann")
    r = w.post("/password", {"current": S.USER_PW, "new": "new-password-123",
                             "again": "new-password-123"})
    assert r.status == 403 and "directory" in r.text
    for pw in (S.USER_PW, "!directory", ""):
        assert Web(d.http_port).login("north/ann", pw).status in (400, 403)


def test_district_without_directory_sign_in(ldsite):
    srv, d = ldsite
    _, r = dlogin(d.http_port, "ann", district="south")
    assert r.status == 404 and "no directory sign-in" in r.text
    # The public list directory points staff to the sign-in that exists.
    assert 'href="/d/north/login"' in Web(d.http_port).get("/d/north/").text
    assert "/d/south/login" not in Web(d.http_port).get("/d/south/").text
    # Local district admins still sign in at /login.
    assert Web(d.http_port).login("south-admin").status == 303


def test_a_broken_login_setting_is_named_not_blamed_on_the_user(ldsite, ctl):
    srv, d = ldsite
    ctl.run("source", "set", "north", "--setting", "login-filter=(&(uid=%s)", check=0)
    _, r = dlogin(d.http_port, "ann")
    assert r.status == 500 and "not set up right" in r.text
    assert "Wrong user name" not in r.text
    ctl.run("source", "set", "north", "--unset", "login-filter", check=0)
    assert dlogin(d.http_port, "ann")[1].status == 303
