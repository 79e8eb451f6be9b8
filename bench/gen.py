#!/usr/bin/env python3
"""Writes N valid yeastar-v2 rows (CSV, with header) for the benchmarks.

    python3 bench/gen.py N OUT.csv [--start 1000000] [--api yeastar-p]

Deterministic: the same N and start give the same bytes (seeded RNG, no clock). Every row passes
`pbxbulk validate --api yeastar-v2` in any mode (add, update, upsert): numbers are unique, digits
only, at most 7 digits; registerpassword follows the strong policy (16-31 characters of letters,
digits and ~^*-_?, upper and lower case and digits, no 4 sequential or identical digits, not
containing the number or the username); every other cell follows its rule in
src/vendors/yeastar_s/rules.rs. With --api yeastar-p the rows are in the P-Series's columns and
pass its Cloud Edition rules (src/vendors/yeastar_p/rules.rs).
"""
import argparse
import csv
import random
import string
import sys

COLUMNS = ["number", "username", "callerid", "registername", "registerpassword",
           "maxregistrations", "email", "mobile", "hasvoicemail", "ringtimeout", "maxduration",
           "dnd"]
FIRST = ["Alice", "Bruno", "Chloe", "Daniel", "Elena", "Farid", "Grace", "Hiro", "Ingrid", "Jamal",
         "Kasia", "Luis", "Mei", "Nikolai", "Olivia", "Pedro", "Quentin", "Rosa", "Sven", "Tariq"]
LAST = ["Martin", "Silva", "Dubois", "Kowalski", "Nakamura", "Haddad", "Okafor", "Rossi",
        "Jensen", "Garcia", "Muller", "Chen", "Novak", "Andersson", "Patel", "Moreau"]
ALPHABET = string.ascii_letters + string.digits + "~^*-_?"
RINGTIMEOUT = ["15", "30", "30", "60"]
MAXDURATION = ["Follow System", "Follow System", "3600", "Unlimited"]


def weak_digits(p):
    """True when p has 4 digits in a row that are identical or step by +1/-1 (refused)."""
    for i in range(len(p) - 3):
        w = p[i:i + 4]
        if w.isdigit():
            steps = {ord(w[k + 1]) - ord(w[k]) for k in range(3)}
            if len(steps) == 1 and steps.pop() in (-1, 0, 1):
                return True
    return False


def password(rng, number, username):
    while True:
        p = "".join(rng.choices(ALPHABET, k=20))
        if (any(c.isupper() for c in p) and any(c.islower() for c in p)
                and any(c.isdigit() for c in p) and not weak_digits(p)
                and number not in p and username.lower() not in p.lower()):
            return p


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("rows", type=int)
    ap.add_argument("out")
    ap.add_argument("--start", type=int, default=1_000_000,
                    help="first extension number (numbers are start, start+1, …)")
    ap.add_argument("--api", default="yeastar-v2", choices=["yeastar-v2", "yeastar-p"])
    args = ap.parse_args()
    if args.start < 1 or len(str(args.start + args.rows - 1)) > 7:
        sys.exit("gen.py: numbers must stay within 7 digits")
    rng = random.Random(20261122 ^ args.rows ^ (args.start << 1))
    with open(args.out, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        if args.api == "yeastar-p":
            return p_series(w, rng, args)
        w.writerow(COLUMNS)
        for i in range(args.rows):
            number = str(args.start + i)
            first, last = rng.choice(FIRST), rng.choice(LAST)
            username = f"{first} {last}"
            w.writerow([
                number, username, number, number, password(rng, number, username),
                rng.choice("1123"), f"{first}.{last}.{number}@example.com".lower(),
                "1555" + "".join(rng.choices(string.digits, k=7)), "on",
                rng.choice(RINGTIMEOUT), rng.choice(MAXDURATION), "off",
            ])


P_COLUMNS = ["number", "first_name", "last_name", "email_addr", "mobile_number", "user_password",
             "reg_name", "reg_password", "concurrent_registrations", "presence_status"]


def p_series(w, rng, args):
    """The P-Series's rows: the user password holds neither the number nor the names."""
    w.writerow(P_COLUMNS)
    for i in range(args.rows):
        number = str(args.start + i)
        first, last = rng.choice(FIRST), rng.choice(LAST)
        user = password(rng, number, first)
        while last.lower() in user.lower():
            user = password(rng, number, first)
        w.writerow([
            number, first, last, f"{first}.{last}.{number}@example.com".lower(),
            "1555" + "".join(rng.choices(string.digits, k=7)), user, number,
            password(rng, number, first)[:16], rng.choice("123"), "available",
        ])


if __name__ == "__main__":
    main()
