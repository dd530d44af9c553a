#!/bin/sh
# check-units.sh [ROOT] — check the kiosk's systemd units offline:
#   1. `systemd-analyze verify` on every unit: no warning at all, and every
#      command a unit runs exists in the root;
#   2. `systemd-analyze security --offline` on every service, each held to
#      a ceiling just above what it scores now (README.md has the scores), so
#      any loosening fails: the linuxkms kiosk 0.7, the cage kiosk 1.3, and the
#      two root USB helpers, which cannot have a mount namespace of their own
#      (their mounts must reach the kiosk), the export one 3.2 and the import
#      one 3.0; every score is printed, and every failing one reported. A
#      single small setting can move a score by less than 0.1, so each unit
#      is also held to the number of checks it fails (✗) now;
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

too_exposed=""
score() { # score UNIT MAX_TIMES_10 MAX_UNMET: prints the exposure line; notes UNIT if above either
    if out=$(systemd-analyze security --offline=yes --root="$root" --no-pager --threshold="$2" "$1" 2>&1); then
        unmet=$(printf '%s\n' "$out" | grep -c '^✗' || true)
        printf '%s (%s checks not met)\n' "$(printf '%s\n' "$out" | grep 'Overall exposure level')" "$unmet"
        [ "$unmet" -le "$3" ] && return 0
        printf '%s\n' "$out" >&2
        echo "check-units: $1 fails $unmet checks, more than the $3 it failed before (report above)" >&2
    else
        printf '%s\n' "$out" >&2
        echo "check-units: $1 is above its ceiling of $(($2 / 10)).$(($2 % 10)) (report above)" >&2
    fi
    too_exposed="$too_exposed $1"
}
score insideout-kiosk.service 7 7
score insideout-kiosk-cage.service 13 12
score insideout-usb-export.service 32 19
score insideout-usb-import@sdb1.service 30 18
[ -z "$too_exposed" ] || fail "above the security ceiling:$too_exposed"

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
