//! Archives written by tar tools the project did not write (Python's
//! `tarfile`, GNU tar), legitimate and hostile, around a genuinely signed
//! manifest: the legitimate layouts install, and every hostile one is refused
//! by both ways of reading a pack (install, and `pack verify`'s check) with
//! nothing written and a short message.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use content_pack::*;

use crate::util::*;

/// A pack path over 100 bytes, so every writer needs its long-name form.
const LONG: &str = "media/dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd/ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff.svg";

/// A signed pack of ours, unpacked into `src` with the archive order in
/// `src/order`, for another tool to pack again.
fn unpacked(fx: &Fixture) -> PathBuf {
    let media = fx.media(&[
        (LONG, b"<svg>long name</svg>"),
        ("media/bell.ogg", &[7u8; 3000]),
    ]);
    let pack = fx.build_with(&tiny_programme("hostile tools"), 2, None, &media);
    let src = fx.path("src");
    let mut order = String::new();
    let mut archive = tar::Archive::new(fs::File::open(pack).unwrap());
    for entry in archive.entries().unwrap() {
        let mut entry = entry.unwrap();
        let name = entry.path().unwrap().display().to_string();
        let out = src.join(&name);
        fs::create_dir_all(out.parent().unwrap()).unwrap();
        entry.unpack(&out).unwrap();
        order.push_str(&name);
        order.push('\n');
    }
    fs::write(src.join("order"), order).unwrap();
    src
}

fn python(case: &str, src: &Path, out: &Path) {
    let script = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/tools/hostile_tar.py");
    let status = Command::new("python3")
        .arg(script)
        .arg(case)
        .arg(src)
        .arg(out)
        .status()
        .expect("python3 runs");
    assert!(status.success(), "hostile_tar.py {case} failed");
}

fn gnu_tar(format: &str, src: &Path, out: &Path, extra: &[&str]) {
    let order = fs::read_to_string(src.join("order")).unwrap();
    let status = Command::new("tar")
        .args(["--format", format, "--owner=0", "--group=0", "-cf"])
        .arg(out)
        .args(extra)
        .arg("-C")
        .arg(src)
        .args(order.split_whitespace())
        .status()
        .expect("GNU tar runs");
    assert!(status.success(), "tar --format {format} failed");
}

/// Both readers' verdicts on `pack`: installing it, and checking it as
/// `pack verify` does.
fn read_both(fx: &Fixture, pack: &Path) -> [Result<(), PackError>; 2] {
    let verified = || UnverifiedPack::open(pack, &Limits::default())?.verify(&fx.trusted);
    let checked = verified().and_then(|p| p.check_contents(&|_, _| {}).map(|_| ()));
    let installed =
        verified().and_then(|p| fx.store().install(p, t0(), &mut NoObserver).map(|_| ()));
    [checked, installed]
}

fn refused(fx: &Fixture, pack: &Path, what: &str, expect: Expect) {
    fx.store();
    let before = snapshot(&fx.path("content"));
    for result in read_both(fx, pack) {
        let err = result.err().unwrap_or_else(|| panic!("{what}: accepted"));
        assert!(expect(&err), "{what}: {err:?}");
        let message = err.to_string();
        assert!(message.len() < 400, "{what}: a long message: {message}");
        assert!(
            !message.chars().any(char::is_control),
            "{what}: {message:?}"
        );
    }
    assert_eq!(
        snapshot(&fx.path("content")),
        before,
        "{what} changed the store"
    );
}

/// What a case expects of the refusal.
type Expect = fn(&PackError) -> bool;

fn malformed(e: &PackError) -> bool {
    matches!(e, PackError::Malformed(_))
}

#[test]
fn long_names_from_other_writers_install() {
    let fx = Fixture::new();
    let src = unpacked(&fx);
    let mut packs = vec![];
    for case in ["ok-pax", "ok-gnu", "ok-ustar"] {
        let out = fx.path(&format!("{case}.iopack"));
        python(case, &src, &out);
        packs.push(out);
    }
    for format in ["gnu", "posix", "ustar"] {
        let out = fx.path(&format!("gnu-tar-{format}.iopack"));
        gnu_tar(format, &src, &out, &[]);
        packs.push(out);
    }
    let want = fs::read(src.join(LONG)).unwrap();
    for pack in &packs {
        // A fresh store each time: the same version installs once.
        fs::remove_dir_all(fx.path("content")).ok();
        let [checked, installed] = read_both(&fx, pack);
        checked.unwrap_or_else(|e| panic!("{}: {e}", pack.display()));
        installed.unwrap_or_else(|e| panic!("{}: {e}", pack.display()));
        let got = fx.store().installed().unwrap().unwrap().read_checked(LONG);
        assert_eq!(got.unwrap(), want, "{}", pack.display());
    }
}

#[test]
fn hostile_layouts_are_refused_before_anything_is_written() {
    let fx = Fixture::new();
    let src = unpacked(&fx);
    let cases: [(&str, Expect); 10] = [
        ("pax-huge-name", malformed),
        ("gnu-huge-name", malformed),
        ("pax-size-minus-one", malformed),
        ("pax-size-huge", malformed),
        ("second-archive", malformed),
        ("after-one-zero-block", malformed),
        ("folder-with-data", malformed),
        ("padding-bytes", malformed),
        ("global-header", |e| {
            matches!(
                e,
                PackError::ForbiddenEntry {
                    kind: "global PAX header",
                    ..
                }
            )
        }),
        ("fifo", |e| {
            matches!(e, PackError::ForbiddenEntry { kind: "FIFO", .. })
        }),
    ];
    for (case, expect) in cases {
        let out = fx.path(&format!("{case}.iopack"));
        python(case, &src, &out);
        refused(&fx, &out, case, expect);
    }

    // GNU tar's sparse files, in both its formats.
    let hole = src.join("media/bell.ogg");
    let data = fs::read(&hole).unwrap();
    let file = fs::OpenOptions::new().write(true).open(&hole).unwrap();
    file.set_len(0).unwrap();
    file.set_len(1 << 20).unwrap();
    drop(file);
    for format in ["gnu", "posix"] {
        let out = fx.path(&format!("sparse-{format}.iopack"));
        gnu_tar(format, &src, &out, &["--sparse"]);
        refused(&fx, &out, &format!("sparse {format}"), |e| {
            matches!(
                e,
                PackError::ForbiddenEntry {
                    kind: "sparse file",
                    ..
                }
            )
        });
    }
    fs::write(&hole, data).unwrap();

    // After all that, the genuine pack still installs.
    let out = fx.path("genuine.iopack");
    python("ok-gnu", &src, &out);
    for result in read_both(&fx, &out) {
        result.unwrap();
    }
}

/// A name of 1 GiB in front of the manifest: refused from its header, with
/// the file's bytes never read (the file is sparse, so this costs no disk).
#[test]
fn a_gigabyte_name_is_refused_from_its_header() {
    let fx = Fixture::new();
    for flag in [b'x', b'L'] {
        let out = fx.path("huge.iopack");
        let mut header = tar::Header::new_gnu();
        header.as_old_mut().name[..13].copy_from_slice(b"././@LongLink");
        header.set_size(1 << 30);
        header.set_mode(0o644);
        header.set_entry_type(tar::EntryType::new(flag));
        header.set_cksum();
        let file = fs::File::create(&out).unwrap();
        use std::io::Write;
        (&file).write_all(header.as_bytes()).unwrap();
        file.set_len(512 + (1 << 30) + 1024).unwrap();
        let err = UnverifiedPack::open(&out, &Limits::default())
            .err()
            .unwrap();
        assert!(malformed(&err), "{err:?}");
        assert!(err.to_string().contains("1073741824 bytes"), "{err}");
    }
}

/// A manifest signed by the stock `minisign` tool (its own untrusted and
/// trusted comments), packed by Python's tarfile, installs; one naming
/// another signer than the key that signed it is refused.
#[test]
fn a_pack_signed_with_the_minisign_tool_installs() {
    let fx = Fixture::new();
    let (public, secret) = (fx.path("minisign.pub"), fx.path("minisign.key"));
    let status = Command::new("minisign")
        .args(["-G", "-W", "-p"])
        .arg(&public)
        .arg("-s")
        .arg(&secret)
        .stdout(std::process::Stdio::null())
        .status()
        .expect("the minisign tool runs (.ci/setup installs it)");
    assert!(status.success());
    let key = TrustedKey::from_file(&public).unwrap();
    let trusted = TrustedKeys::new(vec![key.clone()]);

    let programme = serde_json::to_vec(&tiny_programme("signed by minisign")).unwrap();
    // The tiny programme's pictures.
    let picture = b"<svg>four points</svg>";
    let sha = |d: &[u8]| hex::encode(<sha2::Sha256 as sha2::Digest>::digest(d));
    let pack_with_signer = |signer: String, name: &str| {
        let src = fx.path(name);
        fs::create_dir_all(&src).unwrap();
        let manifest = serde_json::json!({
            "format": 1, "pack_id": "minisign-pack", "compatible": PRODUCT, "version": 2,
            "created": t0().to_rfc3339(),
            "approval": {"approved_by": "x", "reference": "y"},
            "signer_key_id": signer,
            "files": [
                {"path": "programme.json", "size": programme.len(), "sha256": sha(&programme)},
                {"path": "media/points.svg", "size": picture.len(), "sha256": sha(picture)},
            ],
        });
        fs::write(
            src.join("manifest.json"),
            serde_json::to_vec(&manifest).unwrap(),
        )
        .unwrap();
        fs::write(src.join("programme.json"), &programme).unwrap();
        fs::create_dir_all(src.join("media")).unwrap();
        fs::write(src.join("media/points.svg"), picture).unwrap();
        let status = Command::new("minisign")
            .args(["-S", "-s"])
            .arg(&secret)
            .arg("-m")
            .arg(src.join("manifest.json"))
            .arg("-x")
            .arg(src.join("manifest.sig"))
            .stdin(std::process::Stdio::null())
            .stdout(std::process::Stdio::null())
            .status()
            .unwrap();
        assert!(status.success());
        fs::write(
            src.join("order"),
            "manifest.json\nmanifest.sig\nprogramme.json\nmedia/points.svg\n",
        )
        .unwrap();
        let out = fx.path(&format!("{name}.iopack"));
        python("ok-gnu", &src, &out);
        out
    };
    let open = |pack: &Path| UnverifiedPack::open(pack, &Limits::default())?.verify(&trusted);

    let good = pack_with_signer(key.key_id().to_string(), "by-minisign");
    let sig = fs::read_to_string(fx.path("by-minisign/manifest.sig")).unwrap();
    assert!(sig.contains("trusted comment: timestamp:"), "{sig}");
    let verified = open(&good).unwrap();
    fx.store().install(verified, t0(), &mut NoObserver).unwrap();

    let other = fx.key.key_id().to_string();
    let err = open(&pack_with_signer(other, "names-another"))
        .err()
        .unwrap();
    assert!(matches!(err, PackError::SignerMismatch { .. }), "{err:?}");
}

/// The content team may already keep a key made by the stock `minisign`
/// tool: unencrypted (`-G -W`, which writes no checksum) or with a
/// password. Either signs a pack the tool itself verifies; a damaged copy
/// is refused as damaged, not taken for a password-protected key.
#[test]
fn a_secret_key_made_by_the_minisign_tool_signs_and_a_damaged_one_is_refused() {
    let fx = Fixture::new();
    let make = |name: &str, password: Option<&str>| {
        let (public, secret) = (
            fx.path(&format!("{name}.pub")),
            fx.path(&format!("{name}.key")),
        );
        let mut cmd = Command::new("minisign");
        cmd.arg("-G").args(password.is_none().then_some("-W"));
        cmd.arg("-p").arg(&public).arg("-s").arg(&secret);
        let mut child = cmd
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .expect("the minisign tool runs (.ci/setup installs it)");
        if let Some(password) = password {
            use std::io::Write;
            let mut stdin = child.stdin.take().unwrap();
            write!(stdin, "{password}\n{password}\n").unwrap();
        }
        assert!(child.wait().unwrap().success());
        (public, secret)
    };
    let signs = |public: &Path, key: &SigningKey| {
        assert_eq!(
            key.key_id(),
            TrustedKey::from_file(public).unwrap().key_id()
        );
        let data = fx.path("data.txt");
        fs::write(&data, "a manifest").unwrap();
        fs::write(
            fx.path("data.txt.minisig"),
            key.sign(b"a manifest", "c").unwrap(),
        )
        .unwrap();
        let verified = Command::new("minisign")
            .arg("-V")
            .arg("-p")
            .arg(public)
            .arg("-m")
            .arg(&data)
            .stdout(std::process::Stdio::null())
            .status()
            .unwrap();
        assert!(verified.success(), "minisign -V accepts our signature");
    };

    let (public, secret) = make("plain", None);
    let key = SigningKey::from_file(&secret, None).expect("minisign -G -W's key reads");
    signs(&public, &key);

    let (public, secret) = make("locked", Some("a long pass phrase"));
    assert!(matches!(
        SigningKey::from_file(&secret, None),
        Err(KeyError::PasswordNeeded)
    ));
    assert!(matches!(
        SigningKey::from_file(&secret, Some("wrong")),
        Err(KeyError::WrongPassword)
    ));
    signs(
        &public,
        &SigningKey::from_file(&secret, Some("a long pass phrase")).unwrap(),
    );

    // One letter of the secret half changed: in the tool's key (no
    // checksum) and in ours (with one).
    let ours = generate_keys(KeyProtection::Unencrypted)
        .unwrap()
        .secret_key;
    let tools = fs::read_to_string(fx.path("plain.key")).unwrap();
    for (text, problem) in [
        (tools, "its two halves do not match"),
        (ours, "its checksum does not match"),
    ] {
        let mut lines: Vec<String> = text.lines().map(str::to_owned).collect();
        let mut chars: Vec<char> = lines[1].chars().collect();
        chars[100] = if chars[100] == 'A' { 'B' } else { 'A' };
        lines[1] = chars.into_iter().collect();
        let err = SigningKey::from_text(&lines.join("\n"), None)
            .err()
            .unwrap();
        assert!(
            matches!(err, KeyError::DamagedSecretKey(p) if p == problem),
            "{err:?}"
        );
        assert!(
            err.to_string().contains("this secret key is damaged"),
            "{err}"
        );
    }
}
