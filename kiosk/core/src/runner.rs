//! The session runner: a pure state machine.
//!
//! [`step`] takes the state of a session in progress and one [`Event`], and
//! returns the next state and the [`Effect`]s that storage must make durable.
//! It does no I/O and reads no clock: the time comes in with the event. The
//! facade ([`crate::Kiosk`]) commits the effects through a [`RunStore`]
//! *before* it adopts the new state, so what the screen shows has always been
//! saved, and after a power cut the kiosk comes back to the same phase with
//! the same attendees.

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{DateTime, Duration, Utc};
use content_pack::{PhaseKind, Session, Tool};

pub use crate::error::RunError;
use crate::pseudonym::Pseudonym;

/// The most people in one group when `kiosk.toml` does not say.
pub const GROUP_LIMIT: usize = 12;

/// How long Next is ignored after the phase changed, so a double or triple
/// tap on Next moves one phase, never two.
pub const NEXT_GUARD: Duration = Duration::milliseconds(1500);

/// The most characters one worksheet box keeps.
pub const WORKSHEET_TEXT_LIMIT: usize = 2000;

/// Everything the screens of a session need, copied from the installed
/// programme when the session starts and saved with the run, so a content
/// import during the session, or a damaged installed pack, never traps it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunContent {
    /// The session as the programme had it.
    pub session: Session,
    /// Every tool of the programme (main work can open any of them).
    pub tools: Vec<Tool>,
    /// The phases' and tools' pictures, and their versions in other
    /// languages (pack path → file bytes).
    pub pictures: BTreeMap<String, Vec<u8>>,
}

impl RunContent {
    /// What a run saved before content was kept with it has: its title
    /// only. [`RunContent::is_legacy`] tells; the facade fills it in from
    /// the installed programme.
    pub fn legacy(session_id: String, number: u32, title: String) -> RunContent {
        RunContent {
            session: Session {
                id: session_id,
                number,
                title: content_pack::ParticipantText::new(title.clone(), title),
                points: vec![],
                minutes: 0,
                phases: vec![],
            },
            tools: vec![],
            pictures: BTreeMap::new(),
        }
    }

    /// The picture at `path` in `language`: its version in that language
    /// where the pack has one, else the picture itself.
    pub fn picture(&self, path: &str, language: content_pack::Language) -> Option<Vec<u8>> {
        language
            .picture(path)
            .and_then(|p| self.pictures.get(&p))
            .or_else(|| self.pictures.get(path))
            .cloned()
    }

    /// Whether this is [`RunContent::legacy`]'s placeholder.
    pub fn is_legacy(&self) -> bool {
        self.session.phases.is_empty()
    }

    /// The tool with this id.
    pub fn tool(&self, id: &str) -> Option<&Tool> {
        self.tools.iter().find(|t| t.id == id)
    }
}

/// One phase of the session being run: what was planned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhasePlan {
    /// Which phase.
    pub kind: PhaseKind,
    /// Suggested minutes.
    pub planned_minutes: u32,
}

/// Someone who attended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Attendee {
    /// Their number in this session ("Participant 7" is 7); it never changes,
    /// even when someone added before them is removed.
    pub number: u32,
    /// The pseudonym, or `None` for an anonymous attendee.
    pub pseudonym: Option<Pseudonym>,
    /// Marked as having left before the end.
    pub left_early: bool,
    /// When they were added.
    pub added: DateTime<Utc>,
}

/// What the group wrote in one worksheet box, or its score.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct WorksheetEntry {
    /// The text (grid and list worksheets).
    pub text: String,
    /// The score from 0 to 10 (rating worksheets); `None` until scored.
    pub score: Option<u8>,
}

/// An answer to "How was today?", asked at check-out by a show of hands.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Answer {
    /// Today helped.
    Helped,
    /// Today was OK.
    Ok,
    /// Today did not help.
    NotHelped,
}

impl Answer {
    /// The answers in the order the screen offers them.
    pub const ALL: [Answer; 3] = [Answer::Helped, Answer::Ok, Answer::NotHelped];

    /// The answer as the screen says it.
    pub fn label(self) -> &'static str {
        match self {
            Answer::Helped => "It helped",
            Answer::Ok => "It was OK",
            Answer::NotHelped => "It did not help",
        }
    }
}

/// The show of hands at check-out: counts only, never who. All zero until
/// the group is asked (and again if every hand is taken off).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Hands {
    /// Hands for "it helped".
    pub helped: u32,
    /// Hands for "it was OK".
    pub ok: u32,
    /// Hands for "it did not help".
    pub not_helped: u32,
}

impl Hands {
    /// The hands for one answer.
    pub fn get(&self, answer: Answer) -> u32 {
        match answer {
            Answer::Helped => self.helped,
            Answer::Ok => self.ok,
            Answer::NotHelped => self.not_helped,
        }
    }

    fn get_mut(&mut self, answer: Answer) -> &mut u32 {
        match answer {
            Answer::Helped => &mut self.helped,
            Answer::Ok => &mut self.ok,
            Answer::NotHelped => &mut self.not_helped,
        }
    }

    /// Every hand counted.
    pub fn total(&self) -> u32 {
        Answer::ALL.iter().map(|&a| self.get(a)).sum()
    }

    /// Whether the group was asked: some hand is counted.
    pub fn asked(&self) -> bool {
        self.total() > 0
    }
}

/// A session in progress.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunState {
    /// Unique id of this run (16 hex digits), also used in exports.
    pub run_uid: String,
    /// The programme's session id.
    pub session_id: String,
    /// Its number in the programme.
    pub session_number: u32,
    /// Its title.
    pub session_title: String,
    /// Who started it.
    pub facilitator_id: String,
    /// The installed programme version it ran from.
    pub pack_version: u64,
    /// When it started.
    pub started: DateTime<Utc>,
    /// The phases, in order.
    pub phases: Vec<PhasePlan>,
    /// Index of the current phase.
    pub phase: usize,
    /// When the current phase was entered.
    pub phase_entered: DateTime<Utc>,
    /// Seconds spent in each phase, not counting the current visit.
    pub elapsed_secs: Vec<u64>,
    /// Highest phase index reached.
    pub reached: usize,
    /// Tools used, in first-use order.
    pub tools_used: Vec<String>,
    /// Attendees, in the order added.
    pub attendees: Vec<Attendee>,
    /// The most attendees this group may have.
    pub group_limit: usize,
    /// Worksheet boxes written in, by (tool id, box index). Kept only while
    /// the session is in progress; never exported.
    pub worksheets: BTreeMap<(String, usize), WorksheetEntry>,
    /// "How was today?": the show of hands at check-out.
    pub hands: Hands,
    /// What the session's screens show.
    pub content: Arc<RunContent>,
}

impl RunState {
    /// A new run of `content.session` starting at `now` in its first phase.
    pub fn start(
        run_uid: String,
        content: RunContent,
        facilitator_id: &str,
        pack_version: u64,
        group_limit: usize,
        now: DateTime<Utc>,
    ) -> RunState {
        let session = &content.session;
        let phases: Vec<PhasePlan> = session
            .phases
            .iter()
            .map(|p| PhasePlan {
                kind: p.kind,
                planned_minutes: p.minutes,
            })
            .collect();
        RunState {
            run_uid,
            session_id: session.id.clone(),
            session_number: session.number,
            session_title: session.title.standard.clone(),
            facilitator_id: facilitator_id.to_owned(),
            pack_version,
            started: now,
            elapsed_secs: vec![0; phases.len()],
            phases,
            phase: 0,
            phase_entered: now,
            reached: 0,
            tools_used: Vec::new(),
            attendees: Vec::new(),
            group_limit,
            worksheets: BTreeMap::new(),
            hands: Hands::default(),
            content: Arc::new(content),
        }
    }

    /// Seconds spent in phase `i` up to `now`, counting the current visit.
    pub fn phase_elapsed_secs(&self, i: usize, now: DateTime<Utc>) -> u64 {
        let before = self.elapsed_secs.get(i).copied().unwrap_or(0);
        if i == self.phase {
            before + secs_between(self.phase_entered, now)
        } else {
            before
        }
    }

    /// Seconds since the session started.
    pub fn session_elapsed_secs(&self, now: DateTime<Utc>) -> u64 {
        secs_between(self.started, now)
    }

    /// Planned minutes for the whole session.
    pub fn planned_minutes(&self) -> u32 {
        self.phases.iter().map(|p| p.planned_minutes).sum()
    }

    /// Attendees who are still counted (everyone, including those who left early).
    pub fn attendee_count(&self) -> usize {
        self.attendees.len()
    }

    /// Attendees still here (not marked as having left early): the most
    /// hands a show of hands can count.
    pub fn present(&self) -> usize {
        self.attendees.iter().filter(|a| !a.left_early).count()
    }

    /// Whether the current phase is the check-out, where the group is asked
    /// how today was.
    pub fn at_check_out(&self) -> bool {
        self.phases.get(self.phase).map(|p| p.kind) == Some(PhaseKind::CheckOut)
    }

    /// The number the next attendee gets.
    fn next_number(&self) -> u32 {
        self.attendees.iter().map(|a| a.number).max().unwrap_or(0) + 1
    }

    /// The position of attendee `number` in [`RunState::attendees`].
    pub fn attendee_position(&self, number: u32) -> Option<usize> {
        self.attendees.iter().position(|a| a.number == number)
    }
}

fn secs_between(a: DateTime<Utc>, b: DateTime<Utc>) -> u64 {
    u64::try_from((b - a).num_seconds()).unwrap_or(0)
}

/// Something the facilitator did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// Go to the next phase (ignored within [`NEXT_GUARD`] of a phase change).
    Next,
    /// Go back to the previous phase.
    Back,
    /// Record that a tool was used (repeats are ignored).
    UseTool(String),
    /// Add an attendee (pseudonym, or `None` for anonymous).
    Add(Option<Pseudonym>),
    /// Take attendee `number` off the list (added by mistake).
    Remove(u32),
    /// Mark attendee `number` as having left early, or undo it.
    LeftEarly {
        /// Their number ("Participant 7" is 7).
        number: u32,
        /// `true` to mark, `false` to undo.
        left: bool,
    },
    /// Write in box `field` of tool `tool`'s worksheet.
    Write {
        /// Tool id.
        tool: String,
        /// Box index.
        field: usize,
        /// The whole text of the box now.
        text: String,
    },
    /// Score box `field` of tool `tool`'s worksheet (0 to 10).
    Score {
        /// Tool id.
        tool: String,
        /// Box index.
        field: usize,
        /// The score.
        score: u8,
    },
    /// At check-out, count one more hand for `answer`, or (`up` false)
    /// take one off: a tap too many is undone by the other button.
    Hand {
        /// Which answer.
        answer: Answer,
        /// `true` to count one more, `false` to take one off.
        up: bool,
    },
    /// End the session.
    Finish,
}

/// What storage must make durable for a step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// The phase, times and tools changed: save them.
    SaveProgress,
    /// Attendee `number` was added: save them.
    SaveAttendee(u32),
    /// Attendee `number` was removed: delete them.
    DeleteAttendee(u32),
    /// Attendee `number` changed left-early: save it.
    SaveLeftEarly(u32),
    /// A worksheet box changed: save it.
    SaveWorksheet(String, usize),
    /// The show of hands changed: save it.
    SaveHands,
    /// The session ended at this time: close the run and wipe its worksheets.
    Close(DateTime<Utc>),
}

/// The label shown for attendee `number`.
pub fn label(number: u32) -> String {
    format!("Participant {number}")
}

/// One step of the runner. Pure: same inputs, same outputs.
pub fn step(
    state: &RunState,
    event: &Event,
    now: DateTime<Utc>,
) -> Result<(RunState, Vec<Effect>), RunError> {
    let mut s = state.clone();
    let effects = match event {
        Event::Next => {
            if s.phase + 1 >= s.phases.len() {
                return Err(RunError::AtLastPhase);
            }
            if now - s.phase_entered < NEXT_GUARD {
                // The second tap of a double tap: the phase just changed.
                return Ok((s, vec![]));
            }
            let to = s.phase + 1;
            move_to(&mut s, to, now);
            vec![Effect::SaveProgress]
        }
        Event::Back => {
            if s.phase == 0 {
                return Err(RunError::AtFirstPhase);
            }
            let to = s.phase - 1;
            move_to(&mut s, to, now);
            vec![Effect::SaveProgress]
        }
        Event::UseTool(id) => {
            if s.content.tool(id).is_none() {
                return Err(RunError::UnknownTool(id.clone()));
            }
            if s.tools_used.contains(id) {
                vec![]
            } else {
                s.tools_used.push(id.clone());
                vec![Effect::SaveProgress]
            }
        }
        Event::Add(p) => {
            if let Some(p) = p {
                if let Some(a) = s.attendees.iter().find(|a| a.pseudonym == Some(*p)) {
                    return Err(RunError::AlreadyHere(a.number));
                }
            }
            if s.attendees.len() >= s.group_limit {
                return Err(RunError::GroupFull(s.group_limit));
            }
            let number = s.next_number();
            s.attendees.push(Attendee {
                number,
                pseudonym: *p,
                left_early: false,
                added: now,
            });
            vec![Effect::SaveAttendee(number)]
        }
        Event::Remove(number) => {
            let at = s
                .attendee_position(*number)
                .ok_or(RunError::NoSuchAttendee(*number))?;
            s.attendees.remove(at);
            vec![Effect::DeleteAttendee(*number)]
        }
        Event::LeftEarly { number, left } => {
            let at = s
                .attendee_position(*number)
                .ok_or(RunError::NoSuchAttendee(*number))?;
            let a = &mut s.attendees[at];
            if a.left_early == *left {
                vec![]
            } else {
                a.left_early = *left;
                vec![Effect::SaveLeftEarly(*number)]
            }
        }
        Event::Write { tool, field, text } => {
            check_box(&s, tool, *field)?;
            let text: String = text.chars().take(WORKSHEET_TEXT_LIMIT).collect();
            let key = (tool.clone(), *field);
            let was = s.worksheets.get(&key).cloned().unwrap_or_default();
            if was.text == text {
                vec![]
            } else {
                s.worksheets.insert(key, WorksheetEntry { text, ..was });
                vec![Effect::SaveWorksheet(tool.clone(), *field)]
            }
        }
        Event::Score { tool, field, score } => {
            check_box(&s, tool, *field)?;
            if *score > 10 {
                return Err(RunError::NoSuchBox {
                    tool: tool.clone(),
                    field: *field,
                });
            }
            let key = (tool.clone(), *field);
            let was = s.worksheets.get(&key).cloned().unwrap_or_default();
            if was.score == Some(*score) {
                vec![]
            } else {
                let entry = WorksheetEntry {
                    score: Some(*score),
                    ..was
                };
                s.worksheets.insert(key, entry);
                vec![Effect::SaveWorksheet(tool.clone(), *field)]
            }
        }
        Event::Hand { answer, up } => {
            if !s.at_check_out() {
                return Err(RunError::NotAtCheckOut);
            }
            let present = s.present();
            let total = s.hands.total() as usize;
            let count = s.hands.get_mut(*answer);
            match (up, *count) {
                (true, _) if total >= present => {
                    return Err(RunError::MoreHandsThanPeople(present));
                }
                (true, _) => *count += 1,
                (false, 0) => return Ok((s, vec![])),
                (false, _) => *count -= 1,
            }
            vec![Effect::SaveHands]
        }
        Event::Finish => {
            let cur = s.phase;
            s.elapsed_secs[cur] += secs_between(s.phase_entered, now);
            s.phase_entered = now;
            s.worksheets.clear();
            vec![Effect::SaveProgress, Effect::Close(now)]
        }
    };
    Ok((s, effects))
}

fn check_box(s: &RunState, tool: &str, field: usize) -> Result<(), RunError> {
    let t = s
        .content
        .tool(tool)
        .ok_or_else(|| RunError::UnknownTool(tool.to_owned()))?;
    if field >= t.worksheet.fields.len() {
        return Err(RunError::NoSuchBox {
            tool: tool.to_owned(),
            field,
        });
    }
    Ok(())
}

fn move_to(s: &mut RunState, to: usize, now: DateTime<Utc>) {
    let cur = s.phase;
    s.elapsed_secs[cur] += secs_between(s.phase_entered, now);
    s.phase = to;
    s.phase_entered = now;
    s.reached = s.reached.max(to);
}

/// Where runs are saved. The SQLite store is the real one; [`MemoryRunStore`]
/// is the fake for tests.
pub trait RunStore {
    /// The run in progress, if any, as last committed.
    fn load_open(&self) -> Result<Option<RunState>, crate::KioskError>;
    /// Saves a new run.
    fn create(&mut self, state: &RunState) -> Result<(), crate::KioskError>;
    /// Makes `effects` durable for `state`, all or nothing.
    fn commit(&mut self, state: &RunState, effects: &[Effect]) -> Result<(), crate::KioskError>;
    /// Deletes a run in progress and its attendees (the facilitator discarded it).
    fn discard(&mut self, run_uid: &str) -> Result<(), crate::KioskError>;
}

/// An in-memory [`RunStore`] for tests.
#[derive(Debug, Default)]
pub struct MemoryRunStore {
    /// The open run.
    pub open: Option<RunState>,
    /// Finished runs, with their end times.
    pub closed: Vec<(RunState, DateTime<Utc>)>,
}

impl RunStore for MemoryRunStore {
    fn load_open(&self) -> Result<Option<RunState>, crate::KioskError> {
        Ok(self.open.clone())
    }
    fn create(&mut self, state: &RunState) -> Result<(), crate::KioskError> {
        self.open = Some(state.clone());
        Ok(())
    }
    fn commit(&mut self, state: &RunState, effects: &[Effect]) -> Result<(), crate::KioskError> {
        match effects.iter().find_map(|e| match e {
            Effect::Close(t) => Some(*t),
            _ => None,
        }) {
            Some(t) => {
                self.open = None;
                self.closed.push((state.clone(), t));
            }
            None => self.open = Some(state.clone()),
        }
        Ok(())
    }
    fn discard(&mut self, _run_uid: &str) -> Result<(), crate::KioskError> {
        self.open = None;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn content() -> RunContent {
        let phase = |kind, minutes| content_pack::Phase {
            kind,
            title: content_pack::ParticipantText::new("t", "t"),
            minutes,
            text: content_pack::ParticipantText::new("s", "p"),
            facilitator_notes: vec!["n".into()],
            tools: vec![],
            media: None,
        };
        let tool = Tool {
            id: "abc".into(),
            name: content_pack::ParticipantText::new("ABC", "A, B, C"),
            points: vec![content_pack::Point::Urges],
            summary: content_pack::ParticipantText::new("s", "s"),
            steps: vec![content_pack::ParticipantText::new("one", "one")],
            picture: "media/abc.svg".into(),
            worksheet: content_pack::Worksheet {
                kind: content_pack::WorksheetKind::List,
                fields: vec![content_pack::WorksheetField {
                    label: content_pack::ParticipantText::new("A", "A"),
                    prompt: content_pack::ParticipantText::default(),
                }],
            },
        };
        RunContent {
            session: Session {
                id: "s01".into(),
                number: 1,
                title: content_pack::ParticipantText::new("One", "One"),
                points: vec![content_pack::Point::Motivation],
                minutes: 60,
                phases: PhaseKind::ORDER.iter().map(|k| phase(*k, 12)).collect(),
            },
            tools: vec![tool],
            pictures: BTreeMap::new(),
        }
    }

    fn t0() -> DateTime<Utc> {
        DateTime::<Utc>::from_timestamp(1_800_000_000, 0).unwrap()
    }

    #[test]
    fn phases_times_and_attendees() {
        let t0 = t0();
        let s = RunState::start("r".into(), content(), "f1", 3, GROUP_LIMIT, t0);
        assert_eq!(step(&s, &Event::Back, t0), Err(RunError::AtFirstPhase));
        let (s, e) = step(&s, &Event::Next, t0 + Duration::minutes(10)).unwrap();
        assert_eq!(e, vec![Effect::SaveProgress]);
        assert_eq!(s.phase, 1);
        assert_eq!(s.elapsed_secs[0], 600);
        let p = Pseudonym([1; 32]);
        let (s, _) = step(&s, &Event::Add(Some(p)), t0).unwrap();
        let (s, _) = step(&s, &Event::Add(None), t0).unwrap();
        let (s, _) = step(&s, &Event::Add(None), t0).unwrap();
        assert_eq!(
            step(&s, &Event::Add(Some(p)), t0),
            Err(RunError::AlreadyHere(1))
        );
        let (s, e) = step(
            &s,
            &Event::LeftEarly {
                number: 3,
                left: true,
            },
            t0,
        )
        .unwrap();
        assert_eq!(e, vec![Effect::SaveLeftEarly(3)]);
        assert!(s.attendees[2].left_early);
        let (s, _) = step(&s, &Event::Back, t0 + Duration::minutes(15)).unwrap();
        assert_eq!((s.phase, s.reached, s.elapsed_secs[1]), (0, 1, 300));
        let mut store = MemoryRunStore::default();
        store.create(&s).unwrap();
        let (s2, e) = step(&s, &Event::Finish, t0 + Duration::minutes(20)).unwrap();
        store.commit(&s2, &e).unwrap();
        assert!(store.open.is_none());
        assert_eq!(store.closed[0].0.elapsed_secs, vec![900, 300, 0, 0, 0]);
    }

    #[test]
    fn a_double_or_triple_tap_on_next_moves_one_phase() {
        let t0 = t0();
        let s = RunState::start("r".into(), content(), "f1", 3, GROUP_LIMIT, t0);
        let at = |ms| t0 + Duration::seconds(60) + Duration::milliseconds(ms);
        let (s, _) = step(&s, &Event::Next, at(0)).unwrap();
        let (s, e) = step(&s, &Event::Next, at(200)).unwrap();
        assert!(e.is_empty());
        let (s, e) = step(&s, &Event::Next, at(1400)).unwrap();
        assert!(e.is_empty());
        assert_eq!(s.phase, 1);
        let (s, _) = step(&s, &Event::Next, at(1600)).unwrap();
        assert_eq!(s.phase, 2);
    }

    #[test]
    fn removed_attendees_keep_everyone_elses_number_and_the_limit_holds() {
        let t0 = t0();
        let mut s = RunState::start("r".into(), content(), "f1", 3, 3, t0);
        for _ in 0..3 {
            s = step(&s, &Event::Add(None), t0).unwrap().0;
        }
        assert_eq!(step(&s, &Event::Add(None), t0), Err(RunError::GroupFull(3)));
        let (s, e) = step(&s, &Event::Remove(2), t0).unwrap();
        assert_eq!(e, vec![Effect::DeleteAttendee(2)]);
        let numbers: Vec<u32> = s.attendees.iter().map(|a| a.number).collect();
        assert_eq!(numbers, vec![1, 3]);
        let (s, _) = step(&s, &Event::Add(None), t0).unwrap();
        assert_eq!(s.attendees.last().map(|a| a.number), Some(4));
        assert_eq!(
            step(&s, &Event::Remove(2), t0),
            Err(RunError::NoSuchAttendee(2))
        );
    }

    #[test]
    fn hands_are_counted_at_check_out_up_to_the_people_here_and_taken_off_again() {
        let t0 = t0();
        let mut s = RunState::start("r".into(), content(), "f1", 3, GROUP_LIMIT, t0);
        for _ in 0..3 {
            s = step(&s, &Event::Add(None), t0).unwrap().0;
        }
        let hand = |answer, up| Event::Hand { answer, up };
        assert_eq!(
            step(&s, &hand(Answer::Helped, true), t0),
            Err(RunError::NotAtCheckOut)
        );
        s.phase = s.phases.len() - 1;
        let (s, e) = step(&s, &hand(Answer::Helped, true), t0).unwrap();
        assert_eq!(e, vec![Effect::SaveHands]);
        let (s, _) = step(&s, &hand(Answer::Helped, true), t0).unwrap();
        let (s, _) = step(&s, &hand(Answer::NotHelped, true), t0).unwrap();
        assert_eq!(
            step(&s, &hand(Answer::Ok, true), t0),
            Err(RunError::MoreHandsThanPeople(3))
        );
        // Someone who left early has no hand to raise.
        let left = Event::LeftEarly {
            number: 1,
            left: true,
        };
        let (s, _) = step(&s, &left, t0).unwrap();
        assert_eq!(
            step(&s, &hand(Answer::Ok, true), t0),
            Err(RunError::MoreHandsThanPeople(2))
        );
        let (s, _) = step(&s, &hand(Answer::NotHelped, false), t0).unwrap();
        let (s, e) = step(&s, &hand(Answer::NotHelped, false), t0).unwrap();
        assert!(e.is_empty(), "no hand to take off");
        assert_eq!(
            s.hands,
            Hands {
                helped: 2,
                ok: 0,
                not_helped: 0
            }
        );
        let (s, _) = step(&s, &hand(Answer::Helped, false), t0).unwrap();
        let (s, _) = step(&s, &hand(Answer::Helped, false), t0).unwrap();
        assert!(!s.hands.asked(), "every hand taken off: not asked");
    }

    #[test]
    fn worksheets_are_checked_kept_and_wiped_at_finish() {
        let t0 = t0();
        let s = RunState::start("r".into(), content(), "f1", 3, GROUP_LIMIT, t0);
        let write = |tool: &str, field, text: &str| Event::Write {
            tool: tool.into(),
            field,
            text: text.into(),
        };
        assert!(matches!(
            step(&s, &write("nope", 0, "x"), t0),
            Err(RunError::UnknownTool(_))
        ));
        assert!(matches!(
            step(&s, &write("abc", 1, "x"), t0),
            Err(RunError::NoSuchBox { .. })
        ));
        let (s, e) = step(&s, &write("abc", 0, "more sleep"), t0).unwrap();
        assert_eq!(e, vec![Effect::SaveWorksheet("abc".into(), 0)]);
        assert_eq!(s.worksheets[&("abc".to_owned(), 0)].text, "more sleep");
        let long = "x".repeat(WORKSHEET_TEXT_LIMIT + 50);
        let (s, _) = step(&s, &write("abc", 0, &long), t0).unwrap();
        assert_eq!(
            s.worksheets[&("abc".to_owned(), 0)].text.len(),
            WORKSHEET_TEXT_LIMIT
        );
        let (s, _) = step(&s, &Event::Finish, t0).unwrap();
        assert!(s.worksheets.is_empty());
    }
}
