//! The pseudonym key: the secret a kiosk turns prison numbers into
//! pseudonyms with, and its public id.
//!
//! A kiosk either makes its own key at `kiosk init` (people are then counted
//! per kiosk) or is given its establishment's **site key**
//! (`insideout-provision site keygen`, then `kiosk init --pseudonym-key`), so
//! that every kiosk of one prison gives the same person the same pseudonym
//! and the report counts them once however many wings they attend on.
//!
//! The key never leaves the kiosk's data folder (mode 0600) and is never
//! written to an export. Each bundle carries the key's [`PseudonymKeyId`]: a
//! fingerprint that names the key without revealing it, so the report knows
//! which bundles' pseudonyms can be compared.

use std::fmt;
use std::path::Path;

use rand::RngCore;
use sha2::{Digest, Sha256};
use zeroize::Zeroizing;

/// Length of a pseudonym key, in bytes.
pub const KEY_LEN: usize = 32;

/// The first line of a site key file.
const SITE_KEY_HEADER: &str = "# InsideOut site pseudonym key";

/// The public id of a pseudonym key: the first 8 bytes of SHA-256 over a
/// fixed label and the key, as 16 hex digits. It tells two keys apart; it
/// cannot be turned back into the key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct PseudonymKeyId([u8; 8]);

impl PseudonymKeyId {
    /// The id of `key`.
    pub fn of(key: &[u8; KEY_LEN]) -> PseudonymKeyId {
        let mut h = Sha256::new();
        h.update(b"InsideOut pseudonym key id v1\0");
        h.update(key);
        let digest = h.finalize();
        let mut id = [0u8; 8];
        id.copy_from_slice(&digest[..8]);
        PseudonymKeyId(id)
    }
    /// Parses 16 lower-case hex digits (as written in a manifest).
    pub fn parse(text: &str) -> Option<PseudonymKeyId> {
        let mut id = [0u8; 8];
        let lower = text.bytes().all(|b| !b.is_ascii_uppercase());
        (lower && hex::decode_to_slice(text, &mut id).is_ok()).then_some(PseudonymKeyId(id))
    }
}

impl fmt::Display for PseudonymKeyId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&hex::encode(self.0))
    }
}

/// A pseudonym key file could not be read.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum PseudonymKeyError {
    /// Reading failed.
    #[error("cannot read the pseudonym key {path}: {cause}")]
    Read {
        /// The file.
        path: std::path::PathBuf,
        /// Why.
        cause: std::io::Error,
    },
    /// Not a key.
    #[error("{path} is not a pseudonym key (it should hold 64 hex digits, as `insideout-provision site keygen` writes)")]
    Malformed {
        /// The file.
        path: std::path::PathBuf,
    },
}

/// A pseudonym key, wiped from memory when dropped. Its `Debug` shows only
/// its id.
#[derive(Clone)]
pub struct PseudonymKey(Zeroizing<[u8; KEY_LEN]>);

impl fmt::Debug for PseudonymKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "PseudonymKey(id {})", self.id())
    }
}

impl PseudonymKey {
    /// A fresh random key.
    pub fn generate() -> PseudonymKey {
        let mut key = Zeroizing::new([0u8; KEY_LEN]);
        rand::rngs::OsRng.fill_bytes(&mut key[..]);
        PseudonymKey(key)
    }

    /// The key's bytes.
    pub fn as_bytes(&self) -> &[u8; KEY_LEN] {
        &self.0
    }

    /// The key's public id.
    pub fn id(&self) -> PseudonymKeyId {
        PseudonymKeyId::of(&self.0)
    }

    /// The key as a kiosk keeps it in its `secret` file: 64 hex digits.
    pub fn to_hex(&self) -> Zeroizing<String> {
        Zeroizing::new(hex::encode(&self.0[..]))
    }

    /// The text of a site key file: a comment saying what it is, and the
    /// key as 64 hex digits.
    pub fn to_site_key_text(&self) -> Zeroizing<String> {
        Zeroizing::new(format!(
            "{SITE_KEY_HEADER} (id {}). Keep it secret: with it and a list of prison\n\
             # numbers, anyone can re-identify the people in this prison's exports. Give it\n\
             # only to this prison's kiosks (kiosk init --pseudonym-key) and keep it locked away.\n{}\n",
            self.id(),
            *self.to_hex()
        ))
    }

    /// Reads a key file: a site key file, or a kiosk's own `secret` (64 hex
    /// digits). Lines starting with `#` are comments.
    pub fn read(path: &Path) -> Result<PseudonymKey, PseudonymKeyError> {
        let text = Zeroizing::new(std::fs::read_to_string(path).map_err(|cause| {
            PseudonymKeyError::Read {
                path: path.to_owned(),
                cause,
            }
        })?);
        let mut lines = text
            .lines()
            .map(str::trim)
            .filter(|l| !l.is_empty() && !l.starts_with('#'));
        let mut key = Zeroizing::new([0u8; KEY_LEN]);
        match (lines.next(), lines.next()) {
            (Some(hexed), None) if hex::decode_to_slice(hexed, &mut key[..]).is_ok() => {
                Ok(PseudonymKey(key))
            }
            _ => Err(PseudonymKeyError::Malformed {
                path: path.to_owned(),
            }),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_site_key_file_reads_back_and_its_id_is_stable() {
        let dir = tempfile::tempdir().unwrap();
        let key = PseudonymKey::generate();
        let path = dir.path().join("site.key");
        std::fs::write(&path, key.to_site_key_text().as_bytes()).unwrap();
        assert_eq!(
            PseudonymKey::read(&path).unwrap().as_bytes(),
            key.as_bytes()
        );
        let id = key.id();
        assert!(!format!("{key:?}").contains(&*key.to_hex()));
        assert_eq!(PseudonymKeyId::parse(&id.to_string()), Some(id));
        assert_ne!(PseudonymKeyId::of(&[0; 32]), PseudonymKeyId::of(&[1; 32]));
        assert_eq!(PseudonymKeyId::parse("ABCDEF0123456789"), None);
        assert_eq!(PseudonymKeyId::parse("abc"), None);
        // The id is not the key's first bytes.
        assert!(!key.to_hex().starts_with(&id.to_string()));
        std::fs::write(&path, "not a key\n").unwrap();
        assert!(matches!(
            PseudonymKey::read(&path),
            Err(PseudonymKeyError::Malformed { .. })
        ));
    }
}
