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
wait_log "PROBE DONE" 40 || fail "the probe did not finish"
umount /media/insideout-export
journal | grep '^PROBE'
journal | grep -q '^PROBE FAIL' && fail "a probe check failed"
journalctl -u insideout-usb-export.service --no-pager -o cat | tail -3

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
systemd-analyze security --no-pager insideout-kiosk.service | tail -1

if [ "$failures" -eq 0 ]; then echo "RESULT: OK"; else echo "RESULT: FAIL ($failures)"; fi
systemctl poweroff
