//! The sample programme in `content-pack/sample/` (issues 3 and 10): it
//! loads, it follows the SMART meeting format in times that fit a group of
//! twelve, it covers the 4 points and the named tools, it is safe to put on a
//! wing's big screen (no prompt invites an offence, a victim, or a named
//! person or place; every welcome states the ground rules and the limits of
//! confidentiality), it carries a facilitator safety guide, and every idea has
//! plain words and a picture. How easily it reads is checked in
//! `readability.rs`.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use content_pack::{
    build_pack_from_source, load_source, BuildOptions, ParticipantText, PhaseKind, Point,
    Programme, Session, Source, WorksheetKind,
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

/// One text the room sees, in one version, with where it is.
#[derive(Debug, Clone)]
pub struct Field {
    /// e.g. "tool `deads` step 3 (plain)".
    pub at: String,
    pub text: String,
    pub plain: bool,
}

/// Every participant-facing text of the programme, both versions, one by one.
pub fn participant_fields(programme: &Programme) -> Vec<Field> {
    let mut out = Vec::new();
    let mut push = |at: String, t: &ParticipantText| {
        for (plain, text) in [(false, &t.standard), (true, &t.plain)] {
            if !text.trim().is_empty() {
                let version = if plain { "plain" } else { "standard" };
                out.push(Field {
                    at: format!("{at} ({version})"),
                    text: text.clone(),
                    plain,
                });
            }
        }
    };
    for s in &programme.sessions {
        push(format!("session `{}` title", s.id), &s.title);
        for p in &s.phases {
            let at = format!("session `{}` {}", s.id, p.kind);
            push(format!("{at} title"), &p.title);
            push(format!("{at} text"), &p.text);
        }
    }
    for t in &programme.tools {
        let at = format!("tool `{}`", t.id);
        push(format!("{at} name"), &t.name);
        push(format!("{at} summary"), &t.summary);
        for (i, step) in t.steps.iter().enumerate() {
            push(format!("{at} step {}", i + 1), step);
        }
        for (i, f) in t.worksheet.fields.iter().enumerate() {
            push(format!("{at} field {} label", i + 1), &f.label);
            push(format!("{at} field {} prompt", i + 1), &f.prompt);
        }
    }
    out
}

/// Every text only the facilitator sees: notes and the safety guide.
pub fn facilitator_fields(programme: &Programme) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for s in &programme.sessions {
        for p in &s.phases {
            for (i, n) in p.facilitator_notes.iter().enumerate() {
                out.push((
                    format!("session `{}` {} note {}", s.id, p.kind, i + 1),
                    n.clone(),
                ));
            }
        }
    }
    for g in &programme.safety_guide {
        for (i, step) in g.steps.iter().enumerate() {
            out.push((
                format!("safety guide `{}` step {}", g.id, i + 1),
                step.clone(),
            ));
        }
    }
    out
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

/// Twelve people need about a minute and a half each to check in, and a
/// minute each to check out with a plan for the week; main work leaves time
/// for the topics the check-in raised (issue 10).
#[test]
fn timings_fit_a_group_of_twelve_and_leave_time_for_check_in_topics() {
    for session in sample().programme.sessions {
        let id = &session.id;
        let check_in = phase(&session, PhaseKind::CheckIn);
        assert!(
            check_in.minutes >= 20,
            "{id}: check-in {} min",
            check_in.minutes
        );
        assert!(
            check_in
                .facilitator_notes
                .iter()
                .any(|n| n.starts_with("Timing:") && n.contains("twelve")),
            "{id}: the check-in's timing note is not sized for twelve"
        );
        let check_out = phase(&session, PhaseKind::CheckOut);
        assert_eq!(check_out.minutes, 15, "{id}: check-out");
        for text in [&check_out.text.standard, &check_out.text.plain] {
            assert!(
                text.to_lowercase().contains("plan") && text.to_lowercase().contains("week"),
                "{id}: check-out asks for no plan for the week: {text:?}"
            );
        }
        let main = phase(&session, PhaseKind::MainWork);
        let timing: Vec<&String> = main
            .facilitator_notes
            .iter()
            .filter(|n| n.starts_with("Timing:"))
            .collect();
        assert!(
            timing
                .iter()
                .any(|n| n.contains("topics from the check-in")),
            "{id}: main work gives the check-in's topics no time: {timing:?}"
        );
    }
}

#[test]
fn every_main_work_uses_a_tool_and_every_tool_is_used() {
    let programme = sample().programme;
    for session in &programme.sessions {
        let main = phase(session, PhaseKind::MainWork);
        assert!(!main.tools.is_empty(), "session {}", session.id);
        for id in session.tool_ids() {
            assert!(programme.tool(id).is_some(), "{} uses {id}", session.id);
        }
    }
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

/// Every welcome, in both versions: everyone is welcome (cutting down, still
/// using, on a script, on remand), the "no names, no details" ground rule,
/// and confidentiality stated with its limits, honestly (issue 10).
#[test]
fn every_welcome_welcomes_everyone_states_the_ground_rules_and_the_limits_of_confidentiality() {
    for session in sample().programme.sessions {
        let welcome = phase(&session, PhaseKind::Welcome);
        let standard = welcome.text.standard.to_lowercase();
        let plain = welcome.text.plain.to_lowercase();
        let lacks = |text: &str, version: &str, needles: &[&str]| {
            for needle in needles {
                assert!(
                    text.contains(needle),
                    "session {}: {version} welcome lacks {needle:?}",
                    session.id
                );
            }
        };
        lacks(
            &standard,
            "standard",
            &[
                // everyone is welcome
                "cut down",
                "still be using",
                "script",
                "remand",
                "medication is a matter for you and healthcare",
                // the ground rule
                "no names, and no details of crimes",
                "do not name other people or places",
                // the limits, each of them
                "harm to you or to someone else",
                "a risk to a child",
                "security matter",
                "could make the prison unsafe",
                "talk about a slip in a general way",
                "crime that staff do not know about",
                "pass it on",
                "try to tell you first",
                "no one can promise",
            ],
        );
        lacks(
            &plain,
            "plain",
            &[
                "cut down",
                "still be using",
                "script",
                "remand",
                "no names",
                "do not say who or where",
                "hurt",
                "a child",
                "not safe",
                "pass it on",
                "a slip",
                "a crime",
                "tell you first",
                "cannot promise",
            ],
        );
    }
}

/// Phrasings that invite, on a shared screen, the detail of an offence, a
/// victim, a named person or place, or that presume guilt or promise more
/// secrecy than staff can keep.
pub const DISCLOSURE_PHRASES: &[&str] = &[
    "something you did",
    "me: what i did",
    "a bad thing",
    "the worst thing you",
    "who let me down",
    "who let you down",
    "who sets off",
    "who set off",
    "who you were with",
    "who with",
    "where you were",
    "people, places",
    "your offence",
    "your crime",
    "what you were charged",
    "why you are in",
    "the victim",
    "your victim",
    "stays in the group",
    "stays here",
    "stays in the room",
    "tell us who",
    "who gave you",
    "who sold",
];

fn disclosure_phrase_in(text: &str) -> Option<&'static str> {
    let text = text.to_lowercase();
    DISCLOSURE_PHRASES
        .iter()
        .copied()
        .find(|p| text.contains(p))
}

#[test]
fn no_participant_text_or_prompt_invites_disclosure() {
    let programme = sample().programme;
    let found: Vec<String> = participant_fields(&programme)
        .into_iter()
        .filter_map(|f| disclosure_phrase_in(&f.text).map(|p| format!("{}: {p:?}", f.at)))
        .collect();
    assert!(
        found.is_empty(),
        "disclosure-inviting wording:\n{}",
        found.join("\n")
    );
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
        assert!(disclosure_phrase_in(text).is_some(), "not caught: {text:?}");
    }
    assert_eq!(
        disclosure_phrase_in("No names. Do not say who or where."),
        None
    );
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
fn every_phase_text_has_a_plain_version_different_from_the_standard_one() {
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

/// A session named in the content exists: session 7 once promised a
/// "triggers outside" session that did not.
#[test]
fn every_session_referred_to_by_number_exists() {
    let programme = sample().programme;
    let numbers: BTreeSet<u32> = programme.sessions.iter().map(|s| s.number).collect();
    let mut texts: Vec<(String, String)> = facilitator_fields(&programme);
    texts.extend(
        participant_fields(&programme)
            .into_iter()
            .map(|f| (f.at, f.text)),
    );
    for (at, text) in texts {
        let lower = text.to_lowercase();
        for (i, _) in lower.match_indices("session") {
            let rest = lower[i + "session".len()..].trim_start_matches(['s', ' ']);
            let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
            if let Ok(n) = digits.parse::<u32>() {
                assert!(
                    numbers.contains(&n),
                    "{at} refers to session {n}, which does not exist"
                );
            }
        }
    }
    let s7 = &programme.sessions[6];
    assert!(phase(s7, PhaseKind::MainWork)
        .facilitator_notes
        .iter()
        .any(|n| n.contains("session 22")));
    assert!(all_text(&programme.sessions[21]).contains("triggers outside"));
}

/// Well-known sayings are not quoted, word for word or nearly.
#[test]
fn no_well_known_quotation_is_used() {
    let programme = sample().programme;
    let sayings = [
        "grant me the serenity",
        "courage to change the things",
        "wisdom to know the difference",
        "the things i cannot change",
        "one day at a time",
    ];
    for f in participant_fields(&programme) {
        let text = f.text.to_lowercase();
        for saying in sayings {
            assert!(!text.contains(saying), "{} quotes {saying:?}", f.at);
        }
    }
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
/// project, and the media folder holds nothing the programme does not use.
#[test]
fn every_tool_and_point_has_its_own_svg_picture_and_no_media_is_unused() {
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
    let used: BTreeSet<&str> = programme.media_paths();
    let carried: BTreeSet<&str> = source.media.iter().map(|m| m.pack_path.as_str()).collect();
    assert_eq!(used, carried, "media used and carried differ");
}

#[test]
fn the_sample_builds_into_a_pack_that_installs_the_same_programme_and_pictures() {
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
    for path in source.programme.media_paths() {
        assert_eq!(
            std::fs::read(installed.dir().join(path)).unwrap(),
            std::fs::read(sample_dir().join(path)).unwrap(),
            "{path}"
        );
    }
}

/// Labels the group never uses. The sample must not contain them anywhere,
/// not even to say they are not used.
const LABELS: [&str; 4] = ["addict", "alcoholic", "junkie", "druggie"];

#[test]
fn no_labelling_word_appears_anywhere_in_the_sample_folder() {
    let mut files = Vec::new();
    all_files(&sample_dir(), &mut files);
    assert!(files.len() > 70, "found only {} files", files.len());
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
