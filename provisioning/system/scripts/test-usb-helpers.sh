#!/bin/sh
# test-usb-helpers.sh — exercise the USB helpers (usb-mount, usb-export) on
# loop devices, in temporary folders, with `nobody` standing in for the kiosk
# user: read-only import mount with the right options, one stick at a time,
# non-FAT sticks refused, the export hand-shake (writable only while the
# export runs, then back to read-only), and the failure message with no stick.
#
# Needs root, loop devices, and dosfstools + e2fsprogs (mkfs.vfat, mkfs.ext4).
# If the kernel has no vfat driver (some CI virtual machines), the sticks are
# ext4 instead, allowed through the test-only INSIDEOUT_USB_FSTYPES, and the
# FAT-only uid/gid/fmask options are not exercised; the script says so.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
libexec=$(cd "$here/../libexec" && pwd)
fail() { printf 'test-usb-helpers: FAIL: %s\n' "$*" >&2; exit 1; }
pass() { printf 'test-usb-helpers: ok: %s\n' "$*"; }

work=$(mktemp -d)
chmod 755 "$work"  # the stand-in kiosk user must reach the mounts
loops=""
cleanup() {
    for dir in "$work/usb" "$work/export"; do umount -l "$dir" 2>/dev/null || true; done
    for loop in $loops; do losetup -d "$loop" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT

export INSIDEOUT_IMPORT_DIR="$work/usb" INSIDEOUT_EXPORT_DIR="$work/export" \
    INSIDEOUT_RUN_DIR="$work/run" INSIDEOUT_KIOSK_USER=nobody \
    INSIDEOUT_USB_MOUNT="$libexec/usb-mount" INSIDEOUT_EXPORT_TIMEOUT=20
mkdir -p "$work/usb" "$work/export" "$work/run"
uid=$(id -u nobody)
gid=$(id -g nobody)
if grep -qw vfat /proc/filesystems || modprobe -q vfat 2>/dev/null; then
    fs=vfat owner="uid=$uid"
else
    fs=ext4 owner=""
    export INSIDEOUT_USB_FSTYPES="vfat exfat ext4"
    echo "test-usb-helpers: this kernel has no vfat: sticks are ext4 (uid/gid/fmask options not exercised)"
fi

stick() { # stick FSTYPE -> prints a loop device holding a fresh filesystem
    # (the caller adds it to $loops: this runs in a subshell)
    img=$work/$1-$(date +%s%N).img
    dd if=/dev/zero of="$img" bs=1M count=16 status=none
    case "$1" in
        vfat) mkfs.vfat -n TESTSTICK "$img" >/dev/null ;;
        ext4) mkfs.ext4 -q -E root_owner="$uid:$gid" "$img" ;;
        ext2) mkfs.ext2 -q "$img" ;;
    esac
    losetup --find --show "$img"
}
options() { findmnt -n -o OPTIONS --mountpoint "$1" || true; }
has_options() { # has_options DIR OPT… : every OPT is among DIR's mount options
    opts=",$(options "$1"),"
    shift
    for opt in "$@"; do
        case "$opts" in *",$opt,"*) ;; *) return 1 ;; esac
    done
}
wait_for() { # wait_for SECONDS TEST…
    n=$1; shift
    while ! "$@"; do
        n=$((n - 1)); [ "$n" -gt 0 ] || return 1
        sleep 1
    done
}

fat=$(stick $fs)
loops="$loops $fat"
"$libexec/usb-mount" import "$fat"
has_options "$work/usb" ro nosuid nodev noexec $owner || fail "import mount options are '$(options "$work/usb")'"
! touch "$work/usb/x" 2>/dev/null || fail "the import mount is writable"
pass "$fs stick mounted read-only: $(options "$work/usb")"

second=$(stick $fs)
loops="$loops $second"
! "$libexec/usb-mount" import "$second" 2>/dev/null || fail "a second stick was mounted"
[ "$(findmnt -n -o SOURCE --mountpoint "$work/usb")" = "$fat" ] || fail "the second stick replaced the first"
pass "second stick refused while one is in use"

other=$(stick ext2)
loops="$loops $other"
"$libexec/usb-mount" release "$fat"
! mountpoint -q "$work/usb" || fail "release did not unmount"
! "$libexec/usb-mount" import "$other" 2>/dev/null || fail "an ext2 stick was mounted"
! mountpoint -q "$work/usb" || fail "an ext2 stick was mounted"
pass "release unmounts; a stick of another filesystem (ext2) is refused"

# The export hand-shake, playing the kiosk's part.
"$libexec/usb-mount" import "$fat"
touch "$work/run/export-request"
"$libexec/usb-export" 2>"$work/export.log" &
helper=$!
wait_for 10 test -e "$work/run/export-ready" || fail "no export-ready; log: $(cat "$work/export.log")"
[ "$(cat "$work/run/export-ready")" = "$work/export" ] || fail "export-ready names '$(cat "$work/run/export-ready")'"
has_options "$work/export" rw nosuid nodev noexec $owner || fail "export mount options are '$(options "$work/export")'"
! mountpoint -q "$work/usb" || fail "the stick is still mounted for import during the export"
runuser -u nobody -- sh -c "mkdir '$work/export/bundle' && echo rows > '$work/export/bundle/attendance.csv'" \
    || fail "the kiosk user cannot write to the export mount"
pass "export mount writable by the kiosk user: $(options "$work/export")"
touch "$work/run/export-done"
wait_for 15 test ! -e "$work/run/export-request" || fail "the helper did not finish; log: $(cat "$work/export.log")"
wait "$helper" || fail "usb-export failed; log: $(cat "$work/export.log")"
! mountpoint -q "$work/export" || fail "the export mount is still there"
has_options "$work/usb" ro nosuid nodev noexec || fail "the stick was not put back read-only"
[ "$(cat "$work/usb/bundle/attendance.csv")" = rows ] || fail "the exported file is not on the stick"
[ ! -e "$work/run/export-ready" ] && [ ! -e "$work/run/export-done" ] || fail "hand-shake files left behind"
pass "after the export: unmounted, back read-only, file on the stick, hand-shake cleared"

# The kiosk goes away mid-export (restart: its RuntimeDirectory is removed).
touch "$work/run/export-request"
"$libexec/usb-export" 2>>"$work/export.log" &
helper=$!
wait_for 10 test -e "$work/run/export-ready" || fail "no export-ready; log: $(cat "$work/export.log")"
rm -f "$work/run/export-request" "$work/run/export-ready"
wait "$helper" || fail "usb-export failed; log: $(cat "$work/export.log")"
! mountpoint -q "$work/export" || fail "the export mount outlived the kiosk"
has_options "$work/usb" ro nosuid nodev noexec || fail "the stick was not put back read-only"
pass "kiosk gone mid-export: unmounted and back read-only"

"$libexec/usb-mount" release "$fat"
touch "$work/run/export-request"
"$libexec/usb-export" 2>/dev/null
grep -q '^No USB stick found' "$work/run/export-failed" || fail "export-failed says '$(cat "$work/run/export-failed" 2>/dev/null)'"
[ ! -e "$work/run/export-request" ] || fail "the request was left behind"
pass "no stick: export-failed says: $(cat "$work/run/export-failed")"
echo "test-usb-helpers: OK"
