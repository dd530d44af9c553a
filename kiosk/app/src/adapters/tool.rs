//! The tool screen and the tool picker: kiosk-core's tool view, and its
//! worksheet. Opening a tool records it as used; what the group writes is
//! saved by kiosk-core with the session in progress (so it survives a
//! restart) and wiped when the session ends.

use std::rc::Rc;

use kiosk_core::views::{self, ReadAloud};
use kiosk_core::KioskError;
use slint::ComponentHandle;

use super::Navigate;
use super::{model, strings, with};
use crate::controller::Controller;
use crate::ui::{AppWindow, Screen, SpokenLine, ToolAdapter, ToolPickerAdapter, WorksheetBox};

/// Connects "back to the session", the worksheet and the tool picker.
pub fn connect(window: &AppWindow, controller: &Rc<Controller>) {
    let adapter = window.global::<ToolAdapter>();
    adapter.on_close(with(controller, |c| {
        c.set_open_tool(None);
        c.show(Screen::Run);
    }));
    adapter.on_read_aloud(with(controller, |c| {
        if let Some(w) = c.window() {
            w.global::<ToolAdapter>().set_aloud_problem("".into());
        }
        let tool = c.open_tool().unwrap_or_default();
        let read = super::aloud::toggle(
            c,
            Screen::Tool,
            |k| views::tool(k, &tool).map(|v| v.aloud).unwrap_or_default(),
            |w, _| w.global::<ToolAdapter>().set_reading(true),
            Box::new(|w, at| {
                let adapter = w.global::<ToolAdapter>();
                let (place, sentence) = at.map_or((-1, -1), |(p, s)| {
                    (p.try_into().unwrap_or(-1), s.try_into().unwrap_or(-1))
                });
                adapter.set_reading(at.is_some());
                adapter.set_reading_place(place);
                adapter.set_reading_sentence(sentence);
            }),
        );
        if let (Err(problem), Some(w)) = (read, c.window()) {
            w.global::<ToolAdapter>().set_aloud_problem(problem.into());
        }
    }));
    let weak = Rc::downgrade(controller);
    adapter.on_edited(move |field, text| {
        let Some(c) = weak.upgrade() else { return };
        let (Some(tool), Ok(field)) = (c.open_tool(), usize::try_from(field)) else {
            return;
        };
        let saved = c.kiosk().write_worksheet(&tool, field, &text);
        if let Err(e) = saved {
            c.fail(e);
        }
    });
    let weak = Rc::downgrade(controller);
    adapter.on_scored(move |field, score| {
        let Some(c) = weak.upgrade() else { return };
        let (Some(tool), Ok(field), Ok(score)) =
            (c.open_tool(), usize::try_from(field), u8::try_from(score))
        else {
            return;
        };
        // The view has already shown the new score; only save it (refilling
        // the whole worksheet would rebuild the rows and lose focus).
        let saved = c.kiosk().score_worksheet(&tool, field, score);
        if let Err(e) = saved {
            c.fail(e);
        }
    });
    let picker = window.global::<ToolPickerAdapter>();
    let weak = Rc::downgrade(controller);
    picker.on_choose(move |id| {
        if let Some(c) = weak.upgrade() {
            open(&c, &id);
        }
    });
    picker.on_back(with(controller, |c| c.show(Screen::Run)));
}

/// Records tool `id` as used and shows it.
pub fn open(controller: &Rc<Controller>, id: &str) {
    let used = controller.kiosk().use_tool(id);
    match used {
        Ok(()) => {
            controller.set_open_tool(Some(id.to_owned()));
            controller.show(Screen::Tool);
        }
        Err(e) => controller.fail(e),
    }
}

/// Fills the tool screen with the open tool and what was written in it.
pub fn refresh(window: &AppWindow, controller: &Controller) -> Result<(), KioskError> {
    let id = controller.open_tool().unwrap_or_default();
    let view = views::tool(&controller.kiosk(), &id).ok_or(KioskError::UnknownTool(id))?;
    let adapter = window.global::<ToolAdapter>();
    adapter.set_name(view.name.into());
    adapter.set_summary(view.summary.into());
    adapter.set_steps(strings(&view.steps));
    super::aloud::stop_if_changed(controller, Screen::Tool, &view.aloud);
    adapter.set_can_read_aloud(!view.aloud.is_empty());
    adapter.set_summary_spoken(model(
        view.aloud
            .iter()
            .find(|(place, _)| *place == 0)
            .map(|(_, a)| spoken(0, a, ""))
            .unwrap_or_default(),
    ));
    adapter.set_lines(model(lines(&view.steps, &view.aloud, false)));
    adapter.set_spoken(model(lines(&view.steps, &view.aloud, true)));
    adapter.set_kind(view.kind.into());
    let (picture, shown) = controller.shown_picture(view.picture);
    adapter.set_has_picture(shown);
    adapter.set_picture(picture);
    adapter.set_boxes(model(
        view.boxes
            .into_iter()
            .map(|b| WorksheetBox {
                label: b.label.into(),
                prompt: b.prompt.into(),
                text: b.text.into(),
                score: b.score.into(),
            })
            .collect(),
    ));
    Ok(())
}

/// The steps as they show: one a line, numbered, or (`by_sentence`, while
/// read aloud) a line a sentence of each step with a recording. Step n is
/// at place n, as in [`views::ToolScreen::aloud`].
fn lines(steps: &[String], aloud: &[(usize, ReadAloud)], by_sentence: bool) -> Vec<SpokenLine> {
    let mut lines = Vec::new();
    for (place, step) in (1..).zip(steps) {
        let number = format!("{place}. ");
        match aloud
            .iter()
            .find(|(p, _)| *p == place)
            .filter(|_| by_sentence)
        {
            Some((_, a)) => lines.extend(spoken(place, a, &number)),
            None => lines.push(SpokenLine {
                place: place.try_into().unwrap_or(-1),
                sentence: -1,
                text: format!("{number}{step}").into(),
            }),
        }
    }
    lines
}

/// The text at `place` one sentence a line, `first` before its first.
fn spoken(place: usize, aloud: &ReadAloud, first: &str) -> Vec<SpokenLine> {
    (0..)
        .zip(&aloud.sentences)
        .map(|(j, s)| SpokenLine {
            place: place.try_into().unwrap_or(-1),
            sentence: j,
            text: if j == 0 {
                format!("{first}{s}")
            } else {
                s.clone()
            }
            .into(),
        })
        .collect()
}

/// Fills the tool picker with every tool of the session's programme.
pub fn refresh_picker(window: &AppWindow, controller: &Controller) -> Result<(), KioskError> {
    let tools = views::tool_choices(&controller.kiosk());
    window
        .global::<ToolPickerAdapter>()
        .set_tools(super::run::tool_choices(tools));
    Ok(())
}
