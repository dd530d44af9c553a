//! Synthetic export bundles for tests and benchmarks: kiosks with real
//! (throw-away) signing keys, sessions and attendances made up from a seeded
//! generator, written with [`BundleWriter`] exactly as a kiosk writes them.
//!
//! Shared by `tests/differencing.rs` and `benches/report.rs` (the latter
//! through `#[path]`), so not every item is used by each.

#![allow(dead_code)]

use std::path::{Path, PathBuf};

use attendance_export::bundle::{ATTENDANCE_COLUMNS, ATTENDANCE_FILE, SESSIONS_FILE, SUMMARY_FILE};
use attendance_export::{bundle_dir_name, BundleWriter, ExportSummary, SessionRecord};
use chrono::{DateTime, Duration, TimeZone, Utc};
use content_pack::{generate_keys, KeyProtection, SigningKey};

/// A small, fast, seeded generator (SplitMix64): the same seed gives the
/// same data on every machine and with every version of `rand`.
pub struct Rng(u64);

impl Rng {
    /// A generator started from `seed`.
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }
    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        mix(self.0)
    }
    /// A number in `0..n` (`n > 0`).
    pub fn below(&mut self, n: u64) -> u64 {
        self.next_u64() % n
    }
    /// A number in `lo..=hi`.
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        lo + self.below(hi - lo + 1)
    }
    /// True with probability `percent`/100.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

/// SplitMix64's output function.
fn mix(mut z: u64) -> u64 {
    z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
    z ^ (z >> 31)
}

/// One kiosk: its signing key, site, wing and pseudonym key id.
pub struct Kiosk {
    /// The kiosk's signing key.
    pub key: SigningKey,
    /// The prison.
    pub site: String,
    /// The wing.
    pub wing: String,
    /// The pseudonym key id (16 lower-case hex digits); kiosks that share
    /// one give one person one pseudonym.
    pub pseudonym_key_id: String,
}

impl Kiosk {
    /// A kiosk with a fresh unencrypted key.
    pub fn new(site: &str, wing: &str, pseudonym_key_id: &str) -> Kiosk {
        let k = generate_keys(KeyProtection::Unencrypted).expect("generate a kiosk key");
        Kiosk {
            key: SigningKey::from_text(&k.secret_key, None).expect("read the kiosk key"),
            site: site.into(),
            wing: wing.into(),
            pseudonym_key_id: pseudonym_key_id.into(),
        }
    }
}

/// A pseudonym key id made from `n`: 16 lower-case hex digits.
pub fn pseudonym_key_id(n: u64) -> String {
    format!("{:016x}", mix(n ^ 0x5EED))
}

/// Person `person`'s pseudonym under pseudonym key `key` (64 hex digits):
/// the same person has the same pseudonym on every kiosk sharing the key.
pub fn pseudonym(key: &str, person: u64) -> String {
    let seed = key.bytes().fold(0xCBF2_9CE4_8422_2325u64, |h, b| {
        (h ^ u64::from(b)).wrapping_mul(0x100_0000_01B3)
    }) ^ person.wrapping_mul(0x9E37_79B9_7F4A_7C15);
    let mut r = Rng::new(seed);
    format!(
        "{:016x}{:016x}{:016x}{:016x}",
        r.next_u64(),
        r.next_u64(),
        r.next_u64(),
        r.next_u64()
    )
}

/// One session delivered, with who attended.
#[derive(Clone, Debug)]
pub struct Session {
    /// Its run id (unique per kiosk).
    pub run_id: String,
    /// When it started.
    pub started: DateTime<Utc>,
    /// Attendees: a person number (made into a pseudonym by the kiosk's
    /// key), or `None` for an anonymous attendee.
    pub attendees: Vec<Option<u64>>,
}

impl Session {
    /// `YYYY-MM` of its start, as the report groups it.
    pub fn month(&self) -> String {
        self.started.format("%Y-%m").to_string()
    }
}

/// Midday UTC on a day.
pub fn day(year: i32, month: u32, day: u32) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(year, month, day, 12, 0, 0)
        .single()
        .expect("a valid date")
}

/// Writes one bundle of `sessions` from `kiosk` into `parent`, made at
/// `created`; returns its folder.
pub fn write_bundle(
    parent: &Path,
    kiosk: &Kiosk,
    created: DateTime<Utc>,
    sessions: &[Session],
) -> PathBuf {
    let mut w = BundleWriter::create(parent, &bundle_dir_name(&kiosk.site, &kiosk.wing, created))
        .expect("start a bundle");
    let summary = ExportSummary {
        site: kiosk.site.clone(),
        wing: kiosk.wing.clone(),
        kiosk_key_id: kiosk.key.key_id().to_string(),
        pseudonym_key_id: kiosk.pseudonym_key_id.clone(),
        created,
        scope: "new".into(),
        sessions: sessions.len() as u64,
        attendances: sessions.iter().map(|s| s.attendees.len() as u64).sum(),
        first_started: sessions.iter().map(|s| s.started).min(),
        last_ended: sessions.iter().map(ended).max(),
    };
    w.add_file(SESSIONS_FILE, |out| {
        let mut csv = csv::Writer::from_writer(out);
        for (i, s) in sessions.iter().enumerate() {
            csv.serialize(record(kiosk, i, s)).map_err(io)?;
        }
        csv.flush()
    })
    .expect("write sessions.csv");
    w.add_file(ATTENDANCE_FILE, |out| {
        let mut csv = csv::Writer::from_writer(out);
        csv.write_record(ATTENDANCE_COLUMNS).map_err(io)?;
        // Each person's pseudonym is made once per bundle, not once per row.
        let mut names = std::collections::HashMap::new();
        for (i, s) in sessions.iter().enumerate() {
            let date = s.started.format("%Y-%m-%d").to_string();
            let session_id = session_id(i);
            for (n, a) in s.attendees.iter().enumerate() {
                let participant: &str = match a {
                    Some(p) => names
                        .entry(*p)
                        .or_insert_with(|| pseudonym(&kiosk.pseudonym_key_id, *p)),
                    None => "",
                };
                let left: &str = if n % 7 == 3 { "true" } else { "false" };
                csv.write_record([
                    s.run_id.as_str(),
                    &date,
                    &kiosk.site,
                    &kiosk.wing,
                    &session_id,
                    participant,
                    left,
                ])
                .map_err(io)?;
            }
        }
        csv.flush()
    })
    .expect("write attendance.csv");
    w.add_file(SUMMARY_FILE, |out| {
        serde_json::to_writer_pretty(&mut *out, &summary).map_err(std::io::Error::other)?;
        std::io::Write::write_all(out, b"\n")
    })
    .expect("write summary.json");
    w.finish(
        &kiosk.key,
        &kiosk.pseudonym_key_id,
        &kiosk.site,
        &kiosk.wing,
        created,
        "new",
    )
    .expect("sign and finish the bundle")
}

/// A session's end: an hour and a half after it started.
fn ended(s: &Session) -> DateTime<Utc> {
    s.started + Duration::minutes(90)
}

/// The programme session id of the `i`-th session of a bundle.
fn session_id(i: usize) -> String {
    format!("smart-{:02}", i % 12 + 1)
}

/// The `sessions.csv` row for `s`.
fn record(kiosk: &Kiosk, i: usize, s: &Session) -> SessionRecord {
    SessionRecord {
        run_id: s.run_id.clone(),
        site: kiosk.site.clone(),
        wing: kiosk.wing.clone(),
        session_id: session_id(i),
        session_number: (i % 12 + 1) as u32,
        pack_version: 3,
        facilitator_id: "peer-1".into(),
        started: s.started,
        ended: ended(s),
        planned_minutes: 90,
        elapsed_minutes: 90,
        phases_completed: 5,
        phase_count: 5,
        tools_used: String::new(),
        attended: s.attendees.len() as u32,
        anonymous: s.attendees.iter().filter(|a| a.is_none()).count() as u32,
        left_early: s
            .attendees
            .iter()
            .enumerate()
            .filter(|(n, _)| n % 7 == 3)
            .count() as u32,
        points: String::new(),
        feedback_helped: None,
        feedback_ok: None,
        feedback_not_helped: None,
    }
}

fn io(e: csv::Error) -> std::io::Error {
    std::io::Error::other(e)
}
