#!/bin/sh
# check-units.sh [ROOT] — check the kiosk's systemd units offline:
#   1. `systemd-analyze verify` on every unit: no warning at all, and every
#      command a unit runs exists in the root;
#   2. `systemd-analyze security --offline` on the two kiosk services: the
#      linuxkms service must score 1.9 or lower (SAFE), the cage one 4.9 or
#      lower (OK); both scores are printed;
#   3. the udev rule loads without a complaint (`udevadm test`).
#
# ROOT is a scratch root with the .deb installed (install-scratch.sh); without
# it the units, helpers and stub binaries are laid out from this source tree.
# Either way the checks run in a temporary copy with the host's standard units
# (sysinit.target and friends) added, and a stub /usr/bin/cage (cage is only
# suggested by the package). Needs: root, systemd (systemd-analyze, v250 or
# later) and udev (udevadm).
set -eu

here=$(cd "$(dirname "$0")" && pwd)
system=$(cd "$here/.." && pwd)
fail() { printf 'check-units: %s\n' "$*" >&2; exit 1; }

work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
root=$work/root
units=$root/lib/systemd/system
mkdir -p "$units" "$root/usr/bin" "$root/usr/libexec/insideout-kiosk"

if [ $# -ge 1 ]; then
    [ -f "$1/lib/systemd/system/insideout-kiosk.service" ] || fail "$1 has no insideout-kiosk.service; run install-scratch.sh first"
    cp -a "$1/." "$root/"
else
    cp "$system"/systemd/* "$units/"
    cp "$system"/libexec/* "$root/usr/libexec/insideout-kiosk/"
    printf '#!/bin/sh\nexit 0\n' > "$root/usr/bin/insideout-kiosk"
fi
[ -e "$root/usr/bin/cage" ] || printf '#!/bin/sh\nexit 0\n' > "$root/usr/bin/cage"
chmod 755 "$root/usr/bin/"*
cp -an /lib/systemd/system/. "$units/" 2>/dev/null || true

ours="insideout-kiosk.service insideout-kiosk-cage.service insideout-usb-export.path insideout-usb-export.service insideout-usb-import@sdb1.service"
for unit in $ours; do
    file=$units/$unit
    case "$unit" in *@?*) file=$units/${unit%%@*}@.${unit##*.} ;; esac
    [ -f "$file" ] || fail "missing unit file $(basename "$file")"
    # verify exits 0 on some warnings (unknown keys, bad values): any output fails.
    if ! report=$(cd "$work" && systemd-analyze verify --man=no --root="$root" "$unit" 2>&1) || [ -n "$report" ]; then
        fail "systemd-analyze verify $unit:
$report"
    fi
    echo "verify $unit: OK"
done

score() { # score UNIT MAX_TIMES_10 -> prints the exposure line, fails above MAX
    out=$(systemd-analyze security --offline=yes --root="$root" --no-pager --threshold="$2" "$1" 2>&1) \
        || fail "systemd-analyze security $1 is above $2/10:
$out"
    printf '%s\n' "$out" | grep 'Overall exposure level'
}
score insideout-kiosk.service 19
score insideout-kiosk-cage.service 49

# The udev rule: udev (v252) has no offline `udevadm verify`, so load it
# briefly from /run/udev/rules.d with `udevadm test` (which reads every rule
# file and changes nothing) and fail on any complaint about it.
if command -v udevadm >/dev/null && [ "$(id -u)" = 0 ]; then
    rule=/run/udev/rules.d/70-insideout-usb-check-$$.rules
    mkdir -p /run/udev/rules.d
    cp "$system/udev/70-insideout-usb.rules" "$rule"
    log=$(udevadm test /sys/class/mem/null 2>&1 || true)
    rm -f "$rule"
    printf '%s\n' "$log" | grep -q "Reading rules file: $rule" || fail "udevadm test did not read the rule"
    if printf '%s\n' "$log" | grep "$rule" | grep -v "Reading rules file"; then
        fail "udevadm complains about 70-insideout-usb.rules (above)"
    fi
    echo "udev rule 70-insideout-usb.rules: OK"
else
    fail "udevadm (package udev) is needed, as root, to check the udev rule"
fi
echo "check-units: OK"
