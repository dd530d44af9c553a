//! The sign-in screen: kiosk-core's sign-in view (site, wing, programme,
//! who is signing in, the PIN pad's keys, the lockout message) and the PIN
//! pad.

use std::rc::Rc;

use kiosk_core::{views, SignInError};
use slint::ComponentHandle;

use super::navigate::speak;
use super::strings;
use super::Navigate;
use crate::controller::Controller;
use crate::ui::{AppWindow, SignInAdapter};

/// Connects the facilitator buttons and the PIN pad to `Kiosk::sign_in`.
pub fn connect(window: &AppWindow, controller: &Rc<Controller>) {
    let weak = Rc::downgrade(controller);
    let window_weak = window.as_weak();
    window.global::<SignInAdapter>().on_choose(move |id| {
        let (Some(c), Some(window)) = (weak.upgrade(), window_weak.upgrade()) else {
            return;
        };
        let chosen = Some(id.as_str()).filter(|id| !id.is_empty());
        if let Err(e) = fill(&window, &c, chosen) {
            c.fail(e);
        }
    });
    let weak = Rc::downgrade(controller);
    let window_weak = window.as_weak();
    window.global::<SignInAdapter>().on_sign_in(move |pin| {
        let (Some(c), Some(window)) = (weak.upgrade(), window_weak.upgrade()) else {
            return;
        };
        let adapter = window.global::<SignInAdapter>();
        // The PIN leaves the screen at once, whatever happens next.
        adapter.set_pin("".into());
        let result = c
            .kiosk()
            .sign_in(adapter.get_chosen().as_str(), pin.as_str());
        drop(pin);
        match result {
            Ok(signed_in) => {
                adapter.set_message("".into());
                c.after_sign_in(signed_in.session_in_progress);
            }
            Err(e) => {
                // An id removed while the screen showed it: ask again.
                if matches!(e, SignInError::UnknownFacilitator(_)) {
                    if let Err(e) = fill(&window, &c, None) {
                        return c.fail(e);
                    }
                }
                adapter.set_message(e.said(c.kiosk().language()).into());
                refresh_lockout(&window, &c);
            }
        }
    });
}

/// Fills the sign-in screen as it opens.
pub fn refresh(window: &AppWindow, controller: &Controller) -> Result<(), kiosk_core::KioskError> {
    let chosen = views::sign_in_preselected(&controller.kiosk())?;
    fill(window, controller, chosen.as_deref())
}

/// Fills the sign-in screen again for whoever was chosen (after the
/// language switch).
pub fn refill(window: &AppWindow, controller: &Controller) -> Result<(), kiosk_core::KioskError> {
    let chosen = window.global::<SignInAdapter>().get_chosen();
    speak(window, controller.kiosk().language());
    fill(
        window,
        controller,
        Some(chosen.as_str()).filter(|c| !c.is_empty()),
    )
}

/// Fills the sign-in screen with the PIN pad for `chosen`, or asking who is
/// signing in.
fn fill(
    window: &AppWindow,
    controller: &Controller,
    chosen: Option<&str>,
) -> Result<(), kiosk_core::KioskError> {
    let view = views::sign_in(&controller.kiosk(), chosen)?;
    let adapter = window.global::<SignInAdapter>();
    adapter.set_facilitators(strings(&view.facilitators));
    adapter.set_chosen(view.chosen.unwrap_or_default().into());
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
    let chosen = adapter.get_chosen();
    match kiosk.sign_in_locked(Some(chosen.as_str()).filter(|c| !c.is_empty())) {
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
