//! Sign-in by PIN, signing out, the idle lock and its warning.

use super::Kiosk;
use chrono::Duration;

use crate::auth::{self, HumanDuration, LockScope, SignInError};
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
    /// is kept and resumes after any facilitator signs in.
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

    /// If sign-in is locked after wrong PINs, the text for the PIN screen:
    /// the kiosk's lock, or else `facilitator`'s own.
    pub fn sign_in_locked(&self, facilitator: Option<&str>) -> Result<Option<String>, KioskError> {
        Ok(self
            .current_lock(facilitator)?
            .map(|(scope, d)| auth::lock_text(self.language, &scope, d)))
    }

    /// The facilitators who can sign in here, by id: the sign-in screen
    /// asks which one is at the kiosk before their PIN.
    pub fn facilitator_ids(&self) -> Result<Vec<String>, KioskError> {
        Ok(self
            .db
            .facilitators()?
            .into_iter()
            .map(|(id, _)| id)
            .collect())
    }

    /// The lock that stops `facilitator` signing in now, if any: the
    /// kiosk-wide one first.
    fn current_lock(
        &self,
        facilitator: Option<&str>,
    ) -> Result<Option<(LockScope, Duration)>, KioskError> {
        let now = self.now();
        if let Some(d) = self.db.lockout()?.remaining(now) {
            return Ok(Some((LockScope::Kiosk, d)));
        }
        let Some(id) = facilitator else {
            return Ok(None);
        };
        Ok(self
            .db
            .facilitator(id)?
            .and_then(|(_, l)| l.remaining(now))
            .map(|d| (LockScope::Facilitator(id.to_owned()), d)))
    }

    /// Signs `facilitator` in with their PIN, or unlocks after an idle lock
    /// (any facilitator may). Wrong PINs count towards that facilitator's
    /// lock and the kiosk's; both grow and survive restarts.
    pub fn sign_in(&mut self, facilitator: &str, pin: &str) -> Result<SignedIn, SignInError> {
        let now = self.now();
        if let Some((scope, remaining)) = self.current_lock(Some(facilitator))? {
            return Err(SignInError::Locked { scope, remaining });
        }
        if self.db.facilitators()?.is_empty() {
            return Err(SignInError::NoFacilitators);
        }
        let Some((hash, lockout)) = self.db.facilitator(facilitator)? else {
            // Only a stale screen offers an id that is gone; it still counts
            // towards the kiosk's ceiling.
            let kiosk = self
                .db
                .lockout()?
                .after_failure(now, auth::KIOSK_FREE_TRIES);
            self.db.set_lockout(&kiosk)?;
            return Err(SignInError::UnknownFacilitator(facilitator.to_owned()));
        };
        if !auth::pin_matches(pin, &hash) {
            let (tries_left, locked) = self.count_wrong_pin(facilitator, lockout)?;
            return Err(SignInError::WrongPin { tries_left, locked });
        }
        self.db.set_lockout(&auth::Lockout::default())?;
        self.db
            .set_facilitator_lockout(facilitator, &auth::Lockout::default())?;
        self.db.audit(now, AuditEvent::SignIn(facilitator))?;
        self.auth = AuthState::SignedIn {
            facilitator_id: facilitator.to_owned(),
        };
        self.last_activity = now;
        Ok(SignedIn {
            facilitator_id: facilitator.to_owned(),
            session_in_progress: self.run.is_some(),
        })
    }

    /// Counts a wrong PIN typed for `facilitator` (whose lockout was
    /// `lockout`) against them and the kiosk, audited: the tries left before
    /// the nearer lock, and the lock it started, if it did.
    fn count_wrong_pin(
        &mut self,
        facilitator: &str,
        lockout: auth::Lockout,
    ) -> Result<(u32, Option<(LockScope, Duration)>), KioskError> {
        let now = self.now();
        let own = lockout.after_failure(now, auth::FREE_TRIES);
        let kiosk = self
            .db
            .lockout()?
            .after_failure(now, auth::KIOSK_FREE_TRIES);
        self.db.set_facilitator_lockout(facilitator, &own)?;
        self.db.set_lockout(&kiosk)?;
        self.db.audit(
            now,
            AuditEvent::WrongPin {
                facilitator,
                failures: own.failures,
                kiosk_failures: kiosk.failures,
            },
        )?;
        let locked = match (kiosk.remaining(now), own.remaining(now)) {
            (Some(d), _) => Some((LockScope::Kiosk, d)),
            (None, Some(d)) => Some((LockScope::Facilitator(facilitator.to_owned()), d)),
            (None, None) => None,
        };
        if let Some((scope, d)) = &locked {
            let who = match scope {
                LockScope::Facilitator(id) => Some(id.as_str()),
                LockScope::Kiosk => None,
            };
            self.db
                .audit(now, AuditEvent::SignInLocked(who, d.num_seconds()))?;
        }
        let tries_left = own
            .tries_left(auth::FREE_TRIES)
            .min(kiosk.tries_left(auth::KIOSK_FREE_TRIES));
        Ok((tries_left, locked))
    }

    /// Checks that `pin` is the signed-in facilitator's own, before a
    /// staff-only action; the token it returns is what such an action takes.
    /// A wrong PIN counts towards the lockouts, as at sign-in.
    pub fn confirm_own_pin(&mut self, pin: &str) -> Result<StaffConfirmed, KioskError> {
        let id = self.signed_in()?.to_owned();
        if let Some((_, remaining)) = self.current_lock(Some(&id))? {
            return Err(KioskError::PinNotConfirmed(format!(
                "Too many wrong PINs. Try again in {}.",
                HumanDuration(remaining)
            )));
        }
        let Some((hash, lockout)) = self.db.facilitator(&id)? else {
            return Err(KioskError::PinNotConfirmed(format!(
                "{id} is no longer a facilitator on this kiosk: nothing was exported."
            )));
        };
        if auth::pin_matches(pin, &hash) {
            return Ok(StaffConfirmed { facilitator: id });
        }
        self.count_wrong_pin(&id, lockout)?;
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
        self.language = self.config.language;
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
