//! Attendance: the typed number goes straight to kiosk-core (which turns it
//! into a pseudonym and wipes it) and off the screen; the list shows only
//! kiosk-core's labels ("Participant 7").

use std::rc::Rc;

use kiosk_core::words::trf;
use kiosk_core::{views, Added, KioskError};
use slint::ComponentHandle;

use super::Navigate;
use super::{model, with};
use crate::controller::Controller;
use crate::ui::{AppWindow, AttendanceAdapter, Attendee, Screen};

/// Connects add, anonymous, left early, remove and done.
pub fn connect(window: &AppWindow, controller: &Rc<Controller>) {
    let adapter = window.global::<AttendanceAdapter>();
    adapter.on_masked(|entry, show_last| views::masked_entry(&entry, show_last).into());
    let weak = Rc::downgrade(controller);
    let window_weak = window.as_weak();
    adapter.on_add(move |number| {
        let (Some(c), Some(window)) = (weak.upgrade(), window_weak.upgrade()) else {
            return;
        };
        let added = c.kiosk().add_participant(number.to_string());
        drop(number);
        let adapter = window.global::<AttendanceAdapter>();
        // Off the screen once added; kept (hidden) for correcting if refused.
        if added.is_ok() {
            adapter.set_entry("".into());
        }
        show_added(&window, &c, added);
    });
    let weak = Rc::downgrade(controller);
    let window_weak = window.as_weak();
    adapter.on_add_anonymous(move || {
        let (Some(c), Some(window)) = (weak.upgrade(), window_weak.upgrade()) else {
            return;
        };
        let added = c.kiosk().add_anonymous();
        show_added(&window, &c, added);
    });
    let weak = Rc::downgrade(controller);
    adapter.on_toggle_left_early(move |number| {
        let Some(c) = weak.upgrade() else { return };
        let Ok(number) = u32::try_from(number) else {
            return;
        };
        let result = {
            let mut kiosk = c.kiosk();
            let left = kiosk
                .attendees()
                .iter()
                .find(|a| a.number == number)
                .map(|a| a.left_early);
            left.map_or(Ok(()), |left| kiosk.set_left_early(number, !left))
        };
        after(&c, result, "");
    });
    let weak = Rc::downgrade(controller);
    adapter.on_remove(move |number| {
        let Some(c) = weak.upgrade() else { return };
        let Ok(number) = u32::try_from(number) else {
            return;
        };
        let (result, language) = {
            let mut kiosk = c.kiosk();
            (kiosk.remove_attendee(number), kiosk.language())
        };
        after(
            &c,
            result,
            &trf(language, "Participant {} taken off the list", &[&number]),
        );
    });
    adapter.on_done(with(controller, |c| c.show(Screen::Run)));
}

/// After a change to the list: refill it with `message`, or say what went wrong.
fn after(c: &Rc<Controller>, result: Result<(), KioskError>, message: &str) {
    let Some(window) = c.window() else { return };
    match result {
        Ok(()) => {
            refresh(&window, c);
            window
                .global::<AttendanceAdapter>()
                .set_message(message.into());
        }
        Err(e) => c.fail(e),
    }
}

fn show_added(window: &AppWindow, controller: &Rc<Controller>, added: Result<Added, KioskError>) {
    let adapter = window.global::<AttendanceAdapter>();
    match added {
        Ok(added) => {
            refresh(window, controller);
            adapter.set_message(added.message(controller.kiosk().language()).into());
            adapter.set_message_ok(true);
        }
        Err(KioskError::NotSignedIn) => controller.fail(KioskError::NotSignedIn),
        Err(e) => {
            let said = views::attendance_problem(&e, controller.kiosk().language());
            adapter.set_message(said.into());
            adapter.set_message_ok(false);
        }
    }
}

/// Fills the list from kiosk-core.
pub fn refresh(window: &AppWindow, controller: &Controller) {
    let view = views::attendance(&controller.kiosk());
    let adapter = window.global::<AttendanceAdapter>();
    adapter.set_attendees(model(
        view.rows
            .into_iter()
            .map(|a| Attendee {
                number: a.number.try_into().unwrap_or(i32::MAX),
                label: a.label.into(),
                left_early: a.left_early,
            })
            .collect(),
    ));
    adapter.set_count_line(view.count_line.into());
    adapter.set_full(view.full);
    adapter.set_hint(view.hint.into());
    adapter.set_message("".into());
    adapter.set_message_ok(true);
}
