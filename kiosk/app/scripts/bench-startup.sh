#!/usr/bin/env bash
# Measures the kiosk's start in release: time from process start to its first
# frame, and peak RSS (VmHWM) after signing in, on a kiosk with the sample
# programme installed and 10,000 past sessions (groups of 10) in its
# database, next to a bare Slint window (examples/bare_window.rs: what Slint,
# winit and fontconfig cost before the kiosk does anything) measured in the
# same run, and `--demo`'s first screen (it builds, signs and installs the
# sample pack first). Goals: first frame <= 60 ms, demo <= 300 ms, peak RSS
# <= 30 MB.
#
# A measurement, not a test: it prints the numbers (median and worst of
# RUNS runs) and exits 0 whatever they are.
# Needs (Debian): xvfb matchbox-window-manager xdotool python3 fonts-dejavu-core.
# Usage: kiosk/app/scripts/bench-startup.sh   (RUNS=5 SESSIONS=10000 by default)
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
runs="${RUNS:-5}"
sessions="${SESSIONS:-10000}"
size="${SIZE:-1920x1080}"
display_num="${XVFB_DISPLAY:-:92}"

(cd "$root" && cargo build --release -q -p kiosk -p provisioning && cargo build --release -q -p kiosk --example bare_window)
kiosk="$root/target/release/insideout-kiosk"
bare="$root/target/release/examples/bare_window"
provision="$root/target/release/insideout-provision"

work="$(mktemp -d)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

pin=274913
echo "setting up a kiosk with the sample programme and $sessions past sessions…"
"$provision" keygen --unencrypted --secret-key "$work/content.key" --public-key "$work/content.pub" >/dev/null
"$provision" pack build "$root/content-pack/sample" --version 1 --secret-key "$work/content.key" --out "$work/sample.iopack" >/dev/null
"$provision" kiosk init --data-dir "$work/data" --site "HMP Bench" --wing "A wing" --trusted-key "$work/content.pub" >/dev/null
echo "$pin" | "$provision" kiosk add-facilitator --data-dir "$work/data" --id bench >/dev/null
"$kiosk" import "$work/sample.iopack" --data-dir "$work/data" >/dev/null
start=$(date +%s)
"$kiosk" simulate --data-dir "$work/data" --sessions "$sessions" --group-size 10 >/dev/null
echo "  simulate took $(( $(date +%s) - start )) s; database $(du -h "$work/data/kiosk.db" | cut -f1)"

export DISPLAY="$display_num"
Xvfb "$DISPLAY" -br -screen 0 "${size}x24" -nolisten tcp >"$work/xvfb.log" 2>&1 &
pids+=($!)
for _ in $(seq 50); do xprop -root >/dev/null 2>&1 && break; sleep 0.1; done
matchbox-window-manager -use_titlebar no >"$work/wm.log" 2>&1 &
pids+=($!)
sleep 0.5

# One warm-up run (page cache), then the measured ones: first frame and
# peak RSS on the sign-in screen; then peak RSS once a facilitator has signed
# in (it includes kiosk-core's Argon2id PIN check, which uses 19 MiB).
python3 "$here/first-frame.py" -- "$kiosk" --data-dir "$work/data" >/dev/null
frames=(); rss=(); signed_in=(); bare_frames=(); demo_frames=()
for i in $(seq "$runs"); do
  out="$(python3 "$here/first-frame.py" -- "$bare")"
  bare_frames+=("$(sed -n 's/^first_frame_ms=//p' <<<"$out")")
  out="$(TMPDIR="$work" python3 "$here/first-frame.py" -- "$kiosk" --demo 2>/dev/null)"
  demo_frames+=("$(sed -n 's/^first_frame_ms=//p' <<<"$out")")
  out="$(python3 "$here/first-frame.py" -- "$kiosk" --data-dir "$work/data")"
  frames+=("$(sed -n 's/^first_frame_ms=//p' <<<"$out")")
  rss+=("$(sed -n 's/^peak_rss_kib=//p' <<<"$out")")
  out="$(python3 "$here/first-frame.py" --pin "$pin" -- "$kiosk" --data-dir "$work/data")"
  signed_in+=("$(sed -n 's/^peak_rss_kib=//p' <<<"$out")")
  echo "  run $i: bare Slint window ${bare_frames[-1]} ms, demo ${demo_frames[-1]} ms, kiosk first frame ${frames[-1]} ms, peak RSS $(( ${rss[-1]} / 1024 )) MiB at sign-in, $(( ${signed_in[-1]} / 1024 )) MiB signed in"
done
median() { printf '%s\n' "$@" | sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
worst() { printf '%s\n' "$@" | sort -g | tail -n1; }
best() { printf '%s\n' "$@" | sort -g | head -n1; }
echo "bare Slint window:    best $(best "${bare_frames[@]}") ms, median $(median "${bare_frames[@]}") ms, worst $(worst "${bare_frames[@]}") ms"
echo "first frame:          best $(best "${frames[@]}") ms, median $(median "${frames[@]}") ms, worst $(worst "${frames[@]}") ms (goal <= 60 ms)"
echo "demo first screen:    best $(best "${demo_frames[@]}") ms, median $(median "${demo_frames[@]}") ms, worst $(worst "${demo_frames[@]}") ms (goal <= 300 ms)"
echo "peak RSS, sign-in:    median $(( $(median "${rss[@]}") / 1024 )) MiB, worst $(( $(worst "${rss[@]}") / 1024 )) MiB (goal <= 30 MB)"
echo "peak RSS, signed in:  median $(( $(median "${signed_in[@]}") / 1024 )) MiB, worst $(( $(worst "${signed_in[@]}") / 1024 )) MiB"
