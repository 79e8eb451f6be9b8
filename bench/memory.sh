#!/usr/bin/env bash
# Peak resident memory of pbxbulk against the hostile PBX of bench/hostile_pbx.py (issue 27,
# item 7): an export and a one-row sync against each answer, under `/usr/bin/time -v`.
#
#     bench/memory.sh [BINARY]        # default: target/debug/pbxbulk
#
# Prints one line per run: its exit code, "Maximum resident set size" and wall time, and the
# load average before and after (the figures go to docs/BENCHMARKS.md).
set -u
here=$(cd "$(dirname "$0")" && pwd)
bin=$(realpath "${1:-$here/../target/debug/pbxbulk}")
work=$(mktemp -d)
cd "$work" || exit 2
printf 'number,username\n1001,Ana\n' > one.csv

measure() { # KIND LABEL COMMAND...
  local kind=$1 label=$2 pid url
  shift 2
  python3 "$here/hostile_pbx.py" "$kind" > "pbx-$label.out" 2>&1 &
  pid=$!
  for _ in $(seq 100); do grep -q listening "pbx-$label.out" 2>/dev/null && break; sleep 0.1; done
  url=$(sed -n 's/listening on //p' "pbx-$label.out")
  # The hostile PBX takes any password; it goes through the environment, as always.
  PBXBULK_PASSWORD=bench-Passw0rd /usr/bin/time -v "$@" --url "$url" --user api \
    > "out-$label.txt" 2> "err-$label.txt"
  echo "$label: exit $? |$(grep 'Maximum resident' "err-$label.txt") |$(grep 'Elapsed' "err-$label.txt")"
  kill "$pid"
}

uptime
measure xml-listing export-32MiB-xml-listing "$bin" export --api openvox --body xml -o x1.csv
measure xml-listing sync-32MiB-xml-listing "$bin" import one.csv --api openvox --body xml \
  --mode sync --report r2.csv
measure query export-4MiB-query-answer "$bin" export --api yeastar-v2 -o x3.csv
measure query sync-4MiB-query-answer "$bin" import one.csv --api yeastar-v2 --mode sync \
  --report r4.csv
uptime
echo "files in $work"
