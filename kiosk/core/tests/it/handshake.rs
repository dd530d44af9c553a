//! "Export to USB stick" under the systemd unit: the file hand-shake with the
//! root helper (`provisioning/system/libexec/usb-export`), played here by a
//! thread in a temporary run folder; and `stick_present` (a mount point under
//! the unit, any folder outside it).

use std::path::{Path, PathBuf};
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use content_pack::verify_bundle;
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

/// A kiosk as under the unit, with its run folder and the helper's export
/// folder (the stick's writable mount) in the test's temporary folder.
struct UnderUnit {
    tk: TestKiosk,
    run: PathBuf,
    export: PathBuf,
}

fn under_unit(timeout: Duration) -> (UnderUnit, Kiosk) {
    let tk = provisioned();
    let run = tk.tmp.path().join("run");
    let export = tk.tmp.path().join("export");
    std::fs::create_dir(&run).unwrap();
    std::fs::create_dir(&export).unwrap();
    let k = tk
        .open()
        .with_handshake(Some(Handshake::new(&run).with_timeout(timeout)));
    (UnderUnit { tk, run, export }, k)
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

/// As the helper's `publish`: a temporary file renamed into place.
fn publish(file: &Path, text: &str) {
    let tmp = file.with_extension("tmp");
    std::fs::write(&tmp, format!("{text}\n")).unwrap();
    std::fs::rename(tmp, file).unwrap();
}

fn rm(run: &Path, names: &[&str]) {
    for n in names {
        let _ = std::fs::remove_file(run.join(n));
    }
}

fn files(run: &Path) -> Vec<String> {
    let mut v: Vec<String> = std::fs::read_dir(run)
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

/// Tidies up after one round, as the script's `finish` trap: export-request last.
fn finish(run: &Path) {
    rm(run, &[READY, DONE]);
    rm(run, &[REQUEST]);
}

/// Plays the root helper for one request: makes `export` "writable" and
/// names it, waits for export-done (or the request to be withdrawn), tidies up.
fn helper_ready(run: &Path, export: &Path) -> JoinHandle<Seen> {
    let (run, export) = (run.to_owned(), export.to_owned());
    std::thread::spawn(move || {
        wait("export-request", || run.join(REQUEST).exists());
        rm(&run, &[READY, FAILED, DONE]);
        publish(&run.join(READY), &export.to_string_lossy());
        wait("export-done", || {
            run.join(DONE).exists() || !run.join(REQUEST).exists()
        });
        let seen = Seen {
            done: run.join(DONE).exists(),
            bundles_in_export: bundles(&export).len(),
        };
        finish(&run);
        seen
    })
}

/// Plays the root helper refusing: export-failed with `line`, then ends the request.
fn helper_failed(run: &Path, line: &'static str) -> JoinHandle<()> {
    let run = run.to_owned();
    std::thread::spawn(move || {
        wait("export-request", || run.join(REQUEST).exists());
        rm(&run, &[READY, FAILED, DONE]);
        publish(&run.join(FAILED), line);
        finish(&run);
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
    let helper = helper_ready(&u.run, &u.export);
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
    assert_eq!(files(&u.run), Vec::<String>::new());

    // Nothing waiting: the stick is not made writable at all.
    let out = k.export_to_stick(ExportScope::New, &mut |_, _| {}).unwrap();
    assert_eq!(out.outcome, ExportOutcome::NothingToExport);
    assert_eq!(files(&u.run), Vec::<String>::new());
}

#[test]
fn export_failed_is_shown_as_it_is_and_nothing_is_lost() {
    let (u, mut k) = under_unit(Duration::from_secs(10));
    run_sessions(&u.tk, &mut k, 3, 5, 12);
    let before = k.export_backlog().unwrap();
    let helper = helper_failed(&u.run, WRITE_PROTECTED);
    let err = k
        .export_to_stick(ExportScope::New, &mut |_, _| {})
        .unwrap_err();
    helper.join().unwrap();
    assert!(
        matches!(err, KioskError::UsbHandshake(HandshakeError::Refused(_))),
        "{err:?}"
    );
    assert_eq!(err.to_string(), WRITE_PROTECTED);
    assert!(
        !u.run.join(FAILED).exists(),
        "export-failed is deleted once read"
    );
    assert!(!u.run.join(REQUEST).exists(), "the round is over");
    assert_eq!(k.export_backlog().unwrap(), before, "the watermark moved");
    assert!(bundles(&u.export).is_empty());

    let helper = helper_ready(&u.run, &u.export);
    let out = k.export_to_stick(ExportScope::New, &mut |_, _| {}).unwrap();
    assert!(helper.join().unwrap().done);
    let (_, s, a) = written(&out.outcome);
    assert_eq!((s, a), (3, 15), "the next export has every row");
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
    assert!(!u.run.join(REQUEST).exists());
    assert!(u.run.join(DONE).exists());
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
fn a_leftover_request_still_held_by_a_helper_is_ended_first_then_a_fresh_one_is_made() {
    let (u, mut k) = under_unit(Duration::from_secs(10));
    run_sessions(&u.tk, &mut k, 2, 4, 14);
    // An earlier export crashed while the helper held the stick writable.
    std::fs::write(u.run.join(REQUEST), "").unwrap();
    publish(&u.run.join(READY), &u.export.to_string_lossy());
    let (run, export) = (u.run.clone(), u.export.clone());
    let helpers = std::thread::spawn(move || {
        // The old helper round: ends when it sees export-done.
        wait("export-done for the old request", || {
            run.join(DONE).exists()
        });
        finish(&run);
        // The path unit starts the helper again for the fresh request.
        helper_ready(&run, &export).join().unwrap()
    });
    let out = k.export_to_stick(ExportScope::New, &mut |_, _| {}).unwrap();
    let seen = helpers.join().unwrap();
    assert!(seen.done);
    assert_eq!(out.release, Some(Release::Released));
    assert_eq!(written(&out.outcome).1, 2);
    assert_eq!(bundles(&u.export).len(), 1);
    assert_eq!(files(&u.run), Vec::<String>::new());
}

#[test]
fn a_leftover_request_nobody_serves_is_removed_and_an_old_answer_is_never_taken_for_a_new_one() {
    let (u, mut k) = under_unit(Duration::from_millis(300));
    run_sessions(&u.tk, &mut k, 1, 3, 15);
    std::fs::write(u.run.join(REQUEST), "").unwrap();
    publish(&u.run.join(FAILED), "an old refusal");
    publish(&u.run.join(READY), "/somewhere/old");
    let start = Instant::now();
    let err = k
        .export_to_stick(ExportScope::New, &mut |_, _| {})
        .unwrap_err();
    assert_eq!(err.to_string(), NO_ANSWER);
    assert!(start.elapsed() < Duration::from_secs(3));
    assert_eq!(files(&u.run), vec![DONE.to_owned()]);
    assert_eq!(k.export_backlog().unwrap().sessions, 1);
}

#[test]
fn export_done_is_written_even_if_the_work_fails_or_panics_and_a_bad_answer_is_refused() {
    let tmp = tempfile::tempdir().unwrap();
    let run = tmp.path();
    let h = Handshake::new(run).with_timeout(Duration::from_secs(10));

    // The work fails: its own error comes back, after export-done.
    let helper = helper_ready(run, tmp.path());
    let r: Result<((), Release), KioskError> =
        h.run(|_| Err(KioskError::InvalidSetting("the work failed".into())));
    assert_eq!(r.unwrap_err().to_string(), "the work failed");
    assert!(helper.join().unwrap().done);

    // The work panics: export-done is still written.
    let helper = helper_ready(run, tmp.path());
    let h2 = h.clone();
    let panicked = std::thread::spawn(move || {
        let _: Result<((), Release), HandshakeError> = h2.run(|_| panic!("boom"));
    })
    .join();
    assert!(panicked.is_err());
    assert!(helper.join().unwrap().done);

    // export-ready naming no absolute folder: refused, request withdrawn.
    let run2 = run.to_owned();
    let helper = std::thread::spawn(move || {
        wait("export-request", || run2.join(REQUEST).exists());
        publish(&run2.join(READY), "not/absolute");
    });
    let r: Result<((), Release), HandshakeError> = h.run(|_| panic!("never called"));
    helper.join().unwrap();
    assert!(matches!(r, Err(HandshakeError::BadAnswer)), "{r:?}");
    assert!(!run.join(REQUEST).exists());
}

#[test]
fn under_the_unit_a_stick_is_present_only_when_the_usb_folder_is_a_mount_point() {
    let tk = provisioned();
    let run = tk.tmp.path().join("run");
    std::fs::create_dir(&run).unwrap();
    let unit = |usb: &Path| {
        tk.open()
            .with_usb_dir(usb.to_owned())
            .with_handshake(Some(Handshake::new(&run)))
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
