//! The sample programme in `content-pack/sample/` (issues 3 and 10): it
//! loads, it follows the SMART meeting format in times that fit a group of
//! twelve, it covers the 4 points and the named tools, it is safe to put on a
//! wing's big screen (no prompt invites an offence, a victim, or a named
//! person or place; every welcome states the ground rules and the limits of
//! confidentiality), it carries a facilitator safety guide, and every idea has
//! plain words and a picture.
//!
//! The content rules every pack source follows (safe wording, readability,
//! the welcome, timings for twelve, every tool used…) are library code,
//! `content_pack::rules`, which `pack build` and `pack check` run; here the
//! sample is held to them, and to what only the sample must have: its
//! sessions, tools and safety guide. `rules.rs` checks that each rule
//! catches what it is for; `readability.rs` cross-checks the readability
//! rule with a pronouncing dictionary.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use content_pack::readability::{flesch_reading_ease, words, Reader, SHORT_WORDS};
use content_pack::rules::{self, disclosure_in};
use content_pack::{
    build_pack_from_source, load_source, BuildOptions, PhaseKind, Point, Session, Source,
    WorksheetKind,
};

use crate::util::{t0, Fixture};

pub fn sample_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("sample")
}

pub fn sample() -> Source {
    match load_source(&sample_dir()) {
        Ok(source) => source,
        Err(e) => panic!("the sample does not load: {e}"),
    }
}

fn phase(session: &Session, kind: PhaseKind) -> &content_pack::Phase {
    match session.phases.iter().find(|p| p.kind == kind) {
        Some(p) => p,
        None => panic!("session {} has no {kind}", session.id),
    }
}

fn all_text(session: &Session) -> String {
    session
        .phases
        .iter()
        .flat_map(|p| [p.text.standard.as_str(), p.text.plain.as_str()])
        .chain([session.title.standard.as_str()])
        .collect::<Vec<_>>()
        .join("\n")
        .to_lowercase()
}

/// The ten lowest-scoring texts of at least [`SHORT_WORDS`] words, one line
/// each: the room's when `room`, else the facilitator's.
pub fn ten_hardest(source: &Source, room: bool) -> String {
    let mut scored: Vec<(f64, String)> = rules::texts(source)
        .into_iter()
        .filter(|t| (t.reader != Reader::Facilitator) == room)
        .filter(|t| words(t.text).len() >= SHORT_WORDS)
        .map(|t| {
            let text: String = t.text.replace('\n', " ").chars().take(60).collect();
            (flesch_reading_ease(t.text), format!("{}: {text}", t.place))
        })
        .collect();
    scored.sort_by(|a, b| a.0.total_cmp(&b.0));
    scored
        .iter()
        .take(10)
        .map(|(score, at)| format!("  {score:6.1}  {at}"))
        .collect::<Vec<_>>()
        .join("\n")
}

/// The sample passes every content rule `pack build` enforces, so it
/// builds; the ten hardest texts are printed for whoever edits it next.
#[test]
fn the_sample_passes_every_content_rule() {
    let source = sample();
    let texts = rules::texts(&source);
    let room = texts
        .iter()
        .filter(|t| t.reader != Reader::Facilitator)
        .count();
    assert!(room > 1000, "only {room} texts the room reads");
    assert!(
        texts.len() - room > 400,
        "only {} notes",
        texts.len() - room
    );
    assert!(
        source.media.len() + source.origins.toml_files().count() + source.origins.notes.len() > 70,
        "the labels check would see too few files"
    );
    println!(
        "the room's ten hardest texts\n{}",
        ten_hardest(&source, true)
    );
    println!(
        "the facilitator's ten hardest\n{}",
        ten_hardest(&source, false)
    );
    let found = rules::check(&source).unwrap();
    let lines: Vec<String> = found.iter().map(ToString::to_string).collect();
    assert!(
        found.is_empty(),
        "{} findings:\n{}",
        found.len(),
        lines.join("\n")
    );
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
fn there_are_at_least_24_sessions_numbered_1_to_n_in_order() {
    let programme = sample().programme;
    assert!(
        programme.sessions.len() >= 24,
        "{} sessions",
        programme.sessions.len()
    );
    let numbers: Vec<u32> = programme.sessions.iter().map(|s| s.number).collect();
    let expected: Vec<u32> = (1..=programme.sessions.len() as u32).collect();
    assert_eq!(numbers, expected);
}

#[test]
fn every_session_runs_all_five_phases_in_60_to_90_minutes() {
    for session in sample().programme.sessions {
        let kinds: Vec<PhaseKind> = session.phases.iter().map(|p| p.kind).collect();
        assert_eq!(kinds, PhaseKind::ORDER, "session {}", session.id);
        let sum: u32 = session.phases.iter().map(|p| p.minutes).sum();
        assert_eq!(sum, session.minutes, "session {}", session.id);
        assert!(
            (60..=90).contains(&session.minutes),
            "session {} lasts {} minutes (SMART: 60 to 90)",
            session.id,
            session.minutes
        );
    }
}

#[test]
fn sessions_and_tools_each_cover_all_4_points_and_point_4_has_several_sessions() {
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
    let point_4 = programme
        .sessions
        .iter()
        .filter(|s| s.points.contains(&Point::BalancedLife))
        .count();
    assert!(point_4 >= 6, "Point 4 has {point_4} sessions");
}

#[test]
fn there_are_at_least_20_tools_including_every_named_one() {
    let programme = sample().programme;
    assert!(
        programme.tools.len() >= 20,
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
        "stages-of-change",
        "lapse-review",
        "release-plan",
        "thinking-traps",
        "lifestyle-costs",
        "family-visits",
    ];
    for id in named {
        assert!(programme.tool(id).is_some(), "no tool `{id}`");
    }
}

/// The sessions issue 10 asks for, found by what they say.
#[test]
fn the_programme_covers_induction_change_lapse_release_family_thinking_and_moving_on() {
    let programme = sample().programme;
    let find = |what: &str, all: &[&str]| {
        let found = programme.sessions.iter().find(|s| {
            let text = all_text(s);
            all.iter().all(|needle| text.contains(needle))
        });
        match found {
            Some(s) => s.clone(),
            None => panic!("no session on {what} (saying all of {all:?})"),
        }
    };
    find(
        "induction for new members",
        &["new to the group", "five parts"],
    );
    find(
        "stages of change",
        &["not yet", "thinking", "getting ready", "keeping it"],
    );
    let lapse = find("lapse and relapse", &["a lapse is a slip", "a relapse is"]);
    assert!(lapse.tool_ids().contains(&"lapse-review"));
    find(
        "release: staying safe",
        &[
            "release",
            "naloxone",
            "overdose",
            "methadone",
            "buprenorphine",
            "script",
        ],
    );
    find(
        "release: the first days",
        &[
            "72 hours",
            "triggers outside",
            "smart recovery has meetings",
        ],
    );
    find("family and visits", &["visits", "calls", "family"]);
    let traps = find("criminal thinking", &["thinking traps", "not my fault"]);
    assert!(
        traps.tool_ids().contains(&"abc"),
        "thinking traps use the ABC"
    );
    find("the lifestyle", &["debt", "violence", "pro-social"]);
    find("moving on", &["how far you have come"]);
    let open = find("an open meeting", &["open meeting", "from the check-in"]);
    assert!(open.title.standard.to_lowercase().contains("open meeting"));
}

#[test]
fn tool_fidelity_deads_has_accept_disarm_is_spelled_out_vaci_and_cost_benefit_fit() {
    let programme = sample().programme;
    let tool = |id: &str| match programme.tool(id) {
        Some(t) => t.clone(),
        None => panic!("no tool {id}"),
    };
    let text = |id: &str| {
        let t = tool(id);
        let mut all = vec![t.summary.standard.clone()];
        all.extend(t.steps.iter().map(|s| s.standard.clone()));
        all.extend(t.worksheet.fields.iter().map(|f| f.label.standard.clone()));
        all.join("\n")
    };
    let deads = text("deads");
    for letter in ["Delay", "Escape", "Accept", "Dispute", "Substitute"] {
        assert!(deads.contains(letter), "DEADS lacks {letter}");
    }
    assert!(deads.contains("Substitute: do a healthy thing"), "{deads}");
    assert!(
        text("disarm").contains("Destructive Imagery and Self-talk Awareness and Refusal Method")
    );
    let vaci = text("vaci");
    assert!(!vaci.contains("make or build"), "{vaci}");
    assert!(
        vaci.contains("cost–benefit"),
        "VACI is linked to the cost–benefit gains"
    );
    let cba = tool("cost-benefit");
    let labels: Vec<&str> = cba
        .worksheet
        .fields
        .iter()
        .map(|f| f.label.standard.as_str())
        .collect();
    assert!(
        labels.iter().all(|l| !l.starts_with("Stopping")),
        "the cost–benefit is framed around stopping only: {labels:?}"
    );
    assert!(text("cost-benefit").contains("cut down"));
    assert_eq!(cba.worksheet.kind, WorksheetKind::Grid);
    assert_eq!(cba.worksheet.fields.len(), 4);
    let abc: Vec<String> = tool("abc")
        .worksheet
        .fields
        .iter()
        .map(|f| f.label.standard.clone())
        .collect();
    for letter in ["A:", "B:", "C:", "D:", "E:"] {
        assert!(
            abc.iter().any(|l| l.starts_with(letter)),
            "abc has no {letter} box"
        );
    }
    assert_eq!(
        tool("lifestyle-balance").worksheet.kind,
        WorksheetKind::Rating
    );
    assert_eq!(
        tool("lifestyle-costs").worksheet.kind,
        WorksheetKind::Rating
    );
}

#[test]
fn every_tool_has_a_one_line_summary_steps_and_a_worksheet() {
    for tool in sample().programme.tools {
        assert!(!tool.summary.standard.contains('\n'), "tool {}", tool.id);
        assert!(!tool.summary.plain.contains('\n'), "tool {}", tool.id);
        assert!(tool.steps.len() >= 3, "tool {}: too few steps", tool.id);
        assert!(!tool.worksheet.fields.is_empty(), "tool {}", tool.id);
    }
}

#[test]
fn the_first_session_introduces_smart_the_4_points_and_the_ground_rules() {
    let programme = sample().programme;
    let first = &programme.sessions[0];
    assert_eq!(
        first.points.len(),
        4,
        "the introduction touches all 4 points"
    );
    let welcome = &first.phases[0];
    for needle in ["SMART", "4 points", "ground rules", "labels", "No names"] {
        assert!(
            welcome.text.standard.contains(needle),
            "the introduction does not mention {needle:?}"
        );
    }
    assert_eq!(welcome.media.as_deref(), Some("media/four-points.svg"));
}

/// The list catches the wording issue 10 found in the sample before it.
#[test]
fn the_disclosure_list_catches_the_old_wording() {
    let old = [
        "Pick something you did that you rate yourself badly for.",
        "Me: what I did, and what I tell myself about it",
        "Others: who let me down, and what I can accept",
        "You did a bad thing. That does not make you a bad thing.",
        "Who sets off urges? How risky, 0 to 10?",
        "Note where you were, who you were with and what was going on.",
        "Where, who with",
        "Avoid: keep clear of the people, places and things that set urges off.",
        "What is said in the group stays in the group.",
        "What we say here stays here.",
    ];
    for text in old {
        assert!(disclosure_in(text).is_some(), "not caught: {text:?}");
    }
    assert_eq!(disclosure_in("No names. Do not say who or where."), None);
}

/// Session 7 once promised a "triggers outside" session that did not
/// exist (the rules now catch a number that names no session); it points
/// to session 22, which has it.
#[test]
fn session_7_points_to_the_session_on_triggers_outside() {
    let programme = sample().programme;
    let s7 = &programme.sessions[6];
    assert!(phase(s7, PhaseKind::MainWork)
        .facilitator_notes
        .iter()
        .any(|n| n.contains("session 22")));
    assert!(all_text(&programme.sessions[21]).contains("triggers outside"));
}

#[test]
fn the_safety_guide_covers_what_a_facilitator_must_know() {
    let programme = sample().programme;
    let guide = &programme.safety_guide;
    let section = |id: &str| match guide.iter().find(|g| g.id == id) {
        Some(g) => g.steps.join("\n"),
        None => panic!("the safety guide has no section `{id}`"),
    };
    for id in [
        "who-to-tell",
        "what-to-pass-on",
        "self-harm",
        "intoxication",
        "conflict",
        "abuse",
        "silence",
        "mixed-group",
        "new-members",
        "reading-and-writing",
    ] {
        section(id);
    }
    let who = section("who-to-tell");
    for needle in ["Safer Custody", "healthcare", "Listeners", "security"] {
        assert!(who.contains(needle), "who-to-tell lacks {needle}");
    }
    let pass_on = section("what-to-pass-on");
    for needle in [
        "harm",
        "child",
        "security matter",
        "not know about",
        "Never promise",
    ] {
        assert!(pass_on.contains(needle), "what-to-pass-on lacks {needle}");
    }
    let self_harm = section("self-harm");
    for needle in ["ACCT", "Listeners", "Samaritans", "do not leave them alone"] {
        assert!(self_harm.contains(needle), "self-harm lacks {needle}");
    }
    assert!(section("intoxication").contains("overdose"));
    assert!(section("mixed-group").contains("remand"));
    assert!(section("new-members").contains("session 24"));
    assert!(section("reading-and-writing").contains("write for"));
}

/// Every tool and every point has its own picture, an SVG made for the
/// project (the rules check no media file is unused).
#[test]
fn every_tool_and_point_has_its_own_svg_picture() {
    let source = sample();
    let programme = &source.programme;
    let mut pictures = BTreeSet::new();
    for tool in &programme.tools {
        assert!(
            pictures.insert(tool.picture.clone()),
            "{} shares a picture",
            tool.id
        );
    }
    for point in Point::ALL {
        let Some(p) = programme.point_picture(point) else {
            panic!("{point} has no picture");
        };
        assert!(pictures.insert(p.to_owned()), "{point} shares a picture");
    }
    for path in &pictures {
        assert!(path.ends_with(".svg"), "{path}");
        let bytes = match std::fs::read(sample_dir().join(path)) {
            Ok(b) => b,
            Err(e) => panic!("{path}: {e}"),
        };
        assert!(bytes.len() < 16 * 1024, "{path} is {} bytes", bytes.len());
        let text = String::from_utf8_lossy(&bytes);
        assert!(
            text.starts_with("<svg xmlns=\"http://www.w3.org/2000/svg\""),
            "{path}"
        );
        assert!(
            text.contains("<title>"),
            "{path} has no title for screen readers"
        );
        assert!(
            !text.contains("<script") && !text.contains("href"),
            "{path}"
        );
    }
}

#[test]
fn the_sample_builds_into_a_pack_that_installs_the_same_programme_and_pictures() {
    let source = sample();
    let fx = Fixture::new();
    let options = BuildOptions {
        version: 1,
        created: t0(),
        expires: None,
        rotations: Vec::new(),
    };
    let out = fx.path("sample.iopack");
    let manifest =
        build_pack_from_source(&source, &options, &fx.key, &out, &mut |_, _| {}).unwrap();
    // media/NOTES.md is in the folder, and never in the pack (issue 14).
    assert!(source.origins.notes.contains(&"media/NOTES.md".to_owned()));
    assert!(
        manifest.files.iter().all(|f| !f.path.ends_with(".md")),
        "a note was packed"
    );
    let installed = fx.install(&out).unwrap();
    assert_eq!(installed.programme().unwrap(), source.programme);
    for path in source.programme.media_paths() {
        assert_eq!(
            std::fs::read(installed.dir().join(path)).unwrap(),
            std::fs::read(sample_dir().join(path)).unwrap(),
            "{path}"
        );
    }
}

/// Every picture the kiosk shows with words in it (a word of two letters or
/// more) has its Welsh version, whose words differ: a Welsh room reads no
/// English on the screen.
#[test]
fn every_picture_with_words_has_its_welsh_version() {
    let source = load_source(&sample_dir()).unwrap();
    let p = &source.programme;
    let shown = p
        .tools
        .iter()
        .map(|t| t.picture.clone())
        .chain(
            p.sessions
                .iter()
                .flat_map(|s| s.phases.iter().filter_map(|ph| ph.media.clone())),
        )
        .chain(p.point_pictures.iter().map(|pp| pp.picture.clone()));
    let words_in = |svg: &str| -> Vec<String> {
        svg.split("<text")
            .skip(1)
            .filter_map(|t| Some(t.split_once('>')?.1.split_once("</text>")?.0.to_owned()))
            .filter(|w| {
                w.split(|c: char| !c.is_alphabetic())
                    .any(|run| run.chars().count() >= 2)
            })
            .collect()
    };
    let mut checked = 0;
    for picture in shown {
        let english = std::fs::read_to_string(sample_dir().join(&picture)).unwrap();
        if words_in(&english).is_empty() {
            continue;
        }
        let cy = content_pack::Language::Cy.picture(&picture).unwrap();
        let welsh = std::fs::read_to_string(sample_dir().join(&cy))
            .unwrap_or_else(|e| panic!("{picture} has words but no Welsh version {cy}: {e}"));
        assert!(
            words_in(&welsh)
                .iter()
                .all(|w| !words_in(&english).contains(w)),
            "{cy} still has English words: {:?}",
            words_in(&welsh)
        );
        checked += 1;
    }
    assert!(checked >= 25, "{checked} pictures with words");
}

/// `pack build --speak` reads aloud the texts `each_room_text_mut` visits,
/// and validation checks those `room_texts` lists: the two walks of the
/// programme must be the same texts in the same order, or a text would go
/// unread or unchecked.
#[test]
fn the_texts_read_aloud_are_the_texts_checked_in_the_same_order() {
    let mut programme = sample().programme;
    let mut visited = 0;
    programme.each_room_text_mut(|text| {
        text.standard = format!("text {visited}");
        visited += 1;
    });
    let listed: Vec<String> = programme
        .room_texts()
        .iter()
        .map(|t| t.text.standard.clone())
        .collect();
    assert_eq!(listed.len(), visited);
    assert!(visited > 500, "{visited} texts in the sample");
    for (i, text) in listed.iter().enumerate() {
        assert_eq!(text, &format!("text {i}"));
    }
}
