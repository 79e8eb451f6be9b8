#!/usr/bin/env python3
"""Measures --rate auto against a simulator with a write ceiling C (issue 7): the write rate it
settles at, as a share of C, and the share of requests throttled (errno 10025). The settled
rate is taken over the second half of the run, after the ramp-up. Usage:
scripts/rate_auto.py [CEILING] [ROWS]. Loopback only; builds the release binary first."""
import json, os, subprocess, sys, tempfile, urllib.request

ceiling = int(sys.argv[1]) if len(sys.argv) > 1 else 100
rows = int(sys.argv[2]) if len(sys.argv) > 2 else 3000
root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=root, check=True)
binary = os.path.join(root, "target", "release", "pbxbulk")
work = tempfile.mkdtemp(prefix="pbxbulk-rate-")
data = os.path.join(work, "rows.csv")
with open(data, "w") as f:
    f.write("number,username,registername,registerpassword\n")
    for n in range(2_000_001, 2_000_001 + rows):
        f.write(f"{n},Rate {n},r{n},Kx7mQ2vRt9LpW4zA\n")
env = dict(os.environ, PBXBULK_PASSWORD="Rate-Passw0rd-1")
sim = subprocess.Popen([binary, "sim", "--api", "yeastar-v2", "--max-writes-per-sec", str(ceiling)],
                       stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, text=True)
try:
    url = sim.stdout.readline().strip().removeprefix("listening on ")
    run = subprocess.run([binary, "import", data, "--api", "yeastar-v2", "--url", url, "--user", "api",
                          "--rate", "auto", "--concurrency", "8", "--retries", "10",
                          "--report", os.path.join(work, "report.csv")], env=env, capture_output=True, text=True)
    log = json.load(urllib.request.urlopen(url + "/_sim/log"))
finally:
    sim.kill()
writes = [e for e in log if e["op"] == "add"]
ok = [e["t_ms"] for e in writes if e["error"] == ""]
throttled = sum(1 for e in writes if e["error"] == "10025")
half = ok[len(ok) // 2:]
settled = (len(half) - 1) / ((half[-1] - half[0]) / 1000.0)
print(run.stdout.strip().splitlines()[0])
print(f"ceiling {ceiling}/s; settled write rate {settled:.1f}/s = {100 * settled / ceiling:.1f}% of the ceiling "
      f"(second half of the run); throttled {throttled} of {len(writes)} requests = {100 * throttled / len(writes):.2f}%")
