#!/usr/bin/python3
"""gen-members.py - write a deterministic member CSV for the import
benchmark: header address,name,mode then N rows with plain, quoted (comma,
double quote) and UTF-8 names. Same N and seed, same bytes.
Usage: gen-members.py N [SEED] > members.csv"""
import random
import sys

FIRST = ["Ann", "Bob", "Chloé", "Dmitri", "Eve", "Fatima", "Günter", "Hana",
         "Ivan", "José", "Kai", "Lena", "Mårten", "Nia", "Owen", "Priya"]
LAST = ["Smith", "O'Brien", "Núñez", "Kowalski", "Nguyen", "Müller", "Ødegaard",
        "Tanaka", "Silva", "Brown", "Garcia", "Ivanova"]
DOMAINS = ["example.net", "mail.example.org", "school.example.edu", "example.com"]
MODES = ["", "", "", "regular", "digest", "nomail"]


def field(s):
    if any(c in s for c in ',"\r\n'):
        return '"' + s.replace('"', '""') + '"'
    return s


def main():
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 15000
    rng = random.Random(int(sys.argv[2]) if len(sys.argv) > 2 else 1)
    out = sys.stdout
    out.write("address,name,mode\r\n")
    for i in range(n):
        first, last = rng.choice(FIRST), rng.choice(LAST)
        name = rng.choice([f"{first} {last}", f"{last}, {first}",
                           f'{first} "{last[:3]}" {last}'])
        local = f"{first}.{last}.{i}".lower().encode("ascii", "ignore").decode()
        local = "".join(c for c in local if c.isalnum() or c in ".-") or f"u{i}"
        addr = f"{local}@{rng.choice(DOMAINS)}"
        out.write(f"{field(addr)},{field(name)},{rng.choice(MODES)}\r\n")


if __name__ == "__main__":
    main()
