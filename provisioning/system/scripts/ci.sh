#!/bin/sh
# ci.sh — every lock-down check, in order, as CI runs them (issue 6):
#   build-debs.sh       both .debs build; dpkg-deb --contents lists what it should
#   install-scratch.sh  dpkg installs them into a scratch root: user, folders, units
#   check-units.sh      systemd-analyze verify + security (score printed), udev rule
#   test-in-container.sh the unit for real under systemd in an nspawn container:
#                       sandbox, USB mount propagation, export hand-shake, watchdog
#   test-usb-helpers.sh the USB mount helpers on loop devices
#   no_network test     the packaged binaries, headless, never open a socket
#
#   PROFILE=release (default) or dev (quicker, for a local run).
# Needs root. Debian packages: systemd systemd-container udev strace util-linux
# dpkg-dev dosfstools e2fsprogs libudev-dev libinput-dev libxkbcommon-dev (plus the
# workspace's own: pkg-config libfontconfig1-dev fonts-dejavu-core), and
# cargo-deb (cargo install cargo-deb --locked).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

debs=$(sh "$here/build-debs.sh" "$work/debs")
kiosk_deb=$(printf '%s\n' "$debs" | tail -n 2 | head -n 1)
provision_deb=$(printf '%s\n' "$debs" | tail -n 1)
sh "$here/install-scratch.sh" "$work/root" "$kiosk_deb" "$provision_deb"
sh "$here/check-units.sh" "$work/root"
sh "$here/test-in-container.sh" "$kiosk_deb" "$provision_deb"
sh "$here/test-usb-helpers.sh"
cd "$repo"
INSIDEOUT_BIN_DIR="$work/root/usr/bin" cargo test -p tests --test no_network
echo "lock-down checks: OK"
