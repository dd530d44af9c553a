//! The content rules at build time, through the real binary (issue 14):
//! `pack check` and `pack build` refuse a source that breaks them, naming
//! each finding's file and field; the sample passes; `pack build --out`
//! keeps a file already there unless `--force` is given; a built pack holds
//! no `.md` note; and the example errors in `content-pack/sample/README.md`
//! are what the binary prints.

use std::fs;
use std::path::Path;
use std::process::Output;

use tests::{p, sample_dir};

const PASSWORD: &str = "correct horse battery staple";

fn run(args: &[&str]) -> Output {
    tests::run("insideout-provision", args, None, Some(PASSWORD))
}

fn ok(args: &[&str]) -> String {
    let out = run(args);
    assert!(
        out.status.success(),
        "{args:?} failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    String::from_utf8(out.stdout).unwrap()
}

/// A refusal: exit 1, one line on stderr; (stdout, that line).
fn refused(args: &[&str]) -> (String, String) {
    let out = run(args);
    let stdout = String::from_utf8(out.stdout).unwrap();
    let stderr = String::from_utf8(out.stderr).unwrap();
    assert_eq!(out.status.code(), Some(1), "{args:?} should fail: {stdout}");
    assert_eq!(
        stderr.trim_end().lines().count(),
        1,
        "one line on stderr: {stderr}"
    );
    (stdout, stderr)
}

fn copy_dir(from: &Path, to: &Path) {
    fs::create_dir_all(to).unwrap();
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), target).unwrap();
        }
    }
}

/// A copy of the sample under `dir`.
fn copy_of_sample(dir: &Path) -> std::path::PathBuf {
    let source = dir.join("programme-source");
    copy_dir(&sample_dir(), &source);
    source
}

fn edit(root: &Path, file: &str, from: &str, to: &str) {
    let path = root.join(file);
    let text = fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{file} has no {from:?}");
    fs::write(path, text.replacen(from, to, 1)).unwrap();
}

fn keygen(dir: &Path) -> (String, String) {
    let (sk, pk) = (dir.join("content.key"), dir.join("content.pub"));
    ok(&["keygen", "--secret-key", p(&sk), "--public-key", p(&pk)]);
    (p(&sk).to_owned(), p(&pk).to_owned())
}

#[test]
fn the_sample_passes_pack_check() {
    let out = ok(&["pack", "check", p(&sample_dir())]);
    let line = out.trim_end();
    assert_eq!(line.lines().count(), 1, "{out}");
    assert!(line.starts_with(p(&sample_dir())), "{out}");
    assert!(
        line.contains("passes every content rule: 25 sessions, 22 tools"),
        "{out}"
    );
}

/// Issue 14: a source with a labelling word, an unused tool and a hard
/// sentence built fine. Now `pack check` and `pack build` both refuse it,
/// naming each of the three with its file and field, and no pack is made.
#[test]
fn a_labelling_word_an_unused_tool_and_a_hard_sentence_are_refused_by_check_and_build() {
    let dir = tempfile::tempdir().unwrap();
    let source = copy_of_sample(dir.path());
    let session = "sessions/03-what-matters-to-me.toml";
    edit(
        &source,
        session,
        "How has your week been?",
        "How has your week been, addicts?",
    );
    edit(
        &source,
        session,
        "Today we put in order the things that matter most to us.",
        "Institutional considerations necessitate comprehensive prioritisation of personal values.",
    );
    let abc = fs::read_to_string(source.join("tools/abc.toml")).unwrap();
    fs::write(
        source.join("tools/abc-again.toml"),
        abc.replace("id = \"abc\"", "id = \"abc-again\""),
    )
    .unwrap();
    let text = fs::read_to_string(source.join(session)).unwrap();
    let line_of = |needle: &str| text.lines().position(|l| l.contains(needle)).unwrap() + 1;
    // A label is named on its own line; a text that reads badly as a whole
    // on its field's line, `text = """`, just above the sentence.
    let (label, hard) = (line_of("addicts?"), line_of("Institutional") - 1);
    let expected = [
        format!("{session} (line {label}): phase 2 (check-in): field `text`: \"addict\" is a label for people"),
        format!("{session} (line {hard}): phase 3 (agenda): field `text`: it reads too hard"),
        "tools/abc-again.toml (line 1): field `id`: no session uses tool `abc-again`".to_owned(),
    ];
    let check_findings = |stdout: &str| {
        let lines: Vec<&str> = stdout.lines().collect();
        assert_eq!(lines.len(), 3, "{stdout}");
        for (line, start) in lines.iter().zip(&expected) {
            assert!(
                line.starts_with(start.as_str()),
                "{line:?} is not {start:?}…"
            );
        }
    };

    let (stdout, err) = refused(&["pack", "check", p(&source)]);
    check_findings(&stdout);
    assert_eq!(
        err.trim_end(),
        format!(
            "insideout-provision: {} breaks 3 content rules (each is listed above, with its file and field); fix them and check again",
            p(&source)
        )
    );

    let (sk, _) = keygen(dir.path());
    let pack = dir.path().join("v5.iopack");
    let (stdout, err) = refused(&[
        "pack",
        "build",
        p(&source),
        "--version",
        "5",
        "--secret-key",
        &sk,
        "--out",
        p(&pack),
    ]);
    check_findings(&stdout);
    assert!(
        err.contains("breaks 3 content rules") && err.contains("no pack was built"),
        "{err}"
    );
    assert!(!pack.exists());
    assert!(!dir.path().join("v5.iopack.partial").exists());
}

/// Issue 14: `pack build --out` silently replaced a file already there.
#[test]
fn pack_build_keeps_a_file_at_out_unless_force_is_given() {
    let dir = tempfile::tempdir().unwrap();
    let (sk, pk) = keygen(dir.path());
    let pack = dir.path().join("programme-v5.iopack");
    fs::write(&pack, "last week's pack").unwrap();
    let sample = sample_dir();
    let args = [
        "pack",
        "build",
        p(&sample),
        "--version",
        "5",
        "--secret-key",
        &sk,
        "--out",
        p(&pack),
        "--force",
    ];
    let (stdout, err) = refused(&args[..args.len() - 1]);
    assert_eq!(stdout, "");
    assert_eq!(
        err.trim_end(),
        format!(
            "insideout-provision: {} already exists; give --force to replace it, or choose another --out",
            p(&pack)
        )
    );
    assert_eq!(fs::read_to_string(&pack).unwrap(), "last week's pack");

    let built = ok(&args);
    assert!(built.starts_with(&format!("built {}", p(&pack))), "{built}");
    let verified = ok(&["pack", "verify", p(&pack), "--trusted-key", &pk]);
    assert!(verified.starts_with("OK:"), "{verified}");
}

/// Issue 14: `media/NOTES.md` went into the pack, though notes ending `.md`
/// are never packed.
#[test]
fn a_built_pack_holds_no_md_note() {
    assert!(sample_dir().join("media/NOTES.md").is_file());
    let dir = tempfile::tempdir().unwrap();
    let source = copy_of_sample(dir.path());
    fs::create_dir_all(source.join("media/drafts")).unwrap();
    fs::write(
        source.join("media/drafts/ideas.md"),
        "Ideas for pictures.\n",
    )
    .unwrap();
    fs::write(source.join("tools/NOTES.md"), "Tools to write next.\n").unwrap();
    let (sk, pk) = keygen(dir.path());
    let pack = dir.path().join("v5.iopack");
    ok(&[
        "pack",
        "build",
        p(&source),
        "--version",
        "5",
        "--secret-key",
        &sk,
        "--out",
        p(&pack),
    ]);
    let json = ok(&["pack", "inspect", p(&pack), "--json", "--trusted-key", &pk]);
    let inspected: serde_json::Value = serde_json::from_str(&json).unwrap();
    let files: Vec<&str> = inspected["manifest"]["files"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert!(files.contains(&"media/four-points.svg"), "{files:?}");
    assert!(files.iter().all(|f| !f.ends_with(".md")), "{files:?}");
}

/// The example errors in `content-pack/sample/README.md` are exactly what
/// `pack check` prints for the two mistakes the README describes, line
/// numbers and all (issue 14: they had drifted).
#[test]
fn the_sample_readme_shows_the_errors_the_binary_prints() {
    let readme = fs::read_to_string(sample_dir().join("README.md")).unwrap();
    let intro = "If a file is not written correctly, the check or the build stops";
    let Some(at) = readme.find(intro) else {
        panic!("the README no longer has its example errors");
    };
    let after = &readme[at..];
    let block = after
        .split_once("```text\n")
        .and_then(|(_, rest)| rest.split_once("```"))
        .map(|(block, _)| block)
        .expect("a ```text block follows");
    let shown: Vec<&str> = block.lines().collect();

    let dir = tempfile::tempdir().unwrap();
    let minutes = copy_of_sample(&dir.path().join("a"));
    edit(
        &minutes,
        "sessions/03-what-matters-to-me.toml",
        "minutes = 40",
        "minutes = \"ten\"",
    );
    assert!(
        after.contains(
            "if phase 4 of\n`sessions/03-what-matters-to-me.toml` says `minutes = \"ten\"`"
        ),
        "the README describes another mistake than this test makes"
    );
    let steps = copy_of_sample(&dir.path().join("b"));
    edit(&steps, "tools/abc.toml", "[[steps]]", "[[stpes]]");
    assert!(
        after.contains("`tools/abc.toml` spells its first `[[steps]]` as `[[stpes]]`"),
        "the README describes another mistake than this test makes"
    );
    let printed: Vec<String> = [minutes, steps]
        .iter()
        .map(|source| {
            refused(&["pack", "check", p(source)])
                .1
                .trim_end()
                .to_owned()
        })
        .collect();
    assert_eq!(shown, printed);
}
