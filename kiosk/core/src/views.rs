//! The screens' view-models: plain data (strings, numbers, flags, lists)
//! built from the [`Kiosk`], so every decision a screen shows is made here
//! and the Slint app only copies fields and forwards callbacks.
//!
//! Nothing here changes the kiosk; each function reads it and says what a
//! screen shows now. What the room's big screen must never show (facilitator
//! notes outside a glance, a prison number in large type) is decided here
//! too, so the UI tests check the same rules the app follows.

use content_pack::{Point, WorksheetKind};

use crate::words::{tr, trf};

use crate::error::KioskError;
use crate::export::{ExportOutcome, StickExport};
use crate::kiosk::{AuthState, IdleState, Kiosk, RunSummary};
use crate::runner::{Answer, RunState};
use crate::usb::{ImportOutcome, OfferStatus, PackOffer};

/// `m:ss` for a number of seconds.
pub fn clock(secs: u64) -> String {
    format!("{}:{:02}", secs / 60, secs % 60)
}

/// "InsideOut — sample programme, version 3", or why there is none.
pub fn programme_line(k: &Kiosk) -> String {
    let l = k.language();
    match (k.programme(), k.programme_version(), k.content_problem()) {
        (Some(p), Some(v), _) => trf(l, "{}, version {}", &[&p.title, &v]),
        (_, _, Some(problem)) => trf(l, "The installed programme cannot be used: {}", &[&problem]),
        _ => tr(
            l,
            "No programme installed yet: import one from a USB stick.",
        )
        .to_owned(),
    }
}

/// "Session 3: Coping with urges", in the kiosk's language.
fn session_heading(k: &Kiosk, number: u32, title: &content_pack::ParticipantText) -> String {
    let l = k.language();
    trf(
        l,
        "Session {}: {}",
        &[&number, &title.pick_in(l, k.plain_words())],
    )
}

/// The sign-in screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SignInScreen {
    /// The prison.
    pub site: String,
    /// The wing.
    pub wing: String,
    /// See [`programme_line`].
    pub programme: String,
    /// Locked during a session: the session waits for any facilitator to
    /// sign in.
    pub resuming: bool,
    /// Who can sign in, by id, to tap before typing a PIN.
    pub facilitators: Vec<String>,
    /// Whose PIN the pad is for; `None` while asking who is signing in.
    pub chosen: Option<String>,
    /// Sign-in is locked after wrong PINs (the kiosk's, or the chosen
    /// facilitator's): the message.
    pub locked: Option<String>,
    /// The PIN pad's keys (3 columns; "" is a gap), scrambled if configured.
    pub keys: Vec<String>,
}

/// The sign-in screen now, with the PIN pad for `chosen` (if they are a
/// facilitator here) or else asking who is signing in.
pub fn sign_in(k: &Kiosk, chosen: Option<&str>) -> Result<SignInScreen, KioskError> {
    let facilitators = k.facilitator_ids()?;
    let chosen = chosen
        .filter(|c| facilitators.iter().any(|f| f == c))
        .map(str::to_owned);
    Ok(SignInScreen {
        site: k.config().site.clone(),
        wing: k.config().wing.clone(),
        programme: programme_line(k),
        resuming: matches!(k.auth_state(), AuthState::IdleLocked { .. }),
        locked: k.sign_in_locked(chosen.as_deref())?,
        chosen,
        facilitators,
        keys: k.pin_pad_keys(),
    })
}

/// Whose PIN the sign-in screen asks for as it opens: whoever was signed in
/// when the kiosk locked itself, or the only facilitator; otherwise nobody
/// yet (the screen asks who is signing in).
pub fn sign_in_preselected(k: &Kiosk) -> Result<Option<String>, KioskError> {
    if let AuthState::IdleLocked { facilitator_id } = k.auth_state() {
        return Ok(Some(facilitator_id.clone()));
    }
    let mut ids = k.facilitator_ids()?;
    Ok(if ids.len() == 1 { ids.pop() } else { None })
}

/// The home screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HomeScreen {
    /// Who is signed in.
    pub facilitator: String,
    /// "HMP Example · B wing · InsideOut …, version 3".
    pub place: String,
    /// The session in progress, "Session 3: Coping with urges".
    pub in_progress: Option<String>,
    /// Whether "Start a session" is offered (a programme, no session open).
    pub can_start: bool,
    /// Whether a USB stick is in.
    pub stick_in: bool,
    /// What the stick holds for import, in words.
    pub stick_note: String,
    /// A pack that can be installed: what it is. Only then is import offered.
    pub import_offer: Option<String>,
    /// "3 attendance records waiting to export."
    pub export_note: String,
    /// Whether "Export to USB stick" can be pressed.
    pub can_export: bool,
    /// The export button's words.
    pub export_button: String,
    /// Whether "Export everything again" is offered (a stick, and sessions
    /// recorded here).
    pub can_export_all: bool,
}

/// The home screen now, with `offers`, what [`crate::StickScan::offers`]
/// found on the stick (`None`: not checked yet, which the screen says).
/// Checking opens every pack on the stick, so the UI does it off its thread.
pub fn home(k: &Kiosk, offers: Option<&[PackOffer]>) -> Result<HomeScreen, KioskError> {
    let facilitator = match k.auth_state() {
        AuthState::SignedIn { facilitator_id } => facilitator_id.clone(),
        _ => return Err(KioskError::NotSignedIn),
    };
    let l = k.language();
    let stick_in = k.stick_present();
    let checked = offers.is_some() || !stick_in;
    let offers = if stick_in {
        offers.unwrap_or_default()
    } else {
        &[]
    };
    let ready = offers.iter().find_map(|o| match &o.status {
        OfferStatus::Ready {
            version,
            signer,
            approved_by,
            reference,
        } => Some(trf(
            l,
            "Programme version {} is on the stick, signed by key {}, approved by {} ({}).",
            &[version, signer, approved_by, reference],
        )),
        OfferStatus::Refused(_) => None,
    });
    let stick_note = if !stick_in {
        tr(l, "No USB stick found.").to_owned()
    } else if !checked {
        tr(l, "Checking the USB stick…").to_owned()
    } else if ready.is_some() {
        String::new()
    } else if let Some((name, why)) = offers.iter().find_map(|o| match &o.status {
        OfferStatus::Refused(why) => Some((&o.file_name, why)),
        OfferStatus::Ready { .. } => None,
    }) {
        trf(l, "{} cannot be installed: {}", &[name, why])
    } else {
        tr(l, "No content update on the USB stick.").to_owned()
    };
    let waiting = k.export_backlog()?.attendances;
    Ok(HomeScreen {
        facilitator,
        place: format!(
            "{} · {} · {}",
            k.config().site,
            k.config().wing,
            programme_line(k)
        ),
        in_progress: k
            .run_state()
            .map(|s| session_heading(k, s.session_number, &s.content.session.title)),
        can_start: k.run_view().is_none() && k.programme().is_some(),
        stick_in,
        stick_note,
        import_offer: ready,
        export_note: match waiting {
            0 => tr(l, "No attendance waiting to export.").to_owned(),
            1 => tr(l, "1 attendance record waiting to export.").to_owned(),
            n => trf(l, "{} attendance records waiting to export.", &[&n]),
        },
        can_export: stick_in && waiting > 0,
        can_export_all: stick_in && k.finished_sessions()? > 0,
        export_button: tr(
            l,
            if stick_in {
                "Export to USB stick"
            } else {
                "Insert a USB stick to export"
            },
        )
        .to_owned(),
    })
}

/// A session to choose.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionCard {
    /// Session id (for [`Kiosk::start_session`]).
    pub id: String,
    /// "Session 3: Coping with urges".
    pub label: String,
    /// "90 minutes · ABC, DISARM".
    pub details: String,
}

/// Sessions under one point.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SessionGroup {
    /// "Point 2: Cope with urges".
    pub title: String,
    /// Its sessions, in programme order.
    pub sessions: Vec<SessionCard>,
}

/// The installed programme's sessions grouped by their first point.
pub fn choose(k: &Kiosk) -> Vec<SessionGroup> {
    let Some(programme) = k.programme() else {
        return vec![];
    };
    let l = k.language();
    Point::ALL
        .iter()
        .map(|point| SessionGroup {
            title: point_title(l, *point),
            sessions: programme
                .sessions
                .iter()
                .filter(|s| s.points.first() == Some(point))
                .map(|s| {
                    let tools: Vec<&str> = s
                        .tool_ids()
                        .into_iter()
                        .map(|id| programme.tool(id).map_or(id, |t| t.name.pick_in(l, false)))
                        .collect();
                    SessionCard {
                        id: s.id.clone(),
                        label: trf(
                            l,
                            "Session {}: {}",
                            &[&s.number, &s.title.pick_in(l, false)],
                        ),
                        details: trf(l, "{} minutes · {}", &[&s.minutes, &tools.join(", ")]),
                    }
                })
                .collect(),
        })
        .filter(|g| !g.sessions.is_empty())
        .collect()
}

/// "Point 2: Cope with urges", in `l`.
pub fn point_title(l: content_pack::Language, point: Point) -> String {
    trf(l, "Point {}: {}", &[&point.number(), &tr(l, point.title())])
}

/// Where a phase stands, for the phase pills (which are not buttons).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PillState {
    /// Before the current phase.
    Done,
    /// The current phase.
    Current,
    /// Still to come.
    ToCome,
}

/// One phase pill.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Pill {
    /// "Check-in".
    pub title: String,
    /// Where it stands.
    pub state: PillState,
}

/// A tool that can be opened: its id and name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ToolChoice {
    /// Tool id.
    pub id: String,
    /// "Cost–benefit analysis".
    pub name: String,
}

/// The run screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunScreen {
    /// "Session 3: Coping with urges".
    pub heading: String,
    /// "Phase 2 of 5 · Phase time 4:12 of 10 min · Session 14:02 of 90 min".
    pub progress: String,
    /// The phase has run past its planned time.
    pub over_time: bool,
    /// The five phases.
    pub pills: Vec<Pill>,
    /// The phase's heading.
    pub phase_title: String,
    /// The words for the group, as plain words are set.
    pub text: String,
    /// Whether plain words are on.
    pub plain_words: bool,
    /// The facilitator notes, then the programme's safety and disclosure
    /// guide, one line per section (each starting [`SAFETY_GUIDE`]): empty
    /// unless the facilitator is glancing at them, so the room's screen
    /// never shows them by default.
    pub notes: Vec<String>,
    /// Whether the phase has notes to glance at.
    pub has_notes: bool,
    /// The phase's picture (SVG bytes), if it has one.
    pub picture: Option<Vec<u8>>,
    /// The phase's own tools, each with an "Open" button.
    pub tools: Vec<ToolChoice>,
    /// Main work: any tool of the programme can be opened (the agenda may
    /// come from the check-in).
    pub any_tool: bool,
    /// "Attendance 7".
    pub attendance: String,
    /// Back is possible.
    pub can_go_back: bool,
    /// Next is possible; on the last phase Finish is offered instead, away
    /// from where Next was.
    pub can_go_next: bool,
    /// At check-out: "How was today?", the show of hands.
    pub hands: Option<HandsPanel>,
    /// The words for the group read aloud, when the pack has a recording of
    /// them in this language and version; no Read aloud control otherwise.
    pub read_aloud: Option<ReadAloud>,
}

/// A text that can be read aloud: its recording, and its sentences with
/// when each starts, so the one being read can be highlighted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadAloud {
    /// The recording's file in the installed pack (for [`Kiosk::recording`]).
    pub file: String,
    /// The text's sentences, as [`content_pack::readability::sentences`]
    /// splits it.
    pub sentences: Vec<String>,
    /// When each sentence starts, in milliseconds.
    pub starts_ms: Vec<u32>,
}

impl ReadAloud {
    /// The version of `text` in `l` (plain if `plain`), if it has a
    /// recording that times every sentence.
    pub fn of(
        text: &content_pack::ParticipantText,
        l: content_pack::Language,
        plain: bool,
    ) -> Option<ReadAloud> {
        let audio = text.audio_in(l, plain)?;
        let sentences: Vec<String> = content_pack::readability::sentences(text.pick_in(l, plain))
            .into_iter()
            .map(str::to_owned)
            .collect();
        (sentences.len() == audio.sentence_ms.len()).then(|| ReadAloud {
            file: audio.file.clone(),
            sentences,
            starts_ms: audio.sentence_ms.clone(),
        })
    }

    /// The sentence being read `ms` into the recording.
    pub fn sentence_at(&self, ms: u32) -> usize {
        self.starts_ms
            .iter()
            .rposition(|&start| start <= ms)
            .unwrap_or(0)
    }
}

/// Texts read aloud one after another, as one press reads a tool's steps
/// (or one text alone): each with its place in the list shown, and its
/// recording's length once decoded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReadInTurn {
    parts: Vec<(usize, ReadAloud, u32)>,
}

impl ReadInTurn {
    /// `parts` (place, reading) in the order read, and each recording's
    /// length in milliseconds.
    pub fn new(parts: Vec<(usize, ReadAloud)>, lengths_ms: &[u32]) -> ReadInTurn {
        ReadInTurn {
            parts: parts
                .into_iter()
                .zip(lengths_ms)
                .map(|((place, aloud), &ms)| (place, aloud, ms))
                .collect(),
        }
    }

    /// The texts read, with their places.
    pub fn parts(&self) -> impl Iterator<Item = (usize, &ReadAloud)> {
        self.parts.iter().map(|(place, aloud, _)| (*place, aloud))
    }

    /// The place of the text and the sentence of it being read `ms` after
    /// the start; `None` once all of them have been read.
    pub fn at(&self, mut ms: u32) -> Option<(usize, usize)> {
        for (place, aloud, length) in &self.parts {
            if ms < *length {
                return Some((*place, aloud.sentence_at(ms)));
            }
            ms -= length;
        }
        None
    }
}

/// One answer of "How was today?" and its hands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HandCount {
    /// Which answer.
    pub answer: Answer,
    /// "It helped".
    pub label: String,
    /// Hands counted for it.
    pub count: u32,
}

/// "How was today?" at check-out: optional, a show of hands the facilitator
/// counts with − and +. The room sees it (the hands were raised in the
/// room); it names nobody.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HandsPanel {
    /// The three answers, in [`Answer::ALL`]'s order.
    pub answers: Vec<HandCount>,
    /// "5 of 7 people counted. Not asked yet." and the like.
    pub counted: String,
    /// Whether another hand can be counted (fewer hands than people here).
    pub can_add: bool,
}

fn hands_panel(s: &RunState, l: content_pack::Language) -> HandsPanel {
    let present = s.present();
    let total = s.hands.total() as usize;
    HandsPanel {
        answers: Answer::ALL
            .iter()
            .map(|&answer| HandCount {
                answer,
                label: tr(l, answer.label()).to_owned(),
                count: s.hands.get(answer),
            })
            .collect(),
        counted: match (total, present) {
            (_, 0) => tr(l, "Nobody is on the attendance yet.").to_owned(),
            (0, _) => tr(l, "Not asked yet.").to_owned(),
            (t, 1) => trf(l, "{} of 1 person counted.", &[&t]),
            (t, p) => trf(l, "{} of {} people counted.", &[&t, &p]),
        },
        can_add: total < present,
    }
}

/// How each line of the safety guide starts among the glanced notes.
pub const SAFETY_GUIDE: &str = "Safety guide";

/// The run screen now, or `None` if no session is in progress.
pub fn run(k: &Kiosk) -> Option<RunScreen> {
    let v = k.run_view()?;
    let s = k.run_state()?;
    let plain_words = k.plain_words();
    let l = k.language();
    Some(RunScreen {
        heading: session_heading(k, v.session_number, &s.content.session.title),
        progress: trf(
            l,
            "Phase {} of {}   ·   Phase time {} of {} min   ·   Session {} of {} min",
            &[
                &(v.phase_index + 1),
                &v.phase_count,
                &clock(v.phase_elapsed_secs),
                &v.phase_planned_minutes,
                &clock(v.session_elapsed_secs),
                &v.session_planned_minutes,
            ],
        ),
        over_time: v.phase_elapsed_secs > u64::from(v.phase_planned_minutes) * 60,
        pills: v
            .phase_timings
            .iter()
            .enumerate()
            .map(|(i, t)| Pill {
                title: tr(l, t.kind.label()).to_owned(),
                state: match i.cmp(&v.phase_index) {
                    std::cmp::Ordering::Less => PillState::Done,
                    std::cmp::Ordering::Equal => PillState::Current,
                    std::cmp::Ordering::Greater => PillState::ToCome,
                },
            })
            .collect(),
        phase_title: v.phase.title.pick_in(l, plain_words).to_owned(),
        text: v.phase.text.pick_in(l, plain_words).to_owned(),
        plain_words,
        notes: if k.notes_showing() {
            let guide = k
                .programme()
                .map(|p| p.safety_guide.as_slice())
                .unwrap_or_default();
            v.phase
                .facilitator_notes
                .iter()
                .cloned()
                .chain(guide.iter().map(|g| {
                    format!(
                        "{}: {}. {}",
                        tr(l, SAFETY_GUIDE),
                        g.title,
                        g.steps.join(" ")
                    )
                }))
                .collect()
        } else {
            vec![]
        },
        has_notes: !v.phase.facilitator_notes.is_empty(),
        picture: v
            .phase
            .media
            .as_deref()
            .and_then(|m| s.content.picture(m, l)),
        tools: v
            .phase
            .tools
            .iter()
            .filter_map(|id| s.content.tool(id))
            .map(|t| ToolChoice {
                id: t.id.clone(),
                name: t.name.pick_in(l, plain_words).to_owned(),
            })
            .collect(),
        any_tool: v.phase.kind == content_pack::PhaseKind::MainWork,
        attendance: trf(l, "Attendance {}", &[&v.attendee_count]),
        can_go_back: v.can_go_back,
        can_go_next: v.can_go_next,
        hands: s.at_check_out().then(|| hands_panel(s, l)),
        read_aloud: ReadAloud::of(&v.phase.text, l, plain_words),
    })
}

/// Every tool the session in progress can open, for the tool picker.
pub fn tool_choices(k: &Kiosk) -> Vec<ToolChoice> {
    let plain_words = k.plain_words();
    let l = k.language();
    k.run_state()
        .map(|s| {
            s.content
                .tools
                .iter()
                .map(|t| ToolChoice {
                    id: t.id.clone(),
                    name: t.name.pick_in(l, plain_words).to_owned(),
                })
                .collect()
        })
        .unwrap_or_default()
}

/// One worksheet box as the tool screen shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BoxView {
    /// Its heading.
    pub label: String,
    /// The prompt inside it while it is empty.
    pub prompt: String,
    /// What the group wrote.
    pub text: String,
    /// Its score, 0 to 10 (rating worksheets; 5 until scored).
    pub score: u8,
}

/// The tool screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ToolScreen {
    /// Tool id.
    pub id: String,
    /// Its name.
    pub name: String,
    /// What it is for.
    pub summary: String,
    /// Its steps.
    pub steps: Vec<String>,
    /// What one press of Read aloud reads, in order, each text with its
    /// place: 0 the summary, n step n (numbered from 1, as shown). Texts
    /// the pack has no recording of are left out.
    pub aloud: Vec<(usize, ReadAloud)>,
    /// "grid", "list" or "rating".
    pub kind: &'static str,
    /// The tool's picture (SVG bytes), if the run carries it.
    pub picture: Option<Vec<u8>>,
    /// The worksheet, with what the group wrote so far in this session.
    pub boxes: Vec<BoxView>,
}

/// Tool `id` of the session in progress, with its worksheet as written so far.
pub fn tool(k: &Kiosk, id: &str) -> Option<ToolScreen> {
    let s = k.run_state()?;
    let t = s.content.tool(id)?;
    let plain = k.plain_words();
    let l = k.language();
    Some(ToolScreen {
        id: t.id.clone(),
        name: t.name.pick_in(l, plain).to_owned(),
        summary: t.summary.pick_in(l, plain).to_owned(),
        steps: t
            .steps
            .iter()
            .map(|s| s.pick_in(l, plain).to_owned())
            .collect(),
        aloud: std::iter::once(&t.summary)
            .chain(&t.steps)
            .enumerate()
            .filter_map(|(place, text)| Some((place, ReadAloud::of(text, l, plain)?)))
            .collect(),
        kind: match t.worksheet.kind {
            WorksheetKind::Grid => "grid",
            WorksheetKind::List => "list",
            WorksheetKind::Rating => "rating",
        },
        picture: s.content.picture(&t.picture, l),
        boxes: t
            .worksheet
            .fields
            .iter()
            .enumerate()
            .map(|(i, f)| {
                let entry = k.worksheet_entry(id, i);
                BoxView {
                    label: f.label.pick_in(l, plain).to_owned(),
                    prompt: f.prompt.pick_in(l, plain).to_owned(),
                    text: entry.map(|e| e.text.clone()).unwrap_or_default(),
                    score: entry.and_then(|e| e.score).unwrap_or(5),
                }
            })
            .collect(),
    })
}

/// One row of the attendance list.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttendeeRow {
    /// Their number (for left early and remove).
    pub number: u32,
    /// "Participant 7" or "Participant 8 (anonymous)".
    pub label: String,
    /// Marked as having left early.
    pub left_early: bool,
}

/// The attendance screen.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttendanceScreen {
    /// Everyone added, in the order added; the list never reorders.
    pub rows: Vec<AttendeeRow>,
    /// "7 of 12 in the group".
    pub count_line: String,
    /// The group is at its limit: adding is refused.
    pub full: bool,
    /// What to do next, in words.
    pub hint: String,
}

/// The attendance screen now.
pub fn attendance(k: &Kiosk) -> AttendanceScreen {
    let l = k.language();
    let rows: Vec<AttendeeRow> = k
        .attendees()
        .into_iter()
        .map(|a| AttendeeRow {
            number: a.number,
            label: if a.anonymous {
                trf(l, "Participant {} (anonymous)", &[&a.number])
            } else {
                trf(l, "Participant {}", &[&a.number])
            },
            left_early: a.left_early,
        })
        .collect();
    let limit = k
        .run_state()
        .map_or(k.config().group_limit, |s| s.group_limit);
    let full = rows.len() >= limit;
    AttendanceScreen {
        count_line: trf(l, "{} of {} in the group", &[&rows.len(), &limit]),
        full,
        hint: if rows.is_empty() {
            tr(l, "Nobody added yet.").to_owned()
        } else if full {
            trf(
                l,
                "The group is full ({}). Take someone off the list to add another.",
                &[&limit],
            )
        } else {
            tr(l, "Tap someone who leaves before the end.").to_owned()
        },
        rows,
    }
}

/// What the attendance screen says when adding or changing someone did not
/// work, in `l`; a problem for staff (a disk, the database) in English.
pub fn attendance_problem(e: &KioskError, l: content_pack::Language) -> String {
    use crate::runner::RunError;
    match e {
        KioskError::BadPrisonNumber => tr(
            l,
            "That is not a prison number: it should be one letter, four digits and two letters, like A1234BC. Check it and type it again.",
        )
        .to_owned(),
        KioskError::Run(RunError::AlreadyHere(n)) => {
            trf(l, "That person is already here as Participant {}.", &[n])
        }
        KioskError::Run(RunError::GroupFull(limit)) => trf(
            l,
            "The group is full: {} is the most for one group. Take someone off the list first, or run a second group.",
            &[limit],
        ),
        KioskError::Run(RunError::NoSuchAttendee(n)) => {
            trf(l, "There is no Participant {}.", &[n])
        }
        other => other.to_string(),
    }
}

/// A prison number as the attendance screen shows it while it is typed:
/// every character hidden but, just after it is typed, the last one.
pub fn masked_entry(entry: &str, show_last: bool) -> String {
    let n = entry.chars().count();
    let mut out: String = "•".repeat(n.saturating_sub(usize::from(show_last)));
    if show_last {
        out.extend(entry.chars().last());
    }
    out
}

/// The finish screen, before the session is recorded.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FinishScreen {
    /// "Session 3: Coping with urges".
    pub heading: String,
    /// "Phases done: 5 of 5", "Tools used: ABC", "Attended: 12 (1 left early)".
    pub lines: Vec<String>,
}

fn summary_lines(s: &RunSummary, l: content_pack::Language) -> Vec<String> {
    let tools = if s.tools_used.is_empty() {
        tr(l, "none").to_owned()
    } else {
        s.tools_used.join(", ")
    };
    vec![
        trf(
            l,
            "Phases done: {} of {}",
            &[&s.phases_done, &s.phase_count],
        ),
        trf(l, "Tools used: {}", &[&tools]),
        if s.left_early > 0 {
            trf(
                l,
                "Attended: {} ({} left early)",
                &[&s.attended, &s.left_early],
            )
        } else {
            trf(l, "Attended: {}", &[&s.attended])
        },
    ]
}

/// The finish screen for the session in progress.
pub fn finish(k: &Kiosk) -> Option<FinishScreen> {
    let s = k.run_state()?;
    let summary = RunSummary::of(s, k.now());
    Some(FinishScreen {
        heading: session_heading(k, s.session_number, &s.content.session.title),
        lines: summary_lines(&summary, k.language()),
    })
}

/// The finish screen after recording: the same lines, and what was recorded.
/// `heading` is the finish screen's, from before recording.
pub fn recorded(
    s: &RunSummary,
    heading: String,
    l: content_pack::Language,
) -> (FinishScreen, String) {
    (
        FinishScreen {
            heading,
            lines: summary_lines(s, l),
        },
        trf(
            l,
            "Recorded: {} attended, {} minutes (planned {}).",
            &[&s.attended, &s.elapsed_minutes, &s.planned_minutes],
        ),
    )
}

/// The idle warning to show over any screen, if the kiosk is about to lock.
pub fn idle_warning(state: IdleState, l: content_pack::Language) -> Option<String> {
    match state {
        IdleState::Warning { seconds_left } => Some(trf(
            l,
            "Nobody has touched the screen for a while. It locks in {}. Tap to keep it open.",
            &[&clock(u64::from(seconds_left))],
        )),
        IdleState::Active | IdleState::Locked => None,
    }
}

/// What home says after a session was ended without recording it.
pub const DISCARDED: &str = "The session was ended without recording it.";

/// The end of an import or export, as the transfer screen shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Done {
    /// What happened, and whether the stick can be taken out.
    pub text: String,
    /// Whether anything was written (else the progress bar is not shown).
    pub wrote: bool,
}

/// After an import: the new version, and that the stick can come out.
pub fn imported(o: &ImportOutcome, l: content_pack::Language) -> Done {
    Done {
        text: trf(
            l,
            "{}. The new programme is used from the next session. The stick can be taken out now.",
            &[o],
        ),
        wrote: true,
    }
}

/// After an export to the stick: what was written, and when the stick can
/// come out (kiosk-core's own words for both).
pub fn exported(o: &StickExport, l: content_pack::Language) -> Done {
    Done {
        text: match o.outcome {
            ExportOutcome::NothingToExport => {
                tr(l, "Nothing new to export. The stick can be taken out now.").to_owned()
            }
            ExportOutcome::Written { .. } => format!("{o}."),
        },
        wrote: matches!(o.outcome, ExportOutcome::Written { .. }),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn aloud(starts_ms: &[u32]) -> ReadAloud {
        ReadAloud {
            file: "media/audio/x.ogg".into(),
            sentences: starts_ms.iter().map(|s| format!("At {s}.")).collect(),
            starts_ms: starts_ms.to_vec(),
        }
    }

    #[test]
    fn texts_read_in_turn_light_each_text_and_sentence_in_order_then_end() {
        // Steps 1 and 3 (places 0 and 2) have recordings, of 2 s and 1.5 s.
        let turn = ReadInTurn::new(
            vec![(0, aloud(&[0, 1200])), (2, aloud(&[0, 700]))],
            &[2000, 1500],
        );
        let heard: Vec<Option<(usize, usize)>> =
            [0, 1199, 1200, 1999, 2000, 2699, 2700, 3499, 3500]
                .into_iter()
                .map(|ms| turn.at(ms))
                .collect();
        assert_eq!(
            heard,
            [
                Some((0, 0)),
                Some((0, 0)),
                Some((0, 1)),
                Some((0, 1)),
                Some((2, 0)),
                Some((2, 0)),
                Some((2, 1)),
                Some((2, 1)),
                None
            ]
        );
    }
}
