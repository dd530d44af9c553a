//! One module per view: each `connect`s its adapter global's callbacks to
//! kiosk-core calls and `refresh`es its properties from kiosk-core's
//! view-models (`kiosk_core::views`), copying fields and nothing more.

pub mod aloud;
pub mod attendance;
pub mod choose;
pub mod finish;
pub mod home;
pub mod navigate;
pub mod run;
pub mod sign_in;
pub mod tool;
pub mod transfer;

use std::rc::Rc;

use slint::{ComponentHandle, ModelRc, SharedString, VecModel};

use crate::controller::Controller;
use crate::ui::{Activity, AppAdapter, AppWindow, LanguageAdapter, Screen, TextOps};

pub use navigate::Navigate;

/// A callback with no arguments that runs `f` with the controller, if it
/// still exists.
pub fn with(controller: &Rc<Controller>, f: impl Fn(&Rc<Controller>) + 'static) -> impl Fn() {
    let weak = Rc::downgrade(controller);
    move || {
        if let Some(c) = weak.upgrade() {
            f(&c);
        }
    }
}

/// A list of strings for Slint.
pub fn strings(items: &[String]) -> ModelRc<SharedString> {
    ModelRc::new(VecModel::from(
        items.iter().map(SharedString::from).collect::<Vec<_>>(),
    ))
}

/// A list for Slint.
pub fn model<T: Clone + 'static>(items: Vec<T>) -> ModelRc<T> {
    ModelRc::new(VecModel::from(items))
}

/// Connects every adapter, and the app-wide hooks the widgets call.
pub fn connect_all(window: &AppWindow, controller: &Rc<Controller>) {
    window
        .global::<Activity>()
        .on_poke(with(controller, |c| c.activity()));
    window
        .global::<AppAdapter>()
        .on_keep_open(with(controller, |c| {
            c.activity();
            if let Some(w) = c.window() {
                w.global::<AppAdapter>().set_idle_warning("".into());
            }
        }));
    window
        .global::<LanguageAdapter>()
        .on_switch(with(controller, |c| {
            {
                let mut kiosk = c.kiosk();
                let next = navigate::other(kiosk.language());
                kiosk.set_language(next);
            }
            // Refill the screen showing: its words and texts change at once.
            match (c.screen(), c.window()) {
                (Screen::SignIn, Some(window)) => {
                    if let Err(e) = sign_in::refill(&window, c) {
                        c.fail(e);
                    }
                }
                (screen, _) => c.show(screen),
            }
        }));
    window.global::<TextOps>().on_drop_last(|text| {
        let mut text = text.to_string();
        text.pop();
        text.into()
    });
    sign_in::connect(window, controller);
    home::connect(window, controller);
    choose::connect(window, controller);
    run::connect(window, controller);
    tool::connect(window, controller);
    attendance::connect(window, controller);
    finish::connect(window, controller);
    transfer::connect(window, controller);
}
