#!/usr/bin/env python3
"""Small helpers for bench/run.sh (standard library only; talks to 127.0.0.1 only).

    util.py timev FILE              user sys maxrss_kb, from a `/usr/bin/time -v` output file
    util.py login URL               a token from the simulator (password from $PBXBULK_PASSWORD)
    util.py body CSV                the JSON update body of the CSV's first row, as pbxbulk sends it
    util.py lua TOKEN BODY OUT      writes the wrk script POSTing BODY to extension/update
    util.py writes URL LATENCY_MS   from /_sim/log: writes, steady rate, rate count/(last-first),
                                    max writes in any sliding 1 s window
    util.py reads URL LATENCY_MS CONCURRENCY WALL_S
                                    from /_sim/log: reads (list, query), the most in flight at
                                    once, and the bound ceil(reads/concurrency) x latency + login
                                    + logout (one latency each) against the run's wall time
    util.py median X...             the median
"""
import csv
import hashlib
import json
import os
import statistics
import sys
import urllib.request


def local(url):
    if not url.startswith("http://127.0.0.1:"):
        sys.exit(f"util.py: refusing a non-loopback URL {url}")
    return url


def timev(path):
    vals = {}
    with open(path) as f:
        for line in f:
            k, _, v = line.strip().rpartition(": ")
            vals[k] = v
    print(vals["User time (seconds)"], vals["System time (seconds)"],
          vals["Maximum resident set size (kbytes)"])


def login(url):
    md5 = hashlib.md5(os.environ["PBXBULK_PASSWORD"].encode()).hexdigest()
    req = urllib.request.Request(local(url) + "/api/v2.0.0/login",
                                 data=json.dumps({"username": "api", "password": md5}).encode(),
                                 headers={"Content-Type": "application/json"}, method="POST")
    with urllib.request.urlopen(req, timeout=10) as r:
        answer = json.load(r)
    if answer.get("status") != "Success":
        sys.exit(f"util.py: login refused: {answer}")
    print(answer["token"])


def body(path):
    with open(path, newline="", encoding="utf-8") as f:
        row = next(csv.DictReader(f))
    # pbxbulk sends the non-blank cells, keys in sorted (BTreeMap) order.
    print(json.dumps({k: v for k, v in sorted(row.items()) if v}, separators=(",", ":")))


def lua(token, body_json, out):
    with open(out, "w") as f:
        f.write(f"""wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json; charset=utf-8"
wrk.body = {json.dumps(body_json)}
wrk.path = "/api/v2.0.0/extension/update?token={token}"
local answers, failed = 0, 0
response = function(status, headers, resp)
  answers = answers + 1
  if status ~= 200 or not string.find(resp, '"Success"', 1, true) then failed = failed + 1 end
end
done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format("WRK requests=%d duration_us=%d non2xx=%d connect=%d read=%d write=%d timeout=%d\\n",
    summary.requests, summary.duration, e.status, e.connect, e.read, e.write, e.timeout))
end
""")


def writes(url, latency_ms):
    with urllib.request.urlopen(local(url) + "/_sim/log", timeout=60) as r:
        log = json.load(r)
    t = sorted(e["t_ms"] for e in log if e["op"] in ("add", "update", "delete"))
    errors = sum(1 for e in log if e["op"] in ("add", "update", "delete") and e["error"])
    n = len(t)
    span = (t[-1] - t[0]) / 1000 if n > 1 else float("nan")
    window, j = 0, 0
    for i in range(n):  # writes in [t[i], t[i] + 1000 ms)
        while j < n and t[j] < t[i] + 1000:
            j += 1
        window = max(window, j - i)
    # steady: answers per second between the first and the last write answered
    print(f"writes={n} errors={errors} span_s={span:.4f} steady_per_s={(n - 1) / span:.2f} "
          f"count_over_span_per_s={n / span:.2f} max_1s_window={window}")


def reads(url, latency_ms, concurrency, wall_s):
    with urllib.request.urlopen(local(url) + "/_sim/log", timeout=60) as r:
        log = json.load(r)
    spans = [(e["start_ms"], e["t_ms"]) for e in log if e["op"] in ("list", "query")]
    n, lat, c = len(spans), float(latency_ms) / 1000, int(concurrency)
    # at equal times an answer (-1) sorts before the next request (+1)
    events = sorted([(s, 1) for s, _ in spans] + [(t, -1) for _, t in spans])
    in_flight = most = 0
    for _, step in events:
        in_flight += step
        most = max(most, in_flight)
    bound = -(-n // c) * lat + 2 * lat
    wall = float(wall_s)
    print(f"reads={n} max_in_flight={most} bound_s={bound:.3f} wall_s={wall:.3f} "
          f"ratio={wall / bound:.3f}")


def bound(url, latency_ms, concurrency, wall_s, *ops):
    """The wall time's bound: the requests of OPS in the simulator's log, CONCURRENCY at a
    time, each LATENCY_MS long, plus one login; and the ratio of the wall time to it."""
    with urllib.request.urlopen(local(url) + "/_sim/log", timeout=60) as r:
        log = json.load(r)
    n = sum(1 for e in log if e["op"] in ops)
    lat, c = float(latency_ms) / 1000, int(concurrency)
    b = -(-n // c) * lat + lat
    print(f"requests={n} bound_s={b:.3f} wall_s={float(wall_s):.3f} ratio={float(wall_s) / b:.3f}")


def median(xs):
    print(statistics.median(float(x) for x in xs))


if __name__ == "__main__":
    cmd, args = sys.argv[1], sys.argv[2:]
    {"timev": timev, "login": login, "body": body, "lua": lua, "writes": writes, "reads": reads,
     "bound": bound,
     "median": lambda *xs: median(xs)}[cmd](*args)
