//! One module per view: each `connect`s its adapter global's callbacks to
//! kiosk-core calls and `refresh`es its properties from kiosk-core's state.

pub mod attendance;
pub mod choose;
pub mod finish;
pub mod home;
pub mod run;
pub mod sign_in;
pub mod tool;
pub mod transfer;

use std::rc::Rc;

use slint::ComponentHandle;

use crate::controller::Controller;
use crate::ui::{Activity, AppWindow, TextOps};

/// Connects every adapter, and the app-wide hooks the widgets call.
pub fn connect_all(window: &AppWindow, controller: &Rc<Controller>) {
    let weak = Rc::downgrade(controller);
    window.global::<Activity>().on_poke(move || {
        if let Some(c) = weak.upgrade() {
            c.activity();
        }
    });
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

/// `m:ss` for a number of seconds.
pub fn clock(secs: u64) -> String {
    format!("{}:{:02}", secs / 60, secs % 60)
}
