//! The command-line contract of `insideout-provision`: exit codes and one
//! clear line on stderr. (End-to-end flows are in the workspace's `tests`.)

use std::process::Command;

fn provision(args: &[&str]) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_insideout-provision"))
        .args(args)
        .env_remove("INSIDEOUT_KEY_PASSWORD")
        .output()
        .unwrap()
}

#[test]
fn keygen_writes_a_pair_and_never_overwrites() {
    let dir = tempfile::tempdir().unwrap();
    let sk = dir.path().join("k.key");
    let pk = dir.path().join("k.pub");
    let args = [
        "keygen",
        "--secret-key",
        sk.to_str().unwrap(),
        "--public-key",
        pk.to_str().unwrap(),
        "--unencrypted",
    ];
    let out = provision(&args);
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let public = std::fs::read_to_string(&pk).unwrap();
    assert!(public.starts_with("untrusted comment: "));
    let before = std::fs::read(&sk).unwrap();
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        std::fs::metadata(&sk).unwrap().permissions().mode() & 0o777,
        0o600
    );

    let again = provision(&args);
    assert_eq!(again.status.code(), Some(1));
    let err = String::from_utf8_lossy(&again.stderr);
    assert!(err.contains("already exists"), "{err}");
    assert_eq!(err.trim().lines().count(), 1, "one line: {err}");
    assert_eq!(
        std::fs::read(&sk).unwrap(),
        before,
        "the old key is untouched"
    );
}

#[test]
fn a_protected_key_without_a_terminal_or_password_is_a_clear_error() {
    let dir = tempfile::tempdir().unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_insideout-provision"))
        .args(["keygen", "--secret-key"])
        .arg(dir.path().join("k.key"))
        .arg("--public-key")
        .arg(dir.path().join("k.pub"))
        .env_remove("INSIDEOUT_KEY_PASSWORD")
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("INSIDEOUT_KEY_PASSWORD"), "{err}");
    assert!(!dir.path().join("k.key").exists());
}

#[test]
fn verifying_without_a_trusted_key_says_what_to_give() {
    let out = provision(&["pack", "verify", "x.iopack"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--trusted-key"));
}

#[test]
fn a_missing_pack_names_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let pk = dir.path().join("k.pub");
    std::fs::write(
        &pk,
        content_pack::generate_keys(content_pack::KeyProtection::Unencrypted)
            .unwrap()
            .public_key,
    )
    .unwrap();
    let out = provision(&[
        "pack",
        "verify",
        "/nonexistent/p.iopack",
        "--trusted-key",
        pk.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("/nonexistent/p.iopack"));
}
