//! Finish: kiosk-core's summary of the session in progress, then record it
//! (`finish_session`) or end it without recording (`discard_session`).

use std::rc::Rc;

use kiosk_core::words::tr;
use kiosk_core::{views, KioskError};
use slint::ComponentHandle;

use super::Navigate;
use super::{strings, with};
use crate::controller::Controller;
use crate::ui::{AppWindow, FinishAdapter, Screen};

/// Connects record, end without recording, back and home.
pub fn connect(window: &AppWindow, controller: &Rc<Controller>) {
    let adapter = window.global::<FinishAdapter>();
    adapter.on_confirm(with(controller, |c| {
        let Some(window) = c.window() else { return };
        let finished = c.kiosk().finish_session();
        match finished {
            Ok(summary) => {
                let adapter = window.global::<FinishAdapter>();
                let heading = adapter.get_heading().to_string();
                let (view, message) = views::recorded(&summary, heading, c.kiosk().language());
                adapter.set_heading(view.heading.into());
                adapter.set_lines(strings(&view.lines));
                adapter.set_finished(true);
                adapter.set_message(message.into());
            }
            Err(e) => c.fail(e),
        }
    }));
    adapter.on_discard(with(controller, |c| {
        let discarded = c.kiosk().discard_session();
        match discarded {
            Ok(()) => {
                c.show(Screen::Home);
                if let Some(w) = c.window() {
                    w.global::<crate::ui::HomeAdapter>()
                        .set_message(tr(c.kiosk().language(), views::DISCARDED).into());
                }
            }
            Err(e) => c.fail(e),
        }
    }));
    adapter.on_back(with(controller, |c| c.show(Screen::Run)));
    adapter.on_home(with(controller, |c| c.show(Screen::Home)));
}

/// Fills the summary of the session in progress (before it is recorded).
pub fn refresh(window: &AppWindow, controller: &Controller) -> Result<(), KioskError> {
    let view = views::finish(&controller.kiosk()).ok_or(KioskError::NoSession)?;
    let adapter = window.global::<FinishAdapter>();
    adapter.set_heading(view.heading.into());
    adapter.set_lines(strings(&view.lines));
    adapter.set_finished(false);
    adapter.set_confirm_discard(false);
    adapter.set_message("".into());
    Ok(())
}
