#!/usr/bin/env bash
# Runs `insideout-kiosk --demo` on a virtual X display with a window manager,
# as on a wing PC without the lockdown, and checks that:
#   1. its window comes up full-screen (covers the screen, _NET_WM_STATE_FULLSCREEN);
#   2. it survives close requests: WM_DELETE_WINDOW (what a window manager
#      sends for its close button or Alt+F4) and Alt+F4 typed at it;
#   3. it renders: a screenshot is saved (default docs/screenshots/xvfb-demo.png).
#
# Needs (Debian): xvfb matchbox-window-manager x11-utils xdotool imagemagick
# python3, plus fonts-dejavu-core for fontconfig.
# Usage: kiosk/app/scripts/xvfb-demo-check.sh [SCREENSHOT.png]
# KIOSK_BIN picks the binary (default: target/release, else target/debug,
# built with cargo if neither exists); SIZE the screen (default 1920x1080).
set -euo pipefail

here="$(cd "$(dirname "$0")" && pwd)"
root="$(cd "$here/../../.." && pwd)"
shot="${1:-$root/docs/screenshots/xvfb-demo.png}"
size="${SIZE:-1920x1080}"
display_num="${XVFB_DISPLAY:-:91}"

for tool in Xvfb matchbox-window-manager xwininfo xprop xdotool import python3; do
  command -v "$tool" >/dev/null || {
    echo "xvfb-demo-check: $tool is missing: apt-get install xvfb matchbox-window-manager x11-utils xdotool imagemagick python3" >&2
    exit 2
  }
done

bin="${KIOSK_BIN:-}"
if [[ -z "$bin" ]]; then
  for candidate in "$root/target/release/insideout-kiosk" "$root/target/debug/insideout-kiosk"; do
    if [[ -x "$candidate" ]]; then bin="$candidate"; break; fi
  done
fi
if [[ -z "$bin" ]]; then
  (cd "$root" && cargo build -p kiosk --bin insideout-kiosk)
  bin="$root/target/debug/insideout-kiosk"
fi

work="$(mktemp -d)"
pids=()
cleanup() {
  for pid in "${pids[@]}"; do kill "$pid" 2>/dev/null || true; done
  wait 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT

fail() {
  echo "xvfb-demo-check: FAIL: $*" >&2
  echo "--- kiosk log ---" >&2
  cat "$work/kiosk.log" >&2 || true
  exit 1
}

export DISPLAY="$display_num"
Xvfb "$DISPLAY" -screen 0 "${size}x24" -nolisten tcp >"$work/xvfb.log" 2>&1 &
pids+=($!)
for _ in $(seq 50); do xdpyinfo >/dev/null 2>&1 && break; xprop -root >/dev/null 2>&1 && break; sleep 0.1; done
matchbox-window-manager -use_titlebar no >"$work/wm.log" 2>&1 &
pids+=($!)
sleep 0.5

"$bin" --demo >"$work/kiosk.log" 2>&1 &
kiosk_pid=$!
pids+=("$kiosk_pid")

window=""
for _ in $(seq 150); do
  window="$(xdotool search --name '^InsideOut$' 2>/dev/null | head -n1 || true)"
  if [[ -n "$window" ]] && xwininfo -id "$window" | grep -q 'IsViewable'; then break; fi
  kill -0 "$kiosk_pid" 2>/dev/null || fail "the kiosk exited before showing its window"
  window=""
  sleep 0.1
done
[[ -n "$window" ]] || fail "no InsideOut window within 15 s"
sleep 1.5   # let it settle into full-screen and draw

info="$(xwininfo -id "$window")"
geom() { awk -F: -v key="$1" '$1 ~ key { gsub(/ /, "", $2); print $2 }' <<<"$info"; }
want_w="${size%x*}"; want_h="${size#*x}"
[[ "$(geom 'Absolute upper-left X')" == 0 && "$(geom 'Absolute upper-left Y')" == 0 ]] \
  || fail "window is not at the top left: $(geom 'Absolute upper-left X'),$(geom 'Absolute upper-left Y')"
[[ "$(geom '  Width')" == "$want_w" && "$(geom '  Height')" == "$want_h" ]] \
  || fail "window is $(geom '  Width')x$(geom '  Height'), not the screen's $size"
xprop -id "$window" _NET_WM_STATE | grep -q _NET_WM_STATE_FULLSCREEN \
  || fail "window does not ask for full-screen: $(xprop -id "$window" _NET_WM_STATE)"
echo "ok: full-screen ${want_w}x${want_h} at 0,0 (_NET_WM_STATE_FULLSCREEN)"

# Close requests: WM_DELETE_WINDOW, as a window manager sends it, and Alt+F4.
python3 "$here/send-close-request.py" "$window"
xdotool key --window "$window" alt+F4 || true
python3 "$here/send-close-request.py" "$window"
sleep 2
kill -0 "$kiosk_pid" 2>/dev/null || fail "the kiosk exited after a close request"
xwininfo -id "$window" | grep -q IsViewable || fail "the window was hidden after a close request"
refused="$(grep -c 'close request refused' "$work/kiosk.log" || true)"
[[ "$refused" -ge 2 ]] || fail "the kiosk did not see the close requests (refused $refused of 2)"
echo "ok: survived $refused close requests (WM_DELETE_WINDOW twice, Alt+F4), still mapped"

mkdir -p "$(dirname "$shot")"
import -window root "$shot"
echo "ok: screenshot in $shot"
echo "xvfb-demo-check: 3 passed, 0 failed"
