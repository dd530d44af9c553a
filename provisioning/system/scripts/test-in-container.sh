#!/bin/sh
# test-in-container.sh KIOSK_DEB PROVISION_DEB — run the kiosk's systemd unit
# for real. Boots this machine's own Debian userland (systemd 252) in a
# systemd-nspawn container on a throw-away overlay (nothing on this machine
# changes), installs the two .debs with dpkg, and starts
# insideout-kiosk.service with a stand-in binary (container/kiosk-probe.rs,
# which needs no screen) that checks, from inside the sandbox: unprivileged
# user, no AF_INET/AF_INET6, read-only system, writable data folder, hidden
# /root and processes, USB mounts made later on the host showing through
# (import read-only, export writable), and the export hand-shake with
# insideout-usb-export.path. Then the watchdog: a stand-in that stops pinging
# must be killed and restarted. The probe speaks sd_notify with the code
# proposed for the app, so that code is tested under the unit's filters too.
#
# Needs root, systemd-container (systemd-nspawn), overlayfs, rustc.
set -eu

[ $# -eq 2 ] || { echo "usage: test-in-container.sh KIOSK_DEB PROVISION_DEB" >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)
fail() { printf 'test-in-container: %s\n' "$*" >&2; exit 1; }

work=$(mktemp -d)
cleanup() {
    umount "$work/merged" 2>/dev/null || umount -l "$work/merged" 2>/dev/null || true
    rm -rf "$work"
}
trap cleanup EXIT
mkdir -p "$work/upper/usr/local/bin" "$work/upper/etc/systemd/system/multi-user.target.wants" \
    "$work/overlay-work" "$work/merged" "$work/results" "$work/debs"
cp "$1" "$2" "$work/debs/"

rustc --edition 2021 -O -o "$work/upper/usr/local/bin/kiosk-probe" "$here/container/kiosk-probe.rs"
cp "$here/container/inside.sh" "$work/upper/usr/local/bin/kiosk-test.sh"
cat > "$work/upper/etc/systemd/system/kiosk-test.service" <<'UNIT'
[Unit]
Description=InsideOut kiosk lock-down test
After=multi-user.target
[Service]
Type=oneshot
ExecStart=/usr/local/bin/kiosk-test.sh
UNIT
ln -s /etc/systemd/system/kiosk-test.service "$work/upper/etc/systemd/system/multi-user.target.wants/"

mount -t overlay overlay -o "lowerdir=/,upperdir=$work/upper,workdir=$work/overlay-work" "$work/merged"
timeout 300 systemd-nspawn --quiet --keep-unit --register=no --link-journal=no \
    --directory="$work/merged" --boot --private-network \
    --bind-ro="$work/debs:/debs" --bind="$work/results:/results" \
    > "$work/nspawn.log" 2>&1 || true

[ -f "$work/results/log.txt" ] || { tail -30 "$work/nspawn.log" >&2; fail "the test never ran in the container"; }
cat "$work/results/log.txt"
grep -qx 'RESULT: OK' "$work/results/log.txt" || fail "FAILED (log above)"
echo "test-in-container: OK"
