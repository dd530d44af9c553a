//! A content key rotation travels from USB: a kiosk that trusts the old key
//! installs a pack signed by the new one and carrying the rotation, and
//! from then on trusts only the new key, with the old one retired, with no
//! visit from IT. The chain goes on (old → new → newer); a pack signed by a
//! retired key, and a rotation no trusted key signed, are refused and
//! change nothing.

use content_pack::{generate_keys, sign_rotation, KeyProtection, SigningKey};
use kiosk_core::{KioskConfig, KioskError, OfferStatus};

use crate::util::{build_sample_rotating, provisioned, t0, TestKiosk};

fn new_key() -> (SigningKey, String) {
    let keys = generate_keys(KeyProtection::Unencrypted).unwrap();
    (
        SigningKey::from_text(&keys.secret_key, None).unwrap(),
        keys.public_key,
    )
}

fn config(tk: &TestKiosk) -> KioskConfig {
    KioskConfig::load(&kiosk_core::DataDir::new(&tk.dir)).unwrap()
}

fn trusted(tk: &TestKiosk) -> Vec<String> {
    let ids = config(tk).trusted().unwrap().ids();
    ids.iter().map(ToString::to_string).collect()
}

#[test]
fn a_kiosk_follows_the_content_teams_new_keys_from_usb_and_never_goes_back() {
    let tk = provisioned();
    let old = &tk.content_key;
    let (new, new_pub) = new_key();
    let (newer, newer_pub) = new_key();
    let old_to_new = sign_rotation(old, &new_pub, t0()).unwrap();
    let new_to_newer = sign_rotation(&new, &newer_pub, t0()).unwrap();
    assert_eq!(trusted(&tk), [old.key_id().to_string()]);

    // Version 2, signed by the new key, carrying old → new.
    let v2 = tk.usb.join("v2.iopack");
    build_sample_rotating(&new, 2, std::slice::from_ref(&old_to_new), &v2);
    let mut k = tk.open();
    let offers = k.usb_offers().unwrap();
    assert!(
        matches!(&offers[0].status, OfferStatus::Ready { version: 2, signer, .. } if *signer == new.key_id().to_string()),
        "{:?}",
        offers[0].status
    );
    let outcome = k.import(&v2, &mut |_, _| {}).unwrap();
    assert_eq!(outcome.version, 2);
    assert_eq!(
        outcome.to_string(),
        format!(
            "Installed programme version 2. The content team's key moved from {} to {}: \
             this kiosk now trusts the new key",
            old.key_id(),
            new.key_id()
        )
    );
    assert_eq!(trusted(&tk), [new.key_id().to_string()]);
    assert_eq!(config(&tk).retired_keys, [old.key_id().to_string()]);
    let audit = k.audit_lines(50).unwrap();
    assert!(audit.iter().any(|l| l.event == "key-rotated"
        && l.detail == format!("from={} to={}", old.key_id(), new.key_id())));

    // A pack signed by the retired key is refused, and nothing changes.
    let before = std::fs::read(tk.dir.join("kiosk.toml")).unwrap();
    let by_old = tk.usb.join("v3-old.iopack");
    build_sample_rotating(old, 3, &[], &by_old);
    let e = k.import(&by_old, &mut |_, _| {}).unwrap_err();
    assert!(
        matches!(
            e,
            KioskError::Pack(content_pack::PackError::RetiredSigner(_))
        ),
        "{e}"
    );
    assert_eq!(k.programme_version(), Some(2));

    // A rotation that no trusted key signed: refused, nothing changes.
    let (stranger, _) = new_key();
    let (taken, taken_pub) = new_key();
    let hijack = tk.usb.join("v3-hijack.iopack");
    let forged = sign_rotation(&stranger, &taken_pub, t0()).unwrap();
    build_sample_rotating(&taken, 3, &[forged], &hijack);
    let e = k.import(&hijack, &mut |_, _| {}).unwrap_err();
    assert!(
        e.to_string()
            .contains("the rotation was refused and nothing changed"),
        "{e}"
    );
    assert_eq!(std::fs::read(tk.dir.join("kiosk.toml")).unwrap(), before);

    // Version 3, signed by the newer key, carrying the whole chain: this
    // kiosk skips the link it has followed and walks the next.
    let v3 = tk.usb.join("v3.iopack");
    build_sample_rotating(&newer, 3, &[old_to_new, new_to_newer], &v3);
    let outcome = k.import(&v3, &mut |_, _| {}).unwrap();
    assert_eq!(outcome.rotations.len(), 1);
    assert_eq!(trusted(&tk), [newer.key_id().to_string()]);
    let mut retired = config(&tk).retired_keys;
    retired.sort();
    let mut expected = vec![old.key_id().to_string(), new.key_id().to_string()];
    expected.sort();
    assert_eq!(retired, expected);

    // After a restart the kiosk still has version 3 and the newer key.
    drop(k);
    let k = tk.open();
    assert_eq!(k.programme_version(), Some(3));
}
