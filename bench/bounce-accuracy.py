#!/usr/bin/python3
"""bounce-accuracy.py - run `listctl bounce parse` over the bounce corpus and
compare with its expected answers (see the corpus README).

  flufl-bounce, bounceparser  expected addresses are known: an address is
                              found, missed, or wrongly blamed
  sisimai                     only the count of bounced recipients is known:
                              found = min(reported, expected); reporting more
                              than expected counts as "extra"
  non-bounces                 vacation, auto-reply, challenge-response,
                              misleading, "no one named": any address is wrong

Prints a per-corpus table, the misses with -v, and a last line of key=value
pairs. Standard library only; run with Debian's /usr/bin/python3.
Usage: bench/bounce-accuracy.py [--listctl PATH] [--corpus DIR] [-v]
"""
import argparse
import os
import subprocess
import sys
from pathlib import Path

TOP = Path(__file__).resolve().parents[1]
BATCH = 400

# Files the corpus says are not bounces (or name nobody to blame).
NON_BOUNCE = {
    "flufl-bounce": ["simple_42.txt", "simple_43.txt", "groupwise_03.txt",
                     "qmail_08.txt", "dumbass_01.txt"],
    "bounceparser": ["aol-vacation.msg", "autoreply.msg", "polish-autoreply.msg",
                     "boxbe-cr.msg", "boxbe-cr2.msg", "bluebottle.msg",
                     "spam-lots-of-bogus-addresses.msg"],
}
# sisimai reasons that are not delivery failures.
NOT_FAILURE = {"feedback", "vacation", "delivered"}


def parse_all(listctl, files):
    """{path: (verdict, [addresses])} for every file, batch by batch."""
    out = {}
    for i in range(0, len(files), BATCH):
        chunk = [str(f) for f in files[i:i + BATCH]]
        p = subprocess.run([listctl, "bounce", "parse", *chunk],
                           capture_output=True, timeout=300,
                           env=dict(os.environ, LISTD_HOME="/nonexistent"))
        for line in p.stdout.decode("utf-8", "replace").splitlines():
            name, verdict, addrs = line.split("\t")
            out[name] = (verdict, [a for a in addrs.split(",") if a])
        if p.returncode != 0:
            sys.stderr.write(p.stderr.decode("utf-8", "replace"))
    return out


def read_tsv(path):
    rows = []
    for line in path.read_text().splitlines():
        if line.startswith("#") or not line.strip():
            continue
        rows.append(line.split("\t"))
    return rows


def known_addresses(corpus):
    """{(dir, file): set of expected lower-case addresses} where stated."""
    want = {}
    for row in read_tsv(corpus / "flufl-bounce/expected.tsv"):
        addrs = {a.lower() for a in row[3].split(",") if a} if len(row) > 3 else set()
        if addrs:
            want.setdefault(("flufl-bounce", row[0]), set()).update(addrs)
    for row in read_tsv(corpus / "bounceparser/expected.tsv"):
        if row[2].startswith("("):
            continue
        want[("bounceparser", row[0])] = {a.lower() for a in row[2].split(",") if a}
    return want


def sisimai_counts(corpus):
    """{file: number of recipients that failed} (feedback, vacation,
    delivered left out)."""
    counts = {}
    for row in read_tsv(corpus / "sisimai/expected.tsv"):
        reasons = row[4].split(";")
        counts[row[0]] = sum(1 for r in reasons if r not in NOT_FAILURE)
    return counts


def score(args):
    corpus = Path(args.corpus)
    want = known_addresses(corpus)
    counts = sisimai_counts(corpus)
    files = sorted(corpus.glob("flufl-bounce/*.txt")) + \
        sorted(corpus.glob("bounceparser/*.msg")) + \
        sorted(corpus.glob("sisimai/maildir-bsd/*.eml")) + \
        sorted(corpus.glob("sisimai/line-endings-c*/*.eml")) + \
        sorted(corpus.glob("sisimai/not-bounce/*.eml"))
    got = parse_all(args.listctl, files)
    s = dict(expected=0, found=0, wrong=0, nonbounce_files=0, nonbounce_blamed=0,
             sis_expected=0, sis_found=0, sis_extra=0, sis_nonbounce_blamed=0,
             unparsed=0)
    notes = []
    for f in files:
        key = (f.parent.name, f.name)
        verdict, addrs = got.get(str(f), (None, []))
        if verdict is None:
            s["unparsed"] += 1
            notes.append(f"unparsed {f}")
            continue
        lower = {a.lower() for a in addrs}
        if f.name in NON_BOUNCE.get(f.parent.name, []) or \
                f.parent.name == "not-bounce":
            s["nonbounce_files"] += 1
            if addrs:
                s["nonbounce_blamed"] += 1
                notes.append(f"non-bounce blamed {f}: {','.join(addrs)}")
        elif key in want:
            s["expected"] += len(want[key])
            s["found"] += len(want[key] & lower)
            s["wrong"] += len(lower - want[key])
            if lower != want[key]:
                notes.append(f"{f}: want {sorted(want[key])} got {sorted(lower)}")
        elif f.parent.parent.name == "sisimai" and f.name in counts:
            n = counts[f.name]
            if f.name.startswith("rfc3834-"):
                s["nonbounce_files"] += 1
                if addrs:
                    s["nonbounce_blamed"] += 1
                    notes.append(f"auto-reply blamed {f}: {','.join(addrs)}")
                continue
            s["sis_expected"] += n
            s["sis_found"] += min(n, len(addrs))
            s["sis_extra"] += max(0, len(addrs) - n)
            if len(addrs) != n:
                notes.append(f"{f}: want {n} got {len(addrs)} {','.join(addrs)}")
    return s, notes


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--listctl", default=str(TOP / "build/bin/listctl"))
    here = os.path.dirname(os.path.abspath(__file__))
    ap.add_argument("--corpus", default=os.path.join(
        here, "..", "..", "shared", "corpus", "bounces"))
    ap.add_argument("-v", "--verbose", action="store_true")
    args = ap.parse_args()
    s, notes = score(args)
    if args.verbose:
        print("\n".join(notes))
    share = 100.0 * s["found"] / max(1, s["expected"])
    sis = 100.0 * s["sis_found"] / max(1, s["sis_expected"])
    print(f"known addresses (flufl-bounce, bounceparser): {s['found']}/{s['expected']}"
          f" found ({share:.1f}%), {s['wrong']} wrongly blamed")
    print(f"sisimai recipient counts: {s['sis_found']}/{s['sis_expected']} found"
          f" ({sis:.1f}%), {s['sis_extra']} reported beyond the expected count")
    print(f"non-bounces: {s['nonbounce_blamed']} of {s['nonbounce_files']} files"
          f" blamed an address")
    print(f"found_pct={share:.1f} found={s['found']} expected={s['expected']}"
          f" wrong={s['wrong']} nonbounce_blamed={s['nonbounce_blamed']}"
          f" nonbounce_files={s['nonbounce_files']} sisimai_found_pct={sis:.1f}"
          f" sisimai_extra={s['sis_extra']} unparsed={s['unparsed']}")


if __name__ == "__main__":
    main()
