//! The service report over many export bundles (`insideout-provision export
//! report`): sessions delivered, attendances, people, how many sessions each
//! person reached, the points and tools used, and how groups felt, in all and
//! per site, wing and month.
//!
//! - **Streaming.** [`ReportBuilder::add`] reads one bundle at a time, its
//!   CSV files row by row through [`OpenedBundle::stream`], which checks each
//!   file's hash as it goes. A bundle's rows are gathered apart and counted
//!   only once both files ended cleanly, so a bundle that turns out changed
//!   adds nothing. What is kept is one small entry per session and per
//!   (person, session), never the rows.
//! - **Once per session.** Sessions are de-duplicated by kiosk key and run
//!   id, so overlapping bundles (a re-export of everything, an export
//!   repeated after the stick was pulled) are counted once, and one kiosk's
//!   bundle can never hide another's sessions by reusing their run ids.
//! - **Once per person.** People are told apart by pseudonym key id and
//!   pseudonym: kiosks that share their prison's site key give one person one
//!   pseudonym, so someone who attended on B and C wing counts once and their
//!   sessions add up. Kiosks with their own keys count people per kiosk, and
//!   the report says so ([`PeopleCounted`]).
//! - **Bound to its wing.** Every row must be from the site and wing its
//!   signed manifest names, and one kiosk key must not speak for two wings.
//! - **Disclosure.** Everything is counted exactly, then every figure is
//!   shown under one [`Disclosure`] rule by [`ReportBuilder::finish`]: the
//!   [`Report`] holds only figures as published.

use std::collections::{BTreeMap, BTreeSet, HashMap, HashSet};
use std::path::Path;

use chrono::{DateTime, Utc};
use content_pack::untrusted::shown_str;
use content_pack::Point;
use serde::Serialize;

use crate::bundle::{
    from_stream_error, BundleError, OpenedBundle, SessionRecord, ATTENDANCE_COLUMNS,
    ATTENDANCE_FILE, SESSIONS_FILE, SUMMARY_FILE,
};
use crate::disclosure::{Disclosure, Figure};

/// Sessions a person must reach to count as having had a meaningful dose.
pub const MANY_SESSIONS: u64 = 10;

/// The dose bands: people by the number of sessions they attended.
pub const DOSE_BANDS: [(&str, u64, u64); 4] = [
    ("1", 1, 1),
    ("2–4", 2, 4),
    ("5–9", 5, 9),
    ("10+", MANY_SESSIONS, u64::MAX),
];

/// A bundle's rows could not be counted.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ReportError {
    /// A CSV file is not in the export format.
    #[error("{file} in the export from {site} {wing} is not in the expected format ({problem}); export again with this software version")]
    BadCsv {
        /// The file.
        file: &'static str,
        /// Site of the bundle.
        site: String,
        /// Wing of the bundle.
        wing: String,
        /// What is wrong.
        problem: String,
    },
    /// A row names another site or wing than its bundle's signed manifest.
    #[error("{file} in the export from {site} {wing} holds a row for {row_site} {row_wing}; the export was changed after it was signed: do not use it")]
    RowFromElsewhere {
        /// The file.
        file: &'static str,
        /// Site of the bundle.
        site: String,
        /// Wing of the bundle.
        wing: String,
        /// The row's site.
        row_site: String,
        /// The row's wing.
        row_wing: String,
    },
    /// One kiosk key signed exports for two different wings.
    #[error("kiosk key {key} signed exports for both {first} and {second}; one kiosk key belongs to one wing: find out which export is genuine before reporting")]
    KeyForTwoWings {
        /// The kiosk key id.
        key: String,
        /// The first site and wing seen with it.
        first: String,
        /// The other.
        second: String,
    },
    /// One kiosk key used two pseudonym keys.
    #[error("kiosk key {key} made exports with two different pseudonym keys; its people cannot be counted: find out which export is genuine before reporting")]
    KeyWithTwoPseudonymKeys {
        /// The kiosk key id.
        key: String,
    },
    /// The bundle itself was refused.
    #[error(transparent)]
    Bundle(#[from] BundleError),
}

/// An export that was not counted, and why.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Skipped {
    /// Where it is (escaped for display).
    pub path: String,
    /// Why it was skipped.
    pub reason: String,
}

/// How people were told apart.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PeopleCounted {
    /// Kiosks (kiosk keys) whose exports were counted.
    pub kiosks: usize,
    /// Pseudonym keys among them: people are counted once per key.
    pub pseudonym_keys: usize,
    /// Every kiosk has its own key (and there is more than one kiosk): a
    /// person who attended on two wings counts twice.
    pub per_kiosk: bool,
}

impl PeopleCounted {
    /// One sentence for every output.
    pub fn sentence(&self) -> String {
        match (self.kiosks, self.pseudonym_keys) {
            (0 | 1, _) => "People are counted on one kiosk.".into(),
            (2, 1) => "People are counted once across both kiosks, which share one site pseudonym key: someone who attended on both wings counts once.".into(),
            (k, 1) => format!(
                "People are counted once across all {k} kiosks, which share one site pseudonym key: someone who attended on two wings counts once."
            ),
            (2, _) if self.per_kiosk => "People are counted per kiosk: both kiosks have their own pseudonym key, so someone who attended on both wings counts twice. Give the prison's kiosks one site key (insideout-provision site keygen) to count each person once.".into(),
            (k, _) if self.per_kiosk => format!(
                "People are counted per kiosk: each of the {k} kiosks has its own pseudonym key, so someone who attended on two wings counts twice. Give the prison's kiosks one site key (insideout-provision site keygen) to count each person once."
            ),
            (k, n) => format!(
                "People are counted once per pseudonym key: {k} kiosks use {n} keys, so someone who attended on wings with different keys counts once for each."
            ),
        }
    }
}

/// Sessions, attendances and people for one group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Sessions delivered.
    pub sessions: Figure,
    /// Attendances (each person at each session, anonymous attendees included).
    pub attendances: Figure,
    /// Different people (anonymous attendees are not counted).
    pub people: Figure,
}

/// One row of the breakdown by site, wing and month.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MonthRow {
    /// The prison.
    pub site: String,
    /// The wing.
    pub wing: String,
    /// `YYYY-MM` of the sessions.
    pub month: String,
    /// The counts.
    #[serde(flatten)]
    pub counts: Counts,
}

/// A named count (a dose band, a point, a tool).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Named {
    /// What is counted.
    pub name: String,
    /// How many.
    pub count: Figure,
}

/// "How was today?" at check-out: a show of hands, counts only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Feedback {
    /// The prison (empty in the totals).
    pub site: String,
    /// The wing (empty in the totals).
    pub wing: String,
    /// Sessions where the group was asked.
    pub sessions_asked: Figure,
    /// Hands up for "it helped".
    pub helped: Figure,
    /// … "it was OK".
    pub ok: Figure,
    /// … "it did not help".
    pub did_not_help: Figure,
}

/// The whole report, every figure as shown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    /// The rule the figures follow.
    pub disclosure: Disclosure,
    /// Whether every bundle's signature was checked against a trusted
    /// kiosk key (otherwise only that its files match its own manifest).
    pub verified: bool,
    /// Exports counted (escaped for display).
    pub read: Vec<String>,
    /// Exports not counted, and why.
    pub skipped: Vec<Skipped>,
    /// Sessions seen in more than one export (counted once).
    pub duplicate_sessions: u64,
    /// First and last month with a session (`YYYY-MM`).
    pub period: Option<(String, String)>,
    /// How people were told apart.
    pub people_counted: PeopleCounted,
    /// Totals.
    pub totals: Counts,
    /// People by sessions attended ([`DOSE_BANDS`]).
    pub dose: Vec<Named>,
    /// Sessions that worked on each point.
    pub by_point: Vec<Named>,
    /// Sessions that used each tool.
    pub by_tool: Vec<Named>,
    /// Group feedback per site and wing.
    pub feedback: Vec<Feedback>,
    /// Group feedback in all.
    pub feedback_total: Feedback,
    /// Per site, wing and month.
    pub by_month: Vec<MonthRow>,
}

impl Report {
    /// The warnings every output starts with (not for publication, not
    /// verified), one per line.
    pub fn warnings(&self) -> Vec<String> {
        let mut w = Vec::new();
        if self.disclosure == Disclosure::Exact {
            w.push(crate::disclosure::NOT_FOR_PUBLICATION.to_owned());
        }
        if !self.verified {
            w.push("NOT VERIFIED: the exports' signatures were not checked against the kiosks' keys (--unverified); anyone could have made them.".to_owned());
        }
        if !self.skipped.is_empty() {
            w.push(format!(
                "{} export(s) were skipped and are not counted: see the list of what was skipped.",
                self.skipped.len()
            ));
        }
        w
    }
}

/// Exact counts for one group.
#[derive(Default, Clone)]
struct Tally {
    sessions: u64,
    attendances: u64,
    people: HashSet<u32>,
}

/// Exact feedback sums.
#[derive(Default, Clone, Copy)]
struct Hands {
    asked: u64,
    helped: u64,
    ok: u64,
    not_helped: u64,
}

impl Hands {
    fn add(&mut self, s: &SessionRecord) {
        if let (Some(h), Some(o), Some(n)) =
            (s.feedback_helped, s.feedback_ok, s.feedback_not_helped)
        {
            self.asked += 1;
            self.helped += u64::from(h);
            self.ok += u64::from(o);
            self.not_helped += u64::from(n);
        }
    }

    /// The four counts, in [`Feedback`]'s order.
    fn counts(self) -> [u64; 4] {
        [self.asked, self.helped, self.ok, self.not_helped]
    }
}

impl Feedback {
    fn new(
        site: String,
        wing: String,
        [sessions_asked, helped, ok, did_not_help]: [Figure; 4],
    ) -> Feedback {
        Feedback {
            site,
            wing,
            sessions_asked,
            helped,
            ok,
            did_not_help,
        }
    }
}

/// What one kiosk key has been seen with.
struct KioskSeen {
    site: String,
    wing: String,
    pseudonym_key: String,
}

/// An attendance row as counted: the index of its session in the bundle,
/// and the pseudonym (none for an anonymous attendee).
type Attendance = (u32, Option<[u8; 32]>);

/// A session of the bundle being read, not yet counted.
struct NewSession {
    group: (String, String, String),
    record: SessionRecord,
}

/// Gathers bundles one at a time; [`ReportBuilder::finish`] makes the report.
#[derive(Default)]
pub struct ReportBuilder {
    kiosks: HashMap<String, KioskSeen>,
    seen_runs: HashSet<(String, String)>,
    duplicate_sessions: u64,
    people: HashMap<(String, [u8; 32]), u32>,
    /// Distinct sessions per person.
    person_sessions: HashMap<u32, u64>,
    total: Tally,
    groups: BTreeMap<(String, String, String), Tally>,
    tools: BTreeMap<String, u64>,
    points: BTreeMap<u8, u64>,
    hands: BTreeMap<(String, String), Hands>,
    read: Vec<String>,
    skipped: Vec<Skipped>,
    verified: bool,
    any: bool,
}

impl ReportBuilder {
    /// An empty report.
    pub fn new() -> ReportBuilder {
        ReportBuilder {
            verified: true,
            ..ReportBuilder::default()
        }
    }

    /// Records an export that was not counted.
    pub fn skip(&mut self, path: &Path, reason: String) {
        self.skipped.push(Skipped {
            path: shown_str(&path.display().to_string()),
            reason,
        });
    }

    /// Counts one bundle; if it fails, nothing of it is counted (and the
    /// caller may [`skip`](Self::skip) it and go on).
    pub fn add(&mut self, b: &OpenedBundle) -> Result<(), ReportError> {
        let m = b.manifest();
        let pseudonym_key = if m.pseudonym_key_id.is_empty() {
            // Format 1: the kiosk's own secret.
            format!("kiosk-{}", m.kiosk_key_id)
        } else {
            m.pseudonym_key_id.clone()
        };
        if let Some(k) = self.kiosks.get(&m.kiosk_key_id) {
            if (k.site.as_str(), k.wing.as_str()) != (m.site.as_str(), m.wing.as_str()) {
                return Err(ReportError::KeyForTwoWings {
                    key: shown_str(&m.kiosk_key_id),
                    first: shown_str(&format!("{} {}", k.site, k.wing)),
                    second: shown_str(&format!("{} {}", m.site, m.wing)),
                });
            }
            if k.pseudonym_key != pseudonym_key {
                return Err(ReportError::KeyWithTwoPseudonymKeys {
                    key: shown_str(&m.kiosk_key_id),
                });
            }
        }
        let sessions = self
            .read_sessions(b)
            .map_err(|e| changed_or(b, SESSIONS_FILE, e))?;
        let attendances =
            read_attendances(b, &sessions).map_err(|e| changed_or(b, ATTENDANCE_FILE, e))?;
        // The summary is not counted, but a bundle is counted only whole.
        std::io::copy(&mut b.stream(SUMMARY_FILE)?, &mut std::io::sink())
            .map_err(|e| from_stream_error(SUMMARY_FILE, b.dir(), e))?;
        // Every file ended cleanly: count them.
        self.kiosks
            .entry(m.kiosk_key_id.clone())
            .or_insert_with(|| KioskSeen {
                site: m.site.clone(),
                wing: m.wing.clone(),
                pseudonym_key: pseudonym_key.clone(),
            });
        // New sessions by their index in the bundle.
        let mut new_runs: HashMap<u32, (String, String, String)> = HashMap::new();
        for (i, s) in (0u32..).zip(sessions) {
            if !self
                .seen_runs
                .insert((m.kiosk_key_id.clone(), s.record.run_id.clone()))
            {
                self.duplicate_sessions += 1;
                continue;
            }
            let g = self.groups.entry(s.group.clone()).or_default();
            g.sessions += 1;
            self.total.sessions += 1;
            for t in s.record.tools_used.split(';').filter(|t| !t.is_empty()) {
                *self.tools.entry(t.to_owned()).or_default() += 1;
            }
            for p in s
                .record
                .points
                .split(';')
                .filter_map(|p| p.parse::<u8>().ok())
            {
                *self.points.entry(p).or_default() += 1;
            }
            self.hands
                .entry((m.site.clone(), m.wing.clone()))
                .or_default()
                .add(&s.record);
            new_runs.insert(i, s.group);
        }
        let mut person_runs: HashSet<(u32, u32)> = HashSet::new();
        for (run, person) in attendances {
            // Rows of a session already counted from another bundle are skipped.
            let Some(group) = new_runs.get(&run) else {
                continue;
            };
            let g = self.groups.entry(group.clone()).or_default();
            g.attendances += 1;
            self.total.attendances += 1;
            if let Some(person) = person {
                let next = self.people.len() as u32;
                let id = *self
                    .people
                    .entry((pseudonym_key.clone(), person))
                    .or_insert(next);
                g.people.insert(id);
                self.total.people.insert(id);
                if person_runs.insert((id, run)) {
                    *self.person_sessions.entry(id).or_default() += 1;
                }
            }
        }
        self.verified &= b.signer().is_some();
        self.any = true;
        self.read.push(shown_str(&b.dir().display().to_string()));
        Ok(())
    }

    fn read_sessions(&self, b: &OpenedBundle) -> Result<Vec<NewSession>, ReportError> {
        let m = b.manifest();
        let mut out = Vec::new();
        let mut runs = HashSet::new();
        let mut reader = csv::Reader::from_reader(b.stream(SESSIONS_FILE)?);
        for row in reader.deserialize::<SessionRecord>() {
            let s = row.map_err(|e| csv_error(b, SESSIONS_FILE, e))?;
            from_here(b, SESSIONS_FILE, &s.site, &s.wing)?;
            if !runs.insert(s.run_id.clone()) {
                return Err(bad_csv(
                    b,
                    SESSIONS_FILE,
                    "a session is listed twice".into(),
                ));
            }
            let group = (m.site.clone(), m.wing.clone(), month(s.started));
            out.push(NewSession { group, record: s });
        }
        Ok(out)
    }

    /// Feedback per site and wing, and in all: each count's wings add up to
    /// its total, so each is shown as one sum.
    fn feedback(&self, disclosure: Disclosure) -> (Vec<Feedback>, Feedback) {
        let rows: Vec<[u64; 4]> = self.hands.values().map(|h| h.counts()).collect();
        let mut shown = vec![[Figure::Count(0); 4]; rows.len()];
        let mut total = [Figure::Count(0); 4];
        for c in 0..4 {
            let parts: Vec<u64> = rows.iter().map(|r| r[c]).collect();
            let (parts, all) = disclosure.show_sum(&parts, parts.iter().sum());
            for (row, f) in shown.iter_mut().zip(parts) {
                row[c] = f;
            }
            total[c] = all;
        }
        let wings = self
            .hands
            .keys()
            .zip(shown)
            .map(|((site, wing), f)| Feedback::new(shown_str(site), shown_str(wing), f))
            .collect();
        (wings, Feedback::new(String::new(), String::new(), total))
    }

    /// The report, every figure shown under `disclosure`.
    pub fn finish(self, disclosure: Disclosure) -> Report {
        let d = |n: u64| disclosure.show(n);
        // The sums a reader can check: the rows add up to the totals, the
        // dose bands to the people, the wings' hands to all hands.
        let column = |f: fn(&Tally) -> u64| {
            let parts: Vec<u64> = self.groups.values().map(f).collect();
            disclosure.show_sum(&parts, f(&self.total))
        };
        let (sessions, total_sessions) = column(|t| t.sessions);
        let (attendances, total_attendances) = column(|t| t.attendances);
        let bands: Vec<u64> = DOSE_BANDS
            .iter()
            .map(|&(_, lo, hi)| {
                self.person_sessions
                    .values()
                    .filter(|&&n| (lo..=hi).contains(&n))
                    .count() as u64
            })
            .collect();
        let (bands, people) = disclosure.show_sum(&bands, self.total.people.len() as u64);
        let dose = DOSE_BANDS
            .iter()
            .zip(bands)
            .map(|(&(name, _, _), count)| Named {
                name: name.into(),
                count,
            })
            .collect();
        let by_point = Point::ALL
            .iter()
            .map(|p| Named {
                name: format!("{}. {}", p.number(), p.title()),
                count: d(self.points.get(&p.number()).copied().unwrap_or(0)),
            })
            .collect();
        let by_tool = self
            .tools
            .iter()
            .map(|(t, &n)| Named {
                name: shown_str(t),
                count: d(n),
            })
            .collect();
        let (feedback, feedback_total) = self.feedback(disclosure);
        let keys: BTreeSet<&str> = self
            .kiosks
            .values()
            .map(|k| k.pseudonym_key.as_str())
            .collect();
        let months: BTreeSet<&str> = self.groups.keys().map(|(_, _, m)| m.as_str()).collect();
        Report {
            disclosure,
            verified: self.verified && self.any,
            read: self.read,
            skipped: self.skipped,
            duplicate_sessions: self.duplicate_sessions,
            period: months
                .first()
                .zip(months.last())
                .map(|(a, b)| (a.to_string(), b.to_string())),
            people_counted: PeopleCounted {
                kiosks: self.kiosks.len(),
                pseudonym_keys: keys.len(),
                per_kiosk: self.kiosks.len() > 1 && keys.len() == self.kiosks.len(),
            },
            totals: Counts {
                sessions: total_sessions,
                attendances: total_attendances,
                people,
            },
            dose,
            by_point,
            by_tool,
            feedback,
            feedback_total,
            by_month: self
                .groups
                .iter()
                .zip(sessions.into_iter().zip(attendances))
                .map(
                    |(((site, wing, month), t), (sessions, attendances))| MonthRow {
                        site: shown_str(site),
                        wing: shown_str(wing),
                        month: month.clone(),
                        counts: Counts {
                            sessions,
                            attendances,
                            people: d(t.people.len() as u64),
                        },
                    },
                )
                .collect(),
        }
    }
}

/// The attendance rows as (index of the session in `sessions`, pseudonym),
/// read as raw records (the hot path: a million rows must not allocate a
/// struct each).
fn read_attendances(
    b: &OpenedBundle,
    sessions: &[NewSession],
) -> Result<Vec<Attendance>, ReportError> {
    let file = ATTENDANCE_FILE;
    let runs: HashMap<&str, u32> = (0u32..)
        .zip(sessions)
        .map(|(i, s)| (s.record.run_id.as_str(), i))
        .collect();
    let mut reader = csv::Reader::from_reader(b.stream(file)?);
    let header = reader.byte_headers().map_err(|e| csv_error(b, file, e))?;
    if header
        .iter()
        .ne(ATTENDANCE_COLUMNS.iter().map(|c| c.as_bytes()))
    {
        return Err(bad_csv(b, file, "its columns are not the export's".into()));
    }
    let m = b.manifest();
    let (site, wing) = (m.site.as_bytes(), m.wing.as_bytes());
    let mut out = Vec::new();
    let mut row = csv::ByteRecord::new();
    while reader
        .read_byte_record(&mut row)
        .map_err(|e| csv_error(b, file, e))?
    {
        if row.len() != ATTENDANCE_COLUMNS.len() {
            return Err(bad_csv(
                b,
                file,
                "a row has the wrong number of fields".into(),
            ));
        }
        if &row[2] != site || &row[3] != wing {
            return Err(ReportError::RowFromElsewhere {
                file,
                site: shown_str(&m.site),
                wing: shown_str(&m.wing),
                row_site: content_pack::untrusted::shown(&row[2]),
                row_wing: content_pack::untrusted::shown(&row[3]),
            });
        }
        let run = std::str::from_utf8(&row[0])
            .ok()
            .and_then(|r| runs.get(r))
            .ok_or_else(|| {
                bad_csv(
                    b,
                    file,
                    "a row is for a session that is not in sessions.csv".into(),
                )
            })?;
        let person = match &row[5] {
            [] => None,
            p => {
                let mut bytes = [0u8; 32];
                hex::decode_to_slice(p, &mut bytes).map_err(|_| {
                    bad_csv(
                        b,
                        file,
                        "a participant is not a 64-hex-digit pseudonym".into(),
                    )
                })?;
                Some(bytes)
            }
        };
        out.push((*run, person));
    }
    Ok(out)
}

/// Counts `bundles`, failing at the first that cannot be counted (the CLI
/// skips such a bundle and goes on; see [`ReportBuilder::skip`]).
pub fn build_report<'a>(
    bundles: impl IntoIterator<Item = &'a OpenedBundle>,
    disclosure: Disclosure,
) -> Result<Report, ReportError> {
    let mut r = ReportBuilder::new();
    for b in bundles {
        r.add(b)?;
    }
    Ok(r.finish(disclosure))
}

fn month(t: DateTime<Utc>) -> String {
    t.format("%Y-%m").to_string()
}

/// A file that does not parse may be one that was changed: if it does not
/// match its manifest, say that (do not use it) rather than blame the format.
fn changed_or(b: &OpenedBundle, file: &'static str, e: ReportError) -> ReportError {
    if matches!(e, ReportError::Bundle(_)) {
        return e;
    }
    let whole = b.stream(file).and_then(|mut f| {
        std::io::copy(&mut f, &mut std::io::sink())
            .map_err(|io| from_stream_error(file, b.dir(), io))
    });
    match whole {
        Err(changed) => ReportError::Bundle(changed),
        Ok(_) => e,
    }
}

fn bad_csv(b: &OpenedBundle, file: &'static str, problem: String) -> ReportError {
    ReportError::BadCsv {
        file,
        site: shown_str(&b.manifest().site),
        wing: shown_str(&b.manifest().wing),
        problem,
    }
}

/// A CSV error: a changed file (the checked reader's error) is reported as
/// such, anything else as a format problem.
fn csv_error(b: &OpenedBundle, file: &'static str, e: csv::Error) -> ReportError {
    if !e.is_io_error() {
        return bad_csv(b, file, e.to_string());
    }
    match e.into_kind() {
        csv::ErrorKind::Io(io) => ReportError::Bundle(from_stream_error(file, b.dir(), io)),
        other => bad_csv(b, file, format!("{other:?}")),
    }
}

/// Checks that a row is from the bundle's own site and wing.
fn from_here(
    b: &OpenedBundle,
    file: &'static str,
    site: &str,
    wing: &str,
) -> Result<(), ReportError> {
    let m = b.manifest();
    if site == m.site && wing == m.wing {
        return Ok(());
    }
    Err(ReportError::RowFromElsewhere {
        file,
        site: shown_str(&m.site),
        wing: shown_str(&m.wing),
        row_site: shown_str(site),
        row_wing: shown_str(wing),
    })
}
