#!/usr/bin/env python3
"""Writes an HR extract of N people (CSV, with header) matching a directory, for the HR benchmark.

    python3 bench/gen_hr.py DIRECTORY.csv N OUT.csv

DIRECTORY.csv is a file bench/gen.py wrote (the simulator's seed). The first people of the
extract are the directory's, one per extension, with the same names and e-mail addresses (every
other address in upper case: --match compares in any case); the rest are new people. One in ten
is Inactive. There is no extension column; WorkerID is reused by pairs of people; office phones
end in seven different tails; names are ASCII and already valid, so the map's filters change
nothing and a run with them and one without do the same work but the filters'.
Deterministic: the same inputs give the same bytes.
"""
import csv
import random
import sys

HEADER = ["WorkerID", "WorkerStatus", "FirstName", "LastName", "Department", "OfficePhone",
          "MobilePhone", "Email"]
DEPARTMENTS = ["Sales", "Support", "Finance", "Engineering", "Operations"]


def main():
    directory, n, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
    with open(directory, newline="", encoding="utf-8") as f:
        people = [(r["username"], r["email"], r["mobile"]) for r in csv.DictReader(f)]
    rng = random.Random(20261207 ^ n)
    with open(out, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(HEADER)
        for i in range(n):
            if i < len(people):
                name, email, mobile = people[i]
                first, last = name.split(" ", 1)
                email = email.upper() if i % 2 else email
            else:
                first, last = "New", f"Hire{i}"
                email, mobile = f"new.hire.{i}@example.com", "1555" + f"{i:07d}"
            status = "Inactive" if i % 10 == 9 else "Active"
            w.writerow([f"W{i // 2}", status, first, last, rng.choice(DEPARTMENTS),
                        f"+1 555 010 {1000 + i % 7}", mobile, email])


if __name__ == "__main__":
    main()
