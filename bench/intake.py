#!/usr/bin/python3
"""intake.py - durable-intake load: POSTS messages over N concurrent LMTP
(or SMTP) sessions, each with its own Message-ID, and the time each one
took from MAIL FROM to its last 250.

    intake.py --port PORT --to LIST@DOMAIN --msg post.eml
              [--posts 2000] [--sessions 8] [--smtp] [--tag RUN]

Prints one JSON object: posts, sessions, errors, wall_s, posts_per_s,
p50_ms, p99_ms, max_ms. Exit 1 if any post was not acknowledged."""
import argparse
import json
import os
import re
import sys
import threading
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import lmtpc  # noqa: E402

MSGID = re.compile(rb"^Message-ID:[^\n]*\n", re.I | re.M)


def worker(a, data, n, tid, lat, errs):
    try:
        s = lmtpc.Session("127.0.0.1", a.port, lmtp=not a.smtp)
    except (OSError, lmtpc.Refused) as e:
        errs.append(f"connect: {e}")
        return
    for i in range(n):
        mid = f"Message-ID: <intake-{a.tag}-{tid}-{i}@bench.example.org>\n".encode()
        msg = MSGID.sub(lambda _m: mid, data, count=1)
        t0 = time.monotonic()
        try:
            s.send("poster@example.org", [a.to], msg)
        except (OSError, lmtpc.Refused) as e:
            errs.append(str(e))
            break
        lat.append(time.monotonic() - t0)
    s.close()


def pct(xs, p):
    xs = sorted(xs)
    return xs[min(len(xs) - 1, int(round(p / 100.0 * len(xs) + 0.5)) - 1)] if xs else 0.0


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--port", type=int, required=True)
    ap.add_argument("--to", required=True)
    ap.add_argument("--msg", required=True)
    ap.add_argument("--posts", type=int, default=2000)
    ap.add_argument("--sessions", type=int, default=8)
    ap.add_argument("--smtp", action="store_true")
    ap.add_argument("--tag", default=str(os.getpid()))
    a = ap.parse_args()
    data = open(a.msg, "rb").read()
    lat, errs, threads = [], [], []
    t0 = time.monotonic()
    for t in range(a.sessions):
        n = a.posts // a.sessions + (1 if t < a.posts % a.sessions else 0)
        th = threading.Thread(target=worker, args=(a, data, n, t, lat, errs))
        th.start()
        threads.append(th)
    for th in threads:
        th.join()
    wall = time.monotonic() - t0
    out = {"posts": len(lat), "sessions": a.sessions, "errors": len(errs),
           "first_error": errs[0] if errs else None, "wall_s": round(wall, 3),
           "posts_per_s": round(len(lat) / wall, 1) if wall else 0,
           "p50_ms": round(pct(lat, 50) * 1000, 1), "p99_ms": round(pct(lat, 99) * 1000, 1),
           "max_ms": round(max(lat) * 1000 if lat else 0, 1)}
    print(json.dumps(out))
    return 0 if not errs and len(lat) == a.posts else 1


if __name__ == "__main__":
    sys.exit(main())
