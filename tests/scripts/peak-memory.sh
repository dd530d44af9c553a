#!/usr/bin/env bash
# peak-memory.sh — peak memory of `pack verify` and `import` on hostile packs
# whose first entry claims a 1 GiB name (a PAX `x` header and a GNU `L`
# entry, written with Python's tarfile into sparse
# files, so they cost no disk). The goal is 64 MiB or less each (issue 11,
# D2); the figures go in the README's benchmark table. Not run in CI.
#
# Needs the workspace's debug binaries (`cargo build -p kiosk -p
# provisioning`) and GNU time (/usr/bin/time).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
bin=${BIN:-$here/../../target/debug}
limit_kib=$((64 * 1024))
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

"$bin/insideout-provision" keygen --secret-key "$work/c.key" --public-key "$work/c.pub" --unencrypted >/dev/null
"$bin/insideout-provision" kiosk init --data-dir "$work/data" --site S --wing W --trusted-key "$work/c.pub" >/dev/null

python3 - "$work" <<'PY'
import sys, tarfile
work = sys.argv[1]
for flag, name in ((tarfile.XHDTYPE, "pax"), (tarfile.GNUTYPE_LONGNAME, "gnu")):
    info = tarfile.TarInfo("././@LongLink")
    info.type = flag
    info.size = 1 << 30
    with open(f"{work}/{name}.iopack", "wb") as f:
        f.write(info.tobuf(tarfile.GNU_FORMAT))
        f.truncate(512 + (1 << 30) + 1024)
PY

fail=0
measure() { # measure LABEL COMMAND... -> prints the peak RSS, fails above the limit
    local label=$1; shift
    local out rss
    out=$( { /usr/bin/time -f 'rss=%M' "$@" >/dev/null 2>"$work/err"; } 2>&1 || true)
    rss=$(printf '%s\n' "$out" "$(cat "$work/err")" | grep -o 'rss=[0-9]*' | tail -1 | cut -d= -f2)
    printf '%-34s %6s KiB peak  (%s)\n' "$label" "$rss" "$(grep -v rss= "$work/err" | head -1 | cut -c1-90)"
    [ "$rss" -le "$limit_kib" ] || fail=1
}
for kind in pax gnu; do
    measure "pack verify, 1 GiB $kind name" "$bin/insideout-provision" pack verify "$work/$kind.iopack" --trusted-key "$work/c.pub"
    measure "import, 1 GiB $kind name" "$bin/insideout-kiosk" import "$work/$kind.iopack" --data-dir "$work/data"
done
[ "$fail" = 0 ] || { echo "peak-memory: above $limit_kib KiB" >&2; exit 1; }
echo "peak-memory: every run stayed under $limit_kib KiB"
