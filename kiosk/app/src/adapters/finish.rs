//! Finish: the summary of the session in progress, then kiosk-core's
//! `finish_session` and what it recorded.

use std::rc::Rc;

use kiosk_core::KioskError;
use slint::ComponentHandle;

use crate::controller::Controller;
use crate::ui::{AppWindow, FinishAdapter, Screen};

/// Connects confirm, back and home.
pub fn connect(window: &AppWindow, controller: &Rc<Controller>) {
    let adapter = window.global::<FinishAdapter>();
    let weak = Rc::downgrade(controller);
    let window_weak = window.as_weak();
    adapter.on_confirm(move || {
        let (Some(c), Some(window)) = (weak.upgrade(), window_weak.upgrade()) else {
            return;
        };
        let finished = c.kiosk().finish_session();
        match finished {
            Ok(summary) => {
                c.clear_worksheets();
                let adapter = window.global::<FinishAdapter>();
                adapter.set_phases_done(
                    format!("{} of {}", summary.phases_done, summary.phase_count).into(),
                );
                adapter.set_tools_used(summary.tools_used.join(", ").into());
                adapter.set_attended(summary.attended.try_into().unwrap_or(i32::MAX));
                adapter.set_left_early(summary.left_early.try_into().unwrap_or(i32::MAX));
                adapter.set_finished(true);
                adapter.set_message(
                    format!(
                        "Recorded: {} attended, {} minutes (planned {}).",
                        summary.attended, summary.elapsed_minutes, summary.planned_minutes
                    )
                    .into(),
                );
            }
            Err(e) => c.fail(e),
        }
    });
    let weak = Rc::downgrade(controller);
    adapter.on_back(move || {
        if let Some(c) = weak.upgrade() {
            c.show(Screen::Run);
        }
    });
    let weak = Rc::downgrade(controller);
    adapter.on_home(move || {
        if let Some(c) = weak.upgrade() {
            c.show(Screen::Home);
        }
    });
}

/// Fills the summary of the session in progress (before it is recorded).
pub fn refresh(window: &AppWindow, controller: &Controller) -> Result<(), KioskError> {
    let kiosk = controller.kiosk();
    let view = kiosk.run_view().ok_or(KioskError::NoSession)?;
    let tools: Vec<String> = view
        .tools_used
        .iter()
        .map(|id| {
            kiosk
                .programme()
                .and_then(|p| p.tool(id))
                .map_or_else(|| id.clone(), |t| t.name.clone())
        })
        .collect();
    let attendees = kiosk.attendees();
    let adapter = window.global::<FinishAdapter>();
    adapter.set_session_title(
        format!("Session {}: {}", view.session_number, view.session_title).into(),
    );
    adapter.set_phases_done(format!("{} of {}", view.phase_index + 1, view.phase_count).into());
    adapter.set_tools_used(tools.join(", ").into());
    adapter.set_attended(attendees.len().try_into().unwrap_or(i32::MAX));
    adapter.set_left_early(
        attendees
            .iter()
            .filter(|a| a.left_early)
            .count()
            .try_into()
            .unwrap_or(i32::MAX),
    );
    adapter.set_finished(false);
    adapter.set_message("".into());
    Ok(())
}
