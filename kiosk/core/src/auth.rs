//! Facilitator PINs: the rules for a new PIN, Argon2id hashing, and the
//! lockout that grows with repeated wrong PINs.
//!
//! The lockout policy is pure ([`Lockout`]); the facade persists it in the
//! database so a restart does not reset it.

use std::fmt;

use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, SaltString};
use argon2::{Argon2, PasswordVerifier};
use chrono::{DateTime, Duration, Utc};

use crate::error::KioskError;

/// Shortest PIN accepted.
pub const MIN_PIN_LEN: usize = 6;
/// Longest PIN accepted.
pub const MAX_PIN_LEN: usize = 12;
/// Wrong PINs allowed before sign-in locks.
pub const FREE_TRIES: u32 = 5;
/// The first lock; each further wrong PIN after a lock doubles it.
pub const FIRST_LOCK_SECONDS: i64 = 60;
/// The longest lock.
pub const MAX_LOCK_SECONDS: i64 = 60 * 60;

/// Checks a new PIN: 6 to 12 digits, not all one digit, not a run like 123456.
pub fn check_new_pin(pin: &str) -> Result<(), KioskError> {
    if !pin.bytes().all(|b| b.is_ascii_digit()) {
        return Err(KioskError::WeakPin("a PIN may contain digits only"));
    }
    if pin.len() < MIN_PIN_LEN || pin.len() > MAX_PIN_LEN {
        return Err(KioskError::WeakPin("a PIN must be 6 to 12 digits long"));
    }
    let b = pin.as_bytes();
    if b.iter().all(|&d| d == b[0]) {
        return Err(KioskError::WeakPin(
            "that PIN repeats one digit and is easy to guess; choose another",
        ));
    }
    let steps: Vec<i16> = b.windows(2).map(|w| w[1] as i16 - w[0] as i16).collect();
    if steps.iter().all(|&s| s == 1) || steps.iter().all(|&s| s == -1) {
        return Err(KioskError::WeakPin(
            "that PIN is a run of digits (like 123456) and is easy to guess; choose another",
        ));
    }
    if b.len().is_multiple_of(2) && b.chunks(2).all(|c| c == &b[..2]) {
        return Err(KioskError::WeakPin(
            "that PIN repeats a pair of digits and is easy to guess; choose another",
        ));
    }
    Ok(())
}

/// Hashes a PIN with Argon2id and a fresh salt (PHC string).
pub fn hash_pin(pin: &str) -> Result<String, KioskError> {
    let salt = SaltString::generate(&mut OsRng);
    Argon2::default()
        .hash_password(pin.as_bytes(), &salt)
        .map(|h| h.to_string())
        .map_err(|e| KioskError::InvalidSetting(format!("could not hash the PIN: {e}")))
}

/// Whether `pin` matches a stored PHC hash. A damaged hash never matches.
pub fn pin_matches(pin: &str, phc: &str) -> bool {
    PasswordHash::new(phc)
        .map(|h| {
            Argon2::default()
                .verify_password(pin.as_bytes(), &h)
                .is_ok()
        })
        .unwrap_or(false)
}

/// The persisted lockout state.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Lockout {
    /// Wrong PINs since the last successful sign-in.
    pub failures: u32,
    /// Sign-in is refused until then.
    pub locked_until: Option<DateTime<Utc>>,
}

impl Lockout {
    /// How long sign-in stays locked from `now`, if it is.
    pub fn remaining(&self, now: DateTime<Utc>) -> Option<Duration> {
        self.locked_until
            .map(|t| t - now)
            .filter(|d| *d > Duration::zero())
    }

    /// The state after one more wrong PIN at `now`.
    pub fn after_failure(self, now: DateTime<Utc>) -> Lockout {
        let failures = self.failures.saturating_add(1);
        let locked_until = if failures >= FREE_TRIES {
            let doublings = (failures - FREE_TRIES).min(16);
            let secs = (FIRST_LOCK_SECONDS << doublings).min(MAX_LOCK_SECONDS);
            Some(now + Duration::seconds(secs))
        } else {
            None
        };
        Lockout {
            failures,
            locked_until,
        }
    }

    /// Wrong PINs left before the next lock.
    pub fn tries_left(&self) -> u32 {
        FREE_TRIES.saturating_sub(self.failures)
    }
}

/// Why sign-in did not succeed; `Display` is the text for the sign-in screen.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SignInError {
    /// No facilitator has this PIN.
    #[error("{}", wrong_pin_text(*.tries_left, *.locked_for))]
    WrongPin {
        /// Wrong PINs left before sign-in locks (0 when this one locked it).
        tries_left: u32,
        /// Set when this wrong PIN locked sign-in.
        locked_for: Option<Duration>,
    },
    /// Sign-in is locked after repeated wrong PINs.
    #[error("Too many wrong PINs. Sign-in is locked for {}.", HumanDuration(*.remaining))]
    Locked {
        /// Time left.
        remaining: Duration,
    },
    /// The kiosk has no facilitators yet.
    #[error("No facilitators are set up on this kiosk: ask IT to run `insideout-provision kiosk add-facilitator`.")]
    NoFacilitators,
    /// The database could not be used.
    #[error(transparent)]
    Kiosk(#[from] KioskError),
}

fn wrong_pin_text(tries_left: u32, locked_for: Option<Duration>) -> String {
    match (locked_for, tries_left) {
        (Some(d), _) => format!(
            "Wrong PIN. Too many wrong PINs: sign-in is locked for {}.",
            HumanDuration(d)
        ),
        (None, 1) => "Wrong PIN. 1 try left before sign-in locks.".into(),
        (None, n) => format!("Wrong PIN. {n} tries left before sign-in locks."),
    }
}

/// A duration as people say it: "1 minute 5 seconds".
#[derive(Debug, Clone, Copy)]
pub struct HumanDuration(pub Duration);

impl fmt::Display for HumanDuration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        // Round up, so "0 seconds" is never shown while still locked.
        let total = (self.0.num_milliseconds().max(0) + 999) / 1000;
        let (m, s) = (total / 60, total % 60);
        let unit = |n: i64, one: &str| format!("{n} {one}{}", if n == 1 { "" } else { "s" });
        match (m, s) {
            (0, s) => f.write_str(&unit(s, "second")),
            (m, 0) => f.write_str(&unit(m, "minute")),
            (m, s) => write!(f, "{} {}", unit(m, "minute"), unit(s, "second")),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn weak_pins_are_refused() {
        for bad in [
            "000000", "123456", "654321", "12345", "12a456", "121212", "1111111",
        ] {
            assert!(check_new_pin(bad).is_err(), "{bad}");
        }
        for ok in ["274913", "8051946", "90210333"] {
            assert!(check_new_pin(ok).is_ok(), "{ok}");
        }
    }

    #[test]
    fn lockout_grows() {
        let t = DateTime::<Utc>::from_timestamp(1_800_000_000, 0).unwrap();
        let mut l = Lockout::default();
        for i in 0..FREE_TRIES - 1 {
            l = l.after_failure(t);
            assert_eq!(l.tries_left(), FREE_TRIES - 1 - i);
            assert!(l.remaining(t).is_none());
        }
        l = l.after_failure(t);
        assert_eq!(l.remaining(t), Some(Duration::seconds(60)));
        l = l.after_failure(t + Duration::seconds(61));
        assert_eq!(
            l.remaining(t + Duration::seconds(61)),
            Some(Duration::seconds(120))
        );
    }

    #[test]
    fn human_durations() {
        assert_eq!(
            HumanDuration(Duration::seconds(90)).to_string(),
            "1 minute 30 seconds"
        );
        assert_eq!(
            HumanDuration(Duration::seconds(120)).to_string(),
            "2 minutes"
        );
        assert_eq!(
            HumanDuration(Duration::milliseconds(200)).to_string(),
            "1 second"
        );
    }
}
