#!/usr/bin/env bash
# bench/run.sh: the pbxbulk benchmark suite (issue 6). One command, from any directory:
#
#     bash bench/run.sh     # REPEATS=3 (a, c, e), TP_REPEATS=5 (b), WRK_SECS=2; CARGO_TARGET_DIR honoured
#     SECTIONS="a e" bash bench/run.sh     # only some of the sections below
#
# Builds release, installs what it lacks (wrk, GNU time: apt-get), generates the inputs with
# bench/gen.py, and measures each figure against a reference taken in the same run:
#   a. validate of 100k and 1M rows vs examples/bare_parse and vs bench/py_parse.py (a plain
#      Python csv.reader loop) over the same file (wall, the median of back-to-back pair ratios,
#      CPU, peak RSS); callgrind instruction
#      counts of validate and bare_parse at 100k when valgrind is installed; and validate with
#      --report vs validate without it and vs the Python loop, interleaved in the same repeats
#      (issue 28.14: <= 1.3x and <= 0.8x, medians of the per-repeat ratios; peak RSS)
#   b. import of 20,000 rows (--mode update --rate 0 --concurrency 64) vs wrk (64 connections,
#      WRK_SECS=2 s) POSTing the same update body to the same freshly seeded simulator, in pairs;
#      the client's CPU time per row (and wrk's per request)
#   c. import of 1,000 rows (--concurrency 32) against sim --latency-ms 100 vs the ideal 320/s
#   d. import --rate 100 of 3,000 rows: achieved rate and the busiest 1-second window, from the
#      simulator's /_sim/log
#   e. sync (--mode sync, default --rate and --concurrency) of 10,000 unchanged extensions, and
#      export of the same 10,000, against sim --latency-ms 100 vs the bound
#      ceil(reads / concurrency) x latency + login + logout, reads counted in /_sim/log
#   f. the report page (--report-html) of a 20,000-row import (1% invalid, about 2% failed) and
#      of 20,000 invalid rows: its size; the import's wall time and peak RSS with the page vs
#      without, in pairs; and the time headless Chromium takes to load and render the page's
#      first 1280x2000 pixels vs an empty page, in pairs (apt-get installs chromium if needed)
#   g. yeastar-p: import of 10,000 and a sync of them unchanged against sim --latency-ms 50,
#      --concurrency 8, vs the bound requests x latency / concurrency + login (G_WHAT=sync: the
#      sync alone)
#   h. an HR extract of 200,000 people (bench/gen_hr.py) through a map with filters, vs the same
#      file through the same map without filters, in pairs: validate (offline), and
#      import --mode sync --dry-run --match email --assign-numbers against a simulator seeded
#      with 100,000 extensions (wall and peak RSS)
#   i. the plan (pbxbulk plan --out) of a 20,000-row run, of 20,000 adds and of a nightly sync
#      changing 1% of 20,000: its size vs the input's; plan's wall vs a dry run of the same
#      (both read the PBX and decide, neither writes), and apply's vs the same import, in pairs
# Everything talks to 127.0.0.1 only; every simulator started is killed on exit. Loops are
# bounded. Results: bench/out/results.md (table) and bench/out/results.tsv (raw figures).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
OUT=${BENCH_OUT:-$ROOT/bench/out}
REPEATS=${REPEATS:-3}
TP_REPEATS=${TP_REPEATS:-5}
WRK_SECS=${WRK_SECS:-2}
TARGET_DIR=${CARGO_TARGET_DIR:-$ROOT/target}
SECTIONS=${SECTIONS:-a b c d e f g h i}
want() { case " $SECTIONS " in *" $1 "*) return 0 ;; esac; return 1; }
export PBXBULK_PASSWORD='Bench-Passw0rd-26'
UTIL=(python3 "$ROOT/bench/util.py")
mkdir -p "$OUT"
: >"$OUT/results.tsv"

say() { printf '\n== %s\n' "$*" >&2; }
die() { echo "bench/run.sh: $*" >&2; exit 1; }
record() { printf '%s\t%s\n' "$1" "$2" >>"$OUT/results.tsv"; printf '   %-34s %s\n' "$1" "$2" >&2; }
calc() { awk "BEGIN { printf \"%.${2:-4}f\", $1 }"; }

# ---- tools ----------------------------------------------------------------------------------
APT_UPDATED=
apt_install() {
    [ "$(id -u)" = 0 ] || die "need root to apt-get install $*"
    if [ -z "$APT_UPDATED" ]; then apt-get update -qq; APT_UPDATED=1; fi
    DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "$@" >/dev/null
}
command -v python3 >/dev/null || apt_install python3
command -v wrk >/dev/null || apt_install wrk
[ -x /usr/bin/time ] || apt_install time
command -v cargo >/dev/null || die "cargo is needed"

say "build (release)"
cargo build --release --locked --bin pbxbulk --example bare_parse >&2
PBX=$TARGET_DIR/release/pbxbulk
BARE=$TARGET_DIR/release/examples/bare_parse

# ---- simulators: started in the background, killed by pid on exit ----------------------------
SIMS=()
cleanup() {
    for p in "${SIMS[@]}"; do
        kill "$p" 2>/dev/null || true
        wait "$p" 2>/dev/null || true
    done
}
trap cleanup EXIT
trap 'exit 130' INT TERM
SIM_N=0
start_sim() { # sim flags... → SIM_PID, SIM_URL
    SIM_N=$((SIM_N + 1))
    local out=$OUT/sim.$SIM_N.stdout
    "$PBX" sim --api "${SIM_API:-yeastar-v2}" --listen 127.0.0.1:0 "$@" >"$out" 2>"$OUT/sim.$SIM_N.stderr" &
    SIM_PID=$!
    SIMS+=("$SIM_PID")
    SIM_URL=
    for _ in $(seq 200); do # at most 20 s (a seeded start reads the seed first)
        SIM_URL=$(sed -n '1s/^listening on //p' "$out")
        [ -n "$SIM_URL" ] && break
        kill -0 "$SIM_PID" 2>/dev/null || die "the simulator exited: $(cat "$OUT/sim.$SIM_N.stderr")"
        sleep 0.1
    done
    case $SIM_URL in http://127.0.0.1:*) ;; *) die "the simulator did not start" ;; esac
}
stop_sim() {
    kill "$SIM_PID" 2>/dev/null || true
    wait "$SIM_PID" 2>/dev/null || true
}

# run_timed NAME CMD... → RC, WALL, UTIME, STIME (s), RSS (KB); output in $OUT/NAME.{stdout,stderr}
run_timed() {
    local name=$1 t0 t1
    shift
    RC=0
    t0=$(date +%s%N)
    /usr/bin/time -v -o "$OUT/$name.time" "$@" >"$OUT/$name.stdout" 2>"$OUT/$name.stderr" || RC=$?
    t1=$(date +%s%N)
    WALL=$(calc "($t1 - $t0) / 1e9" 4)
    read -r UTIME STIME RSS < <("${UTIL[@]}" timev "$OUT/$name.time")
}
must() { [ "$RC" = 0 ] || die "$1 exited $RC: $(tail -3 "$OUT/$1.stderr")"; }
# An import that failed because its simulator vanished (this machine is shared: another
# session's clean-up may end it) is repeated, at most twice per measurement.
sim_lost() { # NAME: true when the run failed and the simulator is gone
    [ "$RC" != 0 ] && ! kill -0 "$SIM_PID" 2>/dev/null &&
        echo "   ($1: the simulator was gone, run repeated)" >&2
}
median() { "${UTIL[@]}" median "$@"; }
get_raw() { sed -n "s/^$1\t\([^ ]*\).*/\1/p" "$OUT/results.tsv"; }
expect_line() { grep -q -- "$2" "$OUT/$1.stdout" || die "$1: expected \"$2\" in: $(cat "$OUT/$1.stdout")"; }

say "machine"
record machine.cpu "$(nproc) x $(sed -n 's/^model name[[:space:]]*: //p' /proc/cpuinfo | head -1)"
record machine.kernel "$(uname -r)"
record machine.loadavg_at_start "$(cut -d' ' -f1-3 /proc/loadavg)"
record repeats "$REPEATS (throughput pairs: $TP_REPEATS)"
record machine.other_pbxbulk_processes_at_start "$(pgrep -c -x pbxbulk || true)"

# ---- a. validation ---------------------------------------------------------------------------
if want a; then
for n in 100000 1000000; do
    say "a. validate $n rows vs bare_parse and a Python csv loop"
    f=$OUT/valid-$n.csv
    python3 "$ROOT/bench/gen.py" "$n" "$f"
    # every generated row must pass, including what adding requires (not timed)
    "$PBX" validate "$f" --api yeastar-v2 --mode add >"$OUT/validate-add-$n.stdout" ||
        die "gen.py wrote rows that do not pass validate --mode add: $(cat "$OUT/validate-add-$n.stdout")"
    cat "$f" >/dev/null # page cache, for both
    walls_b=() walls_v=() walls_p=() rss_b=0 rss_v=0 cpu_b=() cpu_v=() cpu_p=() pairs=()
    walls_r=() rss_r=0 pairs_r=() pairs_rp=()
    for r in $(seq "$REPEATS"); do
        run_timed "bare-$n-$r" "$BARE" "$f"; must "bare-$n-$r"
        expect_line "bare-$n-$r" "^$n records"
        walls_b+=("$WALL"); cpu_b+=("$(calc "$UTIME + $STIME" 2)"); [ "$RSS" -gt "$rss_b" ] && rss_b=$RSS
        run_timed "validate-$n-$r" "$PBX" validate "$f" --api yeastar-v2; must "validate-$n-$r"
        expect_line "validate-$n-$r" "^$n rows: $n valid"
        walls_v+=("$WALL"); cpu_v+=("$(calc "$UTIME + $STIME" 2)"); [ "$RSS" -gt "$rss_v" ] && rss_v=$RSS
        run_timed "python-$n-$r" python3 "$ROOT/bench/py_parse.py" "$f"; must "python-$n-$r"
        expect_line "python-$n-$r" "^$n records"
        walls_p+=("$WALL"); cpu_p+=("$(calc "$UTIME + $STIME" 2)")
        pairs+=("$(calc "${walls_v[-1]} / ${walls_b[-1]}" 2)")
        run_timed "validate-report-$n-$r" "$PBX" validate "$f" --api yeastar-v2 --report "$OUT/validate-report-$n.csv"
        must "validate-report-$n-$r"; expect_line "validate-report-$n-$r" "^$n rows: $n valid"
        walls_r+=("$WALL"); [ "$RSS" -gt "$rss_r" ] && rss_r=$RSS
        pairs_r+=("$(calc "${walls_r[-1]} / ${walls_v[-1]}" 2)")
        pairs_rp+=("$(calc "${walls_r[-1]} / ${walls_p[-1]}" 2)")
    done
    record "a.$n.validate_report_wall_s" "$(median "${walls_r[@]}") (runs: ${walls_r[*]})"
    record "a.$n.paired_ratio_report_over_validate" "$(median "${pairs_r[@]}") (median of the per-repeat ratios: ${pairs_r[*]})"
    record "a.$n.paired_ratio_report_over_python" "$(median "${pairs_rp[@]}") (median of the per-repeat ratios: ${pairs_rp[*]})"
    record "a.$n.validate_report_peak_rss_mb" "$(calc "$rss_r / 1024" 1)"
    wb=$(median "${walls_b[@]}"); wv=$(median "${walls_v[@]}"); wp=$(median "${walls_p[@]}")
    cb=$(median "${cpu_b[@]}"); cv=$(median "${cpu_v[@]}"); cp=$(median "${cpu_p[@]}")
    record "a.$n.bare_parse_wall_s" "$wb (runs: ${walls_b[*]}; cpu s: ${cpu_b[*]})"
    record "a.$n.validate_wall_s" "$wv (runs: ${walls_v[*]}; cpu s: ${cpu_v[*]})"
    record "a.$n.python_csv_wall_s" "$wp (runs: ${walls_p[*]}; cpu s: ${cpu_p[*]})"
    record "a.$n.ratio_validate_over_bare" "$(calc "$wv / $wb" 2)"
    # each validate over the bare pass just before it: the two shared the machine's state
    record "a.$n.paired_ratio_validate_over_bare" "$(median "${pairs[@]}") (median of the per-pair ratios: ${pairs[*]})"
    record "a.$n.ratio_validate_over_python" "$(calc "$wv / $wp" 2)"
    # CPU time (user + sys) moves less than wall time on a shared machine
    # GNU time counts CPU in hundredths: a bare pass under 0.01 s has no ratio
    if awk "BEGIN { exit !($cb > 0) }"; then
        record "a.$n.cpu_ratio_validate_over_bare" "$(calc "$cv / $cb" 2) (medians: $cv s / $cb s)"
    else
        record "a.$n.cpu_ratio_validate_over_bare" "n/a (medians: $cv s / $cb s, below the 0.01 s resolution)"
    fi
    record "a.$n.cpu_ratio_validate_over_python" "$(calc "$cv / $cp" 2) (medians: $cv s / $cp s)"
    record "a.$n.bare_parse_peak_rss_mb" "$(calc "$rss_b / 1024" 1)"
    record "a.$n.validate_peak_rss_mb" "$(calc "$rss_v / 1024" 1)"
done
# Instruction counts do not depend on the machine's load: the repeatable figure.
if command -v valgrind >/dev/null; then
    f=$OUT/valid-100000.csv
    for what in bare validate; do
        cmd=("$BARE" "$f")
        [ "$what" = validate ] && cmd=("$PBX" validate "$f" --api yeastar-v2)
        valgrind --tool=callgrind --callgrind-out-file="$OUT/callgrind.$what.out" "${cmd[@]}" \
            >/dev/null 2>"$OUT/callgrind.$what.stderr"
        record "a.100000.instructions_$what" "$(sed -n 's/.*refs: *//p' "$OUT/callgrind.$what.stderr" | tr -d ,)"
    done
    record a.100000.instructions_ratio "$(calc "$(get_raw a.100000.instructions_validate) / $(get_raw a.100000.instructions_bare)" 2)"
fi

fi
# ---- b. throughput ---------------------------------------------------------------------------
if want b; then
# Each pair (wrk, import) runs against one fresh simulator seeded with the same 20,000 rows, back
# to back, in alternating order (the sim answers Connection: close, so both open one TCP
# connection per request and leave TIME_WAIT sockets behind for whoever runs next).
say "b. import 20,000 rows vs wrk, 64 connections, same simulator"
f=$OUT/import-20000.csv
python3 "$ROOT/bench/gen.py" 20000 "$f"
BODY=$("${UTIL[@]}" body "$f")
tp_i=() tp_w=() ratio=() cpu_row=() cpu_wrk=()
for r in $(seq "$TP_REPEATS"); do
    for attempt in 1 2 3; do
        start_sim --seed "$f"
        token=$("${UTIL[@]}" login "$SIM_URL")
        # the body pbxbulk sends for the first row, to that (seeded) extension
        "${UTIL[@]}" lua "$token" "$BODY" "$OUT/update.lua"
        run_wrk() {
            run_timed "wrk-$r" wrk -t2 -c64 -d"${WRK_SECS}s" -s "$OUT/update.lua" "$SIM_URL"; must "wrk-$r"
            grep -q 'non2xx=0 connect=0 read=0 write=0 timeout=0' "$OUT/wrk-$r.stdout" ||
                die "wrk saw errors: $(cat "$OUT/wrk-$r.stdout")"
            W_RATE=$(sed -n 's/^Requests\/sec:[[:space:]]*//p' "$OUT/wrk-$r.stdout")
            W_CPU=$(calc "($UTIME + $STIME) / $(sed -n 's/.*WRK requests=\([0-9]*\).*/\1/p' "$OUT/wrk-$r.stdout") * 1e6" 1)
        }
        [ $((r % 2)) = 1 ] && run_wrk
        run_timed "import-tp-$r" "$PBX" import "$f" --api yeastar-v2 --url "$SIM_URL" --user api \
            --mode update --rate 0 --concurrency 64 --report "$OUT/import-tp-$r.report.csv"
        sim_lost "import-tp-$r" && { stop_sim; continue; }
        must "import-tp-$r"
        I_WALL=$WALL I_U=$UTIME I_S=$STIME I_RSS=$RSS
        [ $((r % 2)) = 0 ] && run_wrk
        stop_sim
        break
    done
    [ "$RC" = 0 ] || die "import-tp-$r: the simulator kept disappearing"
    expect_line "import-tp-$r" "^20000 rows: 20000 ok"
    tp_i+=("$(calc "20000 / $I_WALL" 1)"); tp_w+=("$W_RATE"); cpu_wrk+=("$W_CPU")
    ratio+=("$(calc "20000 / $I_WALL / $W_RATE" 3)")
    cpu_row+=("$(calc "($I_U + $I_S) / 20000 * 1e6" 1)")
    record "b.run$r" "wrk ${W_RATE} req/s (cpu ${W_CPU} us/req); import ${tp_i[-1]} rows/s, wall ${I_WALL}s, user ${I_U}s sys ${I_S}s, rss $(calc "$I_RSS/1024" 1) MB; ratio ${ratio[-1]}"
done
record b.import_rows_per_s "$(median "${tp_i[@]}") (runs: ${tp_i[*]})"
record b.wrk_req_per_s "$(median "${tp_w[@]}") (runs: ${tp_w[*]})"
record b.ratio_import_over_wrk "$(median "${ratio[@]}") (median of the per-pair ratios: ${ratio[*]})"
record b.client_cpu_us_per_row "$(median "${cpu_row[@]}") (runs: ${cpu_row[*]})"
record b.wrk_cpu_us_per_request "$(median "${cpu_wrk[@]}") (runs: ${cpu_wrk[*]})"

fi
# ---- c. latency hiding -----------------------------------------------------------------------
if want c; then
say "c. import 1,000 rows, --concurrency 32, sim --latency-ms 100"
f=$OUT/import-1000.csv
python3 "$ROOT/bench/gen.py" 1000 "$f"
lat_e=() lat_s=() lat_add=()
for r in $(seq "$REPEATS"); do
    for mode in upsert add; do # upsert (the default) lists the PBX first; add does not: for information
        for attempt in 1 2 3; do
            start_sim --latency-ms 100
            run_timed "import-lat-$mode-$r" "$PBX" import "$f" --api yeastar-v2 --url "$SIM_URL" \
                --user api --mode "$mode" --rate 0 --concurrency 32 --report "$OUT/import-lat-$mode-$r.report.csv"
            sim_lost "import-lat-$mode-$r" && { stop_sim; continue; }
            break
        done
        must "import-lat-$mode-$r"
        expect_line "import-lat-$mode-$r" "^1000 rows: 1000 ok"
        w=$("${UTIL[@]}" writes "$SIM_URL" 100)
        stop_sim
        e=$(calc "1000 / $WALL" 1)
        if [ "$mode" = upsert ]; then
            lat_e+=("$e"); lat_s+=("$(sed 's/.*steady_per_s=\([0-9.]*\).*/\1/' <<<"$w")")
        else
            lat_add+=("$e")
        fi
        record "c.$mode.run$r" "end-to-end $e rows/s (wall ${WALL}s; $(grep -o 'in [0-9.]*s ([0-9.]* rows/s)' "$OUT/import-lat-$mode-$r.stdout")); sim log: $w"
    done
done
le=$(median "${lat_e[@]}"); ls_=$(median "${lat_s[@]}")
record c.end_to_end_rows_per_s "$le (runs: ${lat_e[*]})"
record c.steady_rows_per_s "$ls_ (runs: ${lat_s[*]})"
record c.mode_add_end_to_end_rows_per_s "$(median "${lat_add[@]}") (runs: ${lat_add[*]})"
record c.ratio_end_to_end_over_320 "$(calc "$le / 320" 3)"
record c.ratio_steady_over_320 "$(calc "$ls_ / 320" 3)"

fi
# ---- d. rate accuracy ------------------------------------------------------------------------
if want d; then
say "d. import 3,000 rows at --rate 100 (about 30 s)"
f=$OUT/import-3000.csv
python3 "$ROOT/bench/gen.py" 3000 "$f"
for attempt in 1 2 3; do
    start_sim
    run_timed import-rate "$PBX" import "$f" --api yeastar-v2 --url "$SIM_URL" --user api \
        --rate 100 --report "$OUT/import-rate.report.csv"
    sim_lost import-rate && { stop_sim; continue; }
    break
done
must import-rate
expect_line import-rate "^3000 rows: 3000 ok"
w=$("${UTIL[@]}" writes "$SIM_URL" 0)
stop_sim
record d.sim_log "$w"
rate=$(sed 's/.*count_over_span_per_s=\([0-9.]*\).*/\1/' <<<"$w")
win=$(sed 's/.*max_1s_window=\([0-9]*\).*/\1/' <<<"$w")
record d.rate_per_s "$rate"
record d.ratio_rate_over_100 "$(calc "$rate / 100" 4)"
record d.max_writes_in_1s_window "$win"
fi
# ---- e. reads --------------------------------------------------------------------------------
if want e; then
say "e. sync and export of 10,000 unchanged extensions, sim --latency-ms 100, --concurrency 4"
f=$OUT/directory-10000.csv
python3 "$ROOT/bench/gen.py" 10000 "$f"
for what in sync export; do
    ratios=() walls=()
    for r in $(seq "$REPEATS"); do
        for attempt in 1 2 3; do
            start_sim --seed "$f" --latency-ms 100
            if [ "$what" = sync ]; then
                run_timed "reads-$what-$r" "$PBX" import "$f" --api yeastar-v2 --url "$SIM_URL" --user api \
                    --mode sync --report "$OUT/reads-$what-$r.report.csv"
            else
                run_timed "reads-$what-$r" "$PBX" export --api yeastar-v2 --url "$SIM_URL" --user api \
                    -o "$OUT/reads-$what-$r.csv"
            fi
            sim_lost "reads-$what-$r" && { stop_sim; continue; }
            break
        done
        must "reads-$what-$r"
        if [ "$what" = sync ]; then
            expect_line "reads-$what-$r" "^10000 rows: 0 ok.*, 10000 unchanged"
        else
            expect_line "reads-$what-$r" "^exported 10000 extensions"
        fi
        w=$("${UTIL[@]}" reads "$SIM_URL" 100 4 "$WALL")
        stop_sim
        ratios+=("$(sed 's/.*ratio=\([0-9.]*\).*/\1/' <<<"$w")"); walls+=("$WALL")
        record "e.$what.run$r" "$w"
    done
    record "e.$what.wall_s" "$(median "${walls[@]}") (runs: ${walls[*]})"
    record "e.$what.bound_s" "$(sed 's/.*bound_s=\([0-9.]*\).*/\1/' <<<"$w")"
    record "e.$what.ratio_wall_over_bound" "$(median "${ratios[@]}") (runs: ${ratios[*]})"
done

fi
# ---- g. the Yeastar P-Series ---------------------------------------------------------------------
if want g; then
say "g. yeastar-p: import of 10,000 and a sync of them unchanged, sim --latency-ms 50, --concurrency 8"
f=$OUT/p-10000.csv
python3 "$ROOT/bench/gen.py" 10000 "$f" --api yeastar-p
for what in ${G_WHAT:-import sync}; do
    ratios=() walls=()
    for r in $(seq "$REPEATS"); do
        if [ "$what" = import ]; then
            SIM_API=yeastar-p start_sim --latency-ms 50
            run_timed "p-$what-$r" "$PBX" import "$f" --api yeastar-p --url "$SIM_URL" --user api \
                --mode add --rate 0 --concurrency 8 --report "$OUT/p-$what-$r.report.csv"
            expect_line "p-$what-$r" "^10000 rows: 10000 ok"
            ops="add"
        else
            SIM_API=yeastar-p start_sim --seed "$f" --latency-ms 50
            run_timed "p-$what-$r" "$PBX" import "$f" --api yeastar-p --url "$SIM_URL" --user api \
                --mode sync --concurrency 8 --report "$OUT/p-$what-$r.report.csv"
            expect_line "p-$what-$r" "^10000 rows: 0 ok.*, 10000 unchanged"
            ops="list query"
        fi
        must "p-$what-$r"
        # shellcheck disable=SC2086
        w=$("${UTIL[@]}" bound "$SIM_URL" 50 8 "$WALL" $ops)
        stop_sim
        ratios+=("$(sed 's/.*ratio=\([0-9.]*\).*/\1/' <<<"$w")"); walls+=("$WALL")
        record "g.$what.run$r" "$w"
    done
    record "g.$what.wall_s" "$(median "${walls[@]}") (runs: ${walls[*]})"
    record "g.$what.bound_s" "$(sed 's/.*bound_s=\([0-9.]*\).*/\1/' <<<"$w")"
    record "g.$what.ratio_wall_over_bound" "$(median "${ratios[@]}") (runs: ${ratios[*]})"
done
fi
# ---- f. the report page ------------------------------------------------------------------------
if want f; then
say "f. the report page of a 20,000-row import, and of 20,000 invalid rows"
command -v chromium >/dev/null || apt_install chromium
python3 "$ROOT/bench/gen.py" 20000 "$OUT/page-valid-20000.csv"
# every 100th row breaks a documented rule (maxregistrations 9; ringtimeout 45 broke only
# an inferred one, which warns and is sent); the simulator fails about 2% of the writes
awk -F, 'BEGIN { OFS = "," } NR > 1 && NR % 100 == 0 { $6 = "9" } { print }' \
    "$OUT/page-valid-20000.csv" >"$OUT/page-mixed-20000.csv"
awk -F, 'BEGIN { OFS = "," } NR > 1 { $6 = "9" } { print }' \
    "$OUT/page-valid-20000.csv" >"$OUT/page-invalid-20000.csv"
# headless Chromium in a fresh profile, rendering PAGE's first 1280x2000 pixels to PNG
cat >"$OUT/chromium-shot.sh" <<'SHOT'
#!/bin/sh
profile=$(mktemp -d)
chromium --headless --no-sandbox --disable-gpu --disable-quic --no-first-run \
    --disable-background-networking --disable-component-update --disable-sync \
    --user-data-dir="$profile" --hide-scrollbars --window-size=1280,2000 \
    --screenshot="$2" "file://$1" >/dev/null 2>&1
rc=$?
rm -rf "$profile"
exit $rc
SHOT
printf '<!DOCTYPE html><html><head><meta charset="utf-8"><title>empty</title></head><body></body></html>\n' \
    >"$OUT/page-empty.html"
imp_ratio=() rss_no=() rss_yes=()
for r in $(seq "$REPEATS"); do
    for page in no yes; do
        extra=()
        [ "$page" = yes ] && extra=(--report-html "$OUT/page-mixed.html")
        for attempt in 1 2 3; do
            start_sim --fail-rate 0.02 --random-seed 7
            run_timed "page-import-$page-$r" "$PBX" import "$OUT/page-mixed-20000.csv" --api yeastar-v2 \
                --url "$SIM_URL" --user api --mode add --rate 0 --concurrency 64 --retries 0 \
                --report "$OUT/page-import-$page-$r.report.csv" "${extra[@]}"
            sim_lost "page-import-$page-$r" && { stop_sim; continue; }
            break
        done
        stop_sim
        [ "$RC" = 1 ] || die "page-import-$page-$r exited $RC, not 1 (rows failed)"
        if [ "$page" = no ]; then W_NO=$WALL; rss_no+=("$RSS"); else rss_yes+=("$RSS"); fi
    done
    imp_ratio+=("$(calc "$WALL / $W_NO" 3)")
done
expect_line "page-import-yes-$REPEATS" "^20000 rows: .*, 200 invalid, [1-9][0-9]* failed"
record f.import_wall_ratio_with_page "$(median "${imp_ratio[@]}") (median of the per-pair ratios: ${imp_ratio[*]})"
record f.import_peak_rss_mb_with_page "$(calc "$(median "${rss_yes[@]}") / 1024" 1) (without: $(calc "$(median "${rss_no[@]}") / 1024" 1))"
start_sim
run_timed page-import-invalid "$PBX" import "$OUT/page-invalid-20000.csv" --api yeastar-v2 \
    --url "$SIM_URL" --user api --mode add --rate 0 --report "$OUT/page-import-invalid.report.csv" \
    --report-html "$OUT/page-invalid.html"
stop_sim
[ "$RC" = 1 ] || die "page-import-invalid exited $RC, not 1"
for which in mixed invalid; do
    html=$OUT/page-$which.html
    record "f.$which.page_kb" "$(calc "$(stat -c %s "$html") / 1024" 1) ($(grep -o '<tr class="problem"' "$html" | wc -l) problem rows listed)"
    walls_p=() walls_e=() pairs=()
    for r in $(seq "$REPEATS"); do
        run_timed "page-load-$which-$r" sh "$OUT/chromium-shot.sh" "$html" "$OUT/page-$which.png"
        must "page-load-$which-$r"; walls_p+=("$WALL")
        run_timed "page-load-empty-$r" sh "$OUT/chromium-shot.sh" "$OUT/page-empty.html" "$OUT/page-empty.png"
        must "page-load-empty-$r"; walls_e+=("$WALL")
        pairs+=("$(calc "${walls_p[-1]} / ${walls_e[-1]}" 2)")
    done
    record "f.$which.load_wall_s" "$(median "${walls_p[@]}") (runs: ${walls_p[*]})"
    record "f.$which.empty_page_wall_s" "$(median "${walls_e[@]}") (runs: ${walls_e[*]})"
    record "f.$which.load_ratio_over_empty" "$(median "${pairs[@]}") (median of the per-pair ratios: ${pairs[*]})"
done
fi

# ---- i. the plan of a 20,000-row run -------------------------------------------------------------
if want i; then
say "i. the plan of a 20,000-row run: its size; plan vs a dry run, apply vs an import"
python3 "$ROOT/bench/gen.py" 20000 "$OUT/plan-20000.csv"
# the nightly sync: the PBX holds the 20,000; the file gives every 100th a new e-mail
awk -F, 'BEGIN { OFS = "," } NR > 1 && NR % 100 == 0 { $7 = "new." $7 } { print }' \
    "$OUT/plan-20000.csv" >"$OUT/plan-sync-20000.csv"
for scenario in add sync; do
    case $scenario in
    add) file=$OUT/plan-20000.csv seed=() mode=add ;;
    sync) file=$OUT/plan-sync-20000.csv seed=(--seed "$OUT/plan-20000.csv") mode=upsert ;;
    esac
    flags=(--api yeastar-v2 --user api --mode "$mode" --rate 0 --concurrency 64)
    plan_pairs=() apply_pairs=()
    for r in $(seq "$REPEATS"); do
        start_sim "${seed[@]}"
        run_timed "plan-$scenario-$r" "$PBX" plan "$file" --url "$SIM_URL" "${flags[@]}" \
            --out "$OUT/plan-$scenario.plan"
        must "plan-$scenario-$r"; P=$WALL
        run_timed "plan-dry-$scenario-$r" "$PBX" import "$file" --url "$SIM_URL" "${flags[@]}" \
            --dry-run --report "$OUT/plan-dry-$scenario.report.csv"
        must "plan-dry-$scenario-$r"
        plan_pairs+=("$(calc "$P / $WALL" 3)")
        run_timed "apply-$scenario-$r" "$PBX" apply "$OUT/plan-$scenario.plan" \
            --report "$OUT/apply-$scenario.report.csv"
        must "apply-$scenario-$r"; A=$WALL
        stop_sim
        start_sim "${seed[@]}"
        run_timed "apply-import-$scenario-$r" "$PBX" import "$file" --url "$SIM_URL" "${flags[@]}" \
            --report "$OUT/apply-import-$scenario.report.csv"
        must "apply-import-$scenario-$r"
        stop_sim
        apply_pairs+=("$(calc "$A / $WALL" 3)")
    done
    expect_line "plan-$scenario-$REPEATS" "^plan: "
    record "i.$scenario.plan_kb" "$(calc "$(stat -c %s "$OUT/plan-$scenario.plan") / 1024" 1) ($(sed -n 1p "$OUT/plan-$scenario-$REPEATS.stdout"))"
    record "i.$scenario.input_kb" "$(calc "$(stat -c %s "$file") / 1024" 1)"
    record "i.$scenario.plan_gzip_kb" "$(calc "$(gzip -c "$OUT/plan-$scenario.plan" | wc -c) / 1024" 1)"
    record "i.$scenario.plan_wall_over_dry_run" "$(median "${plan_pairs[@]}") (median of the per-pair ratios: ${plan_pairs[*]})"
    record "i.$scenario.apply_wall_over_import" "$(median "${apply_pairs[@]}") (median of the per-pair ratios: ${apply_pairs[*]})"
done
fi

record machine.loadavg_at_end "$(cut -d' ' -f1-3 /proc/loadavg)"
record machine.other_pbxbulk_processes_at_end "$(pgrep -c -x pbxbulk || true)"

# ---- h. HR sync ----------------------------------------------------------------------------------
if want h; then
say "h. 200,000 HR rows through a map with filters vs without, --match email against 100,000"
dir=$OUT/hr-directory-100000.csv
python3 "$ROOT/bench/gen.py" 100000 "$dir" --start 3000000
python3 "$ROOT/bench/gen_hr.py" "$dir" 200000 "$OUT/hr-200000.csv"
common='ignore_unmapped = true
remove = ['"'"'WorkerStatus == "Inactive"'"'"']
[columns]
"Email" = "email"
[templates]'
printf '%s\n%s\n' "$common" 'username = "{FirstName|trim|ascii|clean} {LastName|trim|ascii|clean}"
mobile = "{MobilePhone|digits|last:11}"' >"$OUT/hr-filters.toml"
printf '%s\n%s\n' "$common" 'username = "{FirstName} {LastName}"
mobile = "{MobilePhone}"' >"$OUT/hr-plain.toml"
start_sim --seed "$dir"
for what in validate import; do
    walls_f=() walls_p=() rss_f=0 rss_p=0 pairs=()
    for r in $(seq "$REPEATS"); do
        for map in plain filters; do
            if [ "$what" = validate ]; then
                run_timed "hr-$what-$map-$r" "$PBX" validate "$OUT/hr-200000.csv" --api yeastar-v2 \
                    --map "$OUT/hr-$map.toml" --match email --assign-numbers 5000000-5999999
                must "hr-$what-$map-$r"
                expect_line "hr-$what-$map-$r" "^200000 rows: 180000 valid"
            else
                run_timed "hr-$what-$map-$r" "$PBX" import "$OUT/hr-200000.csv" --api yeastar-v2 \
                    --url "$SIM_URL" --user api --map "$OUT/hr-$map.toml" --mode sync --dry-run \
                    --match email --assign-numbers 5000000-5999999 --generate-passwords \
                    --report "$OUT/hr-$what-$map-$r.report.csv"
                must "hr-$what-$map-$r"
                expect_line "hr-$what-$map-$r" "^dry run: would add 90000, update 40000, delete 10000"
            fi
            if [ "$map" = filters ]; then
                walls_f+=("$WALL"); [ "$RSS" -gt "$rss_f" ] && rss_f=$RSS
            else
                walls_p+=("$WALL"); [ "$RSS" -gt "$rss_p" ] && rss_p=$RSS
            fi
        done
        pairs+=("$(calc "${walls_f[-1]} / ${walls_p[-1]}" 2)")
    done
    wf=$(median "${walls_f[@]}"); wp=$(median "${walls_p[@]}")
    record "h.$what.filters_wall_s" "$wf (runs: ${walls_f[*]})"
    record "h.$what.plain_wall_s" "$wp (runs: ${walls_p[*]})"
    record "h.$what.ratio_filters_over_plain" "$(calc "$wf / $wp" 2)"
    record "h.$what.paired_ratio" "$(median "${pairs[@]}") (median of the per-pair ratios: ${pairs[*]})"
    record "h.$what.filters_peak_rss_mb" "$(calc "$rss_f / 1024" 1)"
    record "h.$what.plain_peak_rss_mb" "$(calc "$rss_p / 1024" 1)"
    record "h.$what.rss_ratio" "$(calc "$rss_f / $rss_p" 2)"
done
# What a sync of the directory costs without HR: its own 100,000 rows, numbers given, no map,
# no --match (how much of the memory above is the PBX's listing itself).
run_timed "hr-reference" "$PBX" import "$dir" --api yeastar-v2 --url "$SIM_URL" --user api \
    --mode sync --dry-run --report "$OUT/hr-reference.report.csv"
must hr-reference
record "h.reference.directory_sync_wall_s" "$WALL"
record "h.reference.directory_sync_peak_rss_mb" "$(calc "$RSS / 1024" 1)"
stop_sim

fi
# ---- table -----------------------------------------------------------------------------------
get() { sed -n "s/^$1\t\([^ ]*\).*/\1/p" "$OUT/results.tsv"; }
# A figure not measured this run (a section run in part) is left blank, not judged.
met() { case $1 in " "*) echo "" ;; *) awk "BEGIN { print ($1) ? \"yes\" : \"**no**\" }" ;; esac; }
{
    echo "| figure | measured | reference | ratio | target | met? |"
    echo "|---|---|---|---|---|---|"
    want a && for n in 100000 1000000; do
        r=$(get "a.$n.ratio_validate_over_bare")
        echo "| validate $n rows, wall | $(get "a.$n.validate_wall_s") s | bare_parse $(get "a.$n.bare_parse_wall_s") s | ${r}x | <= 3x | $(met "$r <= 3") |"
        r=$(get "a.$n.paired_ratio_validate_over_bare")
        echo "| validate $n rows, wall, median of back-to-back pairs | | bare_parse | ${r}x | (<= 3x) | $(met "$r <= 3") |"
        r=$(get "a.$n.cpu_ratio_validate_over_bare")
        if [ "$r" = n/a ]; then
            echo "| validate $n rows, CPU (user+sys) | | bare_parse | n/a (under 0.01 s) | (<= 3x) | - |"
        else
            echo "| validate $n rows, CPU (user+sys) | | bare_parse | ${r}x | (<= 3x) | $(met "$r <= 3") |"
        fi
        r=$(get "a.$n.ratio_validate_over_python")
        echo "| validate $n rows vs Python, wall | $(get "a.$n.validate_wall_s") s | python csv $(get "a.$n.python_csv_wall_s") s | ${r}x | < 1x | $(met "$r < 1") |"
        r=$(get "a.$n.cpu_ratio_validate_over_python")
        echo "| validate $n rows vs Python, CPU | | python csv | ${r}x | (< 1x) | $(met "$r < 1") |"
        m=$(get "a.$n.validate_peak_rss_mb")
        [ "$n" = 100000 ] && [ -n "$(get a.100000.instructions_ratio)" ] &&
            echo "| validate 100000 rows, instructions (callgrind) | $(get a.100000.instructions_validate) | bare_parse $(get a.100000.instructions_bare) | $(get a.100000.instructions_ratio)x | (<= 3x) | $(met "$(get a.100000.instructions_ratio) <= 3") |"
        echo "| validate $n rows, peak RSS | $m MB | bare_parse $(get "a.$n.bare_parse_peak_rss_mb") MB | - | <= 64 MB | $(met "$m <= 64") |"
        r=$(get "a.$n.paired_ratio_report_over_validate")
        echo "| validate $n rows --report, wall, median of per-repeat ratios | $(get "a.$n.validate_report_wall_s") s | validate without | ${r}x | <= 1.3x | $(met "$r <= 1.3") |"
        r=$(get "a.$n.paired_ratio_report_over_python")
        echo "| validate $n rows --report vs Python, wall, same | | python csv | ${r}x | <= 0.8x | $(met "$r <= 0.8") |"
        m=$(get "a.$n.validate_report_peak_rss_mb")
        echo "| validate $n rows --report, peak RSS | $m MB | - | - | < 64 MB | $(met "$m < 64") |"
    done
    if want b; then
    r=$(get b.ratio_import_over_wrk)
    echo "| import 20,000 rows, c=64, rate 0 | $(get b.import_rows_per_s) rows/s | wrk $(get b.wrk_req_per_s) req/s | $r | >= 0.70 | $(met "$r >= 0.70") |"
    echo "| client CPU per row (user+sys) | $(get b.client_cpu_us_per_row) us | wrk $(get b.wrk_cpu_us_per_request) us per request | - | - | - |"
    fi
    if want c; then
    r=$(get c.ratio_end_to_end_over_320)
    echo "| 1,000 rows, 100 ms latency, c=32, end to end | $(get c.end_to_end_rows_per_s) rows/s | ideal 320 rows/s | $r | >= 0.90 | $(met "$r >= 0.90") |"
    echo "| same with --mode add (no listing), end to end | $(get c.mode_add_end_to_end_rows_per_s) rows/s | ideal 320 rows/s | $(calc "$(get c.mode_add_end_to_end_rows_per_s) / 320" 3) | (info) | - |"
    r=$(get c.ratio_steady_over_320)
    echo "| same, steady state (sim log) | $(get c.steady_rows_per_s) rows/s | ideal 320 rows/s | $r | (>= 0.90) | $(met "$r >= 0.90") |"
    fi
    if want d; then
    r=$(get d.ratio_rate_over_100)
    echo "| --rate 100, 3,000 rows: achieved rate | $(get d.rate_per_s) /s | 100 /s | $r | >= 0.97 | $(met "$r >= 0.97") |"
    m=$(get d.max_writes_in_1s_window)
    echo "| --rate 100: most writes in any 1 s window | $m | 101 | - | <= 101 | $(met "$m <= 101") |"
    fi
    want f && for which in mixed invalid; do
        r=$(get "f.$which.load_ratio_over_empty")
        echo "| report page, 20,000 rows ($which): Chromium load and first screen | $(get "f.$which.load_wall_s") s ($(get "f.$which.page_kb") kB) | empty page $(get "f.$which.empty_page_wall_s") s | ${r}x | - | - |"
    done
    want f && echo "| import 20,000 rows with --report-html, wall | | without | $(get f.import_wall_ratio_with_page)x | - | - |"
    want i && for scenario in add sync; do
        echo "| plan of 20,000 rows ($scenario): size | $(get "i.$scenario.plan_kb") kB | input $(get "i.$scenario.input_kb") kB | $(calc "$(get "i.$scenario.plan_kb") / $(get "i.$scenario.input_kb")" 2)x | - | - |"
        echo "| plan of 20,000 rows ($scenario), wall | | the dry run | $(get "i.$scenario.plan_wall_over_dry_run")x | - | - |"
        echo "| apply of that plan, wall | | the import | $(get "i.$scenario.apply_wall_over_import")x | - | - |"
    done
    want e && for what in sync export; do
        r=$(get "e.$what.ratio_wall_over_bound")
        echo "| $what of 10,000 unchanged, 100 ms latency, c=4 | $(get "e.$what.wall_s") s | bound $(get "e.$what.bound_s") s | ${r}x | <= 1.3x | $(met "$r <= 1.3") |"
    done
    want g && for what in import sync; do
        r=$(get "g.$what.ratio_wall_over_bound")
        echo "| yeastar-p $what of 10,000, 50 ms latency, c=8 | $(get "g.$what.wall_s") s | bound $(get "g.$what.bound_s") s | ${r}x | <= 1.3x | $(met "$r <= 1.3") |"
    done
    want h && for what in validate import; do
        r=$(get "h.$what.ratio_filters_over_plain")
        echo "| HR 200,000 rows, $what, map with filters | $(get "h.$what.filters_wall_s") s | without filters $(get "h.$what.plain_wall_s") s | ${r}x | <= 2x | $(met "$r <= 2") |"
        r=$(get "h.$what.rss_ratio")
        echo "| same, peak RSS | $(get "h.$what.filters_peak_rss_mb") MB | $(get "h.$what.plain_peak_rss_mb") MB | ${r}x | <= 2x | $(met "$r <= 2") |"
    done
    want h && echo "| sync --dry-run of the 100,000-row directory itself (no map, no --match) | $(get h.reference.directory_sync_wall_s) s, $(get h.reference.directory_sync_peak_rss_mb) MB | - | - | - | - |"
} >"$OUT/results.md"
say "results ($OUT/results.md)"
cat "$OUT/results.md"
