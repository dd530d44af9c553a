//! The content rules (issue 14): each one, broken once in a copy of the
//! sample, is found, with the file, the line and the field a content editor
//! would go to; several broken at once are all found; a `.md` note is never
//! packed but is checked for labels; and a new pack never replaces a file.

use std::fs;
use std::path::Path;

use content_pack::readability::Hard;
use content_pack::rules::{self, Broken, Finding};
use content_pack::{
    build_new_pack_from_source, build_pack_from_source, load_source, BuildError, BuildOptions,
    Language,
};
use tempfile::TempDir;

use crate::sample::sample_dir;
use crate::util::{t0, Fixture};

/// A copy of the sample, to be broken one way per test.
fn copy_of_sample() -> TempDir {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&sample_dir(), dir.path());
    dir
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

/// Replaces the first `from` in `file` with `to`.
fn edit(root: &Path, file: &str, from: &str, to: &str) {
    let path = root.join(file);
    let text = fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{file} has no {from:?}");
    fs::write(path, text.replacen(from, to, 1)).unwrap();
}

/// The line (from 1) of the first line of `file` holding `needle`.
fn line_of(root: &Path, file: &str, needle: &str) -> usize {
    let text = fs::read_to_string(root.join(file)).unwrap();
    match text.lines().position(|l| l.contains(needle)) {
        Some(i) => i + 1,
        None => panic!("{file} has no line with {needle:?}"),
    }
}

/// Every finding but a translation that no longer matches its English
/// (each test edits English only; its own test covers that rule).
fn findings(root: &Path) -> Vec<Finding> {
    let mut found = all_findings(root);
    found.retain(|f| !matches!(f.broken, Broken::TranslationShape { .. }));
    found
}

fn all_findings(root: &Path) -> Vec<Finding> {
    let source = match load_source(root) {
        Ok(s) => s,
        Err(e) => panic!("the edited copy does not load: {e}"),
    };
    rules::check(&source).unwrap()
}

/// The one finding, which must be in `file` at `line`, with `field`.
fn only(found: &[Finding], file: &str, line: Option<usize>, field: Option<&str>) -> Finding {
    let shown: Vec<String> = found.iter().map(ToString::to_string).collect();
    assert_eq!(found.len(), 1, "{shown:#?}");
    let f = found[0].clone();
    assert_eq!(f.place.file, file, "{f}");
    assert_eq!(f.place.line, line, "{f}");
    assert_eq!(f.place.field.as_deref(), field, "{f}");
    f
}

#[test]
fn a_labelling_word_is_found_in_a_text_a_comment_and_a_note_with_file_line_and_field() {
    let dir = copy_of_sample();
    let root = dir.path();
    let file = "sessions/03-what-matters-to-me.toml";
    edit(
        root,
        file,
        "Let's go round.\nHow has",
        "Let's go round, Addicts.\nHow has",
    );
    edit(root, file, "# Session 3", "# Session 3, for alcoholics");
    fs::write(
        root.join("media/NOTES.md"),
        "Pictures.\n\nNo junkie clip art.\n",
    )
    .unwrap();
    let found = findings(root);
    let shown: Vec<String> = found.iter().map(ToString::to_string).collect();
    assert_eq!(found.len(), 3, "{shown:#?}");
    assert_eq!(found[0].place.file, "media/NOTES.md");
    assert_eq!(found[0].place.line, Some(3));
    assert_eq!(found[0].broken, Broken::Label("junkie"));
    assert_eq!(found[1].place.line, Some(1));
    assert_eq!(found[1].place.field.as_deref(), Some("a comment"));
    assert_eq!(found[1].broken, Broken::Label("alcoholic"));
    assert_eq!(
        found[2].place.line,
        Some(line_of(root, file, "go round, Addicts"))
    );
    assert_eq!(
        found[2].place.field.as_deref(),
        Some("phase 2 (check-in): field `text`")
    );
    assert_eq!(found[2].broken, Broken::Label("addict"));
    assert!(
        shown[2].starts_with(&format!(
            "{file} (line {}): phase 2 (check-in): field `text`: \"addict\" is a label",
            line_of(root, file, "go round, Addicts")
        )),
        "{}",
        shown[2]
    );
}

#[test]
fn a_disclosure_phrase_in_a_tool_step_names_the_step_and_its_line() {
    let dir = copy_of_sample();
    let root = dir.path();
    edit(
        root,
        "tools/abc.toml",
        "plain = \"B: what you told yourself.\"",
        "plain = \"B: what you told yourself, and who with.\"",
    );
    let found = findings(root);
    let f = only(
        &found,
        "tools/abc.toml",
        Some(line_of(root, "tools/abc.toml", "and who with")),
        Some("step 2: field `plain`"),
    );
    assert_eq!(f.broken, Broken::Disclosure("who with"));
}

#[test]
fn a_hard_sentence_and_a_long_plain_sentence_are_found_field_by_field() {
    let dir = copy_of_sample();
    let root = dir.path();
    let file = "sessions/03-what-matters-to-me.toml";
    edit(
        root,
        file,
        "Today we put in order the things that matter most to us.",
        "Institutional considerations necessitate comprehensive prioritisation.",
    );
    let found = findings(root);
    let f = only(
        &found,
        file,
        // The `text = """` line above the sentence.
        Some(line_of(root, file, "Institutional considerations") - 1),
        Some("phase 3 (agenda): field `text`"),
    );
    assert!(
        matches!(f.broken, Broken::HardToRead(Hard::Score { min, .. }) if min == 70.0),
        "{f}"
    );

    let dir = copy_of_sample();
    let root = dir.path();
    edit(
        root,
        "tools/abc.toml",
        "plain = \"B: what you told yourself.\"",
        "plain = \"B is what you told yourself about it when it happened, and what you thought it meant for you.\"",
    );
    let found = findings(root);
    let f = only(
        &found,
        "tools/abc.toml",
        Some(line_of(root, "tools/abc.toml", "when it happened")),
        Some("step 2: field `plain`"),
    );
    assert!(
        matches!(
            f.broken,
            Broken::HardToRead(Hard::LongSentence { words: 19, .. })
        ),
        "{f}"
    );
}

#[test]
fn a_hard_facilitator_note_names_the_note_and_its_own_line() {
    let dir = copy_of_sample();
    let root = dir.path();
    let file = "sessions/03-what-matters-to-me.toml";
    edit(
        root,
        file,
        "Say: Go round the group. Anyone can pass, and a few words is enough.",
        "Say: Institutional confidentiality considerations necessitate comprehensive organisational documentation.",
    );
    let found = findings(root);
    let f = only(
        &found,
        file,
        Some(line_of(root, file, "Institutional confidentiality")),
        Some("phase 2 (check-in): field `facilitator_notes`, note 1"),
    );
    assert!(
        matches!(f.broken, Broken::HardToRead(Hard::Score { min, .. }) if min == 60.0),
        "{f}"
    );
}

#[test]
fn a_tool_no_session_uses_and_a_media_file_nothing_names_are_found() {
    let dir = copy_of_sample();
    let root = dir.path();
    let abc = fs::read_to_string(root.join("tools/abc.toml")).unwrap();
    fs::write(
        root.join("tools/abc-again.toml"),
        abc.replace("id = \"abc\"", "id = \"abc-again\""),
    )
    .unwrap();
    fs::write(root.join("media/old-picture.svg"), "<svg/>").unwrap();
    // The Welsh of a picture the pack names is named with it; the Welsh
    // of the picture nothing names is not.
    fs::write(root.join("media/cy/old-picture.svg"), "<svg/>").unwrap();
    let found = findings(root);
    let shown: Vec<String> = found.iter().map(ToString::to_string).collect();
    assert_eq!(found.len(), 3, "{shown:#?}");
    assert_eq!(
        found[0].broken,
        Broken::UnusedMedia("media/cy/old-picture.svg".into())
    );
    assert_eq!(found[1].place.file, "media/old-picture.svg");
    assert_eq!(
        found[1].broken,
        Broken::UnusedMedia("media/old-picture.svg".into())
    );
    assert_eq!(found[2].place.file, "tools/abc-again.toml");
    assert_eq!(found[2].place.line, Some(1));
    assert_eq!(found[2].broken, Broken::UnusedTool("abc-again".into()));
}

#[test]
fn a_welsh_picture_is_named_with_its_picture_only_in_a_welsh_pack() {
    use crate::source_errors::{valid_source, welsh_source};
    let unused = |root: &Path| -> Vec<String> {
        fs::create_dir_all(root.join("media/cy")).unwrap();
        fs::write(root.join("media/cy/pic.svg"), "<svg/>").unwrap();
        let source = content_pack::load_source(root).unwrap();
        rules::check(&source)
            .unwrap()
            .into_iter()
            .filter_map(|f| match f.broken {
                Broken::UnusedMedia(m) => Some(m),
                _ => None,
            })
            .collect()
    };
    assert_eq!(unused(valid_source().path()), ["media/cy/pic.svg"]);
    assert!(unused(welsh_source().path()).is_empty());
}

#[test]
fn a_welcome_without_a_limit_of_confidentiality_names_what_it_lacks() {
    let dir = copy_of_sample();
    let root = dir.path();
    let file = "sessions/03-what-matters-to-me.toml";
    edit(root, file, "You may be on remand. You are", "You are");
    let found = findings(root);
    let f = only(
        &found,
        file,
        Some(line_of(root, file, "text = \"\"\"")),
        Some("phase 1 (welcome): field `text`"),
    );
    assert_eq!(f.broken, Broken::Welcome(vec!["remand"]));
}

#[test]
fn times_that_do_not_fit_twelve_people_are_found() {
    let dir = copy_of_sample();
    let root = dir.path();
    let file = "sessions/03-what-matters-to-me.toml";
    // Five minutes moved from the check-in to the agenda: still 90 in all.
    edit(root, file, "minutes = 20", "minutes = 15");
    edit(root, file, "minutes = 5\n", "minutes = 10\n");
    edit(
        root,
        file,
        "Timing: twelve people in 20 minutes",
        "Timing: everyone in 15 minutes",
    );
    let found = findings(root);
    let shown: Vec<String> = found.iter().map(ToString::to_string).collect();
    assert_eq!(found.len(), 2, "{shown:#?}");
    assert_eq!(found[0].broken, Broken::ShortCheckIn(15));
    assert_eq!(
        found[0].place.line,
        Some(line_of(root, file, "minutes = 15"))
    );
    assert_eq!(found[1].broken, Broken::CheckInNotForTwelve);

    let dir = copy_of_sample();
    let root = dir.path();
    edit(root, file, "minutes = 15\n", "minutes = 10\n");
    edit(root, file, "minutes = 40", "minutes = 45");
    edit(
        root,
        file,
        "about 10 minutes on topics from the check-in",
        "about 10 minutes on the news",
    );
    edit(root, file, "What is your plan for the week? ", "");
    let found = findings(root);
    let broken: Vec<&Broken> = found.iter().map(|f| &f.broken).collect();
    assert_eq!(
        broken,
        [
            &Broken::NoTimeForTopics,
            &Broken::CheckOutMinutes(10),
            &Broken::NoPlanForTheWeek
        ],
        "{found:#?}"
    );
    assert_eq!(
        found[2].place.field.as_deref(),
        Some("phase 5 (check-out): field `text`")
    );
}

#[test]
fn facilitator_notes_of_no_kind_or_a_phase_without_one_kind_are_found() {
    let dir = copy_of_sample();
    let root = dir.path();
    let file = "sessions/03-what-matters-to-me.toml";
    edit(
        root,
        file,
        "\"Timing: five minutes. If there are more topics than time, ask the group to pick.\"",
        "\"Keep it to five minutes. If there are more topics than time, ask the group to pick.\"",
    );
    let found = findings(root);
    let shown: Vec<String> = found.iter().map(ToString::to_string).collect();
    assert_eq!(found.len(), 2, "{shown:#?}");
    assert_eq!(found[0].broken, Broken::MissingNote("Timing: "));
    assert_eq!(
        found[0].place.field.as_deref(),
        Some("phase 3 (agenda): field `facilitator_notes`")
    );
    assert_eq!(found[1].broken, Broken::NoteKind);
    assert_eq!(
        found[1].place.line,
        Some(line_of(root, file, "Keep it to five minutes"))
    );
    assert!(
        shown[0].contains("no note starting `Timing:`"),
        "{}",
        shown[0]
    );
}

#[test]
fn a_plain_version_copied_a_saying_and_a_session_that_does_not_exist_are_found() {
    let dir = copy_of_sample();
    let root = dir.path();
    let file = "sessions/03-what-matters-to-me.toml";
    edit(
        root,
        file,
        "plain = \"\"\"\nToday: what matters most to you.\nAnd things from the check-in.\n\"\"\"",
        "plain = \"\"\"\nToday we put in order the things that matter most to us.\nWe also pick up topics from the check-in.\n\"\"\"",
    );
    edit(
        root,
        file,
        "Next time we set goals.",
        "Next time, in session 99, we set goals. One day at a time.",
    );
    let found = findings(root);
    let broken: Vec<&Broken> = found.iter().map(|f| &f.broken).collect();
    assert_eq!(
        broken,
        [
            &Broken::PlainSameAsStandard,
            &Broken::Saying("one day at a time"),
            &Broken::NoSuchSession(99)
        ],
        "{found:#?}"
    );
    assert_eq!(
        found[0].place.field.as_deref(),
        Some("phase 3 (agenda): field `plain`")
    );
    assert_eq!(
        found[1].place.field.as_deref(),
        Some("phase 5 (check-out): field `text`")
    );
}

/// Every finding is listed, not just the first, in file and line order.
#[test]
fn several_rules_broken_at_once_are_all_found_in_order() {
    let dir = copy_of_sample();
    let root = dir.path();
    edit(
        root,
        "tools/abc.toml",
        "just the facts",
        "just the facts, addict",
    );
    edit(
        root,
        "sessions/03-what-matters-to-me.toml",
        "How has your week been?",
        "How has your week been? Tell us who let you down.",
    );
    let abc = fs::read_to_string(root.join("tools/abc.toml")).unwrap();
    fs::write(
        root.join("tools/abd.toml"),
        abc.replace("id = \"abc\"", "id = \"abd\""),
    )
    .unwrap();
    let found = findings(root);
    let files: Vec<&str> = found.iter().map(|f| f.place.file.as_str()).collect();
    assert_eq!(
        files,
        [
            "sessions/03-what-matters-to-me.toml",
            "tools/abc.toml",
            "tools/abd.toml",
            "tools/abd.toml"
        ],
        "{found:#?}"
    );
    assert!(matches!(found[0].broken, Broken::Disclosure(_)));
    assert_eq!(found[1].broken, Broken::Label("addict"));
    // Line 1 (the id) before the step the label was copied into.
    assert_eq!(found[2].broken, Broken::UnusedTool("abd".into()));
    assert_eq!(found[3].broken, Broken::Label("addict"));
}

/// A note ending `.md`, in the top folder, `sessions/`, `tools/` or any
/// folder of `media/`, is never packed (issue 14: `media/NOTES.md` was).
#[test]
fn md_notes_anywhere_in_the_folder_are_never_packed() {
    let dir = copy_of_sample();
    let root = dir.path();
    fs::create_dir_all(root.join("media/drafts")).unwrap();
    for note in [
        "media/NOTES.md",
        "media/drafts/ideas.md",
        "sessions/NOTES.md",
        "tools/todo.md",
    ] {
        fs::write(root.join(note), "A note for the content team.\n").unwrap();
    }
    let source = load_source(root).unwrap();
    assert_eq!(
        source.origins.notes,
        [
            "README.md",
            "media/NOTES.md",
            "media/drafts/ideas.md",
            "sessions/NOTES.md",
            "tools/todo.md"
        ]
    );
    assert!(source
        .media
        .iter()
        .all(|m| !m.pack_path.as_str().ends_with(".md")));
    let fx = Fixture::new();
    let out = fx.path("notes.iopack");
    let options = BuildOptions {
        version: 1,
        created: t0(),
        expires: None,
        rotations: Vec::new(),
    };
    let manifest =
        build_pack_from_source(&source, &options, &fx.key, &out, &mut |_, _| {}).unwrap();
    assert!(manifest.files.len() > 20);
    let listed: Vec<&str> = manifest.files.iter().map(|f| f.path.as_str()).collect();
    assert!(listed.iter().all(|p| !p.ends_with(".md")), "{listed:?}");
    let installed = fx.install(&out).unwrap();
    assert!(!installed.dir().join("media/NOTES.md").exists());
}

/// `build_new_pack_from_source` never replaces a file (issue 14: `pack
/// build --out` silently overwrote one); `build_pack_from_source` does.
#[test]
fn a_new_pack_never_replaces_a_file_and_leaves_no_partial_file() {
    let source = load_source(&sample_dir()).unwrap();
    let fx = Fixture::new();
    let out = fx.path("taken.iopack");
    fs::write(&out, "an older pack").unwrap();
    let options = BuildOptions {
        version: 1,
        created: t0(),
        expires: None,
        rotations: Vec::new(),
    };
    let e =
        build_new_pack_from_source(&source, &options, &fx.key, &out, &mut |_, _| {}).unwrap_err();
    assert!(matches!(&e, BuildError::Exists(p) if *p == out), "{e:?}");
    assert!(e.to_string().contains("already exists"), "{e}");
    assert_eq!(fs::read_to_string(&out).unwrap(), "an older pack");
    let partial = out.with_extension("iopack.partial");
    assert!(!partial.exists());

    let fresh = fx.path("fresh.iopack");
    build_new_pack_from_source(&source, &options, &fx.key, &fresh, &mut |_, _| {}).unwrap();
    fx.install(&fresh).unwrap();
    assert!(!fresh.with_extension("iopack.partial").exists());

    build_pack_from_source(&source, &options, &fx.key, &out, &mut |_, _| {}).unwrap();
    let replaced = fs::read(&out).unwrap();
    assert!(
        replaced.starts_with(b"manifest.json"),
        "the old file is still there"
    );
}

#[test]
fn a_translation_that_loses_a_sentence_or_a_line_is_found_and_welsh_is_not_scored() {
    use content_pack::readability::sentence_count;
    let file = "tools/abc.toml";
    let sample_text = fs::read_to_string(sample_dir().join(file)).unwrap();
    // Step 1's plain Welsh, as the sample has it: three sentences.
    let plain_cy = sample_text
        .lines()
        .find(|l| l.starts_with("plain_cy = \""))
        .unwrap();
    let welsh = plain_cy
        .trim_start_matches("plain_cy = \"")
        .trim_end_matches('"');
    assert_eq!(sentence_count(welsh), 3, "{welsh}");

    // Two of its sentences run into one.
    let dir = copy_of_sample();
    let root = dir.path();
    let merged = plain_cy.replacen(". ", ", ", 1);
    edit(root, file, plain_cy, &merged);
    let found = all_findings(root);
    let f = only(
        &found,
        file,
        Some(line_of(root, file, &merged)),
        Some("step 1: field `plain_cy`"),
    );
    assert_eq!(
        f.broken,
        Broken::TranslationShape {
            language: Language::Cy,
            lines: 1,
            sentences: 2,
            english_lines: 1,
            english_sentences: 3,
        }
    );
    assert!(
        f.to_string()
            .contains("the Welsh version has 1 lines and 2 sentences, the English 1 and 3"),
        "{f}"
    );

    // A line of a session's Welsh text split in two.
    let dir = copy_of_sample();
    let root = dir.path();
    let file = "sessions/03-what-matters-to-me.toml";
    let text = fs::read_to_string(root.join(file)).unwrap();
    let opening = "text_cy = \"\"\"\n";
    let at = text.find(opening).unwrap() + opening.len();
    let end = at + text[at..].find(". ").unwrap() + 1;
    fs::write(
        root.join(file),
        format!("{}\n{}", &text[..end], &text[end + 1..]),
    )
    .unwrap();
    let found = all_findings(root);
    assert_eq!(found.len(), 1, "{found:#?}");
    assert!(
        matches!(
            found[0].broken,
            Broken::TranslationShape {
                lines: 10,
                english_lines: 9,
                ..
            }
        ),
        "{}",
        found[0]
    );

    // Welsh is never scored by the English readability rules, however long
    // its sentences.
    let dir = copy_of_sample();
    let root = dir.path();
    let long = format!(
        "plain_cy = \"{} yn gyfan gwbl ac yn gynhwysfawr gyda phob manylyn posibl wedi'i ddisgrifio'n ofalus ac yn drylwyr.{}",
        welsh.split_once('.').unwrap().0,
        welsh.split_once('.').unwrap().1,
    );
    edit(root, "tools/abc.toml", plain_cy, &format!("{long}\""));
    assert_eq!(all_findings(root), vec![]);
}
