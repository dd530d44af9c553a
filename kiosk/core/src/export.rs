//! USB export: an incremental, signed bundle of finished sessions.
//!
//! Rows are the sessions finished since the watermark (each finished session
//! gets the next `export_seq`). The bundle is written by
//! [`attendance_export::BundleWriter`] under a temporary name and renamed into place;
//! only then does the watermark move, in one database commit. A stick pulled
//! out, a full stick, a read-only folder or a power cut anywhere before that
//! leaves the watermark where it was, so the next export has every row.

use std::fmt;
use std::path::{Path, PathBuf};

use attendance_export::bundle::{ATTENDANCE_COLUMNS, ATTENDANCE_FILE, SESSIONS_FILE, SUMMARY_FILE};
use attendance_export::{bundle_dir_name, BundleError, BundleWriter, ExportSummary, SessionRecord};
use chrono::{DateTime, Utc};
use content_pack::SigningKey;
use rusqlite::params;

use crate::config::{DataDir, KioskConfig};
use crate::db::{AuditEvent, Db};
use crate::error::KioskError;

/// Which rows to export.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExportScope {
    /// Sessions finished since the last successful export.
    New,
    /// Every finished session on the kiosk.
    All,
}

impl ExportScope {
    fn as_str(self) -> &'static str {
        match self {
            ExportScope::New => "new",
            ExportScope::All => "all",
        }
    }
}

/// What is waiting to be exported.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ExportBacklog {
    /// Finished sessions not yet exported.
    pub sessions: u64,
    /// Their attendances.
    pub attendances: u64,
}

/// The result of an export.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExportOutcome {
    /// A bundle was written.
    Written {
        /// The bundle folder.
        folder: PathBuf,
        /// Session rows.
        sessions: u64,
        /// Attendance rows.
        attendances: u64,
    },
    /// Nothing was waiting; no bundle was written.
    NothingToExport,
}

impl fmt::Display for ExportOutcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ExportOutcome::Written {
                folder,
                sessions,
                attendances,
            } => write!(
                f,
                "Exported {sessions} sessions and {attendances} attendances to {}",
                folder.display()
            ),
            ExportOutcome::NothingToExport => f.write_str("Nothing new to export"),
        }
    }
}

/// The result of [`crate::Kiosk::export_to_stick`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StickExport {
    /// What was written.
    pub outcome: ExportOutcome,
    /// Under the systemd unit, whether the helper was seen to put the stick
    /// back read-only; `None` when the kiosk wrote straight into its USB folder.
    pub release: Option<crate::handshake::Release>,
}

impl fmt::Display for StickExport {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use crate::handshake::Release;
        match (&self.outcome, self.release) {
            (
                ExportOutcome::Written {
                    folder,
                    sessions,
                    attendances,
                },
                release,
            ) => {
                write!(
                    f,
                    "Exported {sessions} sessions and {attendances} attendances to the USB stick"
                )?;
                if let Some(name) = folder.file_name() {
                    write!(f, ", folder {}", name.to_string_lossy())?;
                }
                match release {
                    // Without a hand-shake the bundle was fsynced in place.
                    Some(Release::Released) | None => {
                        f.write_str("; the stick can be taken out now")
                    }
                    Some(Release::Pending) => f.write_str(
                        "; wait one minute before taking the stick out, so that it is safely written",
                    ),
                }
            }
            (outcome, _) => write!(f, "{outcome}"),
        }
    }
}

/// What is waiting.
pub fn backlog(db: &Db) -> Result<ExportBacklog, KioskError> {
    let (sessions, attendances) = db.waiting(db.watermark()?)?;
    Ok(ExportBacklog {
        sessions,
        attendances,
    })
}

fn write_error(e: BundleError) -> KioskError {
    match e {
        BundleError::Write { path, cause } => KioskError::ExportWrite { path, cause },
        e => KioskError::Bundle(e),
    }
}

fn csv_io(e: csv::Error) -> std::io::Error {
    match e.into_kind() {
        csv::ErrorKind::Io(e) => e,
        other => std::io::Error::other(format!("{other:?}")),
    }
}

fn parse_ts(s: &str) -> std::io::Result<DateTime<Utc>> {
    DateTime::parse_from_rfc3339(s)
        .map(|t| t.with_timezone(&Utc))
        .map_err(std::io::Error::other)
}

/// Column `i` of a row as bytes, borrowed from SQLite's buffer.
fn field<'r>(r: &'r rusqlite::Row<'_>, i: usize) -> std::io::Result<&'r [u8]> {
    r.get_ref(i)
        .and_then(|v| v.as_bytes().map_err(rusqlite::Error::from))
        .map_err(|e| std::io::Error::other(format!("reading the database: {e}")))
}

/// The attendance query; the benchmark runs the same one through `sqlite3 -csv`.
pub const ATTENDANCE_QUERY: &str = "SELECT r.uid, substr(r.started, 1, 10), r.session_id, \
     lower(hex(a.pseudonym)), a.left_early \
     FROM runs r JOIN attendances a ON a.run_id = r.id \
     WHERE r.export_seq > ?1 AND r.export_seq <= ?2 ORDER BY r.export_seq, a.idx";

/// Writes a bundle of the rows in `scope` into `to`.
pub fn export(
    db: &Db,
    dir: &DataDir,
    config: &KioskConfig,
    to: &Path,
    scope: ExportScope,
    now: DateTime<Utc>,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<ExportOutcome, KioskError> {
    if !to.is_dir() {
        return Err(KioskError::NoUsb(to.to_owned()));
    }
    let watermark = db.watermark()?;
    let after = match scope {
        ExportScope::New => watermark,
        ExportScope::All => 0,
    };
    let (sessions, attendances) = db.waiting(after)?;
    if sessions == 0 {
        return Ok(ExportOutcome::NothingToExport);
    }
    let upper: i64 = db.conn().query_row(
        "SELECT MAX(export_seq) FROM runs WHERE export_seq > ?1",
        [after],
        |r| r.get(0),
    )?;
    let key = SigningKey::from_file(&dir.signing_key(), None)?;
    let pseudonym_key_id = crate::pseudonym::Pseudonymiser::load(&dir.secret())?
        .key_id()
        .to_string();
    let mut writer = BundleWriter::create(to, &bundle_dir_name(&config.site, &config.wing, now))
        .map_err(write_error)?;
    let written = write_files(
        db,
        config,
        &mut writer,
        Range {
            after,
            upper,
            total: sessions + attendances,
        },
        Ids {
            kiosk_key: key.key_id().to_string(),
            pseudonym_key: pseudonym_key_id.clone(),
        },
        now,
        scope,
        progress,
    );
    let folder = match written {
        Ok(summary) => writer
            .finish(
                &key,
                &pseudonym_key_id,
                &config.site,
                &config.wing,
                now,
                scope.as_str(),
            )
            .map(|f| (f, summary)),
        Err(e) => {
            writer.abandon();
            Err(e)
        }
    };
    let (folder, summary) = folder.map_err(write_error)?;
    let name = folder
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    db.record_export(
        now,
        (upper > watermark).then_some(upper),
        AuditEvent::Exported {
            bundle: &name,
            sessions: summary.sessions,
            attendances: summary.attendances,
        },
    )
    .map_err(|e| KioskError::ExportNotRecorded {
        folder: name.clone(),
        cause: Box::new(e),
    })?;
    debug_assert_eq!(summary.attendances, attendances);
    Ok(ExportOutcome::Written {
        folder,
        sessions: summary.sessions,
        attendances: summary.attendances,
    })
}

/// The `export_seq` range being exported (`after < seq <= upper`) and how
/// many rows it holds (for progress).
struct Range {
    after: i64,
    upper: i64,
    total: u64,
}

/// The keys a bundle names.
struct Ids {
    kiosk_key: String,
    pseudonym_key: String,
}

#[allow(clippy::too_many_arguments)]
fn write_files(
    db: &Db,
    config: &KioskConfig,
    writer: &mut BundleWriter,
    Range {
        after,
        upper,
        total,
    }: Range,
    ids: Ids,
    now: DateTime<Utc>,
    scope: ExportScope,
    progress: &mut dyn FnMut(u64, u64),
) -> Result<ExportSummary, BundleError> {
    let conn = db.conn();
    let mut summary = ExportSummary {
        site: config.site.clone(),
        wing: config.wing.clone(),
        kiosk_key_id: ids.kiosk_key,
        pseudonym_key_id: ids.pseudonym_key,
        created: now,
        scope: scope.as_str().into(),
        sessions: 0,
        attendances: 0,
        first_started: None,
        last_ended: None,
    };
    let mut done = 0u64;
    let db_err = |e: rusqlite::Error| std::io::Error::other(format!("reading the database: {e}"));

    writer.add_file(SESSIONS_FILE, |w| {
        let mut out = csv::Writer::from_writer(w);
        let mut st = conn
            .prepare(
                "SELECT r.uid, r.session_id, r.session_number, r.pack_version, r.facilitator_id,
                        r.started, r.ended, r.planned, r.reached, r.phase_kinds, r.tools,
                        r.points, r.hands_helped, r.hands_ok, r.hands_not_helped,
                        COUNT(a.idx),
                        COALESCE(SUM(a.idx IS NOT NULL AND a.pseudonym IS NULL), 0),
                        COALESCE(SUM(a.left_early), 0)
                 FROM runs r LEFT JOIN attendances a ON a.run_id = r.id
                 WHERE r.export_seq > ?1 AND r.export_seq <= ?2
                 GROUP BY r.id ORDER BY r.export_seq",
            )
            .map_err(db_err)?;
        let mut rows = st.query(params![after, upper]).map_err(db_err)?;
        while let Some(r) = rows.next().map_err(db_err)? {
            let get_s = |i| r.get::<_, String>(i).map_err(db_err);
            let started = parse_ts(&get_s(5)?)?;
            let ended = parse_ts(&get_s(6)?)?;
            let planned: u32 = get_s(7)?
                .split(',')
                .filter_map(|m| m.parse::<u32>().ok())
                .sum();
            // All zero: the group was not asked, and the columns stay empty.
            let hands: [u32; 3] = [
                r.get(12).map_err(db_err)?,
                r.get(13).map_err(db_err)?,
                r.get(14).map_err(db_err)?,
            ];
            let asked = hands.iter().any(|&n| n > 0);
            let rec = SessionRecord {
                run_id: get_s(0)?,
                site: config.site.clone(),
                wing: config.wing.clone(),
                session_id: get_s(1)?,
                session_number: r.get(2).map_err(db_err)?,
                pack_version: r.get::<_, i64>(3).map_err(db_err)? as u64,
                facilitator_id: get_s(4)?,
                started,
                ended,
                planned_minutes: planned,
                elapsed_minutes: ((ended - started).num_seconds().max(0) as u32 + 30) / 60,
                phases_completed: r.get::<_, u32>(8).map_err(db_err)? + 1,
                phase_count: get_s(9)?.split(',').count() as u32,
                tools_used: get_s(10)?.replace(',', ";"),
                attended: r.get(15).map_err(db_err)?,
                anonymous: r.get(16).map_err(db_err)?,
                left_early: r.get(17).map_err(db_err)?,
                points: get_s(11)?,
                feedback_helped: asked.then_some(hands[0]),
                feedback_ok: asked.then_some(hands[1]),
                feedback_not_helped: asked.then_some(hands[2]),
            };
            summary.first_started = Some(summary.first_started.map_or(started, |f| f.min(started)));
            summary.last_ended = Some(summary.last_ended.map_or(ended, |l| l.max(ended)));
            summary.sessions += 1;
            out.serialize(&rec).map_err(csv_io)?;
            done += 1;
        }
        out.flush()?;
        progress(done, total);
        Ok(())
    })?;

    // The hot path: rows are written straight from SQLite's buffers, in the
    // column order of `AttendanceRecord` (a test checks the two agree).
    writer.add_file(ATTENDANCE_FILE, |w| {
        let mut out = csv::Writer::from_writer(w);
        out.write_record(ATTENDANCE_COLUMNS).map_err(csv_io)?;
        let mut st = conn.prepare(ATTENDANCE_QUERY).map_err(db_err)?;
        let mut rows = st.query(params![after, upper]).map_err(db_err)?;
        let (site, wing) = (config.site.as_bytes(), config.wing.as_bytes());
        while let Some(r) = rows.next().map_err(db_err)? {
            let left: bool = r.get(4).map_err(db_err)?;
            let left: &[u8] = if left { b"true" } else { b"false" };
            out.write_record([
                field(r, 0)?,
                field(r, 1)?,
                site,
                wing,
                field(r, 2)?,
                field(r, 3)?,
                left,
            ])
            .map_err(csv_io)?;
            summary.attendances += 1;
            done += 1;
            if done.is_multiple_of(256) {
                progress(done, total);
            }
        }
        out.flush()?;
        progress(done, total);
        Ok(())
    })?;

    writer.add_file(SUMMARY_FILE, |w| {
        serde_json::to_writer_pretty(&mut *w, &summary).map_err(std::io::Error::other)?;
        w.write_all(b"\n")
    })?;
    Ok(summary)
}
