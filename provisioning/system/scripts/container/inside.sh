#!/bin/sh
# Runs inside the container booted by test-in-container.sh (as a oneshot unit
# at the end of boot); writes everything to /results/log.txt and powers off.
exec > /results/log.txt 2>&1
set -u

failures=0
fail() { echo "INSIDE FAIL: $*"; failures=$((failures + 1)); }
journal() { journalctl -u insideout-kiosk.service --no-pager -o cat; }
wait_log() { # wait_log PATTERN SECONDS
    n=$2
    while ! journal | grep -q "$1"; do
        n=$((n - 1)); [ "$n" -gt 0 ] || return 1
        sleep 1
    done
}

echo "== install"
dpkg -i --force-depends /debs/*.deb || fail "dpkg -i"
id kiosk || fail "no kiosk user"
systemctl is-enabled insideout-kiosk.service insideout-usb-export.path getty@tty1.service ctrl-alt-del.target

echo "== the USB helpers, for a real stick (/dev/$STICK, $STICK_FS)"
# What the kiosk user's planted links point at (issue 11): must not change.
echo "root's secret" > /etc/insideout-sentinel
chmod 600 /etc/insideout-sentinel
sentinel=$(stat -c '%s %Y %i %a' /etc/insideout-sentinel; sha256sum < /etc/insideout-sentinel)
mkdir -p -m 0755 /run/kiosk-test
# No udev in the container, so no device unit to bind to: a copy of the import
# unit without the binding, its sandbox untouched. The drop-ins only let the
# helpers open the loop device standing in for the USB disk (and, when the
# kernel has no vfat, mount ext4); they take nothing away.
sed -e '/^BindsTo=dev-/d' -e '/^After=dev-/d' /lib/systemd/system/insideout-usb-import@.service \
    > /etc/systemd/system/insideout-usb-import-probe@.service
for unit in insideout-usb-import-probe@.service insideout-usb-export.service; do
    mkdir -p "/etc/systemd/system/$unit.d"
    {
        echo '[Service]'
        case "$unit" in *import*) echo 'DeviceAllow=block-loop r' ;; *) echo 'DeviceAllow=block-loop rw' ;; esac
        [ "$STICK_FS" = vfat ] || echo 'Environment="INSIDEOUT_USB_FSTYPES=vfat exfat ext4"'
    } > "/etc/systemd/system/$unit.d/probe.conf"
done
systemctl daemon-reload
if systemd-run --wait -q -p DevicePolicy=closed head -c 1 "/dev/$STICK" >/dev/null 2>&1; then
    echo "note: this container does not enforce DevicePolicy (the helpers' DeviceAllow is not exercised)"
else
    echo "DevicePolicy is enforced here: the helpers open the stick through their DeviceAllow"
fi

echo "== the unit, with the probe as the kiosk"
echo 'site = "probe"' > /var/lib/insideout-kiosk/kiosk.toml
mkdir -p /etc/systemd/system/insideout-kiosk.service.d
printf '[Service]\nExecStart=\nExecStart=/usr/local/bin/kiosk-probe\n' \
    > /etc/systemd/system/insideout-kiosk.service.d/probe.conf
systemctl daemon-reload
# Type=notify: start returns only once the probe has sent READY=1.
timeout 30 systemctl start insideout-kiosk.service || fail "the service did not become ready"
systemctl show -p ActiveState,SubState,User,NRestarts insideout-kiosk.service

echo "== USB mounts made on the host after the kiosk started"
mount -t tmpfs -o size=1m,mode=0755 usb /media/insideout-usb
touch /media/insideout-usb/host-marker
mount -o remount,ro,noexec,nosuid,nodev /media/insideout-usb
wait_log "import mount read-only" 40 || fail "the probe did not check the import mount"
umount /media/insideout-usb
mount -t tmpfs -o size=1m,mode=0777,noexec,nosuid,nodev export /media/insideout-export
touch /media/insideout-export/host-marker
wait_log "export mount writable" 40 || fail "the probe did not check the export mount"
[ -f /media/insideout-export/from-kiosk ] || fail "the kiosk's file did not reach the host's export mount"
wait_log "PROBE INFO waiting for a stick" 40 || fail "the probe did not do the first export hand-shake"
umount /media/insideout-export

echo "== the helpers' own mounts, for real"
systemctl start "insideout-usb-import-probe@$STICK.service" || fail "the import helper failed"
findmnt -n -o SOURCE,OPTIONS --mountpoint /media/insideout-usb || fail "the import helper's mount is not in PID 1's namespace"
wait_log "PROBE INFO holding the export" 40 || fail "the probe did not get a writable stick"
pid=$(systemctl show -p MainPID --value insideout-usb-export.service)
helper_ns=$(readlink "/proc/$pid/ns/mnt" 2>/dev/null || echo none)
echo "export helper (pid $pid) mount namespace: $helper_ns; PID 1's: $(readlink /proc/1/ns/mnt)"
[ "$helper_ns" = "$(readlink /proc/1/ns/mnt)" ] || fail "the export helper runs in a mount namespace of its own"
grep CapBnd "/proc/$pid/status"
findmnt -n -o SOURCE,OPTIONS --mountpoint /media/insideout-export || fail "the export helper's mount is not in PID 1's namespace"
touch /run/kiosk-test/go-on
wait_log "PROBE DONE" 40 || fail "the probe did not finish"
journal | grep '^PROBE'
journal | grep -q '^PROBE FAIL' && fail "a probe check failed"
journalctl -u insideout-usb-export.service -u "insideout-usb-import-probe@$STICK.service" --no-pager -o cat | tail -12
ls -la /run/insideout-kiosk /run/insideout-usb-export
[ "$(stat -c '%a %U' /run/insideout-usb-export)" = "755 root" ] || fail "the answer folder is not 0755 root"
[ "$(stat -c '%s %Y %i %a' /etc/insideout-sentinel; sha256sum < /etc/insideout-sentinel)" = "$sentinel" ] \
    || fail "the file the kiosk user's links point at was changed"
echo "the file the planted links point at is unchanged"
systemctl stop "insideout-usb-import-probe@$STICK.service"
! mountpoint -q /media/insideout-usb || fail "stopping the import helper did not unmount"

echo "== the watchdog: a kiosk that stops answering is killed and restarted"
printf '[Service]\nExecStart=\nExecStart=/usr/local/bin/kiosk-probe hang\nWatchdogSec=2s\n' \
    > /etc/systemd/system/insideout-kiosk.service.d/probe.conf
systemctl daemon-reload
systemctl restart insideout-kiosk.service
sleep 12
journal | grep -E "Watchdog timeout|Failed with result 'watchdog'|Scheduled restart job" | tail -3
journal | grep -q "Failed with result 'watchdog'" || fail "the watchdog did not fire"
[ "$(systemctl show -p NRestarts --value insideout-kiosk.service)" -ge 1 ] || fail "the kiosk was not restarted"
systemctl show -p ActiveState,SubState,NRestarts insideout-kiosk.service
systemctl stop insideout-kiosk.service

echo "== security, live"
for unit in insideout-kiosk.service insideout-usb-export.service insideout-usb-import@sdb1.service; do
    systemd-analyze security --no-pager "$unit" | tail -1
done

if [ "$failures" -eq 0 ]; then echo "RESULT: OK"; else echo "RESULT: FAIL ($failures)"; fi
systemctl poweroff
