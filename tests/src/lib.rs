//! # tests
//!
//! End-to-end tests across the workspace live in `tests/tests/`. This small
//! library holds what they share: finding the workspace's built binaries.
//! `cargo test --workspace` builds `insideout-kiosk` and
//! `insideout-provision` before any test runs, because their own packages
//! have integration tests.

#![deny(missing_docs)]

use std::path::PathBuf;

/// The path of a workspace binary built for this test run (`target/debug/NAME`,
/// or under `CARGO_TARGET_DIR`). Panics, failing the test, if it is missing:
/// an end-to-end test must never pass without running the real program.
pub fn bin(name: &str) -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target"));
    // Tests run from target/<profile>/deps; prefer the profile they run in.
    let profile_dir = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent()?.parent().map(PathBuf::from))
        .unwrap_or_else(|| target.join("debug"));
    let path = profile_dir.join(name);
    assert!(
        path.is_file(),
        "{} is not built; run the tests with `cargo test --workspace`",
        path.display()
    );
    path
}
