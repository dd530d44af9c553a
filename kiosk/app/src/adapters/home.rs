//! The home screen: continue or start a session, import, export, text size,
//! sign out.

use std::rc::Rc;

use kiosk_core::{AuthState, KioskError, OfferStatus};
use slint::ComponentHandle;

use crate::controller::Controller;
use crate::ui::{AppWindow, HomeAdapter, Screen, Theme};

/// Connects the home screen's buttons.
pub fn connect(window: &AppWindow, controller: &Rc<Controller>) {
    let adapter = window.global::<HomeAdapter>();
    let weak = Rc::downgrade(controller);
    adapter.on_continue_session(move || {
        if let Some(c) = weak.upgrade() {
            c.show(Screen::Run);
        }
    });
    let weak = Rc::downgrade(controller);
    adapter.on_start_session(move || {
        if let Some(c) = weak.upgrade() {
            c.show(Screen::Choose);
        }
    });
    let weak = Rc::downgrade(controller);
    adapter.on_import_pack(move || {
        if let Some(c) = weak.upgrade() {
            super::transfer::start_import(&c);
        }
    });
    let weak = Rc::downgrade(controller);
    adapter.on_export_attendance(move || {
        if let Some(c) = weak.upgrade() {
            super::transfer::start_export(&c);
        }
    });
    let window_weak = window.as_weak();
    adapter.on_next_text_size(move || {
        if let Some(window) = window_weak.upgrade() {
            next_text_size(&window);
        }
    });
    let weak = Rc::downgrade(controller);
    adapter.on_sign_out(move || {
        if let Some(c) = weak.upgrade() {
            let result = c.kiosk().sign_out();
            c.forget_resume();
            match result {
                Ok(()) => c.show(Screen::SignIn),
                Err(e) => c.fail(e),
            }
        }
    });
}

/// Moves the text-size setting on to the next size (it wraps round).
pub fn next_text_size(window: &AppWindow) {
    let theme = window.global::<Theme>();
    let scales: Vec<f32> = slint::Model::iter(&theme.get_text_scales()).collect();
    let now = theme.get_text_scale();
    let at = scales
        .iter()
        .position(|s| (s - now).abs() < 0.01)
        .unwrap_or(0);
    theme.set_text_scale(scales[(at + 1) % scales.len()]);
    window
        .global::<HomeAdapter>()
        .set_text_size_name(text_size_name(window));
}

fn text_size_name(window: &AppWindow) -> slint::SharedString {
    let theme = window.global::<Theme>();
    let scales: Vec<f32> = slint::Model::iter(&theme.get_text_scales()).collect();
    let at = scales
        .iter()
        .position(|s| (s - theme.get_text_scale()).abs() < 0.01)
        .unwrap_or(0);
    slint::Model::row_data(&theme.get_text_scale_names(), at).unwrap_or_default()
}

/// Fills the home screen from the kiosk.
pub fn refresh(window: &AppWindow, controller: &Controller) -> Result<(), KioskError> {
    let adapter = window.global::<HomeAdapter>();
    let kiosk = controller.kiosk();
    let facilitator = match kiosk.auth_state() {
        AuthState::SignedIn { facilitator_id } => facilitator_id.clone(),
        _ => return Err(KioskError::NotSignedIn),
    };
    adapter.set_facilitator(facilitator.into());
    adapter.set_site(format!("{} · {}", kiosk.config().site, kiosk.config().wing).into());
    adapter.set_programme(super::sign_in::programme_line(&kiosk).into());
    adapter.set_in_progress(
        kiosk
            .run_view()
            .map(|v| format!("Session {}: {}", v.session_number, v.session_title))
            .unwrap_or_default()
            .into(),
    );
    let usb_present = kiosk.stick_present();
    adapter.set_usb_present(usb_present);
    let offer = if usb_present {
        kiosk
            .usb_offers()?
            .into_iter()
            .map(|o| match o.status {
                OfferStatus::Ready {
                    version,
                    signer,
                    approved_by,
                    reference,
                } => format!(
                    "Programme version {version} is on the stick, signed by key {signer}, \
                     approved by {approved_by} ({reference})."
                ),
                OfferStatus::Refused(why) => format!("{} cannot be installed: {why}", o.file_name),
            })
            .next()
            .unwrap_or_default()
    } else {
        String::new()
    };
    adapter.set_pack_offer(offer.into());
    adapter.set_export_waiting(
        kiosk
            .export_backlog()?
            .attendances
            .try_into()
            .unwrap_or(i32::MAX),
    );
    drop(kiosk);
    adapter.set_text_size_name(text_size_name(window));
    adapter.set_message("".into());
    Ok(())
}
