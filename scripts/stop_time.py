#!/usr/bin/env python3
"""Measures how long an import takes to stop after SIGINT (issue 12): from the signal to the
process's end (after its "resume with:" line), at several rates, against a PBX that answers
at once and against one whose answers never come in time (every request still in flight when
the signal arrives, the worst case for the --timeout bound). The promise: at most --timeout +
1 s. A second signal is not sent; it would only make the stop shorter. Usage:
scripts/stop_time.py [ROWS]. Loopback only; builds the release binary first."""
import os, signal, subprocess, sys, time, urllib.request, json

from simrun import PASSWORD, binary, rows_file

rows = int(sys.argv[1]) if len(sys.argv) > 1 else 20000
pbxbulk = binary()
env = dict(os.environ, PBXBULK_PASSWORD=PASSWORD)
data = rows_file(rows, 3_000_001, "Stop")


def stop_time(sim_args, rate, timeout):
    sim = subprocess.Popen([pbxbulk, "sim", "--api", "yeastar-v2", "--listen", "127.0.0.1:0", *sim_args],
                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, text=True)
    try:
        url = sim.stdout.readline().strip().removeprefix("listening on ")
        report = os.path.join(os.path.dirname(data), f"report-{os.getpid()}.csv")
        run = subprocess.Popen([pbxbulk, "import", data, "--api", "yeastar-v2", "--url", url, "--user", "api",
                                "--mode", "add", "--rate", rate, "--concurrency", "8", "--timeout", str(timeout),
                                "--report", report], env=env, stdout=subprocess.DEVNULL,
                               stderr=subprocess.PIPE, text=True)
        # Signal once writes are going out and the pipeline is full.
        while json.load(urllib.request.urlopen(url + "/_sim/stats"))["write_requests"] < 8:
            time.sleep(0.01)
        time.sleep(0.5)
        sent = time.monotonic()
        run.send_signal(signal.SIGINT)
        err = run.communicate()[1]
        took = time.monotonic() - sent
        assert run.returncode == 2 and "resume with:" in err, err
        with open(report) as f:
            lines = sum(1 for _ in f) - 1
        assert lines == rows, f"report has {lines} rows of {rows}"
        return took
    finally:
        sim.kill()


print(f"{rows} rows, concurrency 8; seconds from SIGINT to the end of the process")
worst = 0.0
for label, sim_args, timeout in [
    ("answers at once (latency 20 ms)", ["--latency-ms", "20"], 5),
    ("answers never in time (slow 60 s)", ["--slow-rate", "1", "--slow-ms", "60000"], 2),
    ("answers never in time (slow 60 s)", ["--slow-rate", "1", "--slow-ms", "60000"], 5),
]:
    for rate in ["1", "10", "100", "0", "auto"]:
        took = stop_time(sim_args, rate, timeout)
        worst = max(worst, took - timeout)
        print(f"  {label:36} --timeout {timeout}  --rate {rate:>4}: {took:5.2f} s "
              f"(bound {timeout + 1} s: {'met' if took <= timeout + 1 else 'MISSED'})")
print(f"worst margin over --timeout: {worst:.2f} s (promise: at most 1 s)")
