//! The kiosk database: SQLite in WAL mode with `synchronous=FULL`, so every
//! committed step survives a power cut.
//!
//! Schema changes are numbered migrations tracked in `PRAGMA user_version`.
//! Participants appear only as 32-byte pseudonyms; the audit log records
//! events and ids of staff and programme items, never anything about a
//! participant.

use std::collections::BTreeMap;
use std::path::Path;
use std::sync::Arc;

use chrono::{DateTime, SecondsFormat, Utc};
use content_pack::PhaseKind;
use rusqlite::{params, Connection, OptionalExtension, Transaction};

use crate::auth::Lockout;
use crate::error::KioskError;
use crate::pseudonym::Pseudonym;
use crate::runner::{
    Attendee, Effect, Hands, PhasePlan, RunContent, RunState, RunStore, WorksheetEntry,
};

/// The migrations, in order; `user_version` is how many have run. The second
/// keeps what a session in progress needs with its run: its content (so an
/// import during it never traps it), its group limit, and its worksheets
/// (wiped when the run ends). The third gives each facilitator their own
/// lockout; the `lockout` table keeps the kiosk-wide one. The fourth keeps
/// what the export reports of each run: the points its session works on
/// (numbers 1–4, `;` between) and the show of hands at check-out (all zero:
/// not asked). An attendance's `idx` is its participant number
/// less one, so numbers stay stable when someone is taken off the list.
const MIGRATIONS: &[&str] = &[
    r#"
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE facilitators (
  id TEXT PRIMARY KEY, pin_hash TEXT NOT NULL, created TEXT NOT NULL, updated TEXT NOT NULL);
CREATE TABLE lockout (
  id INTEGER PRIMARY KEY CHECK (id = 1), failures INTEGER NOT NULL, locked_until TEXT);
CREATE TABLE audit (
  id INTEGER PRIMARY KEY, at TEXT NOT NULL, event TEXT NOT NULL, detail TEXT NOT NULL);
CREATE TABLE runs (
  id INTEGER PRIMARY KEY,
  uid TEXT NOT NULL UNIQUE,
  session_id TEXT NOT NULL, session_number INTEGER NOT NULL, session_title TEXT NOT NULL,
  facilitator_id TEXT NOT NULL, pack_version INTEGER NOT NULL, started TEXT NOT NULL,
  phase_kinds TEXT NOT NULL, planned TEXT NOT NULL,
  phase INTEGER NOT NULL, phase_entered TEXT NOT NULL, elapsed TEXT NOT NULL,
  reached INTEGER NOT NULL, tools TEXT NOT NULL,
  ended TEXT, export_seq INTEGER UNIQUE);
CREATE INDEX runs_open ON runs (ended) WHERE ended IS NULL;
CREATE TABLE attendances (
  run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  idx INTEGER NOT NULL, pseudonym BLOB, left_early INTEGER NOT NULL, added TEXT NOT NULL,
  PRIMARY KEY (run_id, idx)) WITHOUT ROWID;
"#,
    r#"
ALTER TABLE runs ADD COLUMN group_limit INTEGER NOT NULL DEFAULT 12;
ALTER TABLE runs ADD COLUMN content TEXT;
CREATE TABLE worksheets (
  run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
  tool TEXT NOT NULL, field INTEGER NOT NULL, text TEXT NOT NULL, score INTEGER,
  PRIMARY KEY (run_id, tool, field)) WITHOUT ROWID;
"#,
    r#"
ALTER TABLE facilitators ADD COLUMN failures INTEGER NOT NULL DEFAULT 0;
ALTER TABLE facilitators ADD COLUMN locked_until TEXT;
"#,
    r#"
ALTER TABLE runs ADD COLUMN points TEXT NOT NULL DEFAULT '';
ALTER TABLE runs ADD COLUMN hands_helped INTEGER NOT NULL DEFAULT 0;
ALTER TABLE runs ADD COLUMN hands_ok INTEGER NOT NULL DEFAULT 0;
ALTER TABLE runs ADD COLUMN hands_not_helped INTEGER NOT NULL DEFAULT 0;
"#,
];

/// Newest schema version this build knows.
pub const SCHEMA_VERSION: u32 = MIGRATIONS.len() as u32;

/// Meta key of the export watermark: the last `export_seq` exported.
pub(crate) const WATERMARK: &str = "export_watermark";

/// Something worth an audit line. None carries personal data.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub enum AuditEvent<'a> {
    /// The kiosk was provisioned.
    Provisioned,
    /// A facilitator was added.
    FacilitatorAdded(&'a str),
    /// A facilitator's PIN was replaced.
    PinRotated(&'a str),
    /// A facilitator was removed.
    FacilitatorRemoved(&'a str),
    /// A content key was added to the trusted keys.
    TrustAdded(&'a str),
    /// A content key was removed from the trusted keys.
    TrustRemoved(&'a str),
    /// A pack's key rotation moved the kiosk from one content key to another.
    KeyRotated {
        /// The key retired.
        from: String,
        /// The key trusted instead.
        to: String,
    },
    /// A facilitator confirmed "Export everything again" with their PIN.
    ExportEverythingAgain(&'a str),
    /// A backup was written.
    BackedUp,
    /// The kiosk was rebuilt from a backup made then.
    Restored(DateTime<Utc>),
    /// A facilitator signed in.
    SignIn(&'a str),
    /// A headless tool acted as this operator.
    HeadlessSignIn(&'a str),
    /// A facilitator signed out.
    SignOut(&'a str),
    /// The kiosk locked after being idle.
    IdleLock,
    /// A wrong PIN was typed for a facilitator.
    WrongPin {
        /// Whose PIN it was meant to be.
        facilitator: &'a str,
        /// Their wrong PINs since their last sign-in.
        failures: u32,
        /// Wrong PINs on the kiosk since anyone's last sign-in.
        kiosk_failures: u32,
    },
    /// Sign-in locked for this many seconds: one facilitator's, or (`None`)
    /// everyone's.
    SignInLocked(Option<&'a str>, i64),
    /// A session started.
    SessionStarted(&'a str),
    /// A session finished.
    SessionFinished(&'a str),
    /// A session in progress was discarded.
    SessionDiscarded(&'a str),
    /// A content pack was installed.
    Imported(u64),
    /// A content pack was refused (the refusal text has no personal data).
    ImportRefused(&'a str),
    /// The clock was behind a time already recorded; times carry on from it.
    ClockBehind {
        /// What the clock said.
        clock: DateTime<Utc>,
        /// The latest time recorded.
        latest: DateTime<Utc>,
    },
    /// An export bundle was written.
    Exported {
        /// Folder name.
        bundle: &'a str,
        /// Session rows.
        sessions: u64,
        /// Attendance rows.
        attendances: u64,
    },
    /// An export failed.
    ExportFailed(&'a str),
}

impl AuditEvent<'_> {
    fn parts(&self) -> (&'static str, String) {
        match self {
            AuditEvent::Provisioned => ("provisioned", String::new()),
            AuditEvent::FacilitatorAdded(id) => ("facilitator-added", id.to_string()),
            AuditEvent::PinRotated(id) => ("pin-rotated", id.to_string()),
            AuditEvent::FacilitatorRemoved(id) => ("facilitator-removed", id.to_string()),
            AuditEvent::TrustAdded(key) => ("trust-added", key.to_string()),
            AuditEvent::TrustRemoved(key) => ("trust-removed", key.to_string()),
            AuditEvent::KeyRotated { from, to } => ("key-rotated", format!("from={from} to={to}")),
            AuditEvent::ExportEverythingAgain(id) => ("export-everything-again", id.to_string()),
            AuditEvent::BackedUp => ("backed-up", String::new()),
            AuditEvent::Restored(made) => ("restored", format!("backup-made={}", ts(*made))),
            AuditEvent::SignIn(id) => ("sign-in", id.to_string()),
            AuditEvent::HeadlessSignIn(id) => ("headless-sign-in", id.to_string()),
            AuditEvent::SignOut(id) => ("sign-out", id.to_string()),
            AuditEvent::IdleLock => ("idle-lock", String::new()),
            AuditEvent::WrongPin {
                facilitator,
                failures,
                kiosk_failures,
            } => (
                "wrong-pin",
                format!(
                    "{} failures={failures} kiosk-failures={kiosk_failures}",
                    untrusted(facilitator)
                ),
            ),
            AuditEvent::SignInLocked(who, s) => (
                "sign-in-locked",
                format!("{} seconds={s}", who.map_or("everyone".into(), untrusted)),
            ),
            AuditEvent::SessionStarted(id) => ("session-started", id.to_string()),
            AuditEvent::SessionFinished(id) => ("session-finished", id.to_string()),
            AuditEvent::SessionDiscarded(id) => ("session-discarded", id.to_string()),
            AuditEvent::Imported(v) => ("imported", format!("version={v}")),
            AuditEvent::ImportRefused(why) => ("import-refused", untrusted(why)),
            AuditEvent::ClockBehind { clock, latest } => (
                "clock-behind",
                format!("clock={} latest={}", ts(*clock), ts(*latest)),
            ),
            AuditEvent::Exported {
                bundle,
                sessions,
                attendances,
            } => (
                "exported",
                format!("{bundle} sessions={sessions} attendances={attendances}"),
            ),
            AuditEvent::ExportFailed(why) => ("export-failed", untrusted(why)),
        }
    }
}

/// Most characters of a refusal kept in the audit log.
const MAX_DETAIL_CHARS: usize = 1000;

/// A message that may quote a file from a USB stick: escaped and bounded
/// before it is stored, so a hostile name can neither fill the disk nor
/// drive the terminal of whoever reads the log.
fn untrusted(text: &str) -> String {
    content_pack::untrusted::escape(text, MAX_DETAIL_CHARS)
}

/// A facilitator, as `kiosk facilitators` lists them (never their PIN).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FacilitatorInfo {
    /// Their staff id.
    pub id: String,
    /// When they were added.
    pub added: DateTime<Utc>,
    /// When their PIN was last set.
    pub pin_changed: DateTime<Utc>,
    /// Their sign-in is locked until then after wrong PINs (it may be past).
    pub locked_until: Option<DateTime<Utc>>,
}

/// One audit line, for display.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditLine {
    /// When.
    pub at: String,
    /// What kind of event.
    pub event: String,
    /// Details (never personal data).
    pub detail: String,
}

/// Formats a time the way the database stores it.
pub(crate) fn ts(t: DateTime<Utc>) -> String {
    t.to_rfc3339_opts(SecondsFormat::Millis, true)
}

fn parse_ts(s: &str) -> rusqlite::Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(|e| {
            rusqlite::Error::FromSqlConversionFailure(0, rusqlite::types::Type::Text, Box::new(e))
        })
}

fn bad(what: &str) -> rusqlite::Error {
    rusqlite::Error::FromSqlConversionFailure(
        0,
        rusqlite::types::Type::Text,
        format!("damaged {what}").into(),
    )
}

/// The stable text of a phase kind.
pub(crate) fn kind_str(k: PhaseKind) -> &'static str {
    match k {
        PhaseKind::Welcome => "welcome",
        PhaseKind::CheckIn => "check-in",
        PhaseKind::Agenda => "agenda",
        PhaseKind::MainWork => "main-work",
        PhaseKind::CheckOut => "check-out",
    }
}

fn parse_kind(s: &str) -> rusqlite::Result<PhaseKind> {
    PhaseKind::ORDER
        .into_iter()
        .find(|k| kind_str(*k) == s)
        .ok_or_else(|| bad("phase kind"))
}

fn join<T: ToString>(items: &[T]) -> String {
    items.iter().map(T::to_string).collect::<Vec<_>>().join(",")
}

fn split_nums<T: std::str::FromStr>(s: &str) -> rusqlite::Result<Vec<T>> {
    if s.is_empty() {
        return Ok(vec![]);
    }
    s.split(',')
        .map(|x| x.parse().map_err(|_| bad("number list")))
        .collect()
}

/// The kiosk database.
pub struct Db {
    conn: Connection,
}

impl Db {
    /// Opens (or creates) the database and runs any pending migrations.
    pub fn open(path: &Path) -> Result<Db, KioskError> {
        let conn = Connection::open(path)?;
        conn.busy_timeout(std::time::Duration::from_secs(10))?;
        let mode: String = conn.query_row("PRAGMA journal_mode=WAL", [], |r| r.get(0))?;
        if !mode.eq_ignore_ascii_case("wal") {
            return Err(KioskError::Config {
                path: path.to_owned(),
                problem: format!("the database would not switch to WAL mode (it is {mode})"),
            });
        }
        conn.pragma_update(None, "synchronous", "FULL")?;
        conn.pragma_update(None, "foreign_keys", "ON")?;
        // Worksheet text is wiped when a session ends: overwrite, not just unlink.
        conn.pragma_update(None, "secure_delete", "ON")?;
        let mut db = Db { conn };
        db.migrate()?;
        Ok(db)
    }

    fn migrate(&mut self) -> Result<(), KioskError> {
        let found: u32 = self
            .conn
            .query_row("PRAGMA user_version", [], |r| r.get(0))?;
        if found > SCHEMA_VERSION {
            return Err(KioskError::SchemaTooNew {
                found,
                supported: SCHEMA_VERSION,
            });
        }
        for (i, sql) in MIGRATIONS.iter().enumerate().skip(found as usize) {
            let tx = self.conn.transaction()?;
            tx.execute_batch(sql)?;
            tx.pragma_update(None, "user_version", i as u32 + 1)?;
            tx.commit()?;
        }
        Ok(())
    }

    /// The connection, for the export queries.
    pub(crate) fn conn(&self) -> &Connection {
        &self.conn
    }

    /// Adds an audit line.
    pub fn audit(&self, at: DateTime<Utc>, event: AuditEvent<'_>) -> Result<(), KioskError> {
        let (kind, detail) = event.parts();
        self.conn.execute(
            "INSERT INTO audit (at, event, detail) VALUES (?1, ?2, ?3)",
            params![ts(at), kind, detail],
        )?;
        Ok(())
    }

    /// The newest `limit` audit lines, newest first.
    pub fn audit_lines(&self, limit: u32) -> Result<Vec<AuditLine>, KioskError> {
        let mut st = self
            .conn
            .prepare("SELECT at, event, detail FROM audit ORDER BY id DESC LIMIT ?1")?;
        let rows = st.query_map([limit], |r| {
            Ok(AuditLine {
                at: r.get(0)?,
                event: r.get(1)?,
                detail: r.get(2)?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// A meta value.
    pub(crate) fn meta(&self, key: &str) -> Result<Option<String>, KioskError> {
        Ok(self
            .conn
            .query_row("SELECT value FROM meta WHERE key = ?1", [key], |r| r.get(0))
            .optional()?)
    }

    /// The latest time anything recorded here says (audit lines, sessions,
    /// attendances, facilitators): the kiosk's clock is never taken to be
    /// earlier than this. Every time is stored in one fixed-width form, so
    /// the greatest text is the latest time.
    pub(crate) fn latest_time(&self) -> Result<Option<DateTime<Utc>>, KioskError> {
        let latest: Option<String> = self.conn.query_row(
            "SELECT max(t) FROM (
               SELECT max(at) AS t FROM audit
               UNION ALL SELECT max(started) FROM runs
               UNION ALL SELECT max(phase_entered) FROM runs
               UNION ALL SELECT max(ended) FROM runs
               UNION ALL SELECT max(added) FROM attendances
               UNION ALL SELECT max(updated) FROM facilitators)",
            [],
            |r| r.get(0),
        )?;
        Ok(latest.map(|t| parse_ts(&t)).transpose()?)
    }

    /// Writes a consistent copy of the whole database to `path` (a new
    /// file), while it stays in use.
    pub(crate) fn snapshot_to(&self, path: &Path) -> Result<(), KioskError> {
        let target = path.to_str().ok_or_else(|| {
            KioskError::InvalidSetting(format!("{} is not a UTF-8 path", path.display()))
        })?;
        self.conn.execute("VACUUM INTO ?1", [target])?;
        Ok(())
    }

    /// Sets a meta value.
    pub(crate) fn set_meta(&self, key: &str, value: &str) -> Result<(), KioskError> {
        self.conn.execute(
            "INSERT INTO meta (key, value) VALUES (?1, ?2)
             ON CONFLICT (key) DO UPDATE SET value = excluded.value",
            params![key, value],
        )?;
        Ok(())
    }

    /// Every facilitator's id and PIN hash.
    pub(crate) fn facilitators(&self) -> Result<Vec<(String, String)>, KioskError> {
        let mut st = self
            .conn
            .prepare("SELECT id, pin_hash FROM facilitators ORDER BY id")?;
        let rows = st.query_map([], |r| Ok((r.get(0)?, r.get(1)?)))?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Every facilitator's id, when they were added and when their PIN last
    /// changed, by id.
    pub(crate) fn facilitator_list(&self) -> Result<Vec<FacilitatorInfo>, KioskError> {
        let mut st = self
            .conn
            .prepare("SELECT id, created, updated, locked_until FROM facilitators ORDER BY id")?;
        let rows = st.query_map([], |r| {
            Ok(FacilitatorInfo {
                id: r.get(0)?,
                added: parse_ts(&r.get::<_, String>(1)?)?,
                pin_changed: parse_ts(&r.get::<_, String>(2)?)?,
                locked_until: r
                    .get::<_, Option<String>>(3)?
                    .as_deref()
                    .map(parse_ts)
                    .transpose()?,
            })
        })?;
        Ok(rows.collect::<Result<_, _>>()?)
    }

    /// Removes a facilitator; `false` if there was none with that id.
    pub(crate) fn remove_facilitator(&self, id: &str) -> Result<bool, KioskError> {
        Ok(self
            .conn
            .execute("DELETE FROM facilitators WHERE id = ?1", [id])?
            > 0)
    }

    /// One facilitator's PIN hash and lockout; `None` if there is no such
    /// facilitator.
    pub(crate) fn facilitator(&self, id: &str) -> Result<Option<(String, Lockout)>, KioskError> {
        let row: Option<(String, u32, Option<String>)> = self
            .conn
            .query_row(
                "SELECT pin_hash, failures, locked_until FROM facilitators WHERE id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()?;
        let lockout = |failures, until: Option<String>| {
            Ok::<_, rusqlite::Error>(Lockout {
                failures,
                locked_until: until.as_deref().map(parse_ts).transpose()?,
            })
        };
        Ok(row
            .map(|(hash, failures, until)| {
                Ok::<_, rusqlite::Error>((hash, lockout(failures, until)?))
            })
            .transpose()?)
    }

    /// Saves one facilitator's lockout.
    pub(crate) fn set_facilitator_lockout(&self, id: &str, l: &Lockout) -> Result<(), KioskError> {
        self.conn.execute(
            "UPDATE facilitators SET failures = ?2, locked_until = ?3 WHERE id = ?1",
            params![id, l.failures, l.locked_until.map(ts)],
        )?;
        Ok(())
    }

    /// Adds a facilitator or replaces their PIN hash (which clears their
    /// lockout); `true` if it was a replacement.
    pub(crate) fn set_facilitator(
        &self,
        id: &str,
        pin_hash: &str,
        now: DateTime<Utc>,
    ) -> Result<bool, KioskError> {
        let existed: bool = self.conn.query_row(
            "SELECT EXISTS (SELECT 1 FROM facilitators WHERE id = ?1)",
            [id],
            |r| r.get(0),
        )?;
        self.conn.execute(
            "INSERT INTO facilitators (id, pin_hash, created, updated) VALUES (?1, ?2, ?3, ?3)
             ON CONFLICT (id) DO UPDATE SET pin_hash = excluded.pin_hash, updated = excluded.updated,
                                            failures = 0, locked_until = NULL",
            params![id, pin_hash, ts(now)],
        )?;
        Ok(existed)
    }

    /// The kiosk-wide lockout.
    pub(crate) fn lockout(&self) -> Result<Lockout, KioskError> {
        let row: Option<(u32, Option<String>)> = self
            .conn
            .query_row(
                "SELECT failures, locked_until FROM lockout WHERE id = 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()?;
        Ok(match row {
            None => Lockout::default(),
            Some((failures, until)) => Lockout {
                failures,
                locked_until: until.as_deref().map(parse_ts).transpose()?,
            },
        })
    }

    /// Saves the kiosk-wide lockout.
    pub(crate) fn set_lockout(&self, l: &Lockout) -> Result<(), KioskError> {
        self.conn.execute(
            "INSERT INTO lockout (id, failures, locked_until) VALUES (1, ?1, ?2)
             ON CONFLICT (id) DO UPDATE SET failures = excluded.failures,
                                            locked_until = excluded.locked_until",
            params![l.failures, l.locked_until.map(ts)],
        )?;
        Ok(())
    }

    /// Records an export in one transaction: the watermark moved to
    /// `upper` (if given) and the audit line saying so.
    pub(crate) fn record_export(
        &self,
        at: DateTime<Utc>,
        upper: Option<i64>,
        event: AuditEvent<'_>,
    ) -> Result<(), KioskError> {
        let tx = self.conn.unchecked_transaction()?;
        if let Some(upper) = upper {
            self.set_meta(WATERMARK, &upper.to_string())?;
        }
        self.audit(at, event)?;
        tx.commit()?;
        Ok(())
    }

    /// The export watermark.
    pub(crate) fn watermark(&self) -> Result<i64, KioskError> {
        Ok(self
            .meta(WATERMARK)?
            .and_then(|v| v.parse().ok())
            .unwrap_or(0))
    }

    /// Finished sessions and their attendances after `after` (an export_seq).
    pub(crate) fn waiting(&self, after: i64) -> Result<(u64, u64), KioskError> {
        Ok(self.conn.query_row(
            "SELECT (SELECT COUNT(*) FROM runs WHERE export_seq > ?1),
                    (SELECT COUNT(*) FROM attendances a JOIN runs r ON a.run_id = r.id
                     WHERE r.export_seq > ?1)",
            [after],
            |r| Ok((r.get(0)?, r.get(1)?)),
        )?)
    }

    /// How many runs have ended.
    pub(crate) fn finished_sessions(&self) -> Result<u64, KioskError> {
        Ok(self.conn.query_row(
            "SELECT COUNT(*) FROM runs WHERE ended IS NOT NULL",
            [],
            |r| r.get(0),
        )?)
    }

    /// Copies the WAL into the database and empties it, so what a finished
    /// or discarded session deleted (its worksheets, overwritten in place by
    /// `secure_delete`) is left in no file.
    pub(crate) fn checkpoint(&self) -> Result<(), KioskError> {
        self.conn
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))?;
        Ok(())
    }

    /// Replaces the content kept with the run in progress (a run saved
    /// before content was kept with runs gets it from the installed programme).
    pub(crate) fn set_content(&self, s: &RunState) -> Result<(), KioskError> {
        self.conn.execute(
            "UPDATE runs SET content = ?2 WHERE uid = ?1 AND ended IS NULL",
            params![s.run_uid, content_to_json(&s.content)?],
        )?;
        Ok(())
    }

    fn run_id(tx: &Transaction<'_>, uid: &str) -> Result<i64, KioskError> {
        Ok(tx.query_row("SELECT id FROM runs WHERE uid = ?1", [uid], |r| r.get(0))?)
    }
}

fn attendee(s: &RunState, number: u32) -> Result<&Attendee, KioskError> {
    s.attendee_position(number)
        .map(|i| &s.attendees[i])
        .ok_or_else(|| bad("attendee number").into())
}

/// How a run's content is kept: the programme's own JSON for the session
/// and tools, pictures as hex.
#[derive(serde::Serialize, serde::Deserialize)]
struct StoredContent {
    session: content_pack::Session,
    tools: Vec<content_pack::Tool>,
    pictures: BTreeMap<String, String>,
}

fn content_to_json(c: &RunContent) -> Result<String, KioskError> {
    let stored = StoredContent {
        session: c.session.clone(),
        tools: c.tools.clone(),
        pictures: c
            .pictures
            .iter()
            .map(|(k, v)| (k.clone(), hex::encode(v)))
            .collect(),
    };
    serde_json::to_string(&stored).map_err(|e| KioskError::Database(bad(&format!("content ({e})"))))
}

fn content_from_json(json: &str) -> rusqlite::Result<RunContent> {
    let stored: StoredContent = serde_json::from_str(json).map_err(|_| bad("session content"))?;
    let pictures = stored
        .pictures
        .into_iter()
        .map(|(k, v)| hex::decode(v).map(|b| (k, b)).map_err(|_| bad("picture")))
        .collect::<rusqlite::Result<_>>()?;
    Ok(RunContent {
        session: stored.session,
        tools: stored.tools,
        pictures,
    })
}

fn save_progress(tx: &Transaction<'_>, s: &RunState) -> Result<(), KioskError> {
    tx.execute(
        "UPDATE runs SET phase = ?2, phase_entered = ?3, elapsed = ?4, reached = ?5, tools = ?6
         WHERE uid = ?1",
        params![
            s.run_uid,
            s.phase as i64,
            ts(s.phase_entered),
            join(&s.elapsed_secs),
            s.reached as i64,
            s.tools_used.join(",")
        ],
    )?;
    Ok(())
}

impl RunStore for Db {
    fn load_open(&self) -> Result<Option<RunState>, KioskError> {
        let row = self
            .conn
            .query_row(
                "SELECT id, uid, session_id, session_number, session_title, facilitator_id,
                        pack_version, started, phase_kinds, planned, phase, phase_entered,
                        elapsed, reached, tools, group_limit, content,
                        hands_helped, hands_ok, hands_not_helped
                 FROM runs WHERE ended IS NULL ORDER BY id DESC LIMIT 1",
                [],
                |r| {
                    let kinds: String = r.get(8)?;
                    let planned: Vec<u32> = split_nums(&r.get::<_, String>(9)?)?;
                    let kinds = kinds
                        .split(',')
                        .map(parse_kind)
                        .collect::<rusqlite::Result<Vec<_>>>()?;
                    if kinds.len() != planned.len() {
                        return Err(bad("phase plan"));
                    }
                    let phases = kinds
                        .into_iter()
                        .zip(planned)
                        .map(|(kind, planned_minutes)| PhasePlan {
                            kind,
                            planned_minutes,
                        })
                        .collect::<Vec<_>>();
                    let tools: String = r.get(14)?;
                    let state = RunState {
                        run_uid: r.get(1)?,
                        session_id: r.get(2)?,
                        session_number: r.get(3)?,
                        session_title: r.get(4)?,
                        facilitator_id: r.get(5)?,
                        pack_version: r.get::<_, i64>(6)? as u64,
                        started: parse_ts(&r.get::<_, String>(7)?)?,
                        phase: r.get::<_, i64>(10)? as usize,
                        phase_entered: parse_ts(&r.get::<_, String>(11)?)?,
                        elapsed_secs: split_nums(&r.get::<_, String>(12)?)?,
                        reached: r.get::<_, i64>(13)? as usize,
                        tools_used: tools
                            .split(',')
                            .filter(|t| !t.is_empty())
                            .map(str::to_owned)
                            .collect(),
                        attendees: vec![],
                        group_limit: r.get::<_, i64>(15)? as usize,
                        worksheets: BTreeMap::new(),
                        hands: Hands {
                            helped: r.get(17)?,
                            ok: r.get(18)?,
                            not_helped: r.get(19)?,
                        },
                        // Content saved by an older build (before the
                        // programme format changed) is taken again from the
                        // installed programme, as for a run saved before
                        // content was kept at all: the session resumes, and
                        // the kiosk never fails to start over it.
                        content: Arc::new(
                            match r
                                .get::<_, Option<String>>(16)?
                                .map(|j| content_from_json(&j))
                            {
                                Some(Ok(content)) => content,
                                Some(Err(_)) | None => {
                                    RunContent::legacy(r.get(2)?, r.get(3)?, r.get(4)?)
                                }
                            },
                        ),
                        phases,
                    };
                    if state.phase >= state.phases.len()
                        || state.elapsed_secs.len() != state.phases.len()
                    {
                        return Err(bad("run"));
                    }
                    Ok((r.get::<_, i64>(0)?, state))
                },
            )
            .optional()?;
        let Some((id, mut state)) = row else {
            return Ok(None);
        };
        let mut st = self.conn.prepare(
            "SELECT idx, pseudonym, left_early, added FROM attendances
             WHERE run_id = ?1 ORDER BY idx",
        )?;
        let rows = st.query_map([id], |r| {
            let p: Option<Vec<u8>> = r.get(1)?;
            let pseudonym = match p {
                None => None,
                Some(b) => Some(Pseudonym::from_slice(&b).ok_or_else(|| bad("pseudonym"))?),
            };
            Ok(Attendee {
                number: u32::try_from(r.get::<_, i64>(0)? + 1).map_err(|_| bad("attendee"))?,
                pseudonym,
                left_early: r.get(2)?,
                added: parse_ts(&r.get::<_, String>(3)?)?,
            })
        })?;
        state.attendees = rows.collect::<Result<_, _>>()?;
        let mut st = self
            .conn
            .prepare("SELECT tool, field, text, score FROM worksheets WHERE run_id = ?1")?;
        let rows = st.query_map([id], |r| {
            let score: Option<i64> = r.get(3)?;
            Ok((
                (r.get::<_, String>(0)?, r.get::<_, i64>(1)? as usize),
                WorksheetEntry {
                    text: r.get(2)?,
                    score: score.map(|s| s.clamp(0, 10) as u8),
                },
            ))
        })?;
        state.worksheets = rows.collect::<Result<_, _>>()?;
        Ok(Some(state))
    }

    fn create(&mut self, s: &RunState) -> Result<(), KioskError> {
        let tx = self.conn.transaction()?;
        let kinds: Vec<&str> = s.phases.iter().map(|p| kind_str(p.kind)).collect();
        let planned: Vec<u32> = s.phases.iter().map(|p| p.planned_minutes).collect();
        tx.execute(
            "INSERT INTO runs (uid, session_id, session_number, session_title, facilitator_id,
                               pack_version, started, phase_kinds, planned, phase, phase_entered,
                               elapsed, reached, tools, group_limit, content, points)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, ?12, ?13, ?14, ?15, ?16, ?17)",
            params![
                s.run_uid,
                s.session_id,
                s.session_number,
                s.session_title,
                s.facilitator_id,
                s.pack_version as i64,
                ts(s.started),
                kinds.join(","),
                join(&planned),
                s.phase as i64,
                ts(s.phase_entered),
                join(&s.elapsed_secs),
                s.reached as i64,
                s.tools_used.join(","),
                s.group_limit as i64,
                content_to_json(&s.content)?,
                s.content
                    .session
                    .points
                    .iter()
                    .map(|p| p.number().to_string())
                    .collect::<Vec<_>>()
                    .join(";"),
            ],
        )?;
        tx.commit()?;
        Ok(())
    }

    fn commit(&mut self, s: &RunState, effects: &[Effect]) -> Result<(), KioskError> {
        if effects.is_empty() {
            return Ok(());
        }
        let tx = self.conn.transaction()?;
        let id = Db::run_id(&tx, &s.run_uid)?;
        for e in effects {
            match e {
                Effect::SaveProgress => save_progress(&tx, s)?,
                Effect::SaveAttendee(n) => {
                    let a = attendee(s, *n)?;
                    tx.execute(
                        "INSERT INTO attendances (run_id, idx, pseudonym, left_early, added)
                         VALUES (?1, ?2, ?3, ?4, ?5)",
                        params![
                            id,
                            i64::from(*n) - 1,
                            a.pseudonym.as_ref().map(|p| &p.as_bytes()[..]),
                            a.left_early,
                            ts(a.added)
                        ],
                    )?;
                }
                Effect::DeleteAttendee(n) => {
                    tx.execute(
                        "DELETE FROM attendances WHERE run_id = ?1 AND idx = ?2",
                        params![id, i64::from(*n) - 1],
                    )?;
                }
                Effect::SaveLeftEarly(n) => {
                    let a = attendee(s, *n)?;
                    tx.execute(
                        "UPDATE attendances SET left_early = ?3 WHERE run_id = ?1 AND idx = ?2",
                        params![id, i64::from(*n) - 1, a.left_early],
                    )?;
                }
                Effect::SaveWorksheet(tool, field) => {
                    let key = (tool.clone(), *field);
                    let e = s.worksheets.get(&key).ok_or_else(|| bad("worksheet box"))?;
                    tx.execute(
                        "INSERT INTO worksheets (run_id, tool, field, text, score)
                         VALUES (?1, ?2, ?3, ?4, ?5)
                         ON CONFLICT (run_id, tool, field)
                         DO UPDATE SET text = excluded.text, score = excluded.score",
                        params![id, tool, *field as i64, e.text, e.score],
                    )?;
                }
                Effect::SaveHands => {
                    tx.execute(
                        "UPDATE runs SET hands_helped = ?2, hands_ok = ?3, hands_not_helped = ?4
                         WHERE id = ?1",
                        params![id, s.hands.helped, s.hands.ok, s.hands.not_helped],
                    )?;
                }
                Effect::Close(at) => {
                    // The session's worksheets and content copy go with it:
                    // only its attendance is kept (secure_delete overwrites).
                    tx.execute("DELETE FROM worksheets WHERE run_id = ?1", [id])?;
                    tx.execute(
                        "UPDATE runs SET ended = ?2, content = NULL,
                           export_seq = (SELECT COALESCE(MAX(export_seq), 0) + 1 FROM runs)
                         WHERE id = ?1",
                        params![id, ts(*at)],
                    )?;
                }
            }
        }
        tx.commit()?;
        Ok(())
    }

    fn discard(&mut self, run_uid: &str) -> Result<(), KioskError> {
        self.conn.execute(
            "DELETE FROM runs WHERE uid = ?1 AND ended IS NULL",
            [run_uid],
        )?;
        Ok(())
    }
}
