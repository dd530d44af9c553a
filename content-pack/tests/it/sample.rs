//! The sample programme in `content-pack/sample/` (issue 3): it loads, it
//! follows the SMART meeting format, it covers the 4 points and the named
//! tools, it uses no labels, and it reads easily aloud.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use content_pack::{
    build_pack_from_source, load_source, BuildOptions, PhaseKind, Point, Source, WorksheetKind,
};

use crate::util::{t0, Fixture};

fn sample_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("sample")
}

fn sample() -> Source {
    match load_source(&sample_dir()) {
        Ok(source) => source,
        Err(e) => panic!("the sample does not load: {e}"),
    }
}

#[test]
fn the_sample_loads_and_validates() {
    let source = sample();
    assert_eq!(source.pack_id, "insideout-sample");
    assert!(!source.approval.approved_by.is_empty());
    assert!(!source.approval.reference.is_empty());
    source.programme.validate().unwrap();
}

#[test]
fn there_are_at_least_12_sessions_numbered_1_to_n_in_order() {
    let programme = sample().programme;
    assert!(
        programme.sessions.len() >= 12,
        "{} sessions",
        programme.sessions.len()
    );
    let numbers: Vec<u32> = programme.sessions.iter().map(|s| s.number).collect();
    let expected: Vec<u32> = (1..=programme.sessions.len() as u32).collect();
    assert_eq!(numbers, expected);
}

#[test]
fn every_session_runs_all_five_phases_in_order_and_its_minutes_add_up() {
    for session in sample().programme.sessions {
        let kinds: Vec<PhaseKind> = session.phases.iter().map(|p| p.kind).collect();
        assert_eq!(kinds, PhaseKind::ORDER, "session {}", session.id);
        let sum: u32 = session.phases.iter().map(|p| p.minutes).sum();
        assert_eq!(sum, session.minutes, "session {}", session.id);
        assert!(
            (60..=120).contains(&session.minutes),
            "session {} lasts {} minutes",
            session.id,
            session.minutes
        );
        assert!(
            session.phases.iter().all(|p| p.minutes > 0),
            "session {}",
            session.id
        );
    }
}

#[test]
fn every_main_work_uses_a_tool_and_every_tool_named_exists() {
    let programme = sample().programme;
    for session in &programme.sessions {
        let main = session
            .phases
            .iter()
            .find(|p| p.kind == PhaseKind::MainWork)
            .unwrap();
        assert!(
            !main.tools.is_empty(),
            "session {} main work has no tool",
            session.id
        );
        for id in session.tool_ids() {
            assert!(
                programme.tool(id).is_some(),
                "session {} uses missing tool {id}",
                session.id
            );
        }
    }
}

#[test]
fn every_tool_is_used_by_at_least_one_session() {
    let programme = sample().programme;
    let used: BTreeSet<&str> = programme
        .sessions
        .iter()
        .flat_map(|s| s.tool_ids())
        .collect();
    for tool in &programme.tools {
        assert!(
            used.contains(tool.id.as_str()),
            "tool {} is used by no session",
            tool.id
        );
    }
}

#[test]
fn sessions_and_tools_each_cover_all_4_points() {
    let programme = sample().programme;
    let by_sessions: BTreeSet<Point> = programme
        .sessions
        .iter()
        .flat_map(|s| s.points.iter().copied())
        .collect();
    let by_tools: BTreeSet<Point> = programme
        .tools
        .iter()
        .flat_map(|t| t.points.iter().copied())
        .collect();
    let all: BTreeSet<Point> = Point::ALL.into_iter().collect();
    assert_eq!(by_sessions, all);
    assert_eq!(by_tools, all);
}

#[test]
fn there_are_at_least_16_tools_including_every_named_one() {
    let programme = sample().programme;
    assert!(
        programme.tools.len() >= 16,
        "{} tools",
        programme.tools.len()
    );
    let named = [
        "cost-benefit",
        "hierarchy-of-values",
        "change-plan",
        "urge-log",
        "triggers-risks",
        "deads",
        "disarm",
        "abc",
        "unconditional-acceptance",
        "problem-solving",
        "brainstorming",
        "role-play",
        "lifestyle-balance",
        "vaci",
        "smart-goals",
        "plan-your-week",
    ];
    for id in named {
        assert!(programme.tool(id).is_some(), "no tool `{id}`");
    }
}

#[test]
fn every_tool_has_a_one_line_summary_steps_and_a_worksheet() {
    for tool in sample().programme.tools {
        assert!(
            !tool.summary.contains('\n'),
            "tool {}: summary is not one line",
            tool.id
        );
        assert!(tool.steps.len() >= 3, "tool {}: too few steps", tool.id);
        assert!(!tool.points.is_empty(), "tool {}", tool.id);
        assert!(!tool.worksheet.fields.is_empty(), "tool {}", tool.id);
    }
}

#[test]
fn the_cost_benefit_worksheet_has_four_boxes_and_the_abc_goes_to_e() {
    let programme = sample().programme;
    let cba = programme.tool("cost-benefit").unwrap();
    assert_eq!(cba.worksheet.kind, WorksheetKind::Grid);
    assert_eq!(cba.worksheet.fields.len(), 4);
    let abc = programme.tool("abc").unwrap();
    let labels: Vec<&str> = abc
        .worksheet
        .fields
        .iter()
        .map(|f| f.label.as_str())
        .collect();
    for letter in ["A:", "B:", "C:", "D:", "E:"] {
        assert!(
            labels.iter().any(|l| l.starts_with(letter)),
            "abc has no {letter} box"
        );
    }
    let pie = programme.tool("lifestyle-balance").unwrap();
    assert_eq!(pie.worksheet.kind, WorksheetKind::Rating);
}

#[test]
fn the_first_session_introduces_smart_the_4_points_the_ground_rules_and_confidentiality() {
    let programme = sample().programme;
    let first = &programme.sessions[0];
    assert_eq!(
        first.points.len(),
        4,
        "the introduction touches all 4 points"
    );
    let welcome = &first.phases[0];
    let text = &welcome.text.standard;
    for needle in [
        "SMART",
        "4 points",
        "ground rules",
        "labels",
        "stays in the group",
    ] {
        assert!(
            text.contains(needle),
            "the introduction does not mention {needle:?}"
        );
    }
    assert_eq!(welcome.media.as_deref(), Some("media/four-points.svg"));
}

#[test]
fn every_welcome_states_the_limits_of_confidentiality_in_both_versions() {
    for session in sample().programme.sessions {
        let welcome = &session.phases[0];
        let standard = welcome.text.standard.to_lowercase();
        let plain = welcome.text.plain.to_lowercase();
        for needle in ["harm", "someone else", "security", "pass it on"] {
            assert!(
                standard.contains(needle),
                "session {}: standard welcome lacks {needle:?}",
                session.id
            );
        }
        for needle in ["hurt", "not safe", "pass it on"] {
            assert!(
                plain.contains(needle),
                "session {}: plain welcome lacks {needle:?}",
                session.id
            );
        }
    }
}

#[test]
fn every_phase_has_facilitator_notes_on_what_to_say_what_to_watch_for_and_timing() {
    for session in sample().programme.sessions {
        for phase in &session.phases {
            for prefix in ["Say: ", "Watch for: ", "Timing: "] {
                assert!(
                    phase
                        .facilitator_notes
                        .iter()
                        .any(|n| n.starts_with(prefix)),
                    "session {}, {}: no {prefix:?} note",
                    session.id,
                    phase.kind
                );
            }
        }
    }
}

#[test]
fn every_phase_has_a_plain_version_different_from_the_standard_one() {
    for session in sample().programme.sessions {
        for phase in &session.phases {
            assert_ne!(
                phase.text.standard.trim(),
                phase.text.plain.trim(),
                "session {}, {}",
                session.id,
                phase.kind
            );
        }
    }
}

#[test]
fn the_sample_carries_its_diagram() {
    let source = sample();
    let paths: Vec<&str> = source.media.iter().map(|m| m.pack_path.as_str()).collect();
    assert_eq!(paths, ["media/four-points.svg"]);
    assert!(source.media[0].size > 0 && source.media[0].size < 16 * 1024);
}

#[test]
fn the_sample_builds_into_a_pack_that_installs_the_same_programme_and_diagram() {
    let source = sample();
    let fx = Fixture::new();
    let options = BuildOptions {
        version: 1,
        created: t0(),
        expires: None,
    };
    let out = fx.path("sample.iopack");
    build_pack_from_source(&source, &options, &fx.key, &out, &mut |_, _| {}).unwrap();
    let installed = fx.install(&out).unwrap();
    assert_eq!(installed.programme().unwrap(), source.programme);
    assert_eq!(
        std::fs::read(installed.dir().join("media/four-points.svg")).unwrap(),
        std::fs::read(sample_dir().join("media/four-points.svg")).unwrap()
    );
}

/// Labels the group never uses. The sample must not contain them anywhere,
/// not even to say they are not used.
const LABELS: [&str; 4] = ["addict", "alcoholic", "junkie", "druggie"];

#[test]
fn no_labelling_word_appears_anywhere_in_the_sample_folder() {
    let mut files = Vec::new();
    all_files(&sample_dir(), &mut files);
    assert!(files.len() > 30, "found only {} files", files.len());
    for file in files {
        let bytes = std::fs::read(&file).unwrap().to_ascii_lowercase();
        for label in LABELS {
            assert!(
                !bytes.windows(label.len()).any(|w| w == label.as_bytes()),
                "{} contains a labelling word",
                file.display()
            );
        }
    }
}

fn all_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            all_files(&path, out);
        } else {
            out.push(path);
        }
    }
}

#[test]
fn every_participant_text_reads_easily_flesch_at_least_70() {
    let mut hard = Vec::new();
    for session in sample().programme.sessions {
        for phase in &session.phases {
            for (version, text) in [
                ("standard", &phase.text.standard),
                ("plain", &phase.text.plain),
            ] {
                let score = flesch_reading_ease(text);
                if score < 70.0 {
                    hard.push(format!(
                        "{} {} {version}: {score:.1}",
                        session.id, phase.kind
                    ));
                }
            }
        }
    }
    assert!(hard.is_empty(), "hard to read:\n{}", hard.join("\n"));
}

#[test]
fn every_tool_summary_and_its_steps_read_easily_too() {
    for tool in sample().programme.tools {
        let text = format!("{} {}", tool.summary, tool.steps.join(" "));
        let score = flesch_reading_ease(&text);
        assert!(score >= 70.0, "tool {}: {score:.1}", tool.id);
    }
}

#[test]
fn the_readability_score_behaves_like_flesch() {
    // Short words in short sentences score high; long words in a long sentence score low.
    assert!(flesch_reading_ease("The cat sat on the mat. It was fun.") > 100.0);
    assert!(
        flesch_reading_ease(
            "Institutional confidentiality considerations necessitate comprehensive organisational documentation procedures."
        ) < 0.0
    );
    assert_eq!(syllables("cat"), 1);
    assert_eq!(syllables("table"), 2);
    assert_eq!(syllables("hope"), 1);
    assert_eq!(syllables("motivation"), 4);
}

/// Flesch Reading Ease: 206.835 − 1.015 × words per sentence − 84.6 × syllables per word.
fn flesch_reading_ease(text: &str) -> f64 {
    let words: Vec<&str> = text
        .split_whitespace()
        .filter(|w| w.chars().any(char::is_alphanumeric))
        .collect();
    if words.is_empty() {
        return 0.0;
    }
    // A run of . ! ? ends a sentence.
    let mut sentences = 0;
    let mut in_end = false;
    for c in text.chars() {
        let end = matches!(c, '.' | '!' | '?');
        if end && !in_end {
            sentences += 1;
        }
        in_end = end;
    }
    let sentences = sentences.max(1) as f64;
    let syllables: usize = words.iter().map(|w| syllables(w)).sum();
    let words_n = words.len() as f64;
    206.835 - 1.015 * (words_n / sentences) - 84.6 * (syllables as f64 / words_n)
}

/// Syllables in a word, by the usual heuristic: count groups of vowels after
/// dropping a silent ending (-es, -ed, a final e after a consonant).
fn syllables(word: &str) -> usize {
    let w: String = word
        .chars()
        .filter(char::is_ascii_alphabetic)
        .map(|c| c.to_ascii_lowercase())
        .collect();
    if w.is_empty() {
        return 0;
    }
    if w.len() <= 3 {
        return 1;
    }
    let mut w = w.as_str();
    if let Some(s) = w.strip_suffix("es").or_else(|| w.strip_suffix("ed")) {
        w = s;
    } else if let Some(s) = w.strip_suffix('e') {
        if !s.ends_with(['l', 'a', 'e', 'i', 'o', 'u', 'y']) {
            w = s;
        }
    }
    let w = w.strip_prefix('y').unwrap_or(w);
    let mut count = 0;
    let mut previous_vowel = false;
    for c in w.chars() {
        let vowel = matches!(c, 'a' | 'e' | 'i' | 'o' | 'u' | 'y');
        if vowel && !previous_vowel {
            count += 1;
        }
        previous_vowel = vowel;
    }
    count.max(1)
}
