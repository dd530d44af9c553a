//! The home screen: kiosk-core's home view (carry on or start a session,
//! the stick's content update, attendance to export), text size, sign out.

use std::rc::Rc;

use kiosk_core::words::tr;
use kiosk_core::{views, Display, KioskError, TEXT_SIZES};
use slint::{ComponentHandle, Model};

use super::with;
use super::Navigate;
use crate::controller::Controller;
use crate::ui::{AppWindow, HomeAdapter, Screen, Theme};

/// Connects the home screen's buttons.
pub fn connect(window: &AppWindow, controller: &Rc<Controller>) {
    let adapter = window.global::<HomeAdapter>();
    adapter.on_continue_session(with(controller, |c| c.show(Screen::Run)));
    adapter.on_start_session(with(controller, |c| c.show(Screen::Choose)));
    adapter.on_import_pack(with(controller, super::transfer::start_import));
    adapter.on_export_attendance(with(controller, super::transfer::start_export));
    adapter.on_export_everything_again(with(controller, |c| c.show(Screen::ConfirmExport)));
    adapter.on_next_text_size(with(controller, |c| {
        let changed = {
            let mut kiosk = c.kiosk();
            let d = kiosk.display();
            kiosk.set_display(Display {
                text_size: (d.text_size + 1) % TEXT_SIZES.len() as u8,
                ..d
            })
        };
        match changed {
            Ok(()) => c.show(Screen::Home),
            Err(e) => c.fail(e),
        }
    }));
    adapter.on_sign_out(with(controller, |c| {
        let result = c.kiosk().sign_out();
        c.forget_resume();
        match result {
            Ok(()) => c.show(Screen::SignIn),
            Err(e) => c.fail(e),
        }
    }));
}

/// Sets the window's text scale from kiosk-core's saved text size.
pub fn apply_text_size(window: &AppWindow, display: Display) {
    let theme = window.global::<Theme>();
    let scale = theme
        .get_text_scales()
        .row_data(usize::from(display.text_size))
        .unwrap_or(1.0);
    theme.set_text_scale(scale);
}

/// Fills the home screen from the kiosk.
pub fn refresh(window: &AppWindow, controller: &Controller) -> Result<(), KioskError> {
    let (view, display, language) = {
        let kiosk = controller.kiosk();
        controller.stick_changed(kiosk.stick_present());
        let version = kiosk.programme_version();
        let offers = controller.stick_offers(version);
        let view = views::home(&kiosk, offers.as_deref())?;
        if view.stick_in && offers.is_none() {
            controller.check_stick(kiosk.stick_scan()?, version);
        }
        (view, kiosk.display(), kiosk.language())
    };
    apply_text_size(window, display);
    let adapter = window.global::<HomeAdapter>();
    adapter.set_facilitator(view.facilitator.into());
    adapter.set_place(view.place.into());
    adapter.set_in_progress(view.in_progress.unwrap_or_default().into());
    adapter.set_can_start(view.can_start);
    adapter.set_import_offer(view.import_offer.unwrap_or_default().into());
    adapter.set_stick_note(view.stick_note.into());
    adapter.set_export_note(view.export_note.into());
    adapter.set_can_export(view.can_export);
    adapter.set_export_button(view.export_button.into());
    adapter.set_can_export_all(view.can_export_all);
    let size = TEXT_SIZES
        .get(usize::from(display.text_size))
        .copied()
        .unwrap_or_default();
    adapter.set_text_size_name(tr(language, size).into());
    adapter.set_message("".into());
    Ok(())
}
