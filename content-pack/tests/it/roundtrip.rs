//! keygen → build → verify → install: the installed programme equals the source.

use std::fs;

use content_pack::*;

use crate::util::*;

#[test]
fn built_pack_verifies_and_installs_the_same_programme_and_media() {
    let fx = Fixture::new();
    let pack = fx.build(3);
    let verified = UnverifiedPack::open(&pack, &Limits::default())
        .unwrap()
        .verify(&fx.trusted)
        .unwrap();
    assert_eq!(verified.manifest().version, 3);
    assert_eq!(verified.manifest().compatible, PRODUCT);
    assert_eq!(
        verified.manifest().signer_key_id,
        fx.key.key_id().to_string()
    );
    assert_eq!(verified.manifest().approval.reference, "CR-1");
    verified.check_contents(&|_, _| {}).unwrap();

    let installed = fx.store().install(verified, t0(), &mut NoObserver).unwrap();
    assert_eq!(
        installed.programme().unwrap(),
        tiny_programme("Programme v3")
    );
    assert_eq!(
        fs::read(installed.dir().join("media/points.svg")).unwrap(),
        b"<svg>four points</svg>"
    );
    assert_eq!(
        fs::read(installed.dir().join("media/sound/bell.ogg")).unwrap(),
        vec![7u8; 3000]
    );
    // Opening the store again finds the same pack.
    let again = fx.store().installed().unwrap().unwrap();
    assert_eq!(again.manifest().version, 3);
    assert_eq!(again.programme().unwrap(), tiny_programme("Programme v3"));
}

#[test]
fn a_newer_pack_replaces_the_old_one_and_the_old_folder_goes() {
    let fx = Fixture::new();
    fx.install(&fx.build(1)).unwrap();
    fx.install(&fx.build(2)).unwrap();
    let store = fx.store();
    assert_eq!(store.installed().unwrap().unwrap().manifest().version, 2);
    let packs: Vec<_> = fs::read_dir(fx.path("content/packs")).unwrap().collect();
    assert_eq!(packs.len(), 1, "only the current pack is kept");
}

#[test]
fn progress_reaches_the_total() {
    let fx = Fixture::new();
    let pack = fx.build(1);
    struct Seen(Vec<(u64, u64)>);
    impl InstallObserver for Seen {
        fn progress(&mut self, done: u64, total: u64) {
            self.0.push((done, total));
        }
    }
    let mut seen = Seen(vec![]);
    let verified = UnverifiedPack::open(&pack, &Limits::default())
        .unwrap()
        .verify(&fx.trusted)
        .unwrap();
    let total = verified.manifest().total_bytes();
    fx.store().install(verified, t0(), &mut seen).unwrap();
    assert_eq!(seen.0.last(), Some(&(total, total)));
}

#[test]
fn a_changed_installed_file_is_noticed_not_used() {
    let fx = Fixture::new();
    let installed = fx.install(&fx.build(1)).unwrap();
    let path = installed.dir().join("programme.json");
    let mut bytes = fs::read(&path).unwrap();
    bytes[10] ^= 1;
    fs::write(&path, bytes).unwrap();
    assert!(matches!(
        installed.programme(),
        Err(PackError::InstalledDamaged { .. })
    ));
}

#[test]
fn the_standard_minisign_format_is_written() {
    // The signature file is a 4-line minisign signature whose key id matches.
    let fx = Fixture::new();
    let pack = fx.build(1);
    let offsets = entry_offsets(&pack);
    assert_eq!(offsets[0].0, "manifest.json");
    assert_eq!(offsets[1].0, "manifest.sig");
    let bytes = fs::read(&pack).unwrap();
    let (_, at, len) = offsets[1];
    let sig = std::str::from_utf8(&bytes[at as usize..(at + len) as usize]).unwrap();
    let lines: Vec<&str> = sig.lines().collect();
    assert_eq!(lines.len(), 4);
    assert!(lines[0].starts_with("untrusted comment: "));
    assert!(lines[2].starts_with("trusted comment: InsideOut pack test-pack version 1"));
    assert!(lines[0].ends_with(&fx.key.key_id().to_string()));
}
