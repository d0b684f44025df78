"""lmtpc.py - a tiny LMTP/SMTP client for the benchmarks (Python standard
library only; run with Debian's /usr/bin/python3).

Session(host, port, lmtp=True) opens a connection, reads the greeting and
sends LHLO (or EHLO when lmtp is False). send(sender, rcpts, data) runs one
transaction without pipelining and returns the replies after the end of
DATA: one per accepted recipient under LMTP (RFC 2033), one under SMTP.
Any unexpected reply raises Refused with the reply text."""
import socket


class Refused(Exception):
    pass


def to_wire(data):
    """LF or CRLF text -> CRLF, dot-stuffed, with the terminating dot line."""
    body = data.replace(b"\r\n", b"\n").split(b"\n")
    if body and body[-1] == b"":
        body.pop()
    out = [(b"." + l) if l.startswith(b".") else l for l in body]
    return b"\r\n".join(out) + b"\r\n.\r\n"


class Session:
    def __init__(self, host, port, lmtp=True, timeout=60):
        self.lmtp = lmtp
        self.sock = socket.create_connection((host, port), timeout=timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.fp = self.sock.makefile("rb")
        self.expect(self.reply(), "220")
        self.expect(self.cmd("LHLO bench" if lmtp else "EHLO bench"), "250")

    def reply(self):
        lines = []
        while True:
            line = self.fp.readline(4096)
            if not line:
                raise Refused("connection closed")
            lines.append(line.decode("latin-1").rstrip("\r\n"))
            if len(line) < 4 or line[3:4] != b"-":
                return "\n".join(lines)

    @staticmethod
    def expect(rep, code):
        if not rep.startswith(code):
            raise Refused(rep)
        return rep

    def cmd(self, line):
        self.sock.sendall(line.encode() + b"\r\n")
        return self.reply()

    def send(self, sender, rcpts, data):
        """One transaction; data is the message (LF or CRLF). Returns the
        replies after DATA; raises Refused unless every one is 250."""
        self.expect(self.cmd(f"MAIL FROM:<{sender}>"), "250")
        for r in rcpts:
            self.expect(self.cmd(f"RCPT TO:<{r}>"), "250")
        self.expect(self.cmd("DATA"), "354")
        self.sock.sendall(to_wire(data))
        n = len(rcpts) if self.lmtp else 1
        return [self.expect(self.reply(), "250") for _ in range(n)]

    def close(self):
        try:
            self.cmd("QUIT")
        except (OSError, Refused):
            pass
        self.sock.close()
