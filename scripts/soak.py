#!/usr/bin/env python3
"""The full-size fault soak (issue 7): 10,000 rows into a simulator that injects every fault at
once. Prints the faults injected by kind, retries, re-logins and the outcome, and checks that
every row is in the report once and that no extension was written more often than lost answers
explain. Usage: scripts/soak.py [ROWS] (builds the release binary first). Loopback only."""
import collections, csv, sys

from simrun import import_into_sim, rows_file

rows = int(sys.argv[1]) if len(sys.argv) > 1 else 10_000
faults = ["--fail-rate", "0.03", "--drop-rate", "0.02", "--slow-rate", "0.01", "--slow-ms", "3000",
          "--token-max-uses", "300", "--max-writes-per-sec", "400", "--random-seed", "2026"]
run, elapsed, report, stats, log = import_into_sim(
    rows_file(rows, 1_000_001, "Soak"), faults,
    ["--rate", "0", "--concurrency", "32", "--timeout", "2", "--retries", "10"])
lines = list(csv.DictReader(open(report)))
status = collections.Counter(r["status"] for r in lines)
once = [r["row"] for r in lines] == [str(n) for n in range(2, rows + 2)]
writes = collections.defaultdict(lambda: [0, 0])
for e in log:
    if e["op"] in ("add", "update"):
        writes[e["number"]][0] += e["error"] == ""
        writes[e["number"]][1] += not e["answered"]
unexplained = sum(1 for w, lost in writes.values() if w > 1 + lost)
print(f"rows {rows}; exit code {run.returncode}; {elapsed:.1f} s ({rows / elapsed:.0f} rows/s)")
print(f"faults injected: transient errno {stats['injected_faults']}, dropped connections {stats['dropped']}, "
      f"late answers {stats['slowed']}, throttled (10025) {stats['throttled']}, expired tokens {stats['expired_tokens']}")
print(f"retries {sum(int(r['attempts']) for r in lines) - rows}; re-logins {stats['logins'] - 1}")
print(f"outcome: {dict(status)}; every row once, in order: {once}; extensions on the PBX: {stats['extensions']}")
print(f"extensions written more often than lost answers explain: {unexplained}")
sys.exit(0 if run.returncode == 0 and once and unexplained == 0 and status.get('ok') == rows else 1)
