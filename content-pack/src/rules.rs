//! The content rules: what makes a programme safe and easy to read on a
//! wing's big screen, checked on a loaded pack source before it is built.
//!
//! [`crate::load_source`] already refuses a source that breaks the
//! programme's own rules (the five phases in order, minutes that add up, a
//! plain version of every text, a picture for every tool). [`check`] goes
//! further, with the rules `content-pack/sample/README.md` gives the content
//! team, and returns every [`Finding`] at once rather than the first:
//!
//! - no label for people ([`LABELS`]) anywhere in the folder, comments,
//!   notes and pictures too;
//! - no phrasing that invites a disclosure on a shared screen
//!   ([`DISCLOSURE_PHRASES`]) and no well-known saying ([`SAYINGS`]);
//! - every text read as [`crate::readability`] says, field by field (the
//!   English: a translation keeps the English's lines and sentences);
//! - the same welcome every time ([`WELCOME_STANDARD`], [`WELCOME_PLAIN`]);
//! - times that fit twelve people, and a plan for the week at check-out;
//! - facilitator notes that start `Say:`, `Watch for:` or `Timing:`, each
//!   kind in every phase;
//! - every tool used by a session, every media file used, and every session
//!   a text refers to by number there.
//!
//! Each finding names the file, the line where it is known, and the field
//! (as the source files spell it), so a content editor can go straight to
//! it. `insideout-provision pack check` prints them; `pack build` refuses to
//! build while there are any. The sample's tests run the same [`check`].

use std::collections::BTreeSet;
use std::fmt;
use std::fs;

use crate::language::Language;
use crate::programme::{ParticipantText, Phase, PhaseKind, Programme};
use crate::readability::{self, sentence_count, Hard, Reader};
use crate::source::{key_at, key_line, kind_name, line_of, table_at, Source, SourceError};

/// Labels for people the group never uses, matched anywhere in a word
/// ("addiction" too), in any case.
pub const LABELS: [&str; 4] = ["addict", "alcoholic", "junkie", "druggie"];

/// Phrasings that invite, on a shared screen, the detail of an offence, a
/// victim, a named person or place, or that presume guilt or promise more
/// secrecy than staff can keep. Matched in any case.
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

/// Well-known sayings, or the heart of them, that the programme never
/// quotes. Matched in any case.
pub const SAYINGS: [&str; 5] = [
    "grant me the serenity",
    "courage to change the things",
    "wisdom to know the difference",
    "the things i cannot change",
    "one day at a time",
];

/// What every welcome says in its usual words: everyone is welcome, the
/// "no names, no details" ground rule, and confidentiality with each of its
/// limits. Matched in any case.
pub const WELCOME_STANDARD: [&str; 16] = [
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
];

/// What every welcome says in its plain version. Matched in any case.
pub const WELCOME_PLAIN: [&str; 14] = [
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
];

/// The fewest minutes a check-in may have: about a minute and a half each
/// for twelve people.
pub const CHECK_IN_MINUTES: u32 = 20;

/// The minutes of every check-out: a minute each for twelve people and a
/// plan for the week.
pub const CHECK_OUT_MINUTES: u32 = 15;

/// How every facilitator note starts; each phase has at least one of each.
pub const NOTE_KINDS: [&str; 3] = ["Say: ", "Watch for: ", "Timing: "];

/// Where in a source something is: the file, the line when known, and the
/// field, as the source files spell it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Place {
    /// The file, relative to the source folder, e.g. `sessions/03-x.toml`.
    pub file: String,
    /// The line, from 1, when known.
    pub line: Option<usize>,
    /// The table and field, e.g. "phase 4 (main-work): field `plain`";
    /// `None` for a whole file.
    pub field: Option<String>,
}

impl fmt::Display for Place {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.file)?;
        if let Some(line) = self.line {
            write!(f, " (line {line})")?;
        }
        if let Some(field) = &self.field {
            write!(f, ": {field}")?;
        }
        Ok(())
    }
}

/// One content rule broken in one place.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{place}: {broken}")]
pub struct Finding {
    /// Where.
    pub place: Place,
    /// Which rule, and how.
    pub broken: Broken,
}

/// A content rule broken. Each message says what to do.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[non_exhaustive]
pub enum Broken {
    /// A label for people, one of [`LABELS`].
    #[error("\"{0}\" is a label for people, which the group never uses, not even to say it is not used; talk about what people do, such as \"a person who uses\"")]
    Label(&'static str),
    /// A phrasing that invites a disclosure, one of [`DISCLOSURE_PHRASES`].
    #[error("\"{0}\" invites someone to name an offence, a victim, a person or a place, or promises secrecy staff cannot keep; ask for a kind of thing instead")]
    Disclosure(&'static str),
    /// A well-known saying, one of [`SAYINGS`].
    #[error("\"{0}\" quotes a well-known saying; put the idea in the project's own words")]
    Saying(&'static str),
    /// The text reads too hard for its readers.
    #[error("{0}")]
    HardToRead(Hard),
    /// A tool no session uses.
    #[error("no session uses tool `{0}`, so the group never sees it; name it in the `tools = [...]` of a session's main-work phase, or remove this file")]
    UnusedTool(String),
    /// A media file nothing names.
    #[error("no phase, tool or point names this file, yet it would go into the pack; name it (media = \"{0}\") or remove it")]
    UnusedMedia(String),
    /// A welcome that does not say what every welcome says.
    #[error("the welcome does not say {}; every welcome gives the ground rules and the limits of confidentiality: copy the welcome of a sample session", quoted(.0))]
    Welcome(Vec<&'static str>),
    /// A check-in too short for twelve people.
    #[error("the check-in has {0} minutes; give it at least {CHECK_IN_MINUTES}, so each of twelve people can say how the week went")]
    ShortCheckIn(u32),
    /// A check-in without a timing note for twelve people.
    #[error("no `Timing:` note says how the check-in fits twelve people; add one, such as \"Timing: about a minute and a half each for twelve people.\"")]
    CheckInNotForTwelve,
    /// A main work without time for the topics from the check-in.
    #[error("no `Timing:` note gives time to the topics from the check-in; add one, such as \"Timing: about 10 minutes on topics from the check-in, then the tool.\"")]
    NoTimeForTopics,
    /// A check-out of another length than [`CHECK_OUT_MINUTES`].
    #[error("the check-out has {0} minutes; give it {CHECK_OUT_MINUTES}, a minute each for twelve people and their plan for the week")]
    CheckOutMinutes(u32),
    /// A check-out that asks for no plan for the week.
    #[error("the check-out does not ask for a plan for the week; ask each person what they plan to do this week")]
    NoPlanForTheWeek,
    /// A phase text whose plain version is the usual text again.
    #[error(
        "the plain version is the same as the usual text; write it again in the plainest words"
    )]
    PlainSameAsStandard,
    /// A facilitator note that does not start with one of [`NOTE_KINDS`].
    #[error("the note does not start with `Say:`, `Watch for:` or `Timing:`; start it with the one it is")]
    NoteKind,
    /// A phase without a note of one of the [`NOTE_KINDS`].
    #[error("the phase has no note starting `{}`; each phase needs at least one `Say:`, one `Watch for:` and one `Timing:` note", .0.trim_end())]
    MissingNote(&'static str),
    /// A translation whose lines or sentences do not match its English:
    /// the kiosk reads and highlights sentence by sentence.
    #[error("the {} version has {lines} lines and {sentences} sentences, the English {english_lines} and {english_sentences}; keep the English's lines and sentences, in the same order", language.english_name())]
    TranslationShape {
        /// Which language.
        language: Language,
        /// Lines of the translation.
        lines: usize,
        /// Its sentences.
        sentences: usize,
        /// Lines of the English.
        english_lines: usize,
        /// Its sentences.
        english_sentences: usize,
    },
    /// A text that refers to a session the programme does not have.
    #[error("it refers to session {0}, which the programme does not have; correct the number")]
    NoSuchSession(u32),
}

fn quoted(phrases: &[&str]) -> String {
    phrases
        .iter()
        .map(|p| format!("\"{p}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

/// The first of [`DISCLOSURE_PHRASES`] in `text`, if any.
pub fn disclosure_in(text: &str) -> Option<&'static str> {
    let text = text.to_lowercase();
    DISCLOSURE_PHRASES
        .iter()
        .copied()
        .find(|p| text.contains(p))
}

/// One text of the programme, where it was written and who reads it.
#[derive(Debug, Clone)]
pub struct Text<'a> {
    /// Where it is.
    pub place: Place,
    /// The words.
    pub text: &'a str,
    /// Who reads it.
    pub reader: Reader,
    /// For a translation: its language and the English it translates.
    pub translates: Option<(Language, &'a str)>,
}

/// Every text of the programme a person reads, one field and one version at
/// a time, never joined: what the room sees (titles, phase texts, tool
/// names, summaries, steps, worksheet labels and prompts, both versions),
/// then what only the facilitator sees (notes, the safety guide's steps).
/// Blank texts (a worksheet box without a prompt) are left out. English
/// only: [`check`] also reads the translations.
pub fn texts(source: &Source) -> Vec<Text<'_>> {
    let mut all = all_texts(source);
    all.retain(|t| t.translates.is_none());
    all
}

/// [`texts`], and after each room text its translations.
fn all_texts(source: &Source) -> Vec<Text<'_>> {
    let mut out = Vec::new();
    let origins = &source.origins;
    for s in &source.programme.sessions {
        let file = origins
            .session_file(&s.id)
            .map_or_else(|| format!("session `{}`", s.id), str::to_owned);
        let body = origins.text(&file).unwrap_or_default();
        let mut at = Locator {
            file: &file,
            body,
            out: &mut out,
        };
        at.pair(None, "", &s.title, ["title", "plain_title"]);
        for (i, p) in s.phases.iter().enumerate() {
            let table = Some(("phases", i));
            let name = phase_name(i, p);
            at.pair(table, &name, &p.title, ["title", "plain_title"]);
            at.pair(table, &name, &p.text, ["text", "plain"]);
            for (j, note) in p.facilitator_notes.iter().enumerate() {
                at.item(table, &name, "facilitator_notes", j, note);
            }
        }
    }
    for t in &source.programme.tools {
        let file = origins
            .tool_file(&t.id)
            .map_or_else(|| format!("tool `{}`", t.id), str::to_owned);
        let body = origins.text(&file).unwrap_or_default();
        let mut at = Locator {
            file: &file,
            body,
            out: &mut out,
        };
        at.pair(None, "", &t.name, ["name", "plain_name"]);
        at.pair(None, "", &t.summary, ["summary", "plain_summary"]);
        for (i, step) in t.steps.iter().enumerate() {
            let name = format!("step {}", i + 1);
            at.pair(Some(("steps", i)), &name, step, ["text", "plain"]);
        }
        for (i, f) in t.worksheet.fields.iter().enumerate() {
            let table = Some(("worksheet.fields", i));
            let name = format!("worksheet field {}", i + 1);
            at.pair(table, &name, &f.label, ["label", "plain_label"]);
            at.pair(table, &name, &f.prompt, ["prompt", "plain_prompt"]);
        }
    }
    let file = "safety.toml";
    let body = origins.text(file).unwrap_or_default();
    let mut at = Locator {
        file,
        body,
        out: &mut out,
    };
    for (i, g) in source.programme.safety_guide.iter().enumerate() {
        let name = format!("section {} (`{}`)", i + 1, g.id);
        for (j, step) in g.steps.iter().enumerate() {
            at.item(Some(("sections", i)), &name, "steps", j, step);
        }
    }
    // Room first, then the facilitator's, as the doc says.
    out.sort_by_key(|t| t.reader == Reader::Facilitator);
    out
}

/// "phase 4 (main-work)", as the loader names a phase.
fn phase_name(i: usize, phase: &Phase) -> String {
    format!("phase {} ({})", i + 1, kind_name(phase.kind))
}

/// Collects [`Text`]s of one file, finding the line of each.
struct Locator<'a, 'f, 'o> {
    file: &'f str,
    body: &'a str,
    out: &'o mut Vec<Text<'a>>,
}

impl<'a> Locator<'a, '_, '_> {
    fn place(&self, table: Option<(&str, usize)>, name: &str, key: &str) -> Place {
        let field = if name.is_empty() {
            format!("field `{key}`")
        } else {
            format!("{name}: field `{key}`")
        };
        Place {
            file: self.file.to_owned(),
            line: key_line(self.body, table, key),
            field: Some(field),
        }
    }

    /// Both versions of a text the room sees.
    fn pair(
        &mut self,
        table: Option<(&str, usize)>,
        name: &str,
        text: &'a ParticipantText,
        keys: [&str; 2],
    ) {
        for (words, key, reader) in [
            (&text.standard, keys[0], Reader::Room),
            (&text.plain, keys[1], Reader::RoomPlain),
        ] {
            if !words.trim().is_empty() {
                let place = self.place(table, name, key);
                self.out.push(Text {
                    place,
                    text: words,
                    reader,
                    translates: None,
                });
            }
        }
        for (&language, t) in &text.translations {
            for (words, english, key, reader) in [
                (&t.standard, &text.standard, keys[0], Reader::Room),
                (&t.plain, &text.plain, keys[1], Reader::RoomPlain),
            ] {
                if !words.trim().is_empty() {
                    let place = self.place(table, name, &format!("{key}_{language}"));
                    self.out.push(Text {
                        place,
                        text: words,
                        reader,
                        translates: Some((language, english)),
                    });
                }
            }
        }
    }

    /// Item `j` of a list the facilitator reads (`facilitator_notes`, `steps`).
    fn item(
        &mut self,
        table: Option<(&str, usize)>,
        name: &str,
        key: &str,
        j: usize,
        text: &'a str,
    ) {
        let mut place = self.place(table, name, key);
        if let Some(field) = &mut place.field {
            let what = if key == "steps" { "step" } else { "note" };
            field.push_str(&format!(", {what} {}", j + 1));
        }
        place.line = place.line.map(|l| item_line(self.body, l, text));
        self.out.push(Text {
            place,
            text,
            reader: Reader::Facilitator,
            translates: None,
        });
    }
}

/// The line of the list item whose text starts like `text`, at or after
/// the list's key on line `key_line`; `key_line` if it cannot be told.
fn item_line(body: &str, key_line: usize, text: &str) -> usize {
    let start: String = text.chars().take(30).collect();
    if start.is_empty() || start.contains(['"', '\\', '\n']) {
        return key_line;
    }
    body.lines()
        .enumerate()
        .skip(key_line - 1)
        .take_while(|(n, l)| *n + 1 == key_line || !l.trim_start().starts_with('['))
        .find(|(_, l)| l.contains(start.as_str()))
        .map_or(key_line, |(n, _)| n + 1)
}

/// Checks every content rule on a loaded source, with our syllable
/// counter; every finding, in file and line order. Errs only when a note or
/// media file cannot be read for the labels check.
pub fn check(source: &Source) -> Result<Vec<Finding>, SourceError> {
    check_with(source, &readability::syllables)
}

/// [`check`] with syllables from `count`: the tests run the rules again
/// with a pronouncing dictionary's counts.
pub fn check_with(
    source: &Source,
    count: &dyn Fn(&str) -> usize,
) -> Result<Vec<Finding>, SourceError> {
    let mut found = labels(source)?;
    let texts = all_texts(source);
    for t in &texts {
        let mut broken = Vec::new();
        if let Some((language, english)) = t.translates {
            // The safety and readability checks read English; a
            // translation keeps the English's lines and sentences.
            let shape = |text: &str| (text.trim().lines().count(), sentence_count(text));
            let (lines, sentences) = shape(t.text);
            let (english_lines, english_sentences) = shape(english);
            if (lines, sentences) != (english_lines, english_sentences) {
                broken.push(Broken::TranslationShape {
                    language,
                    lines,
                    sentences,
                    english_lines,
                    english_sentences,
                });
            }
            found.extend(broken.into_iter().map(|broken| Finding {
                place: t.place.clone(),
                broken,
            }));
            continue;
        }
        if t.reader != Reader::Facilitator {
            broken.extend(disclosure_in(t.text).map(Broken::Disclosure));
            let lower = t.text.to_lowercase();
            broken.extend(
                SAYINGS
                    .iter()
                    .find(|s| lower.contains(*s))
                    .map(|s| Broken::Saying(s)),
            );
        }
        broken.extend(readability::judge(t.text, t.reader, count).map(Broken::HardToRead));
        broken.extend(missing_sessions(&source.programme, t.text).map(Broken::NoSuchSession));
        found.extend(broken.into_iter().map(|broken| Finding {
            place: t.place.clone(),
            broken,
        }));
    }
    found.extend(sessions(source));
    found.extend(unused(source));
    found.sort_by(|a, b| {
        (&a.place.file, a.place.line.unwrap_or(0)).cmp(&(&b.place.file, b.place.line.unwrap_or(0)))
    });
    Ok(found)
}

/// The labels check, over every file of the folder, byte by byte, so a
/// comment, a note or a picture's title is caught too.
fn labels(source: &Source) -> Result<Vec<Finding>, SourceError> {
    let mut found = Vec::new();
    let origins = &source.origins;
    for (file, text) in origins.toml_files() {
        scan(file, text.as_bytes(), Some(text), &mut found);
    }
    let others = origins
        .notes
        .iter()
        .map(|n| (n.clone(), origins.root.join(n)))
        .chain(
            source
                .media
                .iter()
                .map(|m| (m.pack_path.as_str().to_owned(), m.file.clone())),
        );
    for (file, path) in others {
        let bytes = fs::read(&path).map_err(|source| SourceError::Read { path, source })?;
        scan(&file, &bytes, None, &mut found);
    }
    Ok(found)
}

/// Finds [`LABELS`] in `bytes`; `toml` is the text when the file is TOML,
/// to name the field.
fn scan(file: &str, bytes: &[u8], toml: Option<&str>, found: &mut Vec<Finding>) {
    let lower = bytes.to_ascii_lowercase();
    let text = std::str::from_utf8(bytes).ok();
    for label in LABELS {
        let mut from = 0;
        while let Some(at) = lower[from..]
            .windows(label.len())
            .position(|w| w == label.as_bytes())
        {
            let offset = from + at;
            from = offset + label.len();
            let field = toml.and_then(|t| field_at(t, offset));
            found.push(Finding {
                place: Place {
                    file: file.to_owned(),
                    line: text.map(|t| line_of(t, offset)),
                    field,
                },
                broken: Broken::Label(label),
            });
        }
    }
}

/// What a byte offset of a TOML file falls in: "a comment", or the table
/// and field, e.g. "phase 4 (main-work): field `text`".
fn field_at(text: &str, offset: usize) -> Option<String> {
    let line_start = text[..offset].rfind('\n').map_or(0, |i| i + 1);
    let before = &text[line_start..offset];
    let quotes = before.matches('"').count() + before.matches('\'').count();
    if before.trim_start().starts_with('#') || (before.contains('#') && quotes.is_multiple_of(2)) {
        return Some(match table_at(text, offset) {
            Some(table) => format!("{table}: a comment"),
            None => "a comment".to_owned(),
        });
    }
    let mut parts: Vec<String> = table_at(text, offset).into_iter().collect();
    parts.extend(key_at(text, offset).map(|k| format!("field `{k}`")));
    (!parts.is_empty()).then(|| parts.join(": "))
}

/// The session numbers `text` names ("session 22", "sessions 3") that the
/// programme does not have.
fn missing_sessions(programme: &Programme, text: &str) -> Option<u32> {
    let lower = text.to_lowercase();
    lower.match_indices("session").find_map(|(i, _)| {
        let rest = lower[i + "session".len()..].trim_start_matches(['s', ' ']);
        let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
        let n = digits.parse::<u32>().ok()?;
        (!programme.sessions.iter().any(|s| s.number == n)).then_some(n)
    })
}

/// The rules of each session: the welcome, the timings, the notes, the
/// plain versions of phase texts.
fn sessions(source: &Source) -> Vec<Finding> {
    let mut found = Vec::new();
    for s in &source.programme.sessions {
        let file = source
            .origins
            .session_file(&s.id)
            .map_or_else(|| format!("session `{}`", s.id), str::to_owned);
        let body = source.origins.text(&file).unwrap_or_default();
        let mut add = |i: usize, phase: &Phase, key: &str, broken: Broken| {
            found.push(Finding {
                place: Place {
                    file: file.clone(),
                    line: key_line(body, Some(("phases", i)), key),
                    field: Some(format!("{}: field `{key}`", phase_name(i, phase))),
                },
                broken,
            })
        };
        for (i, p) in s.phases.iter().enumerate() {
            let timing = |needle: &str| {
                p.facilitator_notes
                    .iter()
                    .any(|n| n.starts_with("Timing:") && n.contains(needle))
            };
            match p.kind {
                PhaseKind::Welcome => {
                    for (text, needles, key) in [
                        (&p.text.standard, &WELCOME_STANDARD[..], "text"),
                        (&p.text.plain, &WELCOME_PLAIN[..], "plain"),
                    ] {
                        let lower = text.to_lowercase();
                        let lacks: Vec<&'static str> = needles
                            .iter()
                            .copied()
                            .filter(|n| !lower.contains(n))
                            .collect();
                        if !lacks.is_empty() {
                            add(i, p, key, Broken::Welcome(lacks));
                        }
                    }
                }
                PhaseKind::CheckIn => {
                    if p.minutes < CHECK_IN_MINUTES {
                        add(i, p, "minutes", Broken::ShortCheckIn(p.minutes));
                    }
                    if !timing("twelve") {
                        add(i, p, "facilitator_notes", Broken::CheckInNotForTwelve);
                    }
                }
                PhaseKind::MainWork => {
                    if !timing("topics from the check-in") {
                        add(i, p, "facilitator_notes", Broken::NoTimeForTopics);
                    }
                }
                PhaseKind::CheckOut => {
                    if p.minutes != CHECK_OUT_MINUTES {
                        add(i, p, "minutes", Broken::CheckOutMinutes(p.minutes));
                    }
                    for (text, key) in [(&p.text.standard, "text"), (&p.text.plain, "plain")] {
                        let lower = text.to_lowercase();
                        if !(lower.contains("plan") && lower.contains("week")) {
                            add(i, p, key, Broken::NoPlanForTheWeek);
                        }
                    }
                }
                PhaseKind::Agenda => {}
            }
            if p.text.standard.trim() == p.text.plain.trim() {
                add(i, p, "plain", Broken::PlainSameAsStandard);
            }
            for kind in NOTE_KINDS {
                if !p.facilitator_notes.iter().any(|n| n.starts_with(kind)) {
                    add(i, p, "facilitator_notes", Broken::MissingNote(kind));
                }
            }
        }
    }
    // A note of no kind, named with its own line.
    for t in texts(source) {
        let is_note = t
            .place
            .field
            .as_deref()
            .is_some_and(|f| f.contains("field `facilitator_notes`"));
        if is_note && !NOTE_KINDS.iter().any(|k| t.text.starts_with(k)) {
            found.push(Finding {
                place: t.place,
                broken: Broken::NoteKind,
            });
        }
    }
    found
}

/// Tools no session uses, and media files nothing names.
fn unused(source: &Source) -> Vec<Finding> {
    let programme = &source.programme;
    let used: BTreeSet<&str> = programme
        .sessions
        .iter()
        .flat_map(|s| s.tool_ids())
        .collect();
    let mut found: Vec<Finding> = programme
        .tools
        .iter()
        .filter(|t| !used.contains(t.id.as_str()))
        .map(|t| {
            let file = source
                .origins
                .tool_file(&t.id)
                .map_or_else(|| format!("tool `{}`", t.id), str::to_owned);
            let line = source
                .origins
                .text(&file)
                .and_then(|body| key_line(body, None, "id"));
            Finding {
                place: Place {
                    file,
                    line,
                    field: Some("field `id`".into()),
                },
                broken: Broken::UnusedTool(t.id.clone()),
            }
        })
        .collect();
    let named = programme.media_paths();
    // A picture's version in a language of the pack is named with it.
    let translated: BTreeSet<String> = named
        .iter()
        .flat_map(|n| {
            programme
                .translations
                .iter()
                .filter_map(|t| t.language.picture(n))
        })
        .collect();
    found.extend(
        source
            .media
            .iter()
            .filter(|m| {
                !named.contains(m.pack_path.as_str()) && !translated.contains(m.pack_path.as_str())
            })
            .map(|m| Finding {
                place: Place {
                    file: m.pack_path.as_str().to_owned(),
                    line: None,
                    field: None,
                },
                broken: Broken::UnusedMedia(m.pack_path.as_str().to_owned()),
            }),
    );
    found
}
