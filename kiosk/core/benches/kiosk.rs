//! Benchmarks for issue 4 (run with `cargo bench -p kiosk-core --bench kiosk`;
//! they print numbers, they assert nothing):
//!
//! 1. `simulate` 10,000 sessions of 10 through the real runner (every step
//!    committed with `synchronous=FULL`).
//! 2. Export the resulting 100,000 attendance rows, next to `sqlite3 -csv`
//!    running the same attendance query on the same database (goal: within
//!    1.5× of it).
//! 3. The latency of recording one attendance (pseudonymise + commit with
//!    `synchronous=FULL`): p50, p99, max.
//!
//! `BENCH_SESSIONS` overrides the 10,000 (for a quick look).

use std::process::Command;
use std::sync::Arc;
use std::time::{Duration, Instant};

use kiosk_core::demo::{Demo, DEMO_FACILITATOR, DEMO_PIN};
use kiosk_core::export::ATTENDANCE_QUERY;
use kiosk_core::simulate::{simulate, synthetic_numbers, SimulateOptions};
use kiosk_core::{ExportOutcome, ExportScope, FakeClock, Kiosk};

fn main() {
    let sessions: u32 = std::env::var("BENCH_SESSIONS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(10_000);
    let demo = Demo::create().expect("demo kiosk");
    let clock = Arc::new(FakeClock::starting_now());
    let mut kiosk = Kiosk::open(&demo.data_dir(), clock.clone()).expect("open");

    // 1. simulate
    let start = Instant::now();
    let opts = SimulateOptions {
        sessions,
        group_size: 10,
        seed: 42,
        ..Default::default()
    };
    simulate(&mut kiosk, &clock, opts, &mut |_| {}).expect("simulate");
    let took = start.elapsed();
    println!(
        "simulate: {sessions} sessions of 10 in {:.2} s ({:.0} sessions/s, {:.2} ms per session)",
        took.as_secs_f64(),
        f64::from(sessions) / took.as_secs_f64(),
        took.as_secs_f64() * 1000.0 / f64::from(sessions)
    );

    // 2. export vs sqlite3 -csv
    let rows = kiosk.export_backlog().expect("backlog").attendances;
    let out = demo.data_dir().join("../bench-usb");
    std::fs::create_dir_all(&out).expect("usb dir");
    let mut ours = Vec::new();
    for _ in 0..3 {
        let start = Instant::now();
        let o = kiosk
            .export(&out, ExportScope::All, &mut |_, _| {})
            .expect("export");
        ours.push(start.elapsed());
        let ExportOutcome::Written {
            folder,
            attendances,
            ..
        } = o
        else {
            panic!("nothing exported")
        };
        assert!(attendances >= rows);
        std::fs::remove_dir_all(folder).expect("clean up");
        clock.advance(chrono::Duration::seconds(1));
    }
    let db = demo.data_dir().join("kiosk.db");
    let upper: i64 = i64::MAX;
    let query = ATTENDANCE_QUERY
        .replace("?1", "0")
        .replace("?2", &upper.to_string());
    let mut theirs = Vec::new();
    for _ in 0..3 {
        let start = Instant::now();
        let status = Command::new("sqlite3")
            .arg("-csv")
            .arg(&db)
            .arg(&query)
            .stdout(std::fs::File::create(out.join("sqlite3.csv")).expect("file"))
            .status();
        match status {
            Ok(s) if s.success() => theirs.push(start.elapsed()),
            _ => {
                println!(
                    "export: sqlite3 not found or failed; install the sqlite3 package to compare"
                );
                break;
            }
        }
    }
    let best = |v: &[Duration]| v.iter().min().copied().unwrap_or_default();
    let (o, t) = (best(&ours), best(&theirs));
    println!(
        "export: {rows}+ attendance rows (plus sessions.csv, hashing, fsync, signing) in {:.3} s; sqlite3 -csv same attendance query {:.3} s; ratio {:.2}x (goal <= 1.5x)",
        o.as_secs_f64(),
        t.as_secs_f64(),
        o.as_secs_f64() / t.as_secs_f64().max(1e-9)
    );

    // 3. latency of one attendance
    let mut k = kiosk;
    k.sign_in(DEMO_FACILITATOR, DEMO_PIN).expect("sign in");
    let numbers = synthetic_numbers(99, 2000);
    let mut lat = Vec::with_capacity(numbers.len());
    let first = k.sessions()[0].id.clone();
    for chunk in numbers.chunks(100) {
        k.start_session(&first).expect("start");
        for n in chunk {
            let start = Instant::now();
            k.add_participant(n.clone()).expect("add");
            lat.push(start.elapsed());
        }
        k.finish_session().expect("finish");
    }
    lat.sort();
    let pct = |p: f64| lat[((lat.len() as f64 * p) as usize).min(lat.len() - 1)];
    println!(
        "record one attendance (synchronous=FULL, {} samples): p50 {:.2} ms, p99 {:.2} ms, max {:.2} ms",
        lat.len(),
        pct(0.50).as_secs_f64() * 1000.0,
        pct(0.99).as_secs_f64() * 1000.0,
        lat[lat.len() - 1].as_secs_f64() * 1000.0
    );
}
