#!/bin/sh
# build-debs.sh [OUT_DIR] — build the insideout-kiosk and insideout-provision
# .debs with cargo-deb, then check with dpkg-deb that each holds exactly the
# files the wing needs, with the right modes, scripts and dependencies.
#
#   PROFILE=release (default) or dev: the cargo profile to package. CI uses
#   release; dev is quicker for a local check of the layout.
#
# Needs: cargo-deb (cargo install cargo-deb --locked), dpkg-dev, and for the
# kiosk's linuxkms build libudev-dev, libinput-dev, libxkbcommon-dev.
# Prints the two .deb paths on its last two lines.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../../.." && pwd)
out=${1:-${CARGO_TARGET_DIR:-$repo/target}/debian}
profile=${PROFILE:-release}

fail() { printf 'build-debs: %s\n' "$*" >&2; exit 1; }

mkdir -p "$out"
cd "$repo"
build() { # build CRATE -> prints the .deb path
    cargo deb -p "$1" --profile "$profile" --no-dbgsym -o "$out" | tail -n 1
}
kiosk_deb=$(build kiosk)
provision_deb=$(build provisioning)
[ -f "$kiosk_deb" ] || fail "cargo deb did not make the kiosk package (got '$kiosk_deb')"
[ -f "$provision_deb" ] || fail "cargo deb did not make the provisioning package (got '$provision_deb')"

# check_contents DEB EXPECTED_LIST ALLOWED_PREFIXES: every expected
# "mode path" is present, and nothing lies outside the allowed prefixes.
check_contents() {
    deb=$1 expected=$2 allowed=$3
    listing=$(dpkg-deb --contents "$deb")
    printf '%s\n' "$expected" | while read -r mode path; do
        [ -n "$path" ] || continue
        printf '%s\n' "$listing" | awk -v m="$mode" -v p="$path" '$1 == m && $6 == p { found = 1 } END { exit !found }' \
            || fail "$(basename "$deb"): missing $mode $path"
    done
    printf '%s\n' "$listing" | awk '{ print $6 }' | while read -r path; do
        ok=no
        for prefix in $allowed; do
            case "$path" in "$prefix"*) ok=yes ;; esac
        done
        [ "$ok" = yes ] || fail "$(basename "$deb"): unexpected file $path"
    done
}

check_contents "$kiosk_deb" "
-rwxr-xr-x ./usr/bin/insideout-kiosk
-rw-r--r-- ./lib/systemd/system/insideout-kiosk.service
-rw-r--r-- ./lib/systemd/system/insideout-kiosk-cage.service
-rw-r--r-- ./lib/systemd/system/insideout-usb-import@.service
-rw-r--r-- ./lib/systemd/system/insideout-usb-export.path
-rw-r--r-- ./lib/systemd/system/insideout-usb-export.service
-rw-r--r-- ./lib/udev/rules.d/70-insideout-usb.rules
-rw-r--r-- ./usr/lib/sysusers.d/insideout-kiosk.conf
-rw-r--r-- ./usr/lib/tmpfiles.d/insideout-kiosk.conf
-rw-r--r-- ./usr/lib/systemd/logind.conf.d/insideout-kiosk.conf
-rw-r--r-- ./usr/lib/sysctl.d/50-insideout-kiosk.conf
-rw-r--r-- ./etc/pam.d/insideout-kiosk-cage
-rwxr-xr-x ./usr/libexec/insideout-kiosk/usb-mount
-rwxr-xr-x ./usr/libexec/insideout-kiosk/usb-export
-rwxr-xr-x ./usr/libexec/insideout-kiosk/vt-lock
-rw-r--r-- ./usr/share/doc/insideout-kiosk/operator-guide.md
-rw-r--r-- ./usr/share/doc/insideout-kiosk/copyright
" "./ ./usr/ ./lib/ ./etc/ ./usr/bin/insideout-kiosk ./lib/systemd/ ./lib/udev/ ./usr/lib/ ./usr/libexec/ ./usr/share/ ./etc/pam.d/"

check_contents "$provision_deb" "
-rwxr-xr-x ./usr/bin/insideout-provision
-rw-r--r-- ./usr/share/doc/insideout-provision/operator-guide.md
-rw-r--r-- ./usr/share/doc/insideout-provision/copyright
" "./ ./usr/ ./usr/bin/insideout-provision ./usr/share/"

# Control data: the maintainer scripts, and the dependencies the unit needs at
# run time (fonts: Slint panics without a system font; libinput/libudev: the
# linuxkms build).
for script in postinst prerm postrm; do
    dpkg-deb --info "$kiosk_deb" | grep -q " $script\$\| $script " || fail "kiosk package has no $script"
done
depends=$(dpkg-deb --field "$kiosk_deb" Depends)
for dep in fonts-dejavu-core systemd udev libinput10 libudev1 libxkbcommon0; do
    printf '%s\n' "$depends" | grep -q "\\b$dep\\b" || fail "kiosk package does not depend on $dep (Depends: $depends)"
done
[ "$(dpkg-deb --field "$kiosk_deb" Package)" = insideout-kiosk ] || fail "kiosk package has the wrong name"
[ "$(dpkg-deb --field "$provision_deb" Package)" = insideout-provision ] || fail "provisioning package has the wrong name"

echo "build-debs: contents OK" >&2
echo "$kiosk_deb"
echo "$provision_deb"
