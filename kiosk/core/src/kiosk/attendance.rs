//! Who is here: prison numbers become pseudonyms at once, anonymous
//! attendees, taking someone off the list, and "left early". Each attendee
//! keeps their "Participant N" number for the whole session.

use zeroize::Zeroizing;

use content_pack::Language;

use super::Kiosk;
use crate::error::KioskError;
use crate::pseudonym::Pseudonym;
use crate::runner::{self, Event};
use crate::words::trf;

/// One attendee as the attendance list shows them: never a prison number.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AttendeeView {
    /// Their number in this session (use it for [`Kiosk::set_left_early`]
    /// and [`Kiosk::remove_attendee`]).
    pub number: u32,
    /// "Participant 7".
    pub label: String,
    /// Added as anonymous.
    pub anonymous: bool,
    /// Marked as having left early.
    pub left_early: bool,
}

/// The result of adding an attendee.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Added {
    /// Their number in this session.
    pub number: u32,
    /// "Participant 7".
    pub label: String,
    /// Attendees now in the group.
    pub count: usize,
}

impl Added {
    /// The line to show: "Participant 7 added", in `l`.
    pub fn message(&self, l: Language) -> String {
        trf(l, "Participant {} added", &[&self.number])
    }
}

impl Kiosk {
    /// Adds a participant by prison number. The number is normalised,
    /// checked, turned into a pseudonym and wiped before this returns; it is
    /// never stored, logged or repeated in an error.
    pub fn add_participant(&mut self, prison_number: String) -> Result<Added, KioskError> {
        // Wiped when this returns, on every path.
        let number = Zeroizing::new(prison_number);
        self.signed_in()?;
        if self.run.is_none() {
            return Err(KioskError::NoSession);
        }
        let p = self.pseudonymiser.pseudonymise(&number)?;
        self.add(Some(p))
    }

    /// Adds an anonymous attendee.
    pub fn add_anonymous(&mut self) -> Result<Added, KioskError> {
        self.add(None)
    }

    fn add(&mut self, p: Option<Pseudonym>) -> Result<Added, KioskError> {
        let s = self.apply(Event::Add(p))?;
        let number = s.attendees.last().map_or(0, |a| a.number);
        Ok(Added {
            number,
            label: runner::label(number),
            count: s.attendees.len(),
        })
    }

    /// Takes attendee `number` off the list (added by mistake). Everyone
    /// else keeps their number.
    pub fn remove_attendee(&mut self, number: u32) -> Result<(), KioskError> {
        self.apply(Event::Remove(number))?;
        Ok(())
    }

    /// Marks attendee `number` as having left early, or undoes it.
    pub fn set_left_early(&mut self, number: u32, left: bool) -> Result<(), KioskError> {
        self.apply(Event::LeftEarly { number, left })?;
        Ok(())
    }

    /// The attendance list for display (labels, never numbers).
    pub fn attendees(&self) -> Vec<AttendeeView> {
        self.run
            .iter()
            .flat_map(|s| s.attendees.iter())
            .map(|a| AttendeeView {
                number: a.number,
                label: runner::label(a.number),
                anonymous: a.pseudonym.is_none(),
                left_early: a.left_early,
            })
            .collect()
    }

    /// The number of the attendee with this label ("Participant 7" → 7).
    pub fn attendee_number(&self, label: &str) -> Option<u32> {
        let n: u32 = label.strip_prefix("Participant ")?.trim().parse().ok()?;
        self.run.as_ref()?.attendee_position(n).map(|_| n)
    }
}
