//! The session runner: a pure state machine.
//!
//! [`step`] takes the state of a session in progress and one [`Event`], and
//! returns the next state and the [`Effect`]s that storage must make durable.
//! It does no I/O and reads no clock: the time comes in with the event. The
//! facade ([`crate::Kiosk`]) commits the effects through a [`RunStore`]
//! *before* it adopts the new state, so what the screen shows has always been
//! saved, and after a power cut the kiosk comes back to the same phase with
//! the same attendees.

use chrono::{DateTime, Utc};
use content_pack::{PhaseKind, Session};

use crate::pseudonym::Pseudonym;

/// Above this many attendees the kiosk warns (the group is too big).
pub const GROUP_LIMIT: usize = 12;

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
    /// The pseudonym, or `None` for an anonymous attendee.
    pub pseudonym: Option<Pseudonym>,
    /// Marked as having left before the end.
    pub left_early: bool,
    /// When they were added.
    pub added: DateTime<Utc>,
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
    /// Attendees, in the order added; "Participant N" is index N-1.
    pub attendees: Vec<Attendee>,
}

impl RunState {
    /// A new run of `session` starting at `now` in its first phase.
    pub fn start(
        run_uid: String,
        session: &Session,
        facilitator_id: &str,
        pack_version: u64,
        now: DateTime<Utc>,
    ) -> RunState {
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
            session_title: session.title.clone(),
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
}

fn secs_between(a: DateTime<Utc>, b: DateTime<Utc>) -> u64 {
    u64::try_from((b - a).num_seconds()).unwrap_or(0)
}

/// Something the facilitator did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Event {
    /// Go to the next phase.
    Next,
    /// Go back to the previous phase.
    Back,
    /// Record that a tool was used (repeats are ignored).
    UseTool(String),
    /// Add an attendee (pseudonym, or `None` for anonymous).
    Add(Option<Pseudonym>),
    /// Mark attendee `index` (from 0) as having left early, or undo it.
    LeftEarly {
        /// Index from 0.
        index: usize,
        /// `true` to mark, `false` to undo.
        left: bool,
    },
    /// End the session.
    Finish,
}

/// What storage must make durable for a step.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// The phase, times and tools changed: save them.
    SaveProgress,
    /// Attendee `index` was added: save them.
    SaveAttendee(usize),
    /// Attendee `index` changed left-early: save it.
    SaveLeftEarly(usize),
    /// The session ended at this time: close the run.
    Close(DateTime<Utc>),
}

/// A step the runner refuses.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum RunError {
    /// Back from the first phase.
    #[error("this is already the first phase")]
    AtFirstPhase,
    /// Next from the last phase.
    #[error("this is the last phase: finish the session instead")]
    AtLastPhase,
    /// The same person was added twice.
    #[error("that person is already here as {0}")]
    AlreadyHere(String),
    /// No attendee with that index.
    #[error("there is no Participant {0}")]
    NoSuchAttendee(usize),
}

/// The label shown for attendee `index` (from 0).
pub fn label(index: usize) -> String {
    format!("Participant {}", index + 1)
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
            if s.tools_used.contains(id) {
                vec![]
            } else {
                s.tools_used.push(id.clone());
                vec![Effect::SaveProgress]
            }
        }
        Event::Add(p) => {
            if let Some(p) = p {
                if let Some(i) = s.attendees.iter().position(|a| a.pseudonym == Some(*p)) {
                    return Err(RunError::AlreadyHere(label(i)));
                }
            }
            s.attendees.push(Attendee {
                pseudonym: *p,
                left_early: false,
                added: now,
            });
            vec![Effect::SaveAttendee(s.attendees.len() - 1)]
        }
        Event::LeftEarly { index, left } => {
            let a = s
                .attendees
                .get_mut(*index)
                .ok_or(RunError::NoSuchAttendee(index + 1))?;
            if a.left_early == *left {
                vec![]
            } else {
                a.left_early = *left;
                vec![Effect::SaveLeftEarly(*index)]
            }
        }
        Event::Finish => {
            let cur = s.phase;
            s.elapsed_secs[cur] += secs_between(s.phase_entered, now);
            s.phase_entered = now;
            vec![Effect::SaveProgress, Effect::Close(now)]
        }
    };
    Ok((s, effects))
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
    use chrono::Duration;

    fn session() -> Session {
        let phase = |kind, minutes| content_pack::Phase {
            kind,
            title: "t".into(),
            minutes,
            text: content_pack::ParticipantText {
                standard: "s".into(),
                plain: "p".into(),
            },
            facilitator_notes: vec!["n".into()],
            tools: vec![],
            media: None,
        };
        Session {
            id: "s01".into(),
            number: 1,
            title: "One".into(),
            points: vec![content_pack::Point::Motivation],
            minutes: 60,
            phases: PhaseKind::ORDER.iter().map(|k| phase(*k, 12)).collect(),
        }
    }

    #[test]
    fn phases_times_and_attendees() {
        let t0 = DateTime::<Utc>::from_timestamp(1_800_000_000, 0).unwrap();
        let s = RunState::start("r".into(), &session(), "f1", 3, t0);
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
            Err(RunError::AlreadyHere("Participant 1".into()))
        );
        let (s, e) = step(
            &s,
            &Event::LeftEarly {
                index: 2,
                left: true,
            },
            t0,
        )
        .unwrap();
        assert_eq!(e, vec![Effect::SaveLeftEarly(2)]);
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
}
