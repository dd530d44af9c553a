//! Choose a session: the programme's sessions grouped by their first point.

use std::rc::Rc;

use content_pack::Point;
use slint::{ComponentHandle, ModelRc, VecModel};

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
                Ok(_) => {
                    c.clear_worksheets();
                    c.show(Screen::Run);
                }
                Err(e) => c.fail(e),
            }
        }
    });
    let weak = Rc::downgrade(controller);
    adapter.on_back(move || {
        if let Some(c) = weak.upgrade() {
            c.show(Screen::Home);
        }
    });
}

/// Fills the list from the installed programme.
pub fn refresh(window: &AppWindow, controller: &Controller) {
    let kiosk = controller.kiosk();
    let Some(programme) = kiosk.programme() else {
        window
            .global::<ChooseAdapter>()
            .set_groups(ModelRc::default());
        return;
    };
    let groups: Vec<PointGroup> = Point::ALL
        .iter()
        .map(|point| {
            let cards: Vec<SessionCard> = programme
                .sessions
                .iter()
                .filter(|s| s.points.first() == Some(point))
                .map(|s| {
                    let tools: Vec<&str> = s
                        .tool_ids()
                        .into_iter()
                        .map(|id| programme.tool(id).map_or(id, |t| t.name.as_str()))
                        .collect();
                    SessionCard {
                        id: s.id.clone().into(),
                        number: s.number.try_into().unwrap_or(i32::MAX),
                        title: s.title.clone().into(),
                        details: format!("{} minutes · {}", s.minutes, tools.join(", ")).into(),
                    }
                })
                .collect();
            PointGroup {
                title: point.to_string().into(),
                sessions: ModelRc::new(VecModel::from(cards)),
            }
        })
        .filter(|g| slint::Model::row_count(&g.sessions) > 0)
        .collect();
    window
        .global::<ChooseAdapter>()
        .set_groups(ModelRc::new(VecModel::from(groups)));
}
