#!/usr/bin/env python3
"""The shape of src/: files over 400 lines and functions over 80 lines (issue 23's limits).

    python3 scripts/shape.py          # lists both; exit 1 if a limit is broken

A function is measured from its `fn` line to the line that closes its body, found by
counting braces outside strings, chars and comments (good enough for this code base).
"""
import pathlib, re, sys

FILE_LIMIT, FN_LIMIT, LONG_FNS_ALLOWED = 400, 80, 3
root = pathlib.Path(__file__).resolve().parent.parent / "src"

def code_only(line):
    # Drop string and char literals and line comments before counting braces.
    line = re.sub(r'"(\\.|[^"\\])*"', '""', line)
    line = re.sub(r"'(\\.|[^'\\])'", "''", line)
    return line.split("//")[0]

def functions(path):
    lines = path.read_text().splitlines()
    out = []
    for i, line in enumerate(lines):
        m = re.match(r'\s*(pub(\([^)]*\))?\s+)?(const\s+)?(async\s+)?fn\s+(\w+)', line)
        if not m:
            continue
        depth, opened = 0, False
        for j in range(i, len(lines)):
            text = code_only(lines[j])
            if not opened and ';' in text and '{' not in text:
                break  # a declaration without a body
            depth += text.count('{') - text.count('}')
            opened = opened or '{' in text
            if opened and depth <= 0:
                out.append((j - i + 1, m.group(5), i + 1))
                break
    return out

big_files, long_fns = [], []
for path in sorted(root.rglob("*.rs")):
    rel = path.relative_to(root.parent)
    n = len(path.read_text().splitlines())
    if n > FILE_LIMIT:
        big_files.append((n, str(rel)))
    for length, name, line in functions(path):
        if length > FN_LIMIT:
            long_fns.append((length, f"{rel}:{line} {name}"))
print(f"files over {FILE_LIMIT} lines: {len(big_files)}")
for n, rel in sorted(big_files, reverse=True):
    print(f"  {n:5} {rel}")
print(f"functions over {FN_LIMIT} lines: {len(long_fns)} (at most {LONG_FNS_ALLOWED})")
for n, where in sorted(long_fns, reverse=True):
    print(f"  {n:5} {where}")
sys.exit(1 if big_files or len(long_fns) > LONG_FNS_ALLOWED else 0)
