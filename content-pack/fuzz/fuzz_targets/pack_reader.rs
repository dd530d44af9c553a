//! Fuzz target: any bytes as a pack file. The reader must refuse without
//! panicking (nothing can get past the signature check).
#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use content_pack::{Limits, TrustedKeys, UnverifiedPack};
use libfuzzer_sys::fuzz_target;

/// One file per process, rewritten for each input.
fn file() -> &'static (tempfile::TempDir, PathBuf) {
    static FILE: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    FILE.get_or_init(|| {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let path = dir.path().join("fuzz.iopack");
        (dir, path)
    })
}

fuzz_target!(|data: &[u8]| {
    let (_, path) = file();
    if std::fs::write(path, data).is_err() {
        return;
    }
    if let Ok(pack) = UnverifiedPack::open(path, &Limits::default()) {
        assert!(pack.verify(&TrustedKeys::default()).is_err());
    }
});
