//! [`Kiosk`]: the one type the UI talks to.
//!
//! It owns the database, the pseudonymiser, the content store and the
//! session in progress, and turns each UI action into a runner event, a
//! durable commit, and a view the UI can show. Every method that changes
//! something has saved it before it returns.

use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{DateTime, Duration, SubsecRound, Utc};
use content_pack::{ContentStore, Phase, Programme, Session};
use zeroize::Zeroizing;

use crate::auth::{self, HumanDuration, SignInError};
use crate::clock::Clock;
use crate::config::{DataDir, KioskConfig};
use crate::db::{AuditEvent, AuditLine, Db};
use crate::error::KioskError;
use crate::export::{self, ExportBacklog, ExportOutcome, ExportScope, StickExport};
use crate::handshake::Handshake;
use crate::pseudonym::Pseudonymiser;
use crate::runner::{self, Event, RunState, RunStore, GROUP_LIMIT};
use crate::usb::{self, ImportOutcome, PackOffer};

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

/// Planned and spent time for one phase.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhaseTiming {
    /// Which phase.
    pub kind: content_pack::PhaseKind,
    /// Suggested minutes.
    pub planned_minutes: u32,
    /// Seconds spent in it so far (all visits).
    pub elapsed_secs: u64,
}

fn timings(s: &RunState, now: DateTime<Utc>) -> Vec<PhaseTiming> {
    s.phases
        .iter()
        .enumerate()
        .map(|(i, p)| PhaseTiming {
            kind: p.kind,
            planned_minutes: p.planned_minutes,
            elapsed_secs: s.phase_elapsed_secs(i, now),
        })
        .collect()
}

/// The session in progress, as the run screen shows it.
#[derive(Debug, Clone)]
pub struct RunView {
    /// Session id.
    pub session_id: String,
    /// Session number.
    pub session_number: u32,
    /// Session title.
    pub session_title: String,
    /// Index of the current phase (from 0).
    pub phase_index: usize,
    /// How many phases.
    pub phase_count: usize,
    /// The current phase from the programme: title, texts, notes, tools.
    pub phase: Phase,
    /// Planned minutes for this phase.
    pub phase_planned_minutes: u32,
    /// Seconds spent in this phase so far (all visits).
    pub phase_elapsed_secs: u64,
    /// Planned minutes for the session.
    pub session_planned_minutes: u32,
    /// Seconds since the session started.
    pub session_elapsed_secs: u64,
    /// Planned and spent time for every phase.
    pub phase_timings: Vec<PhaseTiming>,
    /// Tool ids used so far.
    pub tools_used: Vec<String>,
    /// Attendees so far.
    pub attendee_count: usize,
    /// Whether Back is possible.
    pub can_go_back: bool,
    /// Whether Next is possible (false on the last phase: offer Finish).
    pub can_go_next: bool,
}

/// One attendee as the attendance list shows them: never a prison number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttendeeView {
    /// Index from 0 (use it for [`Kiosk::set_left_early`]).
    pub index: usize,
    /// "Participant 7".
    pub label: String,
    /// Added as anonymous.
    pub anonymous: bool,
    /// Marked as having left early.
    pub left_early: bool,
}

/// The result of adding an attendee.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Added {
    /// Index from 0.
    pub index: usize,
    /// "Participant 7".
    pub label: String,
    /// Attendees now in the group.
    pub count: usize,
    /// Set when the group is over [`GROUP_LIMIT`].
    pub warning: Option<String>,
}

impl Added {
    /// The line to show: "Participant 7 added".
    pub fn message(&self) -> String {
        format!("{} added", self.label)
    }
}

/// What the finish screen shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunSummary {
    /// Session title.
    pub session_title: String,
    /// Session number.
    pub session_number: u32,
    /// Phases reached, of `phase_count`.
    pub phases_done: usize,
    /// Phases in the session.
    pub phase_count: usize,
    /// Names of the tools used.
    pub tools_used: Vec<String>,
    /// Attendees (including anonymous and those who left early).
    pub attended: usize,
    /// Of whom anonymous.
    pub anonymous: usize,
    /// Of whom left early.
    pub left_early: usize,
    /// Planned minutes.
    pub planned_minutes: u32,
    /// Minutes it took (rounded).
    pub elapsed_minutes: u32,
    /// Planned and spent time for every phase.
    pub phase_timings: Vec<PhaseTiming>,
}

/// The facade over the whole kiosk. See the crate docs for an example.
pub struct Kiosk {
    dir: DataDir,
    config: KioskConfig,
    usb_dir: PathBuf,
    handshake: Option<Handshake>,
    clock: Arc<dyn Clock>,
    db: Db,
    pseudonymiser: Pseudonymiser,
    content: ContentStore,
    programme: Option<(Programme, u64)>,
    content_problem: Option<String>,
    auth: AuthState,
    last_activity: DateTime<Utc>,
    run: Option<RunState>,
}

impl Kiosk {
    /// Opens a provisioned data folder. A session left in progress (for
    /// example by a power cut) is loaded and resumes after sign-in.
    pub fn open(data_dir: &Path, clock: Arc<dyn Clock>) -> Result<Kiosk, KioskError> {
        let dir = DataDir::new(data_dir);
        let config = KioskConfig::load(&dir)?;
        let db = Db::open(&dir.database())?;
        let pseudonymiser = Pseudonymiser::load(&dir.secret())?;
        let content = ContentStore::open(&dir.content())?;
        let run = db.load_open()?;
        let now = clock.now();
        let mut kiosk = Kiosk {
            usb_dir: config.usb_dir.clone(),
            handshake: Handshake::system(),
            dir,
            config,
            clock,
            db,
            pseudonymiser,
            content,
            programme: None,
            content_problem: None,
            auth: AuthState::SignedOut,
            last_activity: now,
            run,
        };
        kiosk.reload_programme();
        Ok(kiosk)
    }

    /// Uses `dir` as the USB folder instead of the one in `kiosk.toml`.
    pub fn with_usb_dir(mut self, dir: PathBuf) -> Kiosk {
        self.usb_dir = dir;
        self
    }

    /// Uses the export hand-shake `handshake` (`Some`: as under the systemd
    /// unit, the stick is read-only until the root helper makes it writable)
    /// or none (`None`: write straight into the USB folder). [`Kiosk::open`]
    /// chooses [`Handshake::system`]; tests give a temporary run folder.
    pub fn with_handshake(mut self, handshake: Option<Handshake>) -> Kiosk {
        self.handshake = handshake;
        self
    }

    /// The export hand-shake in use, if any.
    pub fn handshake(&self) -> Option<&Handshake> {
        self.handshake.as_ref()
    }

    /// The time, to the millisecond the database keeps, so the state in
    /// memory is exactly the state a restart reads back.
    fn now(&self) -> DateTime<Utc> {
        self.clock.now().trunc_subsecs(3)
    }

    fn reload_programme(&mut self) {
        self.programme = None;
        self.content_problem = None;
        match self.content.installed() {
            Ok(None) => {}
            Ok(Some(p)) => match p.programme() {
                Ok(prog) => self.programme = Some((prog, p.manifest().version)),
                Err(e) => self.content_problem = Some(e.to_string()),
            },
            Err(e) => self.content_problem = Some(e.to_string()),
        }
    }

    // ---- configuration and content ----

    /// The kiosk's configuration (site, wing, idle minutes, USB folder).
    pub fn config(&self) -> &KioskConfig {
        &self.config
    }

    /// The data folder.
    pub fn data_dir(&self) -> &Path {
        self.dir.root()
    }

    /// The USB folder in use.
    pub fn usb_dir(&self) -> &Path {
        &self.usb_dir
    }

    /// The installed programme, if any.
    pub fn programme(&self) -> Option<&Programme> {
        self.programme.as_ref().map(|(p, _)| p)
    }

    /// The installed programme's version, if any.
    pub fn programme_version(&self) -> Option<u64> {
        self.programme.as_ref().map(|(_, v)| *v)
    }

    /// Why the installed content cannot be used, if it is damaged.
    pub fn content_problem(&self) -> Option<&str> {
        self.content_problem.as_deref()
    }

    /// The newest audit lines, newest first (no personal data).
    pub fn audit_lines(&self, limit: u32) -> Result<Vec<AuditLine>, KioskError> {
        self.db.audit_lines(limit)
    }

    // ---- sign-in ----

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

    /// Locks if nothing happened for the configured idle minutes; `true` if
    /// the kiosk is now locked. The UI calls this from a timer.
    pub fn check_idle(&mut self) -> Result<bool, KioskError> {
        let idle = self.now() - self.last_activity;
        if matches!(self.auth, AuthState::SignedIn { .. })
            && idle >= Duration::minutes(i64::from(self.config.idle_minutes))
        {
            self.lock()?;
        }
        Ok(!matches!(self.auth, AuthState::SignedIn { .. }))
    }

    fn signed_in(&self) -> Result<&str, KioskError> {
        match &self.auth {
            AuthState::SignedIn { facilitator_id } => Ok(facilitator_id),
            _ => Err(KioskError::NotSignedIn),
        }
    }

    // ---- session runner ----

    /// The sessions of the installed programme, in programme order.
    pub fn sessions(&self) -> &[Session] {
        self.programme().map(|p| &p.sessions[..]).unwrap_or(&[])
    }

    /// Starts running a session (at its first phase).
    pub fn start_session(&mut self, session_id: &str) -> Result<RunView, KioskError> {
        let facilitator = self.signed_in()?.to_owned();
        if self.run.is_some() {
            return Err(KioskError::SessionInProgress);
        }
        let (programme, version) = self.programme.as_ref().ok_or(KioskError::NoProgramme)?;
        let session = programme
            .session(session_id)
            .ok_or_else(|| KioskError::UnknownSession(session_id.to_owned()))?;
        let now = self.now();
        let state = RunState::start(new_run_uid(), session, &facilitator, *version, now);
        self.db.create(&state)?;
        self.db.audit(now, AuditEvent::SessionStarted(session_id))?;
        self.run = Some(state);
        self.touch();
        self.run_view().ok_or(KioskError::NoSession)
    }

    /// The session in progress, if any (also when signed out or locked, so
    /// the UI can offer "continue").
    pub fn run_view(&self) -> Option<RunView> {
        let s = self.run.as_ref()?;
        let now = self.now();
        let session = self.programme()?.session(&s.session_id)?;
        let phase = session.phases.get(s.phase)?.clone();
        Some(RunView {
            session_id: s.session_id.clone(),
            session_number: s.session_number,
            session_title: s.session_title.clone(),
            phase_index: s.phase,
            phase_count: s.phases.len(),
            phase,
            phase_planned_minutes: s.phases[s.phase].planned_minutes,
            phase_elapsed_secs: s.phase_elapsed_secs(s.phase, now),
            session_planned_minutes: s.planned_minutes(),
            session_elapsed_secs: s.session_elapsed_secs(now),
            phase_timings: timings(s, now),
            tools_used: s.tools_used.clone(),
            attendee_count: s.attendees.len(),
            can_go_back: s.phase > 0,
            can_go_next: s.phase + 1 < s.phases.len(),
        })
    }

    /// Applies one runner event: step, commit, then adopt.
    fn apply(&mut self, event: Event) -> Result<RunState, KioskError> {
        self.signed_in()?;
        let state = self.run.as_ref().ok_or(KioskError::NoSession)?;
        let now = self.now();
        let (next, effects) = runner::step(state, &event, now)?;
        self.db.commit(&next, &effects)?;
        self.last_activity = now;
        self.run = Some(next.clone());
        Ok(next)
    }

    /// Goes to the next phase.
    pub fn next_phase(&mut self) -> Result<RunView, KioskError> {
        self.apply(Event::Next)?;
        self.run_view().ok_or(KioskError::NoSession)
    }

    /// Goes back to the previous phase.
    pub fn previous_phase(&mut self) -> Result<RunView, KioskError> {
        self.apply(Event::Back)?;
        self.run_view().ok_or(KioskError::NoSession)
    }

    /// Records that the group used a tool.
    pub fn use_tool(&mut self, tool_id: &str) -> Result<(), KioskError> {
        if self.programme().and_then(|p| p.tool(tool_id)).is_none() {
            return Err(KioskError::UnknownTool(tool_id.to_owned()));
        }
        self.apply(Event::UseTool(tool_id.to_owned()))?;
        Ok(())
    }

    /// Adds a participant by prison number. The number is normalised,
    /// checked, turned into a pseudonym and wiped before this returns; it is
    /// never stored, logged or repeated in an error.
    pub fn add_participant(&mut self, prison_number: String) -> Result<Added, KioskError> {
        // Wiped when this returns, on every path.
        let number = Zeroizing::new(prison_number);
        self.signed_in()?;
        if self.run.is_none() {
            return Err(KioskError::NoSession);
        }
        let p = self.pseudonymiser.pseudonymise(&number)?;
        self.add(Some(p))
    }

    /// Adds an anonymous attendee.
    pub fn add_anonymous(&mut self) -> Result<Added, KioskError> {
        self.add(None)
    }

    fn add(&mut self, p: Option<crate::Pseudonym>) -> Result<Added, KioskError> {
        let s = self.apply(Event::Add(p))?;
        let count = s.attendees.len();
        let index = count - 1;
        Ok(Added {
            index,
            label: runner::label(index),
            count,
            warning: (count > GROUP_LIMIT).then(|| {
                format!(
                    "The group now has {count}: more than {GROUP_LIMIT} is too many for one group."
                )
            }),
        })
    }

    /// Marks attendee `index` (from 0) as having left early, or undoes it.
    pub fn set_left_early(&mut self, index: usize, left: bool) -> Result<(), KioskError> {
        self.apply(Event::LeftEarly { index, left })?;
        Ok(())
    }

    /// The attendance list for display (labels, never numbers).
    pub fn attendees(&self) -> Vec<AttendeeView> {
        self.run
            .iter()
            .flat_map(|s| s.attendees.iter().enumerate())
            .map(|(index, a)| AttendeeView {
                index,
                label: runner::label(index),
                anonymous: a.pseudonym.is_none(),
                left_early: a.left_early,
            })
            .collect()
    }

    /// The index of the attendee with this label ("Participant 7" → 6).
    pub fn attendee_index(&self, label: &str) -> Option<usize> {
        let n: usize = label.strip_prefix("Participant ")?.trim().parse().ok()?;
        let count = self.run.as_ref()?.attendees.len();
        (1..=count).contains(&n).then(|| n - 1)
    }

    /// Ends the session and returns its summary.
    pub fn finish_session(&mut self) -> Result<RunSummary, KioskError> {
        let s = self.apply(Event::Finish)?;
        self.run = None;
        let now = self.now();
        self.db
            .audit(now, AuditEvent::SessionFinished(&s.session_id))?;
        let tools_used = s
            .tools_used
            .iter()
            .map(|id| {
                self.programme()
                    .and_then(|p| p.tool(id))
                    .map(|t| t.name.clone())
                    .unwrap_or_else(|| id.clone())
            })
            .collect();
        Ok(RunSummary {
            session_title: s.session_title.clone(),
            session_number: s.session_number,
            phases_done: s.reached + 1,
            phase_count: s.phases.len(),
            tools_used,
            attended: s.attendees.len(),
            anonymous: s.attendees.iter().filter(|a| a.pseudonym.is_none()).count(),
            left_early: s.attendees.iter().filter(|a| a.left_early).count(),
            planned_minutes: s.planned_minutes(),
            elapsed_minutes: ((s.session_elapsed_secs(now) + 30) / 60) as u32,
            phase_timings: timings(&s, now),
        })
    }

    /// Throws away the session in progress and its attendance (started by mistake).
    pub fn discard_session(&mut self) -> Result<(), KioskError> {
        self.signed_in()?;
        let s = self.run.as_ref().ok_or(KioskError::NoSession)?;
        self.db.discard(&s.run_uid)?;
        self.db
            .audit(self.now(), AuditEvent::SessionDiscarded(&s.session_id))?;
        self.run = None;
        Ok(())
    }

    /// The session in progress as (run uid, phase index, attendees), for
    /// tests and the simulator.
    pub fn run_position(&self) -> Option<(String, usize, usize)> {
        self.run
            .as_ref()
            .map(|s| (s.run_uid.clone(), s.phase, s.attendees.len()))
    }

    /// How many sessions have been finished on this kiosk.
    pub fn finished_sessions(&self) -> Result<u64, KioskError> {
        self.db.finished_sessions()
    }

    // ---- USB ----

    /// Whether a USB stick is in. Under the systemd unit (a hand-shake is in
    /// use) the USB folder always exists, so a stick is in only when the folder
    /// is a mount point; otherwise, when the folder exists.
    pub fn stick_present(&self) -> bool {
        if self.handshake.is_some() {
            usb::is_mount_point(&self.usb_dir)
        } else {
            self.usb_dir.is_dir()
        }
    }

    /// "Export to USB stick": under the systemd unit, asks the root helper to
    /// make the stick writable, exports into the folder it names, and waits
    /// for the stick to be read-only again (see [`crate::handshake`]);
    /// otherwise exports straight into the USB folder. Nothing waiting (for
    /// [`ExportScope::New`]) returns at once without touching the stick.
    pub fn export_to_stick(
        &mut self,
        scope: ExportScope,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<StickExport, KioskError> {
        let Some(handshake) = self.handshake.clone() else {
            let usb = self.usb_dir.clone();
            let outcome = self.export(&usb, scope, progress)?;
            return Ok(StickExport {
                outcome,
                release: None,
            });
        };
        if scope == ExportScope::New && self.export_backlog()?.sessions == 0 {
            return Ok(StickExport {
                outcome: ExportOutcome::NothingToExport,
                release: None,
            });
        }
        let result = handshake.run(|folder| self.export(folder, scope, progress));
        match result {
            Ok((outcome, release)) => Ok(StickExport {
                outcome,
                release: Some(release),
            }),
            Err(e) => {
                if matches!(e, KioskError::UsbHandshake(_)) {
                    // Best effort, as in `export`.
                    let _ = self
                        .db
                        .audit(self.now(), AuditEvent::ExportFailed(&e.to_string()));
                }
                Err(e)
            }
        }
    }

    /// Content packs (`*.iopack`) in the USB folder, each checked against the
    /// trusted keys: its version and signer, or why it would be refused.
    pub fn usb_offers(&self) -> Result<Vec<PackOffer>, KioskError> {
        usb::offers(
            &self.usb_dir,
            &self.config.trusted()?,
            &self.content,
            self.now(),
        )
    }

    /// Verifies and installs a pack. `progress(done, total)` follows the bytes.
    /// Refused while a session is in progress.
    pub fn import(
        &mut self,
        pack: &Path,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<ImportOutcome, KioskError> {
        if self.run.is_some() {
            return Err(KioskError::SessionInProgress);
        }
        let now = self.now();
        let result = usb::import(pack, &self.config.trusted()?, &self.content, now, progress);
        match &result {
            Ok(o) => self.db.audit(now, AuditEvent::Imported(o.version))?,
            Err(e) => self
                .db
                .audit(now, AuditEvent::ImportRefused(&e.to_string()))?,
        }
        self.reload_programme();
        result
    }

    /// Finished sessions and attendances not yet exported.
    pub fn export_backlog(&self) -> Result<ExportBacklog, KioskError> {
        export::backlog(&self.db)
    }

    /// Writes a signed export bundle into `to` (normally the USB folder).
    /// The watermark moves only once the bundle is complete and durable.
    pub fn export(
        &mut self,
        to: &Path,
        scope: ExportScope,
        progress: &mut dyn FnMut(u64, u64),
    ) -> Result<ExportOutcome, KioskError> {
        let now = self.now();
        let result = export::export(&self.db, &self.dir, &self.config, to, scope, now, progress);
        if let Err(e) = &result {
            // Best effort: the export error is what the user must see, even
            // if the disk is too full to record it.
            let _ = self.db.audit(now, AuditEvent::ExportFailed(&e.to_string()));
        }
        result
    }
}

fn new_run_uid() -> String {
    use rand::RngCore;
    let mut b = [0u8; 8];
    rand::rngs::OsRng.fill_bytes(&mut b);
    hex::encode(b)
}
