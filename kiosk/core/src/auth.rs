//! Facilitator PINs: the rules for a new PIN, Argon2id hashing, and the
//! lockout that grows with repeated wrong PINs.
//!
//! Each facilitator has their own lockout, so one person's wrong PINs never
//! lock a colleague out; the kiosk as a whole has a second, higher ceiling,
//! so trying each facilitator in turn does not buy unlimited guesses. The
//! policy is pure ([`Lockout`]); the facade persists both in the database so
//! a restart does not reset them.

use std::fmt;

use argon2::password_hash::{rand_core::OsRng, PasswordHash, PasswordHasher, SaltString};
use argon2::{Argon2, PasswordVerifier};
use chrono::{DateTime, Duration, Utc};

use content_pack::Language;

use crate::error::KioskError;
use crate::words::{tr, trf};

/// Shortest PIN accepted.
pub const MIN_PIN_LEN: usize = 6;
/// Longest PIN accepted.
pub const MAX_PIN_LEN: usize = 12;
/// Wrong PINs one facilitator may type before their sign-in locks.
pub const FREE_TRIES: u32 = 5;
/// Wrong PINs allowed on the whole kiosk, whoever they were typed for,
/// before sign-in locks for everyone.
pub const KIOSK_FREE_TRIES: u32 = 10;
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

/// Whose sign-in a lock stops.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum LockScope {
    /// One facilitator's (by id); the others can still sign in.
    Facilitator(String),
    /// Everyone's: too many wrong PINs on this kiosk.
    Kiosk,
}

/// The persisted lockout state, of one facilitator or of the kiosk.
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

    /// The state after one more wrong PIN at `now`, when `free` wrong PINs
    /// are allowed before the first lock.
    pub fn after_failure(self, now: DateTime<Utc>, free: u32) -> Lockout {
        let failures = self.failures.saturating_add(1);
        let locked_until = if failures >= free {
            let doublings = (failures - free).min(16);
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

    /// Wrong PINs left before the next lock, when `free` are allowed.
    pub fn tries_left(&self, free: u32) -> u32 {
        free.saturating_sub(self.failures)
    }
}

/// Why sign-in did not succeed; `Display` is the text for the sign-in screen.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SignInError {
    /// That is not the facilitator's PIN.
    #[error("{}", wrong_pin_text(Language::En, *.tries_left, .locked.as_ref()))]
    WrongPin {
        /// Wrong PINs left before sign-in locks (0 when this one locked it).
        tries_left: u32,
        /// Set when this wrong PIN locked sign-in: whose, and for how long.
        locked: Option<(LockScope, Duration)>,
    },
    /// Sign-in is locked after repeated wrong PINs.
    #[error("{}", lock_text(Language::En, .scope, *.remaining))]
    Locked {
        /// Whose sign-in.
        scope: LockScope,
        /// Time left.
        remaining: Duration,
    },
    /// The screen offered a facilitator who has since been removed.
    #[error("{0} is no longer a facilitator on this kiosk. Choose your id again.")]
    UnknownFacilitator(String),
    /// The kiosk has no facilitators yet.
    #[error("No facilitators are set up on this kiosk: ask IT to run `insideout-provision kiosk add-facilitator`.")]
    NoFacilitators,
    /// The database could not be used.
    #[error(transparent)]
    Kiosk(#[from] KioskError),
}

impl SignInError {
    /// The text for the sign-in screen, in `l` (staff's problems, such as
    /// a database failure, in English).
    pub fn said(&self, l: Language) -> String {
        match self {
            SignInError::WrongPin { tries_left, locked } => {
                wrong_pin_text(l, *tries_left, locked.as_ref())
            }
            SignInError::Locked { scope, remaining } => lock_text(l, scope, *remaining),
            SignInError::UnknownFacilitator(id) => trf(
                l,
                "{} is no longer a facilitator on this kiosk. Choose your id again.",
                &[id],
            ),
            other => other.to_string(),
        }
    }
}

fn wrong_pin_text(l: Language, tries_left: u32, locked: Option<&(LockScope, Duration)>) -> String {
    match (locked, tries_left) {
        (Some((scope, d)), _) => trf(l, "Wrong PIN. {}", &[&lock_text(l, scope, *d)]),
        (None, 1) => tr(l, "Wrong PIN. 1 try left before sign-in locks.").to_owned(),
        (None, n) => trf(l, "Wrong PIN. {} tries left before sign-in locks.", &[&n]),
    }
}

/// What the sign-in screen says while a lock lasts, in `l`.
pub fn lock_text(l: Language, scope: &LockScope, remaining: Duration) -> String {
    let remaining = HumanDuration(remaining).said(l);
    match scope {
        LockScope::Facilitator(id) => trf(
            l,
            "Too many wrong PINs for {}: their sign-in is locked for {}. Other facilitators can still sign in.",
            &[id, &remaining],
        ),
        LockScope::Kiosk => trf(
            l,
            "Too many wrong PINs on this kiosk: sign-in is locked for everyone for {}.",
            &[&remaining],
        ),
    }
}

/// A duration as people say it: "1 minute 5 seconds".
#[derive(Debug, Clone, Copy)]
pub struct HumanDuration(pub Duration);

impl HumanDuration {
    /// As people say it in `l`; Welsh counts with the singular ("5 munud").
    pub fn said(self, l: Language) -> String {
        // Round up, so "0 seconds" is never shown while still locked.
        let total = (self.0.num_milliseconds().max(0) + 999) / 1000;
        let (m, s) = (total / 60, total % 60);
        let unit = |n: i64, one: &'static str, many: &'static str| {
            trf(l, if n == 1 { one } else { many }, &[&n])
        };
        let minutes = || unit(m, "{} minute", "{} minutes");
        let seconds = || unit(s, "{} second", "{} seconds");
        match (m, s) {
            (0, _) => seconds(),
            (_, 0) => minutes(),
            _ => format!("{} {}", minutes(), seconds()),
        }
    }
}

impl fmt::Display for HumanDuration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.said(Language::En))
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
            l = l.after_failure(t, FREE_TRIES);
            assert_eq!(l.tries_left(FREE_TRIES), FREE_TRIES - 1 - i);
            assert!(l.remaining(t).is_none());
        }
        l = l.after_failure(t, FREE_TRIES);
        assert_eq!(l.remaining(t), Some(Duration::seconds(60)));
        l = l.after_failure(t + Duration::seconds(61), FREE_TRIES);
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
