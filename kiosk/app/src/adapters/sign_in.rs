//! The sign-in screen: the kiosk's site, wing and programme, the PIN pad,
//! and kiosk-core's lockout message.

use std::rc::Rc;

use slint::ComponentHandle;

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
pub fn refresh(window: &AppWindow, controller: &Controller) {
    let adapter = window.global::<SignInAdapter>();
    {
        let kiosk = controller.kiosk();
        let config = kiosk.config();
        adapter.set_site(config.site.clone().into());
        adapter.set_wing(config.wing.clone().into());
        adapter.set_programme(programme_line(&kiosk).into());
        adapter.set_resuming(matches!(
            kiosk.auth_state(),
            kiosk_core::AuthState::IdleLocked { .. }
        ));
    }
    adapter.set_demo_pin(controller.demo_pin().unwrap_or("").into());
    adapter.set_pin("".into());
    adapter.set_message("".into());
    refresh_lockout(window, controller);
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

/// "InsideOut — sample programme, version 3", or why there is none.
pub fn programme_line(kiosk: &kiosk_core::Kiosk) -> String {
    match (
        kiosk.programme(),
        kiosk.programme_version(),
        kiosk.content_problem(),
    ) {
        (Some(p), Some(v), _) => format!("{}, version {v}", p.title),
        (_, _, Some(problem)) => format!("The installed programme cannot be used: {problem}"),
        _ => "No programme installed yet: import one from a USB stick.".to_owned(),
    }
}
