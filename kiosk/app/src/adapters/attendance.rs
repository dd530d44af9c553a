//! Attendance: the typed number goes straight to kiosk-core (which turns it
//! into a pseudonym and wipes it) and off the screen; the list shows only
//! kiosk-core's labels ("Participant 7").

use std::rc::Rc;

use slint::{ComponentHandle, ModelRc, VecModel};

use crate::controller::Controller;
use crate::ui::{AppWindow, AttendanceAdapter, Attendee, Screen};

/// Connects add, anonymous, left early and done.
pub fn connect(window: &AppWindow, controller: &Rc<Controller>) {
    let adapter = window.global::<AttendanceAdapter>();
    let weak = Rc::downgrade(controller);
    let window_weak = window.as_weak();
    adapter.on_add(move |number| {
        let (Some(c), Some(window)) = (weak.upgrade(), window_weak.upgrade()) else {
            return;
        };
        let adapter = window.global::<AttendanceAdapter>();
        // Off the screen before anything else happens.
        adapter.set_entry("".into());
        let added = c.kiosk().add_participant(number.to_string());
        drop(number);
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
    let window_weak = window.as_weak();
    adapter.on_toggle_left_early(move |index| {
        let (Some(c), Some(window)) = (weak.upgrade(), window_weak.upgrade()) else {
            return;
        };
        let Ok(index) = usize::try_from(index) else {
            return;
        };
        let result = {
            let mut kiosk = c.kiosk();
            let left = kiosk.attendees().get(index).map(|a| a.left_early);
            match left {
                Some(left) => kiosk.set_left_early(index, !left),
                None => Ok(()),
            }
        };
        match result {
            Ok(()) => refresh(&window, &c),
            Err(e) => c.fail(e),
        }
    });
    let weak = Rc::downgrade(controller);
    adapter.on_done(move || {
        if let Some(c) = weak.upgrade() {
            c.show(Screen::Run);
        }
    });
}

fn show_added(
    window: &AppWindow,
    controller: &Rc<Controller>,
    added: Result<kiosk_core::Added, kiosk_core::KioskError>,
) {
    let adapter = window.global::<AttendanceAdapter>();
    match added {
        Ok(added) => {
            let mut message = added.message();
            if let Some(warning) = &added.warning {
                message = format!("{message}. {warning}");
            }
            refresh(window, controller);
            adapter.set_message(message.into());
            adapter.set_message_ok(added.warning.is_none());
        }
        Err(kiosk_core::KioskError::NotSignedIn) => {
            controller.fail(kiosk_core::KioskError::NotSignedIn)
        }
        Err(e) => {
            adapter.set_message(e.to_string().into());
            adapter.set_message_ok(false);
        }
    }
}

/// Fills the list from kiosk-core.
pub fn refresh(window: &AppWindow, controller: &Controller) {
    let adapter = window.global::<AttendanceAdapter>();
    let rows: Vec<Attendee> = controller
        .kiosk()
        .attendees()
        .into_iter()
        .map(|a| Attendee {
            label: if a.anonymous {
                format!("{} (anonymous)", a.label).into()
            } else {
                a.label.into()
            },
            left_early: a.left_early,
        })
        .collect();
    adapter.set_attendees(ModelRc::new(VecModel::from(rows)));
    adapter.set_limit(kiosk_core::GROUP_LIMIT.try_into().unwrap_or(12));
    adapter.set_message("".into());
    adapter.set_entry("".into());
}
