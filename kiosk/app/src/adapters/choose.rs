//! Choose a session: kiosk-core's sessions grouped by point.

use std::rc::Rc;

use kiosk_core::views;
use slint::ComponentHandle;

use super::Navigate;
use super::{model, with};
use crate::controller::Controller;
use crate::ui::{AppWindow, ChooseAdapter, PointGroup, Screen, SessionCard};

/// Connects choosing (starts the session in kiosk-core) and back.
pub fn connect(window: &AppWindow, controller: &Rc<Controller>) {
    let adapter = window.global::<ChooseAdapter>();
    let weak = Rc::downgrade(controller);
    adapter.on_choose(move |id| {
        if let Some(c) = weak.upgrade() {
            let started = c.kiosk().start_session(id.as_str());
            match started {
                Ok(_) => c.show(Screen::Run),
                Err(e) => c.fail(e),
            }
        }
    });
    adapter.on_back(with(controller, |c| c.show(Screen::Home)));
}

/// Fills the list from the installed programme.
pub fn refresh(window: &AppWindow, controller: &Controller) {
    let groups = views::choose(&controller.kiosk())
        .into_iter()
        .map(|g| PointGroup {
            title: g.title.into(),
            sessions: model(
                g.sessions
                    .into_iter()
                    .map(|s| SessionCard {
                        id: s.id.into(),
                        label: s.label.into(),
                        details: s.details.into(),
                    })
                    .collect(),
            ),
        })
        .collect();
    window.global::<ChooseAdapter>().set_groups(model(groups));
}
