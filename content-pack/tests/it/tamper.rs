//! The tamper matrix: every way a pack can be wrong is refused with its own
//! error, and the installed store stays byte-for-byte as it was.

use std::fs;
use std::path::{Path, PathBuf};

use chrono::Duration;
use content_pack::*;
use sha2::{Digest, Sha256};
use tar::EntryType;

use crate::util::*;

/// A fixture with version 1 installed, and the store's snapshot.
fn installed_fixture() -> (Fixture, std::collections::BTreeMap<PathBuf, Vec<u8>>) {
    let fx = Fixture::new();
    fx.install(&fx.build(1)).unwrap();
    let before = snapshot(&fx.path("content"));
    (fx, before)
}

/// Opens, verifies and installs `pack` with the fixture's keys; returns the error.
fn refused(fx: &Fixture, pack: &Path) -> PackError {
    refused_with(fx, pack, &Limits::default())
}

fn refused_with(fx: &Fixture, pack: &Path, limits: &Limits) -> PackError {
    let result = UnverifiedPack::open(pack, limits)
        .and_then(|p| p.verify(&fx.trusted))
        .and_then(|p| fx.store().install(p, t0(), &mut NoObserver));
    match result {
        Ok(_) => panic!("{} was installed but must be refused", pack.display()),
        Err(e) => e,
    }
}

fn assert_unchanged(fx: &Fixture, before: &std::collections::BTreeMap<PathBuf, Vec<u8>>) {
    assert_eq!(&snapshot(&fx.path("content")), before, "the store changed");
}

fn flip(pack: &Path, at: u64, out: &Path) {
    let mut bytes = fs::read(pack).unwrap();
    bytes[at as usize] ^= 0x20;
    fs::write(out, bytes).unwrap();
}

#[test]
fn every_byte_of_the_manifest_and_signature_is_covered() {
    let (fx, before) = installed_fixture();
    let pack = fx.build(2);
    let offsets = entry_offsets(&pack);
    let bad = fx.path("bad.iopack");
    let mut cases = 0;
    for (name, start, len) in &offsets[..2] {
        for i in 0..*len {
            flip(&pack, start + i, &bad);
            let err = refused(&fx, &bad);
            let ok = match name.as_str() {
                "manifest.json" => matches!(err, PackError::SignatureInvalid(_)),
                _ => matches!(
                    err,
                    PackError::SignatureMalformed
                        | PackError::SignatureInvalid(_)
                        | PackError::UntrustedSigner { .. }
                ),
            };
            assert!(ok, "flip at byte {i} of {name}: unexpected {err:?}");
            cases += 1;
        }
    }
    assert_unchanged(&fx, &before);
    assert!(cases > 500, "only {cases} flips tried");
}

#[test]
fn flips_in_any_content_file_are_refused_by_hash() {
    let (fx, before) = installed_fixture();
    let pack = fx.build(2);
    let bad = fx.path("bad.iopack");
    for (name, start, len) in entry_offsets(&pack).into_iter().skip(2) {
        let samples: Vec<u64> = (0..16).map(|k| k * len / 16).chain([len - 1]).collect();
        for i in samples {
            flip(&pack, start + i, &bad);
            match refused(&fx, &bad) {
                PackError::HashMismatch(p) => assert_eq!(p, name),
                e => panic!("flip at {i} of {name}: unexpected {e:?}"),
            }
            // The parallel checker agrees.
            let verified = UnverifiedPack::open(&bad, &Limits::default())
                .unwrap()
                .verify(&fx.trusted)
                .unwrap();
            assert!(matches!(
                verified.check_contents(&|_, _| {}),
                Err(PackError::HashMismatch(_))
            ));
            assert_unchanged(&fx, &before);
        }
    }
}

#[test]
fn a_file_swapped_for_another_packs_file_is_refused() {
    let (fx, before) = installed_fixture();
    let media_a = fx.media(&[("media/points.svg", b"<svg>AAAA</svg>")]);
    let pack_a = fx.build_with(&tiny_programme("A"), 2, None, &media_a);
    let media_b = fx.media(&[("media/points.svg", b"<svg>BBBB</svg>")]);
    let pack_b = fx.build_with(&tiny_programme("B"), 2, None, &media_b);
    // Take A's archive and put B's bytes (same path, same size) in it.
    let (_, a_at, len) = entry_offsets(&pack_a)[3].clone();
    let (_, b_at, _) = entry_offsets(&pack_b)[3].clone();
    let mut bytes = fs::read(&pack_a).unwrap();
    let b = fs::read(&pack_b).unwrap();
    bytes[a_at as usize..(a_at + len) as usize]
        .copy_from_slice(&b[b_at as usize..(b_at + len) as usize]);
    let swapped = fx.path("swapped.iopack");
    fs::write(&swapped, bytes).unwrap();
    assert!(
        matches!(refused(&fx, &swapped), PackError::HashMismatch(p) if p == "media/points.svg")
    );
    assert_unchanged(&fx, &before);
}

#[test]
fn wrong_key_older_and_equal_versions_are_refused() {
    let (fx, _) = installed_fixture();
    let other = Fixture::new();
    let pack = fx.build(5);
    let err = UnverifiedPack::open(&pack, &Limits::default())
        .unwrap()
        .verify(&other.trusted)
        .err()
        .unwrap();
    assert!(
        matches!(err, PackError::UntrustedSigner { signer: Some(k), .. } if k == fx.key.key_id()),
        "{err:?}"
    );
    assert!(err.to_string().contains(&fx.key.key_id().to_string()));

    assert!(matches!(
        refused(&fx, &fx.build(1)),
        PackError::NotNewer {
            offered: 1,
            installed: 1
        }
    ));
    fx.install(&fx.build(3)).unwrap();
    let before = snapshot(&fx.path("content"));
    assert!(matches!(
        refused(&fx, &fx.build(2)),
        PackError::NotNewer {
            offered: 2,
            installed: 3
        }
    ));
    assert_unchanged(&fx, &before);
}

#[test]
fn every_version_a_pack_can_have_installs_and_keeps_working() {
    let fx = Fixture::new();
    let opts = |version| BuildOptions {
        version,
        created: t0(),
        expires: None,
        rotations: Vec::new(),
    };
    for version in [
        1_000_000_000,
        10_000_000_000,
        20_261_201_001,
        1 << 63,
        u64::MAX,
    ] {
        let pack = fx.build_opts(
            &tiny_programme(&format!("v{version}")),
            &opts(version),
            &fx.media(&[]),
        );
        fx.install(&pack).unwrap();
        // Opening the store again (as every command and the kiosk do) finds it.
        let installed = fx.store().installed().unwrap().unwrap();
        assert_eq!(installed.manifest().version, version);
        installed.programme().unwrap();
    }
    let again = fx.build_opts(&tiny_programme("again"), &opts(u64::MAX), &fx.media(&[]));
    assert!(matches!(
        refused(&fx, &again),
        PackError::NotNewer {
            offered: u64::MAX,
            installed: u64::MAX
        }
    ));
}

#[test]
fn an_expired_pack_is_refused_even_with_the_clock_wound_back() {
    let fx = Fixture::new();
    let opts = |version, created_days, expires_days: Option<i64>| BuildOptions {
        version,
        created: t0() + Duration::days(created_days),
        expires: expires_days.map(|d| t0() + Duration::days(d)),
        rotations: Vec::new(),
    };
    let install_at = |pack: &Path, days| {
        let p = UnverifiedPack::open(pack, &Limits::default())?.verify(&fx.trusted)?;
        fx.store()
            .install(p, t0() + Duration::days(days), &mut NoObserver)
    };
    // Expires on day 10; the kiosk's clock says day 11.
    let pack = fx.build_opts(&tiny_programme("a"), &opts(1, 0, Some(10)), &fx.media(&[]));
    assert!(matches!(
        install_at(&pack, 11),
        Err(PackError::Expired { .. })
    ));
    assert!(fx.store().installed().unwrap().is_none());

    // A pack made on day 20 is installed; then the clock is wound back to
    // day 2, and a pack that expired on day 10 is offered.
    install_at(
        &fx.build_opts(&tiny_programme("b"), &opts(2, 20, None), &fx.media(&[])),
        20,
    )
    .unwrap();
    let before = snapshot(&fx.path("content"));
    let stale = fx.build_opts(&tiny_programme("c"), &opts(3, 1, Some(10)), &fx.media(&[]));
    let err = install_at(&stale, 2).err().unwrap();
    assert!(matches!(err, PackError::Expired { .. }), "{err:?}");
    assert_unchanged(&fx, &before);
    // Without the freeze protection it would have been fine on day 2.
    let fresh = Fixture::new();
    let p = UnverifiedPack::open(&stale, &Limits::default())
        .unwrap()
        .verify(&fx.trusted)
        .unwrap();
    fresh
        .store()
        .install(p, t0() + Duration::days(2), &mut NoObserver)
        .unwrap();
}

// ---- hostile archives built here, entry by entry ----

/// What a case expects of the refusal.
type Expect = fn(&PackError) -> bool;
/// A change made to the manifest before it is signed.
type Edit = Box<dyn FnOnce(&mut serde_json::Value)>;

struct Raw {
    name: Vec<u8>,
    kind: EntryType,
    data: Vec<u8>,
    link: Option<&'static str>,
}

fn file(name: &str, data: &[u8]) -> Raw {
    Raw {
        name: name.as_bytes().to_vec(),
        kind: EntryType::Regular,
        data: data.to_vec(),
        link: None,
    }
}

fn special(name: &str, kind: EntryType, link: Option<&'static str>) -> Raw {
    Raw {
        name: name.as_bytes().to_vec(),
        kind,
        data: vec![],
        link,
    }
}

/// Writes a tar archive byte by byte, so paths tar-rs would refuse to write
/// (absolute, `..`) can be made.
fn write_tar(entries: &[Raw], out: &Path) {
    let mut bytes = Vec::new();
    for e in entries {
        let mut h = tar::Header::new_gnu();
        h.set_entry_type(e.kind);
        h.set_size(e.data.len() as u64);
        h.set_mode(0o644);
        h.as_old_mut().name[..e.name.len()].copy_from_slice(&e.name);
        if let Some(link) = e.link {
            h.set_link_name(link).unwrap();
        }
        h.set_cksum();
        bytes.extend_from_slice(h.as_bytes());
        bytes.extend_from_slice(&e.data);
        bytes.resize(bytes.len().div_ceil(512) * 512, 0);
    }
    bytes.extend_from_slice(&[0u8; 1024]);
    fs::write(out, bytes).unwrap();
}

fn sha(data: &[u8]) -> String {
    hex::encode(Sha256::digest(data))
}

/// A signed manifest (version 2) listing `files`; returns its entries.
fn signed(
    fx: &Fixture,
    files: &[(&str, &[u8])],
    edit: impl FnOnce(&mut serde_json::Value),
) -> [Raw; 2] {
    let mut m = serde_json::json!({
        "format": 1, "pack_id": "test-pack", "compatible": PRODUCT, "version": 2,
        "created": t0().to_rfc3339(),
        "approval": {"approved_by": "x", "reference": "y"},
        "signer_key_id": fx.key.key_id().to_string(),
        "files": files.iter().map(|(p, d)| serde_json::json!({"path": p, "size": d.len(), "sha256": sha(d)})).collect::<Vec<_>>(),
    });
    edit(&mut m);
    let bytes = serde_json::to_vec(&m).unwrap();
    let sig = fx.key.sign(&bytes, "test").unwrap();
    [
        file("manifest.json", &bytes),
        file("manifest.sig", sig.as_bytes()),
    ]
}

fn programme_json() -> Vec<u8> {
    serde_json::to_vec(&tiny_programme("hostile")).unwrap()
}

/// Builds `entries` after a manifest listing `listed`, and returns the refusal.
fn hostile(fx: &Fixture, listed: &[(&str, &[u8])], entries: Vec<Raw>) -> PackError {
    let [m, s] = signed(fx, listed, |_| {});
    let mut all = vec![m, s];
    all.extend(entries);
    let out = fx.path("hostile.iopack");
    write_tar(&all, &out);
    refused(fx, &out)
}

#[test]
fn each_refused_entry_kind_has_its_own_error_and_writes_nothing() {
    let (fx, before) = installed_fixture();
    let p = programme_json();
    let listed: &[(&str, &[u8])] = &[("programme.json", &p)];
    let ok = || file("programme.json", &p);
    let outside = fx.path("escaped");

    let cases: Vec<(&str, Vec<Raw>, Expect)> = vec![
        ("absolute path", vec![ok(), file("/tmp/evil", b"x")], |e| {
            matches!(e, PackError::UnsafePath { .. })
        }),
        ("parent dir", vec![ok(), file("../escaped", b"x")], |e| {
            matches!(e, PackError::UnsafePath { .. })
        }),
        (
            "nested parent",
            vec![ok(), file("media/../../escaped", b"x")],
            |e| matches!(e, PackError::UnsafePath { .. }),
        ),
        (
            "symlink",
            vec![
                ok(),
                special("media/link", EntryType::Symlink, Some("/etc/passwd")),
            ],
            |e| {
                matches!(
                    e,
                    PackError::ForbiddenEntry {
                        kind: "symbolic link",
                        ..
                    }
                )
            },
        ),
        (
            "hard link",
            vec![
                ok(),
                special("media/hard", EntryType::Link, Some("programme.json")),
            ],
            |e| {
                matches!(
                    e,
                    PackError::ForbiddenEntry {
                        kind: "hard link",
                        ..
                    }
                )
            },
        ),
        (
            "char device",
            vec![ok(), special("media/tty", EntryType::Char, None)],
            |e| matches!(e, PackError::ForbiddenEntry { kind: "device", .. }),
        ),
        (
            "block device",
            vec![ok(), special("media/sda", EntryType::Block, None)],
            |e| matches!(e, PackError::ForbiddenEntry { kind: "device", .. }),
        ),
        (
            "fifo",
            vec![ok(), special("media/pipe", EntryType::Fifo, None)],
            |e| matches!(e, PackError::ForbiddenEntry { kind: "FIFO", .. }),
        ),
        (
            "duplicate",
            vec![ok(), ok()],
            |e| matches!(e, PackError::DuplicateEntry(p) if p == "programme.json"),
        ),
        (
            "unlisted",
            vec![ok(), file("extra.txt", b"x")],
            |e| matches!(e, PackError::UnlistedEntry(p) if p == "extra.txt"),
        ),
        (
            "unlisted folder",
            vec![special("media/", EntryType::Directory, None), ok()],
            |e| matches!(e, PackError::UnlistedEntry(_)),
        ),
        (
            "missing file",
            vec![],
            |e| matches!(e, PackError::MissingFile(p) if p == "programme.json"),
        ),
        (
            "size mismatch",
            vec![file("programme.json", &p[..p.len() - 1])],
            |e| matches!(e, PackError::SizeMismatch { .. }),
        ),
        ("hidden name", vec![ok(), file(".profile", b"x")], |e| {
            matches!(e, PackError::UnsafePath { .. })
        }),
    ];
    for (what, entries, expect) in cases {
        let err = hostile(&fx, listed, entries);
        assert!(expect(&err), "{what}: unexpected {err:?}");
        assert!(!err.to_string().is_empty());
        assert_unchanged(&fx, &before);
        assert!(!outside.exists(), "{what}: wrote outside the store");
    }
}

#[test]
fn the_manifest_itself_is_checked_after_its_signature() {
    let (fx, before) = installed_fixture();
    let p = programme_json();
    let listed: &[(&str, &[u8])] = &[("programme.json", &p)];
    let out = fx.path("m.iopack");
    let cases: Vec<(&str, Edit, Expect)> = vec![
        ("format 2", Box::new(|m| m["format"] = 2.into()), |e| {
            matches!(e, PackError::UnsupportedFormat { found: 2, .. })
        }),
        (
            "other product",
            Box::new(|m| m["compatible"] = "other-kiosk/1".into()),
            |e| matches!(e, PackError::WrongProduct { .. }),
        ),
        (
            "listed ..",
            Box::new(|m| m["files"][0]["path"] = "../x".into()),
            |e| matches!(e, PackError::BadPath { .. }),
        ),
        (
            "listed absolute",
            Box::new(|m| m["files"][0]["path"] = "/x".into()),
            |e| matches!(e, PackError::BadPath { .. }),
        ),
        (
            "unknown field",
            Box::new(|m| m["surprise"] = 1.into()),
            |e| matches!(e, PackError::ManifestInvalid(_)),
        ),
    ];
    for (what, edit, expect) in cases {
        let [m, s] = signed(&fx, listed, edit);
        write_tar(&[m, s, file("programme.json", &p)], &out);
        let err = refused(&fx, &out);
        assert!(expect(&err), "{what}: unexpected {err:?}");
        assert_unchanged(&fx, &before);
    }
}

#[test]
fn a_signed_but_invalid_programme_is_not_installed() {
    let (fx, before) = installed_fixture();
    let mut programme = tiny_programme("bad");
    programme.sessions[0].minutes = 61;
    let p = serde_json::to_vec(&programme).unwrap();
    let err = hostile(
        &fx,
        &[("programme.json", &p)],
        vec![file("programme.json", &p)],
    );
    assert!(matches!(err, PackError::Programme(_)), "{err:?}");
    assert!(err.to_string().contains("s01-start"));
    assert_unchanged(&fx, &before);
}

#[test]
fn limits_truncation_and_non_packs_are_refused() {
    let (fx, before) = installed_fixture();
    let pack = fx.build(2);
    let tight = |f: fn(&mut Limits)| {
        let mut l = Limits::default();
        f(&mut l);
        l
    };
    assert!(matches!(
        refused_with(&fx, &pack, &tight(|l| l.max_files = 2)),
        PackError::OverLimit(_)
    ));
    assert!(matches!(
        refused_with(&fx, &pack, &tight(|l| l.max_file_bytes = 2000)),
        PackError::OverLimit(_)
    ));
    assert!(matches!(
        refused_with(&fx, &pack, &tight(|l| l.max_total_bytes = 3000)),
        PackError::OverLimit(_)
    ));
    assert!(matches!(
        refused_with(&fx, &pack, &tight(|l| l.max_manifest_bytes = 100)),
        PackError::HeaderTooLarge { .. }
    ));

    let bytes = fs::read(&pack).unwrap();
    let (_, last_at, last_len) = entry_offsets(&pack).last().cloned().unwrap();
    let cut = fx.path("cut.iopack");
    for at in [last_at + last_len / 2, last_at - 100, 700, 10] {
        fs::write(&cut, &bytes[..at as usize]).unwrap();
        let err = refused(&fx, &cut);
        assert!(
            matches!(
                err,
                PackError::Truncated(_) | PackError::MissingFile(_) | PackError::NotAPack { .. }
            ),
            "cut at {at}: {err:?}"
        );
    }
    fs::write(&cut, b"just some text, not a tar file at all").unwrap();
    assert!(matches!(
        refused(&fx, &cut),
        PackError::Truncated(_) | PackError::NotAPack { .. }
    ));
    write_tar(&[file("programme.json", b"{}")], &cut);
    assert!(matches!(
        refused(&fx, &cut),
        PackError::NotAPack { index: 1, .. }
    ));
    assert_unchanged(&fx, &before);
}
