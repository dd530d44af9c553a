//! "Export to USB stick" under the systemd unit: the file hand-shake with the
//! root helper (`provisioning/system/libexec/usb-export`), played here by a
//! thread with a temporary run folder (the kiosk's files) and answer folder
//! (the helper's, root's under the units); and `stick_present` (a mount point
//! under the unit, any folder outside it).

use std::path::{Path, PathBuf};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use attendance_export::verify_bundle;
use kiosk_core::handshake::{DONE, FAILED, READY, REQUEST};
use kiosk_core::{
    ExportOutcome, ExportScope, Handshake, HandshakeError, Kiosk, KioskError, Release,
};

use crate::export::{bundles, kiosk_keys, run_sessions};
use crate::util::{provisioned, TestKiosk};

const NO_ANSWER: &str =
    "The USB stick could not be made writable. Take it out, put it back in and try again.";
const WRITE_PROTECTED: &str =
    "The USB stick cannot be written to. Check its write-protect switch, or use another stick.";
const NO_STICK: &str =
    "No USB stick found. Plug in a FAT32 or exFAT USB stick, wait five seconds and try again.";

/// The two hand-shake folders: the kiosk's run folder and the helper's
/// answer folder.
#[derive(Debug, Clone)]
struct Dirs {
    run: PathBuf,
    answers: PathBuf,
}

impl Dirs {
    fn make(parent: &Path) -> Dirs {
        let d = Dirs {
            run: parent.join("run"),
            answers: parent.join("answers"),
        };
        std::fs::create_dir(&d.run).unwrap();
        std::fs::create_dir(&d.answers).unwrap();
        d
    }

    fn handshake(&self, timeout: Duration) -> Handshake {
        Handshake::new(&self.run, &self.answers).with_timeout(timeout)
    }

    fn request(&self) -> PathBuf {
        self.run.join(REQUEST)
    }

    fn done(&self) -> PathBuf {
        self.run.join(DONE)
    }

    fn ready(&self) -> PathBuf {
        self.answers.join(READY)
    }

    fn failed(&self) -> PathBuf {
        self.answers.join(FAILED)
    }
}

/// A kiosk as under the unit, with its hand-shake folders and the helper's
/// export folder (the stick's writable mount) in the test's temporary folder.
struct UnderUnit {
    tk: TestKiosk,
    dirs: Dirs,
    export: PathBuf,
}

fn under_unit(timeout: Duration) -> (UnderUnit, Kiosk) {
    let tk = provisioned();
    let dirs = Dirs::make(tk.tmp.path());
    let export = tk.tmp.path().join("export");
    std::fs::create_dir(&export).unwrap();
    let k = tk.open().with_handshake(Some(dirs.handshake(timeout)));
    (UnderUnit { tk, dirs, export }, k)
}

fn wait(what: &str, mut cond: impl FnMut() -> bool) {
    let end = Instant::now() + Duration::from_secs(20);
    while !cond() {
        assert!(
            Instant::now() < end,
            "the fake helper waited too long for {what}"
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// As the helper's `publish`: a new temporary file renamed into place.
fn publish(file: &Path, text: &str) {
    let tmp = file.with_extension("tmp");
    std::fs::write(&tmp, format!("{text}\n")).unwrap();
    std::fs::rename(tmp, file).unwrap();
}

fn rm(files: &[PathBuf]) {
    for f in files {
        let _ = std::fs::remove_file(f);
    }
}

fn files(dir: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    v.sort();
    v
}

/// What the fake helper saw when the kiosk said it had finished.
#[derive(Debug)]
struct Seen {
    done: bool,
    bundles_in_export: usize,
}

/// As the script's start: every earlier answer, and export-done, go first.
fn clear(d: &Dirs) {
    rm(&[d.ready(), d.failed(), d.done()]);
}

/// Tidies up after one round, as the script's `finish` trap: export-request
/// last; export-failed stays.
fn finish(d: &Dirs) {
    rm(&[d.ready(), d.done()]);
    rm(&[d.request()]);
}

/// Plays the root helper for one request: makes `export` "writable" and
/// names it, waits for export-done (or the request to be withdrawn), tidies up.
fn helper_ready(d: &Dirs, export: &Path) -> JoinHandle<Seen> {
    helper_ready_after(d, export, Duration::ZERO)
}

/// As [`helper_ready`], starting `delay` after the request appears (the path
/// unit and the script take a while), so the kiosk looks at the answer folder
/// several times before the helper has cleared it.
fn helper_ready_after(d: &Dirs, export: &Path, delay: Duration) -> JoinHandle<Seen> {
    let (d, export) = (d.clone(), export.to_owned());
    std::thread::spawn(move || {
        wait("export-request", || d.request().exists());
        std::thread::sleep(delay);
        clear(&d);
        publish(&d.ready(), &export.to_string_lossy());
        wait("export-done", || d.done().exists() || !d.request().exists());
        let seen = Seen {
            done: d.done().exists(),
            bundles_in_export: bundles(&export).len(),
        };
        finish(&d);
        seen
    })
}

/// Plays the root helper refusing `delay` after the request appears:
/// export-failed with `line`, then ends the request.
fn helper_failed_after(d: &Dirs, line: &'static str, delay: Duration) -> JoinHandle<()> {
    let d = d.clone();
    std::thread::spawn(move || {
        wait("export-request", || d.request().exists());
        std::thread::sleep(delay);
        clear(&d);
        publish(&d.failed(), line);
        finish(&d);
    })
}

fn helper_failed(d: &Dirs, line: &'static str) -> JoinHandle<()> {
    helper_failed_after(d, line, Duration::ZERO)
}

/// Plays a helper (or a mistake in root's folder) that puts something other
/// than a plain file under `name` in the answer folder, via `plant`, then
/// waits for the kiosk to withdraw.
fn helper_planting(d: &Dirs, plant: impl FnOnce(&Dirs) + Send + 'static) -> JoinHandle<()> {
    let d = d.clone();
    std::thread::spawn(move || {
        wait("export-request", || d.request().exists());
        clear(&d);
        plant(&d);
        wait("the request withdrawn", || !d.request().exists());
    })
}

fn written(o: &ExportOutcome) -> (PathBuf, u64, u64) {
    match o {
        ExportOutcome::Written {
            folder,
            sessions,
            attendances,
        } => (folder.clone(), *sessions, *attendances),
        other => panic!("{other:?}"),
    }
}

#[test]
fn the_helper_makes_the_stick_writable_the_bundle_goes_there_and_export_done_is_written() {
    let (u, mut k) = under_unit(Duration::from_secs(10));
    run_sessions(&u.tk, &mut k, 3, 5, 11);
    let helper = helper_ready(&u.dirs, &u.export);
    let out = k.export_to_stick(ExportScope::New, &mut |_, _| {}).unwrap();
    let seen = helper.join().unwrap();
    assert!(seen.done, "the kiosk never wrote export-done");
    assert_eq!(
        seen.bundles_in_export, 1,
        "export-done came before the bundle"
    );
    let (folder, s, a) = written(&out.outcome);
    assert_eq!((s, a), (3, 15));
    assert_eq!(folder.parent(), Some(u.export.as_path()));
    verify_bundle(&folder, &kiosk_keys(&u.tk)).unwrap();
    assert_eq!(
        bundles(&u.tk.usb),
        Vec::<PathBuf>::new(),
        "nothing on the read-only mount"
    );
    assert_eq!(out.release, Some(Release::Released));
    let text = out.to_string();
    assert!(
        text.starts_with("Exported 3 sessions and 15 attendances to the USB stick"),
        "{text}"
    );
    assert!(text.ends_with("the stick can be taken out now"), "{text}");
    assert_eq!(k.export_backlog().unwrap().sessions, 0);
    assert_eq!(files(&u.dirs.run), Vec::<String>::new());
    assert_eq!(files(&u.dirs.answers), Vec::<String>::new());

    // Nothing waiting: the stick is not made writable at all.
    let out = k.export_to_stick(ExportScope::New, &mut |_, _| {}).unwrap();
    assert_eq!(out.outcome, ExportOutcome::NothingToExport);
    assert_eq!(files(&u.dirs.run), Vec::<String>::new());
}

#[test]
fn export_failed_is_shown_as_it_is_and_nothing_is_lost() {
    let (u, mut k) = under_unit(Duration::from_secs(10));
    run_sessions(&u.tk, &mut k, 3, 5, 12);
    let before = k.export_backlog().unwrap();
    let helper = helper_failed(&u.dirs, WRITE_PROTECTED);
    let err = k
        .export_to_stick(ExportScope::New, &mut |_, _| {})
        .unwrap_err();
    helper.join().unwrap();
    assert!(
        matches!(err, KioskError::UsbHandshake(HandshakeError::Refused(_))),
        "{err:?}"
    );
    assert_eq!(err.to_string(), WRITE_PROTECTED);
    assert!(!u.dirs.request().exists(), "the round is over");
    // The answer is root's: the kiosk leaves it for the helper's next start.
    assert_eq!(files(&u.dirs.answers), vec![FAILED.to_owned()]);
    assert_eq!(k.export_backlog().unwrap(), before, "the watermark moved");
    assert!(bundles(&u.export).is_empty());

    let helper = helper_ready(&u.dirs, &u.export);
    let out = k.export_to_stick(ExportScope::New, &mut |_, _| {}).unwrap();
    assert!(helper.join().unwrap().done);
    let (_, s, a) = written(&out.outcome);
    assert_eq!((s, a), (3, 15), "the next export has every row");
}

/// Issue 11: the kiosk cannot remove the helper's answers any more, so the
/// refusal of one round is still there when the next round starts, until the
/// helper (started by the path unit a moment later) clears it.
#[test]
fn an_earlier_refusal_still_in_the_answer_folder_is_never_taken_for_the_next_answer() {
    let (u, mut k) = under_unit(Duration::from_secs(10));
    run_sessions(&u.tk, &mut k, 2, 4, 16);
    let slow = Duration::from_millis(600);

    // An earlier round's refusal; this round's helper says the stick is ready.
    publish(&u.dirs.failed(), WRITE_PROTECTED);
    let helper = helper_ready_after(&u.dirs, &u.export, slow);
    let start = Instant::now();
    let out = k.export_to_stick(ExportScope::New, &mut |_, _| {}).unwrap();
    assert!(start.elapsed() >= slow, "answered before the helper did");
    assert!(helper.join().unwrap().done);
    assert_eq!(written(&out.outcome).1, 2);

    // An earlier refusal, and this round's helper refuses with the very same
    // words: that is a new answer (a new file), and is taken.
    run_sessions(&u.tk, &mut k, 1, 4, 17);
    publish(&u.dirs.failed(), NO_STICK);
    let helper = helper_failed_after(&u.dirs, NO_STICK, slow);
    let start = Instant::now();
    let err = k
        .export_to_stick(ExportScope::New, &mut |_, _| {})
        .unwrap_err();
    assert!(start.elapsed() >= slow, "took the earlier refusal");
    helper.join().unwrap();
    assert_eq!(err.to_string(), NO_STICK);

    // An earlier export-ready (a helper killed before its clean-up), and this
    // round's helper refuses: the old folder is never written to.
    publish(&u.dirs.ready(), &u.export.to_string_lossy());
    let helper = helper_failed_after(&u.dirs, WRITE_PROTECTED, slow);
    let err = k
        .export_to_stick(ExportScope::New, &mut |_, _| {})
        .unwrap_err();
    helper.join().unwrap();
    assert_eq!(err.to_string(), WRITE_PROTECTED);
    assert_eq!(bundles(&u.export).len(), 1, "wrote into the old folder");
    assert_eq!(k.export_backlog().unwrap().sessions, 1);
}

#[test]
fn a_symlink_or_a_folder_as_an_answer_is_refused_and_never_read() {
    let (u, mut k) = under_unit(Duration::from_secs(10));
    run_sessions(&u.tk, &mut k, 1, 3, 18);
    let before = k.export_backlog().unwrap();
    // What a link would lead to: a file that names a usable folder.
    let elsewhere = u.tk.tmp.path().join("elsewhere");
    std::fs::write(&elsewhere, format!("{}\n", u.export.display())).unwrap();

    type Plant = fn(&Dirs, &Path);
    let plants: [(&str, Plant); 4] = [
        ("export-ready -> a file naming a folder", |d, e| {
            std::os::unix::fs::symlink(e, d.ready()).unwrap()
        }),
        ("export-failed -> a file", |d, e| {
            std::os::unix::fs::symlink(e, d.failed()).unwrap()
        }),
        ("export-ready a dangling link", |d, _| {
            std::os::unix::fs::symlink("/nonexistent/export-ready", d.ready()).unwrap()
        }),
        ("export-ready a folder", |d, _| {
            std::fs::create_dir(d.ready()).unwrap()
        }),
    ];
    for (what, plant) in plants {
        let target = elsewhere.clone();
        let helper = helper_planting(&u.dirs, move |d| plant(d, &target));
        let err = k
            .export_to_stick(ExportScope::New, &mut |_, _| {})
            .unwrap_err();
        helper.join().unwrap();
        match &err {
            KioskError::UsbHandshake(HandshakeError::NotAFile { path }) => {
                assert!(path.starts_with(&u.dirs.answers), "{what}: {path:?}")
            }
            other => panic!("{what}: {other:?}"),
        }
        assert!(
            err.to_string().contains("is not a plain file"),
            "{what}: {err}"
        );
        assert!(!u.dirs.request().exists(), "{what}: request not withdrawn");
        assert!(u.dirs.done().exists(), "{what}: no export-done");
        assert!(bundles(&u.export).is_empty(), "{what}: wrote through it");
        assert_eq!(k.export_backlog().unwrap(), before, "{what}");
        // As the next helper's start would (the kiosk never removes them).
        let _ = std::fs::remove_file(u.dirs.ready());
        let _ = std::fs::remove_dir(u.dirs.ready());
        let _ = std::fs::remove_file(u.dirs.failed());
    }
    assert_eq!(
        std::fs::read_to_string(&elsewhere).unwrap(),
        format!("{}\n", u.export.display()),
        "the link's target changed"
    );

    // A link left from an earlier round is only skipped, like any earlier
    // answer; the helper's real answer is taken.
    std::os::unix::fs::symlink(&elsewhere, u.dirs.ready()).unwrap();
    let helper = helper_ready_after(&u.dirs, &u.export, Duration::from_millis(300));
    let out = k.export_to_stick(ExportScope::New, &mut |_, _| {}).unwrap();
    assert!(helper.join().unwrap().done);
    assert_eq!(written(&out.outcome).1, 1);
}

#[test]
fn an_answer_is_read_only_up_to_its_size_limit() {
    let (u, mut k) = under_unit(Duration::from_secs(10));
    run_sessions(&u.tk, &mut k, 1, 3, 19);
    let long: &'static str = "x".repeat(100_000).leak();
    let helper = helper_failed(&u.dirs, long);
    let err = k
        .export_to_stick(ExportScope::New, &mut |_, _| {})
        .unwrap_err();
    helper.join().unwrap();
    match err {
        KioskError::UsbHandshake(HandshakeError::Refused(line)) => {
            assert_eq!(line.len(), 4096, "read past the limit")
        }
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_helper_that_never_answers_gives_a_clear_error_quickly_and_the_request_is_withdrawn() {
    let (u, mut k) = under_unit(Duration::from_millis(300));
    run_sessions(&u.tk, &mut k, 2, 4, 13);
    let before = k.export_backlog().unwrap();
    let start = Instant::now();
    let err = k
        .export_to_stick(ExportScope::New, &mut |_, _| {})
        .unwrap_err();
    let took = start.elapsed();
    assert!(
        matches!(err, KioskError::UsbHandshake(HandshakeError::NoAnswer)),
        "{err:?}"
    );
    assert_eq!(err.to_string(), NO_ANSWER);
    assert!(took >= Duration::from_millis(300), "{took:?}");
    assert!(took < Duration::from_secs(3), "{took:?}");
    // Withdrawn, so a helper starting late puts the stick straight back.
    assert!(!u.dirs.request().exists());
    assert!(u.dirs.done().exists());
    assert_eq!(k.export_backlog().unwrap(), before);
    // The failure is in the audit log (as other export failures are).
    let audit = k.audit_lines(5).unwrap();
    assert!(
        audit
            .iter()
            .any(|l| format!("{l:?}").contains("could not be made writable")),
        "{audit:?}"
    );
}

#[test]
fn with_no_answer_folder_yet_the_kiosk_waits_for_the_helper_to_make_it() {
    // Handshake::system() names /run/insideout-usb-export before the helper's
    // unit has ever run (and made it).
    let tk = provisioned();
    let run = tk.tmp.path().join("run");
    std::fs::create_dir(&run).unwrap();
    let export = tk.tmp.path().join("export");
    std::fs::create_dir(&export).unwrap();
    let d = Dirs {
        run,
        answers: tk.tmp.path().join("answers-not-yet"),
    };
    let mut k = tk
        .open()
        .with_handshake(Some(d.handshake(Duration::from_secs(10))));
    run_sessions(&tk, &mut k, 1, 3, 20);
    let (d2, export2) = (d.clone(), export.clone());
    let helper = std::thread::spawn(move || {
        wait("export-request", || d2.request().exists());
        std::fs::create_dir(&d2.answers).unwrap();
        helper_ready(&d2, &export2).join().unwrap()
    });
    let out = k.export_to_stick(ExportScope::New, &mut |_, _| {}).unwrap();
    assert!(helper.join().unwrap().done);
    assert_eq!(written(&out.outcome).1, 1);
}

#[test]
fn a_leftover_request_still_held_by_a_helper_is_ended_first_then_a_fresh_one_is_made() {
    let (u, mut k) = under_unit(Duration::from_secs(10));
    run_sessions(&u.tk, &mut k, 2, 4, 14);
    // An earlier export crashed while the helper held the stick writable.
    std::fs::write(u.dirs.request(), "").unwrap();
    publish(&u.dirs.ready(), &u.export.to_string_lossy());
    let (d, export) = (u.dirs.clone(), u.export.clone());
    let helpers = std::thread::spawn(move || {
        // The old helper round: ends when it sees export-done.
        wait("export-done for the old request", || d.done().exists());
        finish(&d);
        // The path unit starts the helper again for the fresh request.
        helper_ready(&d, &export).join().unwrap()
    });
    let out = k.export_to_stick(ExportScope::New, &mut |_, _| {}).unwrap();
    let seen = helpers.join().unwrap();
    assert!(seen.done);
    assert_eq!(out.release, Some(Release::Released));
    assert_eq!(written(&out.outcome).1, 2);
    assert_eq!(bundles(&u.export).len(), 1);
    assert_eq!(files(&u.dirs.run), Vec::<String>::new());
    assert_eq!(files(&u.dirs.answers), Vec::<String>::new());
}

#[test]
fn a_leftover_request_nobody_serves_is_removed_and_an_old_answer_is_never_taken_for_a_new_one() {
    let (u, mut k) = under_unit(Duration::from_millis(300));
    run_sessions(&u.tk, &mut k, 1, 3, 15);
    std::fs::write(u.dirs.request(), "").unwrap();
    publish(&u.dirs.failed(), "an old refusal");
    publish(&u.dirs.ready(), "/somewhere/old");
    let start = Instant::now();
    let err = k
        .export_to_stick(ExportScope::New, &mut |_, _| {})
        .unwrap_err();
    assert_eq!(err.to_string(), NO_ANSWER);
    assert!(start.elapsed() < Duration::from_secs(3));
    assert_eq!(files(&u.dirs.run), vec![DONE.to_owned()]);
    // Root's answers are left for the helper to clear.
    assert_eq!(
        files(&u.dirs.answers),
        vec![FAILED.to_owned(), READY.to_owned()]
    );
    assert_eq!(k.export_backlog().unwrap().sessions, 1);
}

#[test]
fn export_done_is_written_even_if_the_work_fails_or_panics_and_a_bad_answer_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let d = Dirs::make(tmp.path());
    let h = d.handshake(Duration::from_secs(10));

    // The work fails: its own error comes back, after export-done.
    let helper = helper_ready(&d, tmp.path());
    let r: Result<((), Release), KioskError> =
        h.run(|_| Err(KioskError::InvalidSetting("the work failed".into())));
    assert_eq!(r.unwrap_err().to_string(), "the work failed");
    assert!(helper.join().unwrap().done);

    // The work panics: export-done is still written.
    let helper = helper_ready(&d, tmp.path());
    let h2 = h.clone();
    let panicked = std::thread::spawn(move || {
        let _: Result<((), Release), HandshakeError> = h2.run(|_| panic!("boom"));
    })
    .join();
    assert!(panicked.is_err());
    assert!(helper.join().unwrap().done);

    // export-ready naming no absolute folder: refused, request withdrawn.
    let d2 = d.clone();
    let helper = std::thread::spawn(move || {
        wait("export-request", || d2.request().exists());
        publish(&d2.ready(), "not/absolute");
    });
    let r: Result<((), Release), HandshakeError> = h.run(|_| panic!("never called"));
    helper.join().unwrap();
    assert!(matches!(r, Err(HandshakeError::BadAnswer)), "{r:?}");
    assert!(!d.request().exists());
}

#[test]
fn under_the_unit_a_stick_is_present_only_when_the_usb_folder_is_a_mount_point() {
    let tk = provisioned();
    let d = Dirs::make(tk.tmp.path());
    let unit = |usb: &Path| {
        tk.open()
            .with_usb_dir(usb.to_owned())
            .with_handshake(Some(d.handshake(Duration::from_secs(30))))
    };
    let direct = |usb: &Path| tk.open().with_usb_dir(usb.to_owned()).with_handshake(None);

    // tmpfiles makes the empty folder at boot: not a stick.
    assert!(tk.usb.is_dir());
    assert!(!unit(&tk.usb).stick_present());
    assert!(!unit(&tk.tmp.path().join("missing")).stick_present());
    // Real mount points of this machine.
    for m in ["/proc", "/dev/shm"] {
        assert!(kiosk_core::usb::is_mount_point(Path::new(m)), "{m}");
    }
    assert!(unit(Path::new("/proc")).stick_present());
    // A stick mounted on the usb folder itself, where the test may mount.
    let stick = tk.tmp.path().join("stick");
    std::fs::create_dir(&stick).unwrap();
    assert!(!unit(&stick).stick_present());
    let mounted = std::process::Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=64k", "tmpfs"])
        .arg(&stick)
        .status()
        .is_ok_and(|s| s.success());
    if mounted {
        assert!(unit(&stick).stick_present());
        let _ = std::process::Command::new("umount").arg(&stick).status();
        assert!(!unit(&stick).stick_present());
    } else {
        eprintln!("not allowed to mount a tmpfs here: checked /proc and /dev/shm only");
    }

    // Outside the unit (demo, development): any existing folder is the stick.
    assert!(direct(&tk.usb).stick_present());
    assert!(!direct(&tk.tmp.path().join("missing")).stick_present());
}

#[test]
fn the_system_hand_shake_names_the_kiosks_run_folder_and_roots_answer_folder() {
    use kiosk_core::handshake::{SYSTEM_ANSWER_DIR, SYSTEM_RUN_DIR};
    assert_eq!(SYSTEM_RUN_DIR, "/run/insideout-kiosk");
    assert_eq!(SYSTEM_ANSWER_DIR, "/run/insideout-usb-export");
    // What provisioning/system's units and script say, kept in step.
    let system = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../provisioning/system");
    let script = std::fs::read_to_string(system.join("libexec/usb-export")).unwrap();
    assert!(script.contains(&format!("RUN_DIR=${{INSIDEOUT_RUN_DIR:-{SYSTEM_RUN_DIR}}}")));
    assert!(script.contains(&format!(
        "ANSWER_DIR=${{INSIDEOUT_ANSWER_DIR:-{SYSTEM_ANSWER_DIR}}}"
    )));
    let unit =
        std::fs::read_to_string(system.join("systemd/insideout-usb-export.service")).unwrap();
    assert!(unit.contains("\nRuntimeDirectory=insideout-usb-export\n"));
    let h = Handshake::new(SYSTEM_RUN_DIR, SYSTEM_ANSWER_DIR);
    assert_eq!(h.run_dir(), Path::new(SYSTEM_RUN_DIR));
    assert_eq!(h.answer_dir(), Path::new(SYSTEM_ANSWER_DIR));
}
