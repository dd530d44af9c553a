//! Sign-in by PIN, signing out, the idle lock and its warning.

use super::Kiosk;
use crate::auth::{self, HumanDuration, SignInError};
use crate::db::AuditEvent;
use crate::error::KioskError;

/// Who is at the kiosk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum AuthState {
    /// The PIN screen; nobody is signed in.
    SignedOut,
    /// A facilitator is signed in.
    SignedIn {
        /// Their id.
        facilitator_id: String,
    },
    /// Locked after being idle: the PIN screen, but the session in progress
    /// is kept and resumes after any facilitator's PIN.
    IdleLocked {
        /// Who was signed in.
        facilitator_id: String,
    },
}

/// A successful sign-in.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignedIn {
    /// The facilitator's id.
    pub facilitator_id: String,
    /// Whether a session is in progress (the UI goes straight back to it).
    pub session_in_progress: bool,
}

/// Proof that the signed-in facilitator has just typed their PIN again
/// ([`Kiosk::confirm_own_pin`]); only kiosk-core can make one.
#[derive(Debug)]
pub struct StaffConfirmed {
    pub(crate) facilitator: String,
}

/// Where the idle time stands (see [`Kiosk::check_idle`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum IdleState {
    /// Someone touched the kiosk recently enough.
    Active,
    /// During a session: the kiosk locks in this many seconds unless touched.
    Warning {
        /// Seconds until it locks.
        seconds_left: u32,
    },
    /// Locked, or nobody is signed in.
    Locked,
}

impl Kiosk {
    /// Who is at the kiosk.
    pub fn auth_state(&self) -> &AuthState {
        &self.auth
    }

    /// If sign-in is locked after wrong PINs, the text for the PIN screen.
    pub fn sign_in_locked(&self) -> Result<Option<String>, KioskError> {
        let l = self.db.lockout()?;
        Ok(l.remaining(self.now()).map(|d| {
            format!(
                "Too many wrong PINs. Sign-in is locked for {}.",
                HumanDuration(d)
            )
        }))
    }

    /// Signs in with a PIN (any facilitator's), or unlocks after an idle lock.
    /// Wrong PINs count towards a lock that grows and survives restarts.
    pub fn sign_in(&mut self, pin: &str) -> Result<SignedIn, SignInError> {
        let now = self.now();
        let lockout = self.db.lockout()?;
        if let Some(remaining) = lockout.remaining(now) {
            return Err(SignInError::Locked { remaining });
        }
        let facilitators = self.db.facilitators()?;
        if facilitators.is_empty() {
            return Err(SignInError::NoFacilitators);
        }
        let found = facilitators
            .iter()
            .find(|(_, hash)| auth::pin_matches(pin, hash))
            .map(|(id, _)| id.clone());
        match found {
            Some(id) => {
                self.db.set_lockout(&auth::Lockout::default())?;
                self.db.audit(now, AuditEvent::SignIn(&id))?;
                self.auth = AuthState::SignedIn {
                    facilitator_id: id.clone(),
                };
                self.last_activity = now;
                Ok(SignedIn {
                    facilitator_id: id,
                    session_in_progress: self.run.is_some(),
                })
            }
            None => {
                let l = lockout.after_failure(now);
                self.db.set_lockout(&l)?;
                self.db.audit(now, AuditEvent::WrongPin(l.failures))?;
                let locked_for = l.remaining(now);
                if let Some(d) = locked_for {
                    self.db
                        .audit(now, AuditEvent::SignInLocked(d.num_seconds()))?;
                }
                Err(SignInError::WrongPin {
                    tries_left: l.tries_left(),
                    locked_for,
                })
            }
        }
    }

    /// Checks that `pin` is the signed-in facilitator's own, before a
    /// staff-only action; the token it returns is what such an action takes.
    /// A wrong PIN counts towards the lockout, as at sign-in.
    pub fn confirm_own_pin(&mut self, pin: &str) -> Result<StaffConfirmed, KioskError> {
        let id = self.signed_in()?.to_owned();
        let now = self.now();
        let lockout = self.db.lockout()?;
        if let Some(remaining) = lockout.remaining(now) {
            return Err(KioskError::PinNotConfirmed(format!(
                "Too many wrong PINs. Try again in {}.",
                HumanDuration(remaining)
            )));
        }
        let ok = self
            .db
            .facilitators()?
            .iter()
            .any(|(who, hash)| *who == id && auth::pin_matches(pin, hash));
        if ok {
            return Ok(StaffConfirmed { facilitator: id });
        }
        let l = lockout.after_failure(now);
        self.db.set_lockout(&l)?;
        self.db.audit(now, AuditEvent::WrongPin(l.failures))?;
        Err(KioskError::PinNotConfirmed(
            "That is not your PIN: nothing was exported. Type your own PIN to confirm.".into(),
        ))
    }

    /// For headless tools (`simulate`) only: act as `operator` without a PIN.
    /// Audited; the UI never calls this.
    pub fn sign_in_headless(&mut self, operator: &str) -> Result<(), KioskError> {
        let now = self.now();
        self.db.audit(now, AuditEvent::HeadlessSignIn(operator))?;
        self.auth = AuthState::SignedIn {
            facilitator_id: operator.to_owned(),
        };
        self.last_activity = now;
        Ok(())
    }

    /// Signs out. A session in progress is kept and resumes at the next sign-in.
    pub fn sign_out(&mut self) -> Result<(), KioskError> {
        if let AuthState::SignedIn { facilitator_id } | AuthState::IdleLocked { facilitator_id } =
            &self.auth
        {
            self.db
                .audit(self.now(), AuditEvent::SignOut(facilitator_id))?;
        }
        self.auth = AuthState::SignedOut;
        Ok(())
    }

    /// Records a touch or key press (resets the idle timer).
    pub fn touch(&mut self) {
        self.last_activity = self.now();
    }

    /// Locks now (back to the PIN screen, the session kept).
    pub fn lock(&mut self) -> Result<(), KioskError> {
        if let AuthState::SignedIn { facilitator_id } = &self.auth {
            self.db.audit(self.now(), AuditEvent::IdleLock)?;
            self.auth = AuthState::IdleLocked {
                facilitator_id: facilitator_id.clone(),
            };
        }
        Ok(())
    }

    /// Locks if nothing happened for long enough, and says where the idle
    /// time stands. The UI calls this from a timer. Outside a session the
    /// kiosk locks after `idle_minutes`; during one, after the much longer
    /// `session_idle_minutes` (a group talks for a long time without
    /// touching the screen), with a countdown in the last
    /// `idle_warning_seconds` that any touch dismisses.
    pub fn check_idle(&mut self) -> Result<IdleState, KioskError> {
        let state = self.idle_state();
        if state == IdleState::Locked && matches!(self.auth, AuthState::SignedIn { .. }) {
            self.lock()?;
        }
        Ok(state)
    }

    /// Where the idle time stands, without acting on it.
    pub fn idle_state(&self) -> IdleState {
        if !matches!(self.auth, AuthState::SignedIn { .. }) {
            return IdleState::Locked;
        }
        let c = &self.config;
        let (minutes, warning) = if self.run.is_some() {
            (c.session_idle_minutes, i64::from(c.idle_warning_seconds))
        } else {
            (c.idle_minutes, 0)
        };
        let left = i64::from(minutes) * 60 - (self.now() - self.last_activity).num_seconds();
        if left <= 0 {
            IdleState::Locked
        } else if left <= warning {
            IdleState::Warning {
                seconds_left: left as u32,
            }
        } else {
            IdleState::Active
        }
    }

    /// The PIN pad's keys in reading order (3 columns; "" leaves a gap):
    /// in a new random order each call when the kiosk scrambles its PIN pad.
    pub fn pin_pad_keys(&self) -> Vec<String> {
        let mut digits: Vec<String> = (1..=9).chain([0]).map(|d| d.to_string()).collect();
        if self.config.scrambles_pin_pad() {
            use rand::seq::SliceRandom;
            digits.shuffle(&mut rand::rngs::OsRng);
        }
        let last = digits.pop().unwrap_or_default();
        digits.extend([String::new(), last, String::new()]);
        digits
    }

    pub(crate) fn signed_in(&self) -> Result<&str, KioskError> {
        match &self.auth {
            AuthState::SignedIn { facilitator_id } => Ok(facilitator_id),
            _ => Err(KioskError::NotSignedIn),
        }
    }
}
