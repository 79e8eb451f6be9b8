#!/usr/bin/env python3
"""The Python reference for `validate` in bench/run.sh: a plain csv.reader loop over FILE.

    python3 bench/py_parse.py FILE.csv      # prints "N records"

It checks nothing and keeps nothing: the least a script that reads the same file does. Standard
library only, so its start-up is the interpreter's own.
"""
import csv
import sys


def main():
    records = 0
    with open(sys.argv[1], newline="", encoding="utf-8") as f:
        reader = csv.reader(f)
        next(reader, None)  # the header, as bare_parse and validate read it
        for _ in reader:
            records += 1
    print(f"{records} records")


if __name__ == "__main__":
    main()
