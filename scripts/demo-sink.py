#!/usr/bin/python3
"""demo-sink.py - a tiny SMTP server for the demo: it stands in for the
relay MTA and writes every message it accepts to OUTDIR/NNNN.eml with the
envelope recipients in an X-Demo-Rcpt header. Loopback only.
Usage: demo-sink.py PORT OUTDIR"""
import os
import socket
import socketserver
import sys

port, outdir = int(sys.argv[1]), sys.argv[2]
os.makedirs(outdir, exist_ok=True)
count = [0]


class Handler(socketserver.StreamRequestHandler):
    def setup(self):
        super().setup()
        self.request.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

    def handle(self):
        w = self.wfile.write
        w(b"220 demo-sink\r\n")
        rcpts = []
        while True:
            line = self.rfile.readline(4096)
            if not line:
                return
            verb = line[:4].upper()
            if verb in (b"EHLO", b"HELO"):
                w(b"250-demo-sink\r\n250-8BITMIME\r\n250 PIPELINING\r\n")
            elif verb == b"MAIL":
                rcpts = []
                w(b"250 ok\r\n")
            elif verb == b"RCPT":
                rcpts.append(line[8:].split(b">")[0].lstrip(b"<").decode())
                w(b"250 ok\r\n")
            elif verb == b"DATA":
                w(b"354 go\r\n")
                data = []
                while True:
                    l = self.rfile.readline(1 << 20)
                    if not l or l == b".\r\n":
                        break
                    data.append(l[1:] if l.startswith(b"..") else l)
                count[0] += 1
                path = os.path.join(outdir, "%04d.eml" % count[0])
                with open(path, "wb") as fp:
                    fp.write(b"X-Demo-Rcpt: " + ", ".join(rcpts).encode() + b"\r\n")
                    fp.writelines(data)
                w(b"250 queued\r\n")
            elif verb == b"QUIT":
                w(b"221 bye\r\n")
                return
            else:
                w(b"250 ok\r\n")


socketserver.ThreadingTCPServer.allow_reuse_address = True
with socketserver.ThreadingTCPServer(("127.0.0.1", port), Handler) as srv:
    srv.serve_forever()
