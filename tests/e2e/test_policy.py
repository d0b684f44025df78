"""test_policy.py - content policies end to end: listctl policy add, list,
remove, preset and test on real files, hostile arguments and hostile mail,
the real corpus through `policy test` with the student-safe preset, and the
real daemon over LMTP (a reject rule gives a 5xx with the rule's message, a
hold rule puts the post in `listctl held list`)."""
import base64
import json
import os
from pathlib import Path

from conftest import SHARED
from mailtest import message, wait_until

LIST = "staff@north.example.org"
CORPUS = Path(os.environ.get("LISTD_CORPUS", SHARED / "corpus"))
HDR = ("From: Alice <alice@example.net>\nTo: staff@north.example.org\n"
       "Message-ID: <p@example.net>\nMIME-Version: 1.0\n")


def mixed(*parts, subject="x"):
    """A multipart/mixed message with a text part and the given parts."""
    body = f"{HDR}Subject: {subject}\nContent-Type: multipart/mixed; boundary=AA\n\n"
    body += "--AA\nContent-Type: text/plain\n\nhello\n"
    for p in parts:
        body += f"--AA\n{p}\n"
    return body + "--AA--\n"


def verdict(ctl, tmp_path, raw, name="m.eml"):
    f = tmp_path / name
    f.write_bytes(raw.encode() if isinstance(raw, str) else raw)
    return ctl.json("policy", "test", LIST, f)


def test_policy_add_list_remove_round_trip(ctl, district):
    site = ctl.json("policy", "add", "--site", "--kind", "max_size", "--pattern", "10M",
                    "--action", "reject")["id"]
    dist = ctl.json("policy", "add", "--district", "north", "--kind", "word",
                    "--pattern", "Darn", "--action", "hold")["id"]
    lst = ctl.json("policy", "add", "--list", LIST, "--kind", "attachment_deny",
                   "--pattern", "image/*", "--action", "discard")["id"]
    assert site == "site:1" and dist == "north:1" and lst == "north:2"
    rules = ctl.json("policy", "list", "--list", LIST)
    assert [(r["id"], r["scope"], r["inherited"]) for r in rules] == [
        ("site:1", "site", True), ("north:1", "district", True), ("north:2", "list", False)]
    assert [r["id"] for r in ctl.json("policy", "list", "--district", "north")] == ["site:1", "north:1"]
    assert [r["id"] for r in ctl.json("policy", "list")] == ["site:1"]
    rc, out, _ = ctl.run("policy", "list", "--list", LIST, check=0)
    assert "(inherited)" in out and "image/*" in out
    ctl.run("policy", "remove", "north:1", check=0)
    ctl.run("policy", "remove", "site:1", check=0)
    assert [r["id"] for r in ctl.json("policy", "list", "--list", LIST)] == ["north:2"]
    # A removed list takes its rules with it.
    ctl.run("list", "remove", LIST, "--force", check=0)
    assert ctl.json("policy", "list", "--district", "north") == []


def test_policy_hostile_arguments_change_nothing(ctl, district):
    ctl.run("policy", "add", "--district", "north", "--kind", "word", "--pattern", "x1",
            "--action", "hold", check=0)
    before = ctl.json("policy", "list", "--list", LIST)
    bad = [
        (64, ["--district", "north", "--kind", "colour", "--pattern", "x", "--action", "hold"]),
        (64, ["--district", "north", "--kind", "word", "--pattern", "x", "--action", "explode"]),
        (64, ["--kind", "word", "--pattern", "x", "--action", "hold"]),
        (64, ["--site", "--district", "north", "--kind", "word", "--pattern", "x", "--action", "hold"]),
        (64, ["--district", "north", "--kind", "word", "--action", "hold"]),
        (64, ["--district", "north", "--kind", "word", "--pattern", "!!!", "--action", "hold"]),
        (64, ["--district", "north", "--kind", "word", "--pattern", "a\nb", "--action", "hold"]),
        (64, ["--district", "north", "--kind", "word", "--pattern", "x" * 201, "--action", "hold"]),
        (64, ["--district", "north", "--kind", "word", "--pattern", "ok", "--action", "reject",
              "--message", "bye\r\nBcc: victim@example.org"]),
        (64, ["--district", "north", "--kind", "max_size", "--pattern", "-5", "--action", "reject"]),
        (64, ["--district", "north", "--kind", "attachment_deny", "--pattern", "../../x",
              "--action", "reject"]),
        (67, ["--district", "nosuch", "--kind", "word", "--pattern", "x", "--action", "hold"]),
        (67, ["--list", "nosuch@north.example.org", "--kind", "word", "--pattern", "x",
              "--action", "hold"]),
        (65, ["--district", "north", "--kind", "word", "--pattern", "x1", "--action", "reject"]),
    ]
    for code, args in bad:
        rc, _, err = ctl.run("policy", "add", *args)
        assert rc == code, (args, rc, err)
        assert err.startswith("listctl: policy add: "), err
    for code, args in [(64, ["remove", "12"]), (64, ["remove", "north:abc"]),
                       (64, ["remove", "north:-1"]), (64, ["remove", "preset:student-safe"]),
                       (67, ["remove", "north:99"]), (67, ["remove", "nosuch:1"]),
                       (67, ["remove", "site:5"]),
                       (64, ["preset", "kid-safe", "--district", "north", "on"]),
                       (64, ["preset", "student-safe", "--district", "north", "maybe"]),
                       (64, ["preset", "student-safe", "on"]),
                       (67, ["preset", "student-safe", "--district", "nosuch", "on"])]:
        rc, _, err = ctl.run("policy", *args)
        assert rc == code, (args, rc, err)
    assert ctl.json("policy", "list", "--list", LIST) == before


def test_policy_test_reports_verdict_and_rule(ctl, district, tmp_path):
    assert verdict(ctl, tmp_path, message(to=LIST))["verdict"] == "accept"
    rid = ctl.json("policy", "add", "--list", LIST, "--kind", "attachment_deny",
                   "--pattern", "exe", "--action", "reject", "--message",
                   "No programs on this list")["id"]
    v = verdict(ctl, tmp_path, mixed('Content-Type: application/pdf; name="report.pdf.exe"\n\nx'))
    assert v == {"verdict": "reject", "rule": rid, "kind": "attachment_deny",
                 "pattern": "exe", "reason": "No programs on this list"}
    rc, out, _ = ctl.run("policy", "test", LIST, tmp_path / "m.eml", check=0)
    assert "verdict: reject" in out and f"rule: {rid} (attachment_deny exe)" in out


def test_policy_test_hostile_words(ctl, district, tmp_path):
    ctl.run("policy", "add", "--district", "north", "--kind", "word", "--pattern",
            "forbidden fruit", "--action", "hold", check=0)
    b64 = base64.encodebytes("some FORBIDDEN,\n fruit".encode()).decode()
    cases = {
        "rfc2047": f"{HDR}Subject: =?utf-8?B?{base64.b64encode(b'Forbidden Fruit').decode()}?=\n\nhi\n",
        "base64": f"{HDR}Subject: x\nContent-Type: text/plain\nContent-Transfer-Encoding: base64\n\n{b64}",
        "qp-soft-break": f"{HDR}Subject: x\nContent-Type: text/plain\n"
                         "Content-Transfer-Encoding: quoted-printable\n\nforbid=\nden fr=\nuit\n",
        "html-only": f"{HDR}Subject: x\nContent-Type: text/html\n\n"
                     "<div>for<i>bid</i>den <span>fruit</span></div>\n",
        "accents": f"{HDR}Subject: x\nContent-Type: text/plain; charset=utf-8\n\nF\u00f6rb\u00efdden FRU\u00cfT\n",
        "nested": mixed("Content-Type: message/rfc822\n\nSubject: forbidden fruit\n\nx"),
    }
    for name, raw in cases.items():
        v = verdict(ctl, tmp_path, raw, name + ".eml")
        assert v["verdict"] == "hold", (name, v)
        assert v["rule"] == "north:1"
    assert verdict(ctl, tmp_path, message(to=LIST, body="forbiddenfruit is one word\n"))["verdict"] == "accept"


def test_policy_test_hostile_attachments(ctl, district, tmp_path):
    ctl.run("policy", "preset", "student-safe", "--district", "north", "on", check=0)
    exe = 'Content-Type: application/octet-stream\nContent-Disposition: attachment; filename="{}"\n\nMZ'
    cases = {
        "rfc822-in-multipart": mixed("Content-Type: message/rfc822\n\nSubject: fwd\n"
                                     "Content-Type: multipart/mixed; boundary=BB\n\n--BB\n"
                                     + exe.format("setup.exe") + "\n--BB--"),
        "double-extension": mixed(exe.format("report.pdf.exe")),
        "type-lie": mixed('Content-Type: application/pdf; name="invoice.exe"\n\n%PDF'),
        "type-only": mixed('Content-Type: application/x-msdownload; name="invoice.pdf"\n\nMZ'),
        "rfc2231": mixed("Content-Type: application/octet-stream\nContent-Disposition: attachment;"
                         " filename*=UTF-8''%E2%9C%93report.%65%78%65\n\nMZ"),
        "rfc2231-continuation": mixed('Content-Type: application/octet-stream\nContent-Disposition:'
                                      ' attachment; filename*0="run"; filename*1=".bat"\n\nx'),
        "1000-attachments": mixed(*[exe.format(f"f{i}.pdf") for i in range(999)],
                                  exe.format("last.scr")),
    }
    for name, raw in cases.items():
        v = verdict(ctl, tmp_path, raw, name + ".eml")
        assert v["verdict"] == "reject" and v["rule"] == "preset:student-safe", (name, v)
        assert v["reason"] == "executables and scripts are not accepted on this list"
    assert verdict(ctl, tmp_path, mixed(exe.format("report.exe.pdf")))["verdict"] == "accept"
    deep = f"{HDR}Subject: deep\n"
    for i in range(40):
        deep += f"Content-Type: multipart/mixed; boundary=b{i}\n\n--b{i}\n"
    deep += "Content-Type: text/plain\n\nbottom\n" + "".join(f"--b{i}--\n" for i in reversed(range(40)))
    v = verdict(ctl, tmp_path, deep, "deep.eml")
    assert v["verdict"] == "hold" and "too deeply nested" in v["reason"]
    ctl.run("policy", "preset", "student-safe", "--district", "north", "off", check=0)
    assert verdict(ctl, tmp_path, cases["double-extension"])["verdict"] == "accept"


def test_policy_test_hostile_files(ctl, district, tmp_path):
    rc, _, err = ctl.run("policy", "test", LIST, tmp_path / "absent.eml")
    assert rc == 67 and "absent.eml" in err
    (tmp_path / "empty.eml").write_bytes(b"")
    assert ctl.run("policy", "test", LIST, tmp_path / "empty.eml")[0] == 65
    (tmp_path / "junk.eml").write_bytes(bytes(range(256)) * 64)
    assert ctl.run("policy", "test", LIST, tmp_path / "junk.eml")[0] in (0, 65)
    assert ctl.run("policy", "test", "nosuch@north.example.org", tmp_path / "junk.eml")[0] == 67
    assert ctl.run("policy", "test", LIST)[0] == 64


def test_policy_corpus_with_preset_never_crashes(ctl, district, tmp_path):
    ctl.run("policy", "preset", "student-safe", "--district", "north", "on", check=0)
    ctl.run("policy", "add", "--list", LIST, "--kind", "attachment_allow", "--pattern",
            "application/pdf", "--action", "hold", check=0)
    files = sorted(p for p in (CORPUS / "mime").rglob("*") if p.is_file() and p.suffix != ".json")
    assert len(files) > 200
    seen = set()
    for f in files:
        rc, out, err = ctl.run("--json", "policy", "test", LIST, f, timeout=30)
        assert rc in (0, 65), (f, rc, err)
        if rc == 0:
            seen.add(json.loads(out)["verdict"])
    assert "accept" in seen and "hold" in seen


def test_daemon_reject_rule_gives_5xx_with_its_message(ctl, district, listd, sink):
    ctl.run("policy", "add", "--list", LIST, "--kind", "word", "--pattern", "lottery",
            "--action", "reject", "--message", "Lottery offers are not allowed here", check=0)
    listd.start()
    c = listd.lmtp()
    _, data = c.deliver("alice@example.net", [LIST],
                        message(to=LIST, subject="=?utf-8?Q?You_won_the_L=C3=96TTERY?="))
    c.close()
    assert data[0].startswith("550 5.7.1") and "Lottery offers are not allowed here" in data[0]
    c = listd.lmtp()
    _, data = c.deliver("alice@example.net", [LIST], message(to=LIST, subject="Plain news"))
    c.close()
    assert data[0].startswith("250")
    sink.wait_recipients(4)
    assert all(b"Plain news" in m["data"] for m in sink.messages)


def test_daemon_hold_rule_puts_post_in_held_list(ctl, district, listd, sink):
    ctl.run("policy", "add", "--district", "north", "--kind", "attachment_deny", "--pattern",
            "zip", "--action", "hold", check=0)
    listd.start()
    c = listd.lmtp()
    raw = mixed('Content-Type: application/zip\nContent-Disposition: attachment;'
                ' filename="homework.ZIP"\n\nPK', subject="homework")
    _, data = c.deliver("alice@example.net", [LIST], raw)
    c.close()
    assert data[0].startswith("250") and "held for moderation" in data[0]
    held = ctl.json("held", "list", LIST)
    assert len(held) == 1 and held[0]["subject"] == "homework"
    assert "homework.ZIP" in held[0]["reason"] and "north:1" in held[0]["reason"]
    # Moderators may be sent a notice; the post itself reaches nobody.
    for m in sink.messages:
        assert not {"alice@example.net", "bob@example.com", "carol@example.com"} & set(m["rcpts"])
        assert b'filename="homework.ZIP"' not in m["data"]
