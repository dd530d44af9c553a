//! [`Kiosk`]: the one type the UI talks to.
//!
//! It owns the database, the pseudonymiser, the content store and the
//! session in progress, and turns each UI action into a runner event, a
//! durable commit, and a view the UI can show. Every method that changes
//! something has saved it before it returns.
//!
//! Its methods live in one module per job: [`access`] (sign-in, locks, idle
//! time), [`session`] (the runner: phases, tools, worksheets, finish),
//! [`attendance`] (who is here) and [`transfer`] (USB import and export).
//! The screens' view-models are built from it in [`crate::views`]; nothing
//! here depends on them.

use std::cell::Cell;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use chrono::{DateTime, SubsecRound, TimeDelta, Utc};
use content_pack::{ContentStore, Language, Programme};

use crate::clock::Clock;
use crate::config::{DataDir, KioskConfig};
use crate::db::{AuditEvent, AuditLine, Db};
use crate::error::KioskError;
use crate::handshake::Handshake;
use crate::pseudonym::Pseudonymiser;
use crate::runner::{self, Event, RunState, RunStore};

pub mod access;
pub mod attendance;
pub mod session;
pub mod transfer;

pub use access::{AuthState, IdleState, SignedIn, StaffConfirmed};
pub use attendance::{Added, AttendeeView};
pub use session::{PhaseTiming, RunSummary, RunView};

/// The facade over the whole kiosk. See the crate docs for an example.
pub struct Kiosk {
    pub(crate) dir: DataDir,
    pub(crate) config: KioskConfig,
    pub(crate) usb_dir: PathBuf,
    pub(crate) handshake: Option<Handshake>,
    pub(crate) clock: Arc<dyn Clock>,
    /// Keeps the kiosk's time from ever going back: see [`Kiosk::now`].
    time: Cell<TimeFloor>,
    pub(crate) db: Db,
    pub(crate) pseudonymiser: Pseudonymiser,
    pub(crate) content: ContentStore,
    pub(crate) programme: Option<(Programme, u64)>,
    pub(crate) content_problem: Option<String>,
    pub(crate) auth: AuthState,
    pub(crate) last_activity: DateTime<Utc>,
    pub(crate) run: Option<RunState>,
    /// Until when the facilitator notes show (a glance; never saved).
    /// A glance at the notes: the run and phase visit it was for (it ends
    /// with them) and until when. Never saved, so a restart ends it too.
    pub(crate) notes_glance: Option<(String, DateTime<Utc>, DateTime<Utc>)>,
    /// The facilitator's display settings (saved, so a restart keeps them).
    display: Display,
    /// The language of the screen's words and the room's texts: the
    /// configured one until switched, and again after each sign-out.
    pub(crate) language: Language,
}

/// The kiosk's time never goes back: a clock wound back (by mistake, a
/// flat clock battery, or to revive an expired pack) is moved on to the
/// latest time already recorded, and carries on from there.
#[derive(Debug, Clone, Copy)]
struct TimeFloor {
    /// Added to the clock.
    ahead: TimeDelta,
    /// The latest time given out, or recorded before this kiosk opened.
    last: DateTime<Utc>,
}

/// A clock this far behind what was recorded is noted in the audit log.
const CLOCK_BEHIND_NOTED: TimeDelta = TimeDelta::minutes(1);

/// How the room's screen is set to read, and how loud it reads aloud.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Display {
    /// Text size: 0 (normal), 1 (large) or 2 (largest).
    pub text_size: u8,
    /// Plain words on the run screen.
    pub plain_words: bool,
    /// Read aloud volume, 0 (silent) to [`MAX_VOLUME`].
    pub volume: u8,
}

/// The loudest Read aloud volume.
pub const MAX_VOLUME: u8 = 10;

impl Default for Display {
    fn default() -> Display {
        Display {
            text_size: 0,
            plain_words: false,
            volume: 7,
        }
    }
}

/// Names of the text sizes, by [`Display::text_size`].
pub const TEXT_SIZES: [&str; 3] = ["Normal", "Large", "Largest"];

const DISPLAY_KEY: &str = "display";

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
        let clock_now = clock.now().trunc_subsecs(3);
        let installed = content.high_water()?.map(|(_, created)| created);
        let latest = [db.latest_time()?, installed]
            .into_iter()
            .flatten()
            .max()
            .unwrap_or(clock_now);
        if clock_now + CLOCK_BEHIND_NOTED < latest {
            db.audit(
                latest,
                AuditEvent::ClockBehind {
                    clock: clock_now,
                    latest,
                },
            )?;
        }
        let time = Cell::new(TimeFloor {
            ahead: TimeDelta::zero(),
            last: latest,
        });
        let mut kiosk = Kiosk {
            usb_dir: config.usb_dir.clone(),
            language: config.language,
            handshake: Handshake::system(),
            dir,
            config,
            clock,
            time,
            db,
            pseudonymiser,
            content,
            programme: None,
            content_problem: None,
            auth: AuthState::SignedOut,
            last_activity: latest.max(clock_now),
            run,
            notes_glance: None,
            display: Display::default(),
        };
        kiosk.display = kiosk.load_display()?;
        kiosk.reload_programme();
        kiosk.fill_legacy_content()?;
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
    /// chooses [`Handshake::system`]; tests give temporary run and answer
    /// folders.
    pub fn with_handshake(mut self, handshake: Option<Handshake>) -> Kiosk {
        self.handshake = handshake;
        self
    }

    /// The export hand-shake in use, if any.
    pub fn handshake(&self) -> Option<&Handshake> {
        self.handshake.as_ref()
    }

    /// The time, to the millisecond the database keeps, so the state in
    /// memory is exactly the state a restart reads back. Never earlier than
    /// a time already given out or recorded: if the clock is behind, the
    /// difference is added to it from then on (see [`TimeFloor`]), so time
    /// still passes (idle locks still come) but never goes back.
    pub(crate) fn now(&self) -> DateTime<Utc> {
        let mut floor = self.time.get();
        let mut now = self.clock.now().trunc_subsecs(3) + floor.ahead;
        if now < floor.last {
            floor.ahead += floor.last - now;
            now = floor.last;
        }
        floor.last = now;
        self.time.set(floor);
        now
    }

    /// Lets the time go back to the clock's, once: only for
    /// [`crate::simulate`], which records made-up sessions in the past on
    /// purpose (a fake clock, never the system's).
    pub(crate) fn let_time_go_back(&self) {
        self.time.set(TimeFloor {
            ahead: TimeDelta::zero(),
            last: self.clock.now().trunc_subsecs(3),
        });
    }

    pub(crate) fn reload_programme(&mut self) {
        self.programme = None;
        self.content_problem = None;
        match self.content.installed() {
            Ok(None) => {}
            Ok(Some(p)) => match (p.programme(), p.manifest().expires) {
                (Ok(_), Some(expires)) if expires <= self.now() => {
                    self.content_problem = Some(format!(
                        "it expired on {}; import a current pack from the content team (sessions already recorded can still be exported)",
                        expires.format("%-d %B %Y")
                    ));
                }
                (Ok(prog), _) => self.programme = Some((prog, p.manifest().version)),
                (Err(e), _) => self.content_problem = Some(e.to_string()),
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

    fn load_display(&self) -> Result<Display, KioskError> {
        let saved = self.db.meta(DISPLAY_KEY)?.unwrap_or_default();
        let mut parts = saved.split(',');
        Ok(Display {
            text_size: parts
                .next()
                .and_then(|p| p.parse().ok())
                .filter(|s| usize::from(*s) < TEXT_SIZES.len())
                .unwrap_or(0),
            plain_words: parts.next() == Some("plain"),
            volume: parts
                .next()
                .and_then(|p| p.parse().ok())
                .filter(|v| *v <= MAX_VOLUME)
                .unwrap_or(Display::default().volume),
        })
    }

    /// The display settings.
    pub fn display(&self) -> Display {
        self.display
    }

    /// Sets and saves the display settings.
    pub fn set_display(&mut self, display: Display) -> Result<(), KioskError> {
        let d = Display {
            text_size: display.text_size.min(TEXT_SIZES.len() as u8 - 1),
            volume: display.volume.min(MAX_VOLUME),
            ..display
        };
        let words = if d.plain_words { "plain" } else { "standard" };
        self.db.set_meta(
            DISPLAY_KEY,
            &format!("{},{words},{}", d.text_size, d.volume),
        )?;
        self.display = d;
        self.touch();
        Ok(())
    }

    /// Whether plain words are on.
    pub fn plain_words(&self) -> bool {
        self.display.plain_words
    }

    /// A recording the installed pack carries (a `media/audio/` file a
    /// room text names), checked against its SHA-256 as it is read.
    pub fn recording(&self, file: &str) -> Result<Vec<u8>, KioskError> {
        let pack = self.content.installed()?.ok_or(KioskError::NoProgramme)?;
        Ok(pack.read_checked(file)?)
    }

    /// The language the screens speak now.
    pub fn language(&self) -> Language {
        self.language
    }

    /// Switches the screens' words and the room's texts to `language` until
    /// the next sign-out (a pack without it shows its English texts).
    pub fn set_language(&mut self, language: Language) {
        self.language = language;
        self.touch();
    }

    /// The newest audit lines, newest first (no personal data).
    pub fn audit_lines(&self, limit: u32) -> Result<Vec<AuditLine>, KioskError> {
        self.db.audit_lines(limit)
    }

    /// Applies one runner event: step, commit, then adopt.
    pub(crate) fn apply(&mut self, event: Event) -> Result<&RunState, KioskError> {
        self.signed_in()?;
        let state = self.run.as_ref().ok_or(KioskError::NoSession)?;
        let now = self.now();
        let (next, effects) = runner::step(state, &event, now)?;
        self.db.commit(&next, &effects)?;
        self.last_activity = now;
        Ok(self.run.insert(next))
    }

    /// A run saved by a kiosk from before content was kept with runs gets
    /// its content from the installed programme, if that still has it.
    fn fill_legacy_content(&mut self) -> Result<(), KioskError> {
        let Some(run) = self.run.as_mut() else {
            return Ok(());
        };
        if !run.content.is_legacy() {
            return Ok(());
        }
        let content = match (&self.programme, self.content.installed()) {
            (Some((p, _)), Ok(Some(pack))) => session::content_for(p, &pack, &run.session_id),
            _ => None,
        };
        if let Some(content) = content {
            run.content = std::sync::Arc::new(content);
            self.db.set_content(run)?;
        }
        Ok(())
    }
}
