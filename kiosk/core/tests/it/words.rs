//! The Welsh catalogue (`kiosk/lang/cy/LC_MESSAGES/kiosk.po`) is complete:
//! every word the screens say through Slint's `@tr` and every word the
//! view-models say through `tr`/`trf` has its Welsh, with the same
//! placeholders, and the catalogue holds nothing the kiosk no longer says.
//! GNU gettext's `msgfmt` checks the file too.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use content_pack::{PhaseKind, Point};
use kiosk_core::words::{catalogue, tr};
use kiosk_core::{views, Answer, Language, TEXT_SIZES};

fn kiosk_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("..")
}

fn files(dir: &Path, ext: &str, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            files(&path, ext, out);
        } else if path.extension().is_some_and(|e| e == ext) {
            out.push(path);
        }
    }
}

/// The string literal at the start of `s` (after spaces), unescaped.
fn literal(s: &str) -> Option<String> {
    let mut chars = s.trim_start().chars();
    if chars.next() != Some('"') {
        return None;
    }
    let mut out = String::new();
    while let Some(c) = chars.next() {
        match c {
            '"' => return Some(out),
            '\\' => match chars.next()? {
                'n' => out.push('\n'),
                other => out.push(other),
            },
            c => out.push(c),
        }
    }
    None
}

/// What follows the first top-level comma of a call's arguments.
fn after_first_argument(args: &str) -> &str {
    let mut depth = 0;
    for (i, c) in args.char_indices() {
        match c {
            '(' => depth += 1,
            ')' if depth == 0 => return "",
            ')' => depth -= 1,
            ',' if depth == 0 => return &args[i + 1..],
            _ => {}
        }
    }
    ""
}

/// Every word the kiosk says through the catalogue, as the sources write it.
fn said() -> BTreeSet<String> {
    let mut said = BTreeSet::new();
    let root = kiosk_dir();
    let mut slint = Vec::new();
    files(&root.join("app/ui"), "slint", &mut slint);
    for file in &slint {
        let text = std::fs::read_to_string(file).unwrap();
        for (at, _) in text.match_indices("@tr(") {
            said.extend(literal(&text[at + 4..]));
        }
    }
    let mut rust = Vec::new();
    files(&root.join("core/src"), "rs", &mut rust);
    files(&root.join("app/src"), "rs", &mut rust);
    for file in &rust {
        let text = std::fs::read_to_string(file).unwrap();
        // Not the module's own tests.
        let text = text
            .split("#[cfg(test)]\nmod tests")
            .next()
            .unwrap_or_default();
        for call in ["tr(", "trf(", "run_in_background("] {
            for (at, _) in text.match_indices(call) {
                let before = text[..at].chars().next_back().unwrap_or(' ');
                if before.is_alphanumeric() || before == '_' {
                    continue;
                }
                let rest = after_first_argument(&text[at + call.len()..]);
                let rest = rest.trim_start();
                if let Some(branches) = rest.strip_prefix("if ") {
                    // tr(l, if … { "a" } else { "b" })
                    for part in branches.splitn(3, '{').skip(1) {
                        said.extend(literal(part));
                    }
                } else if let Some(first) = literal(rest) {
                    if call == "run_in_background(" {
                        let stage = after_first_argument(&rest[first.len() + 2..]);
                        said.extend(literal(stage));
                    }
                    said.insert(first);
                }
            }
        }
    }
    // Words that reach `tr` through a value rather than a literal.
    said.extend(Point::ALL.map(|p| p.title().to_owned()));
    said.extend(PhaseKind::ORDER.map(|k| k.label().to_owned()));
    said.extend(Answer::ALL.map(|a| a.label().to_owned()));
    said.extend(TEXT_SIZES.map(str::to_owned));
    said.extend([views::SAFETY_GUIDE, views::DISCARDED].map(str::to_owned));
    said.extend(["{} minute", "{} minutes", "{} second", "{} seconds"].map(str::to_owned));
    said
}

/// How many values a template takes: `{}` and `{N}` each count.
fn placeholders(template: &str) -> usize {
    let mut n = 0;
    let mut rest = template;
    while let Some(open) = rest.find('{') {
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) if after[..close].chars().all(|c| c.is_ascii_digit()) => n += 1,
            _ => {}
        }
        rest = after;
    }
    n
}

#[test]
fn every_word_the_kiosk_says_has_its_welsh_with_the_same_placeholders() {
    let said = said();
    assert!(
        said.len() > 120,
        "found only {} words: is the scan broken?",
        said.len()
    );
    for must in [
        "Next",
        "Sign in",
        "Participant {}",
        "Cope with urges",
        "{} of {} in the group",
    ] {
        assert!(said.contains(must), "the scan missed {must:?}");
    }
    let welsh: std::collections::BTreeMap<&str, &str> = catalogue(Language::Cy).collect();
    let missing: Vec<&String> = said
        .iter()
        .filter(|w| !welsh.contains_key(w.as_str()))
        .collect();
    assert!(missing.is_empty(), "no Welsh in kiosk.po for: {missing:#?}");
    let unused: Vec<&&str> = welsh.keys().filter(|w| !said.contains(**w)).collect();
    assert!(
        unused.is_empty(),
        "kiosk.po has words the kiosk no longer says: {unused:#?}"
    );
    for (en, cy) in &welsh {
        assert_eq!(
            placeholders(en),
            placeholders(cy),
            "{en:?} → {cy:?}: the Welsh must take the same values"
        );
        // "Agenda" is Welsh too.
        assert!(en != cy || *en == "Agenda", "{en:?} is not translated");
    }
    assert_eq!(tr(Language::Cy, "Check-in"), "Rownd agoriadol");
}

#[test]
fn gnu_msgfmt_accepts_the_catalogue() {
    let po = kiosk_dir().join("lang/cy/LC_MESSAGES/kiosk.po");
    let out = Command::new("msgfmt")
        .args(["--check", "--statistics", "-o", "/dev/null"])
        .arg(&po)
        .output()
        .expect("msgfmt runs (Debian's gettext package; .ci/setup installs it)");
    let report = String::from_utf8_lossy(&out.stderr);
    assert!(out.status.success(), "{report}");
    assert!(
        report.contains("translated message")
            && !report.contains("untranslated")
            && !report.contains("fuzzy"),
        "{report}"
    );
}
