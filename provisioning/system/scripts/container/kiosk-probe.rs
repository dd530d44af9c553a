//! A stand-in for insideout-kiosk that runs under the real
//! insideout-kiosk.service in a booted container (test-in-container.sh) and
//! reports, one `PROBE PASS|FAIL name: detail` line each, on the sandbox the
//! unit gives it. It speaks sd_notify with exactly the code proposed for the
//! kiosk app (`notify`, `watchdog_interval` below), so the service only
//! becomes active, and survives its watchdog, if that code works under the
//! unit's seccomp filter and address-family restrictions.
//!
//! `kiosk-probe hang` stops the watchdog pings after three, to see systemd
//! kill and restart it. Built with plain `rustc` (no dependencies).
//!
//! It also plays the kiosk's part of the USB export hand-shake twice (a
//! refusal with no stick, then a real export to a stick the import helper
//! mounted), planting symlinks under every hand-shake name first (issue 11).

use std::fs;
use std::os::unix::net::UnixDatagram;
use std::path::Path;
use std::time::{Duration, Instant};

/// Sends `state` ("READY=1", "WATCHDOG=1", …) to systemd, if it is listening.
fn notify(state: &str) -> std::io::Result<()> {
    let Some(path) = std::env::var_os("NOTIFY_SOCKET") else {
        return Ok(());
    };
    let socket = UnixDatagram::unbound()?;
    match path.as_encoded_bytes().strip_prefix(b"@") {
        Some(name) => {
            use std::os::linux::net::SocketAddrExt;
            let addr = std::os::unix::net::SocketAddr::from_abstract_name(name)?;
            socket.send_to_addr(state.as_bytes(), &addr)?;
        }
        None => {
            socket.send_to(state.as_bytes(), &path)?;
        }
    }
    Ok(())
}

/// Half of `$WATCHDOG_USEC`, or `None` when systemd wants no pings.
fn watchdog_interval() -> Option<Duration> {
    let usec: u64 = std::env::var("WATCHDOG_USEC").ok()?.parse().ok()?;
    (usec > 0).then(|| Duration::from_micros(usec / 2))
}

fn check(name: &str, ok: bool, detail: impl std::fmt::Debug) {
    println!(
        "PROBE {} {name}: {detail:?}",
        if ok { "PASS" } else { "FAIL" }
    );
}

fn wait_for(path: &Path, seconds: u64) -> bool {
    let end = Instant::now() + Duration::from_secs(seconds);
    while Instant::now() < end {
        if path.exists() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    false
}

const AF_INET: i32 = 2;
const AF_INET6: i32 = 10;
const SOCK_DGRAM: i32 = 2;

extern "C" {
    fn getuid() -> u32;
    fn socket(domain: i32, kind: i32, protocol: i32) -> i32;
    fn close(fd: i32) -> i32;
}

/// socket(2) straight from libc: the sandbox must refuse the family itself.
fn open_socket(family: i32) -> std::io::Result<()> {
    let fd = unsafe { socket(family, SOCK_DGRAM, 0) };
    if fd < 0 {
        return Err(std::io::Error::last_os_error());
    }
    unsafe { close(fd) };
    Ok(())
}

fn main() {
    let hang = std::env::args().nth(1).as_deref() == Some("hang");

    let uid = unsafe { getuid() };
    check("runs as an unprivileged user", uid != 0, uid);
    for (name, family) in [
        ("no AF_INET socket", AF_INET),
        ("no AF_INET6 socket", AF_INET6),
    ] {
        let r = open_socket(family);
        check(name, r.is_err(), r);
    }
    let r = fs::write("/etc/kiosk-probe", b"x");
    check("/etc read-only", r.is_err(), r);
    let r = fs::write("/usr/kiosk-probe", b"x");
    check("/usr read-only", r.is_err(), r);
    let r = fs::write("/var/lib/insideout-kiosk/kiosk-probe", b"x");
    check("data folder writable", r.is_ok(), r);
    let r = fs::read_dir("/root").map(|d| d.count());
    check("/root hidden", !matches!(r, Ok(n) if n > 0), r);
    let r = fs::read_dir("/proc").map(|d| {
        d.filter(|e| {
            e.as_ref()
                .is_ok_and(|e| e.file_name().to_string_lossy().parse::<u32>().is_ok())
        })
        .count()
    });
    check("other processes hidden", matches!(r, Ok(n) if n <= 2), r);
    let interval = watchdog_interval();
    check("watchdog requested", interval.is_some(), interval);
    let r = notify("READY=1");
    check("READY=1 sent", r.is_ok(), r);

    let pinger = std::thread::spawn(move || {
        let mut pings = 0u32;
        loop {
            std::thread::sleep(interval.unwrap_or(Duration::from_secs(1)));
            if hang && pings >= 3 {
                continue;
            }
            match notify("WATCHDOG=1") {
                Ok(()) => pings += 1,
                Err(e) => println!("PROBE FAIL WATCHDOG=1: {e}"),
            }
            if pings == 3 {
                println!("PROBE INFO 3 watchdog pings sent");
            }
        }
    });
    if hang {
        let _ = pinger.join();
        return;
    }

    // Mounts made on the host after the kiosk started must show through its
    // sandbox: the import mount read-only, the export mount writable.
    let seen = wait_for(Path::new("/media/insideout-usb/host-marker"), 30);
    check("import mount from the host visible", seen, ());
    let r = fs::write("/media/insideout-usb/from-kiosk", b"x");
    check("import mount read-only", r.is_err(), r);
    let seen = wait_for(Path::new("/media/insideout-export/host-marker"), 30);
    check("export mount from the host visible", seen, ());
    let r = fs::write("/media/insideout-export/from-kiosk", b"x");
    check("export mount writable", r.is_ok(), r);

    // The export hand-shake with insideout-usb-export.path/.service (no stick
    // is mounted at the import folder now, so the helper must refuse). The
    // kiosk's files are in its run folder, the helper's answers in root's.
    let run = Path::new("/run/insideout-kiosk");
    let answers = Path::new("/run/insideout-usb-export");
    plant_links(run);
    let r = fs::write(run.join("export-request"), b"");
    check("export request written", r.is_ok(), r);
    let failed = wait_for(&answers.join("export-failed"), 20);
    let text = fs::read_to_string(answers.join("export-failed")).unwrap_or_default();
    check(
        "export helper answered in its own folder",
        failed && text.starts_with("No USB stick found"),
        text.trim(),
    );
    let gone = wait_until_gone(&run.join("export-request"), 10);
    check("export request cleared", gone, ());
    let r = fs::write(answers.join("from-kiosk"), b"x");
    check("answer folder not writable by the kiosk", r.is_err(), r);

    // A real stick, mounted by insideout-usb-import@ (a copy without the
    // device binding), then made writable by insideout-usb-export for one
    // export: both helpers' mounts must reach this sandbox.
    println!("PROBE INFO waiting for a stick");
    let stick = wait_for(Path::new("/media/insideout-usb/stick-marker"), 60);
    check("stick mounted by the import helper visible", stick, ());
    plant_links(run);
    let r = fs::write(run.join("export-request"), b"");
    check("second export request written", r.is_ok(), r);
    let ready = wait_for(&answers.join("export-ready"), 20);
    let folder = fs::read_to_string(answers.join("export-ready")).unwrap_or_default();
    check(
        "export helper answered export-ready",
        ready && folder.trim() == "/media/insideout-export",
        folder.trim(),
    );
    check(
        "the earlier export-failed is gone",
        !answers.join("export-failed").exists(),
        (),
    );
    let r = fs::write(Path::new(folder.trim()).join("from-kiosk-export"), b"rows");
    check("stick writable during the export", r.is_ok(), r);
    // The test looks at the helper while it holds the stick, then says go on.
    println!("PROBE INFO holding the export");
    let go = wait_for(Path::new("/run/kiosk-test/go-on"), 30);
    check("the test looked at the running helper", go, ());
    let r = fs::write(run.join("export-done"), b"");
    check("export done written", r.is_ok(), r);
    let gone = wait_until_gone(&run.join("export-request"), 20);
    check("stick released", gone, ());
    let r = fs::read_to_string("/media/insideout-usb/from-kiosk-export");
    check(
        "the export is on the stick, back read-only for import",
        matches!(&r, Ok(t) if t == "rows"),
        r,
    );
    let r = fs::write("/media/insideout-usb/after-export", b"x");
    check("stick read-only again", r.is_err(), r);
    println!("PROBE DONE");
    let _ = pinger.join();
}

/// Issue 11: what the kiosk user could plant in its own folder to make the
/// root helper write through a link: every name the helper writes or
/// removes, the old protocol's temporary names included, pointing at a file
/// only root may touch (the test checks it is unchanged afterwards).
fn plant_links(run: &Path) {
    let names = [
        "export-ready",
        "export-failed",
        "export-done",
        "export-ready.tmp",
        "export-failed.tmp",
        "export-done.tmp",
        "export-request.tmp",
    ];
    for name in names {
        let _ = fs::remove_file(run.join(name));
        let r = std::os::unix::fs::symlink("/etc/insideout-sentinel", run.join(name));
        if let Err(e) = r {
            println!("PROBE FAIL could not plant {name}: {e}");
        }
    }
}

fn wait_until_gone(path: &Path, seconds: u64) -> bool {
    let end = Instant::now() + Duration::from_secs(seconds);
    while Instant::now() < end {
        if !path.exists() {
            return true;
        }
        std::thread::sleep(Duration::from_millis(200));
    }
    false
}
