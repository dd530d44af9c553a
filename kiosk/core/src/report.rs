//! The service-side report over many export bundles (`insideout-provision
//! export report`): sessions delivered, attendances, unique participants,
//! how many reached 10 or more sessions, tools used, and the same per site,
//! wing and month.
//!
//! Sessions are de-duplicated by kiosk key and run id, so overlapping
//! bundles (a re-export with `--all`, or an export repeated after the stick
//! was pulled) are counted once, and one kiosk's bundle can never hide
//! another's sessions by reusing their run ids. Every row must be from the
//! site and wing its signed manifest names, and one kiosk key must not
//! speak for two wings. A report over bundles whose signatures were not
//! checked says so in every output. Participants are pseudonyms made with each kiosk's own
//! secret, so they are counted per kiosk: the same person on two wings counts
//! twice. Every count from 1 to 4 is shown as "<5" so no small group can be
//! singled out.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::fmt;

use content_pack::bundle::{ATTENDANCE_FILE, SESSIONS_FILE};
use content_pack::{AttendanceRecord, BundleError, SessionRecord, VerifiedBundle};
use serde::Serialize;

/// Sessions a participant must reach to count as "10+".
pub const MANY_SESSIONS: usize = 10;
/// Counts below this (and above 0) are shown as "<5".
pub const SUPPRESS_BELOW: u64 = 5;

/// A count as it is shown: exact from 5 up (and 0), "<5" in between.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Count(pub u64);

impl fmt::Display for Count {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.0 > 0 && self.0 < SUPPRESS_BELOW {
            f.write_str("<5")
        } else {
            write!(f, "{}", self.0)
        }
    }
}

impl Serialize for Count {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if self.0 > 0 && self.0 < SUPPRESS_BELOW {
            s.serialize_str("<5")
        } else {
            s.serialize_u64(self.0)
        }
    }
}

/// Counts for one group of sessions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Counts {
    /// Sessions delivered.
    pub sessions: Count,
    /// Attendances (each person at each session, anonymous included).
    pub attendances: Count,
    /// Distinct participants (per kiosk; anonymous attendees not counted).
    pub unique_participants: Count,
}

/// One row of the breakdown.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct GroupRow {
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

/// The whole report.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Report {
    /// Whether every bundle's signature was checked against a kiosk key
    /// (otherwise only that its files match its own manifest).
    pub verified: bool,
    /// Bundles read.
    pub bundles: usize,
    /// Sessions seen in more than one bundle (counted once).
    pub duplicate_sessions: u64,
    /// Totals.
    #[serde(flatten)]
    pub totals: Counts,
    /// Participants who attended at least [`MANY_SESSIONS`] sessions.
    pub reached_10_sessions: Count,
    /// Sessions that used each tool.
    pub tools_used: BTreeMap<String, Count>,
    /// Per site, wing and month.
    pub by_site_wing_month: Vec<GroupRow>,
}

/// A bundle's rows could not be read.
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
    /// The bundle itself was refused.
    #[error(transparent)]
    Bundle(#[from] BundleError),
}

/// Text from a bundle, for the terminal and for messages (the report may be
/// over bundles nobody has verified).
fn shown(text: &str) -> String {
    content_pack::untrusted::shown_str(text)
}

fn rows<T: serde::de::DeserializeOwned>(
    b: &VerifiedBundle,
    file: &'static str,
) -> Result<Vec<T>, ReportError> {
    let bad = |problem: String| ReportError::BadCsv {
        file,
        site: shown(&b.manifest().site),
        wing: shown(&b.manifest().wing),
        problem,
    };
    let bytes = b.file(file).ok_or_else(|| bad("missing".into()))?;
    csv::Reader::from_reader(bytes)
        .deserialize()
        .collect::<Result<Vec<T>, _>>()
        .map_err(|e| bad(e.to_string()))
}

#[derive(Default)]
struct Acc {
    sessions: u64,
    attendances: u64,
    people: HashSet<(String, String)>,
}

impl Acc {
    fn counts(&self) -> Counts {
        Counts {
            sessions: Count(self.sessions),
            attendances: Count(self.attendances),
            unique_participants: Count(self.people.len() as u64),
        }
    }
}

/// Checks that a row is from the bundle's own site and wing.
fn from_here(
    b: &VerifiedBundle,
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
        site: shown(&m.site),
        wing: shown(&m.wing),
        row_site: shown(site),
        row_wing: shown(wing),
    })
}

/// Builds the report from checked bundles.
pub fn build_report(bundles: &[VerifiedBundle]) -> Result<Report, ReportError> {
    let mut wing_of_key: HashMap<&str, (&str, &str)> = HashMap::new();
    for b in bundles {
        let m = b.manifest();
        let here = (m.site.as_str(), m.wing.as_str());
        let first = *wing_of_key.entry(&m.kiosk_key_id).or_insert(here);
        if first != here {
            return Err(ReportError::KeyForTwoWings {
                key: shown(&m.kiosk_key_id),
                first: shown(&format!("{} {}", first.0, first.1)),
                second: shown(&format!("{} {}", here.0, here.1)),
            });
        }
    }
    let mut seen: HashSet<(String, String)> = HashSet::new();
    let mut duplicate_sessions = 0;
    let mut total = Acc::default();
    let mut groups: BTreeMap<(String, String, String), Acc> = BTreeMap::new();
    let mut tools: BTreeMap<String, u64> = BTreeMap::new();
    let mut per_person: HashMap<(String, String), HashSet<String>> = HashMap::new();
    for b in bundles {
        let kiosk = b.manifest().kiosk_key_id.clone();
        let sessions: Vec<SessionRecord> = rows(b, SESSIONS_FILE)?;
        let mut month_of: HashMap<String, (String, String, String)> = HashMap::new();
        for s in sessions {
            from_here(b, SESSIONS_FILE, &s.site, &s.wing)?;
            if !seen.insert((kiosk.clone(), s.run_id.clone())) {
                duplicate_sessions += 1;
                continue;
            }
            let key = (
                s.site.clone(),
                s.wing.clone(),
                s.started.format("%Y-%m").to_string(),
            );
            groups.entry(key.clone()).or_default().sessions += 1;
            total.sessions += 1;
            for t in s.tools_used.split(';').filter(|t| !t.is_empty()) {
                *tools.entry(t.to_owned()).or_default() += 1;
            }
            month_of.insert(s.run_id, key);
        }
        let attendances: Vec<AttendanceRecord> = rows(b, ATTENDANCE_FILE)?;
        for a in attendances {
            from_here(b, ATTENDANCE_FILE, &a.site, &a.wing)?;
            // Rows of a session already counted from another bundle are skipped.
            let Some(key) = month_of.get(&a.run_id) else {
                continue;
            };
            let g = groups.entry(key.clone()).or_default();
            g.attendances += 1;
            total.attendances += 1;
            if !a.participant.is_empty() {
                let person = (kiosk.clone(), a.participant);
                g.people.insert(person.clone());
                total.people.insert(person.clone());
                per_person.entry(person).or_default().insert(a.run_id);
            }
        }
    }
    let reached = per_person
        .values()
        .filter(|runs| runs.len() >= MANY_SESSIONS)
        .count() as u64;
    Ok(Report {
        verified: bundles.iter().all(|b| b.signer().is_some()),
        bundles: bundles.len(),
        duplicate_sessions,
        totals: total.counts(),
        reached_10_sessions: Count(reached),
        tools_used: tools.into_iter().map(|(k, v)| (k, Count(v))).collect(),
        by_site_wing_month: groups
            .into_iter()
            .map(|((site, wing, month), acc)| GroupRow {
                site,
                wing,
                month,
                counts: acc.counts(),
            })
            .collect(),
    })
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if !self.verified {
            writeln!(
                f,
                "NOT VERIFIED: the exports' signatures were not checked (give every kiosk's key)"
            )?;
        }
        writeln!(f, "Export report ({} bundles)", self.bundles)?;
        if self.duplicate_sessions > 0 {
            writeln!(
                f,
                "({} sessions appeared in more than one bundle and were counted once)",
                self.duplicate_sessions
            )?;
        }
        writeln!(f, "Sessions delivered:   {}", self.totals.sessions)?;
        writeln!(f, "Attendances:          {}", self.totals.attendances)?;
        writeln!(
            f,
            "Unique participants:  {}",
            self.totals.unique_participants
        )?;
        writeln!(f, "Reached 10+ sessions: {}", self.reached_10_sessions)?;
        writeln!(f, "Tools used (sessions):")?;
        for (tool, n) in &self.tools_used {
            writeln!(f, "  {:<28} {n}", shown(tool))?;
        }
        writeln!(f, "By site, wing and month:")?;
        writeln!(
            f,
            "  {:<24} {:<12} {:<8} {:>9} {:>12} {:>13}",
            "site", "wing", "month", "sessions", "attendances", "participants"
        )?;
        for r in &self.by_site_wing_month {
            writeln!(
                f,
                "  {:<24} {:<12} {:<8} {:>9} {:>12} {:>13}",
                shown(&r.site),
                shown(&r.wing),
                r.month,
                r.counts.sessions.to_string(),
                r.counts.attendances.to_string(),
                r.counts.unique_participants.to_string()
            )?;
        }
        writeln!(
            f,
            "Counts from 1 to 4 are shown as <5. Participants are counted per kiosk."
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn small_counts_are_suppressed() {
        assert_eq!(Count(0).to_string(), "0");
        assert_eq!(Count(4).to_string(), "<5");
        assert_eq!(Count(5).to_string(), "5");
        assert_eq!(serde_json::to_string(&Count(3)).unwrap(), "\"<5\"");
        assert_eq!(serde_json::to_string(&Count(12)).unwrap(), "12");
    }
}
