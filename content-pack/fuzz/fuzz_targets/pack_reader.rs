//! Fuzz target: any bytes as a pack file. The reader must refuse without
//! panicking (nothing can get past the signature check).
#![no_main]

use content_pack::{Limits, TrustedKeys, UnverifiedPack};
use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(dir) = tempfile::tempdir() else { return };
    let path = dir.path().join("fuzz.iopack");
    if std::fs::write(&path, data).is_err() {
        return;
    }
    if let Ok(pack) = UnverifiedPack::open(&path, &Limits::default()) {
        assert!(pack.verify(&TrustedKeys::default()).is_err());
    }
});
