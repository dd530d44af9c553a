//! # kiosk-core
//!
//! Everything the InsideOut wing kiosk does, without a UI: the configuration
//! in a data folder, facilitator sign-in by PIN, the session runner,
//! anonymised attendance, USB import of content packs and USB export of
//! signed attendance bundles. The Slint app (`kiosk/app`) and the headless
//! commands only call into this crate.
//!
//! ## Main types
//! - [`Kiosk`]: the one facade the UI binds to.
//! - [`runner::step`]: the session runner, a pure `(state, event) -> (state,
//!   effects)` function; [`runner::RunStore`] saves its effects (SQLite in
//!   [`db::Db`], [`runner::MemoryRunStore`] in tests).
//! - [`Clock`]: the time, so tests and the simulator control it.
//! - [`Pseudonymiser`]: prison number → HMAC-SHA256 pseudonym, at once.
//! - [`provision`]: `kiosk init` and `add-facilitator`; [`demo`]: a throw-away
//!   kiosk with the sample programme; [`simulate`]: many sessions with
//!   synthetic prison numbers through the real runner.
//! - [`export`] writes the signed USB bundle (format, and the service
//!   report over many bundles, in the `attendance-export` crate).
//!
//! ## How the UI uses this
//!
//! ```no_run
//! use std::sync::Arc;
//! use kiosk_core::{ExportScope, Kiosk, SystemClock};
//!
//! # fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let mut kiosk = Kiosk::open("/var/lib/insideout-kiosk".as_ref(), Arc::new(SystemClock))?;
//! // Sign-in screen: site, wing and programme version, and who is signing
//! // in; a wrong PIN gives a message to show as it is ("Wrong PIN. 4 tries
//! // left before sign-in locks.").
//! println!("{} {} v{:?}", kiosk.config().site, kiosk.config().wing, kiosk.programme_version());
//! let who = kiosk.facilitator_ids()?[0].clone();
//! match kiosk.sign_in(&who, "274913") {
//!     Ok(signed_in) => println!("hello {}", signed_in.facilitator_id),
//!     Err(e) => println!("{e}"),
//! }
//! // Home: continue `kiosk.run_view()` if it is Some, or start a session.
//! let first = kiosk.sessions()[0].id.clone();
//! let view = kiosk.start_session(&first)?;
//! println!("{} ({} of {})", view.phase.title.standard, view.phase_index + 1, view.phase_count);
//! // Attendance: the number is gone once the call returns; show the label.
//! let added = kiosk.add_participant("A1234BC".to_string())?;
//! println!("{}", added.message(kiosk.language())); // "Participant 1 added"
//! kiosk.add_anonymous()?;
//! kiosk.set_left_early(1, true)?;
//! for a in kiosk.attendees() { println!("{}", a.label); }
//! // Run: next/back, tools, timers (from run_view()), then finish.
//! while kiosk.run_view().is_some_and(|v| v.can_go_next) {
//!     let v = kiosk.next_phase()?;
//!     for tool in &v.phase.tools { kiosk.use_tool(tool)?; }
//! }
//! let summary = kiosk.finish_session()?;
//! println!("{} attended", summary.attended);
//! // Idle: call kiosk.touch() on input and kiosk.check_idle() from a timer.
//! // USB: offers, import with progress, export with progress.
//! for offer in kiosk.usb_offers()? { println!("{}: {:?}", offer.file_name, offer.status); }
//! let waiting = kiosk.export_backlog()?;
//! println!("{} attendances waiting", waiting.attendances);
//! // "Export to USB stick": offered when `stick_present()`; under the
//! // systemd unit it asks the root helper to make the stick writable.
//! if kiosk.stick_present() {
//!     let outcome = kiosk.export_to_stick(ExportScope::New, &mut |done, total| {
//!         println!("{done}/{total}")
//!     })?;
//!     println!("{outcome}"); // "…; the stick can be taken out now"
//! }
//! // The headless `export --to DIR` writes straight into a folder.
//! let outcome = kiosk.export("/mnt/stick".as_ref(), ExportScope::New, &mut |_, _| {})?;
//! println!("{outcome}");
//! kiosk.sign_out()?;
//! # Ok(()) }
//! ```
//!
//! ## Key decision
//!
//! The session runner does no I/O: every UI action becomes an event, the
//! pure step function returns the new state and the effects to save, and the
//! facade commits the effects (SQLite, WAL, `synchronous=FULL`) *before* it
//! adopts the new state. So what the screen shows has always been saved, and
//! after a power cut the kiosk comes back to the same phase with the same
//! attendees.
//!
//! kiosk-core never depends on Slint, never opens a socket, and never stores,
//! logs or exports a prison number.

#![deny(missing_docs)]

pub mod auth;
pub mod backup;
pub mod clock;
pub mod config;
pub mod db;
pub mod demo;
pub mod error;
pub mod export;
pub mod handshake;
pub mod kiosk;
pub mod provision;
pub mod pseudonym;
pub mod runner;
pub mod simulate;
pub mod usb;
pub mod views;
pub mod words;

pub use auth::{HumanDuration, LockScope, SignInError};
pub use clock::{Clock, FakeClock, SystemClock};
pub use config::{DataDir, KioskConfig};
/// The languages the kiosk speaks (the programme's, from content-pack).
pub use content_pack::Language;
pub use db::FacilitatorInfo;
pub use error::{one_line, KioskError};
pub use export::{ExportBacklog, ExportOutcome, ExportScope, StickExport};
pub use handshake::{Handshake, HandshakeError, Release};
pub use kiosk::{
    Added, AttendeeView, AuthState, Display, IdleState, Kiosk, PhaseTiming, RunSummary, RunView,
    SignedIn, StaffConfirmed, MAX_VOLUME, TEXT_SIZES,
};
pub use provision::{InitOptions, KioskIdentity, Overwrite, PinChange};
pub use pseudonym::{Pseudonym, Pseudonymiser};
pub use runner::{Answer, Hands, GROUP_LIMIT};
pub use usb::{ImportOutcome, OfferStatus, PackOffer, StickScan, MAX_OFFERS};
