"""test_bench_tools.py - the benchmark helpers in bench/ against the real
daemon and a real SMTP sink: the LMTP hand-over client (lmtp-post.py), the
intake load client (intake.py) and the fan-out summary's last line
(summarize.py). Behaviour only; no timing here (that is bench/'s job)."""
import json
import subprocess

import pytest

from conftest import BUILD
from mailtest import free_port, message

BENCH = BUILD.parent / "bench"
PY = "/usr/bin/python3"
LIST = "bench@bench.example.org"
MEMBERS = ["m1@a.example.net", "m2@b.example.net", "m3@c.example.net"]


@pytest.fixture
def open_list(ctl, tmp_path):
    ctl.run("district", "add", "bench", "--domain", "bench.example.org",
            "--name", "Bench", check=0)
    ctl.run("list", "create", LIST, "--policy", "open", check=0)
    csv = tmp_path / "m.csv"
    csv.write_text("address\n" + "\n".join(MEMBERS) + "\n")
    ctl.run("member", "import", LIST, csv, check=0)
    return LIST


def post(port, to, data, *extra):
    return subprocess.run([PY, str(BENCH / "lmtp-post.py"), "--port", str(port),
                           "--to", to, *extra], input=data, capture_output=True,
                          timeout=60)


def test_lmtp_post_hands_over_and_listd_delivers(open_list, listd, sink):
    listd.start()
    body = "first line\n.\n..two dots\n.leading dot\nlast\n"
    p = post(listd.port, LIST, message(to=LIST, body=body).encode())
    assert p.returncode == 0, p.stderr
    sink.wait_recipients(len(MEMBERS))
    assert sorted(sink.recipients()) == sorted(MEMBERS)
    # dot-stuffing: the lines that start with a dot arrive as written
    for m in sink.messages:         # one copy per member when personalised
        assert b"\n.\n..two dots\n.leading dot\n" in m["data"].replace(b"\r\n", b"\n")


def test_lmtp_post_refused_recipient_exits_1(open_list, listd, sink):
    listd.start()
    p = post(listd.port, "nosuch@bench.example.org", message().encode())
    assert p.returncode == 1
    assert b"550" in p.stderr and b"Traceback" not in p.stderr
    # the daemon still works, and only the good post is delivered
    assert post(listd.port, LIST, message(to=LIST).encode()).returncode == 0
    sink.wait_recipients(len(MEMBERS))
    assert sorted(sink.recipients()) == sorted(MEMBERS)
    assert {m["data"].count(b"Message-ID:") for m in sink.messages} == {1}


@pytest.mark.parametrize("data", [b"", b"\x00\xff\xfe not a message",
                                  b"Subject: x\n\n" + b"y" * 70000 + b"\n"])
def test_lmtp_post_hostile_input_no_crash(open_list, listd, data):
    listd.start()
    p = post(listd.port, LIST, data)
    assert p.returncode in (0, 1)
    assert b"Traceback" not in p.stderr
    assert listd.ready()           # the daemon survived


def test_lmtp_post_nothing_listening_exits_1():
    p = post(free_port(), LIST, message().encode())
    assert p.returncode == 1
    assert p.stderr.startswith(b"lmtp-post:") and b"Traceback" not in p.stderr


def test_lmtp_post_bad_arguments_exit_2():
    p = post("not-a-port", LIST, b"")
    assert p.returncode == 2


def intake(port, msg, *extra):
    p = subprocess.run([PY, str(BENCH / "intake.py"), "--port", str(port),
                        "--msg", str(msg), *extra], capture_output=True, timeout=120)
    return p.returncode, json.loads(p.stdout)


def test_intake_client_distinct_posts_all_delivered(open_list, listd, sink, tmp_path):
    listd.start()
    msg = tmp_path / "post.eml"
    msg.write_text(message(to=LIST, msgid="<same@example.net>"))
    rc, out = intake(listd.port, msg, "--to", LIST, "--posts", "7", "--sessions", "3")
    assert rc == 0 and out["posts"] == 7 and out["errors"] == 0
    # each post got its own Message-ID, so none was taken for a duplicate
    sink.wait_recipients(7 * len(MEMBERS))
    ids = {m["data"].split(b"Message-ID: ", 1)[1].split(b"\r\n", 1)[0]
           for m in sink.messages}
    assert len(ids) == 7
    assert len(sink.recipients()) == 7 * len(MEMBERS)


def test_intake_client_counts_refusals(open_list, listd, tmp_path):
    listd.start()
    msg = tmp_path / "post.eml"
    msg.write_text(message())
    rc, out = intake(listd.port, msg, "--to", "nosuch@bench.example.org",
                     "--posts", "4", "--sessions", "2")
    assert rc == 1 and out["posts"] == 0 and out["errors"] == 2
    assert "550" in out["first_error"]


def test_intake_client_smtp_mode_against_sink(sink, tmp_path):
    msg = tmp_path / "post.eml"
    msg.write_text(message())
    rc, out = intake(sink.port, msg, "--to", "x@example.net", "--smtp",
                     "--posts", "5", "--sessions", "2")
    assert rc == 0 and out["posts"] == 5
    assert len(sink.recipients()) == 5


def run_row(system, wall, members=1000, drcpt=None, hwm=None):
    r = {"system": system, "run": 1, "members": members, "msg_size": 100,
         "wall_s": wall, "user_s": 0.1, "sys_s": 0.1, "maxrss_kb": 10240,
         "sink_cpu_s": 0.0, "sink": {"drcpt": members if drcpt is None else drcpt},
         "extra": {}}
    if hwm:
        r["extra"] = {"daemon_user_s": 0.2, "daemon_sys_s": 0.1, "daemon_hwm_kb": hwm}
    return r


def summarize(tmp_path, rows):
    f = tmp_path / "results.jsonl"
    f.write_text("".join(json.dumps(r) + "\n" for r in rows))
    p = subprocess.run([PY, str(BENCH / "summarize.py"), str(f)],
                       capture_output=True, timeout=30)
    assert p.returncode == 0, p.stderr
    return p.stdout.decode().strip().splitlines()


def test_summarize_last_line_has_exactly_the_fanout_keys(tmp_path):
    rows = [run_row("smtp-source", 0.5), run_row("mlmmj-batched", 10.0),
            run_row("listd", 0.25, hwm=40960), run_row("listd", 1.0, hwm=20480),
            run_row("listd", 0.5, hwm=30720)]
    last = summarize(tmp_path, rows)[-1]
    assert last == ("listd_rcpt_per_s=2000 mlmmj_batched_rcpt_per_s=100 "
                    "ceiling_rcpt_per_s=2000 ratio_vs_mlmmj=20.00 "
                    "ratio_vs_ceiling=1.00 listd_peak_rss_mb=30.0")


def test_summarize_incomplete_listd_run_is_not_a_figure(tmp_path):
    rows = [run_row("smtp-source", 0.5), run_row("listd", 0.2, drcpt=999),
            run_row("listd", None, drcpt=0)]
    lines = summarize(tmp_path, rows)
    assert lines[-1].startswith("listd_rcpt_per_s=- mlmmj_batched_rcpt_per_s=- "
                                "ceiling_rcpt_per_s=2000 ratio_vs_mlmmj=- ratio_vs_ceiling=-")
    assert any("| listd |" in l and l.rstrip().endswith("| NO |") for l in lines)


def test_summarize_without_listd_keeps_the_peers_line(tmp_path):
    lines = summarize(tmp_path, [run_row("smtp-source", 0.5)])
    assert lines[-1].startswith("smtp_source_rcpt_per_s=2000")
