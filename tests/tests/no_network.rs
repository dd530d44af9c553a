//! The air gap, checked from outside the code (issue 6).
//!
//! DESIGN.md: "No network code at all: the binaries never open a socket." Every
//! headless command of the command-line contract runs here, in order, the way
//! staff would chain them (keys → pack → kiosk → import → sessions → export →
//! verify), each one inside a fresh network namespace (`unshare --net`, which
//! has no usable interface) and under `strace -f -e trace=network`. Each must
//! succeed, and the trace must show no socket call of any kind — not AF_INET,
//! not AF_INET6, not even AF_UNIX (the headless commands need no notify socket
//! and no display).
//!
//! The binaries are the ones `cargo test --workspace` builds (`tests::bin`), or
//! those in `INSIDEOUT_BIN_DIR` (e.g. a scratch root's `usr/bin`, to check the
//! packaged ones). A missing binary, a missing `strace` or a network namespace
//! that cannot be made fails the test; nothing is skipped.

use std::fs;
use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};
use std::sync::OnceLock;

const KIOSK: &str = "insideout-kiosk";
const PROVISION: &str = "insideout-provision";

/// A workspace binary: the one built for this test run (`tests::bin`), or the
/// one in `INSIDEOUT_BIN_DIR` (e.g. a scratch root's `usr/bin`, to check what
/// the .debs install).
fn binary(name: &str) -> PathBuf {
    let Some(dir) = std::env::var_os("INSIDEOUT_BIN_DIR") else {
        return tests::bin(name);
    };
    let path = PathBuf::from(dir).join(name);
    assert!(
        path.is_file(),
        "{} is missing (INSIDEOUT_BIN_DIR)",
        path.display()
    );
    path
}

/// How commands are put in a network namespace here (probed once).
fn unshare_args() -> &'static [&'static str] {
    static ARGS: OnceLock<&'static [&'static str]> = OnceLock::new();
    ARGS.get_or_init(probe_unshare)
}

fn probe_unshare() -> &'static [&'static str] {
    const CHOICES: [&[&str]; 2] = [&["--net"], &["--map-root-user", "--net"]];
    for args in CHOICES {
        let ok = Command::new("unshare")
            .args(args)
            .arg("true")
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .status()
            .is_ok_and(|s| s.success());
        if ok {
            return args;
        }
    }
    panic!(
        "cannot make a network namespace (`unshare --net` and `unshare --map-root-user --net` \
         both failed): run as root, or allow unprivileged user namespaces"
    );
}

/// One command run in its own network namespace under strace.
struct Traced {
    output: Output,
    /// strace's log: one line per network system call, plus exit lines.
    trace: String,
}

fn run_traced(work: &Path, program: &Path, args: &[&str], stdin: Option<&str>) -> Traced {
    let log = work.join("strace.log");
    let _ = fs::remove_file(&log);
    let mut command = Command::new("unshare");
    command
        .args(unshare_args())
        .arg("--")
        .arg("strace")
        .args(["-f", "-e", "trace=network", "-o"])
        .arg(&log)
        .arg("--")
        .arg(program)
        .args(args)
        .current_dir(work)
        .stdin(if stdin.is_some() {
            Stdio::piped()
        } else {
            Stdio::null()
        })
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut child = command
        .spawn()
        .expect("cannot run `unshare … strace …`: install strace and util-linux");
    if let Some(text) = stdin {
        child
            .stdin
            .take()
            .expect("piped stdin")
            .write_all(text.as_bytes())
            .expect("write stdin");
    }
    let output = child
        .wait_with_output()
        .expect("wait for the traced command");
    let trace = fs::read_to_string(&log).unwrap_or_else(|e| {
        panic!(
            "strace wrote no log ({e}); its stderr: {}",
            String::from_utf8_lossy(&output.stderr)
        )
    });
    assert!(
        trace.contains("+++ exited with"),
        "strace did not trace the process to its exit; log:\n{trace}\nstderr:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    Traced { output, trace }
}

/// The system calls in a `strace -e trace=network` log (every line that is
/// not an exit or signal notice).
fn network_calls(trace: &str) -> Vec<&str> {
    trace
        .lines()
        .filter(|line| {
            // With -f, strace starts each line with the process id.
            let rest = match line.split_once(' ') {
                Some((pid, rest)) if pid.bytes().all(|b| b.is_ascii_digit()) => rest,
                _ => line,
            }
            .trim_start();
            !rest.is_empty() && !rest.starts_with("+++") && !rest.starts_with("---")
        })
        .collect()
}

/// Runs one step of the chain and asserts it succeeded without a socket.
fn step(work: &Path, program: &Path, args: &[&str], stdin: Option<&str>) -> String {
    let shown = format!(
        "{} {}",
        program.file_name().unwrap().to_string_lossy(),
        args.join(" ")
    );
    let traced = run_traced(work, program, args, stdin);
    assert!(
        traced.output.status.success(),
        "`{shown}` failed ({}) in a network namespace under strace:\nstdout: {}\nstderr: {}",
        traced.output.status,
        String::from_utf8_lossy(&traced.output.stdout),
        String::from_utf8_lossy(&traced.output.stderr)
    );
    let calls = network_calls(&traced.trace);
    assert!(
        calls.is_empty(),
        "`{shown}` made network system calls; the binaries must never open a socket:\n{}",
        calls.join("\n")
    );
    String::from_utf8_lossy(&traced.output.stdout).into_owned()
}

#[test]
fn every_headless_command_runs_without_a_network_and_never_opens_a_socket() {
    let provision = binary(PROVISION);
    let kiosk = binary(KIOSK);
    let tmp = tempfile::tempdir().unwrap();
    let work = tmp.path();
    let sample = tests::sample_dir();
    let sample = sample.to_str().unwrap();
    fs::create_dir(work.join("usb")).unwrap();

    // The signing machine.
    step(
        work,
        &provision,
        &[
            "keygen",
            "--secret-key",
            "team.key",
            "--public-key",
            "team.pub",
            "--unencrypted",
        ],
        None,
    );
    step(
        work,
        &provision,
        &[
            "pack",
            "build",
            sample,
            "--version",
            "1",
            "--secret-key",
            "team.key",
            "--out",
            "programme.iopack",
        ],
        None,
    );
    step(
        work,
        &provision,
        &[
            "pack",
            "verify",
            "programme.iopack",
            "--trusted-key",
            "team.pub",
        ],
        None,
    );
    step(
        work,
        &provision,
        &["pack", "inspect", "programme.iopack", "--json"],
        None,
    );

    // Provisioning the wing PC.
    step(
        work,
        &provision,
        &[
            "kiosk",
            "init",
            "--data-dir",
            "data",
            "--site",
            "HMP Example",
            "--wing",
            "B",
            "--trusted-key",
            "team.pub",
        ],
        None,
    );
    step(
        work,
        &provision,
        &[
            "kiosk",
            "add-facilitator",
            "--data-dir",
            "data",
            "--id",
            "f1",
        ],
        Some("482615\n"),
    );

    // The kiosk, headless: the same flows as its import and export screens.
    step(
        work,
        &kiosk,
        &["import", "programme.iopack", "--data-dir", "data"],
        None,
    );
    // Sessions to export (the UI's session runner, driven headless).
    step(
        work,
        &kiosk,
        &[
            "simulate",
            "--data-dir",
            "data",
            "--sessions",
            "2",
            "--group-size",
            "3",
        ],
        None,
    );
    step(
        work,
        &kiosk,
        &["export", "--data-dir", "data", "--to", "usb"],
        None,
    );

    // The data office.
    let bundles: Vec<_> = fs::read_dir(work.join("usb"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    assert_eq!(
        bundles.len(),
        1,
        "export should write one bundle folder, found {bundles:?}"
    );
    let bundle = bundles[0].to_str().unwrap();
    step(
        work,
        &provision,
        &["export", "verify", bundle, "--kiosk-key", "data/kiosk.pub"],
        None,
    );
    step(
        work,
        &provision,
        &[
            "export",
            "report",
            bundle,
            "--kiosk-key",
            "data/kiosk.pub",
            "--json",
        ],
        None,
    );
}

/// The check above would pass vacuously if strace logged nothing: make sure it
/// sees a program that does open a socket, under the same wrapper.
#[test]
fn the_trace_catches_a_program_that_opens_a_socket() {
    let tmp = tempfile::tempdir().unwrap();
    // bash's /dev/tcp opens an AF_INET socket and connects (and fails: there
    // is no network in the namespace).
    let traced = run_traced(
        tmp.path(),
        Path::new("/bin/bash"),
        &["-c", "exec 3<>/dev/tcp/127.0.0.1/9 || true"],
        None,
    );
    let calls = network_calls(&traced.trace);
    assert!(
        calls.iter().any(|c| c.contains("socket(AF_INET"))
            && calls.iter().any(|c| c.contains("connect(")),
        "strace should have logged socket(AF_INET…) and connect(…); log:\n{}",
        traced.trace
    );
}

#[test]
fn network_calls_ignores_only_exit_and_signal_lines() {
    let log = "1234  socket(AF_UNIX, SOCK_STREAM|SOCK_CLOEXEC, 0) = 3\n\
               1234  --- SIGCHLD {si_signo=SIGCHLD} ---\n\
               1235  +++ exited with 0 +++\n\
               +++ exited with 0 +++\n\
               1234  connect(3, {sa_family=AF_UNIX, sun_path=\"/run/x\"}, 110) = -1 ENOENT\n";
    assert_eq!(
        network_calls(log),
        vec![
            "1234  socket(AF_UNIX, SOCK_STREAM|SOCK_CLOEXEC, 0) = 3",
            "1234  connect(3, {sa_family=AF_UNIX, sun_path=\"/run/x\"}, 110) = -1 ENOENT",
        ]
    );
}
