//! The programme model: sessions, phases, tools and worksheets.
//!
//! A [`Programme`] is what a content pack carries (as `programme.json`) and what
//! the kiosk runs. [`Programme::validate`] checks the rules every session must
//! follow (the SMART meeting format) and names the offending session or tool.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;

use serde::{Deserialize, Serialize};

use crate::error::ProgrammeError;
use crate::language::Language;

/// Shortest and longest session a programme may hold, in minutes (SMART:
/// 60 to 90).
pub const SESSION_MINUTES: std::ops::RangeInclusive<u32> = 60..=90;

/// The whole programme shipped in one pack.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Programme {
    /// Name shown on the kiosk, e.g. "InsideOut — sample programme".
    pub title: String,
    /// Sessions in the order they are usually run.
    pub sessions: Vec<Session>,
    /// Every tool a session may use.
    pub tools: Vec<Tool>,
    /// A picture for each of the 4 points, in point order.
    pub point_pictures: Vec<PointPicture>,
    /// The facilitator safety and disclosure guide: shown to the facilitator
    /// and printed, never shown to the room.
    pub safety_guide: Vec<GuideSection>,
    /// The languages besides English that every room text comes in.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub translations: Vec<Translation>,
}

/// A language the programme's room texts are translated into, and the
/// reference its translation was approved under.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Translation {
    /// Which language; never English.
    pub language: Language,
    /// The approver's reference for the translation, e.g. "CR-2026-014-CY";
    /// a draft says so here.
    pub reference: String,
}

/// The picture that stands for one point.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct PointPicture {
    /// Which point.
    pub point: Point,
    /// A file under `media/` in the pack.
    pub picture: String,
}

/// One part of the facilitator safety and disclosure guide, e.g. "Self-harm
/// and suicide" with what to do, step by step.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct GuideSection {
    /// Stable id, e.g. `self-harm`.
    pub id: String,
    /// Heading.
    pub title: String,
    /// What to do, in order.
    pub steps: Vec<String>,
}

/// One of the four points that organise the programme.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Point {
    /// Point 1: build and maintain motivation.
    Motivation,
    /// Point 2: cope with urges.
    Urges,
    /// Point 3: manage thoughts, feelings and behaviours.
    ThoughtsFeelingsBehaviours,
    /// Point 4: live a balanced life.
    BalancedLife,
}

impl Point {
    /// All four points, in their usual order.
    pub const ALL: [Point; 4] = [
        Point::Motivation,
        Point::Urges,
        Point::ThoughtsFeelingsBehaviours,
        Point::BalancedLife,
    ];

    /// The point's number, 1 to 4.
    pub fn number(self) -> u8 {
        match self {
            Point::Motivation => 1,
            Point::Urges => 2,
            Point::ThoughtsFeelingsBehaviours => 3,
            Point::BalancedLife => 4,
        }
    }

    /// The point's name as a facilitator says it.
    pub fn title(self) -> &'static str {
        match self {
            Point::Motivation => "Build and keep up motivation",
            Point::Urges => "Cope with urges",
            Point::ThoughtsFeelingsBehaviours => "Manage thoughts, feelings and actions",
            Point::BalancedLife => "Live a balanced life",
        }
    }
}

impl fmt::Display for Point {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Point {}: {}", self.number(), self.title())
    }
}

/// One meeting of the group.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Session {
    /// Stable id, e.g. `s01-introduction`; attendance records refer to it.
    pub id: String,
    /// Position in the programme, from 1.
    pub number: u32,
    /// Short title shown in lists.
    pub title: ParticipantText,
    /// The point(s) this session works on.
    pub points: Vec<Point>,
    /// Planned length; equals the sum of the phases' minutes.
    pub minutes: u32,
    /// The phases, in the SMART meeting order.
    pub phases: Vec<Phase>,
}

impl Session {
    /// Ids of the tools the session's phases use, in first-use order, without repeats.
    pub fn tool_ids(&self) -> Vec<&str> {
        let mut seen = BTreeSet::new();
        self.phases
            .iter()
            .flat_map(|p| p.tools.iter())
            .filter(|t| seen.insert(t.as_str()))
            .map(String::as_str)
            .collect()
    }
}

/// The kind of a phase; every session runs all five, in this order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum PhaseKind {
    /// Purpose, ground rules, confidentiality and its limits.
    Welcome,
    /// Each member says how the week went.
    CheckIn,
    /// Pick topics from the check-in.
    Agenda,
    /// The main work, using at least one tool.
    MainWork,
    /// What each member takes away.
    CheckOut,
}

impl PhaseKind {
    /// The five phases in meeting order.
    pub const ORDER: [PhaseKind; 5] = [
        PhaseKind::Welcome,
        PhaseKind::CheckIn,
        PhaseKind::Agenda,
        PhaseKind::MainWork,
        PhaseKind::CheckOut,
    ];

    /// The label shown on screen.
    pub fn label(self) -> &'static str {
        match self {
            PhaseKind::Welcome => "Welcome",
            PhaseKind::CheckIn => "Check-in",
            PhaseKind::Agenda => "Agenda",
            PhaseKind::MainWork => "Main work",
            PhaseKind::CheckOut => "Check-out",
        }
    }
}

impl fmt::Display for PhaseKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.label())
    }
}

/// Words for the screen, in two versions, in English and in each language
/// the pack claims ([`Programme::translations`]). Every text a participant
/// sees is one of these.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ParticipantText {
    /// The usual text, in English.
    pub standard: String,
    /// The same ideas in the plainest words, for the plain-language toggle.
    pub plain: String,
    /// The same two versions in other languages.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub translations: BTreeMap<Language, Translated>,
    /// Recordings of the text read aloud, one per language and version at
    /// most; a version without one has no Read aloud control.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub audio: Vec<Audio>,
}

/// One version of a room text read aloud: a file the pack carries, signed
/// and hashed like every other, and when each sentence starts in it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Audio {
    /// The language read.
    pub language: Language,
    /// Whether it reads the plain version.
    pub plain: bool,
    /// The file, under `media/audio/` in the pack (`.ogg`, `.flac`, `.wav`
    /// or `.mp3`).
    pub file: String,
    /// Where each sentence (as [`crate::readability::sentences`] splits the
    /// text) starts, in milliseconds from the start, in order.
    pub sentence_ms: Vec<u32>,
    /// How it was made.
    pub made: AudioMade,
}

/// Who read a text aloud.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum AudioMade {
    /// A person, recorded by the content team.
    Recorded,
    /// espeak-ng, at `pack build --speak`.
    Synthesised,
}

/// Audio file types a pack may carry (by name; the kiosk decodes them).
pub const AUDIO_EXTENSIONS: [&str; 4] = ["ogg", "flac", "wav", "mp3"];

/// A participant text's two versions in one language other than English.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Translated {
    /// The usual text.
    pub standard: String,
    /// The plainest words.
    pub plain: String,
}

impl ParticipantText {
    /// Both versions, in English.
    pub fn new(standard: impl Into<String>, plain: impl Into<String>) -> ParticipantText {
        ParticipantText {
            standard: standard.into(),
            plain: plain.into(),
            translations: BTreeMap::new(),
            audio: Vec::new(),
        }
    }

    /// The same text with its two versions in `language` too.
    pub fn with(
        mut self,
        language: Language,
        standard: impl Into<String>,
        plain: impl Into<String>,
    ) -> ParticipantText {
        let words = Translated {
            standard: standard.into(),
            plain: plain.into(),
        };
        self.translations.insert(language, words);
        self
    }

    /// The English plain version when `plain` is set, else the standard one.
    pub fn pick(&self, plain: bool) -> &str {
        if plain {
            &self.plain
        } else {
            &self.standard
        }
    }

    /// The version in `language` (English when the text has none in it).
    pub fn pick_in(&self, language: Language, plain: bool) -> &str {
        match self.translations.get(&language) {
            Some(t) if plain => &t.plain,
            Some(t) => &t.standard,
            None => self.pick(plain),
        }
    }

    /// The recording of the version in `language`, if the pack has one.
    pub fn audio_in(&self, language: Language, plain: bool) -> Option<&Audio> {
        self.audio
            .iter()
            .find(|a| a.language == language && a.plain == plain)
    }

    /// Whether both English versions are blank.
    pub fn is_blank(&self) -> bool {
        self.standard.trim().is_empty() && self.plain.trim().is_empty()
    }
}

/// One phase of a session.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Phase {
    /// Which of the five phases this is.
    pub kind: PhaseKind,
    /// Heading on screen.
    pub title: ParticipantText,
    /// Suggested minutes.
    pub minutes: u32,
    /// What the group sees.
    pub text: ParticipantText,
    /// What to say, what to watch for, timing tips; never shown to the group.
    pub facilitator_notes: Vec<String>,
    /// Ids of the tools used in this phase.
    #[serde(default)]
    pub tools: Vec<String>,
    /// Optional picture or sound under `media/` in the pack.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub media: Option<String>,
}

/// A SMART tool, with the worksheet the group fills in on screen.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tool {
    /// Stable id, e.g. `cost-benefit`; phases refer to it.
    pub id: String,
    /// Name shown on screen.
    pub name: ParticipantText,
    /// The point(s) the tool supports.
    pub points: Vec<Point>,
    /// One line on what it is for.
    pub summary: ParticipantText,
    /// Numbered steps, in order.
    pub steps: Vec<ParticipantText>,
    /// The picture that stands for the tool: a file under `media/`.
    pub picture: String,
    /// The worksheet the group fills in together (never saved).
    pub worksheet: Worksheet,
}

/// How a worksheet is laid out on screen.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum WorksheetKind {
    /// Boxes in a grid of two columns (e.g. the four boxes of a cost–benefit analysis).
    Grid,
    /// Labelled boxes one under another (e.g. a change plan).
    List,
    /// Each field scored from 0 to 10 (e.g. a lifestyle balance pie).
    Rating,
}

/// A worksheet: a kind and its fields.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Worksheet {
    /// Layout.
    pub kind: WorksheetKind,
    /// The boxes to fill in.
    pub fields: Vec<WorksheetField>,
}

/// One box of a worksheet.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WorksheetField {
    /// Heading of the box.
    pub label: ParticipantText,
    /// A short prompt shown inside the empty box; both versions blank for none.
    #[serde(default)]
    pub prompt: ParticipantText,
}

impl Programme {
    /// The session with this id.
    pub fn session(&self, id: &str) -> Option<&Session> {
        self.sessions.iter().find(|s| s.id == id)
    }

    /// The tool with this id.
    pub fn tool(&self, id: &str) -> Option<&Tool> {
        self.tools.iter().find(|t| t.id == id)
    }

    /// Checks the rules every programme follows; the error names the session,
    /// phase or tool at fault, and the field (as the source files spell it).
    pub fn validate(&self) -> Result<(), ProgrammeError> {
        let bad = |at: String, problem: String| Err(ProgrammeError { at, problem });
        if self.title.trim().is_empty() {
            return bad("programme".into(), "the title is empty".into());
        }
        if self.sessions.is_empty() {
            return bad("programme".into(), "it has no sessions".into());
        }
        for (i, t) in self.translations.iter().enumerate() {
            let at = format!("translation {} ({})", i + 1, t.language);
            if t.language == Language::En {
                return bad(
                    at,
                    "English is every pack's base language, not a translation".into(),
                );
            }
            if self.translations[..i]
                .iter()
                .any(|o| o.language == t.language)
            {
                return bad(at, "the language is listed twice".into());
            }
            if t.reference.trim().is_empty() {
                return bad(at, "field `reference` is empty: give the reference the translation was approved under".into());
            }
        }
        for point in Point::ALL {
            let pictures: Vec<&PointPicture> = self
                .point_pictures
                .iter()
                .filter(|p| p.point == point)
                .collect();
            let at = format!("{point}");
            match pictures.as_slice() {
                [one] => check_media(&one.picture).or_else(|p| bad(at, p))?,
                [] => {
                    return bad(
                        at,
                        "it has no picture (field `picture` of its [[points]] entry in pack.toml)"
                            .into(),
                    )
                }
                _ => {
                    return bad(
                        at,
                        "it has more than one [[points]] entry in pack.toml".into(),
                    )
                }
            }
        }
        let mut guide_ids = BTreeSet::new();
        for section in &self.safety_guide {
            let at = format!("safety guide section `{}`", section.id);
            check_id(&section.id).or_else(|p| bad(at.clone(), p))?;
            if !guide_ids.insert(section.id.as_str()) {
                return bad(at, "the id is used by another section too".into());
            }
            if section.title.trim().is_empty() {
                return bad(at, "field `title` is empty".into());
            }
            if section.steps.is_empty() || section.steps.iter().any(|s| s.trim().is_empty()) {
                return bad(
                    at,
                    "field `steps` needs at least one step, and no step may be empty".into(),
                );
            }
        }
        let mut tools = HashMap::new();
        for tool in &self.tools {
            let at = format!("tool `{}`", tool.id);
            check_id(&tool.id).or_else(|p| bad(at.clone(), p))?;
            if tools.insert(tool.id.as_str(), tool).is_some() {
                return bad(at, "the id is used by another tool too".into());
            }
            if tool.points.is_empty() {
                return bad(at, "it names no point".into());
            }
            if tool.steps.is_empty() {
                return bad(at, "it needs at least one step".into());
            }
            check_media(&tool.picture)
                .or_else(|p| bad(at.clone(), format!("field `picture`: {p}")))?;
            if tool.worksheet.fields.is_empty() {
                return bad(at, "its worksheet has no fields".into());
            }
        }
        let mut ids = BTreeSet::new();
        let mut numbers = BTreeSet::new();
        for session in &self.sessions {
            let at = format!("session {} `{}`", session.number, session.id);
            check_id(&session.id).or_else(|p| bad(at.clone(), p))?;
            if !ids.insert(session.id.as_str()) {
                return bad(at, "the id is used by another session too".into());
            }
            if !numbers.insert(session.number) {
                return bad(at, "the number is used by another session too".into());
            }
            if session.points.is_empty() {
                return bad(at, "it names no point".into());
            }
            if !SESSION_MINUTES.contains(&session.minutes) {
                return bad(
                    at,
                    format!(
                        "it lasts {} minutes; sessions last {} to {}",
                        session.minutes,
                        SESSION_MINUTES.start(),
                        SESSION_MINUTES.end()
                    ),
                );
            }
            let kinds: Vec<PhaseKind> = session.phases.iter().map(|p| p.kind).collect();
            if kinds != PhaseKind::ORDER {
                return bad(
                    at,
                    "its phases must be exactly: welcome, check-in, agenda, main-work, check-out"
                        .into(),
                );
            }
            let sum: u32 = session.phases.iter().map(|p| p.minutes).sum();
            if sum != session.minutes {
                return bad(
                    at,
                    format!(
                        "its phases add up to {sum} minutes but the session says {}",
                        session.minutes
                    ),
                );
            }
            for phase in &session.phases {
                let at = format!("{at}, phase {}", phase.kind);
                if phase.minutes == 0 {
                    return bad(at, "it has 0 minutes".into());
                }
                if phase.facilitator_notes.is_empty() {
                    return bad(at, "it has no facilitator notes".into());
                }
                if let Some(t) = phase.tools.iter().find(|t| !tools.contains_key(t.as_str())) {
                    return bad(
                        at,
                        format!("it uses tool `{t}`, which the programme does not have"),
                    );
                }
                if phase.kind == PhaseKind::MainWork && phase.tools.is_empty() {
                    return bad(at, "main work must use at least one tool".into());
                }
                if let Some(media) = &phase.media {
                    check_media(media)
                        .or_else(|p| bad(at.clone(), format!("field `media`: {p}")))?;
                }
            }
        }
        for room in self.room_texts() {
            room.problem(&self.translations)?;
        }
        Ok(())
    }

    /// Every text the room sees, with where it is: session and phase
    /// titles and texts, tool names, summaries and steps, worksheet labels
    /// and prompts; in programme order, tools first.
    pub fn room_texts(&self) -> Vec<RoomText<'_>> {
        let mut out = Vec::new();
        let mut push = |at: &str, within: Option<String>, keys: [&'static str; 2], text| {
            let optional = keys[0] == "prompt";
            out.push(RoomText {
                at: at.to_owned(),
                within,
                keys,
                text,
                optional,
            })
        };
        for tool in &self.tools {
            let at = format!("tool `{}`", tool.id);
            push(&at, None, ["name", "plain_name"], &tool.name);
            push(&at, None, ["summary", "plain_summary"], &tool.summary);
            for (i, step) in tool.steps.iter().enumerate() {
                push(
                    &at,
                    Some(format!("step {}", i + 1)),
                    ["text", "plain"],
                    step,
                );
            }
            for (i, f) in tool.worksheet.fields.iter().enumerate() {
                let field = Some(format!("worksheet field {}", i + 1));
                push(&at, field.clone(), ["label", "plain_label"], &f.label);
                push(&at, field, ["prompt", "plain_prompt"], &f.prompt);
            }
        }
        for session in &self.sessions {
            let at = format!("session {} `{}`", session.number, session.id);
            push(&at, None, ["title", "plain_title"], &session.title);
            for phase in &session.phases {
                let at = format!("{at}, phase {}", phase.kind);
                push(&at, None, ["title", "plain_title"], &phase.title);
                push(&at, None, ["text", "plain"], &phase.text);
            }
        }
        out
    }

    /// Calls `f` on every text the room sees, as [`Programme::room_texts`]
    /// lists them, to change it (`pack build --speak` adds recordings).
    pub fn each_room_text_mut(&mut self, mut f: impl FnMut(&mut ParticipantText)) {
        for tool in &mut self.tools {
            f(&mut tool.name);
            f(&mut tool.summary);
            tool.steps.iter_mut().for_each(&mut f);
            for field in &mut tool.worksheet.fields {
                f(&mut field.label);
                f(&mut field.prompt);
            }
        }
        for session in &mut self.sessions {
            f(&mut session.title);
            for phase in &mut session.phases {
                f(&mut phase.title);
                f(&mut phase.text);
            }
        }
    }

    /// Paths under `media/` the programme refers to: phases', tools' and
    /// points' pictures.
    pub fn media_paths(&self) -> BTreeSet<&str> {
        self.sessions
            .iter()
            .flat_map(|s| s.phases.iter())
            .filter_map(|p| p.media.as_deref())
            .chain(self.tools.iter().map(|t| t.picture.as_str()))
            .chain(self.point_pictures.iter().map(|p| p.picture.as_str()))
            .chain(
                self.room_texts()
                    .into_iter()
                    .flat_map(|t| t.text.audio.iter().map(|a| a.file.as_str())),
            )
            .collect()
    }

    /// The picture for `point`, if the programme has one.
    pub fn point_picture(&self, point: Point) -> Option<&str> {
        self.point_pictures
            .iter()
            .find(|p| p.point == point)
            .map(|p| p.picture.as_str())
    }
}

/// One text the room sees, and where it is in the programme.
#[derive(Debug, Clone)]
pub struct RoomText<'a> {
    /// The session, phase or tool, as [`ProgrammeError::at`] names it.
    pub at: String,
    /// The step or worksheet field within a tool, e.g. "step 2".
    pub within: Option<String>,
    /// The English fields, as the source files spell them: `["text", "plain"]`.
    pub keys: [&'static str; 2],
    /// The text.
    pub text: &'a ParticipantText,
    /// Whether it may be left blank (a worksheet box's prompt).
    pub optional: bool,
}

impl RoomText<'_> {
    /// Both versions are there in English and in every language of
    /// `translations`, and in no other; a blank optional text is blank in
    /// every language. The error names the field as the source spells it
    /// (`plain_title_cy`), after the step or worksheet field.
    pub fn problem(&self, translations: &[Translation]) -> Result<(), ProgrammeError> {
        let [standard, plain] = self.keys;
        let within = |p: String| {
            let problem = match &self.within {
                Some(w) => format!("{w}: {p}"),
                None => p,
            };
            ProgrammeError {
                at: self.at.clone(),
                problem,
            }
        };
        if self.optional && self.text.is_blank() {
            return match self.text.translations.keys().next() {
                Some(l) => Err(within(format!(
                    "field `{standard}_{l}` is given but `{standard}` is empty; give both or neither"
                ))),
                None => Ok(()),
            };
        }
        if self.text.standard.trim().is_empty() {
            return Err(within(format!("field `{standard}` is empty")));
        }
        if self.text.plain.trim().is_empty() {
            return Err(within(format!(
                "field `{plain}` is empty: every text the room sees needs a plain version"
            )));
        }
        for t in translations {
            let l = t.language;
            let words = self.text.translations.get(&l);
            for (key, text) in [
                (standard, words.map(|w| w.standard.as_str())),
                (plain, words.map(|w| w.plain.as_str())),
            ] {
                if text.is_none_or(|t| t.trim().is_empty()) {
                    return Err(within(format!(
                        "field `{key}_{l}` is empty: the pack is translated into {} (pack.toml's [[translations]]), so every text the room sees needs its {} version",
                        l.english_name(),
                        l.english_name()
                    )));
                }
            }
        }
        for (i, a) in self.text.audio.iter().enumerate() {
            let version = if a.plain { plain } else { standard };
            let field = format!("audio {} ({version}, {})", i + 1, a.language);
            let words = self.text.pick_in(a.language, a.plain);
            let claimed =
                a.language == Language::En || translations.iter().any(|t| t.language == a.language);
            let sentences = crate::readability::sentences(words).len();
            let problem = if !claimed || words.trim().is_empty() {
                Some("there is no such text to read".to_owned())
            } else if self.text.audio[..i]
                .iter()
                .any(|b| b.language == a.language && b.plain == a.plain)
            {
                Some("the text has another recording in this language and version".to_owned())
            } else if !a.file.starts_with("media/audio/")
                || crate::PackPath::new(&a.file).is_err()
                || !AUDIO_EXTENSIONS
                    .iter()
                    .any(|e| a.file.rsplit_once('.').is_some_and(|(_, x)| x == *e))
            {
                Some(format!(
                    "`{}` must be a .ogg, .flac, .wav or .mp3 file under media/audio/",
                    a.file
                ))
            } else if a.sentence_ms.len() != sentences
                || a.sentence_ms.windows(2).any(|w| w[0] >= w[1])
            {
                Some(format!(
                    "it times {} sentences, the text has {sentences}; each starts after the one before",
                    a.sentence_ms.len()
                ))
            } else {
                None
            };
            if let Some(p) = problem {
                return Err(within(format!("{field}: {p}")));
            }
        }
        if let Some(l) = self
            .text
            .translations
            .keys()
            .find(|l| !translations.iter().any(|t| t.language == **l))
        {
            return Err(within(format!(
                "field `{standard}_{l}` is given, but pack.toml lists no [[translations]] entry for {}; add one with its approval reference",
                l.english_name()
            )));
        }
        Ok(())
    }
}

/// A media path is a file under `media/` that a pack may carry.
fn check_media(media: &str) -> Result<(), String> {
    if media.starts_with("media/") && crate::PackPath::new(media).is_ok() {
        Ok(())
    } else {
        Err(format!("`{media}` must be a file under media/"))
    }
}

/// Ids are short, lower-case and safe in file names and CSV.
fn check_id(id: &str) -> Result<(), String> {
    let ok = !id.is_empty()
        && id.len() <= 64
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && !id.starts_with('-');
    if ok {
        Ok(())
    } else {
        Err(format!(
            "the id `{id}` must be 1 to 64 lower-case letters, digits or dashes"
        ))
    }
}
