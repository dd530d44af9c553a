//! # attendance-export
//!
//! The InsideOut attendance export, both ends of it: the signed bundle a wing
//! kiosk writes to a USB stick ([`bundle`]), and the service report over many
//! bundles from many kiosks ([`report`], shown under the [`disclosure`]
//! rule, written as text, JSON, CSV or HTML by [`output`]). [`discover`]
//! finds the bundles in a stick's folder and [`keyring`] binds each kiosk's
//! public key to its site and wing. [`pseudonym`] is the key a kiosk makes
//! pseudonyms with, and its public id.
//!
//! The kiosk uses this crate to write; `insideout-provision` to verify and
//! report. It links no SQLite, no Argon2 and no demo code (a test in
//! `tests/` checks its dependency tree), never opens a socket, and treats
//! every bundle as hostile until its signature and hashes are checked.

#![deny(missing_docs)]

pub mod bundle;
pub mod disclosure;
pub mod discover;
pub mod keyring;
pub mod output;
pub mod pseudonym;
pub mod report;

pub use bundle::{
    bundle_dir_name, open_bundle, verify_bundle, AttendanceRecord, BundleError, BundleTrust,
    BundleWriter, ExportManifest, ExportSummary, OpenedBundle, SessionRecord, VerifiedBundle,
};
pub use disclosure::{Disclosure, Figure};
pub use pseudonym::PseudonymKeyId;
pub use report::{build_report, Report, ReportBuilder, ReportError};
