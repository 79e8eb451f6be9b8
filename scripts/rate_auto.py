#!/usr/bin/env python3
"""Measures --rate auto against a simulator with a write ceiling C (issue 7): the write rate it
settles at, as a share of C, and the share of requests throttled (errno 10025). The settled
rate is taken over the second half of the run, after the ramp-up. Usage:
scripts/rate_auto.py [CEILING] [ROWS]. Loopback only; builds the release binary first."""
import sys

from simrun import import_into_sim, rows_file

ceiling = int(sys.argv[1]) if len(sys.argv) > 1 else 100
rows = int(sys.argv[2]) if len(sys.argv) > 2 else 3000
run, _, _, _, log = import_into_sim(
    rows_file(rows, 2_000_001, "Rate"), ["--max-writes-per-sec", str(ceiling)],
    ["--rate", "auto", "--concurrency", "8", "--retries", "10"])
writes = [e for e in log if e["op"] == "add"]
ok = [e["t_ms"] for e in writes if e["error"] == ""]
throttled = sum(1 for e in writes if e["error"] == "10025")
half = ok[len(ok) // 2:]
settled = (len(half) - 1) / ((half[-1] - half[0]) / 1000.0)
print(run.stdout.strip().splitlines()[0])
print(f"ceiling {ceiling}/s; settled write rate {settled:.1f}/s = {100 * settled / ceiling:.1f}% of the ceiling "
      f"(second half of the run); throttled {throttled} of {len(writes)} requests = {100 * throttled / len(writes):.2f}%")
