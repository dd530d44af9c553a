//! Loading a pack source folder: the TOML files a content team edits, turned
//! into a validated [`Programme`] plus the media files to pack.
//!
//! A source folder holds:
//!
//! ```text
//! pack.toml              id, title, [approval] approved_by + reference, and
//!                        [[points]]: a picture for each of the 4 points
//! safety.toml            the facilitator safety and disclosure guide, [[sections]]
//! sessions/*.toml        one session each, with its [[phases]]
//! tools/<id>.toml        one tool each, with its [[steps]], [worksheet] and
//!                        [[worksheet.fields]], and a picture
//! sessions/<name>/, tools/<id>/
//!                        recordings of that file's texts made by a person,
//!                        each named after the field it reads (see below)
//! media/**               pictures and sounds; every file here goes into the pack,
//!                        except notes ending `.md`
//! *.md                   notes for the content team, in the top folder or any
//!                        folder above (never packed)
//! ```
//!
//! `content-pack/sample/README.md` describes every field for people who are
//! not programmers. This module's job is to be strict and to say exactly
//! where a mistake is: every error names the file, and where it can, the line,
//! the phase, step or worksheet field, and the field name.
//!
//! Every text the room sees comes in two versions, the usual words and the
//! plainest words (`title` and `plain_title`, `text` and `plain`, `name` and
//! `plain_name`…): the source format has no way to leave a plain version out.
//!
//! A recording (`.wav`, `.flac`, `.ogg` Vorbis or `.mp3`) sits in a folder
//! beside its session or tool file, named like the file without `.toml`,
//! and is named after the field it reads: `title.wav` (the session's title,
//! or a tool's `name.wav`, `summary.wav`), `phase-3.text.flac`,
//! `phase-3.plain_cy.mp3`, `step-2.text.ogg`, `field-1.prompt.wav`. A label
//! file beside it (`phase-3.text.txt`, Audacity's "Export Labels", one label
//! a sentence) times its sentences exactly; without one they are timed from
//! its pauses (see [`crate::recording`]). A recording goes into the pack
//! under `media/audio/`, named by its hash.
//!
//! It refuses links, devices and other odd files anywhere in the folder, media
//! names a pack may not carry, and anything it does not recognise, rather than
//! quietly leaving it out of the pack.

use std::collections::{BTreeMap, BTreeSet};
use std::fmt;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicU64, Ordering};

use rayon::prelude::*;
use serde::de::{DeserializeOwned, Error as _};
use serde::{Deserialize, Deserializer};
use sha2::Digest as _;

use crate::error::ProgrammeError;
use crate::language::Language;
use crate::manifest::{Approval, PackPath};
use crate::programme::AUDIO_EXTENSIONS;
use crate::programme::{
    Audio, AudioMade, GuideSection, ParticipantText, Phase, PhaseKind, Point, PointPicture,
    Programme, Session, Tool, Translation, Worksheet, WorksheetField, WorksheetKind,
};
use crate::recording::{self, Heard, Timing, MAX_RECORDING_BYTES};

/// Largest TOML file the loader reads; real ones are a few kilobytes.
pub const MAX_SOURCE_FILE_BYTES: u64 = 1024 * 1024;

/// A pack source folder, loaded and validated.
///
/// Loading checks the programme's rules (the SMART meeting format, plain
/// versions, pictures); the content rules (safe wording, readability, every
/// tool used…) are checked on a loaded source by [`crate::rules::check`].
#[derive(Debug, Clone)]
pub struct Source {
    /// Names the programme line, from `pack.toml`, e.g. `insideout-sample`.
    pub pack_id: String,
    /// Who approved the content, from `pack.toml`'s `[approval]`.
    pub approval: Approval,
    /// The programme, checked with [`Programme::validate`].
    pub programme: Programme,
    /// Every file under `media/` but the `.md` notes, and every recording,
    /// sorted by pack path.
    pub media: Vec<MediaFile>,
    /// The recordings made by a person, in the order of their files.
    pub recordings: Vec<Recording>,
    /// Which file each part came from, and the text of each TOML file.
    pub origins: Origins,
}

/// Where each part of a loaded source was written, so that a content rule
/// can name the file and line at fault (see [`crate::rules`]).
#[derive(Debug, Clone, Default)]
pub struct Origins {
    /// The source folder.
    pub root: PathBuf,
    /// Every `.md` note, relative to the source folder; never packed.
    pub notes: Vec<String>,
    /// Each TOML file's text as loaded, by its path relative to the folder.
    texts: BTreeMap<String, String>,
    /// Session id → its file.
    sessions: BTreeMap<String, String>,
    /// Tool id → its file.
    tools: BTreeMap<String, String>,
}

impl Origins {
    /// The file the session `id` was loaded from, e.g. `sessions/03-x.toml`.
    pub fn session_file(&self, id: &str) -> Option<&str> {
        self.sessions.get(id).map(String::as_str)
    }

    /// The file the tool `id` was loaded from, e.g. `tools/abc.toml`.
    pub fn tool_file(&self, id: &str) -> Option<&str> {
        self.tools.get(id).map(String::as_str)
    }

    /// The text of a TOML file of the source, as loaded.
    pub fn text(&self, file: &str) -> Option<&str> {
        self.texts.get(file).map(String::as_str)
    }

    /// Every TOML file of the source and its text, in path order.
    pub fn toml_files(&self) -> impl Iterator<Item = (&str, &str)> {
        self.texts.iter().map(|(f, t)| (f.as_str(), t.as_str()))
    }
}

/// A recording made by a person, given to the text it reads.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Recording {
    /// The file, relative to the source folder, e.g.
    /// `sessions/01-welcome/phase-1.text.wav`.
    pub file: String,
    /// How its sentences were timed.
    pub timing: Timing,
}

/// A file under `media/` that goes into the pack.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MediaFile {
    /// Its path inside the pack, e.g. `media/four-points.svg`.
    pub pack_path: PackPath,
    /// Where it is on disk.
    pub file: PathBuf,
    /// Its size in bytes when the folder was loaded.
    pub size: u64,
}

/// A pack source folder could not be loaded. Every message names the file
/// (relative to the source folder) and, where it can, the field at fault.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum SourceError {
    /// A file or folder could not be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file or folder on disk.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The path given is not a folder.
    #[error("{0} is not a folder; give the pack source folder (the one holding pack.toml)")]
    NotAFolder(PathBuf),
    /// A file or folder every source needs is not there.
    #[error("{file} is missing; {hint}")]
    Missing {
        /// The file or folder, relative to the source folder.
        file: String,
        /// What to do.
        hint: &'static str,
    },
    /// A symbolic link was found; packs carry only real files.
    #[error("{file}: links are not allowed in a pack source; put the real file here instead")]
    Link {
        /// The link, relative to the source folder.
        file: String,
    },
    /// Something that is neither a plain file nor a folder (a device, a pipe…).
    #[error("{file}: this is not a plain file or folder; remove it")]
    NotAFile {
        /// The entry, relative to the source folder.
        file: String,
    },
    /// A file or folder the source format has no place for.
    #[error("{file}: {hint}")]
    Unexpected {
        /// The entry, relative to the source folder.
        file: String,
        /// What belongs here instead.
        hint: &'static str,
    },
    /// A file name under `media/` that a pack may not carry.
    #[error("{file}: this name cannot go into a pack ({reason}); rename the file")]
    BadMediaName {
        /// The file, relative to the source folder.
        file: String,
        /// Why the name is refused.
        reason: &'static str,
    },
    /// A TOML file is bigger than any real one.
    #[error("{file} is {size} bytes, over the limit of {limit}; is it the right file?")]
    TooBig {
        /// The file, relative to the source folder.
        file: String,
        /// Its size.
        size: u64,
        /// The limit, [`MAX_SOURCE_FILE_BYTES`].
        limit: u64,
    },
    /// A TOML file is not written correctly, or a field holds a wrong value.
    #[error("{file}{}: {problem}", line.map(|l| format!(" (line {l})")).unwrap_or_default())]
    Invalid {
        /// The file, relative to the source folder, e.g. `sessions/03-urges.toml`.
        file: String,
        /// The line the mistake is on, from 1, when known.
        line: Option<usize>,
        /// Where and what, e.g. "phase 4 (main-work): field `minutes`: expected a whole number, found a string".
        problem: String,
    },
    /// The programme breaks one of its rules (see [`Programme::validate`]).
    // The rule is in the message, so it is not also the `source()`: a
    // printer that follows causes would show it twice.
    #[error("{file}{}: {rule}", line.map(|l| format!(" (line {l})")).unwrap_or_default())]
    Programme {
        /// The file the offending session or tool comes from.
        file: String,
        /// The line of the field at fault, or of the session's or tool's
        /// table, from 1, when known.
        line: Option<usize>,
        /// The rule broken, naming the session, phase or tool.
        rule: ProgrammeError,
    },
    /// Several room texts are missing a version (each a
    /// [`SourceError::Programme`]), as when a translation is not finished.
    #[error("{} texts the room sees need fixing:\n{}", .0.len(), .0.iter().map(|e| format!("  {e}")).collect::<Vec<_>>().join("\n"))]
    Several(Vec<SourceError>),
}

/// Loads the pack source folder `dir` and validates the programme in it.
pub fn load_source(dir: &Path) -> Result<Source, SourceError> {
    load_source_with(dir, &|_, _| {})
}

/// [`load_source`], reporting to `heard` how far it is through decoding the
/// recordings a person made: bytes decoded so far, and in all. (Hundreds of
/// minutes of recordings take a while.)
pub fn load_source_with(
    dir: &Path,
    heard: &(dyn Fn(u64, u64) + Sync),
) -> Result<Source, SourceError> {
    let meta = fs::metadata(dir).map_err(|source| SourceError::Read {
        path: dir.to_owned(),
        source,
    })?;
    if !meta.is_dir() {
        return Err(SourceError::NotAFolder(dir.to_owned()));
    }
    let mut layout = Layout::scan(dir)?;
    let listening = Listening {
        done: AtomicU64::new(0),
        total: layout.recording_bytes,
        report: heard,
    };
    let (mut recordings, mut recorded_media) = (Vec::new(), Vec::new());
    let mut texts: BTreeMap<String, String> = BTreeMap::new();

    let pack_file = layout.pack_toml.ok_or(SourceError::Missing {
        file: "pack.toml".into(),
        hint: "every pack source starts with a pack.toml giving its id, title and approval",
    })?;
    let pack: PackToml = parse(dir, &pack_file, &mut texts)?;
    if let Err(problem) = check_id(&pack.id) {
        return Err(invalid(&pack_file, "field `id`", &problem));
    }
    if pack.title.trim().is_empty() {
        return Err(invalid(&pack_file, "field `title`", "the title is empty"));
    }
    for (what, text) in [
        ("approved_by", &pack.approval.approved_by),
        ("reference", &pack.approval.reference),
    ] {
        if text.trim().is_empty() {
            return Err(invalid(
                &pack_file,
                &format!("approval: field `{what}`"),
                "it is empty",
            ));
        }
    }

    let media_paths: BTreeSet<&str> = layout.media.iter().map(|m| m.pack_path.as_str()).collect();
    let no_media = |file: &str, at: &str, m: &str| {
        invalid(
            file,
            at,
            &format!("there is no file `{m}`; write the path as media/<file name> and put the file in the media folder"),
        )
    };
    let mut point_pictures = Vec::new();
    for (i, p) in pack.points.into_iter().enumerate() {
        let at = format!(
            "points entry {} (point {}): field `picture`",
            i + 1,
            p.number.0.number()
        );
        if !media_paths.contains(p.picture.as_str()) {
            return Err(no_media(&pack_file, &at, &p.picture));
        }
        point_pictures.push(PointPicture {
            point: p.number.0,
            picture: p.picture,
        });
    }

    let safety_file = layout.safety_toml.clone().ok_or(SourceError::Missing {
        file: "safety.toml".into(),
        hint: "every pack source carries the facilitator safety and disclosure guide; copy the sample's safety.toml and adapt it",
    })?;
    let safety: SafetyToml = parse(dir, &safety_file, &mut texts)?;
    let safety_guide: Vec<GuideSection> = safety
        .sections
        .into_iter()
        .map(|g| GuideSection {
            id: g.id,
            title: g.title,
            steps: g.steps,
        })
        .collect();

    // Tools first, so sessions can be checked against them.
    let mut tools: Vec<Tool> = Vec::new();
    let mut tool_files: BTreeMap<String, String> = BTreeMap::new();
    for file in &layout.tools {
        let tool: ToolToml = parse(dir, file, &mut texts)?;
        let stem = file.trim_start_matches("tools/").trim_end_matches(".toml");
        if tool.id != stem {
            return Err(invalid(
                file,
                "field `id`",
                &format!(
                    "the id `{}` must match the file name; name the file tools/{}.toml or change the id to `{stem}`",
                    tool.id, tool.id
                ),
            ));
        }
        if !media_paths.contains(tool.picture.as_str()) {
            return Err(no_media(file, "field `picture`", &tool.picture));
        }
        tool_files.insert(tool.id.clone(), file.clone());
        let mut heard =
            Recordings::beside(dir, file, &layout.recordings, &mut layout.notes, &listening)?;
        tools.push(Tool {
            id: tool.id,
            name: heard.give(
                None,
                ["name", "plain_name"],
                words(tool.name, tool.plain_name, tool.name_cy, tool.plain_name_cy),
            )?,
            points: tool.points.into_iter().map(|p| p.0).collect(),
            summary: heard.give(
                None,
                ["summary", "plain_summary"],
                words(
                    tool.summary,
                    tool.plain_summary,
                    tool.summary_cy,
                    tool.plain_summary_cy,
                ),
            )?,
            steps: tool
                .steps
                .into_iter()
                .enumerate()
                .map(|(i, s)| {
                    heard.give(
                        Some(format!("step-{}", i + 1)),
                        ["text", "plain"],
                        words(s.text, s.plain, s.text_cy, s.plain_cy),
                    )
                })
                .collect::<Result<_, _>>()?,
            picture: tool.picture,
            worksheet: Worksheet {
                kind: tool.worksheet.kind,
                fields: tool
                    .worksheet
                    .fields
                    .into_iter()
                    .enumerate()
                    .map(|(i, f)| {
                        let table = Some(format!("field-{}", i + 1));
                        Ok(WorksheetField {
                            label: heard.give(
                                table.clone(),
                                ["label", "plain_label"],
                                words(f.label, f.plain_label, f.label_cy, f.plain_label_cy),
                            )?,
                            prompt: heard.give(
                                table,
                                ["prompt", "plain_prompt"],
                                words(f.prompt, f.plain_prompt, f.prompt_cy, f.plain_prompt_cy),
                            )?,
                        })
                    })
                    .collect::<Result<_, SourceError>>()?,
            },
        });
        heard.finish(&mut recorded_media, &mut recordings)?;
    }

    if layout.sessions.is_empty() {
        return Err(SourceError::Missing {
            file: "sessions/*.toml".into(),
            hint: "add at least one session file to the sessions folder",
        });
    }
    let mut sessions: Vec<(Session, String)> = Vec::new();
    for file in &layout.sessions {
        let text = read_text(dir, file)?;
        let session: SessionToml = parse_text(file, &text)?;
        texts.insert(file.clone(), text.clone());
        let mut heard =
            Recordings::beside(dir, file, &layout.recordings, &mut layout.notes, &listening)?;
        let mut phases = Vec::with_capacity(session.phases.len());
        for (i, phase) in session.phases.into_iter().enumerate() {
            let at = format!("phase {} ({})", i + 1, kind_name(phase.kind));
            let line = nth_header_line(&text, "[[phases]]", i);
            if let Some(t) = phase
                .tools
                .iter()
                .find(|t| !tool_files.contains_key(t.as_str()))
            {
                return Err(SourceError::Invalid {
                    file: file.clone(),
                    line,
                    problem: format!(
                        "{at}: field `tools`: there is no tool `{t}` (no file tools/{t}.toml)"
                    ),
                });
            }
            if let Some(m) = &phase.media {
                if !media_paths.contains(m.as_str()) {
                    return Err(SourceError::Invalid {
                        file: file.clone(),
                        line,
                        problem: format!(
                            "{at}: field `media`: there is no file `{m}`; write the path as media/<file name> and put the file in the media folder"
                        ),
                    });
                }
            }
            let table = Some(format!("phase-{}", i + 1));
            phases.push(Phase {
                kind: phase.kind,
                title: heard.give(
                    table.clone(),
                    ["title", "plain_title"],
                    words(
                        phase.title,
                        phase.plain_title,
                        phase.title_cy,
                        phase.plain_title_cy,
                    ),
                )?,
                minutes: phase.minutes,
                text: heard.give(
                    table,
                    ["text", "plain"],
                    words(phase.text, phase.plain, phase.text_cy, phase.plain_cy),
                )?,
                facilitator_notes: phase.facilitator_notes,
                tools: phase.tools,
                media: phase.media,
            });
        }
        sessions.push((
            Session {
                id: session.id,
                number: session.number,
                title: heard.give(
                    None,
                    ["title", "plain_title"],
                    words(
                        session.title,
                        session.plain_title,
                        session.title_cy,
                        session.plain_title_cy,
                    ),
                )?,
                points: session.points.into_iter().map(|p| p.0).collect(),
                minutes: session.minutes,
                phases,
            },
            file.clone(),
        ));
        heard.finish(&mut recorded_media, &mut recordings)?;
    }
    // Name both files when two sessions share an id or a number.
    for (i, (a, file_a)) in sessions.iter().enumerate() {
        for (b, file_b) in &sessions[..i] {
            let clash = if a.id == b.id {
                Some(("id", format!("field `id`: `{}`", a.id)))
            } else if a.number == b.number {
                Some(("number", format!("field `number`: {}", a.number)))
            } else {
                None
            };
            if let Some((key, clash)) = clash {
                return Err(SourceError::Invalid {
                    file: file_a.clone(),
                    line: texts.get(file_a).and_then(|t| key_line(t, None, key)),
                    problem: format!("{clash}: {file_b} uses it too; each session needs its own"),
                });
            }
        }
    }
    // Sessions run in number order, whatever the files are called.
    sessions.sort_by_key(|(s, _)| s.number);

    let session_files: Vec<(String, String)> = sessions
        .iter()
        .map(|(s, f)| (format!("session {} `{}`", s.number, s.id), f.clone()))
        .collect();
    let session_ids: BTreeMap<String, String> = sessions
        .iter()
        .map(|(s, f)| (s.id.clone(), f.clone()))
        .collect();
    let programme = Programme {
        title: pack.title,
        sessions: sessions.into_iter().map(|(s, _)| s).collect(),
        tools,
        point_pictures,
        safety_guide,
        translations: pack.translations,
    };
    let locate = |rule: ProgrammeError| {
        let file = if rule.at.starts_with("safety guide") {
            safety_file.clone()
        } else {
            file_of(&rule.at, &session_files, &tool_files).unwrap_or(pack_file.clone())
        };
        let line = texts
            .get(&file)
            .and_then(|text| rule_line(text, &rule, &programme));
        SourceError::Programme { file, line, rule }
    };
    if let Err(rule) = programme.validate() {
        // A missing translation is seldom alone: name every text at fault.
        let room: Vec<ProgrammeError> = programme
            .room_texts()
            .iter()
            .filter_map(|t| t.problem(&programme.translations).err())
            .collect();
        if room.len() > 1 && room.contains(&rule) {
            return Err(SourceError::Several(room.into_iter().map(locate).collect()));
        }
        return Err(locate(rule));
    }

    let mut media = layout.media;
    media.extend(recorded_media);
    media.sort_by(|a, b| a.pack_path.cmp(&b.pack_path));
    // Two copies of one recording are one file in the pack.
    media.dedup_by(|a, b| a.pack_path == b.pack_path);
    let origins = Origins {
        root: dir.to_owned(),
        notes: layout.notes,
        texts,
        sessions: session_ids,
        tools: tool_files,
    };
    Ok(Source {
        pack_id: pack.id,
        approval: pack.approval,
        programme,
        media,
        recordings,
        origins,
    })
}

/// The line a broken programme rule points at in `text`, its file: the
/// field it names, else the field the rule is about, else the phase's
/// table, else the line naming the session or tool (its `id`).
fn rule_line(text: &str, rule: &ProgrammeError, programme: &Programme) -> Option<usize> {
    let problem = rule.problem.as_str();
    // "step 2: …", "worksheet field 1: …" name a table of a tool file.
    let numbered = |prefix: &str| {
        let rest = problem.strip_prefix(prefix)?;
        let n: usize = rest.split(':').next()?.trim().parse().ok()?;
        n.checked_sub(1)
    };
    let mut table: Option<(&str, usize)> = None;
    if let Some(i) = numbered("step ") {
        table = Some(("steps", i));
    } else if let Some(i) = numbered("worksheet field ") {
        table = Some(("worksheet.fields", i));
    } else if let Some(id) = rule
        .at
        .strip_prefix("safety guide section `")
        .and_then(|r| r.strip_suffix('`'))
    {
        let i = programme.safety_guide.iter().position(|g| g.id == id)?;
        table = Some(("sections", i));
    } else if let Some((session, label)) = rule.at.split_once(", phase ") {
        let session = programme
            .sessions
            .iter()
            .find(|s| session.ends_with(&format!("`{}`", s.id)))?;
        let i = session
            .phases
            .iter()
            .position(|p| p.kind.label() == label)?;
        table = Some(("phases", i));
    }
    let named = problem
        .split_once("field `")
        .and_then(|(_, r)| r.split_once('`'))
        .map(|(key, _)| key);
    let about = [
        ("lasts", "minutes"),
        ("add up to", "minutes"),
        ("0 minutes", "minutes"),
        ("names no point", "points"),
        ("no facilitator notes", "facilitator_notes"),
        ("uses tool", "tools"),
        ("main work must use", "tools"),
        ("number is used", "number"),
        ("the id", "id"),
        ("it has no sessions", "title"),
        ("the title is empty", "title"),
    ]
    .into_iter()
    .find(|(words, _)| problem.contains(words))
    .map(|(_, key)| key);
    if problem.starts_with("its phases must be exactly") {
        // The first phase out of order.
        let session = programme
            .sessions
            .iter()
            .find(|s| rule.at.ends_with(&format!("`{}`", s.id)))?;
        let i = session
            .phases
            .iter()
            .zip(PhaseKind::ORDER)
            .position(|(p, kind)| p.kind != kind)
            .unwrap_or(session.phases.len());
        return nth_header_line(text, "[[phases]]", i).or_else(|| key_line(text, None, "id"));
    }
    if problem.contains("its worksheet has no fields") {
        return header_line(text, "[worksheet]").or_else(|| key_line(text, None, "id"));
    }
    // A missing translation (`title_cy`) is written beside its English.
    let english = |key: &str| {
        let (base, code) = key.rsplit_once('_')?;
        code.parse::<Language>().ok()?;
        key_line(text, table, base)
    };
    named
        .or(about)
        .and_then(|key| key_line(text, table, key).or_else(|| english(key)))
        .or_else(|| {
            let (name, i) = table?;
            nth_header_line(text, &format!("[[{name}]]"), i)
        })
        .or_else(|| key_line(text, None, "id"))
}

/// Which source file a [`ProgrammeError`]'s `at` points into.
fn file_of(
    at: &str,
    sessions: &[(String, String)],
    tools: &BTreeMap<String, String>,
) -> Option<String> {
    let starts = |prefix: &str| at == prefix || at.starts_with(&format!("{prefix},"));
    if let Some((_, f)) = sessions.iter().find(|(prefix, _)| starts(prefix)) {
        return Some(f.clone());
    }
    tools
        .iter()
        .find(|(id, _)| starts(&format!("tool `{id}`")))
        .map(|(_, f)| f.clone())
}

/// The files found in a source folder, as paths relative to it with `/`.
struct Layout {
    pack_toml: Option<String>,
    safety_toml: Option<String>,
    sessions: Vec<String>,
    tools: Vec<String>,
    media: Vec<MediaFile>,
    notes: Vec<String>,
    /// A session or tool file → the folder of recordings beside it.
    recordings: BTreeMap<String, String>,
    /// The size of all the recordings in those folders.
    recording_bytes: u64,
}

/// What a directory entry is, never following links.
enum Kind {
    File(u64),
    Folder,
}

impl Layout {
    fn scan(dir: &Path) -> Result<Layout, SourceError> {
        let mut layout = Layout {
            pack_toml: None,
            safety_toml: None,
            sessions: Vec::new(),
            tools: Vec::new(),
            media: Vec::new(),
            notes: Vec::new(),
            recordings: BTreeMap::new(),
            recording_bytes: 0,
        };
        let mut seen_sessions = false;
        let mut seen_tools = false;
        for (name, kind) in list(dir, "")? {
            match (name.as_str(), kind) {
                ("pack.toml", Kind::File(_)) => layout.pack_toml = Some(name),
                ("safety.toml", Kind::File(_)) => layout.safety_toml = Some(name),
                ("sessions", Kind::Folder) => {
                    seen_sessions = true;
                    layout.sessions = toml_files(dir, "sessions", &mut layout)?;
                }
                ("tools", Kind::Folder) => {
                    seen_tools = true;
                    layout.tools = toml_files(dir, "tools", &mut layout)?;
                }
                ("media", Kind::Folder) => {
                    media_files(dir, "media", &mut layout.media, &mut layout.notes)?
                }
                (n, Kind::File(_)) if is_note(n) => layout.notes.push(name),
                _ => {
                    return Err(SourceError::Unexpected {
                        file: name,
                        hint: "a pack source holds only pack.toml, safety.toml, the sessions, tools and media folders, and .md notes; move this elsewhere",
                    })
                }
            }
        }
        if !seen_sessions {
            return Err(SourceError::Missing {
                file: "sessions/".into(),
                hint: "make a folder called sessions with one .toml file per session",
            });
        }
        if !seen_tools {
            return Err(SourceError::Missing {
                file: "tools/".into(),
                hint: "make a folder called tools with one .toml file per tool",
            });
        }
        layout.media.sort_by(|a, b| a.pack_path.cmp(&b.pack_path));
        layout.notes.sort();
        Ok(layout)
    }
}

/// Lists the folder `rel` (relative to `root`), sorted by name, refusing links,
/// odd file types and names that are not valid Unicode.
fn list(root: &Path, rel: &str) -> Result<Vec<(String, Kind)>, SourceError> {
    let path = if rel.is_empty() {
        root.to_owned()
    } else {
        root.join(rel)
    };
    let read_err = |source| SourceError::Read {
        path: path.clone(),
        source,
    };
    let mut out = Vec::new();
    for entry in fs::read_dir(&path).map_err(read_err)? {
        let entry = entry.map_err(read_err)?;
        let Ok(name) = entry.file_name().into_string() else {
            return Err(SourceError::BadMediaName {
                file: join(rel, &entry.file_name().to_string_lossy()),
                reason: "the name is not valid text",
            });
        };
        let shown = join(rel, &name);
        // symlink_metadata never follows a link, so a link is seen as a link.
        let meta = fs::symlink_metadata(entry.path()).map_err(|source| SourceError::Read {
            path: entry.path(),
            source,
        })?;
        let kind = if meta.file_type().is_symlink() {
            return Err(SourceError::Link { file: shown });
        } else if meta.is_dir() {
            Kind::Folder
        } else if meta.is_file() {
            Kind::File(meta.len())
        } else {
            return Err(SourceError::NotAFile { file: shown });
        };
        out.push((name, kind));
    }
    out.sort_by(|a, b| a.0.cmp(&b.0));
    Ok(out)
}

fn join(rel: &str, name: &str) -> String {
    if rel.is_empty() {
        name.to_owned()
    } else {
        format!("{rel}/{name}")
    }
}

/// A note for the content team, never packed: a file ending `.md`, not
/// hidden.
fn is_note(name: &str) -> bool {
    name.ends_with(".md") && !name.starts_with('.')
}

/// The `.toml` files of `sessions/` or `tools/`, adding its `.md` notes and
/// its folders of recordings to `layout`; nothing else may be there.
fn toml_files(root: &Path, rel: &str, layout: &mut Layout) -> Result<Vec<String>, SourceError> {
    let mut files = Vec::new();
    let mut folders = Vec::new();
    for (name, kind) in list(root, rel)? {
        let file = join(rel, &name);
        match kind {
            Kind::File(_) if name.ends_with(".toml") && !name.starts_with('.') => files.push(file),
            Kind::File(_) if is_note(&name) => layout.notes.push(file),
            Kind::Folder if !name.starts_with('.') => folders.push(file),
            _ => return Err(SourceError::Unexpected {
                file,
                hint: "only .toml files, .md notes and folders of recordings belong in this folder",
            }),
        }
    }
    for folder in folders {
        let toml = format!("{folder}.toml");
        if !files.contains(&toml) {
            return Err(SourceError::Unexpected {
                file: folder,
                hint: "a folder here holds recordings of the texts of the .toml file with the same name, and there is no such file; rename the folder or move it out",
            });
        }
        for (name, kind) in list(root, &folder)? {
            if let Kind::File(size) = kind {
                if AUDIO_EXTENSIONS.contains(&stem_and_ext(&name).1.as_str()) {
                    layout.recording_bytes += size;
                }
            }
        }
        layout.recordings.insert(toml, folder);
    }
    Ok(files)
}

/// The recordings beside one session or tool file, decoded, waiting to be
/// given to the texts they read.
#[derive(Default)]
struct Recordings {
    /// The session or tool file they read.
    toml: String,
    /// The recording's name without its type (`phase-3.text_cy`) → it.
    waiting: BTreeMap<String, Found>,
    /// What was given, for the [`Source`].
    used: Vec<Recording>,
    media: Vec<MediaFile>,
}

/// A file name's stem and its extension in lower case: a recorder may name
/// its files `.WAV`, and the pack's are lower case.
fn stem_and_ext(name: &str) -> (&str, String) {
    let (stem, ext) = name.rsplit_once('.').unwrap_or((name, ""));
    (stem, ext.to_ascii_lowercase())
}

/// How far `load_source_with` is through the recordings.
struct Listening<'a> {
    done: AtomicU64,
    total: u64,
    report: &'a (dyn Fn(u64, u64) + Sync),
}

impl Listening<'_> {
    /// A recording of `bytes` was decoded.
    fn heard(&self, bytes: u64) {
        let done = self.done.fetch_add(bytes, Ordering::Relaxed) + bytes;
        (self.report)(done, self.total);
    }
}

/// One recording, decoded.
struct Found {
    file: String,
    path: PathBuf,
    size: u64,
    ext: String,
    heard: Heard,
    hash: String,
    labels: Option<Vec<u32>>,
}

impl Recordings {
    /// The recordings beside the session or tool file `file`, if it has a
    /// folder of them.
    fn beside(
        root: &Path,
        file: &str,
        folders: &BTreeMap<String, String>,
        notes: &mut Vec<String>,
        listening: &Listening,
    ) -> Result<Recordings, SourceError> {
        match folders.get(file) {
            Some(folder) => Recordings::load(root, folder, notes, listening),
            None => Ok(Recordings::default()),
        }
    }

    /// Reads and decodes (in parallel) the recordings of `folder`, refusing
    /// anything else but their label files and `.md` notes.
    fn load(
        root: &Path,
        folder: &str,
        notes: &mut Vec<String>,
        listening: &Listening,
    ) -> Result<Recordings, SourceError> {
        let mut sounds: BTreeMap<String, (String, String, u64)> = BTreeMap::new();
        let mut label_files: BTreeMap<String, String> = BTreeMap::new();
        for (name, kind) in list(root, folder)? {
            let file = join(folder, &name);
            let (stem, ext) = stem_and_ext(&name);
            match kind {
                Kind::File(_) if is_note(&name) => notes.push(file),
                Kind::File(_) if ext == "txt" => {
                    label_files.insert(stem.to_owned(), file);
                }
                Kind::File(size) if AUDIO_EXTENSIONS.contains(&ext.as_str()) => {
                    if size > MAX_RECORDING_BYTES {
                        return Err(refused(&file, format!(
                                "it is {} MB, over the limit of {} MB; save it as FLAC, Ogg or MP3, or shorten it",
                                size >> 20,
                                MAX_RECORDING_BYTES >> 20
                            ),
                        ));
                    }
                    if let Some((other, _, _)) = sounds.get(stem) {
                        return Err(refused(&file, format!("{other} reads the same text; keep one of them"),
                        ));
                    }
                    sounds.insert(stem.to_owned(), (file, ext, size));
                }
                _ => {
                    return Err(SourceError::Unexpected {
                        file,
                        hint: "a folder of recordings holds only recordings (.wav, .flac, .ogg, .mp3), their label files (.txt) and .md notes",
                    })
                }
            }
        }
        if let Some((_, file)) = label_files.iter().find(|(s, _)| !sounds.contains_key(*s)) {
            return Err(SourceError::Unexpected {
                file: file.clone(),
                hint: "a label file times the recording with the same name, and there is none; name it like its recording, with .txt",
            });
        }
        let labels: BTreeMap<String, Vec<u32>> = label_files
            .into_iter()
            .map(|(stem, file)| {
                let text = read_text(root, &file)?;
                let starts = recording::labels(&text).map_err(|p| refused(&file, p))?;
                Ok((stem, starts))
            })
            .collect::<Result<_, SourceError>>()?;
        let found: Vec<(String, Found)> = sounds
            .into_par_iter()
            .map(|(stem, (file, ext, size))| {
                let path = root.join(&file);
                let heard = recording::listen(&path).map_err(|p| refused(&file, p))?;
                listening.heard(size);
                let hash = hash_file(&path).map_err(|source| SourceError::Read {
                    path: path.clone(),
                    source,
                })?;
                let labels = labels.get(&stem).cloned();
                Ok((
                    stem,
                    Found {
                        file,
                        path,
                        size,
                        ext,
                        heard,
                        hash,
                        labels,
                    },
                ))
            })
            .collect::<Result<_, SourceError>>()?;
        Ok(Recordings {
            toml: format!("{folder}.toml"),
            waiting: found.into_iter().collect(),
            ..Recordings::default()
        })
    }

    /// `text` with the recordings that read it: those named `<field>` or
    /// `<table>.<field>` for its fields `keys` in each language
    /// (`phase-3.plain_cy`).
    fn give(
        &mut self,
        table: Option<String>,
        keys: [&str; 2],
        mut text: ParticipantText,
    ) -> Result<ParticipantText, SourceError> {
        if self.waiting.is_empty() {
            return Ok(text);
        }
        for language in Language::ALL {
            for (plain, key) in [(false, keys[0]), (true, keys[1])] {
                let field = match language {
                    Language::En => key.to_owned(),
                    l => format!("{key}_{l}"),
                };
                let stem = match &table {
                    Some(t) => format!("{t}.{field}"),
                    None => field.clone(),
                };
                let Some(found) = self.waiting.remove(&stem) else {
                    continue;
                };
                let words = text.pick_in(language, plain);
                if (language != Language::En && !text.translations.contains_key(&language))
                    || words.trim().is_empty()
                {
                    return Err(refused(
                        &found.file,
                        format!("there is no text in field `{field}` for it to read"),
                    ));
                }
                let (sentence_ms, timing) = recording::time_sentences(
                    &found.heard,
                    &crate::readability::sentences(words),
                    found.labels,
                )
                .map_err(|p| refused(&found.file, p))?;
                let pack_path = format!("media/audio/rec-{}.{}", &found.hash[..20], found.ext);
                text.audio.push(Audio {
                    language,
                    plain,
                    file: pack_path.clone(),
                    sentence_ms,
                    made: AudioMade::Recorded,
                });
                self.media.push(MediaFile {
                    pack_path: PackPath::new(&pack_path).map_err(|reason| {
                        SourceError::BadMediaName {
                            file: found.file.clone(),
                            reason,
                        }
                    })?,
                    file: found.path,
                    size: found.size,
                });
                self.used.push(Recording {
                    file: found.file,
                    timing,
                });
            }
        }
        Ok(text)
    }

    /// Every recording has found its text; `source` gets them.
    fn finish(
        self,
        media: &mut Vec<MediaFile>,
        used: &mut Vec<Recording>,
    ) -> Result<(), SourceError> {
        if let Some(found) = self.waiting.into_values().next() {
            return Err(refused(&found.file, format!("no text of {} has this name: name a recording after the field it reads, e.g. `title.wav`, `phase-2.text.wav`, `phase-2.plain_cy.flac`, `step-1.text.ogg`, `field-1.label.mp3` (phases, steps and worksheet fields counted from 1)", self.toml),
            ));
        }
        media.extend(self.media);
        used.extend(self.used);
        Ok(())
    }
}

/// The SHA-256 of a file, in hex.
fn hash_file(path: &Path) -> std::io::Result<String> {
    let mut hasher = sha2::Sha256::new();
    std::io::copy(&mut fs::File::open(path)?, &mut hasher)?;
    Ok(hex::encode(hasher.finalize()))
}

/// Every file under `media/`, recursively, each with a valid pack path;
/// `.md` notes go to `notes` instead, never into the pack.
fn media_files(
    root: &Path,
    rel: &str,
    out: &mut Vec<MediaFile>,
    notes: &mut Vec<String>,
) -> Result<(), SourceError> {
    for (name, kind) in list(root, rel)? {
        let file = join(rel, &name);
        if matches!(kind, Kind::File(_)) && is_note(&name) {
            notes.push(file);
            continue;
        }
        let pack_path = PackPath::new(&file).map_err(|reason| SourceError::BadMediaName {
            file: file.clone(),
            reason,
        })?;
        match kind {
            Kind::Folder => media_files(root, &file, out, notes)?,
            Kind::File(size) => out.push(MediaFile {
                pack_path,
                file: root.join(&file),
                size,
            }),
        }
    }
    Ok(())
}

fn read_text(root: &Path, file: &str) -> Result<String, SourceError> {
    let path = root.join(file);
    let read_err = |source| SourceError::Read {
        path: path.clone(),
        source,
    };
    let size = fs::symlink_metadata(&path).map_err(read_err)?.len();
    if size > MAX_SOURCE_FILE_BYTES {
        return Err(SourceError::TooBig {
            file: file.to_owned(),
            size,
            limit: MAX_SOURCE_FILE_BYTES,
        });
    }
    let bytes = fs::read(&path).map_err(read_err)?;
    String::from_utf8(bytes).map_err(|e| SourceError::Invalid {
        file: file.to_owned(),
        line: None,
        problem: format!(
            "the file is not UTF-8 text (bad byte at position {}); save it as UTF-8",
            e.utf8_error().valid_up_to()
        ),
    })
}

/// Reads and parses one TOML file, keeping its text in `texts`.
fn parse<T: DeserializeOwned>(
    root: &Path,
    file: &str,
    texts: &mut BTreeMap<String, String>,
) -> Result<T, SourceError> {
    let text = read_text(root, file)?;
    let parsed = parse_text(file, &text)?;
    texts.insert(file.to_owned(), text);
    Ok(parsed)
}

fn parse_text<T: DeserializeOwned>(file: &str, text: &str) -> Result<T, SourceError> {
    // Parsing untyped first tells a TOML mistake (a missing quote) from a
    // wrong field, so each gets the right advice.
    if let Err(e) = text.parse::<toml::Table>() {
        return Err(toml_error(file, text, &e, Syntax::Broken));
    }
    toml::from_str(text).map_err(|e| toml_error(file, text, &e, Syntax::Fine))
}

/// Whether a file is valid TOML at all.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Syntax {
    Broken,
    Fine,
}

/// A recording or label file at fault: `problem` says what, of "it".
fn refused(file: &str, problem: impl Into<String>) -> SourceError {
    SourceError::Invalid {
        file: file.to_owned(),
        line: None,
        problem: problem.into(),
    }
}

fn invalid(file: &str, at: &str, problem: &str) -> SourceError {
    SourceError::Invalid {
        file: file.to_owned(),
        line: None,
        problem: format!("{at}: {problem}"),
    }
}

/// A room text's two English versions and, when the source gives either,
/// its Welsh ones (a missing one is left empty for validation to name).
fn words(
    standard: String,
    plain: String,
    cy: Option<String>,
    plain_cy: Option<String>,
) -> ParticipantText {
    let text = ParticipantText::new(standard, plain);
    if cy.is_none() && plain_cy.is_none() {
        return text;
    }
    text.with(
        Language::Cy,
        cy.unwrap_or_default(),
        plain_cy.unwrap_or_default(),
    )
}

/// Turns toml's error into one line naming the table (phase, worksheet field…),
/// the field and the problem in plain words.
fn toml_error(file: &str, text: &str, e: &toml::de::Error, syntax: Syntax) -> SourceError {
    let Some(span) = e.span() else {
        return SourceError::Invalid {
            file: file.to_owned(),
            line: None,
            problem: one_line(e.message()),
        };
    };
    let offset = span.start.min(text.len());
    let line = line_of(text, offset);
    let message = e.message();
    let mut parts = Vec::new();
    // An unknown field on a table's own header line (`[[stpes]]`) is the
    // table itself, so it is not named as where the mistake is.
    let bytes = text.as_bytes();
    let line_start = bytes[..offset]
        .iter()
        .rposition(|&b| b == b'\n')
        .map_or(0, |i| i + 1);
    let on_header = bytes[line_start..]
        .iter()
        .find(|b| !b.is_ascii_whitespace())
        == Some(&b'[');
    let misnamed_table = on_header && message.starts_with("unknown field");
    if let Some(table) = table_at(text, offset).filter(|_| !misnamed_table) {
        parts.push(table);
    }
    // Errors about a value: name the key the value belongs to.
    let about_value =
        !(message.starts_with("unknown field") || message.starts_with("missing field"));
    if about_value {
        if let Some(key) = key_at(text, offset) {
            parts.push(format!("field `{key}`"));
        }
    }
    if syntax == Syntax::Broken {
        parts.push(format!(
            "{} (this is a TOML writing mistake: check the quotes, brackets, commas and `=` signs)",
            one_line(message)
        ));
    } else {
        parts.push(friendly(message));
    }
    SourceError::Invalid {
        file: file.to_owned(),
        line: Some(line),
        problem: parts.join(": "),
    }
}

fn one_line(s: &str) -> String {
    s.split('\n')
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .collect::<Vec<_>>()
        .join("; ")
}

/// serde's wording, in words a content editor knows.
fn friendly(message: &str) -> String {
    let message = one_line(message);
    for prefix in ["invalid type: ", "invalid value: "] {
        if let Some(rest) = message.strip_prefix(prefix) {
            if let Some((found, expected)) = rest.split_once(", expected ") {
                return format!("expected {}, found {found}", expected_words(expected));
            }
        }
    }
    if let Some(rest) = message.strip_prefix("unknown field ") {
        if let Some((field, allowed)) = rest.split_once(", expected one of ") {
            return format!("unknown field {field}; the fields allowed here are {allowed}");
        }
        if let Some((field, allowed)) = rest.split_once(", expected ") {
            return if allowed.contains(" or ") {
                format!("unknown field {field}; the fields allowed here are {allowed}")
            } else {
                format!("unknown field {field}; the only field allowed here is {allowed}")
            };
        }
    }
    if let Some(rest) = message.strip_prefix("unknown variant ") {
        if let Some((value, allowed)) = rest.split_once(", expected one of ") {
            return format!("{value} is not allowed here; write one of {allowed}");
        }
    }
    if let Some(field) = message.strip_prefix("missing field ") {
        return format!("field {field} is missing");
    }
    message
}

fn expected_words(expected: &str) -> String {
    match expected {
        "u8" | "u16" | "u32" | "u64" | "i8" | "i16" | "i32" | "i64" | "usize" => {
            "a whole number (like 10, without quotes)".into()
        }
        "a string" => "text in quotes".into(),
        "a sequence" => "a list in square brackets, like [\"a\", \"b\"]".into(),
        "a boolean" => "true or false".into(),
        other => other.to_owned(),
    }
}

/// Describes the `[table]` or `[[array]]` that `offset` falls in, e.g.
/// "phase 4 (main-work)" or "worksheet field 2".
pub(crate) fn table_at(text: &str, offset: usize) -> Option<String> {
    let mut current: Option<(String, usize)> = None;
    let mut counts: BTreeMap<String, usize> = BTreeMap::new();
    for (start, line) in lines_outside_strings(text) {
        if start > offset {
            break;
        }
        let t = line.trim();
        if let Some(name) = t
            .strip_prefix("[[")
            .and_then(|r| r.split_once("]]"))
            .map(|r| r.0)
        {
            let name = name.trim().to_owned();
            let n = counts.entry(name.clone()).or_default();
            *n += 1;
            current = Some((name, *n));
        } else if let Some(name) = t
            .strip_prefix('[')
            .and_then(|r| r.split_once(']'))
            .map(|r| r.0)
        {
            current = Some((name.trim().to_owned(), 0));
        }
    }
    let (name, n) = current?;
    Some(match name.as_str() {
        "phases" if n > 0 => {
            let kind = toml::from_str::<toml::Table>(text)
                .ok()
                .and_then(|t| {
                    t.get("phases")?
                        .as_array()?
                        .get(n.checked_sub(1)?)?
                        .get("kind")?
                        .as_str()
                        .map(str::to_owned)
                })
                .map(|k| format!(" ({k})"))
                .unwrap_or_default();
            format!("phase {n}{kind}")
        }
        "worksheet.fields" => format!("worksheet field {n}"),
        "steps" if n > 0 => format!("step {n}"),
        "points" if n > 0 => format!("points entry {n}"),
        "sections" if n > 0 => format!("section {n}"),
        other if n > 0 => format!("[[{other}]] number {n}"),
        other => other.to_owned(),
    })
}

/// The key of the last `key = …` line at or before `offset`, within its table.
pub(crate) fn key_at(text: &str, offset: usize) -> Option<String> {
    let mut key = None;
    for (start, line) in lines_outside_strings(text) {
        if start > offset {
            break;
        }
        let t = line.trim_start();
        if t.starts_with('[') {
            key = None;
        } else if let Some((k, _)) = t.split_once('=') {
            let k = k.trim();
            if !k.is_empty()
                && k.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.'))
            {
                key = Some(k.to_owned());
            }
        }
    }
    key
}

/// Lines with their start offsets, leaving out lines inside multi-line
/// strings (so a `[` or `=` in the text is not taken for TOML).
pub(crate) fn lines_outside_strings(text: &str) -> impl Iterator<Item = (usize, &str)> {
    let mut open: Option<&'static str> = None;
    let mut start = 0;
    text.split_inclusive('\n').filter_map(move |line| {
        let here = start;
        start += line.len();
        let was_open = open.is_some();
        for quote in ["\"\"\"", "'''"] {
            let may_toggle = open.is_none() || open == Some(quote);
            if may_toggle && line.matches(quote).count() % 2 == 1 {
                open = if open.is_some() { None } else { Some(quote) };
            }
        }
        (!was_open).then_some((here, line))
    })
}

/// The line (from 1) of the first `key = …` in `table`: the `n`th (from 0)
/// `[[name]]` when `table` is `Some((name, n))`, else the top of the file,
/// before any table.
pub(crate) fn key_line(text: &str, table: Option<(&str, usize)>, key: &str) -> Option<usize> {
    let mut seen: usize = 0;
    let mut inside = table.is_none();
    for (start, line) in lines_outside_strings(text) {
        let t = line.trim();
        if t.starts_with('[') {
            inside = match table {
                Some((name, n))
                    if t.strip_prefix("[[")
                        .and_then(|r| r.split_once("]]"))
                        .map(|r| r.0.trim())
                        == Some(name) =>
                {
                    seen += 1;
                    seen == n + 1
                }
                _ => false,
            };
            continue;
        }
        if inside && t.split_once('=').is_some_and(|(k, _)| k.trim() == key) {
            return Some(line_of(text, start));
        }
    }
    None
}

/// The line (from 1) of a `[table]` header line.
fn header_line(text: &str, header: &str) -> Option<usize> {
    nth_header_line(text, header, 0)
}

/// The line (from 1) of the `n`th (from 0) occurrence of a table header.
pub(crate) fn nth_header_line(text: &str, header: &str, n: usize) -> Option<usize> {
    let (start, _) = lines_outside_strings(text)
        .filter(|(_, l)| l.trim() == header)
        .nth(n)?;
    Some(line_of(text, start))
}

/// The line (from 1) holding byte `offset`.
pub(crate) fn line_of(text: &str, offset: usize) -> usize {
    let offset = offset.min(text.len());
    text.as_bytes()[..offset]
        .iter()
        .filter(|&&b| b == b'\n')
        .count()
        + 1
}

pub(crate) fn kind_name(kind: PhaseKind) -> &'static str {
    match kind {
        PhaseKind::Welcome => "welcome",
        PhaseKind::CheckIn => "check-in",
        PhaseKind::Agenda => "agenda",
        PhaseKind::MainWork => "main-work",
        PhaseKind::CheckOut => "check-out",
    }
}

fn check_id(id: &str) -> Result<(), String> {
    let ok = !id.is_empty()
        && id.len() <= 64
        && !id.starts_with('-')
        && id
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-');
    if ok {
        Ok(())
    } else {
        Err(format!(
            "the id `{id}` must be 1 to 64 lower-case letters, digits or dashes"
        ))
    }
}

/// `pack.toml`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PackToml {
    id: String,
    title: String,
    approval: Approval,
    #[serde(default)]
    points: Vec<PointToml>,
    #[serde(default)]
    translations: Vec<Translation>,
}

/// One `[[points]]` table of `pack.toml`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PointToml {
    number: SourcePoint,
    picture: String,
}

/// `safety.toml`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SafetyToml {
    sections: Vec<SectionToml>,
}

/// One `[[sections]]` table of `safety.toml`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SectionToml {
    id: String,
    title: String,
    steps: Vec<String>,
}

/// One file of `sessions/`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct SessionToml {
    id: String,
    number: u32,
    title: String,
    #[serde(default)]
    title_cy: Option<String>,
    plain_title: String,
    #[serde(default)]
    plain_title_cy: Option<String>,
    points: Vec<SourcePoint>,
    minutes: u32,
    phases: Vec<PhaseToml>,
}

/// One `[[phases]]` table of a session file.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct PhaseToml {
    kind: PhaseKind,
    title: String,
    #[serde(default)]
    title_cy: Option<String>,
    plain_title: String,
    #[serde(default)]
    plain_title_cy: Option<String>,
    minutes: u32,
    text: String,
    #[serde(default)]
    text_cy: Option<String>,
    plain: String,
    #[serde(default)]
    plain_cy: Option<String>,
    facilitator_notes: Vec<String>,
    #[serde(default)]
    tools: Vec<String>,
    #[serde(default)]
    media: Option<String>,
}

/// One file of `tools/`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ToolToml {
    id: String,
    name: String,
    #[serde(default)]
    name_cy: Option<String>,
    plain_name: String,
    #[serde(default)]
    plain_name_cy: Option<String>,
    points: Vec<SourcePoint>,
    summary: String,
    #[serde(default)]
    summary_cy: Option<String>,
    plain_summary: String,
    #[serde(default)]
    plain_summary_cy: Option<String>,
    picture: String,
    steps: Vec<StepToml>,
    worksheet: WorksheetToml,
}

/// One `[[steps]]` table of a tool file.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct StepToml {
    text: String,
    #[serde(default)]
    text_cy: Option<String>,
    plain: String,
    #[serde(default)]
    plain_cy: Option<String>,
}

/// A tool file's `[worksheet]`.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct WorksheetToml {
    kind: WorksheetKind,
    fields: Vec<FieldToml>,
}

/// One `[[worksheet.fields]]` table: a box, its heading and its hint, each
/// in two versions (the hint may be left out, both versions together).
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct FieldToml {
    label: String,
    #[serde(default)]
    label_cy: Option<String>,
    plain_label: String,
    #[serde(default)]
    plain_label_cy: Option<String>,
    #[serde(default)]
    prompt: String,
    #[serde(default)]
    prompt_cy: Option<String>,
    #[serde(default)]
    plain_prompt: String,
    #[serde(default)]
    plain_prompt_cy: Option<String>,
}

/// A point written as its number, 1 to 4, as the content team says it.
struct SourcePoint(Point);

impl<'de> Deserialize<'de> for SourcePoint {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        let n = i64::deserialize(d)?;
        Point::ALL
            .into_iter()
            .find(|p| i64::from(p.number()) == n)
            .map(SourcePoint)
            .ok_or_else(|| D::Error::custom(PointNumber(n)))
    }
}

struct PointNumber(i64);

impl fmt::Display for PointNumber {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} is not one of the 4 points; write 1, 2, 3 or 4",
            self.0
        )
    }
}
