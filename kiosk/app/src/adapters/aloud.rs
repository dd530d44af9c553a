//! Read aloud, pressed on the run screen (the words for the group) or the
//! tool screen (its steps, one after another): the same toggle for both.

use std::rc::Rc;

use kiosk_core::views::ReadAloud;
use kiosk_core::Kiosk;

use crate::controller::{Controller, ShowReading};
use crate::ui::{AppWindow, Screen};

/// Read aloud was pressed on `screen`: stops what is being read, or reads
/// the texts `parts` picks from the kiosk (with their places on screen).
/// `begin` lays the texts out one sentence a line once they play; `show`
/// lights the one being read. The error is what to tell the room.
pub fn toggle(
    c: &Rc<Controller>,
    screen: Screen,
    parts: impl FnOnce(&Kiosk) -> Vec<(usize, ReadAloud)>,
    begin: impl FnOnce(&AppWindow, &[(usize, ReadAloud)]),
    show: ShowReading,
) -> Result<(), String> {
    if c.reading().is_some() {
        c.stop_reading();
        return Ok(());
    }
    let (parts, recordings, volume) = {
        let kiosk = c.kiosk();
        let parts = parts(&kiosk);
        let recordings = parts
            .iter()
            .map(|(_, a)| kiosk.recording(&a.file))
            .collect::<Result<Vec<_>, _>>()
            .map_err(|e| e.to_string())?;
        (parts, recordings, kiosk.display().volume)
    };
    if parts.is_empty() {
        return Ok(());
    }
    if let Some(w) = c.window() {
        begin(&w, &parts);
    }
    c.read_aloud(screen, parts, recordings, volume, show)
        .map_err(|e| e.to_string())
}

/// Whether what `screen` reads aloud is no longer what it shows (another
/// phase, language or version): then reading stops.
pub fn stop_if_changed(c: &Controller, screen: Screen, shown: &[(usize, ReadAloud)]) {
    if let Some((on, files)) = c.reading() {
        if on == screen && !files.iter().eq(shown.iter().map(|(_, a)| &a.file)) {
            c.stop_reading();
        }
    }
}
