"""test_metrics.py - GET /metrics on the real daemon: the Prometheus text
format (0.0.4) parsed strictly, the numbers moving with real mail (posts
accepted, held and rejected, deliveries, deferrals and bounces by domain at
a real SMTP sink, archive pages, HTTP answers), and who may read it
(loopback, a site token, [http] metrics_token; not a district token, not
through a proxy, not a wrong token)."""
import re
import urllib.error
import urllib.request

import pytest

from mailtest import Listd, lmtp_post, new_district, set_list, wait_until

NAME = r"[a-zA-Z_:][a-zA-Z0-9_:]*"
LABEL = r'[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\n]|\\[\\"n])*"'
SAMPLE = re.compile(rf"^({NAME})(?:\{{((?:{LABEL})(?:,{LABEL})*)?\}})? (-?[0-9]+(?:\.[0-9]+)?(?:e[+-]?[0-9]+)?|NaN|[+-]Inf)$")
TOKEN = "metrics-secret-0123456789abcdef"


def parse(text):
    """Every line a comment (HELP/TYPE) or a sample; every sample's metric
    has HELP and TYPE before it; TYPE once per name. Returns
    {name: {frozenset(labels): value}}."""
    assert text.endswith("\n")
    helps, types, out = set(), {}, {}
    for line in text.splitlines():
        if line.startswith("#"):
            m = re.match(rf"^# (HELP|TYPE) ({NAME}) (.+)$", line)
            assert m, line
            kind, name, rest = m.groups()
            if kind == "TYPE":
                assert rest in ("counter", "gauge", "untyped"), line
                assert name not in types, f"TYPE twice: {name}"
                types[name] = rest
            else:
                assert name not in helps, f"HELP twice: {name}"
                helps.add(name)
            continue
        m = SAMPLE.match(line)
        assert m, f"not a sample: {line!r}"
        name, labels, value = m.groups()
        assert name in helps and name in types, f"no HELP/TYPE before {name}"
        if types[name] == "counter":
            assert name.endswith("_total"), name
        pairs = frozenset(re.findall(r'([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"', labels or ""))
        assert pairs not in out.setdefault(name, {}), f"duplicate sample {line}"
        out[name][pairs] = float(value)
    return out


def get(port, headers=None):
    req = urllib.request.Request(f"http://127.0.0.1:{port}/metrics", headers=headers or {})
    try:
        r = urllib.request.urlopen(req, timeout=30)
        return r.status, r.headers.get("Content-Type"), r.read().decode()
    except urllib.error.HTTPError as e:
        return e.code, e.headers.get("Content-Type"), e.read().decode()


def value(m, name, **labels):
    return m.get(name, {}).get(frozenset(labels.items()), 0.0)


@pytest.fixture
def up(ctl, home, sink):
    new_district(ctl, policy="members", nonmember="hold", archive="public")
    ctl.run("list", "create", "news@north.example.org", "--kind", "discussion", check=0)
    ctl.run("member", "add", "news@north.example.org", "alice@example.net", check=0)
    set_list(ctl, "news@north.example.org", policy="members", nonmember="reject")
    ctl.run("district", "add", "south", "--domain", "south.example.org", "--name", "South", check=0)
    d = Listd(home, sink.port, http=True,
              extra_conf=f"metrics_token = {TOKEN}\n")
    d.start()
    yield d
    d.stop()


def test_metrics_move_with_mail(up, sink, home):
    st, ctype, text = get(up.http_port)
    assert st == 200, text
    assert ctype.startswith("text/plain; version=0.0.4")
    before = parse(text)
    assert value(before, "listd_district_store_up", district="north") == 1
    assert value(before, "listd_district_store_up", district="south") == 1
    assert value(before, "listd_messages_received_total", district="north") == 0
    assert value(before, "listd_queue_oldest_age_seconds", district="north") == 0

    sink.fail_rcpt["bob@example.com"] = "550 5.1.1 no such user"
    sink.fail_rcpt["carol@example.com"] = "451 4.2.0 try later"
    assert lmtp_post(up, "staff@north.example.org").startswith("250 2.0.0 accepted")
    assert lmtp_post(up, "staff@north.example.org",
                     sender="stranger@example.org").startswith("250 2.0.0 held")
    assert lmtp_post(up, "news@north.example.org",
                     sender="stranger@example.org").startswith("550 5.7.1")
    sink.wait_recipients(2)  # alice and the owner

    def moved():
        m = parse(get(up.http_port)[2])
        return (value(m, "listd_deliveries_total", domain="example.net") >= 1 and
                value(m, "listd_delivery_bounces_total", domain="example.com") >= 1 and
                value(m, "listd_deferrals_total", domain="example.com") >= 1 and
                value(m, "listd_archive_pages_rendered_total") >= 1) and m
    m = wait_until(moved, 30, what="delivery counters") and moved()
    assert value(m, "listd_messages_received_total", district="north") == 3
    assert value(m, "listd_messages_accepted_total", district="north") == 1
    assert value(m, "listd_messages_held", district="north") == 1
    assert value(m, "listd_messages_rejected_total", district="north") == 1
    assert value(m, "listd_messages_received_total", district="south") == 0
    assert value(m, "listd_deliveries_total", domain="north.example.org") >= 1  # post, held notice
    assert value(m, "listd_deliveries_total", domain="example.com") == 0
    # carol's deferred batch waits in the queue, and has an age.
    assert value(m, "listd_queue_batches", district="north") >= 1
    assert value(m, "listd_queue_recipients", district="north") >= 1
    assert value(m, "listd_http_requests_total", code="200") >= 2

    # A 404 is counted under its code.
    urllib.request.Request(f"http://127.0.0.1:{up.http_port}/no/such/page")
    try:
        urllib.request.urlopen(f"http://127.0.0.1:{up.http_port}/no/such/page", timeout=30)
    except urllib.error.HTTPError as e:
        assert e.code == 404
    m = parse(get(up.http_port)[2])
    assert value(m, "listd_http_requests_total", code="404") >= 1


def test_bounce_disabled_and_generator_run(up, ctl, home):
    from test_bounce_flow import bounce, dsn
    m = parse(get(up.http_port)[2])
    assert value(m, "listd_members_bounce_disabled", district="north") == 0
    assert "listd_generator_last_run_success" not in m  # no run yet: no sample
    for i in range(5):
        assert bounce(up, dsn("bob@example.com", n=i)).startswith("250")
    csv = home / "accounts.csv"
    csv.write_text("id,address,name,role,active,school\n1,t1@north.example.org,T One,staff,yes,Oak\n")
    # north's roster staff@ collides with its discussion list staff@: the
    # run applies the rest but reports that list in error (success 0);
    # south has nothing in the way (success 1).
    for slug in ("north", "south"):
        ctl.run("source", "set", slug, "--type", "csv", "--path", csv, check=0)
    assert ctl.run("generate", "--district", "north")[0] == 78
    ctl.run("generate", "--district", "south", check=0)
    m = parse(get(up.http_port)[2])
    assert value(m, "listd_members_bounce_disabled", district="north") == 1
    assert value(m, "listd_members_bounce_disabled", district="south") == 0
    assert value(m, "listd_generator_last_run_success", district="north") == 0
    assert value(m, "listd_generator_last_run_success", district="south") == 1
    for slug in ("north", "south"):
        assert value(m, "listd_generator_last_run_timestamp_seconds", district=slug) > 1.7e9


def test_access(up, ctl):
    port = up.http_port
    assert get(port)[0] == 200                                   # loopback
    proxied = {"X-Forwarded-For": "203.0.113.9"}
    assert get(port, proxied)[0] == 403                          # via a proxy
    assert get(port, {"Forwarded": "for=203.0.113.9"})[0] == 403
    assert get(port, {**proxied, "Authorization": f"Bearer {TOKEN}"})[0] == 200
    site_tok = ctl.json("token", "add", "prom", "--site")["token"]
    assert get(port, {**proxied, "Authorization": f"Bearer {site_tok}"})[0] == 200
    dist_tok = ctl.json("token", "add", "cms", "--district", "north")["token"]
    assert get(port, {**proxied, "Authorization": f"Bearer {dist_tok}"})[0] == 403
    # A wrong credential is refused even from loopback.
    for bad in (f"Bearer {TOKEN}x", f"Bearer {TOKEN[:-1]}", "Bearer ", "Basic Zm9vOmJhcg==",
                "Bearer " + "A" * 4000, f"bearer {TOKEN}"):
        assert get(port, {"Authorization": bad})[0] in (403, 431, 400), bad
    st, _, _ = get(port, {"Authorization": f"Bearer {dist_tok}"})
    assert st == 403
    # Other methods are refused, and nothing leaks in the refusal.
    req = urllib.request.Request(f"http://127.0.0.1:{port}/metrics", data=b"x=1", method="POST")
    with pytest.raises(urllib.error.HTTPError) as e:
        urllib.request.urlopen(req, timeout=30)
    assert e.value.code in (400, 405)
    st, _, body = get(port, proxied)
    assert "north" not in body


def test_loopback_can_be_switched_off(ctl, home, sink):
    new_district(ctl)
    d = Listd(home, sink.port, http=True, extra_conf="metrics_loopback = no\n")
    d.start()
    try:
        assert get(d.http_port)[0] == 403
        tok = ctl.json("token", "add", "prom", "--site")["token"]
        st, _, text = get(d.http_port, {"Authorization": f"Bearer {tok}"})
        assert st == 200 and 'district="north"' in text
        parse(text)
    finally:
        d.stop()


def test_short_metrics_token_is_a_config_error(ctl, home, sink):
    (home / "listd.conf").write_text("[http]\nmetrics_token = short\n")
    rc, out, err = ctl.run("district", "list", check=None)
    assert rc == 78, (rc, out, err)
    assert "metrics_token" in err and "shorter than 16" in err


def test_domains_are_counted_without_case(ctl, home, sink):
    """Members at EXAMPLE.net and example.NET are one destination domain,
    one sample; the whole page still parses."""
    new_district(ctl, members=("Dana@EXAMPLE.net", "eve@example.NET"))
    d = Listd(home, sink.port, http=True)
    d.start()
    try:
        assert lmtp_post(d, "staff@north.example.org",
                         sender="eve@example.NET").startswith("250 2.0.0 accepted")
        sink.wait_recipients(3)
        wait_until(lambda: value(parse(get(d.http_port)[2]), "listd_deliveries_total",
                                 domain="example.net") == 2, 30, what="two deliveries")
        m = parse(get(d.http_port)[2])
        assert [k for k in m["listd_deliveries_total"] if "example.net" in str(k).lower()] == \
            [frozenset({("domain", "example.net")})]
    finally:
        d.stop()
