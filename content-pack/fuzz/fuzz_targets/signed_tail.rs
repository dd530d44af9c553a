//! Fuzz target: a validly signed but fuzzed `manifest.json`, followed by a
//! fuzzed archive tail. This drives the manifest parser, the entry checker
//! and the install path past the signature. Whatever happens, nothing may be
//! written outside the store, and a refused pack leaves no pack installed.
#![no_main]

use std::sync::OnceLock;

use content_pack::*;
use libfuzzer_sys::fuzz_target;

fn key() -> &'static (SigningKey, TrustedKeys) {
    static KEY: OnceLock<(SigningKey, TrustedKeys)> = OnceLock::new();
    KEY.get_or_init(|| {
        let k = generate_keys(KeyProtection::Unencrypted).expect("keys");
        (
            SigningKey::from_text(&k.secret_key, None).expect("sk"),
            TrustedKeys::new(vec![TrustedKey::from_text(&k.public_key).expect("pk")]),
        )
    })
}

fn entry(name: &str, data: &[u8]) -> Vec<u8> {
    let mut h = [0u8; 512];
    h[..name.len()].copy_from_slice(name.as_bytes());
    h[100..107].copy_from_slice(b"0000644");
    let size = format!("{:011o}", data.len());
    h[124..135].copy_from_slice(size.as_bytes());
    h[136..147].copy_from_slice(b"00000000000");
    h[156] = b'0';
    h[257..263].copy_from_slice(b"ustar\0");
    h[263..265].copy_from_slice(b"00");
    h[148..156].copy_from_slice(b"        ");
    let sum: u32 = h.iter().map(|&b| b as u32).sum();
    h[148..155].copy_from_slice(format!("{sum:06o}\0").as_bytes());
    let mut out = h.to_vec();
    out.extend_from_slice(data);
    out.resize(out.len().div_ceil(512) * 512, 0);
    out
}

fuzz_target!(|data: &[u8]| {
    if data.len() < 2 {
        return;
    }
    let split = (u16::from_le_bytes([data[0], data[1]]) as usize).min(data.len() - 2);
    let (manifest, tail) = data[2..].split_at(split);
    let (sk, trusted) = key();
    let Ok(sig) = sk.sign(manifest, "fuzz") else { return };
    let mut pack = entry("manifest.json", manifest);
    pack.extend(entry("manifest.sig", sig.as_bytes()));
    pack.extend_from_slice(tail);

    let Ok(dir) = tempfile::tempdir() else { return };
    let path = dir.path().join("fuzz.iopack");
    if std::fs::write(&path, &pack).is_err() {
        return;
    }
    let store_dir = dir.path().join("store/content");
    let Ok(store) = ContentStore::open(&store_dir) else { return };
    let result = UnverifiedPack::open(&path, &Limits::default())
        .and_then(|p| p.verify(trusted))
        .and_then(|p| {
            let _ = p.check_contents(&|_, _| {});
            store.install(p, chrono::Utc::now(), &mut NoObserver)
        });
    // Nothing escapes the store folder.
    let names: Vec<_> = std::fs::read_dir(dir.path())
        .map(|d| d.filter_map(|e| e.ok()).map(|e| e.file_name()).collect())
        .unwrap_or_default();
    assert!(names.len() == 2, "wrote outside the store: {names:?}");
    if result.is_err() {
        assert!(store.installed().map(|p| p.is_none()).unwrap_or(true));
    }
});
