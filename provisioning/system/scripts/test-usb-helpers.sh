#!/bin/sh
# test-usb-helpers.sh — exercise the USB helpers (usb-mount, usb-export) on
# loop devices, in temporary folders, with `nobody` standing in for the kiosk
# user: read-only import mount with the right options, one stick at a time,
# non-FAT sticks refused, the export hand-shake (writable only while the
# export runs, then back to read-only; answers only in root's folder), the
# failure message with no stick, an earlier answer cleared before the next,
# and (issue 11) symlinks planted under every hand-shake name in both folders
# never leading root to write, truncate or move a file or folder they point at.
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
    INSIDEOUT_RUN_DIR="$work/run" INSIDEOUT_ANSWER_DIR="$work/answers" \
    INSIDEOUT_KIOSK_USER=nobody INSIDEOUT_USB_MOUNT="$libexec/usb-mount" \
    INSIDEOUT_EXPORT_TIMEOUT=20
mkdir -p "$work/usb" "$work/export"
# As under the units: the kiosk's RuntimeDirectory, and the helper's.
mkdir -m 0700 "$work/run" && chown nobody: "$work/run"
mkdir -m 0755 "$work/answers"
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


# The export hand-shake, playing the kiosk's part as the kiosk user does: its
# own folder (0700, like its RuntimeDirectory), answers in root's folder.
as_kiosk() { runuser -u nobody -- "$@"; }
kiosk_touch() { as_kiosk touch "$work/run/$1"; }
helper_log=$work/export.log
start_export() { # start_export: the path unit's part; $helper is the helper's pid
    "$libexec/usb-export" 2>>"$helper_log" &
    helper=$!
}
"$libexec/usb-mount" import "$fat"
kiosk_touch export-request
start_export
wait_for 10 test -e "$work/answers/export-ready" || fail "no export-ready; log: $(cat "$helper_log")"
[ "$(cat "$work/answers/export-ready")" = "$work/export" ] || fail "export-ready names '$(cat "$work/answers/export-ready")'"
[ "$(stat -c '%a %U' "$work/answers/export-ready")" = "644 root" ] || fail "export-ready is $(stat -c '%a %U' "$work/answers/export-ready")"
as_kiosk cat "$work/answers/export-ready" >/dev/null || fail "the kiosk user cannot read export-ready"
has_options "$work/export" rw nosuid nodev noexec $owner || fail "export mount options are '$(options "$work/export")'"
! mountpoint -q "$work/usb" || fail "the stick is still mounted for import during the export"
as_kiosk sh -c "mkdir '$work/export/bundle' && echo rows > '$work/export/bundle/attendance.csv'" \
    || fail "the kiosk user cannot write to the export mount"
pass "export mount writable by the kiosk user: $(options "$work/export")"
kiosk_touch export-done
wait_for 15 test ! -e "$work/run/export-request" || fail "the helper did not finish; log: $(cat "$helper_log")"
wait "$helper" || fail "usb-export failed; log: $(cat "$helper_log")"
! mountpoint -q "$work/export" || fail "the export mount is still there"
has_options "$work/usb" ro nosuid nodev noexec || fail "the stick was not put back read-only"
[ "$(cat "$work/usb/bundle/attendance.csv")" = rows ] || fail "the exported file is not on the stick"
[ -z "$(ls -A "$work/run" "$work/answers" | grep -v ':$' | grep .)" ] || fail "hand-shake files left behind: $(ls -A "$work/run" "$work/answers")"
pass "after the export: unmounted, back read-only, file on the stick, hand-shake cleared"

# The kiosk goes away mid-export (restart: its RuntimeDirectory is removed).
kiosk_touch export-request
start_export
wait_for 10 test -e "$work/answers/export-ready" || fail "no export-ready; log: $(cat "$helper_log")"
rm -rf "$work/run"
wait "$helper" || fail "usb-export failed; log: $(cat "$helper_log")"
! mountpoint -q "$work/export" || fail "the export mount outlived the kiosk"
has_options "$work/usb" ro nosuid nodev noexec || fail "the stick was not put back read-only"
[ ! -e "$work/answers/export-ready" ] || fail "export-ready outlived the round"
pass "kiosk gone mid-export: unmounted and back read-only"
mkdir -m 0700 "$work/run" && chown nobody: "$work/run"

"$libexec/usb-mount" release "$fat"
kiosk_touch export-request
"$libexec/usb-export" 2>>"$helper_log"
grep -q '^No USB stick found' "$work/answers/export-failed" || fail "export-failed says '$(cat "$work/answers/export-failed" 2>/dev/null)'"
[ ! -e "$work/run/export-request" ] || fail "the request was left behind"
pass "no stick: export-failed says: $(cat "$work/answers/export-failed")"

# An earlier round's answer never survives the start of the next round.
"$libexec/usb-mount" import "$fat"
kiosk_touch export-request
start_export
wait_for 10 test -e "$work/answers/export-ready" || fail "no export-ready; log: $(cat "$helper_log")"
[ ! -e "$work/answers/export-failed" ] || fail "the earlier export-failed is still there next to export-ready"
kiosk_touch export-done
wait "$helper" || fail "usb-export failed; log: $(cat "$helper_log")"
pass "the earlier round's export-failed is removed before the next answer"

# Issue 11: symlinks the kiosk user plants (or that are left in root's folder)
# under every name the helper writes or removes, in both folders, the old
# protocol's temporary names included, pointing at a root-only file and at a
# root-only folder. Whatever the round does, neither may change.
echo "root's secret" > "$work/sentinel"
chmod 600 "$work/sentinel"
mkdir -m 700 "$work/sentinel-dir"
sentinel_state() { stat -c '%s %Y %Z %i %a %U' "$work/sentinel"; cat "$work/sentinel"; ls -A "$work/sentinel-dir"; stat -c '%Y %Z' "$work/sentinel-dir"; }
before=$(sentinel_state)
names="export-request export-done export-ready export-failed export-request.tmp export-done.tmp export-ready.tmp export-failed.tmp"
plant() { # plant TARGET: every name in both folders links to TARGET
    for name in $names; do
        [ "$name" = export-request ] && continue
        as_kiosk ln -sfn "$1" "$work/run/$name"
        ln -sfn "$1" "$work/answers/$name"
    done
}
attacked() { # attacked WHAT: the sentinels are as they were
    [ "$(sentinel_state)" = "$before" ] || fail "$1: the sentinel changed: $(sentinel_state)"
}
for target in "$work/sentinel" "$work/sentinel-dir"; do
    # A round that fails (no stick), with export-request itself a link.
    "$libexec/usb-mount" release "$fat"
    plant "$target"
    as_kiosk ln -sfn "$target" "$work/run/export-request"
    "$libexec/usb-export" 2>>"$helper_log" || fail "usb-export failed; log: $(cat "$helper_log")"
    attacked "a refused round, links to $target"
    [ -f "$work/answers/export-failed" ] && [ ! -L "$work/answers/export-failed" ] || fail "export-failed is not a plain file"
    grep -q '^No USB stick found' "$work/answers/export-failed" || fail "export-failed says '$(cat "$work/answers/export-failed")'"
    [ ! -L "$work/run/export-request" ] && [ ! -L "$work/run/export-done" ] || fail "the planted request or done link was left"
    # A round that succeeds; export-done planted as a link ends it at once.
    "$libexec/usb-mount" import "$fat"
    plant "$target"
    as_kiosk rm -f "$work/run/export-done"
    kiosk_touch export-request
    start_export
    wait_for 10 test -f "$work/answers/export-ready" -a ! -L "$work/answers/export-ready" \
        || fail "no plain export-ready; log: $(cat "$helper_log")"
    attacked "an export round, links to $target"
    as_kiosk ln -sfn "$target" "$work/run/export-done"
    wait "$helper" || fail "usb-export failed; log: $(cat "$helper_log")"
    attacked "an export round's end, links to $target"
    has_options "$work/usb" ro nosuid nodev noexec || fail "the stick was not put back read-only"
    # The answers themselves were replaced by plain files, the links removed.
    [ ! -L "$work/answers/export-ready" ] && [ ! -L "$work/answers/export-failed" ] || fail "an answer link was left"
    as_kiosk rm -f "$work/run/"*
done
pass "links planted under every hand-shake name in both folders: the sentinel file and folder are unchanged"
echo "test-usb-helpers: OK"
