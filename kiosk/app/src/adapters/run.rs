//! Run a session: kiosk-core's run view on screen, and its buttons as
//! kiosk-core calls.

use std::rc::Rc;

use kiosk_core::views::{self, PillState, ReadAloud};
use kiosk_core::{Answer, Display, Kiosk, KioskError};
use slint::ComponentHandle;

use super::Navigate;
use super::{model, strings, with};
use crate::controller::Controller;
use crate::ui::{AppWindow, HandCount, PhaseStep, RunAdapter, Screen, ToolChoice};

/// Runs `f` on the kiosk, then shows the run screen again (or the error).
fn act(c: &Rc<Controller>, f: impl FnOnce(&mut Kiosk) -> Result<(), KioskError>) {
    let done = f(&mut c.kiosk());
    match done {
        Ok(()) => c.show(Screen::Run),
        Err(e) => c.fail(e),
    }
}

/// Connects the run screen's buttons.
pub fn connect(window: &AppWindow, controller: &Rc<Controller>) {
    let adapter = window.global::<RunAdapter>();
    adapter.on_next(with(controller, |c| act(c, |k| k.next_phase().map(drop))));
    adapter.on_back(with(controller, |c| {
        act(c, |k| k.previous_phase().map(drop))
    }));
    adapter.on_toggle_plain_words(with(controller, |c| {
        act(c, |k| {
            k.set_display(Display {
                plain_words: !k.plain_words(),
                ..k.display()
            })
        })
    }));
    adapter.on_glance_notes(with(controller, |c| {
        act(c, |k| {
            k.glance_notes();
            Ok(())
        })
    }));
    adapter.on_hide_notes(with(controller, |c| {
        act(c, |k| {
            k.hide_notes();
            Ok(())
        })
    }));
    let weak = Rc::downgrade(controller);
    adapter.on_open_tool(move |id| {
        if let Some(c) = weak.upgrade() {
            super::tool::open(&c, &id);
        }
    });
    adapter.on_read_aloud(with(controller, |c| {
        if let Some(w) = c.window() {
            w.global::<RunAdapter>().set_aloud_problem("".into());
        }
        let read = super::aloud::toggle(
            c,
            Screen::Run,
            |k| read_aloud(k).into_iter().collect(),
            |w, parts| {
                let adapter = w.global::<RunAdapter>();
                adapter.set_sentences(strings(&parts[0].1.sentences));
                adapter.set_reading(true);
            },
            Box::new(|w, at| {
                let adapter = w.global::<RunAdapter>();
                adapter.set_reading(at.is_some());
                adapter.set_reading_sentence(at.map_or(-1, |(_, s)| s.try_into().unwrap_or(-1)));
            }),
        );
        if let (Err(problem), Some(w)) = (read, c.window()) {
            w.global::<RunAdapter>().set_aloud_problem(problem.into());
        }
    }));
    let weak = Rc::downgrade(controller);
    adapter.on_change_volume(move |louder| {
        let Some(c) = weak.upgrade() else { return };
        act(&c, |k| {
            let d = k.display();
            let volume = if louder {
                d.volume.saturating_add(1)
            } else {
                d.volume.saturating_sub(1)
            };
            k.set_display(Display { volume, ..d })
        });
        let volume = c.kiosk().display().volume;
        c.set_volume(volume);
    });
    adapter.on_choose_tool(with(controller, |c| c.show(Screen::Tools)));
    adapter.on_open_attendance(with(controller, |c| c.show(Screen::Attendance)));
    adapter.on_finish(with(controller, |c| c.show(Screen::Finish)));
    adapter.on_home(with(controller, |c| c.show(Screen::Home)));
    let weak = Rc::downgrade(controller);
    adapter.on_hand(move |i, up| {
        let answer = usize::try_from(i).ok().and_then(|i| Answer::ALL.get(i));
        if let (Some(c), Some(&answer)) = (weak.upgrade(), answer) {
            act(&c, |k| k.count_hand(answer, up).map(drop));
        }
    });
}

/// The words for the group read aloud, if the pack has their recording.
fn read_aloud(k: &Kiosk) -> Option<(usize, ReadAloud)> {
    Some((0, views::run(k)?.read_aloud?))
}

/// Fills the run screen from the session in progress.
pub fn refresh(window: &AppWindow, controller: &Controller) -> Result<(), KioskError> {
    let view = views::run(&controller.kiosk()).ok_or(KioskError::NoSession)?;
    let adapter = window.global::<RunAdapter>();
    adapter.set_heading(view.heading.into());
    adapter.set_progress(view.progress.into());
    adapter.set_over_time(view.over_time);
    let current = view
        .pills
        .iter()
        .position(|p| p.state == PillState::Current)
        .unwrap_or(0);
    adapter.set_phases(model(
        view.pills
            .into_iter()
            .map(|p| PhaseStep {
                title: p.title.into(),
                done: p.state == PillState::Done,
                current: p.state == PillState::Current,
            })
            .collect(),
    ));
    adapter.set_phase_index(current.try_into().unwrap_or(0));
    adapter.set_phase_title(view.phase_title.into());
    adapter.set_text(view.text.into());
    let aloud: Vec<(usize, ReadAloud)> = view
        .read_aloud
        .clone()
        .map(|a| (0, a))
        .into_iter()
        .collect();
    super::aloud::stop_if_changed(controller, Screen::Run, &aloud);
    adapter.set_can_read_aloud(view.read_aloud.is_some());
    adapter.set_volume(controller.kiosk().display().volume.into());
    adapter.set_max_volume(kiosk_core::MAX_VOLUME.into());
    adapter.set_plain_words(view.plain_words);
    adapter.set_notes(strings(&view.notes));
    adapter.set_has_notes(view.has_notes);
    let (picture, shown) = controller.shown_picture(view.picture);
    adapter.set_has_picture(shown);
    adapter.set_picture(picture);
    adapter.set_tools(tool_choices(view.tools));
    adapter.set_any_tool(view.any_tool);
    adapter.set_attendance(view.attendance.into());
    adapter.set_can_go_back(view.can_go_back);
    adapter.set_can_go_next(view.can_go_next);
    adapter.set_asking_hands(view.hands.is_some());
    if let Some(hands) = view.hands {
        adapter.set_hands(model(
            hands
                .answers
                .into_iter()
                .map(|a| HandCount {
                    label: a.label.into(),
                    mood: match a.answer {
                        Answer::Helped => 1,
                        Answer::Ok => 0,
                        Answer::NotHelped => -1,
                    },
                    count: a.count.try_into().unwrap_or(i32::MAX),
                })
                .collect(),
        ));
        adapter.set_hands_counted(hands.counted.into());
        adapter.set_can_add_hand(hands.can_add);
    }
    Ok(())
}

/// Tool choices for Slint.
pub fn tool_choices(tools: Vec<views::ToolChoice>) -> slint::ModelRc<ToolChoice> {
    model(
        tools
            .into_iter()
            .map(|t| ToolChoice {
                id: t.id.into(),
                name: t.name.into(),
            })
            .collect(),
    )
}
