//! Wing IT staff's everyday jobs on a kiosk that has been in use, through
//! the real binaries: trusting a new content key and retiring the old one,
//! listing and removing facilitators. None of them loses attendance waiting
//! to export, the kiosk's own key, its settings or the installed programme.

use std::path::Path;

use tests::{ok, p, refused, sample_dir};

/// `kiosk init` of HMP Example B wing in `data`, trusting `key`.
fn init(data: &str, key: &str) {
    let args = [
        "kiosk",
        "init",
        "--data-dir",
        data,
        "--site",
        "HMP Example",
        "--wing",
        "B",
        "--trusted-key",
        key,
    ];
    ok("insideout-provision", &args, None);
}

fn keygen(t: &Path, name: &str) -> String {
    tests::content_key(t, name).1.display().to_string()
}

fn pack(t: &Path, key: &str, version: u64) -> String {
    let out = t.join(format!("v{version}-{key}.iopack"));
    tests::build_sample(&t.join(format!("{key}.key")), version, &out);
    out.display().to_string()
}

#[test]
fn trusting_a_new_key_and_removing_facilitators_keeps_everything_else() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let data = t.join("data");
    let d = p(&data);
    let old = keygen(t, "old");
    let new = keygen(t, "new");
    init(d, &old);
    let add = ["kiosk", "add-facilitator", "--data-dir", d, "--id", "f-100"];
    ok("insideout-provision", &add, Some("583920\n"));
    ok(
        "insideout-kiosk",
        &["import", &pack(t, "old", 1), "--data-dir", d],
        None,
    );
    ok(
        "insideout-kiosk",
        &[
            "simulate",
            "--data-dir",
            d,
            "--sessions",
            "2",
            "--group-size",
            "5",
        ],
        None,
    );
    // A setting and a note added by hand to kiosk.toml.
    let config = data.join("kiosk.toml");
    let mut text = std::fs::read_to_string(&config).unwrap();
    text.push_str("# wing PC 3, by the window\nscramble_pin_pad = true\n");
    std::fs::write(&config, &text).unwrap();
    let kiosk_pub = std::fs::read(data.join("kiosk.pub")).unwrap();
    let id = |pub_file: &str| {
        content_pack::TrustedKey::from_file(Path::new(pub_file))
            .unwrap()
            .key_id()
            .to_string()
    };

    let list = ["kiosk", "trust", "list", "--data-dir", d];
    assert_eq!(ok("insideout-provision", &list, None).trim(), id(&old));
    let added = ok(
        "insideout-provision",
        &["kiosk", "trust", "add", "--data-dir", d, "--key", &new],
        None,
    );
    assert!(
        added.contains(&format!("Key {} is trusted now", id(&new))),
        "{added}"
    );
    let err = refused(
        "insideout-provision",
        &["kiosk", "trust", "add", "--data-dir", d, "--key", &new],
    );
    assert!(err.contains("already trusted"), "{err}");
    assert_eq!(
        ok("insideout-provision", &list, None).trim(),
        format!("{}\n{}", id(&old), id(&new))
    );
    ok(
        "insideout-kiosk",
        &["import", &pack(t, "new", 2), "--data-dir", d],
        None,
    );
    ok(
        "insideout-provision",
        &[
            "kiosk",
            "trust",
            "remove",
            "--data-dir",
            d,
            "--key-id",
            &id(&old),
        ],
        None,
    );
    let err = refused(
        "insideout-provision",
        &[
            "kiosk",
            "trust",
            "remove",
            "--data-dir",
            d,
            "--key-id",
            &id(&new),
        ],
    );
    assert!(err.contains("the only trusted key"), "{err}");
    // A pack signed by the retired key is refused now.
    let err = refused(
        "insideout-kiosk",
        &["import", &pack(t, "old", 3), "--data-dir", d],
    );
    assert!(err.contains("not a trusted key"), "{err}");

    // Nothing else changed: the hand-made lines, the kiosk's key, the
    // programme, and the attendance waiting to export.
    let after = std::fs::read_to_string(&config).unwrap();
    assert!(
        after.contains("# wing PC 3, by the window\nscramble_pin_pad = true"),
        "{after}"
    );
    assert_eq!(std::fs::read(data.join("kiosk.pub")).unwrap(), kiosk_pub);
    let stick = t.join("stick");
    std::fs::create_dir(&stick).unwrap();
    let out = ok(
        "insideout-kiosk",
        &["export", "--data-dir", d, "--to", p(&stick)],
        None,
    );
    assert!(
        out.starts_with("Exported 2 sessions and 10 attendances"),
        "{out}"
    );

    // Facilitators: listed without PINs, removed, and the PIN stops working.
    let listed = ok(
        "insideout-provision",
        &["kiosk", "facilitators", "--data-dir", d],
        None,
    );
    let line = listed.lines().nth(1).unwrap();
    assert!(
        line.starts_with("f-100 ") && line.ends_with(" open"),
        "{listed}"
    );
    assert!(
        !listed.contains("583920") && !listed.contains("argon2"),
        "{listed}"
    );
    let remove = [
        "kiosk",
        "remove-facilitator",
        "--data-dir",
        d,
        "--id",
        "f-100",
    ];
    ok("insideout-provision", &remove, None);
    let err = refused("insideout-provision", &remove);
    assert!(err.contains("there is no facilitator `f-100`"), "{err}");
    let listed = ok(
        "insideout-provision",
        &["kiosk", "facilitators", "--data-dir", d],
        None,
    );
    assert!(listed.starts_with("No facilitators yet"), "{listed}");

    // Every change is in the audit log.
    let clock = std::sync::Arc::new(kiosk_core::SystemClock);
    let k = kiosk_core::Kiosk::open(&data, clock).unwrap();
    let events: Vec<String> = k
        .audit_lines(100)
        .unwrap()
        .into_iter()
        .map(|l| l.event)
        .collect();
    for e in ["trust-added", "trust-removed", "facilitator-removed"] {
        assert!(events.iter().any(|x| x == e), "{e} in {events:?}");
    }
}

/// The attendance rows of every bundle in `stick`, sorted.
fn exported_rows(stick: &Path) -> Vec<String> {
    let mut rows = vec![];
    for b in std::fs::read_dir(stick).unwrap() {
        let csv = std::fs::read_to_string(b.unwrap().path().join("attendance.csv")).unwrap();
        rows.extend(csv.lines().skip(1).map(str::to_owned));
    }
    rows.sort();
    rows
}

#[test]
fn a_kiosk_restored_from_its_backup_on_new_hardware_loses_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let data = t.join("data");
    let d = p(&data);
    let content = keygen(t, "content");
    init(d, &content);
    let pack = pack(t, "content", 1);
    ok("insideout-kiosk", &["import", &pack, "--data-dir", d], None);
    let simulate = |dir: &str, seed: &str| {
        ok(
            "insideout-kiosk",
            &[
                "simulate",
                "--data-dir",
                dir,
                "--sessions",
                "3",
                "--group-size",
                "6",
                "--seed",
                seed,
            ],
            None,
        )
    };
    simulate(d, "4");

    // The staff key pair, made by the age tool itself.
    let (staff_key, staff_pub) = (t.join("staff.key"), t.join("staff.pub"));
    let made = std::process::Command::new("age-keygen")
        .arg("-o")
        .arg(&staff_key)
        .output()
        .expect("age-keygen runs (.ci/setup installs Debian's age)");
    assert!(made.status.success());
    let public = std::process::Command::new("age-keygen")
        .arg("-y")
        .arg(&staff_key)
        .output()
        .unwrap();
    std::fs::write(&staff_pub, &public.stdout).unwrap();

    let backup = t.join("kiosk-b.age");
    let out = ok(
        "insideout-provision",
        &[
            "kiosk",
            "backup",
            "--data-dir",
            d,
            "--to-recipient",
            p(&staff_pub),
            "--out",
            p(&backup),
        ],
        None,
    );
    assert!(
        out.starts_with("Backed up the kiosk of HMP Example B"),
        "{out}"
    );
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&backup).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o600);
    // The age tool opens it, and it holds exactly the kiosk's files.
    let listed = std::process::Command::new("sh")
        .arg("-c")
        .arg(format!(
            "age -d -i '{}' '{}' | tar -t",
            staff_key.display(),
            backup.display()
        ))
        .output()
        .unwrap();
    assert!(
        listed.status.success(),
        "{}",
        String::from_utf8_lossy(&listed.stderr)
    );
    assert_eq!(
        String::from_utf8(listed.stdout).unwrap(),
        "backup.json\nkiosk.toml\nkiosk.key\nkiosk.pub\nsecret\nkiosk.db\n"
    );
    let err = refused(
        "insideout-provision",
        &[
            "kiosk",
            "backup",
            "--data-dir",
            d,
            "--to-recipient",
            &content,
            "--out",
            p(&t.join("x.age")),
        ],
    );
    assert!(err.contains("is not an age public key"), "{err}");

    // New hardware: restore, import the programme again.
    let new = t.join("new-pc");
    let n = p(&new);
    let restore = [
        "kiosk",
        "restore",
        "--from",
        p(&backup),
        "--identity",
        p(&staff_key),
        "--data-dir",
        n,
    ];
    let out = ok("insideout-provision", &restore, None);
    assert!(out.contains("import the programme"), "{out}");
    let err = refused("insideout-provision", &restore);
    assert!(err.contains("already holds a kiosk"), "{err}");
    ok("insideout-kiosk", &["import", &pack, "--data-dir", n], None);
    assert_eq!(
        std::fs::read(new.join("kiosk.pub")).unwrap(),
        std::fs::read(data.join("kiosk.pub")).unwrap()
    );

    // The attendance waiting on the old kiosk is waiting on the new one, and
    // the same people get the same pseudonyms in new sessions there.
    simulate(d, "9");
    simulate(n, "9");
    let (old_stick, new_stick) = (t.join("old-stick"), t.join("new-stick"));
    for (dir, stick) in [(d, &old_stick), (n, &new_stick)] {
        std::fs::create_dir(stick).unwrap();
        let out = ok(
            "insideout-kiosk",
            &["export", "--data-dir", dir, "--to", p(stick)],
            None,
        );
        assert!(
            out.starts_with("Exported 6 sessions and 36 attendances"),
            "{out}"
        );
    }
    let pseudonyms = |rows: &[String]| -> std::collections::BTreeSet<String> {
        rows.iter()
            .map(|r| r.split(',').nth(5).unwrap().to_owned())
            .collect()
    };
    let (old_rows, new_rows) = (exported_rows(&old_stick), exported_rows(&new_stick));
    assert_eq!(pseudonyms(&old_rows), pseudonyms(&new_rows));
    // The three sessions from before the backup are the same rows exactly.
    let before: Vec<&String> = old_rows.iter().filter(|r| new_rows.contains(r)).collect();
    assert!(before.len() >= 18, "{} rows in common", before.len());
}

#[test]
fn the_demo_without_a_display_says_so_in_one_line() {
    let out = std::process::Command::new(tests::bin("insideout-kiosk"))
        .arg("--demo")
        .env_remove("DISPLAY")
        .env_remove("WAYLAND_DISPLAY")
        .env_remove("WAYLAND_SOCKET")
        .env_remove("SLINT_BACKEND")
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8(out.stderr).unwrap();
    assert_eq!(err.lines().count(), 1, "{err}");
    assert!(err.starts_with("insideout-kiosk: no display:"), "{err}");
    assert!(!err.contains("winit"), "{err}");
}

/// The content team rotates its key through the real binaries: the old key
/// signs the hand-over, the next pack carries it, `pack verify` against the
/// old key says so, and a kiosk that trusted the old key moves by importing
/// the pack; after that, packs signed by the old key are refused and the old
/// key cannot be trusted again.
#[test]
fn rotating_the_content_key_reaches_the_kiosk_on_the_usb_stick() {
    let tmp = tempfile::tempdir().unwrap();
    let t = tmp.path();
    let data = t.join("data");
    let d = p(&data);
    let old = keygen(t, "old");
    let new = keygen(t, "new");
    init(d, &old);
    ok(
        "insideout-kiosk",
        &["import", &pack(t, "old", 1), "--data-dir", d],
        None,
    );
    let statement = t.join("old-to-new.rotation");
    let said = ok(
        "insideout-provision",
        &[
            "rotate-key",
            "--secret-key",
            p(&t.join("old.key")),
            "--new-public-key",
            &new,
            "--out",
            p(&statement),
        ],
        None,
    );
    assert!(said.contains("--rotation"), "{said}");
    let v2 = t.join("v2-new.iopack");
    let sample = sample_dir();
    let build = |key: &str, out: &Path| {
        let key = t.join(format!("{key}.key"));
        let args = [
            "pack",
            "build",
            p(&sample),
            "--version",
            "2",
            "--secret-key",
            p(&key),
            "--rotation",
            p(&statement),
            "--out",
            p(out),
        ];
        tests::run("insideout-provision", &args, None, None)
    };
    assert!(build("new", &v2).status.success());
    let verified = ok(
        "insideout-provision",
        &["pack", "verify", p(&v2), "--trusted-key", &old],
        None,
    );
    assert!(verified.contains("key rotation: key "), "{verified}");
    // A chain that does not end at the signing key is refused at build.
    let wrong = build("old", &t.join("wrong.iopack"));
    let err = String::from_utf8_lossy(&wrong.stderr);
    assert!(
        !wrong.status.success() && err.contains("ending with the key that signs the pack"),
        "{err}"
    );

    ok(
        "insideout-kiosk",
        &["import", p(&v2), "--data-dir", d],
        None,
    );
    let id = |pub_file: &str| {
        content_pack::TrustedKey::from_file(Path::new(pub_file))
            .unwrap()
            .key_id()
            .to_string()
    };
    let listed = ok(
        "insideout-provision",
        &["kiosk", "trust", "list", "--data-dir", d],
        None,
    );
    assert_eq!(
        listed.lines().collect::<Vec<_>>(),
        [
            id(&new),
            format!(
                "{} (retired by a key rotation: never accepted again)",
                id(&old)
            )
        ],
    );
    let err = refused(
        "insideout-kiosk",
        &["import", &pack(t, "old", 3), "--data-dir", d],
    );
    assert!(err.contains("retired"), "{err}");
    let err = refused(
        "insideout-provision",
        &["kiosk", "trust", "add", "--data-dir", d, "--key", &old],
    );
    assert!(err.contains("cannot be trusted again"), "{err}");
}
