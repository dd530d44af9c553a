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
# insideout-usb-export.path. Then the two root USB helpers under their real,
# hardened units with a real stick (a loop device bound into the container):
# the import helper's read-only mount and the export helper's writable one
# reach the kiosk's sandbox, the export helper runs in PID 1's mount
# namespace, its answers come from its own root-owned folder, and symlinks
# the probe plants under every hand-shake name (issue 11) leave the root-only
# file they point at unchanged. Then the watchdog: a stand-in that stops
# pinging must be killed and restarted. The probe speaks sd_notify with the
# code proposed for the app, so that code is tested under the unit's filters too.
#
# Needs root, systemd-container (systemd-nspawn), overlayfs, rustc, a free
# loop device, and mkfs.vfat (dosfstools) or, if the kernel has no vfat,
# mkfs.ext4 (e2fsprogs).
set -eu

[ $# -eq 2 ] || { echo "usage: test-in-container.sh KIOSK_DEB PROVISION_DEB" >&2; exit 2; }
here=$(cd "$(dirname "$0")" && pwd)
fail() { printf 'test-in-container: %s\n' "$*" >&2; exit 1; }

work=$(mktemp -d)
loop=""
cleanup() {
    umount "$work/merged" 2>/dev/null || umount -l "$work/merged" 2>/dev/null || true
    umount "$work/stick" 2>/dev/null || true
    [ -z "$loop" ] || losetup -d "$loop" 2>/dev/null || true
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

# The stick: FAT if this kernel has it, else ext4 with a folder anyone may
# write to (FAT's uid= option is what makes it the kiosk's on a wing PC).
dd if=/dev/zero of="$work/stick.img" bs=1M count=16 status=none
if grep -qw vfat /proc/filesystems; then
    stick_fs=vfat
    mkfs.vfat -n TESTSTICK "$work/stick.img" >/dev/null
else
    stick_fs=ext4
    mkfs.ext4 -q "$work/stick.img"
fi
loop=$(losetup --find --show "$work/stick.img")
mkdir "$work/stick"
mount "$loop" "$work/stick"
touch "$work/stick/stick-marker"
[ "$stick_fs" = vfat ] || chmod 0777 "$work/stick"
umount "$work/stick"
mkdir -p "$work/upper/etc/systemd/system/kiosk-test.service.d"
printf '[Service]\nEnvironment=STICK=%s STICK_FS=%s\n' "${loop#/dev/}" "$stick_fs" \
    > "$work/upper/etc/systemd/system/kiosk-test.service.d/stick.conf"

mount -t overlay overlay -o "lowerdir=/,upperdir=$work/upper,workdir=$work/overlay-work" "$work/merged"
timeout 300 systemd-nspawn --quiet --keep-unit --register=no --link-journal=no \
    --directory="$work/merged" --boot --private-network \
    --bind-ro="$work/debs:/debs" --bind="$work/results:/results" --bind="$loop" \
    > "$work/nspawn.log" 2>&1 || true

[ -f "$work/results/log.txt" ] || { tail -30 "$work/nspawn.log" >&2; fail "the test never ran in the container"; }
cat "$work/results/log.txt"
grep -qx 'RESULT: OK' "$work/results/log.txt" || fail "FAILED (log above)"
echo "test-in-container: OK"
