//! Fuzz target: a pack source folder the content team might write, from the
//! input: `pack.toml`, one session and one tool. Loading it must never
//! panic, and a source that loads is a valid programme.
#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;

fn folder() -> &'static (tempfile::TempDir, PathBuf) {
    static DIR: OnceLock<(tempfile::TempDir, PathBuf)> = OnceLock::new();
    DIR.get_or_init(|| {
        let dir = tempfile::tempdir().expect("a temporary folder");
        let source = dir.path().join("source");
        for sub in ["sessions", "tools", "media"] {
            std::fs::create_dir_all(source.join(sub)).expect("a source folder");
        }
        std::fs::write(source.join("media/picture.svg"), b"<svg/>").expect("media");
        (dir, source)
    })
}

fuzz_target!(|data: &[u8]| {
    // Three files, split by two little-endian u16 lengths.
    let (Some(a), Some(b)) = (data.get(..2), data.get(2..4)) else { return };
    let rest = &data[4..];
    let first = usize::from(u16::from_le_bytes([a[0], a[1]])).min(rest.len());
    let (pack, rest) = rest.split_at(first);
    let second = usize::from(u16::from_le_bytes([b[0], b[1]])).min(rest.len());
    let (session, tool) = rest.split_at(second);
    let (_, source) = folder();
    let files = [
        ("pack.toml", pack),
        ("sessions/01-fuzz.toml", session),
        ("tools/fuzz.toml", tool),
    ];
    for (name, bytes) in files {
        if std::fs::write(source.join(name), bytes).is_err() {
            return;
        }
    }
    if let Ok(loaded) = content_pack::load_source(source) {
        assert!(loaded.programme.validate().is_ok());
        // The content rules read the same untrusted text: they may find
        // anything, but never panic.
        let _ = content_pack::rules::check(&loaded);
    }
});
