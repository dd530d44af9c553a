//! Telling systemd the kiosk is up and alive (`Type=notify`, `WatchdogSec=`).
//!
//! The unit kills and restarts a kiosk that does not say `READY=1` in time,
//! or that stops saying `WATCHDOG=1`. The pings come from a timer on the UI
//! thread, so a hung event loop stops them and systemd restarts the kiosk.
//! Outside systemd (`--demo`, development, tests) `NOTIFY_SOCKET` is unset
//! and this does nothing.
//!
//! This is the one local socket the kiosk opens on purpose: an AF_UNIX
//! datagram to systemd. It never opens a network socket.

use std::os::unix::net::{SocketAddr, UnixDatagram};
use std::time::Duration;

/// Sends one notification (`READY=1`, `WATCHDOG=1`, `STOPPING=1`) to systemd.
pub fn notify(state: &str) -> std::io::Result<()> {
    let Some(path) = std::env::var_os("NOTIFY_SOCKET") else {
        return Ok(());
    };
    let socket = UnixDatagram::unbound()?;
    match path.as_encoded_bytes().strip_prefix(b"@") {
        Some(name) => {
            use std::os::linux::net::SocketAddrExt;
            socket.send_to_addr(state.as_bytes(), &SocketAddr::from_abstract_name(name)?)?;
        }
        None => {
            socket.send_to(state.as_bytes(), &path)?;
        }
    }
    Ok(())
}

/// How often to ping: half of systemd's `WATCHDOG_USEC`, if it set one.
/// (`WATCHDOG_PID` is not checked: under cage it names cage, not the kiosk.)
pub fn watchdog_interval() -> Option<Duration> {
    let usec: u64 = std::env::var("WATCHDOG_USEC").ok()?.parse().ok()?;
    (usec > 0).then(|| Duration::from_micros(usec / 2))
}

/// Starts the notifications: `READY=1` once the event loop runs, then
/// `WATCHDOG=1` from a UI-thread timer. Keep the returned timer alive.
pub fn start() -> Option<slint::Timer> {
    slint::Timer::single_shot(Duration::ZERO, || report(notify("READY=1")));
    let interval = watchdog_interval()?;
    let timer = slint::Timer::default();
    timer.start(slint::TimerMode::Repeated, interval, || {
        report(notify("WATCHDOG=1"))
    });
    Some(timer)
}

fn report(result: std::io::Result<()>) {
    if let Err(e) = result {
        eprintln!("insideout-kiosk: could not notify systemd: {e}");
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notifications_reach_the_socket_systemd_names() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("notify");
        let systemd = UnixDatagram::bind(&path).unwrap();
        // The only test in this binary that touches these variables.
        std::env::set_var("NOTIFY_SOCKET", &path);
        std::env::set_var("WATCHDOG_USEC", "30000000");
        notify("READY=1").unwrap();
        let mut buf = [0u8; 64];
        let n = systemd.recv(&mut buf).unwrap();
        assert_eq!(&buf[..n], b"READY=1");
        assert_eq!(watchdog_interval(), Some(Duration::from_secs(15)));
        std::env::remove_var("NOTIFY_SOCKET");
        std::env::remove_var("WATCHDOG_USEC");
        assert!(notify("WATCHDOG=1").is_ok(), "a no-op outside systemd");
        assert_eq!(watchdog_interval(), None);
    }
}
