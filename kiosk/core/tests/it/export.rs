//! USB export: the signed bundle, the watermark, a full stick, a read-only
//! folder, and `verify_bundle` refusing any changed byte.

use std::path::{Path, PathBuf};
use std::process::Command;

use attendance_export::{verify_bundle, BundleError};
use content_pack::{TrustedKey, TrustedKeys};
use kiosk_core::simulate::{simulate, SimulateOptions};
use kiosk_core::{ExportOutcome, ExportScope, Kiosk, KioskError};

use crate::util::{provisioned, TestKiosk};

pub fn kiosk_keys(tk: &TestKiosk) -> TrustedKeys {
    TrustedKeys::new(vec![
        TrustedKey::from_file(&tk.dir.join("kiosk.pub")).unwrap()
    ])
}

pub fn run_sessions(tk: &TestKiosk, k: &mut Kiosk, sessions: u32, group_size: u32, seed: u64) {
    let opts = SimulateOptions {
        sessions,
        group_size,
        seed,
        ..Default::default()
    };
    simulate(k, &tk.clock, opts, &mut |_| {}).unwrap();
}

fn export_to(k: &mut Kiosk, to: &Path, scope: ExportScope) -> Result<ExportOutcome, KioskError> {
    k.export(to, scope, &mut |_, _| {})
}

fn written(o: ExportOutcome) -> (PathBuf, u64, u64) {
    match o {
        ExportOutcome::Written {
            folder,
            sessions,
            attendances,
        } => (folder, sessions, attendances),
        other => panic!("{other:?}"),
    }
}

/// Bundle folders (not temporary ones) in `dir`.
pub fn bundles(dir: &Path) -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.file_name()
                .is_some_and(|n| n.to_string_lossy().starts_with("insideout-export_"))
        })
        .collect();
    v.sort();
    v
}

#[test]
fn export_writes_a_signed_bundle_and_moves_the_watermark_only_then() {
    let tk = provisioned();
    let mut k = tk.open();
    assert_eq!(
        export_to(&mut k, &tk.usb, ExportScope::New).unwrap(),
        ExportOutcome::NothingToExport
    );
    run_sessions(&tk, &mut k, 3, 4, 1);
    let (folder, s, a) = written(export_to(&mut k, &tk.usb, ExportScope::New).unwrap());
    assert_eq!((s, a), (3, 12));
    let name = folder.file_name().unwrap().to_string_lossy().into_owned();
    assert!(
        name.starts_with("insideout-export_HMP-Example_B_"),
        "{name}"
    );
    assert!(!name.contains(':'));
    let b = verify_bundle(&folder, &kiosk_keys(&tk)).unwrap();
    assert_eq!(b.manifest().site, "HMP Example");
    let csv = String::from_utf8(b.read("attendance.csv").unwrap()).unwrap();
    assert_eq!(csv.lines().count(), 13);
    assert!(csv.starts_with("run_id,date,site,wing,session_id,participant,left_early\n"));
    assert_eq!(k.export_backlog().unwrap().sessions, 0);
    assert_eq!(
        export_to(&mut k, &tk.usb, ExportScope::New).unwrap(),
        ExportOutcome::NothingToExport
    );
    run_sessions(&tk, &mut k, 2, 5, 2);
    let (_, s, a) = written(export_to(&mut k, &tk.usb, ExportScope::New).unwrap());
    assert_eq!((s, a), (2, 10));
    let (_, s, a) = written(export_to(&mut k, &tk.usb, ExportScope::All).unwrap());
    assert_eq!((s, a), (5, 22));
    assert_eq!(bundles(&tk.usb).len(), 3);
    // No temporary folders are left behind.
    assert_eq!(std::fs::read_dir(&tk.usb).unwrap().count(), 3);
    assert!(matches!(
        export_to(&mut k, &tk.dir.join("no-stick"), ExportScope::New),
        Err(KioskError::NoUsb(_))
    ));
}

#[test]
fn verify_refuses_a_bundle_with_any_changed_byte() {
    let tk = provisioned();
    let mut k = tk.open();
    run_sessions(&tk, &mut k, 2, 3, 3);
    let (folder, _, _) = written(export_to(&mut k, &tk.usb, ExportScope::New).unwrap());
    let keys = kiosk_keys(&tk);
    verify_bundle(&folder, &keys).unwrap();
    let mut checked = 0;
    for name in [
        "manifest.json",
        "manifest.sig",
        "attendance.csv",
        "sessions.csv",
        "summary.json",
    ] {
        let path = folder.join(name);
        let original = std::fs::read(&path).unwrap();
        for i in 0..original.len() {
            for flip in [0x01u8, 0x80] {
                let mut changed = original.clone();
                changed[i] ^= flip;
                std::fs::write(&path, &changed).unwrap();
                assert!(
                    verify_bundle(&folder, &keys).is_err(),
                    "{name}: byte {i} ^ {flip:#x} was accepted"
                );
                checked += 1;
            }
        }
        // A byte added or removed at the end.
        let mut longer = original.clone();
        longer.push(b'\n');
        std::fs::write(&path, &longer).unwrap();
        assert!(verify_bundle(&folder, &keys).is_err(), "{name} + newline");
        std::fs::write(&path, &original[..original.len() - 1]).unwrap();
        assert!(verify_bundle(&folder, &keys).is_err(), "{name} - last byte");
        std::fs::write(&path, &original).unwrap();
    }
    assert!(checked > 2000, "{checked}");
    verify_bundle(&folder, &keys).unwrap();
    // An extra file, a missing file, another kiosk's key.
    std::fs::write(folder.join("extra.csv"), "x").unwrap();
    assert!(matches!(
        verify_bundle(&folder, &keys),
        Err(BundleError::UnlistedFile(_))
    ));
    std::fs::remove_file(folder.join("extra.csv")).unwrap();
    let other = provisioned();
    assert!(matches!(
        verify_bundle(&folder, &kiosk_keys(&other)),
        Err(BundleError::WrongKey { .. })
    ));
    std::fs::remove_file(folder.join("sessions.csv")).unwrap();
    assert!(matches!(
        verify_bundle(&folder, &keys),
        Err(BundleError::MissingFile(_))
    ));
}

/// A tmpfs mounted for the test, unmounted on drop.
struct Mount(PathBuf);

impl Mount {
    fn tmpfs(at: &Path, options: &str) -> Option<Mount> {
        std::fs::create_dir_all(at).unwrap();
        let ok = Command::new("mount")
            .args(["-t", "tmpfs", "-o", options, "tmpfs"])
            .arg(at)
            .status()
            .is_ok_and(|s| s.success());
        ok.then(|| Mount(at.to_owned()))
    }
}

impl Drop for Mount {
    fn drop(&mut self) {
        let _ = Command::new("umount").arg(&self.0).status();
    }
}

fn assert_failed_cleanly(k: &mut Kiosk, err: KioskError, before: kiosk_core::ExportBacklog) {
    let msg = err.to_string();
    assert!(matches!(err, KioskError::ExportWrite { .. }), "{msg}");
    assert!(msg.contains("nothing was lost"), "{msg}");
    assert_eq!(k.export_backlog().unwrap(), before);
}

#[test]
fn a_full_stick_gives_a_clear_error_loses_nothing_and_the_next_export_has_every_row() {
    let tk = provisioned();
    let mut k = tk.open();
    run_sessions(&tk, &mut k, 200, 10, 4);
    let before = k.export_backlog().unwrap();
    assert_eq!(before.attendances, 2000);
    let stick = tk.tmp.path().join("full-stick");
    // Root can mount a tiny tmpfs; anyone else gets the same "disk full" from
    // a file-size limit on a child process (see `crash::export_with_file_size_limit`).
    let mount = Mount::tmpfs(&stick, "size=64k");
    if mount.is_some() {
        let err = export_to(&mut k, &stick, ExportScope::New).unwrap_err();
        assert!(err.to_string().contains("No space left"), "{err}");
        assert!(err.to_string().contains("free some space"), "{err}");
        assert_failed_cleanly(&mut k, err, before);
        // The half-written temporary folder was removed from the stick.
        assert_eq!(std::fs::read_dir(&stick).unwrap().count(), 0);
    }
    let err = crate::crash::export_with_file_size_limit(&tk, 32);
    assert!(err.contains("nothing was lost"), "{err}");
    assert!(err.contains("File too large"), "{err}");
    assert_eq!(k.export_backlog().unwrap(), before);
    let (folder, s, a) = written(export_to(&mut k, &tk.usb, ExportScope::New).unwrap());
    assert_eq!((s, a), (200, 2000));
    verify_bundle(&folder, &kiosk_keys(&tk)).unwrap();
    drop(mount);
}

#[test]
fn a_read_only_folder_gives_a_clear_error_and_loses_nothing() {
    let tk = provisioned();
    let mut k = tk.open();
    run_sessions(&tk, &mut k, 3, 5, 5);
    let before = k.export_backlog().unwrap();
    let ro = tk.tmp.path().join("read-only-stick");
    let mount = Mount::tmpfs(&ro, "ro,size=1m");
    if mount.is_none() {
        // Not root: a folder without write permission does the same.
        use std::os::unix::fs::PermissionsExt;
        std::fs::create_dir_all(&ro).unwrap();
        std::fs::set_permissions(&ro, std::fs::Permissions::from_mode(0o555)).unwrap();
    }
    let err = export_to(&mut k, &ro, ExportScope::New).unwrap_err();
    let msg = err.to_string();
    assert!(msg.contains("the stick is read-only"), "{msg}");
    assert!(!msg.contains("free some space"), "{msg}");
    assert_failed_cleanly(&mut k, err, before);
    let (_, s, a) = written(export_to(&mut k, &tk.usb, ExportScope::New).unwrap());
    assert_eq!((s, a), (3, 15));
    drop(mount);
}

#[test]
fn the_export_format_changes_only_on_purpose() {
    let tk = provisioned();
    let mut k = tk.signed_in();
    let id = k.sessions()[0].id.clone();
    k.start_session(&id).unwrap();
    let (run, _, _) = k.run_position().unwrap();
    tk.clock.advance(chrono::Duration::minutes(5));
    k.next_phase().unwrap();
    k.add_participant("A1234BC".into()).unwrap();
    k.add_anonymous().unwrap();
    k.set_left_early(2, true).unwrap();
    while k.run_view().unwrap().can_go_next {
        tk.clock.advance(chrono::Duration::minutes(15));
        let v = k.next_phase().unwrap();
        for t in &v.phase.tools {
            k.use_tool(t).unwrap();
        }
    }
    // "How was today?": one hand, from the one person still here.
    k.count_hand(kiosk_core::Answer::Ok, true).unwrap();
    tk.clock.advance(chrono::Duration::minutes(10));
    k.finish_session().unwrap();
    let (folder, _, _) = written(export_to(&mut k, &tk.usb, ExportScope::New).unwrap());
    let pseudonymiser = kiosk_core::Pseudonymiser::load(&tk.dir.join("secret")).unwrap();
    let pseudonym = pseudonymiser.pseudonymise("A1234BC").unwrap().to_string();
    let pseudonym_key = pseudonymiser.key_id().to_string();
    let key = tk.content_key.key_id().to_string();
    let kiosk_key = verify_bundle(&folder, &kiosk_keys(&tk))
        .unwrap()
        .manifest()
        .kiosk_key_id
        .clone();
    let read = |f: &str| {
        std::fs::read_to_string(folder.join(f))
            .unwrap()
            .replace(&run, "<run>")
            .replace(&pseudonym, "<pseudonym>")
            .replace(&kiosk_key, "<kiosk-key>")
            .replace(&pseudonym_key, "<pseudonym-key>")
            .replace(&key, "<content-key>")
    };
    expect_test::expect![[r#"
        run_id,date,site,wing,session_id,participant,left_early
        <run>,2026-11-02,HMP Example,B,s01-welcome-to-insideout,<pseudonym>,false
        <run>,2026-11-02,HMP Example,B,s01-welcome-to-insideout,,true
    "#]]
    .assert_eq(&read("attendance.csv"));
    expect_test::expect![[r#"
        run_id,site,wing,session_id,session_number,pack_version,facilitator_id,started,ended,planned_minutes,elapsed_minutes,phases_completed,phase_count,tools_used,attended,anonymous,left_early,points,feedback_helped,feedback_ok,feedback_not_helped
        <run>,HMP Example,B,s01-welcome-to-insideout,1,1,f1,2026-11-02T09:00:00Z,2026-11-02T10:00:00Z,90,60,5,5,brainstorming,2,1,1,1;2;3;4,0,1,0
    "#]].assert_eq(&read("sessions.csv"));
    expect_test::expect![[r#"
        {
          "site": "HMP Example",
          "wing": "B",
          "kiosk_key_id": "<kiosk-key>",
          "pseudonym_key_id": "<pseudonym-key>",
          "created": "2026-11-02T10:00:00Z",
          "scope": "new",
          "sessions": 1,
          "attendances": 2,
          "first_started": "2026-11-02T09:00:00Z",
          "last_ended": "2026-11-02T10:00:00Z"
        }
    "#]]
    .assert_eq(&read("summary.json"));
    assert_eq!(
        folder.file_name().unwrap().to_string_lossy(),
        "insideout-export_HMP-Example_B_20261102-100000Z"
    );
}

#[test]
fn the_report_counts_overlapping_bundles_once_and_publishes_only_under_the_rule() {
    use attendance_export::report::build_report;
    use attendance_export::{Disclosure, Figure};
    let tk = provisioned();
    let mut k = tk.open();
    let mut folders = vec![];
    run_sessions(&tk, &mut k, 20, 10, 21);
    folders.push(written(export_to(&mut k, &tk.usb, ExportScope::New).unwrap()).0);
    run_sessions(&tk, &mut k, 20, 10, 21);
    folders.push(written(export_to(&mut k, &tk.usb, ExportScope::New).unwrap()).0);
    folders.push(written(export_to(&mut k, &tk.usb, ExportScope::All).unwrap()).0);
    let keys = kiosk_keys(&tk);
    let bundles: Vec<_> = folders
        .iter()
        .map(|f| verify_bundle(f, &keys).unwrap())
        .collect();
    let exact = build_report(bundles.iter().map(|b| &**b), Disclosure::Exact).unwrap();
    assert_eq!(exact.read.len(), 3);
    assert_eq!(exact.duplicate_sessions, 40);
    assert_eq!(exact.totals.sessions, Figure::Count(40));
    assert_eq!(exact.totals.attendances, Figure::Count(400));
    // Work the expected figures out from the last bundle's rows.
    let csv = String::from_utf8(bundles[2].read("attendance.csv").unwrap()).unwrap();
    let mut per_person: std::collections::HashMap<&str, std::collections::HashSet<&str>> =
        Default::default();
    for line in csv.lines().skip(1) {
        let cols: Vec<&str> = line.split(',').collect();
        if !cols[5].is_empty() {
            per_person.entry(cols[5]).or_default().insert(cols[0]);
        }
    }
    let reached = per_person.values().filter(|r| r.len() >= 10).count() as u64;
    assert!(reached >= 5, "{reached}");
    assert_eq!(exact.totals.people, Figure::Count(per_person.len() as u64));
    assert_eq!(exact.dose[3].name, "10+");
    assert_eq!(exact.dose[3].count, Figure::Count(reached));
    let months: u64 = exact
        .by_month
        .iter()
        .map(|r| r.counts.sessions.value().unwrap())
        .sum();
    assert_eq!(months, 40);
    assert!(exact.warnings()[0].starts_with("NOT FOR PUBLICATION"));

    // Published: each figure is the exact one under the rule, in JSON too.
    let published = build_report(bundles.iter().map(|b| &**b), Disclosure::Published).unwrap();
    assert!(published.warnings().is_empty());
    let json = serde_json::to_value(&published).unwrap();
    let mut hidden = 0;
    for (i, (e, p)) in exact.by_tool.iter().zip(&published.by_tool).enumerate() {
        let n = e.count.value().unwrap();
        assert_eq!(p.count, Disclosure::Published.show(n), "{}", e.name);
        if (1..=7).contains(&n) {
            hidden += 1;
            assert_eq!(json["by_tool"][i]["count"], "*");
        } else {
            assert_eq!(json["by_tool"][i]["count"], (n + 2) / 5 * 5);
        }
    }
    assert!(
        hidden > 0,
        "no tool was used in 1 to 7 sessions: {:?}",
        exact.by_tool
    );
}

/// A bundle written and signed by another kiosk (as a forger with that
/// kiosk's key would) from a genuine bundle's files.
fn forged(
    from: &Path,
    to: &Path,
    signer: &TestKiosk,
    site: &str,
    wing: &str,
    edit: impl Fn(&str, String) -> String,
) -> PathBuf {
    use attendance_export::BundleWriter;
    use content_pack::SigningKey;
    let key = SigningKey::from_file(&signer.dir.join("kiosk.key"), None).unwrap();
    let mut w = BundleWriter::create(to, "insideout-export_forged").unwrap();
    for name in ["attendance.csv", "sessions.csv", "summary.json"] {
        let text = edit(name, std::fs::read_to_string(from.join(name)).unwrap());
        w.add_file(name, |out| out.write_all(text.as_bytes()))
            .unwrap();
    }
    let pseudonym_key = std::fs::read_to_string(from.join("manifest.json")).unwrap();
    let pseudonym_key: serde_json::Value = serde_json::from_str(&pseudonym_key).unwrap();
    w.finish(
        &key,
        pseudonym_key["pseudonym_key_id"].as_str().unwrap(),
        site,
        wing,
        crate::util::t0(),
        "new",
    )
    .unwrap()
}

#[test]
fn a_report_binds_rows_and_keys_to_their_wing_and_counts_each_kiosk_apart() {
    use attendance_export::report::{build_report, ReportError};
    use attendance_export::{Disclosure, Figure};
    let build = |bundles: &[&attendance_export::VerifiedBundle]| {
        build_report(bundles.iter().map(|b| &***b), Disclosure::Exact)
    };
    let a = provisioned();
    let mut ka = a.open();
    run_sessions(&a, &mut ka, 5, 6, 1);
    let genuine = written(export_to(&mut ka, &a.usb, ExportScope::New).unwrap()).0;
    let b = provisioned();
    let mut kb = b.open();
    run_sessions(&b, &mut kb, 3, 6, 2);
    let b_genuine = written(export_to(&mut kb, &b.usb, ExportScope::New).unwrap()).0;
    let trusted = content_pack::TrustedKeys::new(vec![
        content_pack::TrustedKey::from_file(&a.dir.join("kiosk.pub")).unwrap(),
        content_pack::TrustedKey::from_file(&b.dir.join("kiosk.pub")).unwrap(),
    ]);
    let open = |f: &Path| verify_bundle(f, &trusted).unwrap();
    let out = a.tmp.path().join("forgeries");
    std::fs::create_dir(&out).unwrap();

    // B's key, A's run ids, read first: A's sessions are still all counted.
    let reused = forged(&genuine, &out, &b, "HMP Example", "B", |_, t| t);
    let report = build(&[&open(&reused), &open(&genuine)]).unwrap();
    assert!(report.verified);
    assert_eq!(report.totals.sessions, Figure::Count(10));

    // A row naming another wing than its signed manifest.
    let elsewhere = forged(&genuine, &out, &b, "HMP Example", "B", |name, t| {
        if name == "sessions.csv" {
            t.replace(",HMP Example,B,", ",HMP Example,C,")
        } else {
            t
        }
    });
    let err = build(&[&open(&elsewhere)]).unwrap_err();
    assert!(matches!(err, ReportError::RowFromElsewhere { .. }), "{err}");

    // One key for two wings.
    let two = forged(&genuine, &out, &b, "HMP Example", "C", |_, t| {
        t.replace(",B,", ",C,")
    });
    let err = build(&[&open(&b_genuine), &open(&two)]).unwrap_err();
    assert!(matches!(err, ReportError::KeyForTwoWings { .. }), "{err}");

    // Without keys, every output says the report is not verified.
    let unchecked =
        attendance_export::open_bundle(&genuine, attendance_export::BundleTrust::FilesOnly)
            .unwrap();
    let report = build_report([&unchecked], Disclosure::Published).unwrap();
    assert!(!report.verified);
    assert_eq!(serde_json::to_value(&report).unwrap()["verified"], false);
    assert!(report.warnings()[0].starts_with("NOT VERIFIED"));
}

#[test]
fn export_everything_again_needs_the_facilitators_own_pin_and_is_audited() {
    let tk = provisioned();
    let mut k = tk.signed_in();
    run_sessions(&tk, &mut k, 4, 5, 3);
    k.sign_in(crate::util::FACILITATOR, crate::util::PIN)
        .unwrap();
    written(export_to(&mut k, &tk.usb, ExportScope::New).unwrap());
    assert_eq!(k.export_backlog().unwrap().sessions, 0);

    let err = k.confirm_own_pin("999999").unwrap_err();
    assert!(matches!(err, KioskError::PinNotConfirmed(_)), "{err}");
    assert!(err.to_string().contains("nothing was exported"), "{err}");
    let confirmed = k.confirm_own_pin(crate::util::PIN).unwrap();
    let again = k
        .export_everything_again(confirmed, &mut |_, _| {})
        .unwrap();
    assert!(
        matches!(
            again.outcome,
            ExportOutcome::Written {
                sessions: 4,
                attendances: 20,
                ..
            }
        ),
        "{:?}",
        again.outcome
    );
    let events: Vec<String> = k
        .audit_lines(20)
        .unwrap()
        .into_iter()
        .map(|l| l.event)
        .collect();
    assert!(
        events.contains(&"export-everything-again".to_string()),
        "{events:?}"
    );
    assert!(events.contains(&"wrong-pin".to_string()), "{events:?}");
}

#[test]
fn the_report_counts_nothing_of_a_bundle_with_a_changed_byte() {
    use attendance_export::report::{ReportBuilder, ReportError};
    use attendance_export::{open_bundle, BundleError, BundleTrust, Disclosure, Figure};
    let tk = provisioned();
    let mut k = tk.open();
    run_sessions(&tk, &mut k, 3, 6, 4);
    let good = written(export_to(&mut k, &tk.usb, ExportScope::New).unwrap()).0;
    run_sessions(&tk, &mut k, 2, 6, 5);
    let bad = written(export_to(&mut k, &tk.usb, ExportScope::New).unwrap()).0;
    for file in ["attendance.csv", "sessions.csv", "summary.json"] {
        let path = bad.join(file);
        let original = std::fs::read(&path).unwrap();
        let mut bytes = original.clone();
        let last = bytes.len() - 2;
        bytes[last] ^= 0x01;
        std::fs::write(&path, &bytes).unwrap();
        // The manifest and signature are fine: the bundle opens, and the
        // change is found only as the file is read.
        let opened = open_bundle(&bad, BundleTrust::SignedBy(&kiosk_keys(&tk))).unwrap();
        let mut report = ReportBuilder::new();
        let err = report.add(&opened).unwrap_err();
        assert!(
            matches!(&err, ReportError::Bundle(BundleError::FileChanged(f)) if f == file),
            "{file}: {err}"
        );
        report
            .add(&open_bundle(&good, BundleTrust::FilesOnly).unwrap())
            .unwrap();
        let r = report.finish(Disclosure::Exact);
        assert_eq!(r.totals.sessions, Figure::Count(3), "{file}");
        assert_eq!(r.totals.attendances, Figure::Count(18), "{file}");
        std::fs::write(&path, &original).unwrap();
    }
}
