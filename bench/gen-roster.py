#!/usr/bin/python3
"""gen-roster.py - deterministic directory exports for the generator
benchmark: N accounts spread over D districts (uneven sizes), one CSV per
district with id,address,name,role,active,school,grade.

    gen-roster.py --out DIR [--accounts 200000] [--districts 14] [--churn 0.05]

With --churn F, a fraction F of each district changes: a third removed, a
third added, a third renamed (same id, new address), so row counts stay put.
"""
import argparse
import os
import random

SCHOOLS = ["Lincoln Elementary", "Oak Hill", "Riverside Middle", "Central High",
           "Maple Grove", "Cedar Park", "Lakeview", "Summit Academy"]


def district_sizes(total, n):
    weights = [1 + (i * 7) % 5 for i in range(n)]
    sizes = [total * w // sum(weights) for w in weights]
    sizes[0] += total - sum(sizes)
    return sizes


def account(d, i, gen=0):
    r = random.Random(d * 1000003 + i)
    role = r.choices(["student", "staff", "utility"], [80, 18, 2])[0]
    school = SCHOOLS[r.randrange(len(SCHOOLS))]
    grade = str(r.randrange(1, 13)) if role == "student" else ""
    local = f"u{i}" if gen == 0 else f"u{i}.r{gen}"
    return [f"{d}-{i}", f"{local}@d{d}.example.org", f"User {i}", role,
            "yes" if r.random() > 0.02 else "no", school, grade]


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--out", required=True)
    ap.add_argument("--accounts", type=int, default=200000)
    ap.add_argument("--districts", type=int, default=14)
    ap.add_argument("--churn", type=float, default=0.0)
    a = ap.parse_args()
    os.makedirs(a.out, exist_ok=True)
    for d, size in enumerate(district_sizes(a.accounts, a.districts)):
        step = int(1 / (a.churn / 3)) if a.churn else 0
        rows = []
        for i in range(size):
            k = (i % step) if step else -1
            if k == 0:
                continue                     # removed
            rows.append(account(d, i, 1 if k == 1 else 0))   # k == 1: renamed
        n_removed = size - len(rows)
        rows += [account(d, size + j) for j in range(n_removed)]  # added
        with open(os.path.join(a.out, f"d{d}.csv"), "w") as f:
            f.write("id,address,name,role,active,school,grade\n")
            for r in rows:
                f.write(",".join(f'"{v}"' if " " in v else v for v in r) + "\n")


if __name__ == "__main__":
    main()
