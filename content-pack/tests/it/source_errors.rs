//! `load_source` refuses bad pack sources and names the file and field at
//! fault (issue 3). Each test builds a small valid source, breaks one thing,
//! and checks the message a content editor would read.

use std::fs;
use std::path::Path;

use content_pack::{load_source, SourceError};
use tempfile::TempDir;

const PACK: &str = r#"
id = "test-pack"
title = "Test programme"

[approval]
approved_by = "Test lead"
reference = "T-1"

[[points]]
number = 1
picture = "media/pic.svg"

[[points]]
number = 2
picture = "media/pic.svg"

[[points]]
number = 3
picture = "media/pic.svg"

[[points]]
number = 4
picture = "media/pic.svg"
"#;

const SAFETY: &str = r#"
[[sections]]
id = "harm"
title = "Risk of harm"
steps = ["Tell the wing officer before the group leaves."]
"#;

const TOOL: &str = r#"
id = "abc"
name = "ABC"
plain_name = "A, B, C"
points = [3]
summary = "Test a belief."
plain_summary = "Check a thought."
picture = "media/pic.svg"

[[steps]]
text = "Write A."
plain = "Put A."

[[steps]]
text = "Write B."
plain = "Put B."

[worksheet]
kind = "list"

[[worksheet.fields]]
label = "A"
plain_label = "What happened"
"#;

const SESSION: &str = r#"
id = "s01-test"
number = 1
title = "Test session"
plain_title = "Test"
points = [3]
minutes = 60

[[phases]]
kind = "welcome"
title = "Welcome"
plain_title = "Welcome"
minutes = 10
text = "Hello."
plain = "Hi."
facilitator_notes = ["Say: hello."]

[[phases]]
kind = "check-in"
title = "Check-in"
plain_title = "Check-in"
minutes = 10
text = "How are you?"
plain = "How are you?"
facilitator_notes = ["Say: go round."]

[[phases]]
kind = "agenda"
title = "Agenda"
plain_title = "Agenda"
minutes = 5
text = "Today: ABC."
plain = "Today: ABC."
facilitator_notes = ["Say: agree topics."]

[[phases]]
kind = "main-work"
title = "ABC"
plain_title = "ABC"
minutes = 30
tools = ["abc"]
text = "Let us do the ABC."
plain = "ABC."
facilitator_notes = ["Say: explain it."]

[[phases]]
kind = "check-out"
title = "Check-out"
plain_title = "Check-out"
minutes = 5
text = "Bye."
plain = "Bye."
facilitator_notes = ["Say: thanks."]
"#;

/// A small source that loads, to be broken one way per test.
pub(crate) fn valid_source() -> TempDir {
    let dir = tempfile::tempdir().unwrap();
    let root = dir.path();
    fs::create_dir_all(root.join("sessions")).unwrap();
    fs::create_dir_all(root.join("tools")).unwrap();
    fs::create_dir_all(root.join("media")).unwrap();
    fs::write(root.join("pack.toml"), PACK).unwrap();
    fs::write(root.join("safety.toml"), SAFETY).unwrap();
    fs::write(root.join("tools/abc.toml"), TOOL).unwrap();
    fs::write(root.join("sessions/01-test.toml"), SESSION).unwrap();
    fs::write(root.join("media/pic.svg"), "<svg/>").unwrap();
    fs::write(root.join("README.md"), "notes").unwrap();
    dir
}

pub(crate) fn edit(root: &Path, file: &str, from: &str, to: &str) {
    let path = root.join(file);
    let text = fs::read_to_string(&path).unwrap();
    assert!(text.contains(from), "{file} has no {from:?}");
    fs::write(path, text.replacen(from, to, 1)).unwrap();
}

pub(crate) fn load_err(root: &Path) -> (SourceError, String) {
    match load_source(root) {
        Ok(_) => panic!("the broken source loaded"),
        Err(e) => {
            let message = e.to_string();
            (e, message)
        }
    }
}

fn assert_mentions(message: &str, parts: &[&str]) {
    for part in parts {
        assert!(
            message.contains(part),
            "{message:?} does not mention {part:?}"
        );
    }
}

#[test]
fn the_valid_source_loads_with_its_media() {
    let dir = valid_source();
    let source = load_source(dir.path()).unwrap();
    assert_eq!(source.pack_id, "test-pack");
    assert_eq!(source.approval.reference, "T-1");
    assert_eq!(source.programme.title, "Test programme");
    assert_eq!(source.programme.sessions.len(), 1);
    assert_eq!(source.media.len(), 1);
    assert_eq!(source.media[0].pack_path.as_str(), "media/pic.svg");
    assert_eq!(source.media[0].size, 6);
    assert_eq!(source.media[0].file, dir.path().join("media/pic.svg"));
}

#[test]
fn media_is_listed_recursively_and_sorted_by_pack_path() {
    let dir = valid_source();
    let root = dir.path();
    fs::create_dir_all(root.join("media/audio")).unwrap();
    fs::write(root.join("media/audio/b.ogg"), "b").unwrap();
    fs::write(root.join("media/a.png"), "a").unwrap();
    let source = load_source(root).unwrap();
    let paths: Vec<&str> = source.media.iter().map(|m| m.pack_path.as_str()).collect();
    assert_eq!(paths, ["media/a.png", "media/audio/b.ogg", "media/pic.svg"]);
}

#[test]
fn an_unknown_field_names_the_file_line_and_field() {
    let dir = valid_source();
    edit(dir.path(), "tools/abc.toml", "summary =", "sumary =");
    let (e, message) = load_err(dir.path());
    assert!(
        matches!(e, SourceError::Invalid { line: Some(6), .. }),
        "{e:?}"
    );
    assert_mentions(
        &message,
        &[
            "tools/abc.toml",
            "line 6",
            "unknown field `sumary`",
            "`summary`",
        ],
    );
}

/// A misspelt table is the unknown field; it is not named as the table
/// the mistake is in.
#[test]
fn a_misspelt_table_is_named_as_the_unknown_field_only() {
    let dir = valid_source();
    edit(dir.path(), "tools/abc.toml", "[[steps]]", "[[stpes]]");
    let (_, message) = load_err(dir.path());
    assert!(
        message.starts_with(
            "tools/abc.toml (line 10): unknown field `stpes`; the fields allowed here are `id`,"
        ),
        "{message}"
    );
}

#[test]
fn a_wrong_type_names_the_phase_and_field() {
    let dir = valid_source();
    edit(
        dir.path(),
        "sessions/01-test.toml",
        "minutes = 30",
        "minutes = \"thirty\"",
    );
    let (_, message) = load_err(dir.path());
    assert_mentions(
        &message,
        &[
            "sessions/01-test.toml",
            "phase 4 (main-work)",
            "field `minutes`",
            "expected a whole number",
        ],
    );
}

#[test]
fn a_missing_field_names_the_phase_and_field() {
    let dir = valid_source();
    edit(
        dir.path(),
        "sessions/01-test.toml",
        "title = \"Check-in\"\n",
        "",
    );
    let (_, message) = load_err(dir.path());
    assert_mentions(
        &message,
        &[
            "sessions/01-test.toml",
            "phase 2 (check-in)",
            "field `title` is missing",
        ],
    );
}

#[test]
fn a_wrong_type_in_a_worksheet_field_names_it() {
    let dir = valid_source();
    edit(dir.path(), "tools/abc.toml", "label = \"A\"", "label = 1");
    let (_, message) = load_err(dir.path());
    assert_mentions(
        &message,
        &[
            "tools/abc.toml",
            "worksheet field 1",
            "field `label`",
            "expected text in quotes",
        ],
    );
}

#[test]
fn a_point_outside_1_to_4_is_refused() {
    let dir = valid_source();
    edit(dir.path(), "tools/abc.toml", "points = [3]", "points = [5]");
    let (_, message) = load_err(dir.path());
    assert_mentions(
        &message,
        &[
            "tools/abc.toml",
            "field `points`",
            "5 is not one of the 4 points",
        ],
    );
}

#[test]
fn a_missing_tool_reference_names_the_phase_and_tool() {
    let dir = valid_source();
    edit(
        dir.path(),
        "sessions/01-test.toml",
        "tools = [\"abc\"]",
        "tools = [\"nope\"]",
    );
    let (_, message) = load_err(dir.path());
    assert_mentions(
        &message,
        &[
            "sessions/01-test.toml",
            "phase 4 (main-work)",
            "field `tools`",
            "no tool `nope`",
        ],
    );
}

#[test]
fn a_tool_whose_id_differs_from_its_file_name_is_refused() {
    let dir = valid_source();
    edit(dir.path(), "tools/abc.toml", "id = \"abc\"", "id = \"abd\"");
    let (_, message) = load_err(dir.path());
    assert_mentions(
        &message,
        &["tools/abc.toml", "field `id`", "match the file name"],
    );
}

#[test]
fn a_media_reference_to_a_missing_file_is_refused() {
    let dir = valid_source();
    edit(
        dir.path(),
        "sessions/01-test.toml",
        "minutes = 10\ntext = \"Hello.\"",
        "minutes = 10\nmedia = \"media/nope.png\"\ntext = \"Hello.\"",
    );
    let (_, message) = load_err(dir.path());
    assert_mentions(
        &message,
        &[
            "sessions/01-test.toml",
            "phase 1 (welcome)",
            "field `media`",
            "media/nope.png",
        ],
    );
}

#[test]
fn a_media_reference_that_exists_loads() {
    let dir = valid_source();
    edit(
        dir.path(),
        "sessions/01-test.toml",
        "minutes = 10\ntext = \"Hello.\"",
        "minutes = 10\nmedia = \"media/pic.svg\"\ntext = \"Hello.\"",
    );
    let source = load_source(dir.path()).unwrap();
    assert_eq!(
        source.programme.sessions[0].phases[0].media.as_deref(),
        Some("media/pic.svg")
    );
}

#[cfg(unix)]
#[test]
fn a_media_symlink_is_refused() {
    let dir = valid_source();
    std::os::unix::fs::symlink("/etc/passwd", dir.path().join("media/link.svg")).unwrap();
    let (e, message) = load_err(dir.path());
    assert!(matches!(e, SourceError::Link { .. }), "{e:?}");
    assert_mentions(&message, &["media/link.svg", "links are not allowed"]);
}

#[cfg(unix)]
#[test]
fn a_symlinked_session_file_or_folder_is_refused() {
    let dir = valid_source();
    let root = dir.path();
    let other = tempfile::tempdir().unwrap();
    fs::rename(
        root.join("sessions/01-test.toml"),
        other.path().join("01-test.toml"),
    )
    .unwrap();
    std::os::unix::fs::symlink(
        other.path().join("01-test.toml"),
        root.join("sessions/01-test.toml"),
    )
    .unwrap();
    let (e, message) = load_err(root);
    assert!(matches!(e, SourceError::Link { .. }), "{e:?}");
    assert_mentions(
        &message,
        &["sessions/01-test.toml", "links are not allowed"],
    );

    let dir = valid_source();
    let root = dir.path();
    let other = tempfile::tempdir().unwrap();
    fs::rename(root.join("media"), other.path().join("media")).unwrap();
    std::os::unix::fs::symlink(other.path().join("media"), root.join("media")).unwrap();
    let (e, message) = load_err(root);
    assert!(matches!(e, SourceError::Link { .. }), "{e:?}");
    assert_mentions(&message, &["media: links are not allowed"]);
}

#[cfg(unix)]
#[test]
fn a_socket_or_other_special_file_is_refused() {
    let dir = valid_source();
    let _listener = std::os::unix::net::UnixListener::bind(dir.path().join("media/sock")).unwrap();
    let (e, message) = load_err(dir.path());
    assert!(matches!(e, SourceError::NotAFile { .. }), "{e:?}");
    assert_mentions(&message, &["media/sock"]);
}

#[test]
fn a_media_name_a_pack_cannot_carry_is_refused() {
    for name in ["my picture.png", ".hidden.png", "café.png"] {
        let dir = valid_source();
        fs::write(dir.path().join("media").join(name), "x").unwrap();
        let (e, message) = load_err(dir.path());
        assert!(
            matches!(e, SourceError::BadMediaName { .. }),
            "{name}: {e:?}"
        );
        assert_mentions(&message, &[&format!("media/{name}"), "rename the file"]);
    }
}

#[test]
fn stray_files_and_folders_are_refused_not_ignored() {
    let dir = valid_source();
    fs::write(dir.path().join("notes.txt"), "x").unwrap();
    let (e, message) = load_err(dir.path());
    assert!(matches!(e, SourceError::Unexpected { .. }), "{e:?}");
    assert_mentions(&message, &["notes.txt"]);

    let dir = valid_source();
    fs::write(dir.path().join("sessions/02-draft.txt"), "x").unwrap();
    let (_, message) = load_err(dir.path());
    assert_mentions(&message, &["sessions/02-draft.txt", "only .toml files"]);
}

#[test]
fn a_missing_pack_toml_or_folder_is_named() {
    let dir = valid_source();
    fs::remove_file(dir.path().join("pack.toml")).unwrap();
    let (_, message) = load_err(dir.path());
    assert_mentions(&message, &["pack.toml is missing"]);

    let dir = valid_source();
    fs::remove_dir_all(dir.path().join("tools")).unwrap();
    let (_, message) = load_err(dir.path());
    assert_mentions(&message, &["tools/ is missing"]);
}

#[test]
fn a_syntax_error_names_the_file_and_line() {
    let dir = valid_source();
    edit(
        dir.path(),
        "pack.toml",
        "title = \"Test programme\"",
        "title = \"Test programme",
    );
    let (e, message) = load_err(dir.path());
    assert!(
        matches!(e, SourceError::Invalid { line: Some(3), .. }),
        "{e:?}"
    );
    assert_mentions(&message, &["pack.toml", "line 3", "TOML writing mistake"]);
}

#[test]
fn two_sessions_with_one_number_name_both_files() {
    let dir = valid_source();
    let root = dir.path();
    let copy = SESSION.replace("id = \"s01-test\"", "id = \"s02-test\"");
    fs::write(root.join("sessions/02-test.toml"), copy).unwrap();
    let (e, message) = load_err(root);
    assert!(
        matches!(e, SourceError::Invalid { line: Some(3), .. }),
        "{e:?}"
    );
    assert_mentions(
        &message,
        &[
            "sessions/02-test.toml",
            "field `number`",
            "sessions/01-test.toml uses it too",
        ],
    );
}

#[test]
fn an_approval_field_error_names_the_approval_table() {
    let dir = valid_source();
    edit(
        dir.path(),
        "pack.toml",
        "reference = \"T-1\"",
        "referense = \"T-1\"",
    );
    let (_, message) = load_err(dir.path());
    assert_mentions(
        &message,
        &[
            "pack.toml",
            "approval",
            "unknown field `referense`",
            "`approved_by` or `reference`",
        ],
    );
}

/// Follows `source()` as `anyhow`'s `{:#}` does, joining every cause.
fn with_causes(e: &SourceError) -> String {
    let mut line = e.to_string();
    let mut cause = std::error::Error::source(e);
    while let Some(c) = cause {
        line.push_str(&format!(": {c}"));
        cause = c.source();
    }
    line
}

/// A rule about a whole session (issue 14): the file and the line of the
/// field the rule is about, and the rule said once, however it is printed.
#[test]
fn a_session_level_rule_broken_names_the_file_and_line_once() {
    let dir = valid_source();
    edit(
        dir.path(),
        "sessions/01-test.toml",
        "minutes = 60",
        "minutes = 65",
    );
    let (e, message) = load_err(dir.path());
    assert!(
        matches!(e, SourceError::Programme { line: Some(7), .. }),
        "{e:?}"
    );
    assert_eq!(
        message,
        "sessions/01-test.toml (line 7): session 1 `s01-test`: its phases add up to 60 minutes but the session says 65"
    );
    assert_eq!(with_causes(&e), message, "the rule is printed twice");
    assert!(std::error::Error::source(&e).is_none());
}

#[test]
fn phases_out_of_order_name_the_first_phase_out_of_place() {
    let dir = valid_source();
    edit(
        dir.path(),
        "sessions/01-test.toml",
        "kind = \"agenda\"",
        "kind = \"check-in\"",
    );
    let (e, message) = load_err(dir.path());
    assert!(
        matches!(e, SourceError::Programme { line: Some(27), .. }),
        "{e:?}"
    );
    assert_mentions(
        &message,
        &["sessions/01-test.toml (line 27)", "phases must be exactly"],
    );
    assert_eq!(message.matches("phases must be exactly").count(), 1);
}

#[test]
fn every_session_and_tool_rule_names_a_line() {
    let cases: [(&str, &str, &str, usize); 6] = [
        ("sessions/01-test.toml", "minutes = 60", "minutes = 95", 7),
        ("sessions/01-test.toml", "points = [3]", "points = []", 6),
        (
            "sessions/01-test.toml",
            "facilitator_notes = [\"Say: hello.\"]",
            "facilitator_notes = []",
            16,
        ),
        ("sessions/01-test.toml", "tools = [\"abc\"]\n", "", 36),
        (
            "tools/abc.toml",
            "summary = \"Test a belief.\"",
            "summary = \" \"",
            6,
        ),
        ("tools/abc.toml", "plain = \"Put B.\"", "plain = \"\"", 16),
    ];
    for (file, from, to, line) in cases {
        let dir = valid_source();
        edit(dir.path(), file, from, to);
        let (e, message) = load_err(dir.path());
        assert!(
            matches!(e, SourceError::Programme { line: Some(l), .. } if l == line),
            "{to:?}: {e:?}"
        );
        assert!(
            message.starts_with(&format!("{file} (line {line}): ")),
            "{message}"
        );
        assert_eq!(with_causes(&e), message);
    }
}

#[test]
fn an_unknown_phase_kind_lists_the_kinds_allowed() {
    let dir = valid_source();
    edit(
        dir.path(),
        "sessions/01-test.toml",
        "kind = \"agenda\"",
        "kind = \"agnda\"",
    );
    let (_, message) = load_err(dir.path());
    assert_mentions(
        &message,
        &[
            "sessions/01-test.toml",
            "phase 3",
            "field `kind`",
            "`agnda` is not allowed",
            "main-work",
        ],
    );
}

#[test]
fn a_programme_rule_broken_in_a_tool_is_reported_with_the_tool_file() {
    let dir = valid_source();
    edit(
        dir.path(),
        "tools/abc.toml",
        "summary = \"Test a belief.\"",
        "summary = \" \"",
    );
    let (_, message) = load_err(dir.path());
    assert_mentions(
        &message,
        &["tools/abc.toml", "tool `abc`", "field `summary` is empty"],
    );
}

#[test]
fn a_path_that_is_not_a_folder_is_refused() {
    let dir = valid_source();
    let (e, _) = load_err(&dir.path().join("pack.toml"));
    assert!(matches!(e, SourceError::NotAFolder(_)), "{e:?}");
}

#[test]
fn phases_written_as_a_single_table_are_refused_without_a_crash() {
    let dir = valid_source();
    edit(
        dir.path(),
        "sessions/01-test.toml",
        "[[phases]]",
        "[phases]",
    );
    let (_, message) = load_err(dir.path());
    assert_mentions(&message, &["sessions/01-test.toml", "line"]);
}

/// Every text the room sees has a plain version (issue 10): leaving one out,
/// or leaving it blank, is refused with the file and the field named.
#[test]
fn every_participant_text_without_its_plain_version_is_refused_naming_file_and_field() {
    let cases: [(&str, &str, &[&str]); 7] = [
        (
            "sessions/01-test.toml",
            "plain_title = \"Test\"\n",
            &["field `plain_title` is missing"],
        ),
        (
            "sessions/01-test.toml",
            "plain = \"Hi.\"\n",
            &["phase 1 (welcome)", "field `plain` is missing"],
        ),
        (
            "tools/abc.toml",
            "plain_name = \"A, B, C\"\n",
            &["field `plain_name` is missing"],
        ),
        (
            "tools/abc.toml",
            "plain_summary = \"Check a thought.\"\n",
            &["field `plain_summary` is missing"],
        ),
        (
            "tools/abc.toml",
            "plain = \"Put B.\"\n",
            &["step 2", "field `plain` is missing"],
        ),
        (
            "tools/abc.toml",
            "plain_label = \"What happened\"\n",
            &["worksheet field 1", "field `plain_label` is missing"],
        ),
        (
            "sessions/01-test.toml",
            "plain_title = \"ABC\"\n",
            &["phase 4 (main-work)", "field `plain_title` is missing"],
        ),
    ];
    for (file, line, parts) in cases {
        let dir = valid_source();
        edit(dir.path(), file, line, "");
        let (_, message) = load_err(dir.path());
        let mut expected = vec![file];
        expected.extend_from_slice(parts);
        assert_mentions(&message, &expected);
    }
}

#[test]
fn a_blank_plain_version_is_refused_naming_the_field() {
    let dir = valid_source();
    edit(
        dir.path(),
        "tools/abc.toml",
        "plain = \"Put B.\"",
        "plain = \" \"",
    );
    let (e, message) = load_err(dir.path());
    assert!(matches!(e, SourceError::Programme { .. }), "{e:?}");
    assert_mentions(
        &message,
        &[
            "tools/abc.toml",
            "tool `abc`",
            "step 2",
            "field `plain` is empty",
        ],
    );

    let dir = valid_source();
    edit(
        dir.path(),
        "sessions/01-test.toml",
        "plain_title = \"Check-in\"",
        "plain_title = \"\"",
    );
    let (_, message) = load_err(dir.path());
    assert_mentions(
        &message,
        &[
            "sessions/01-test.toml",
            "phase Check-in",
            "field `plain_title` is empty",
        ],
    );
}

#[test]
fn a_prompt_without_its_plain_version_is_refused_but_no_prompt_at_all_loads() {
    let dir = valid_source();
    edit(
        dir.path(),
        "tools/abc.toml",
        "plain_label = \"What happened\"",
        "plain_label = \"What happened\"\nprompt = \"Just the facts\"",
    );
    let (_, message) = load_err(dir.path());
    assert_mentions(
        &message,
        &[
            "tools/abc.toml",
            "worksheet field 1",
            "field `plain_prompt` is empty",
        ],
    );
    load_source(valid_source().path()).unwrap();
}

#[test]
fn a_tool_without_a_picture_or_with_a_missing_one_is_refused() {
    let dir = valid_source();
    edit(
        dir.path(),
        "tools/abc.toml",
        "picture = \"media/pic.svg\"\n",
        "",
    );
    let (_, message) = load_err(dir.path());
    assert_mentions(&message, &["tools/abc.toml", "field `picture` is missing"]);

    let dir = valid_source();
    edit(
        dir.path(),
        "tools/abc.toml",
        "picture = \"media/pic.svg\"",
        "picture = \"media/abc.svg\"",
    );
    let (_, message) = load_err(dir.path());
    assert_mentions(
        &message,
        &[
            "tools/abc.toml",
            "field `picture`",
            "no file `media/abc.svg`",
        ],
    );
}

#[test]
fn every_point_needs_a_picture_named_in_pack_toml() {
    let dir = valid_source();
    edit(
        dir.path(),
        "pack.toml",
        "[[points]]\nnumber = 3\npicture = \"media/pic.svg\"\n",
        "",
    );
    let (e, message) = load_err(dir.path());
    assert!(matches!(e, SourceError::Programme { .. }), "{e:?}");
    assert_mentions(&message, &["pack.toml", "Point 3", "no picture"]);

    let dir = valid_source();
    edit(
        dir.path(),
        "pack.toml",
        "number = 2\npicture = \"media/pic.svg\"",
        "number = 2\npicture = \"media/urges.svg\"",
    );
    let (_, message) = load_err(dir.path());
    assert_mentions(
        &message,
        &[
            "pack.toml",
            "points entry 2 (point 2)",
            "field `picture`",
            "media/urges.svg",
        ],
    );
}

#[test]
fn the_safety_guide_is_required_and_checked() {
    let dir = valid_source();
    fs::remove_file(dir.path().join("safety.toml")).unwrap();
    let (_, message) = load_err(dir.path());
    assert_mentions(
        &message,
        &["safety.toml is missing", "safety and disclosure guide"],
    );

    let dir = valid_source();
    edit(
        dir.path(),
        "safety.toml",
        "steps = [\"Tell the wing officer before the group leaves.\"]",
        "steps = []",
    );
    let (_, message) = load_err(dir.path());
    assert_mentions(
        &message,
        &["safety.toml", "section `harm`", "field `steps`"],
    );

    let dir = valid_source();
    edit(dir.path(), "safety.toml", "title =", "titel =");
    let (_, message) = load_err(dir.path());
    assert_mentions(
        &message,
        &["safety.toml", "section 1", "unknown field `titel`"],
    );
}

proptest::proptest! {
    #![proptest_config(proptest::prelude::ProptestConfig { cases: 200, .. Default::default() })]

    /// Any edit of a session or tool file (a range replaced by TOML-ish
    /// characters) loads or is refused with a message naming the file; the
    /// loader's and the content rules' line and field finding never panics.
    #[test]
    fn any_edit_loads_or_names_the_file(
        file in proptest::sample::select(vec!["sessions/01-test.toml", "tools/abc.toml", "pack.toml", "safety.toml"]),
        at in proptest::prelude::any::<proptest::sample::Index>(),
        len in 0usize..40,
        insert in "[\\[\\]\"'=,{}#\\n a-z0-9.é-]{0,12}",
    ) {
        let dir = valid_source();
        let path = dir.path().join(file);
        let text = fs::read_to_string(&path).unwrap();
        let start = at.index(text.len());
        let start = (0..=start).rev().find(|&i| text.is_char_boundary(i)).unwrap();
        let end = (start + len).min(text.len());
        let end = (end..=text.len()).find(|&i| text.is_char_boundary(i)).unwrap();
        fs::write(&path, format!("{}{}{}", &text[..start], insert, &text[end..])).unwrap();
        match load_source(dir.path()) {
            Err(e) => {
                let message = e.to_string();
                proptest::prop_assert!(message.contains(file), "{message}");
                proptest::prop_assert!(!message.contains('\n'), "{message:?}");
            }
            // The content rules read the edited text too, and never panic.
            Ok(source) => {
                for finding in content_pack::rules::check(&source).unwrap() {
                    let line = finding.to_string();
                    proptest::prop_assert!(!line.contains('\n'), "{line:?}");
                }
            }
        }
    }
}

const WELSH: &str = r#"
[[translations]]
language = "cy"
reference = "T-1-CY (draft)"
"#;

/// Adds a Welsh version ("Cy: " and the English) after every room text of
/// `file`, one line each.
fn translate(root: &Path, file: &str) {
    const ROOM_KEYS: [&str; 12] = [
        "title",
        "plain_title",
        "text",
        "plain",
        "name",
        "plain_name",
        "summary",
        "plain_summary",
        "label",
        "plain_label",
        "prompt",
        "plain_prompt",
    ];
    let path = root.join(file);
    let mut out = String::new();
    for line in fs::read_to_string(&path).unwrap().lines() {
        out.push_str(line);
        out.push('\n');
        if let Some((key, value)) = line.split_once(" = \"") {
            if ROOM_KEYS.contains(&key) {
                out.push_str(&format!("{key}_cy = \"Cy: {value}\n"));
            }
        }
    }
    fs::write(path, out).unwrap();
}

pub(crate) fn welsh_source() -> TempDir {
    let dir = valid_source();
    fs::write(dir.path().join("pack.toml"), format!("{PACK}{WELSH}")).unwrap();
    translate(dir.path(), "tools/abc.toml");
    translate(dir.path(), "sessions/01-test.toml");
    dir
}

#[test]
fn a_welsh_translation_loads_and_each_text_picks_its_language() {
    use content_pack::{Language, Programme};
    let source = load_source(welsh_source().path()).unwrap();
    let p = &source.programme;
    assert_eq!(p.translations.len(), 1);
    assert_eq!(p.translations[0].language, Language::Cy);
    assert_eq!(p.translations[0].reference, "T-1-CY (draft)");
    let welcome = &p.sessions[0].phases[0].text;
    assert_eq!(welcome.pick_in(Language::Cy, false), "Cy: Hello.");
    assert_eq!(welcome.pick_in(Language::Cy, true), "Cy: Hi.");
    assert_eq!(welcome.pick_in(Language::En, true), "Hi.");
    let tool = &p.tools[0];
    assert_eq!(tool.steps[1].pick_in(Language::Cy, true), "Cy: Put B.");
    assert_eq!(
        tool.worksheet.fields[0].label.pick_in(Language::Cy, false),
        "Cy: A"
    );
    // The pack's programme.json carries the translations.
    let json = serde_json::to_string(p).unwrap();
    let back: Programme = serde_json::from_str(&json).unwrap();
    assert_eq!(&back, p);
    back.validate().unwrap();
}

#[test]
fn every_text_missing_its_welsh_is_named_with_its_file_line_and_field() {
    let dir = valid_source();
    fs::write(dir.path().join("pack.toml"), format!("{PACK}{WELSH}")).unwrap();
    translate(dir.path(), "tools/abc.toml");
    // The session's Welsh is not started: its title and its five phases'
    // titles and texts, each in both versions, are named.
    let (e, message) = load_err(dir.path());
    let SourceError::Several(all) = &e else {
        panic!("expected every missing text at once, got {e:?}")
    };
    assert_eq!(all.len(), 11, "{message}");
    assert!(
        message.starts_with("11 texts the room sees need fixing:"),
        "{message}"
    );
    for part in [
        "sessions/01-test.toml (line 4): session 1 `s01-test`: field `title_cy` is empty",
        "sessions/01-test.toml (line 11): session 1 `s01-test`, phase Welcome: field `title_cy` is empty",
        "sessions/01-test.toml (line 51): session 1 `s01-test`, phase Check-out: field `text_cy` is empty",
        "every text the room sees needs its Welsh version",
    ] {
        assert!(message.contains(part), "{message:?} does not mention {part:?}");
    }
    assert!(
        message
            .lines()
            .skip(1)
            .all(|l| l.starts_with("  sessions/01-test.toml (line ")),
        "{message}"
    );
}

#[test]
fn a_half_translated_text_names_the_missing_half() {
    let dir = welsh_source();
    edit(
        dir.path(),
        "tools/abc.toml",
        "plain_cy = \"Cy: Put B.\"\n",
        "",
    );
    let (e, message) = load_err(dir.path());
    assert!(
        matches!(e, SourceError::Programme { line: Some(_), .. }),
        "{e:?}"
    );
    assert_mentions(
        &message,
        &[
            "tools/abc.toml",
            "tool `abc`",
            "step 2",
            "field `plain_cy` is empty",
        ],
    );
}

#[test]
fn welsh_in_a_pack_that_claims_no_welsh_is_refused() {
    let dir = welsh_source();
    fs::write(dir.path().join("pack.toml"), PACK).unwrap();
    let (_, message) = load_err(dir.path());
    assert_mentions(
        &message,
        &[
            "field `name_cy` is given",
            "no [[translations]] entry for Welsh",
        ],
    );
}

#[test]
fn english_is_no_translation_and_a_translation_needs_its_reference() {
    for (translations, parts) in [
        (
            "[[translations]]\nlanguage = \"en\"\nreference = \"X\"\n",
            &[
                "translation 1 (en)",
                "English is every pack's base language",
            ][..],
        ),
        (
            "[[translations]]\nlanguage = \"cy\"\nreference = \" \"\n",
            &["translation 1 (cy)", "field `reference` is empty"][..],
        ),
        (
            &format!("{WELSH}{WELSH}"),
            &["translation 2 (cy)", "listed twice"][..],
        ),
        (
            "[[translations]]\nlanguage = \"fr\"\nreference = \"X\"\n",
            &["pack.toml", "fr"][..],
        ),
    ] {
        let dir = welsh_source();
        fs::write(
            dir.path().join("pack.toml"),
            format!("{PACK}{translations}"),
        )
        .unwrap();
        let (_, message) = load_err(dir.path());
        let mut expected = vec!["pack.toml"];
        expected.extend_from_slice(parts);
        assert_mentions(&message, &expected);
    }
}
