//! A wing kiosk's life through the real binaries (issue 4): provision a
//! kiosk and a facilitator, import the sample pack, run sessions with
//! `insideout-kiosk simulate`, export to a "stick", verify and report on the
//! export with `insideout-provision`. Along the way: the refusals are one
//! clear line on stderr, and none of the synthetic prison numbers `simulate`
//! typed appears in any file or any output.

use std::path::{Path, PathBuf};

use kiosk_core::simulate::{pool_size, synthetic_numbers};
use tests::{p, run, sample_dir};

struct Log(Vec<u8>);

impl Log {
    fn ok(&mut self, name: &str, args: &[&str], stdin: Option<&str>) -> String {
        let out = run(name, args, stdin, None);
        self.0.extend_from_slice(&out.stdout);
        self.0.extend_from_slice(&out.stderr);
        assert!(
            out.status.success(),
            "{name} {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap()
    }

    fn refused(&mut self, name: &str, args: &[&str], stdin: Option<&str>) -> String {
        let out = run(name, args, stdin, None);
        self.0.extend_from_slice(&out.stdout);
        self.0.extend_from_slice(&out.stderr);
        assert_eq!(out.status.code(), Some(1), "{name} {args:?} should fail");
        let err = String::from_utf8(out.stderr).unwrap();
        assert_eq!(err.trim_end().lines().count(), 1, "one line: {err}");
        err
    }
}

fn files_under(dir: &Path) -> Vec<(PathBuf, Vec<u8>)> {
    let mut out = vec![];
    let mut stack = vec![dir.to_owned()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let path = e.unwrap().path();
            let meta = std::fs::symlink_metadata(&path).unwrap();
            if meta.is_dir() {
                stack.push(path);
            } else if meta.is_file() {
                let bytes = std::fs::read(&path).unwrap();
                out.push((path, bytes));
            }
        }
    }
    out
}

#[test]
fn provision_import_simulate_export_verify_report() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let (ck, cp) = (t.join("content.key"), t.join("content.pub"));
    let data = t.join("data");
    let stick = t.join("stick");
    std::fs::create_dir(&stick).unwrap();
    let pack = stick.join("sample-v1.iopack");
    let mut log = Log(vec![]);

    log.ok(
        "insideout-provision",
        &[
            "keygen",
            "--secret-key",
            p(&ck),
            "--public-key",
            p(&cp),
            "--unencrypted",
        ],
        None,
    );
    log.ok(
        "insideout-provision",
        &[
            "pack",
            "build",
            p(&sample_dir()),
            "--version",
            "1",
            "--secret-key",
            p(&ck),
            "--out",
            p(&pack),
        ],
        None,
    );
    let init = [
        "kiosk",
        "init",
        "--data-dir",
        p(&data),
        "--site",
        "HMP Example",
        "--wing",
        "C",
        "--trusted-key",
        p(&cp),
    ];
    log.ok("insideout-provision", &init, None);
    let err = log.refused("insideout-provision", &init, None);
    assert!(err.contains("already holds a kiosk; pass --force"), "{err}");

    let add = [
        "kiosk",
        "add-facilitator",
        "--data-dir",
        p(&data),
        "--id",
        "f-100",
    ];
    let err = log.refused("insideout-provision", &add, Some("1234\n"));
    assert!(err.contains("6 to 12 digits"), "{err}");
    let err = log.refused("insideout-provision", &add, Some("111111\n"));
    assert!(err.contains("easy to guess"), "{err}");
    assert!(log
        .ok("insideout-provision", &add, Some("583920\n"))
        .contains("added"));
    assert!(log
        .ok("insideout-provision", &add, Some("683920\n"))
        .contains("PIN was changed"));

    let out = log.ok(
        "insideout-kiosk",
        &["import", p(&pack), "--data-dir", p(&data)],
        None,
    );
    assert_eq!(out.trim(), "Installed programme version 1");
    let err = log.refused(
        "insideout-kiosk",
        &["import", p(&pack), "--data-dir", p(&data)],
        None,
    );
    assert!(
        err.contains("only a newer version can be installed"),
        "{err}"
    );

    let out = log.ok(
        "insideout-kiosk",
        &[
            "simulate",
            "--data-dir",
            p(&data),
            "--sessions",
            "24",
            "--group-size",
            "9",
            "--seed",
            "5",
        ],
        None,
    );
    assert!(out.starts_with("Simulated 24 sessions of 9"), "{out}");

    let out = log.ok(
        "insideout-kiosk",
        &["export", "--data-dir", p(&data), "--to", p(&stick)],
        None,
    );
    assert!(
        out.starts_with("Exported 24 sessions and 216 attendances"),
        "{out}"
    );
    let out = log.ok(
        "insideout-kiosk",
        &["export", "--data-dir", p(&data), "--to", p(&stick)],
        None,
    );
    assert_eq!(out.trim(), "Nothing new to export");
    let err = log.refused(
        "insideout-kiosk",
        &[
            "export",
            "--data-dir",
            p(&data),
            "--to",
            p(&t.join("no-stick")),
        ],
        None,
    );
    assert!(err.contains("no USB stick found"), "{err}");

    let bundle = std::fs::read_dir(&stick)
        .unwrap()
        .map(|e| e.unwrap().path())
        .find(|p| p.is_dir())
        .unwrap();
    let kiosk_pub = data.join("kiosk.pub");
    let out = log.ok(
        "insideout-provision",
        &["export", "verify", p(&bundle), "--kiosk-key", p(&kiosk_pub)],
        None,
    );
    assert!(
        out.starts_with(&format!(
            "OK: {}: export from HMP Example C",
            bundle.display()
        )),
        "{out}"
    );
    // `simulate` records its sessions in the past: the kiosk's time, which
    // never goes back, is not left ahead of the real time.
    let made = &out.split("made ").nth(1).unwrap()[..16];
    let now = chrono::Utc::now().format("%Y-%m-%d %H:%M").to_string();
    assert!(made <= now.as_str(), "made {made}, now {now}");
    let err = log.refused(
        "insideout-provision",
        &["export", "verify", p(&bundle), "--kiosk-key", p(&cp)],
        None,
    );
    assert!(err.contains("not by the kiosk key given"), "{err}");

    // A copy looked at on a Mac or a Windows PC still verifies, and says
    // what it ignored; a FIFO or a link in place of a file is refused at once.
    let copy = t.join("looked-at").join(bundle.file_name().unwrap());
    std::fs::create_dir_all(&copy).unwrap();
    for e in std::fs::read_dir(&bundle).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), copy.join(e.file_name())).unwrap();
    }
    for clutter in [".DS_Store", "._attendance.csv", "Thumbs.db", "desktop.ini"] {
        std::fs::write(copy.join(clutter), b"\0\x05\x16\x07").unwrap();
    }
    let verify_copy = ["export", "verify", p(&copy), "--kiosk-key", p(&kiosk_pub)];
    let out = log.ok("insideout-provision", &verify_copy, None);
    assert!(
        out.lines().nth(1).map(str::trim)
            == Some("ignored (added by a Mac or Windows computer, not part of the export): .DS_Store, ._attendance.csv, Thumbs.db, desktop.ini"),
        "{out}"
    );
    let sig = copy.join("manifest.sig");
    std::fs::remove_file(&sig).unwrap();
    let made = std::process::Command::new("mkfifo")
        .arg(&sig)
        .status()
        .unwrap();
    assert!(made.success());
    let err = log.refused("insideout-provision", &verify_copy, None);
    assert!(
        err.contains("manifest.sig: it is not a plain file"),
        "{err}"
    );
    std::fs::remove_file(&sig).unwrap();
    std::os::unix::fs::symlink("/dev/zero", &sig).unwrap();
    let err = log.refused("insideout-provision", &verify_copy, None);
    assert!(err.contains("manifest.sig: it is a symbolic link"), "{err}");

    // Refusals pinned to the line: each cause once.
    let missing = t.join("missing.iopack");
    let err = log.refused(
        "insideout-provision",
        &["pack", "verify", p(&missing), "--trusted-key", p(&cp)],
        None,
    );
    assert_eq!(
        err,
        format!(
            "insideout-provision: cannot read {}: No such file or directory (os error 2)\n",
            missing.display()
        )
    );
    let err = log.refused(
        "insideout-provision",
        &[
            "pack",
            "verify",
            p(&missing),
            "--trusted-key",
            p(&t.join("none.pub")),
        ],
        None,
    );
    assert_eq!(
        err,
        format!(
            "insideout-provision: cannot read key file {}: No such file or directory (os error 2)\n",
            t.join("none.pub").display()
        )
    );

    let json = log.ok(
        "insideout-provision",
        &[
            "export",
            "report",
            p(&bundle),
            "--kiosk-key",
            p(&kiosk_pub),
            "--json",
            "--exact",
        ],
        None,
    );
    let report: serde_json::Value = serde_json::from_str(&json).unwrap();
    assert_eq!(report["totals"]["sessions"], 24);
    assert_eq!(report["totals"]["attendances"], 216);
    assert_eq!(report["read"].as_array().unwrap().len(), 1);
    assert_eq!(report["disclosure"], "exact");
    // Published, the same figures are rounded to 5.
    let text = log.ok(
        "insideout-provision",
        &["export", "report", p(&bundle), "--kiosk-key", p(&kiosk_pub)],
        None,
    );
    assert!(text.contains("Sessions delivered:   25"), "{text}");
    assert!(text.contains("Attendances:          215"), "{text}");
    // Without the kiosk's key the report is refused, unless asked for
    // unverified, and then it says so first.
    let err = log.refused(
        "insideout-provision",
        &["export", "report", p(&bundle)],
        None,
    );
    assert!(
        err.contains("--kiosk-keys DIR") && err.contains("--unverified"),
        "{err}"
    );
    let text = log.ok(
        "insideout-provision",
        &["export", "report", p(&bundle), "--unverified"],
        None,
    );
    assert!(text.starts_with("NOT VERIFIED"), "{text}");
    // `export report … | head -1`: a reader that stops early ends it quietly.
    let mut child = std::process::Command::new(tests::bin("insideout-provision"))
        .args(["export", "report", p(&bundle), "--unverified"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    drop(child.stdout.take());
    let out = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(!err.contains("panicked"), "{err}");
    assert!(out.status.success(), "{err}");

    // A changed byte in any exported file is refused.
    let csv = bundle.join("attendance.csv");
    let mut bytes = std::fs::read(&csv).unwrap();
    let i = bytes.len() / 2;
    bytes[i] ^= 0x01;
    std::fs::write(&csv, &bytes).unwrap();
    let err = log.refused(
        "insideout-provision",
        &["export", "verify", p(&bundle), "--kiosk-key", p(&kiosk_pub)],
        None,
    );
    assert!(err.contains("attendance.csv does not match"), "{err}");

    // No synthetic prison number is in any file or any output.
    let numbers = synthetic_numbers(5, pool_size(9));
    let mut scanned = files_under(t);
    scanned.push((PathBuf::from("command output"), log.0.clone()));
    assert!(scanned.len() > 10);
    for (path, bytes) in &scanned {
        for n in &numbers {
            for form in [n.clone(), n.to_lowercase()] {
                assert!(
                    !bytes.windows(form.len()).any(|w| w == form.as_bytes()),
                    "{} contains a prison number",
                    path.display()
                );
            }
        }
    }
}
