//! Running a session: start it from the installed programme (its content is
//! copied into the run), move through its phases, open tools and write in
//! their worksheets, glance at the notes, then finish or discard it.

use std::collections::BTreeMap;

use chrono::{DateTime, Duration, Utc};
use content_pack::{InstalledPack, Phase, PhaseKind, Programme, Session};

use super::Kiosk;
use crate::db::AuditEvent;
use crate::error::KioskError;
use crate::runner::{Answer, Event, Hands, RunContent, RunState, RunStore, WorksheetEntry};

/// How long one glance shows the facilitator notes before they hide again.
pub const NOTES_GLANCE: Duration = Duration::seconds(8);

/// Largest picture copied into a run (a phase picture is a small drawing).
const MAX_PICTURE_BYTES: usize = 4 << 20;

/// Planned and spent time for one phase.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhaseTiming {
    /// Which phase.
    pub kind: PhaseKind,
    /// Suggested minutes.
    pub planned_minutes: u32,
    /// Seconds spent in it so far (all visits).
    pub elapsed_secs: u64,
}

fn timings(s: &RunState, now: DateTime<Utc>) -> Vec<PhaseTiming> {
    s.phases
        .iter()
        .enumerate()
        .map(|(i, p)| PhaseTiming {
            kind: p.kind,
            planned_minutes: p.planned_minutes,
            elapsed_secs: s.phase_elapsed_secs(i, now),
        })
        .collect()
}

/// The session in progress, as the run screen shows it.
#[derive(Debug, Clone)]
pub struct RunView {
    /// Session id.
    pub session_id: String,
    /// Session number.
    pub session_number: u32,
    /// Session title.
    pub session_title: String,
    /// Index of the current phase (from 0).
    pub phase_index: usize,
    /// How many phases.
    pub phase_count: usize,
    /// The current phase, from the content saved with the run.
    pub phase: Phase,
    /// Planned minutes for this phase.
    pub phase_planned_minutes: u32,
    /// Seconds spent in this phase so far (all visits).
    pub phase_elapsed_secs: u64,
    /// Planned minutes for the session.
    pub session_planned_minutes: u32,
    /// Seconds since the session started.
    pub session_elapsed_secs: u64,
    /// Planned and spent time for every phase.
    pub phase_timings: Vec<PhaseTiming>,
    /// Tool ids used so far.
    pub tools_used: Vec<String>,
    /// Attendees so far.
    pub attendee_count: usize,
    /// Whether Back is possible.
    pub can_go_back: bool,
    /// Whether Next is possible (false on the last phase: offer Finish).
    pub can_go_next: bool,
}

/// What the finish screen shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RunSummary {
    /// Session title.
    pub session_title: String,
    /// Session number.
    pub session_number: u32,
    /// Phases reached, of `phase_count`.
    pub phases_done: usize,
    /// Phases in the session.
    pub phase_count: usize,
    /// Names of the tools used.
    pub tools_used: Vec<String>,
    /// Attendees (including anonymous and those who left early).
    pub attended: usize,
    /// Of whom anonymous.
    pub anonymous: usize,
    /// Of whom left early.
    pub left_early: usize,
    /// Planned minutes.
    pub planned_minutes: u32,
    /// Minutes it took (rounded).
    pub elapsed_minutes: u32,
    /// Planned and spent time for every phase.
    pub phase_timings: Vec<PhaseTiming>,
}

impl RunSummary {
    /// The summary of `s` at `now`: what was reached, used and who came.
    pub(crate) fn of(s: &RunState, now: DateTime<Utc>) -> RunSummary {
        RunSummary {
            session_title: s.session_title.clone(),
            session_number: s.session_number,
            phases_done: s.reached + 1,
            phase_count: s.phases.len(),
            tools_used: s
                .tools_used
                .iter()
                .map(|id| {
                    s.content
                        .tool(id)
                        .map_or_else(|| id.clone(), |t| t.name.standard.clone())
                })
                .collect(),
            attended: s.attendees.len(),
            anonymous: s.attendees.iter().filter(|a| a.pseudonym.is_none()).count(),
            left_early: s.attendees.iter().filter(|a| a.left_early).count(),
            planned_minutes: s.planned_minutes(),
            elapsed_minutes: ((s.session_elapsed_secs(now) + 30) / 60) as u32,
            phase_timings: timings(s, now),
        }
    }
}

/// What a run of session `id` needs from the installed programme and pack:
/// the session, every tool, and the SVG pictures of its phases and of every
/// tool, with their versions in the programme's other languages where the
/// pack has them (those that can be read; a picture that cannot is simply
/// not shown).
pub(crate) fn content_for(
    programme: &Programme,
    pack: &InstalledPack,
    id: &str,
) -> Option<RunContent> {
    let session = programme.session(id)?.clone();
    let pictures: BTreeMap<String, Vec<u8>> = session
        .phases
        .iter()
        .filter_map(|p| p.media.as_deref())
        .chain(programme.tools.iter().map(|t| t.picture.as_str()))
        .filter(|m| is_picture(m))
        .flat_map(|m| {
            let versions = programme
                .translations
                .iter()
                .filter_map(|t| t.language.picture(m));
            std::iter::once(m.to_owned()).chain(versions)
        })
        .filter(|m| pack.manifest().files.iter().any(|f| f.path == *m))
        .filter_map(|m| {
            let bytes = pack.read_checked(&m).ok()?;
            (bytes.len() <= MAX_PICTURE_BYTES).then_some((m, bytes))
        })
        .collect();
    Some(RunContent {
        session,
        tools: programme.tools.clone(),
        pictures,
    })
}

/// Phase pictures are SVG drawings (they scale to any screen); other media
/// (sound) is not a picture.
fn is_picture(path: &str) -> bool {
    path.to_ascii_lowercase().ends_with(".svg")
}

impl Kiosk {
    /// The sessions of the installed programme, in programme order.
    pub fn sessions(&self) -> &[Session] {
        self.programme().map(|p| &p.sessions[..]).unwrap_or(&[])
    }

    /// Starts running a session (at its first phase). What its screens need
    /// is copied into the run, so it never depends on the installed pack again.
    pub fn start_session(&mut self, session_id: &str) -> Result<RunView, KioskError> {
        let facilitator = self.signed_in()?.to_owned();
        if self.run.is_some() {
            return Err(KioskError::SessionInProgress);
        }
        // Read the installed programme again: it may have expired, or been
        // damaged on disk, since it was last read.
        self.reload_programme();
        let (programme, version) = self.programme.as_ref().ok_or(KioskError::NoProgramme)?;
        let pack = self.content.installed()?.ok_or(KioskError::NoProgramme)?;
        let content = content_for(programme, &pack, session_id)
            .ok_or_else(|| KioskError::UnknownSession(session_id.to_owned()))?;
        let now = self.now();
        let state = RunState::start(
            new_run_uid(),
            content,
            &facilitator,
            *version,
            self.config.group_limit,
            now,
        );
        self.db.create(&state)?;
        self.db.audit(now, AuditEvent::SessionStarted(session_id))?;
        self.run = Some(state);
        self.touch();
        self.run_view().ok_or(KioskError::NoSession)
    }

    /// The session in progress, if any (also when signed out or locked, so
    /// the UI can offer "continue").
    pub fn run_view(&self) -> Option<RunView> {
        let s = self.run.as_ref()?;
        let now = self.now();
        let phase = s.content.session.phases.get(s.phase)?.clone();
        Some(RunView {
            session_id: s.session_id.clone(),
            session_number: s.session_number,
            session_title: s.session_title.clone(),
            phase_index: s.phase,
            phase_count: s.phases.len(),
            phase,
            phase_planned_minutes: s.phases[s.phase].planned_minutes,
            phase_elapsed_secs: s.phase_elapsed_secs(s.phase, now),
            session_planned_minutes: s.planned_minutes(),
            session_elapsed_secs: s.session_elapsed_secs(now),
            phase_timings: timings(s, now),
            tools_used: s.tools_used.clone(),
            attendee_count: s.attendees.len(),
            can_go_back: s.phase > 0,
            can_go_next: s.phase + 1 < s.phases.len(),
        })
    }

    /// The session in progress, as the runner holds it.
    pub fn run_state(&self) -> Option<&RunState> {
        self.run.as_ref()
    }

    /// Goes to the next phase. Within [`crate::runner::NEXT_GUARD`] of a
    /// phase change this does nothing, so a double tap moves one phase.
    pub fn next_phase(&mut self) -> Result<RunView, KioskError> {
        self.apply(Event::Next)?;
        self.run_view().ok_or(KioskError::NoSession)
    }

    /// Goes back to the previous phase.
    pub fn previous_phase(&mut self) -> Result<RunView, KioskError> {
        self.apply(Event::Back)?;
        self.run_view().ok_or(KioskError::NoSession)
    }

    /// Records that the group used a tool (any tool of the session's programme).
    pub fn use_tool(&mut self, tool_id: &str) -> Result<(), KioskError> {
        self.apply(Event::UseTool(tool_id.to_owned()))?;
        Ok(())
    }

    /// Writes `text` as the whole text of worksheet box `field` of `tool`.
    /// Saved at once; wiped when the session ends; never exported.
    pub fn write_worksheet(
        &mut self,
        tool: &str,
        field: usize,
        text: &str,
    ) -> Result<(), KioskError> {
        self.apply(Event::Write {
            tool: tool.to_owned(),
            field,
            text: text.to_owned(),
        })?;
        Ok(())
    }

    /// Scores worksheet box `field` of `tool` (0 to 10).
    pub fn score_worksheet(
        &mut self,
        tool: &str,
        field: usize,
        score: u8,
    ) -> Result<(), KioskError> {
        self.apply(Event::Score {
            tool: tool.to_owned(),
            field,
            score,
        })?;
        Ok(())
    }

    /// At check-out, counts one more hand for `answer` in "How was
    /// today?", or (`up` false) takes one off. Saved at once; exported with
    /// the session as counts only.
    pub fn count_hand(&mut self, answer: Answer, up: bool) -> Result<Hands, KioskError> {
        Ok(self.apply(Event::Hand { answer, up })?.hands)
    }

    /// What the group wrote in box `field` of `tool`, if anything.
    pub fn worksheet_entry(&self, tool: &str, field: usize) -> Option<&WorksheetEntry> {
        self.run.as_ref()?.worksheets.get(&(tool.to_owned(), field))
    }

    /// Shows the facilitator notes for a glance ([`NOTES_GLANCE`]); they
    /// hide again by themselves, and after any phase change or restart.
    pub fn glance_notes(&mut self) {
        let now = self.now();
        self.notes_glance = self
            .run
            .as_ref()
            .map(|s| (s.run_uid.clone(), s.phase_entered, now + NOTES_GLANCE));
        self.touch();
    }

    /// Hides the notes now.
    pub fn hide_notes(&mut self) {
        self.notes_glance = None;
    }

    /// Whether the notes are showing: during a glance, in the same run and
    /// the same visit to the phase it began in.
    pub fn notes_showing(&self) -> bool {
        match (&self.run, &self.notes_glance) {
            (Some(s), Some((run, entered, until))) => {
                s.run_uid == *run && s.phase_entered == *entered && self.now() < *until
            }
            _ => false,
        }
    }

    /// Ends the session, records it and returns its summary. Its worksheets
    /// are wiped.
    pub fn finish_session(&mut self) -> Result<RunSummary, KioskError> {
        self.apply(Event::Finish)?;
        let s = self.run.take().ok_or(KioskError::NoSession)?;
        let now = self.now();
        self.db
            .audit(now, AuditEvent::SessionFinished(&s.session_id))?;
        // Best effort: the session is recorded either way, and SQLite's own
        // checkpoints empty the WAL soon after.
        let _ = self.db.checkpoint();
        Ok(RunSummary::of(&s, now))
    }

    /// Ends the session in progress without recording it (started by
    /// mistake): its attendance and worksheets are deleted. Audited.
    pub fn discard_session(&mut self) -> Result<(), KioskError> {
        self.signed_in()?;
        let s = self.run.as_ref().ok_or(KioskError::NoSession)?;
        self.db.discard(&s.run_uid)?;
        self.db
            .audit(self.now(), AuditEvent::SessionDiscarded(&s.session_id))?;
        self.run = None;
        let _ = self.db.checkpoint();
        Ok(())
    }

    /// The session in progress as (run uid, phase index, attendees), for
    /// tests and the simulator.
    pub fn run_position(&self) -> Option<(String, usize, usize)> {
        self.run
            .as_ref()
            .map(|s| (s.run_uid.clone(), s.phase, s.attendees.len()))
    }

    /// How many sessions have been finished on this kiosk.
    pub fn finished_sessions(&self) -> Result<u64, KioskError> {
        self.db.finished_sessions()
    }
}

fn new_run_uid() -> String {
    use rand::RngCore;
    let mut b = [0u8; 8];
    rand::rngs::OsRng.fill_bytes(&mut b);
    hex::encode(b)
}
