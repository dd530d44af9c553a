#!/usr/bin/env bash
# The service report at scale against the obvious alternative.
#
# Writes the benchmark's 100 bundles (1,000,000 attendance rows; see
# benches/report.rs), then times, with /usr/bin/time -v (wall clock and
# peak resident set size):
#
#   ours     insideout-provision export report DIR --unverified --json
#            (every file hashed against its manifest as it streams, sessions
#            and people de-duplicated, every figure shown under the rule)
#   sqlite3  Debian's sqlite3, in memory: every attendance.csv imported into
#            one table, then sessions, attendances and distinct people
#            grouped by site, wing and month
#
# The goal for ours: at most 5 s and 200 MB.
#
# Usage: attendance-export/benches/report-vs-sqlite.sh
#   BENCH_DIR         where the bundles go (default: bench-report-bundles in
#                     the target folder); reused if it already holds them
#   CARGO_TARGET_DIR  honoured as cargo honours it; nothing is set otherwise
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)"
cd "$root"
target="${CARGO_TARGET_DIR:-$root/target}"
bench_dir="${BENCH_DIR:-$target/bench-report-bundles}"
provision="$target/release/insideout-provision"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

for tool in /usr/bin/time sqlite3; do
    command -v "$tool" > /dev/null || { echo "$tool is needed (apt-get install time sqlite3)" >&2; exit 1; }
done

echo "== building insideout-provision (release)" >&2
cargo build --release -p provisioning
echo "== writing the bundles into $bench_dir (reused if there)" >&2
BENCH_DIR="$bench_dir" BENCH_WRITE_ONLY=1 cargo bench -p attendance-export --bench report

# measure NAME OUTPUT COMMAND...: runs COMMAND (stdout to OUTPUT) under
# /usr/bin/time -v; sets $seconds and $rss_mb.
measure() {
    local name=$1 out=$2
    shift 2
    echo "== timing $name" >&2
    /usr/bin/time -v -o "$work/$name.time" "$@" > "$out"
    seconds=$(sed -n 's/^[[:space:]]*Elapsed (wall clock) time (h:mm:ss or m:ss): //p' "$work/$name.time" |
        awk -F: '{ s = 0; for (i = 1; i <= NF; i++) s = s * 60 + $i; printf "%.2f", s }')
    rss_mb=$(sed -n 's/^[[:space:]]*Maximum resident set size (kbytes): //p' "$work/$name.time" |
        awk '{ printf "%.0f", $1 / 1024 }')
}

# Drop nothing from the page cache: both read the same warm files.
measure ours "$work/ours.json" "$provision" export report "$bench_dir" --unverified --json
ours_s=$seconds ours_mb=$rss_mb

{
    echo "CREATE TABLE attendance(run_id TEXT, date TEXT, site TEXT, wing TEXT, session_id TEXT, participant TEXT, left_early TEXT);"
    for f in "$bench_dir"/insideout-export_*/attendance.csv; do
        echo ".import --csv --skip 1 \"$f\" attendance"
    done
    echo ".mode csv"
    echo "SELECT COUNT(*) FROM attendance;"
    echo "SELECT site, wing, substr(date, 1, 7) AS month, COUNT(DISTINCT run_id) AS sessions, COUNT(*) AS attendances, COUNT(DISTINCT NULLIF(participant, '')) AS people FROM attendance GROUP BY site, wing, month;"
} > "$work/load.sql"
measure sqlite3 "$work/sqlite.csv" sqlite3 -bail -init "$work/load.sql" :memory: .quit
sqlite_s=$seconds sqlite_mb=$rss_mb

rows=$(head -n 1 "$work/sqlite.csv")
groups=$(($(wc -l < "$work/sqlite.csv") - 1))
ours_rows=$(grep -c '"month"' "$work/ours.json" || true)
echo
echo "$rows attendance rows in $(find "$bench_dir" -maxdepth 1 -name 'insideout-export_*' | wc -l) bundles; sqlite3 made $groups site-wing-month groups, the report $ours_rows"
printf '%-38s %10s %16s\n' "" "seconds" "peak RSS (MB)"
printf '%-38s %10s %16s\n' "insideout-provision export report" "$ours_s" "$ours_mb"
printf '%-38s %10s %16s\n' "sqlite3 (:memory:, import + GROUP BY)" "$sqlite_s" "$sqlite_mb"
printf '%-38s %10s %16s\n' "goal for the report" "<= 5" "<= 200"
