//! Run a session: kiosk-core's `RunView` on screen, and next / back / tool /
//! attendance as kiosk-core calls.

use std::rc::Rc;

use content_pack::PhaseKind;
use kiosk_core::{KioskError, RunView};
use slint::{ComponentHandle, ModelRc, VecModel};

use super::clock;
use crate::controller::Controller;
use crate::ui::{AppWindow, PhaseStep, RunAdapter, Screen};

/// Connects the run screen's buttons.
pub fn connect(window: &AppWindow, controller: &Rc<Controller>) {
    let adapter = window.global::<RunAdapter>();
    let weak = Rc::downgrade(controller);
    adapter.on_next(move || {
        let Some(c) = weak.upgrade() else { return };
        let can_go_next = c.kiosk().run_view().is_some_and(|v| v.can_go_next);
        if !can_go_next {
            // On the last phase, Next is Finish: show the summary first.
            c.show(Screen::Finish);
            return;
        }
        let moved = c.kiosk().next_phase();
        match moved {
            Ok(_) => c.show(Screen::Run),
            Err(e) => c.fail(e),
        }
    });
    let weak = Rc::downgrade(controller);
    adapter.on_back(move || {
        let Some(c) = weak.upgrade() else { return };
        let moved = c.kiosk().previous_phase();
        match moved {
            Ok(_) => c.show(Screen::Run),
            Err(e) => c.fail(e),
        }
    });
    let weak = Rc::downgrade(controller);
    adapter.on_open_tool(move || {
        if let Some(c) = weak.upgrade() {
            super::tool::open(&c);
        }
    });
    let weak = Rc::downgrade(controller);
    adapter.on_open_attendance(move || {
        if let Some(c) = weak.upgrade() {
            c.show(Screen::Attendance);
        }
    });
    let weak = Rc::downgrade(controller);
    adapter.on_home(move || {
        if let Some(c) = weak.upgrade() {
            c.show(Screen::Home);
        }
    });
}

/// Fills the run screen from the session in progress.
pub fn refresh(window: &AppWindow, controller: &Controller) -> Result<(), KioskError> {
    let view = controller.kiosk().run_view().ok_or(KioskError::NoSession)?;
    let tool_name = {
        let kiosk = controller.kiosk();
        view.phase
            .tools
            .first()
            .map(|id| {
                kiosk
                    .programme()
                    .and_then(|p| p.tool(id))
                    .map_or_else(|| id.clone(), |t| t.name.clone())
            })
            .unwrap_or_default()
    };
    fill(window, &view, &tool_name);
    Ok(())
}

/// Puts one `RunView` on the run screen.
pub fn fill(window: &AppWindow, view: &RunView, tool_name: &str) {
    let adapter = window.global::<RunAdapter>();
    adapter.set_session_title(
        format!("Session {}: {}", view.session_number, view.session_title).into(),
    );
    let steps: Vec<PhaseStep> = PhaseKind::ORDER
        .iter()
        .take(view.phase_count)
        .enumerate()
        .map(|(i, kind)| PhaseStep {
            title: kind.label().into(),
            done: i < view.phase_index,
            current: i == view.phase_index,
        })
        .collect();
    adapter.set_phases(ModelRc::new(VecModel::from(steps)));
    adapter.set_phase_index(view.phase_index.try_into().unwrap_or(0));
    adapter.set_phase_count(view.phase_count.try_into().unwrap_or(0));
    adapter.set_phase_kind(view.phase.kind.label().into());
    adapter.set_phase_title(view.phase.title.clone().into());
    adapter.set_text(view.phase.text.standard.clone().into());
    adapter.set_plain_text(view.phase.text.plain.clone().into());
    let notes: Vec<slint::SharedString> = view
        .phase
        .facilitator_notes
        .iter()
        .map(|n| n.clone().into())
        .collect();
    adapter.set_notes(ModelRc::new(VecModel::from(notes)));
    adapter.set_phase_time(
        format!(
            "{} of {} min",
            clock(view.phase_elapsed_secs),
            view.phase_planned_minutes
        )
        .into(),
    );
    adapter.set_session_time(
        format!(
            "{} of {} min",
            clock(view.session_elapsed_secs),
            view.session_planned_minutes
        )
        .into(),
    );
    adapter
        .set_phase_over_time(view.phase_elapsed_secs > u64::from(view.phase_planned_minutes) * 60);
    adapter.set_tool_name(tool_name.into());
    adapter.set_attendance(view.attendee_count.try_into().unwrap_or(i32::MAX));
    adapter.set_is_last(!view.can_go_next);
}
