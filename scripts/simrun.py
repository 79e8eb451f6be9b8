"""What scripts/soak.py and scripts/rate_auto.py share: build the release binary, write a file
of valid yeastar-v2 rows, and import it into a simulator started with some knobs, returning
the import's outcome and the simulator's counters and request log. Loopback only."""
import json, os, subprocess, tempfile, time, urllib.request

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
PASSWORD = "Script-Passw0rd-1"


def binary():
    subprocess.run(["cargo", "build", "--release", "--quiet"], cwd=ROOT, check=True)
    return os.path.join(ROOT, "target", "release", "pbxbulk")


def rows_file(rows, first_number, label):
    work = tempfile.mkdtemp(prefix=f"pbxbulk-{label}-")
    path = os.path.join(work, "rows.csv")
    with open(path, "w") as f:
        f.write("number,username,registername,registerpassword,email\n")
        for n in range(first_number, first_number + rows):
            f.write(f"{n},{label} {n},r{n},Kx7mQ2vRt9LpW4zA,u{n}@example.com\n")
    return path


def import_into_sim(data, sim_args, import_args):
    """Returns (import process result, seconds it took, report path, stats, log)."""
    pbxbulk = binary()
    env = dict(os.environ, PBXBULK_PASSWORD=PASSWORD)
    sim = subprocess.Popen([pbxbulk, "sim", "--api", "yeastar-v2", "--listen", "127.0.0.1:0", *sim_args],
                           stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, env=env, text=True)
    try:
        url = sim.stdout.readline().strip().removeprefix("listening on ")
        report = os.path.join(os.path.dirname(data), "report.csv")
        started = time.time()
        run = subprocess.run([pbxbulk, "import", data, "--api", "yeastar-v2", "--url", url, "--user", "api",
                              "--report", report, *import_args], env=env, capture_output=True, text=True)
        elapsed = time.time() - started
        stats = json.load(urllib.request.urlopen(url + "/_sim/stats"))
        log = json.load(urllib.request.urlopen(url + "/_sim/log"))
    finally:
        sim.kill()
    return run, elapsed, report, stats, log
