//! # tests
//!
//! End-to-end tests across the workspace live in `tests/tests/`. This small
//! library holds what they share: finding the workspace's built binaries.
//! `cargo test --workspace` builds `insideout-kiosk` and
//! `insideout-provision` before any test runs, because their own packages
//! have integration tests.

#![deny(missing_docs)]

use std::path::PathBuf;

/// The path of a workspace binary built for this test run (`target/debug/NAME`,
/// or under `CARGO_TARGET_DIR`). Panics, failing the test, if it is missing:
/// an end-to-end test must never pass without running the real program.
pub fn bin(name: &str) -> PathBuf {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../target"));
    // Tests run from target/<profile>/deps; prefer the profile they run in.
    let profile_dir = std::env::current_exe()
        .ok()
        .and_then(|exe| exe.parent()?.parent().map(PathBuf::from))
        .unwrap_or_else(|| target.join("debug"));
    let path = profile_dir.join(name);
    assert!(
        path.is_file(),
        "{} is not built; run the tests with `cargo test --workspace`",
        path.display()
    );
    path
}

/// The sample programme's source folder.
pub fn sample_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../content-pack/sample")
}

/// A path as a command-line argument (test paths are always UTF-8).
pub fn p(path: &std::path::Path) -> &str {
    path.to_str().expect("test paths are UTF-8")
}

/// Runs a workspace binary with `args`, feeding `stdin` (closed when `None`),
/// with `INSIDEOUT_KEY_PASSWORD` set to `password` when given.
pub fn run(
    name: &str,
    args: &[&str],
    stdin: Option<&str>,
    password: Option<&str>,
) -> std::process::Output {
    use std::io::Write;
    use std::process::{Command, Stdio};
    let mut command = Command::new(bin(name));
    command
        .args(args)
        .env_remove("INSIDEOUT_KEY_PASSWORD")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    if let Some(password) = password {
        command.env("INSIDEOUT_KEY_PASSWORD", password);
    }
    let mut child = command.spawn().expect("the binary starts");
    let mut input = child.stdin.take().expect("stdin is piped");
    if let Some(text) = stdin {
        input.write_all(text.as_bytes()).expect("stdin is written");
    }
    drop(input);
    child.wait_with_output().expect("the binary finishes")
}

/// Runs a workspace binary that must succeed; its stdout.
pub fn ok(name: &str, args: &[&str], stdin: Option<&str>) -> String {
    let out = run(name, args, stdin, None);
    assert!(
        out.status.success(),
        "{name} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).expect("output is UTF-8")
}

/// Runs a workspace binary that must refuse (exit 1) with one line on
/// stderr; that line.
pub fn refused(name: &str, args: &[&str]) -> String {
    let out = run(name, args, None, None);
    assert_eq!(out.status.code(), Some(1), "{name} {args:?} should fail");
    let err = String::from_utf8(out.stderr).expect("output is UTF-8");
    assert_eq!(err.trim_end().lines().count(), 1, "one line: {err}");
    err
}

/// Debian's headless Chromium, with its profile in `profile` and nothing
/// fetched in the background, for rendering and printing the HTML we write.
/// Panics, failing the test, if it is not installed.
pub fn chromium(profile: &std::path::Path) -> std::process::Command {
    let bin = std::path::Path::new("/usr/bin/chromium");
    assert!(
        bin.exists(),
        "/usr/bin/chromium is missing: run `bash .ci/setup` (it installs chromium)"
    );
    let mut c = std::process::Command::new("timeout");
    c.arg("120").arg(bin).args([
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--hide-scrollbars",
    ]);
    c.arg(format!("--user-data-dir={}", profile.display()));
    c
}

/// A content-team key pair made by `insideout-provision keygen` with an
/// unencrypted secret key: `NAME.key` and `NAME.pub` in `dir`.
pub fn content_key(dir: &std::path::Path, name: &str) -> (PathBuf, PathBuf) {
    let (sk, pk) = (
        dir.join(format!("{name}.key")),
        dir.join(format!("{name}.pub")),
    );
    ok(
        "insideout-provision",
        &[
            "keygen",
            "--secret-key",
            p(&sk),
            "--public-key",
            p(&pk),
            "--unencrypted",
        ],
        None,
    );
    (sk, pk)
}

/// `insideout-provision pack build` of the sample programme as `version`,
/// signed with `secret`, to `out`; what it printed.
pub fn build_sample(secret: &std::path::Path, version: u64, out: &std::path::Path) -> String {
    ok(
        "insideout-provision",
        &[
            "pack",
            "build",
            p(&sample_dir()),
            "--version",
            &version.to_string(),
            "--secret-key",
            p(secret),
            "--out",
            p(out),
        ],
        None,
    )
}
