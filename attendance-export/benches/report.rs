//! The report's streaming path at service scale: 100 bundles holding
//! 1,000,000 attendance rows in all (5 prisons of 4 wings, each kiosk
//! exporting five months one bundle a month), opened with
//! [`BundleTrust::FilesOnly`] and counted by [`ReportBuilder`] one bundle at
//! a time, as `insideout-provision export report --unverified` does.
//!
//! ```text
//! cargo bench -p attendance-export --bench report
//! BENCH_DIR=/tmp/bundles cargo bench -p attendance-export --bench report
//! BENCH_DIR=/tmp/bundles BENCH_WRITE_ONLY=1 cargo bench -p attendance-export --bench report
//! ```
//!
//! The bundles are written into a temporary folder, or into `BENCH_DIR`,
//! which is reused if it already holds them (delete it to write them
//! again). `BENCH_WRITE_ONLY` stops after writing (`benches/report-vs-sqlite.sh`
//! uses it). Run as a test (`cargo test --benches`, no `--bench` argument)
//! it does the same on a few thousand rows, to check it still works.

#[path = "../tests/support/mod.rs"]
mod support;

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Instant;

use attendance_export::bundle::{BUNDLE_PREFIX, PARTIAL_PREFIX};
use attendance_export::{open_bundle, BundleTrust, Disclosure, Figure, ReportBuilder};
use support::{day, pseudonym_key_id, write_bundle, Kiosk, Rng, Session};

/// Prisons, wings per prison, and bundles per kiosk (one a month).
const SITES: usize = 5;
const WINGS: [&str; 4] = ["A", "B", "C", "D"];
const MONTHS: u32 = 5;

/// What to write: bundles and attendance rows in all.
struct Scale {
    rows: u64,
    people_per_site: u64,
}

fn main() {
    let full = std::env::args().any(|a| a == "--bench");
    let scale = if full {
        Scale {
            rows: 1_000_000,
            people_per_site: 2_000,
        }
    } else {
        Scale {
            rows: 4_000,
            people_per_site: 50,
        }
    };
    let bundles = SITES * WINGS.len() * MONTHS as usize;
    let temp;
    let dir: PathBuf = match std::env::var_os("BENCH_DIR") {
        Some(d) => d.into(),
        None => {
            temp = tempfile::tempdir().expect("a temporary folder");
            temp.path().to_owned()
        }
    };
    let mut found = existing(&dir);
    if found.is_empty() {
        let t = Instant::now();
        fs::create_dir_all(&dir).expect("create the bundle folder");
        write_all(&dir, &scale);
        found = existing(&dir);
        println!(
            "wrote {} bundles, {} attendance rows, into {} in {:.1} s",
            found.len(),
            scale.rows,
            dir.display(),
            t.elapsed().as_secs_f64()
        );
    } else {
        println!("reusing the {} bundles in {}", found.len(), dir.display());
    }
    assert_eq!(
        found.len(),
        bundles,
        "{} does not hold the {bundles} bundles this benchmark writes: remove it and run again",
        dir.display()
    );
    if std::env::var_os("BENCH_WRITE_ONLY").is_some() {
        return;
    }

    let t = Instant::now();
    let mut builder = ReportBuilder::new();
    for b in &found {
        let opened = open_bundle(b, BundleTrust::FilesOnly).expect("open a bundle");
        builder.add(&opened).expect("count a bundle");
    }
    // Exact, to check every row was counted; the published figures are
    // made from the same counts at no measurable cost.
    let report = builder.finish(Disclosure::Exact);
    let secs = t.elapsed().as_secs_f64();
    let Figure::Count(rows) = report.totals.attendances else {
        panic!("an exact report shows every count");
    };
    assert!(
        report.skipped.is_empty() && report.read.len() == bundles,
        "every bundle is counted"
    );
    println!(
        "report over {bundles} bundles, {rows} attendance rows: {secs:.3} s, {:.0} rows/s (peak RSS of this process {} MB)",
        rows as f64 / secs,
        peak_rss_kb().map_or("unknown".into(), |kb| (kb / 1024).to_string())
    );
}

/// The finished bundles in `dir`, in name order; refuses a folder holding a
/// bundle that was never finished (an interrupted run).
fn existing(dir: &Path) -> Vec<PathBuf> {
    let Ok(entries) = fs::read_dir(dir) else {
        return Vec::new();
    };
    let mut found = Vec::new();
    for e in entries {
        let e = e.expect("read the bundle folder");
        let name = e.file_name().to_string_lossy().into_owned();
        assert!(
            !name.starts_with(PARTIAL_PREFIX),
            "{} holds an unfinished bundle from an interrupted run: remove the folder and run again",
            dir.display()
        );
        if name.starts_with(BUNDLE_PREFIX) {
            found.push(e.path());
        }
    }
    found.sort();
    found
}

/// Writes every kiosk's bundles, `scale.rows` attendance rows in all, split
/// evenly over the bundles.
fn write_all(dir: &Path, scale: &Scale) {
    let mut rng = Rng::new(0xBE7C_4000);
    let bundles = (SITES * WINGS.len()) as u64 * u64::from(MONTHS);
    let per_bundle = scale.rows / bundles;
    let mut left = scale.rows;
    for site in 1..=SITES {
        let site_name = format!("HMP-Bench-{site}");
        let key = pseudonym_key_id(site as u64);
        for wing in WINGS {
            let kiosk = Kiosk::new(&site_name, wing, &key);
            for month in 1..=MONTHS {
                let rows = if left - per_bundle < per_bundle {
                    left
                } else {
                    per_bundle
                };
                left -= rows;
                let sessions = month_of_sessions(&mut rng, month, rows, scale.people_per_site);
                write_bundle(dir, &kiosk, day(2026, month + 1, 1), &sessions);
            }
        }
    }
    assert_eq!(left, 0);
}

/// Sessions in `month` of 2026 with `rows` attendances in all: groups of 4
/// to 12 from the site's people, one in twenty anonymous.
fn month_of_sessions(rng: &mut Rng, month: u32, rows: u64, people: u64) -> Vec<Session> {
    let mut sessions = Vec::new();
    let mut left = rows;
    while left > 0 {
        let size = rng.range(4, 12).min(left);
        left -= size;
        let attendees = (0..size)
            .map(|_| (!rng.chance(5)).then(|| rng.below(people)))
            .collect();
        let hour = rng.range(0, 6) as i64 - 3;
        sessions.push(Session {
            run_id: format!(
                "{:08x}-{:04x}-4{:03x}-8{:03x}-{:012x}",
                rng.next_u64() as u32,
                rng.below(1 << 16),
                rng.below(1 << 12),
                rng.below(1 << 12),
                rng.below(1 << 48)
            ),
            started: day(2026, month, rng.range(1, 28) as u32) + chrono::Duration::hours(hour),
            attendees,
        });
    }
    sessions
}

/// This process's peak resident set size in KiB (Linux).
fn peak_rss_kb() -> Option<u64> {
    fs::read_to_string("/proc/self/status")
        .ok()?
        .lines()
        .find_map(|l| l.strip_prefix("VmHWM:"))?
        .trim()
        .trim_end_matches("kB")
        .trim()
        .parse()
        .ok()
}
