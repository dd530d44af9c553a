//! Turning a prison number into a pseudonym, at once.
//!
//! A prison number (one letter, four digits, two letters, e.g. `A1234BC`) is
//! normalised (upper case, spaces removed), checked, and replaced by
//! HMAC-SHA256(kiosk secret, normalised number). The raw text is wiped from
//! memory as soon as the facade's call returns (whatever the outcome), and
//! never stored, logged or put in an error message.

use std::fmt;
use std::path::Path;

use attendance_export::pseudonym::{PseudonymKey, PseudonymKeyError};
use attendance_export::PseudonymKeyId;
use hmac::{Hmac, Mac};
use sha2::Sha256;
use zeroize::Zeroizing;

use crate::error::KioskError;

/// Length of the kiosk secret, in bytes.
pub const SECRET_LEN: usize = attendance_export::pseudonym::KEY_LEN;

/// The pseudonym of one participant on this kiosk: 32 bytes, shown as hex.
#[derive(Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Pseudonym(pub(crate) [u8; 32]);

impl Pseudonym {
    /// The raw bytes.
    pub fn as_bytes(&self) -> &[u8; 32] {
        &self.0
    }
    /// From stored bytes.
    pub(crate) fn from_slice(b: &[u8]) -> Option<Pseudonym> {
        b.try_into().ok().map(Pseudonym)
    }
}

impl fmt::Display for Pseudonym {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for b in self.0 {
            write!(f, "{b:02x}")?;
        }
        Ok(())
    }
}

impl fmt::Debug for Pseudonym {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Pseudonym({self})")
    }
}

/// Holds the kiosk secret and makes pseudonyms.
pub struct Pseudonymiser {
    secret: Zeroizing<[u8; SECRET_LEN]>,
}

impl Pseudonymiser {
    /// From the secret's bytes.
    pub fn new(secret: [u8; SECRET_LEN]) -> Pseudonymiser {
        Pseudonymiser {
            secret: Zeroizing::new(secret),
        }
    }

    /// Reads the `secret` file (64 hex digits: the kiosk's own key, or its
    /// prison's site key).
    pub fn load(path: &Path) -> Result<Pseudonymiser, KioskError> {
        let key = PseudonymKey::read(path).map_err(|e| match e {
            PseudonymKeyError::Read { path, cause } => KioskError::Io { path, cause },
            e => KioskError::Config {
                path: path.to_owned(),
                problem: e.to_string(),
            },
        })?;
        Ok(Pseudonymiser {
            secret: Zeroizing::new(*key.as_bytes()),
        })
    }

    /// The public id of the key, written into every export so the report
    /// knows which kiosks' pseudonyms can be compared.
    pub fn key_id(&self) -> PseudonymKeyId {
        PseudonymKeyId::of(&self.secret)
    }

    /// Normalises and checks `number` and returns its pseudonym. The
    /// normalised copy is wiped before this returns; the caller wipes its own
    /// (the facade holds it in a [`Zeroizing`] for the length of one call).
    /// The error never repeats what was typed.
    pub fn pseudonymise(&self, number: &str) -> Result<Pseudonym, KioskError> {
        let normal = normalise(number);
        let normal = normal.ok_or(KioskError::BadPrisonNumber)?;
        // ok: HMAC accepts keys of any length.
        let mut mac = <Hmac<Sha256> as Mac>::new_from_slice(&self.secret[..])
            .unwrap_or_else(|_| unreachable!("HMAC takes any key length"));
        mac.update(normal.as_bytes());
        Ok(Pseudonym(mac.finalize().into_bytes().into()))
    }
}

/// Upper-cases, drops spaces, and checks the shape `A1234BC`.
fn normalise(number: &str) -> Option<Zeroizing<String>> {
    let mut s = Zeroizing::new(String::with_capacity(8));
    for c in number.chars().filter(|c| !c.is_whitespace()) {
        if s.len() >= 7 {
            return None;
        }
        s.push(c.to_ascii_uppercase());
    }
    let b = s.as_bytes();
    let ok = b.len() == 7
        && b[0].is_ascii_uppercase()
        && b[1..5].iter().all(u8::is_ascii_digit)
        && b[5..7].iter().all(u8::is_ascii_uppercase);
    ok.then_some(s)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_case_and_spaces() {
        let p = Pseudonymiser::new([7; 32]);
        let a = p.pseudonymise("a1234bc").unwrap();
        let b = p.pseudonymise(" A 1234 BC ").unwrap();
        assert_eq!(a, b);
        assert_ne!(a, p.pseudonymise("A1234BD").unwrap());
        let other = Pseudonymiser::new([8; 32]);
        assert_ne!(a, other.pseudonymise("A1234BC").unwrap());
    }

    #[test]
    fn refuses_other_shapes_without_echoing() {
        let p = Pseudonymiser::new([7; 32]);
        for bad in [
            "", "1234ABC", "A123BC", "A12345BC", "AB1234C", "A1234B", "A1234BCD", "Ä1234BC",
        ] {
            let e = p.pseudonymise(bad).unwrap_err();
            assert!(matches!(e, KioskError::BadPrisonNumber), "{bad}");
            // The message is the same whatever was typed: nothing is echoed.
            assert_eq!(e.to_string(), KioskError::BadPrisonNumber.to_string());
        }
    }
}
