//! The sign-in screen: kiosk-core's sign-in view (site, wing, programme,
//! the PIN pad's keys, the lockout message) and the PIN pad.

use std::rc::Rc;

use kiosk_core::views;
use slint::ComponentHandle;

use super::strings;
use super::Navigate;
use crate::controller::Controller;
use crate::ui::{AppWindow, SignInAdapter};

/// Connects the PIN pad to `Kiosk::sign_in`.
pub fn connect(window: &AppWindow, controller: &Rc<Controller>) {
    let weak = Rc::downgrade(controller);
    let window_weak = window.as_weak();
    window.global::<SignInAdapter>().on_sign_in(move |pin| {
        let (Some(c), Some(window)) = (weak.upgrade(), window_weak.upgrade()) else {
            return;
        };
        let adapter = window.global::<SignInAdapter>();
        // The PIN leaves the screen at once, whatever happens next.
        adapter.set_pin("".into());
        let result = c.kiosk().sign_in(pin.as_str());
        drop(pin);
        match result {
            Ok(signed_in) => {
                adapter.set_message("".into());
                c.after_sign_in(signed_in.session_in_progress);
            }
            Err(e) => {
                adapter.set_message(e.to_string().into());
                refresh_lockout(&window, &c);
            }
        }
    });
}

/// Fills the sign-in screen.
pub fn refresh(window: &AppWindow, controller: &Controller) -> Result<(), kiosk_core::KioskError> {
    let view = views::sign_in(&controller.kiosk())?;
    let adapter = window.global::<SignInAdapter>();
    adapter.set_site(view.site.into());
    adapter.set_wing(view.wing.into());
    adapter.set_programme(view.programme.into());
    adapter.set_resuming(view.resuming);
    adapter.set_keys(strings(&view.keys));
    adapter.set_demo_pin(controller.demo_pin().unwrap_or("").into());
    adapter.set_pin("".into());
    adapter.set_locked_out(view.locked.is_some());
    adapter.set_message(view.locked.unwrap_or_default().into());
    Ok(())
}

/// Shows or clears kiosk-core's "sign-in is locked for …" message.
pub fn refresh_lockout(window: &AppWindow, controller: &Controller) {
    let adapter = window.global::<SignInAdapter>();
    let Some(kiosk) = controller.try_kiosk() else {
        return;
    };
    match kiosk.sign_in_locked() {
        Ok(Some(text)) => {
            adapter.set_locked_out(true);
            adapter.set_message(text.into());
        }
        Ok(None) => {
            if adapter.get_locked_out() {
                adapter.set_locked_out(false);
                adapter.set_message("".into());
            }
        }
        Err(e) => adapter.set_message(e.to_string().into()),
    }
}
