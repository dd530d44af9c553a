//! The kiosk's time, through the `Clock` trait as `faketime` would set it:
//! a clock wound back never revives an expired pack or dates anything
//! earlier than what is recorded, a pack from the future is refused, and an
//! installed pack that has expired stops new sessions but not exports.

use std::path::{Path, PathBuf};

use chrono::{Duration, SecondsFormat};
use content_pack::{build_pack_from_source, load_source, BuildOptions, PackError};
use kiosk_core::{ExportOutcome, ExportScope, IdleState, Kiosk, KioskError};

use crate::export::run_sessions;
use crate::util::*;

/// The sample as pack `version`, made `created` days after t0 and expiring
/// `expires` days after it.
fn pack(tk: &TestKiosk, version: u64, created: i64, expires: Option<i64>) -> PathBuf {
    let out = tk.usb.join(format!("dated-v{version}.iopack"));
    let opts = BuildOptions {
        version,
        created: t0() + Duration::days(created),
        expires: expires.map(|d| t0() + Duration::days(d)),
        rotations: Vec::new(),
    };
    let source = load_source(&sample_dir()).unwrap();
    build_pack_from_source(&source, &opts, &tk.content_key, &out, &mut |_, _| {}).unwrap();
    out
}

fn refusal(k: &mut Kiosk, pack: &Path) -> PackError {
    match k.import(pack, &mut |_, _| {}) {
        Err(KioskError::Pack(e)) => e,
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_clock_wound_back_carries_on_from_the_latest_time_recorded() {
    let tk = provisioned();
    tk.clock.set(t0() + Duration::days(10));
    let mut k = tk.signed_in();
    k.sign_out().unwrap();
    drop(k);

    // Wound back 40 days (as `faketime -f -40d` would).
    tk.clock.set(t0() - Duration::days(30));
    let mut k = tk.signed_in();
    let lines = k.audit_lines(10).unwrap();
    let latest = (t0() + Duration::days(10)).to_rfc3339_opts(SecondsFormat::Millis, true);
    let noted = lines
        .iter()
        .position(|l| l.event == "clock-behind" && l.detail.contains(&latest))
        .unwrap_or_else(|| panic!("{lines:?}"));
    // Nothing since is dated before what was already recorded.
    assert!(lines[..noted].iter().all(|l| l.at >= latest), "{lines:?}");

    // A pack that expired on day 5 is still expired.
    let stale = pack(&tk, 2, 0, Some(5));
    assert!(matches!(refusal(&mut k, &stale), PackError::Expired { .. }));

    // Time still passes: the idle lock comes after its 5 minutes.
    tk.clock.advance(Duration::minutes(4));
    assert_eq!(k.check_idle().unwrap(), IdleState::Active);
    tk.clock.advance(Duration::minutes(2));
    assert_eq!(k.check_idle().unwrap(), IdleState::Locked);
}

#[test]
fn a_pack_made_more_than_a_day_ahead_of_the_clock_is_refused() {
    let tk = provisioned();
    let mut k = tk.signed_in();
    let err = refusal(&mut k, &pack(&tk, 2, 3, None));
    assert!(matches!(err, PackError::CreatedInFuture { .. }), "{err:?}");
    assert!(
        err.to_string().contains("check the kiosk's date and time"),
        "{err}"
    );
    assert_eq!(k.programme_version(), Some(1));
    // Later packs still install: the refused one raised nothing.
    k.import(&pack(&tk, 3, 0, Some(30)), &mut |_, _| {})
        .unwrap();
    assert_eq!(k.programme_version(), Some(3));
}

#[test]
fn an_installed_pack_that_expires_stops_new_sessions_but_not_exports() {
    let tk = provisioned();
    let mut k = tk.signed_in();
    k.import(&pack(&tk, 2, 0, Some(20)), &mut |_, _| {})
        .unwrap();
    run_sessions(&tk, &mut k, 2, 5, 7);
    drop(k);

    tk.clock.set(t0() + Duration::days(21));
    let mut k = tk.signed_in();
    assert!(k.programme().is_none());
    let problem = k.content_problem().unwrap();
    assert!(problem.contains("expired on 22 November 2026"), "{problem}");
    assert!(matches!(
        k.start_session("s01-welcome-to-insideout"),
        Err(KioskError::NoProgramme)
    ));
    let exported = k.export(&tk.usb, ExportScope::New, &mut |_, _| {}).unwrap();
    assert!(
        matches!(exported, ExportOutcome::Written { sessions: 2, .. }),
        "{exported:?}"
    );
}
