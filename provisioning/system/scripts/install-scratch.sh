#!/bin/sh
# install-scratch.sh ROOT KIOSK_DEB PROVISION_DEB — install both packages with
# dpkg into an empty scratch root, maintainer scripts and all, and check what
# a wing PC would get: the kiosk user, its folders and modes, the units
# enabled for boot, Ctrl+Alt+Del and the tty1 login prompt masked; then purge
# the kiosk package and check the units go and the attendance data stays.
#
# dpkg runs the scripts with --force-script-chrootless and DPKG_ROOT=ROOT (the
# postinst passes --root to systemd-sysusers/-tmpfiles; deb-systemd-helper
# honours DPKG_ROOT), so the root needs no shell or libraries of its own and
# nothing on this machine is touched. Dependencies are not installed
# (--force-depends): they are checked by build-debs.sh. Must run as root.
set -eu

[ $# -eq 3 ] || { echo "usage: install-scratch.sh ROOT KIOSK_DEB PROVISION_DEB" >&2; exit 2; }
root=$1 kiosk_deb=$2 provision_deb=$3
fail() { printf 'install-scratch: %s\n' "$*" >&2; exit 1; }

case "$root" in /|"") fail "refusing to use '$root' as a scratch root" ;; esac
rm -rf "$root"
mkdir -p "$root/var/lib/dpkg/info" "$root/var/lib/dpkg/updates" "$root/etc" "$root/var/log"
: > "$root/var/lib/dpkg/status"
: > "$root/var/lib/dpkg/available"
# What a fresh Debian install has before our package (base-passwd's static ids).
printf 'root:x:0:0:root:/root:/bin/bash\n' > "$root/etc/passwd"
printf 'root:*:19000:0:99999:7:::\n' > "$root/etc/shadow"
printf 'root:x:0:\nvideo:x:44:\n' > "$root/etc/group"
printf 'root:*::\nvideo:*::\n' > "$root/etc/gshadow"
chmod 640 "$root/etc/shadow" "$root/etc/gshadow"

# dpkg's complaints about the (deliberately) missing dependencies are shown
# only if it fails.
dpkg() {
    out=$(DPKG_ROOT=$root command dpkg --root="$root" --force-script-chrootless --force-depends --log=/dev/null "$@" 2>&1) \
        || { printf '%s\n' "$out" >&2; fail "dpkg $* failed"; }
    printf '%s\n' "$out" | grep -v -e 'dependency problems' -e ' depends on ' -e 'is not installed' -e '^ *$' \
        -e 'not empty so not removed' -e '^Selecting\|^(Reading\|^Preparing\|^Unpacking\|^Setting up\|^Removing\|^Purging' >&2 || true
}
dpkg --install "$kiosk_deb" "$provision_deb"

for pkg in insideout-kiosk insideout-provision; do
    command dpkg --root="$root" --status "$pkg" | grep -qx 'Status: install ok installed' || fail "$pkg is not installed"
done

# The user: a system account, no login shell, home = the data folder.
entry=$(grep '^kiosk:' "$root/etc/passwd") || fail "no kiosk user in /etc/passwd"
uid=$(echo "$entry" | cut -d: -f3)
[ "$uid" -lt 1000 ] && [ "$uid" -gt 0 ] || fail "kiosk user is not a system user (uid $uid)"
[ "$(echo "$entry" | cut -d: -f6)" = /var/lib/insideout-kiosk ] || fail "kiosk home is not the data folder: $entry"
[ "$(echo "$entry" | cut -d: -f7)" = /usr/sbin/nologin ] || fail "kiosk user has a login shell: $entry"
gid=$(grep '^kiosk:' "$root/etc/group" | cut -d: -f3) || fail "no kiosk group"
for group in video render input audio; do
    grep "^$group:" "$root/etc/group" | cut -d: -f4 | tr ',' '\n' | grep -qx kiosk || fail "kiosk is not in group $group"
done
echo "user: $entry"

# The folders, with owner and mode.
check_dir() { # PATH MODE UID GID
    [ -d "$root$1" ] || fail "missing folder $1"
    got=$(stat -c '%a %u %g' "$root$1")
    [ "$got" = "$2 $3 $4" ] || fail "$1 is '$got' (mode uid gid), expected '$2 $3 $4'"
    echo "folder: $1 $got"
}
check_dir /var/lib/insideout-kiosk 700 "$uid" "$gid"
check_dir /media/insideout-usb 755 0 0
check_dir /media/insideout-export 755 0 0

# The files dpkg laid out.
for f in /usr/bin/insideout-kiosk /usr/bin/insideout-provision \
    /usr/libexec/insideout-kiosk/usb-mount /usr/libexec/insideout-kiosk/usb-export \
    /usr/libexec/insideout-kiosk/vt-lock; do
    [ -x "$root$f" ] || fail "$f is missing or not executable"
done
for f in /lib/systemd/system/insideout-kiosk.service /lib/systemd/system/insideout-kiosk-cage.service \
    /lib/systemd/system/insideout-usb-import@.service /lib/systemd/system/insideout-usb-export.path \
    /lib/systemd/system/insideout-usb-export.service /lib/udev/rules.d/70-insideout-usb.rules \
    /usr/lib/sysusers.d/insideout-kiosk.conf /usr/lib/tmpfiles.d/insideout-kiosk.conf \
    /usr/lib/systemd/logind.conf.d/insideout-kiosk.conf /usr/lib/sysctl.d/50-insideout-kiosk.conf \
    /etc/pam.d/insideout-kiosk-cage; do
    [ -f "$root$f" ] || fail "$f is missing"
done

# Enabled for boot: the linuxkms kiosk and the export watcher, not the cage
# alternative; Ctrl+Alt+Del masked.
wants=$root/etc/systemd/system/multi-user.target.wants
[ "$(readlink "$wants/insideout-kiosk.service")" = /lib/systemd/system/insideout-kiosk.service ] || fail "insideout-kiosk.service is not enabled"
[ "$(readlink "$wants/insideout-usb-export.path")" = /lib/systemd/system/insideout-usb-export.path ] || fail "insideout-usb-export.path is not enabled"
! ls "$root"/etc/systemd/system/*.wants/insideout-kiosk-cage.service >/dev/null 2>&1 || fail "the cage unit must not be enabled"
for masked in ctrl-alt-del.target getty@tty1.service; do
    [ "$(readlink "$root/etc/systemd/system/$masked")" = /dev/null ] || fail "$masked is not masked"
done
echo "units: insideout-kiosk.service and insideout-usb-export.path enabled; ctrl-alt-del.target and getty@tty1.service masked"

# The binaries run (with this machine's libraries).
"$root/usr/bin/insideout-provision" --version >/dev/null || fail "insideout-provision does not run"
"$root/usr/bin/insideout-kiosk" --version >/dev/null || fail "insideout-kiosk does not run"

# Purge: the units and the enablement go, the attendance data stays.
touch "$root/var/lib/insideout-kiosk/kiosk.db"
dpkg --purge insideout-kiosk
[ ! -e "$root/lib/systemd/system/insideout-kiosk.service" ] || fail "purge left the unit behind"
[ ! -e "$wants/insideout-kiosk.service" ] || fail "purge left the unit enabled"
for masked in ctrl-alt-del.target getty@tty1.service; do
    [ ! -e "$root/etc/systemd/system/$masked" ] || fail "purge left $masked masked"
done
[ -f "$root/var/lib/insideout-kiosk/kiosk.db" ] || fail "purge deleted the attendance data"
echo "purge: units removed, /var/lib/insideout-kiosk kept"

# Put the kiosk back so ROOT can be handed to check-units.sh.
dpkg --install "$kiosk_deb"
echo "install-scratch: OK ($root)"
