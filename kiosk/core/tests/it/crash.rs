//! Power cuts, simulated by ending a child process (this test binary, re-run
//! as a child) abruptly at chosen points: after any step of a session has
//! been committed (just before or just after reporting it), and at any point
//! of an export's writing; plus kills at random moments in an export's last
//! steps. Nothing committed is lost, the session resumes at the right phase,
//! and an interrupted export leaves the watermark where it was. The crash
//! points are counted, not timed, so every case is covered on any machine;
//! `tests/scripts/kill-trials.py` kills the real binary with SIGKILL at
//! random moments, thousands of times.

use std::io::Read;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::sync::Arc;
use std::time::{Duration, Instant};

use attendance_export::verify_bundle;
use kiosk_core::simulate::{simulate, SimStep, SimulateOptions};
use kiosk_core::{ExportScope, FakeClock, Kiosk, SystemClock};
use rand::{Rng, SeedableRng};

use crate::export::{bundles, kiosk_keys, run_sessions};
use crate::util::{provisioned, t0, TestKiosk};

const ROLE: &str = "KIOSK_CORE_TEST_CHILD";
/// `N` or `N+`: the child ends abruptly at its N-th report (`+`: after
/// printing it; otherwise after committing the step but before printing).
const DIE_AT: &str = "KIOSK_CORE_TEST_DIE_AT";
const DIR: &str = "KIOSK_CORE_TEST_DIR";
const TO: &str = "KIOSK_CORE_TEST_TO";
const SESSIONS: u32 = 5;
const GROUP: u32 = 6;

/// The child's side: does nothing unless run as a child by a test below.
#[test]
fn child_entry() {
    let Ok(role) = std::env::var(ROLE) else {
        return;
    };
    let dir = PathBuf::from(std::env::var(DIR).unwrap());
    match role.as_str() {
        "simulate" => {
            let clock = Arc::new(FakeClock::new(t0()));
            let mut k = Kiosk::open(&dir, clock.clone()).unwrap();
            let opts = SimulateOptions {
                sessions: SESSIONS,
                group_size: GROUP,
                seed: 7,
                ..Default::default()
            };
            let mut die = DieAt::from_env();
            simulate(&mut k, &clock, opts, &mut |s| {
                die.before_report();
                match s {
                    SimStep::Progress {
                        run,
                        phase,
                        attendees,
                        finished,
                    } => println!("step {run} {phase} {attendees} {finished}"),
                    SimStep::Finished { finished } => println!("finished {finished}"),
                }
                die.after_report();
            })
            .unwrap();
            println!("done");
        }
        "export" => {
            let mut k = Kiosk::open(&dir, Arc::new(SystemClock)).unwrap();
            let to = PathBuf::from(std::env::var(TO).unwrap());
            let mut die = DieAt::from_env();
            match k.export(&to, ExportScope::New, &mut |_, _| die.before_report()) {
                Ok(o) => println!("exported: {o}"),
                Err(e) => println!("error: {e}"),
            }
        }
        other => panic!("unknown child role {other}"),
    }
}

/// Where a child ends abruptly (see [`DIE_AT`]): `abort` ends the process
/// at once, as a power cut does, with no destructor or buffer flushed.
struct DieAt {
    at: Option<u64>,
    after_printing: bool,
    reports: u64,
}

impl DieAt {
    fn from_env() -> DieAt {
        let text = std::env::var(DIE_AT).unwrap_or_default();
        DieAt {
            at: text.trim_end_matches('+').parse().ok(),
            after_printing: text.ends_with('+'),
            reports: 0,
        }
    }

    fn before_report(&mut self) {
        self.reports += 1;
        if self.at == Some(self.reports) && !self.after_printing {
            std::process::abort();
        }
    }

    fn after_report(&mut self) {
        if self.at == Some(self.reports) && self.after_printing {
            use std::io::Write;
            let _ = std::io::stdout().flush();
            std::process::abort();
        }
    }
}

fn child(role: &str, dir: &Path) -> Command {
    let mut c = Command::new(std::env::current_exe().unwrap());
    c.args([
        "--exact",
        "crash::child_entry",
        "--nocapture",
        "--test-threads=1",
        "--quiet",
    ])
    .env(ROLE, role)
    .env(DIR, dir)
    .stdout(Stdio::piped())
    .stderr(Stdio::null());
    c
}

/// Runs an export in a child limited to `blocks` × 512 bytes per file
/// (RLIMIT_FSIZE, with SIGXFSZ ignored so writes fail with EFBIG): a stick
/// that fills up, without needing to mount anything. Returns its output.
pub fn export_with_file_size_limit(tk: &TestKiosk, blocks: u32) -> String {
    let to = tk.tmp.path().join("limited-stick");
    std::fs::create_dir_all(&to).unwrap();
    let exe = std::env::current_exe().unwrap();
    let out = Command::new("sh")
        .arg("-c")
        .arg(format!("ulimit -f {blocks}; trap '' XFSZ; exec \"$@\""))
        .arg("sh")
        .arg(exe)
        .args([
            "--exact",
            "crash::child_entry",
            "--nocapture",
            "--test-threads=1",
            "--quiet",
        ])
        .env(ROLE, "export")
        .env(DIR, &tk.dir)
        .env(TO, &to)
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&out.stdout).into_owned();
    assert!(
        bundles(&to).is_empty(),
        "no complete-looking bundle after a failed export"
    );
    text.lines()
        .find(|l| l.starts_with("error: ") || l.starts_with("exported: "))
        .unwrap_or_default()
        .to_owned()
}

fn copy_dir(from: &Path, to: &Path) {
    let ok = Command::new("cp")
        .arg("-a")
        .arg(from)
        .arg(to)
        .status()
        .unwrap()
        .success();
    assert!(ok);
}

/// Runs `cmd` to its end (or its crash point), returns its stdout.
fn run_to_end(mut cmd: Command) -> String {
    let out = cmd.output().unwrap();
    String::from_utf8_lossy(&out.stdout).into_owned()
}

/// Spawns `cmd`, kills it after `after`, returns its stdout.
fn run_and_kill(mut cmd: Command, after: Duration) -> String {
    let mut c = cmd.spawn().unwrap();
    let start = Instant::now();
    while start.elapsed() < after {
        if c.try_wait().unwrap().is_some() {
            break;
        }
        std::thread::sleep(Duration::from_micros(200));
    }
    let _ = c.kill();
    c.wait().unwrap();
    let mut out = String::new();
    c.stdout.take().unwrap().read_to_string(&mut out).unwrap();
    out
}

/// How long an uninterrupted child takes (the fastest of three runs).
fn time_child(mut make: impl FnMut(usize) -> Command) -> Duration {
    (0..3)
        .map(|i| {
            let start = Instant::now();
            let out = run_and_kill(make(i), Duration::from_secs(120));
            assert!(out.contains("done") || out.contains("exported"), "{out}");
            start.elapsed()
        })
        .min()
        .unwrap()
}

#[derive(Debug, PartialEq, Eq)]
enum Last {
    Nothing,
    Step {
        run: String,
        phase: usize,
        attendees: usize,
        finished: u64,
    },
    Finished(u64),
}

fn last_line(out: &str) -> Last {
    let mut last = Last::Nothing;
    for line in out.lines() {
        let w: Vec<&str> = line.split_whitespace().collect();
        match w.as_slice() {
            ["step", run, p, a, f] => {
                last = Last::Step {
                    run: run.to_string(),
                    phase: p.parse().unwrap(),
                    attendees: a.parse().unwrap(),
                    finished: f.parse().unwrap(),
                }
            }
            ["finished", f] => last = Last::Finished(f.parse().unwrap()),
            _ => {}
        }
    }
    last
}

#[test]
fn killing_the_kiosk_during_sessions_loses_nothing_committed_and_resumes_at_the_right_phase() {
    let template = provisioned();
    // The reports of a whole run: every one is a crash point.
    let whole = {
        let d = template.tmp.path().join("whole");
        copy_dir(&template.dir, &d);
        let out = run_to_end(child("simulate", &d));
        assert!(out.contains("done"), "{out}");
        out.lines()
            .filter(|l| l.starts_with("step") || l.starts_with("finished"))
            .count() as u64
    };
    let trials = 120;
    let (mut before_any, mut mid, mut after_all) = (0, 0, 0);
    for trial in 0..trials {
        let dir = template.tmp.path().join(format!("trial-{trial}"));
        copy_dir(&template.dir, &dir);
        // Crash points spread over the whole run, each just before and just
        // after its report; the last trial runs to the end.
        let at = 1 + trial / 2 * whole / (trials / 2);
        let die = if trial % 2 == 0 {
            format!("{at}")
        } else {
            format!("{at}+")
        };
        let mut command = child("simulate", &dir);
        if trial + 1 < trials {
            command.env(DIE_AT, die);
        }
        let out = run_to_end(command);
        let clock = Arc::new(FakeClock::new(t0() + chrono::Duration::days(30)));
        let mut k = Kiosk::open(&dir, clock.clone()).unwrap();
        let finished = k.finished_sessions().unwrap();
        let open = k.run_position();
        let last = last_line(&out);
        match &last {
            Last::Nothing => {
                before_any += 1;
                assert_eq!(finished, 0, "trial {trial}");
                assert!(
                    matches!(&open, None | Some((_, 0, 0))),
                    "trial {trial}: {open:?}"
                );
            }
            Last::Finished(n) => {
                if out.contains("done") {
                    after_all += 1;
                } else {
                    mid += 1;
                }
                assert_eq!(finished, *n, "trial {trial}");
                assert!(
                    matches!(&open, None | Some((_, 0, 0))),
                    "trial {trial}: {open:?}"
                );
            }
            Last::Step {
                run,
                phase,
                attendees,
                finished: f,
            } => {
                mid += 1;
                if finished == f + 1 {
                    // The finish was committed just before the kill.
                    assert_eq!(*phase, 4, "trial {trial}");
                    assert!(open.is_none(), "trial {trial}: {open:?}");
                } else {
                    assert_eq!(finished, *f, "trial {trial}");
                    let (r, p, a) = open.clone().expect("the session in progress is kept");
                    assert_eq!(&r, run, "trial {trial}");
                    // Exactly what was reported, or the one step after it.
                    let ahead = (p - phase) + (a - attendees);
                    assert!(
                        p >= *phase && a >= *attendees && ahead <= 1,
                        "trial {trial}: reported {phase}/{attendees}, found {p}/{a}"
                    );
                    // The run screen comes back at that phase with those attendees.
                    let v = k.run_view().unwrap();
                    assert_eq!((v.phase_index, v.attendee_count), (p, a));
                    assert_eq!(k.attendees().len(), a);
                }
            }
        }
        // Resuming finishes the interrupted session from where it was.
        simulate(
            &mut k,
            &clock,
            SimulateOptions {
                sessions: 1,
                group_size: GROUP,
                seed: 7,
                ..Default::default()
            },
            &mut |_| {},
        )
        .unwrap();
        assert_eq!(k.finished_sessions().unwrap(), finished + 1);
        assert!(k.run_view().is_none());
        drop(k);
        std::fs::remove_dir_all(&dir).unwrap();
    }
    eprintln!(
        "session crashes: {before_any} before any report, {mid} mid-way, {after_all} after the end ({whole} reports in a whole run)"
    );
    assert_eq!((before_any, mid, after_all), (1, trials - 2, 1));
}

#[test]
fn killing_the_kiosk_during_export_leaves_the_watermark_or_a_complete_bundle() {
    let template = provisioned();
    {
        let mut k = template.open();
        run_sessions(&template, &mut k, 300, 10, 11);
    }
    let keys = kiosk_keys(&template);
    let export_child = |dir: &Path, to: &Path| {
        let mut c = child("export", dir);
        c.env(TO, to);
        c
    };
    let calls = {
        let d = template.tmp.path().join("whole");
        let u = template.tmp.path().join("whole-usb");
        copy_dir(&template.dir, &d);
        std::fs::create_dir(&u).unwrap();
        let mut k = Kiosk::open(&d, Arc::new(SystemClock)).unwrap();
        let mut calls = 0u64;
        k.export(&u, ExportScope::New, &mut |_, _| calls += 1)
            .unwrap();
        calls
    };
    let full = time_child(|i| {
        let timing = template.tmp.path().join(format!("timing-{i}"));
        let timing_usb = template.tmp.path().join(format!("timing-usb-{i}"));
        copy_dir(&template.dir, &timing);
        std::fs::create_dir(&timing_usb).unwrap();
        export_child(&timing, &timing_usb)
    });
    let mut rng = rand::rngs::StdRng::seed_from_u64(11_22);
    let (mut kept, mut renamed_only, mut completed) = (0, 0, 0);
    let (crash_points, timed, whole) = (60, 40, 10);
    for trial in 0..crash_points + timed + whole {
        let dir = template.tmp.path().join(format!("trial-{trial}"));
        let usb = template.tmp.path().join(format!("usb-{trial}"));
        copy_dir(&template.dir, &dir);
        std::fs::create_dir(&usb).unwrap();
        let mut command = export_child(&dir, &usb);
        if trial < crash_points {
            // At a progress report spread over the writing.
            command.env(DIE_AT, (1 + trial * calls / crash_points).to_string());
            run_to_end(command);
        } else if trial < crash_points + timed {
            // At a random moment near the end (the rename and the
            // watermark): timing decides where these land.
            run_and_kill(command, full.mul_f64(rng.gen_range(0.7..1.15)));
        } else {
            run_to_end(command);
        }
        let clock = Arc::new(FakeClock::new(t0() + chrono::Duration::days(400)));
        let mut k = Kiosk::open(&dir, clock).unwrap();
        let backlog = k.export_backlog().unwrap();
        let found = bundles(&usb);
        for b in &found {
            let v = verify_bundle(b, &keys).unwrap_or_else(|e| panic!("trial {trial}: {e}"));
            let sessions = String::from_utf8(v.read("sessions.csv").unwrap())
                .unwrap()
                .lines()
                .count();
            assert_eq!(sessions, 301, "trial {trial}");
        }
        if backlog.sessions == 0 {
            completed += 1;
            assert_eq!(
                found.len(),
                1,
                "trial {trial}: watermark moved without a bundle"
            );
        } else {
            assert_eq!(
                (backlog.sessions, backlog.attendances),
                (300, 3000),
                "trial {trial}"
            );
            assert!(found.len() <= 1);
            if found.is_empty() {
                kept += 1;
            } else {
                renamed_only += 1;
            }
            // The next export has every row.
            let to = template.tmp.path().join(format!("usb2-{trial}"));
            std::fs::create_dir(&to).unwrap();
            match k.export(&to, ExportScope::New, &mut |_, _| {}).unwrap() {
                kiosk_core::ExportOutcome::Written {
                    folder,
                    sessions,
                    attendances,
                } => {
                    assert_eq!((sessions, attendances), (300, 3000));
                    verify_bundle(&folder, &keys).unwrap();
                }
                other => panic!("{other:?}"),
            }
            assert_eq!(k.export_backlog().unwrap().sessions, 0);
            std::fs::remove_dir_all(&to).unwrap();
        }
        drop(k);
        std::fs::remove_dir_all(&dir).unwrap();
        std::fs::remove_dir_all(&usb).unwrap();
    }
    eprintln!(
        "full run {full:?}, {calls} progress reports; export crashes and kills: {kept} before the rename, {renamed_only} between rename and watermark, {completed} after"
    );
    // Every crash point is before the rename; every whole run completes.
    assert!(kept >= crash_points, "{kept}");
    assert!(completed >= whole, "{completed}");
}
