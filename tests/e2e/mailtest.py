"""mailtest.py - helpers for end-to-end mail tests: a real SMTP sink that
records every completed transaction to disk and can be told to fail, a raw
LMTP client that returns every reply line (smtplib's LMTP reads only one
reply after DATA), and a runner for the real listd daemon."""
import json
import os
import signal
import socket
import socketserver
import subprocess
import threading
import time
from pathlib import Path

from conftest import BIN


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def wait_until(pred, timeout=20.0, step=0.05, what="condition"):
    """Poll pred() until it is true or the deadline passes."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        v = pred()
        if v:
            return v
        time.sleep(step)
    raise AssertionError(f"timed out waiting for {what}")


class SinkHandler(socketserver.StreamRequestHandler):
    """One SMTP session: EHLO with PIPELINING, MAIL, RCPT, DATA, RSET, QUIT.
    Replies go out at once (TCP_NODELAY), as a real MTA's flushed replies
    do; without it Nagle and delayed ACKs add 40 ms to pipelined replies."""

    def setup(self):
        super().setup()
        self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def reply(self, line):
        self.wfile.write(line.encode() + b"\r\n")

    def handle(self):
        sink = self.server.sink
        self.reply("220 sink ready")
        mail_from, rcpts = None, []
        while True:
            line = self.rfile.readline(2000)
            if not line:
                return
            cmd = line.decode("latin-1").rstrip("\r\n")
            verb = cmd[:4].upper()
            if verb in ("EHLO", "HELO"):
                self.wfile.write(b"250-sink\r\n250-PIPELINING\r\n250-8BITMIME\r\n250 SIZE 100000000\r\n")
            elif verb == "MAIL":
                mail_from, rcpts = cmd[10:].split(">")[0].lstrip("<"), []
                self.reply("250 2.1.0 ok")
            elif verb == "RCPT":
                addr = cmd[8:].split(">")[0].lstrip("<")
                code = sink.rcpt_reply(addr)
                if code.startswith("2"):
                    rcpts.append(addr)
                self.reply(code)
            elif verb == "DATA":
                if not rcpts:
                    self.reply("554 5.5.1 no valid recipients")
                    continue
                self.reply("354 go")
                data = bytearray()
                while True:
                    l = self.rfile.readline(1 << 20)
                    if not l:
                        return
                    if l == b".\r\n":
                        break
                    if l.startswith(b".."):
                        l = l[1:]
                    data += l
                code = sink.data_reply()
                if code.startswith("2"):
                    sink.record(mail_from, rcpts, bytes(data))
                self.reply(code)
            elif verb == "RSET":
                mail_from, rcpts = None, []
                self.reply("250 ok")
            elif verb == "QUIT":
                self.reply("221 bye")
                return
            else:
                self.reply("500 unknown")


class Sink:
    """A real SMTP server on 127.0.0.1 that keeps what it accepts in memory
    and in a JSON-lines file. Failure modes: fail_rcpt maps an address to a
    reply code; data_code overrides the reply to DATA."""

    def __init__(self, directory):
        self.dir = Path(directory)
        self.dir.mkdir(parents=True, exist_ok=True)
        self.port = free_port()
        self.lock = threading.Lock()
        self.messages = []
        self.fail_rcpt = {}
        self.data_code = None
        self.server = None
        self.start()

    def start(self):
        socketserver.ThreadingTCPServer.allow_reuse_address = True
        self.server = socketserver.ThreadingTCPServer(("127.0.0.1", self.port), SinkHandler)
        self.server.daemon_threads = True
        self.server.sink = self
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def stop(self):
        if self.server:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    def rcpt_reply(self, addr):
        return self.fail_rcpt.get(addr.lower(), "250 2.1.5 ok")

    def data_reply(self):
        return self.data_code or "250 2.0.0 queued"

    def record(self, mail_from, rcpts, data):
        with self.lock:
            self.messages.append({"from": mail_from, "rcpts": list(rcpts), "data": data})
            with open(self.dir / "sink.jsonl", "a") as fp:
                fp.write(json.dumps({"from": mail_from, "rcpts": rcpts,
                                     "size": len(data)}) + "\n")

    def recipients(self):
        with self.lock:
            return [r for m in self.messages for r in m["rcpts"]]

    def wait_recipients(self, n, timeout=30):
        return wait_until(lambda: len(self.recipients()) >= n, timeout,
                          what=f"{n} recipients at the sink")


class Lmtp:
    """A raw LMTP client: send commands, read replies (multi-line aware)."""

    def __init__(self, port, timeout=30):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=timeout)
        self.fp = self.sock.makefile("rb")
        self.greeting = self.read_reply()

    def read_reply(self):
        lines = []
        while True:
            l = self.fp.readline()
            if not l:
                raise ConnectionError("connection closed")
            lines.append(l.decode("utf-8", "replace").rstrip("\r\n"))
            if len(l) < 4 or l[3:4] != b"-":
                return "\n".join(lines)

    def cmd(self, line):
        self.sock.sendall(line.encode() + b"\r\n")
        return self.read_reply()

    def send_raw(self, data):
        self.sock.sendall(data)

    def deliver(self, sender, rcpts, message, lhlo=True):
        """Full transaction; returns (rcpt replies, data replies)."""
        if lhlo:
            self.cmd("LHLO test")
        self.cmd(f"MAIL FROM:<{sender}>")
        rr = [self.cmd(f"RCPT TO:<{r}>") for r in rcpts]
        ok = [r for r, rep in zip(rcpts, rr) if rep.startswith("250")]
        if not ok:
            return rr, []
        rep = self.cmd("DATA")
        assert rep.startswith("354"), rep
        if isinstance(message, str):
            message = message.encode()
        body = message.replace(b"\r\n", b"\n").replace(b"\n", b"\r\n")
        body = b"\r\n".join((b"." + l if l.startswith(b".") else l) for l in body.split(b"\r\n"))
        if not body.endswith(b"\r\n"):
            body += b"\r\n"
        self.sock.sendall(body + b".\r\n")
        return rr, [self.read_reply() for _ in ok]

    def close(self):
        try:
            self.cmd("QUIT")
        except Exception:
            pass
        self.sock.close()


def message(subject="Hello", sender="alice@example.net", to="list@example.org",
            body="Hello, list.\n", msgid=None, headers=""):
    msgid = msgid or f"<{time.monotonic_ns()}@example.net>"
    return (f"From: Alice <{sender}>\nTo: {to}\nSubject: {subject}\n"
            f"Message-ID: {msgid}\nDate: Fri, 27 Nov 2026 10:00:00 +0000\n"
            f"{headers}MIME-Version: 1.0\nContent-Type: text/plain; charset=utf-8\n\n{body}")


class Listd:
    """The real daemon on a temporary home, LMTP on a free loopback port,
    relaying to the given sink port."""

    def __init__(self, home, relay_port, extra_conf="", env=None, http=False, args=()):
        self.home = Path(home)
        self.port = free_port()
        self.http_port = free_port() if http else None  # the web interface
        self.args = list(args)
        self.relay_port = relay_port
        self.extra_conf = extra_conf
        self.env = env or {}
        self.proc = None
        self.log = self.home / "listd.log"

    def write_conf(self):
        (self.home / "listd.conf").write_text(
            f"[listd]\nlog_level = debug\n[lmtp]\nlisten = 127.0.0.1:{self.port}\n"
            f"[delivery]\nrelay = 127.0.0.1:{self.relay_port}\nretry_min = 1\nretry_max = 2\n"
            f"helo_name = listd.test\n[http]\n{self.http_conf()}{self.extra_conf}")

    def http_conf(self):
        if not self.http_port:
            return "listen =\n"
        return (f"listen = 127.0.0.1:{self.http_port}\n"
                f"base_url = http://127.0.0.1:{self.http_port}\nthreads = 2\n")

    def start(self, env=None):
        self.write_conf()
        e = dict(os.environ, LISTD_HOME=str(self.home))
        e.update(self.env)
        e.update(env or {})
        self.logfp = open(self.log, "ab")
        self.proc = subprocess.Popen([str(BIN / "listd"), *self.args], env=e, stdout=self.logfp,
                                     stderr=subprocess.STDOUT)
        wait_until(self.ready, 15, what="listd to listen")
        return self

    def ready(self):
        if self.proc.poll() is not None:
            raise AssertionError(f"listd exited {self.proc.returncode}: {self.log.read_text()[-2000:]}")
        try:
            port = self.http_port if "http" in self.args else self.port
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            if self.http_port:
                socket.create_connection(("127.0.0.1", self.http_port), timeout=1).close()
            return True
        except OSError:
            return False

    def lmtp(self):
        return Lmtp(self.port)

    def stop(self, sig=signal.SIGTERM, timeout=40):
        if self.proc and self.proc.poll() is None:
            self.proc.send_signal(sig)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.proc:
            self.logfp.close()
        rc = self.proc.returncode if self.proc else None
        self.proc = None
        return rc

    def kill(self):
        return self.stop(signal.SIGKILL)

    def wait_exit(self, timeout=20):
        try:
            return self.proc.wait(timeout)
        finally:
            self.logfp.close()
            self.proc = None


# --- helpers for the mail-path suites (test_lmtp, test_pipeline,
# test_delivery, test_promises) ---

import email
import email.policy
import sqlite3


def db_rows(home, sql, *args, slug="north"):
    """Rows of a read-only query on a district's store (the daemon's own
    state, read the way an operator would with sqlite3)."""
    path = Path(home) / "districts" / slug / "district.db"
    con = sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=10)
    try:
        return con.execute(sql, args).fetchall()
    finally:
        con.close()


def posts(home, slug="north", kind=None):
    """Every post as a dict: id, message_id, state, reason, n_rcpt,
    n_delivered, n_bounced, attempts; only those of kind ("post" for list
    posts, "notice" for listd's own mail...) when it is given."""
    cols = ("id", "message_id", "state", "reason", "n_rcpt", "n_delivered",
            "n_bounced", "attempts")
    where, args = ("WHERE kind = ?", (kind,)) if kind else ("", ())
    return [dict(zip(cols, r)) for r in db_rows(
        home, f"SELECT {', '.join(cols)} FROM post {where} ORDER BY id",
        *args, slug=slug)]


def pending_rcpts(home, post_id, slug="north"):
    """Recipients still queued (deferred or not yet sent) for a post."""
    return db_rows(home, "SELECT coalesce(sum(n_rcpt), 0) FROM batch WHERE "
                   "post_id = ? AND state = 'pending'", post_id, slug=slug)[0][0]


def queue_idle(home, slug="north"):
    """True when no batch is waiting or leased."""
    return db_rows(home, "SELECT count(*) FROM batch WHERE state = 'pending'",
                   slug=slug)[0][0] == 0


def spool_files(home, slug="north"):
    """Every file under the district's messages/ directory (names)."""
    d = Path(home) / "districts" / slug / "messages"
    return sorted(str(p.relative_to(d)) for p in d.rglob("*") if p.is_file()) \
        if d.exists() else []


def parse_mail(data):
    """A delivered copy as an email.message.EmailMessage (line ends made
    LF first, so decoded text compares with "\n")."""
    return email.message_from_bytes(data.replace(b"\r\n", b"\n"),
                                    policy=email.policy.default)


def bulk_members(ctl, list_addr, n, domains=("example.com", "example.net",
                                            "school.example", "mail.example")):
    """Import n members (m00000@<domain>...) in one listctl import; returns
    the addresses."""
    addrs = [f"m{i:05d}@{domains[i % len(domains)]}" for i in range(n)]
    csv = "address\n" + "\n".join(addrs) + "\n"
    ctl.run("member", "import", list_addr, "-", input=csv.encode(), check=0)
    return addrs


def new_district(ctl, members=("alice@example.net", "bob@example.com",
                               "carol@example.com"), **settings):
    """District north.example.org with list staff@ holding members, owner
    owner@north.example.org, and the given list settings (policy="open"...).
    Copies are shared (personalize=no) unless the test asks otherwise, so a
    post is one transaction at the sink; test_personal.py covers per-member
    copies."""
    settings.setdefault("personalize", "no")
    ctl.run("district", "add", "north", "--domain", "north.example.org",
            "--name", "North District", check=0)
    ctl.run("list", "create", "staff@north.example.org", "--kind", "discussion",
            "--description", "North staff", check=0)
    for a in members:
        ctl.run("member", "add", "staff@north.example.org", a, check=0)
    ctl.run("member", "add", "staff@north.example.org", "owner@north.example.org",
            "--role", "owner", check=0)
    set_list(ctl, "staff@north.example.org", **settings)
    return "staff@north.example.org"


def set_list(ctl, list_addr, **settings):
    """listctl list set with keyword settings (subject_prefix -> --subject-prefix)."""
    if settings:
        args = []
        for k, v in settings.items():
            args += ["--" + k.replace("_", "-"), str(v)]
        ctl.run("list", "set", list_addr, *args, check=0)


class SlowSink(Sink):
    """A Sink that waits `delay` seconds before answering each DATA, like a
    busy relay; records only after the wait, as a relay would."""

    def __init__(self, directory, delay=0.05):
        self.delay = delay
        super().__init__(directory)

    def data_reply(self):
        time.sleep(self.delay)
        return super().data_reply()


def raw_exchange(port, data, timeout=10):
    """Send raw bytes on a fresh LMTP connection and read until the server
    closes or goes quiet; returns every reply line received."""
    s = socket.create_connection(("127.0.0.1", port), timeout=timeout)
    s.sendall(data)
    s.settimeout(2)
    got = b""
    try:
        while True:
            chunk = s.recv(65536)
            if not chunk:
                break
            got += chunk
    except socket.timeout:
        pass
    s.close()
    return got.decode("latin-1").split("\r\n")


def start_until_exit(d, env, timeout=20):
    """Start listd expecting it to die on its own (a crash point during
    start-up recovery); returns the exit status (negative: signal)."""
    d.write_conf()
    e = dict(os.environ, LISTD_HOME=str(d.home))
    e.update(d.env)
    e.update(env)
    with open(d.log, "ab") as fp:
        p = subprocess.Popen([str(BIN / "listd")], env=e, stdout=fp,
                             stderr=subprocess.STDOUT)
        try:
            return p.wait(timeout)
        except subprocess.TimeoutExpired:
            p.kill()
            p.wait()
            raise AssertionError("listd did not stop at the crash point")


def lmtp_post(d, rcpt, sender="alice@example.net", **kw):
    """One post over a fresh LMTP session; returns the DATA reply (or the
    RCPT reply when RCPT was refused)."""
    c = d.lmtp()
    try:
        rr, dr = c.deliver(sender, [rcpt], message(sender=sender, to=rcpt, **kw))
        return dr[0] if dr else rr[0]
    finally:
        c.close()
