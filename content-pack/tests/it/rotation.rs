//! Content key rotation: a chain old → new → newer carried in a pack moves a
//! kiosk that trusts any key on it to the pack's signer; a rotation no
//! trusted key signed, a changed statement, a gap in the chain, a rotation
//! back to a retired key and a pack signed by a retired key are refused.
//! The statements are checked with the stock `minisign` tool too.

use std::path::{Path, PathBuf};
use std::process::Command;

use content_pack::rotation::{resolve, ROTATIONS_NAME};
use content_pack::*;

use crate::util::{t0, tiny_programme, Fixture};

struct Key {
    secret: SigningKey,
    public: String,
    id: KeyId,
}

fn key() -> Key {
    let keys = generate_keys(KeyProtection::Unencrypted).unwrap();
    Key {
        secret: SigningKey::from_text(&keys.secret_key, None).unwrap(),
        public: keys.public_key,
        id: keys.key_id,
    }
}

fn trusting(keys: &[&Key], retired: &[&Key]) -> TrustedKeys {
    TrustedKeys::new(
        keys.iter()
            .map(|k| TrustedKey::from_text(&k.public).unwrap())
            .collect(),
    )
    .with_retired(retired.iter().map(|k| k.id).collect())
}

fn rotate(from: &Key, to: &Key) -> String {
    sign_rotation(&from.secret, &to.public, t0()).unwrap()
}

/// A pack of the tiny programme signed by `by`, carrying `rotations`.
fn pack(fx: &Fixture, by: &Key, version: u64, rotations: &[String]) -> Result<PathBuf, BuildError> {
    let out = fx.path(&format!("v{version}-{}.iopack", by.id));
    let media = fx.media(&[]);
    let approval = Approval {
        approved_by: "Content lead".into(),
        reference: "CR-1".into(),
    };
    let options = BuildOptions {
        version,
        created: t0(),
        expires: None,
        rotations: rotations.to_vec(),
    };
    let programme = tiny_programme("rotated");
    build_pack(
        &PackInput {
            pack_id: "test-pack",
            approval: &approval,
            programme: &programme,
            media: &media,
        },
        &options,
        &by.secret,
        &out,
        &mut |_, _| {},
    )?;
    Ok(out)
}

fn verify(path: &Path, keys: &TrustedKeys) -> Result<VerifiedPack, PackError> {
    UnverifiedPack::open(path, &Limits::default())?.verify(keys)
}

fn walked(p: &VerifiedPack) -> Vec<(KeyId, KeyId)> {
    p.rotations()
        .iter()
        .map(|r| (r.from, r.to.key_id()))
        .collect()
}

#[test]
fn a_chain_old_new_newer_moves_a_kiosk_from_wherever_it_is_on_it() {
    let fx = Fixture::new();
    let (old, new, newer) = (key(), key(), key());
    let chain = [rotate(&old, &new), rotate(&new, &newer)];
    let p = pack(&fx, &newer, 3, &chain).unwrap();

    let from_old = verify(&p, &trusting(&[&old], &[])).unwrap();
    assert_eq!(from_old.signer(), newer.id);
    assert_eq!(walked(&from_old), [(old.id, new.id), (new.id, newer.id)]);
    // A kiosk that already moved to `new` walks only the last link.
    let from_new = verify(&p, &trusting(&[&new], &[&old])).unwrap();
    assert_eq!(walked(&from_new), [(new.id, newer.id)]);
    // One that trusts `newer` needs no rotation.
    let already = verify(&p, &trusting(&[&newer], &[&old, &new])).unwrap();
    assert!(already.rotations().is_empty());
    // And every file still checks out.
    from_old.read_programme().unwrap();
    // The new key's public key travels whole, as a kiosk will store it.
    let stored = &from_old.rotations()[1].to_public_key;
    assert_eq!(TrustedKey::from_text(stored).unwrap().key_id(), newer.id);
}

#[test]
fn a_rotation_no_trusted_key_signed_is_refused() {
    let fx = Fixture::new();
    let (old, new, stranger) = (key(), key(), key());
    // The stranger says they take over from themselves to `new`: the kiosk
    // trusts `old`, so nothing connects.
    let p = pack(&fx, &new, 2, &[rotate(&stranger, &new)]).unwrap();
    let e = verify(&p, &trusting(&[&old], &[])).err().unwrap();
    assert!(
        matches!(e, PackError::UntrustedRotation { from: Some(f), signer, .. } if f == stranger.id && signer == new.id),
        "{e}"
    );
    assert!(
        e.to_string()
            .contains("the rotation was refused and nothing changed"),
        "{e}"
    );
    // A pack signed by `new` with no rotation at all is simply untrusted.
    let plain = pack(&fx, &new, 4, &[]).unwrap();
    assert!(matches!(
        verify(&plain, &trusting(&[&old], &[])),
        Err(PackError::UntrustedSigner { .. })
    ));
}

/// The pack's `key-rotations.toml` as a kiosk reads it.
fn chain_bytes(p: &Path) -> Vec<u8> {
    let out = Command::new("tar")
        .arg("-xOf")
        .arg(p)
        .arg(ROTATIONS_NAME)
        .output()
        .expect("GNU tar runs");
    assert!(out.status.success(), "GNU tar reads the pack's rotations");
    out.stdout
}

#[test]
fn a_changed_or_forged_statement_is_refused() {
    let fx = Fixture::new();
    let (old, new, stranger) = (key(), key(), key());
    let p = pack(&fx, &new, 2, &[rotate(&old, &new)]).unwrap();
    let bytes = chain_bytes(&p);
    let keys = trusting(&[&old], &[]);
    assert_eq!(resolve(&keys, &bytes, new.id).unwrap().len(), 1);

    // The date moved on: the signature no longer matches.
    let text = String::from_utf8(bytes.clone()).unwrap();
    let changed = text.replace("2026-11-01", "2027-11-01");
    assert_ne!(changed, text);
    let e = resolve(&keys, changed.as_bytes(), new.id).unwrap_err();
    assert!(
        matches!(e, PackError::RotationInvalid { index: 1, key } if key == old.id),
        "{e}"
    );

    // "from old" signed by a stranger's key: refused, even though the
    // statement names a trusted key.
    let statement = text
        .split("statement = \"\"\"\n")
        .nth(1)
        .and_then(|s| s.split("\"\"\"").next())
        .expect("the statement is a multi-line TOML string");
    let forged_sig = stranger
        .secret
        .sign(statement.as_bytes(), "forged")
        .unwrap();
    let forged = toml::to_string(&toml::toml! {
        [[rotation]]
        statement = statement
        signature = forged_sig
    })
    .unwrap();
    let e = resolve(&keys, forged.as_bytes(), new.id).unwrap_err();
    assert!(matches!(e, PackError::RotationInvalid { .. }), "{e}");

    // Not a statement at all.
    let e = resolve(&keys, b"rotation = 3", new.id).unwrap_err();
    assert!(matches!(e, PackError::RotationMalformed(_)), "{e}");
}

#[test]
fn retired_keys_stay_retired() {
    let fx = Fixture::new();
    let (old, new) = (key(), key());
    // After the move: trusts `new`, `old` retired.
    let moved = trusting(&[&new], &[&old]);
    let by_old = pack(&fx, &old, 5, &[]).unwrap();
    let e = verify(&by_old, &moved).err().unwrap();
    assert!(
        matches!(e, PackError::RetiredSigner(k) if k == old.id),
        "{e}"
    );
    assert!(e.to_string().contains("retired"), "{e}");
    // Listing a retired key as trusted does not bring it back.
    let both = trusting(&[&new, &old], &[&old]);
    assert!(matches!(
        verify(&by_old, &both),
        Err(PackError::RetiredSigner(_))
    ));
    // Nor does a rotation from the current key back to the retired one.
    let back = pack(&fx, &old, 6, &[rotate(&new, &old)]).unwrap();
    let e = verify(&back, &moved).err().unwrap();
    assert!(
        matches!(
            e,
            PackError::RetiredSigner(_) | PackError::RotationToRetired { .. }
        ),
        "{e}"
    );
}

#[test]
fn pack_build_refuses_a_chain_with_a_gap_or_not_ending_at_its_key() {
    let fx = Fixture::new();
    let (a, b, c) = (key(), key(), key());
    // a → b, then c → ... : a gap.
    let e = pack(&fx, &c, 2, &[rotate(&a, &b), rotate(&c, &a)]).unwrap_err();
    assert!(
        matches!(
            e,
            BuildError::Rotation(PackError::RotationChainBroken { index: 2, .. })
        ),
        "{e}"
    );
    // a → b, but the pack is signed by c.
    let e = pack(&fx, &c, 3, &[rotate(&a, &b)]).unwrap_err();
    assert!(
        matches!(
            e,
            BuildError::Rotation(PackError::RotationChainBroken { index: 2, .. })
        ),
        "{e}"
    );
    assert!(
        e.to_string()
            .contains("ending with the key that signs the pack"),
        "{e}"
    );
    // A rotation to itself is not one.
    assert!(matches!(
        sign_rotation(&a.secret, &a.public, t0()),
        Err(KeyError::RotationToSelf(_))
    ));
}

#[test]
fn the_minisign_tool_checks_a_rotation_statement() {
    let fx = Fixture::new();
    let (old, new) = (key(), key());
    let text = rotate(&old, &new);
    let file: toml::Table = toml::from_str(&text).unwrap();
    let statement = fx.path("statement");
    std::fs::write(&statement, file["statement"].as_str().unwrap()).unwrap();
    std::fs::write(
        fx.path("statement.minisig"),
        file["signature"].as_str().unwrap(),
    )
    .unwrap();
    std::fs::write(fx.path("old.pub"), &old.public).unwrap();
    let check = |public: &str| {
        Command::new("minisign")
            .arg("-Vq")
            .arg("-p")
            .arg(fx.path(public))
            .arg("-m")
            .arg(&statement)
            .status()
            .expect("the minisign tool runs (.ci/setup installs it)")
            .success()
    };
    assert!(check("old.pub"), "minisign accepts the old key's signature");
    std::fs::write(fx.path("new.pub"), &new.public).unwrap();
    assert!(!check("new.pub"), "minisign: the new key did not sign it");
}
