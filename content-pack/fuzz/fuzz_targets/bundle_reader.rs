//! Fuzz target: an export bundle folder (its five files from the input) as a
//! service reads it, with and without a kiosk key, and the report over it.
//! Nothing may panic, and a bundle is accepted only if its files match a
//! manifest that parses.
#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use attendance_export::{build_report, open_bundle, verify_bundle, BundleTrust, Disclosure};
use content_pack::*;
use libfuzzer_sys::fuzz_target;

const FILES: [&str; 5] = [
    "manifest.json",
    "manifest.sig",
    "attendance.csv",
    "sessions.csv",
    "summary.json",
];

/// One folder per process, rewritten for each input (a temporary folder
/// per input would cost more than the reading).
fn folder() -> &'static (tempfile::TempDir, PathBuf, TrustedKeys) {
    static DIR: OnceLock<(tempfile::TempDir, PathBuf, TrustedKeys)> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let bundle = dir.path().join("insideout-export_fuzz");
        std::fs::create_dir(&bundle).expect("the bundle folder");
        let k = generate_keys(KeyProtection::Unencrypted).expect("keys");
        let trusted = TrustedKeys::new(vec![TrustedKey::from_text(&k.public_key).expect("pk")]);
        (dir, bundle, trusted)
    })
}

/// The input as five files: ten bytes of little-endian u16 lengths, then
/// the files one after the other (the last takes what is left).
fn split(data: &[u8]) -> Option<Vec<&[u8]>> {
    let (lengths, mut rest) = (data.get(..10)?, data.get(10..)?);
    let mut parts = Vec::new();
    for (i, pair) in lengths.chunks(2).enumerate() {
        let len = if i == 4 {
            rest.len()
        } else {
            usize::from(u16::from_le_bytes([pair[0], pair[1]])).min(rest.len())
        };
        let (part, tail) = rest.split_at(len);
        parts.push(part);
        rest = tail;
    }
    Some(parts)
}

fuzz_target!(|data: &[u8]| {
    let Some(parts) = split(data) else { return };
    let (_, bundle, trusted) = folder();
    for (name, bytes) in FILES.iter().zip(&parts) {
        if std::fs::write(bundle.join(name), bytes).is_err() {
            return;
        }
    }
    // Signed by a key the fuzzer cannot have: never accepted.
    assert!(verify_bundle(bundle, trusted).is_err());
    // Files only: accepted only if every file matches the manifest.
    if let Ok(b) = open_bundle(bundle, BundleTrust::FilesOnly) {
        // The report streams the files and must refuse, not panic, on
        // anything; a bundle it counts had files matching the manifest.
        let counted = build_report([&b], Disclosure::Published).is_ok();
        let intact = b.verify_files().is_ok();
        assert!(!counted || intact, "the report counted a bundle whose files do not match");
    }
});
