//! The docs test: every command in README.md and docs/operator-guide.md, run
//! as written, so the documents cannot drift from the programs again.
//!
//! Every fenced ```sh block is read (a line ending in `\` joins the next;
//! blank lines and comments are skipped). A leading `runuser -u kiosk -- `
//! is dropped (the scratch folder has no `kiosk` user). Each
//! `insideout-provision` and `insideout-kiosk` command then runs with the
//! workspace binary, in one scratch folder per document (the current
//! folder of every command), in the document's order. PINs go on stdin as a
//! member of staff types them, key passwords in `INSIDEOUT_KEY_PASSWORD`.
//!
//! Only these well-known system paths are rewritten:
//!
//! | in the documents          | in the scratch folder | what it is |
//! |---------------------------|-----------------------|------------|
//! | `/var/lib/insideout-kiosk`| `data`                | the kiosk's data folder |
//! | `/media/insideout-usb`    | `usb`                 | the stick, as the USB rules mount it (guide) |
//! | `/media/usb`              | `usb`                 | the stick (README's short form) |
//! | `/root`                   | `root`                | root's home on the wing PC |
//!
//! Placeholders for names that exist only at run time (see `PLACEHOLDERS`):
//! `<bundle>` and `insideout-export_HMP-Example_B_20261122-143000Z` (an
//! export folder named by its time) become the one export folder there is,
//! and the example key id `1A2B3C4D5E6F7081` becomes the id of
//! `content-team.pub`, the key the guide's paragraph retires.
//!
//! What the documents say in prose rather than as a command (a member of
//! staff copies a file, facilitators run sessions on the screen) is done by
//! the named `STAFF_STEPS`, each of which must be used. Every other command
//! must be on `NOT_RUN` with why, and where it is checked instead; a command
//! that is neither fails the test, naming the document and line.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

/// The well-known system paths and their scratch stand-ins (the table above).
const REWRITES: &[(&str, &str)] = &[
    ("/var/lib/insideout-kiosk", "data"),
    ("/media/insideout-usb", "usb"),
    ("/media/usb", "usb"),
    ("/root", "root"),
];

/// Commands that are not run here: (document, exact text or prefix, why, where it is checked).
const NOT_RUN: &[(&str, &str, &str, &str)] = &[
    (
        "README.md",
        ".ci/setup && cargo run --release -p kiosk -- --demo",
        "installs packages and opens a window (needs a display)",
        "kiosk/app/scripts/xvfb-demo-check.sh runs --demo under Xvfb; .ci/run runs .ci/setup",
    ),
    (
        "README.md",
        ".ci/setup && cargo test --workspace",
        "the test suite this test is part of",
        ".ci/run",
    ),
    (
        "README.md",
        "insideout-provision pack build content-pack/sample --version 3 --speak",
        "reads the whole sample aloud (a minute) into the folder of a demo that is running",
        "tests/scripts/speak-sample.sh makes and checks the same pack; pack_flow builds and imports packs",
    ),
    (
        "README.md",
        "insideout-provision kiosk trust add --data-dir $DATA",
        "the data folder of a demo that is running",
        "the operator guide's kiosk trust add, run by this test",
    ),
    (
        "docs/operator-guide.md",
        "cp /path/to/stick/insideout-*.deb /root/",
        "copies the release packages, which a test build does not make",
        "provisioning/system/scripts/ci.sh (build-debs.sh, install-scratch.sh)",
    ),
    (
        "docs/operator-guide.md",
        "apt install /root/insideout-kiosk_*.deb /root/insideout-provision_*.deb",
        "installs the packages as root",
        "provisioning/system/scripts/install-scratch.sh (from ci.sh)",
    ),
    (
        "docs/operator-guide.md",
        "systemd-analyze security insideout-kiosk.service",
        "needs the installed units and systemd",
        "provisioning/system/scripts/check-units.sh (from ci.sh)",
    ),
    (
        "docs/operator-guide.md",
        "systemctl is-enabled insideout-kiosk.service insideout-usb-export.path",
        "needs the installed system",
        "provisioning/system/scripts/install-scratch.sh checks what is enabled",
    ),
    (
        "docs/operator-guide.md",
        "chromium --headless --no-pdf-header-footer --print-to-pdf=",
        "prints a handout with a browser (slow)",
        "tests/tests/pack_flow.rs prints a handout to PDF with chromium",
    ),
    (
        "docs/operator-guide.md",
        "apt install cage xwayland",
        "installs Debian packages as root",
        "provisioning/system/scripts/check-units.sh verifies the cage unit",
    ),
    (
        "docs/operator-guide.md",
        "systemctl disable insideout-kiosk.service",
        "changes the running system",
        "provisioning/system/scripts/check-units.sh (each unit conflicts with the other)",
    ),
    (
        "docs/operator-guide.md",
        "systemctl enable insideout-kiosk-cage.service",
        "changes the running system",
        "provisioning/system/scripts/check-units.sh",
    ),
    (
        "docs/operator-guide.md",
        "reboot",
        "restarts the PC",
        "nowhere: a reboot",
    ),
    (
        "docs/operator-guide.md",
        "systemctl status insideout-kiosk.service",
        "a diagnostic on a running wing PC",
        "provisioning/system/scripts/test-in-container.sh runs the units",
    ),
    (
        "docs/operator-guide.md",
        "journalctl -b -u ",
        "a diagnostic on a running wing PC",
        "provisioning/system/scripts/test-in-container.sh runs the units",
    ),
    (
        "docs/operator-guide.md",
        "findmnt /media/insideout-usb /media/insideout-export",
        "needs the USB rules and a stick",
        "provisioning/system/scripts/test-usb-helpers.sh checks the mounts with findmnt",
    ),
];

/// Programs other than ours that the documents' next commands depend on:
/// run as written too (with the paths rewritten).
const OTHER_PROGRAMS_RUN: &[(&str, &str)] = &[
    ("cat", "step 4 shows the kiosk's public key with it"),
    (
        "age-keygen",
        "makes the staff key pair a backup is encrypted to",
    ),
];

/// Placeholders for names that exist only at run time: (text in the document, what it becomes).
const PLACEHOLDERS: &[(&str, Placeholder)] = &[
    ("<bundle>", Placeholder::ExportOnStick),
    (
        "insideout-export_HMP-Example_B_20261122-143000Z",
        Placeholder::ExportInOffice,
    ),
    ("1A2B3C4D5E6F7081", Placeholder::ContentTeamKeyId),
];

#[derive(Clone, Copy)]
enum Placeholder {
    /// The one export folder in `usb` (the stick).
    ExportOnStick,
    /// The one export folder in the scratch folder (the data office's copy).
    ExportInOffice,
    /// The key id of `content-team.pub`.
    ContentTeamKeyId,
}

/// The password of every key the documents make.
const PASSWORD: &str = "correct horse battery staple";
/// PINs typed for `add-facilitator` (each typed twice, as the guide says), in turn.
const PINS: &[&str] = &["582914", "739164", "615827", "948273"];

#[derive(Clone, Copy, PartialEq)]
enum When {
    Before,
    After,
}

/// A step the document gives in prose, done by the test: (document, before
/// or after the command starting with this text, what the staff member
/// does, how).
type StaffStep = (&'static str, When, &'static str, &'static str, fn(&Path));

const STAFF_STEPS: &[StaffStep] = &[
    (
        "README.md",
        When::Before,
        "insideout-provision keygen --secret-key content.key",
        "the commands run in a checkout, which holds content-pack/sample",
        readme_checkout,
    ),
    (
        "README.md",
        When::Before,
        "insideout-kiosk export --data-dir /var/lib/insideout-kiosk --to /media/usb",
        "facilitators run sessions on the screen (insideout-kiosk simulate stands in)",
        sessions_on_screen,
    ),
    (
        "docs/operator-guide.md",
        When::Before,
        "cp /path/to/stick/insideout-*.deb /root/",
        "what you need: the content team's key pair and programme source, and their stick with content-team.pub and programme-v1.iopack",
        guide_prerequisites,
    ),
    (
        "docs/operator-guide.md",
        When::After,
        "cat /var/lib/insideout-kiosk/kiosk.pub",
        "step 4: the kiosk's public key is copied to the data office as kiosk-keys/HMP-Example_B.pub",
        record_kiosk_key,
    ),
    (
        "docs/operator-guide.md",
        When::Before,
        "insideout-provision export verify insideout-export_",
        "facilitators run sessions, export on the screen, and the folder is copied off the stick; another wing's key (kiosk-keys/HMP-Example_C.pub) is on record",
        export_on_screen,
    ),
    (
        "docs/operator-guide.md",
        When::Before,
        "insideout-provision kiosk trust add",
        "the content team's new public key, made on their machine, is on the stick",
        new_key_on_stick,
    ),
    (
        "docs/operator-guide.md",
        When::After,
        "age-keygen -y staff.key > staff.pub",
        "the staff public key is put on the stick",
        staff_key_on_stick,
    ),
    (
        "docs/operator-guide.md",
        When::After,
        "insideout-provision kiosk backup",
        "the backup is copied off onto the stick, and the old PC is replaced (its data folder is gone from the new one)",
        backup_to_new_pc,
    ),
];

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for entry in std::fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            std::fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// Runs a workspace binary in `dir` with the staff password set; fails loudly.
fn ours(dir: &Path, name: &str, args: &[&str]) {
    let out = spawn(dir, tests::bin(name), args, None);
    assert!(
        out.status.success(),
        "staff step {name} {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn spawn(dir: &Path, program: PathBuf, args: &[&str], stdin: Option<&str>) -> Output {
    use std::io::Write;
    let mut child = Command::new(&program)
        .args(args)
        .current_dir(dir)
        .env("INSIDEOUT_KEY_PASSWORD", PASSWORD)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap_or_else(|e| panic!("{} starts: {e}", program.display()));
    let mut input = child.stdin.take().expect("stdin is piped");
    if let Some(text) = stdin {
        input.write_all(text.as_bytes()).expect("stdin is written");
    }
    drop(input);
    child.wait_with_output().expect("the program finishes")
}

fn readme_checkout(s: &Path) {
    copy_dir(&tests::sample_dir(), &s.join("content-pack/sample"));
}

fn sessions_on_screen(s: &Path) {
    let args = ["simulate", "--data-dir", "data", "--sessions", "2"];
    ours(
        s,
        "insideout-kiosk",
        &[&args[..], &["--group-size", "3"]].concat(),
    );
}

fn guide_prerequisites(s: &Path) {
    // The content team's own copy of the programme, and their key pair.
    copy_dir(&tests::sample_dir(), &s.join("programme-source"));
    let keygen = ["keygen", "--secret-key", "content-team.key"];
    ours(
        s,
        "insideout-provision",
        &[&keygen[..], &["--public-key", "content-team.pub"]].concat(),
    );
    // Their stick: the public key and the first pack.
    std::fs::copy(s.join("content-team.pub"), s.join("usb/content-team.pub")).unwrap();
    let build = ["pack", "build", "programme-source", "--version", "1"];
    let out = ["--out", "usb/programme-v1.iopack"];
    ours(
        s,
        "insideout-provision",
        &[&build[..], &["--secret-key", "content-team.key"], &out].concat(),
    );
}

fn record_kiosk_key(s: &Path) {
    std::fs::create_dir_all(s.join("kiosk-keys")).unwrap();
    std::fs::copy(
        s.join("data/kiosk.pub"),
        s.join("kiosk-keys/HMP-Example_B.pub"),
    )
    .unwrap();
}

fn only_export_in(dir: &Path) -> String {
    let found: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .filter(|n| n.starts_with("insideout-export_"))
        .collect();
    assert_eq!(
        found.len(),
        1,
        "one export folder in {}: {found:?}",
        dir.display()
    );
    found.into_iter().next().unwrap()
}

fn export_on_screen(s: &Path) {
    sessions_on_screen(s);
    ours(
        s,
        "insideout-kiosk",
        &["export", "--data-dir", "data", "--to", "usb"],
    );
    let name = only_export_in(&s.join("usb"));
    copy_dir(&s.join("usb").join(&name), &s.join(&name));
    // Wing C's kiosk, set up as step 3 says, for its public key.
    ours(
        s,
        "insideout-provision",
        &[
            "kiosk",
            "init",
            "--data-dir",
            "wing-c",
            "--site",
            "HMP Example",
            "--wing",
            "C",
            "--trusted-key",
            "content-team.pub",
        ],
    );
    std::fs::copy(
        s.join("wing-c/kiosk.pub"),
        s.join("kiosk-keys/HMP-Example_C.pub"),
    )
    .unwrap();
}

fn new_key_on_stick(s: &Path) {
    let machine = s.join("content-team-machine");
    std::fs::create_dir_all(&machine).unwrap();
    ours(
        &machine,
        "insideout-provision",
        &[
            "keygen",
            "--secret-key",
            "content-team-2027.key",
            "--public-key",
            "content-team-2027.pub",
        ],
    );
    std::fs::copy(
        machine.join("content-team-2027.pub"),
        s.join("usb/content-team-2027.pub"),
    )
    .unwrap();
}

fn staff_key_on_stick(s: &Path) {
    std::fs::copy(s.join("staff.pub"), s.join("usb/staff.pub")).unwrap();
}

fn backup_to_new_pc(s: &Path) {
    std::fs::copy(
        s.join("data/kiosk-b-2026-12.age"),
        s.join("usb/kiosk-b-2026-12.age"),
    )
    .unwrap();
    std::fs::rename(s.join("data"), s.join("old-pc-data")).unwrap();
}

/// One command of a document: its first line's number and its joined text.
struct DocCommand {
    line: usize,
    text: String,
}

fn commands(doc: &str) -> Vec<DocCommand> {
    let mut found = Vec::new();
    let mut in_sh = false;
    let mut pending: Option<DocCommand> = None;
    for (i, raw) in doc.lines().enumerate() {
        let line = raw.trim();
        if line.starts_with("```") {
            in_sh = !in_sh && line == "```sh";
            continue;
        }
        if !in_sh {
            continue;
        }
        let (joined, start) = match pending.take() {
            Some(p) => (format!("{} {line}", p.text), p.line),
            None => (line.to_string(), i + 1),
        };
        if let Some(head) = joined.strip_suffix('\\') {
            pending = Some(DocCommand {
                line: start,
                text: head.trim_end().to_string(),
            });
            continue;
        }
        if joined.is_empty() || joined.starts_with('#') {
            continue;
        }
        found.push(DocCommand {
            line: start,
            text: joined,
        });
    }
    found
}

/// A shell word, or an operator (`|`, `>`, `&&`); a trailing `# comment` ends the words.
#[derive(Debug)]
struct Word {
    text: String,
    quoted: bool,
    op: bool,
}

fn words(line: &str) -> Vec<Word> {
    let mut out = Vec::new();
    let mut chars = line.chars().peekable();
    loop {
        while chars.peek().is_some_and(|c| c.is_whitespace()) {
            chars.next();
        }
        let Some(&c) = chars.peek() else { break };
        if c == '#' {
            break;
        }
        if c == '|' || c == '>' {
            chars.next();
            out.push(Word {
                text: c.to_string(),
                quoted: false,
                op: true,
            });
            continue;
        }
        if c == '&' {
            chars.next();
            chars.next();
            out.push(Word {
                text: "&&".into(),
                quoted: false,
                op: true,
            });
            continue;
        }
        let mut text = String::new();
        let mut quoted = false;
        while let Some(&c) = chars.peek() {
            if c.is_whitespace() || c == '|' || c == '>' {
                break;
            }
            chars.next();
            if c == '"' || c == '\'' {
                quoted = true;
                for q in chars.by_ref() {
                    if q == c {
                        break;
                    }
                    text.push(q);
                }
            } else if c == '<' {
                // A `<placeholder>` in the documents, not a redirection.
                text.push(c);
                for q in chars.by_ref() {
                    text.push(q);
                    if q == '>' {
                        break;
                    }
                }
            } else {
                text.push(c);
            }
        }
        out.push(Word {
            text,
            quoted,
            op: false,
        });
    }
    out
}

fn rewrite(word: &str) -> String {
    for (system, scratch) in REWRITES {
        if let Some(rest) = word.strip_prefix(system) {
            if rest.is_empty() || rest.starts_with('/') {
                return format!("{scratch}{rest}");
            }
        }
    }
    word.to_string()
}

fn resolve(word: &str, scratch: &Path) -> String {
    let mut word = word.to_string();
    for (text, placeholder) in PLACEHOLDERS {
        if word.contains(text) {
            let value = match placeholder {
                Placeholder::ExportOnStick => only_export_in(&scratch.join("usb")),
                Placeholder::ExportInOffice => only_export_in(scratch),
                Placeholder::ContentTeamKeyId => {
                    content_pack::keys::TrustedKey::from_file(&scratch.join("content-team.pub"))
                        .expect("content-team.pub is a public key")
                        .key_id()
                        .to_string()
                }
            };
            word = word.replace(text, &value);
        }
    }
    word
}

/// Expands an unquoted word with a `*` in its last component, in `scratch`.
fn glob(word: &str, scratch: &Path) -> Vec<String> {
    let trailing = word.ends_with('/');
    let trimmed = word.trim_end_matches('/');
    let (dir, pattern) = match trimmed.rsplit_once('/') {
        Some((d, p)) => (format!("{d}/"), p),
        None => (String::new(), trimmed),
    };
    let (prefix, suffix) = pattern.split_once('*').expect("a glob has a *");
    let mut names: Vec<String> = std::fs::read_dir(scratch.join(&dir))
        .unwrap_or_else(|e| panic!("{word}: {e}"))
        .map(|e| e.unwrap())
        .filter(|e| !trailing || e.file_type().unwrap().is_dir())
        .map(|e| e.file_name().into_string().unwrap())
        .filter(|n| n.starts_with(prefix) && n.ends_with(suffix) && n.len() >= pattern.len() - 1)
        .collect();
    names.sort();
    assert!(!names.is_empty(), "{word} matches nothing");
    names
        .into_iter()
        .map(|n| format!("{dir}{n}{}", if trailing { "/" } else { "" }))
        .collect()
}

#[derive(Default)]
struct Tally {
    run: usize,
    skipped: usize,
}

fn run_document(
    name: &str,
    used_steps: &mut BTreeSet<usize>,
    used_not_run: &mut BTreeSet<usize>,
) -> Tally {
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("..");
    let text = std::fs::read_to_string(root.join(name)).unwrap();
    let dir = tempfile::tempdir().unwrap();
    let s = dir.path();
    for d in ["usb", "root"] {
        std::fs::create_dir_all(s.join(d)).unwrap();
    }
    let mut pins = PINS.iter();
    let mut tally = Tally::default();
    for c in commands(&text) {
        let text = c
            .text
            .strip_prefix("runuser -u kiosk -- ")
            .unwrap_or(&c.text);
        let at = format!("{name}:{}: `{}`", c.line, c.text);
        let steps = |when: When, used: &mut BTreeSet<usize>| {
            for (i, (doc, w, prefix, _, step)) in STAFF_STEPS.iter().enumerate() {
                if *doc == name && *w == when && text.starts_with(prefix) {
                    used.insert(i);
                    step(s);
                }
            }
        };
        steps(When::Before, used_steps);
        if let Some(i) = NOT_RUN
            .iter()
            .position(|(doc, prefix, _, _)| *doc == name && text.starts_with(prefix))
        {
            used_not_run.insert(i);
            tally.skipped += 1;
            steps(When::After, used_steps);
            continue;
        }
        let mut ws = words(text);
        // `echo PIN | command`: the PIN on stdin.
        let mut stdin = None;
        if ws.len() > 2 && ws[0].text == "echo" && ws[2].op && ws[2].text == "|" {
            stdin = Some(format!("{}\n", ws[1].text));
            ws.drain(..3);
        }
        // `command > FILE`: stdout into FILE.
        let mut into = None;
        if let Some(i) = ws.iter().position(|w| w.op && w.text == ">") {
            assert_eq!(ws.len(), i + 2, "{at}: one file after >");
            into = Some(s.join(rewrite(&ws[i + 1].text)));
            ws.truncate(i);
        }
        assert!(
            !ws.iter().any(|w| w.op),
            "{at}: a pipe or && this test cannot run"
        );
        let program = ws[0].text.clone();
        let path = match program.as_str() {
            "insideout-provision" | "insideout-kiosk" => tests::bin(&program),
            other if OTHER_PROGRAMS_RUN.iter().any(|(p, _)| *p == other) => PathBuf::from(other),
            _ => panic!(
                "{at}: neither run by this test nor on its NOT_RUN list (with why, and where it is checked)"
            ),
        };
        let mut args = Vec::new();
        for w in &ws[1..] {
            let word = resolve(&rewrite(&w.text), s);
            if !w.quoted && word.contains('*') {
                args.extend(glob(&word, s));
            } else {
                args.push(word);
            }
        }
        if stdin.is_none() && args.iter().any(|a| a == "add-facilitator") {
            let pin = pins.next().expect("enough PINs in PINS");
            stdin = Some(format!("{pin}\n{pin}\n"));
        }
        let arg_refs: Vec<&str> = args.iter().map(String::as_str).collect();
        let out = spawn(s, path, &arg_refs, stdin.as_deref());
        assert!(
            out.status.success(),
            "{at} failed ({}), run as {program} {args:?}:\n{}",
            out.status,
            String::from_utf8_lossy(&out.stderr)
        );
        if let Some(file) = into {
            std::fs::write(file, &out.stdout).unwrap();
        }
        tally.run += 1;
        steps(When::After, used_steps);
    }
    tally
}

#[test]
fn every_documented_command_runs_as_written() {
    let mut used_steps = BTreeSet::new();
    let mut used_not_run = BTreeSet::new();
    for doc in ["README.md", "docs/operator-guide.md"] {
        let t = run_document(doc, &mut used_steps, &mut used_not_run);
        println!(
            "{doc}: {} commands run, {} skipped (NOT_RUN)",
            t.run, t.skipped
        );
        assert!(t.run > 0, "{doc}: no command was run");
    }
    for (i, (doc, when, prefix, what, _)) in STAFF_STEPS.iter().enumerate() {
        let when = if *when == When::Before {
            "before"
        } else {
            "after"
        };
        assert!(
            used_steps.contains(&i),
            "staff step `{what}` ({doc}, {when} `{prefix}`) matches no command any more"
        );
    }
    for (i, (doc, prefix, _, _)) in NOT_RUN.iter().enumerate() {
        assert!(
            used_not_run.contains(&i),
            "NOT_RUN entry `{prefix}` ({doc}) matches no command any more: remove it"
        );
    }
}

#[test]
fn commands_are_read_as_the_shell_reads_them() {
    let doc = "x\n```sh\n# c\nrunuser -u kiosk -- a \\\n    --b \"c d\"   # note\n\nz\n```\n```ini\nq\n```\n";
    let cs = commands(doc);
    assert_eq!(cs.len(), 2);
    assert_eq!(
        (cs[0].line, cs[0].text.as_str()),
        (4, "runuser -u kiosk -- a --b \"c d\"   # note")
    );
    let ws: Vec<String> = words(&cs[0].text).into_iter().map(|w| w.text).collect();
    assert_eq!(ws, ["runuser", "-u", "kiosk", "--", "a", "--b", "c d"]);
    assert_eq!(
        rewrite("/var/lib/insideout-kiosk/kiosk.pub"),
        "data/kiosk.pub"
    );
    assert_eq!(rewrite("/media/usbx"), "/media/usbx");
}
