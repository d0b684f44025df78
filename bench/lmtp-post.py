#!/usr/bin/python3
"""lmtp-post.py - hand one message (on stdin) to an LMTP server and exit
after its 250: the measured command of the listd fan-out hook.

    lmtp-post.py --port PORT --to LIST@DOMAIN [--from SENDER] < post.eml

Exit 0 after every recipient's 250, 1 on any other reply or I/O error."""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lmtpc  # noqa: E402


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--to", required=True)
    ap.add_argument("--from", dest="frm", default="poster@example.org")
    a = ap.parse_args()
    data = sys.stdin.buffer.read()
    try:
        s = lmtpc.Session(a.host, a.port)
        s.send(a.frm, [a.to], data)
        s.close()
    except (OSError, lmtpc.Refused) as e:
        print(f"lmtp-post: {e}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
