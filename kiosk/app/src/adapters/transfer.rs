//! Import and export: kiosk-core's work runs on a worker thread while the UI
//! thread shows its progress, posted back with `upgrade_in_event_loop`, and
//! then kiosk-core's plain result. "Export everything again" first asks for
//! the facilitator's PIN on its own screen.

use std::rc::Rc;
use std::sync::atomic::Ordering;

use kiosk_core::words::tr;
use kiosk_core::{views, ExportScope, Kiosk, KioskError, OfferStatus};
use slint::ComponentHandle;

use super::with;
use super::Navigate;
use crate::controller::Controller;
use crate::ui::{AppWindow, ConfirmAdapter, Screen, TransferAdapter};

/// Connects "back to home", and the confirmation of "Export everything
/// again".
pub fn connect(window: &AppWindow, controller: &Rc<Controller>) {
    window
        .global::<TransferAdapter>()
        .on_close(with(controller, |c| {
            if !c.is_busy() {
                c.show(Screen::Home);
            }
        }));
    let confirm = window.global::<ConfirmAdapter>();
    confirm.on_cancel(with(controller, |c| c.show(Screen::Home)));
    let weak = Rc::downgrade(controller);
    confirm.on_confirm(move |pin| {
        let Some(c) = weak.upgrade() else { return };
        let Some(window) = c.window() else { return };
        let adapter = window.global::<ConfirmAdapter>();
        // The PIN leaves the screen at once, whatever happens next.
        adapter.set_pin("".into());
        let confirmed = c.kiosk().confirm_own_pin(pin.as_str());
        drop(pin);
        match confirmed {
            Ok(confirmed) => run_in_background(
                &c,
                "Exporting everything again",
                "Writing and signing the export…",
                move |kiosk, progress| {
                    kiosk
                        .export_everything_again(confirmed, progress)
                        .map(|o| views::exported(&o, kiosk.language()))
                },
            ),
            Err(e) => adapter.set_message(e.to_string().into()),
        }
    });
}

/// Fills the confirmation screen: an empty PIN and kiosk-core's PIN pad.
pub fn refresh_confirm(window: &AppWindow, controller: &Controller) {
    let adapter = window.global::<ConfirmAdapter>();
    adapter.set_pin("".into());
    adapter.set_message("".into());
    adapter.set_keys(super::strings(&controller.kiosk().pin_pad_keys()));
}

/// Imports the content pack offered on the USB stick (only one that can be
/// installed is ever offered).
pub fn start_import(controller: &Rc<Controller>) {
    // The pack home offered, from the worker's check (the import checks it
    // all again).
    let version = controller.kiosk().programme_version();
    let ready = controller.stick_offers(version).and_then(|offers| {
        offers
            .into_iter()
            .find(|o| matches!(o.status, OfferStatus::Ready { .. }))
    });
    let Some(pack) = ready.map(|offer| offer.path) else {
        return controller.show(Screen::Home);
    };
    run_in_background(
        controller,
        "Importing a content update",
        "Checking the signature and installing…",
        move |kiosk, progress| {
            kiosk
                .import(&pack, progress)
                .map(|o| views::imported(&o, kiosk.language()))
        },
    );
}

/// Exports the attendance not yet exported to the USB stick.
pub fn start_export(controller: &Rc<Controller>) {
    run_in_background(
        controller,
        "Exporting attendance",
        "Writing and signing the export…",
        move |kiosk, progress| {
            kiosk
                .export_to_stick(ExportScope::New, progress)
                .map(|o| views::exported(&o, kiosk.language()))
        },
    );
}

type Work =
    dyn FnOnce(&mut Kiosk, &mut dyn FnMut(u64, u64)) -> Result<views::Done, KioskError> + Send;

fn run_in_background(
    controller: &Rc<Controller>,
    title: &'static str,
    stage: &'static str,
    work: impl FnOnce(&mut Kiosk, &mut dyn FnMut(u64, u64)) -> Result<views::Done, KioskError>
        + Send
        + 'static,
) {
    let Some(window) = controller.window() else {
        return;
    };
    if controller.busy_flag().swap(true, Ordering::SeqCst) {
        return;
    }
    let adapter = window.global::<TransferAdapter>();
    let language = controller.kiosk().language();
    adapter.set_title(tr(language, title).into());
    adapter.set_stage(tr(language, stage).into());
    adapter.set_progress(0.0);
    adapter.set_show_progress(true);
    adapter.set_result("".into());
    adapter.set_busy(true);
    controller.show(Screen::Transfer);

    let kiosk = controller.shared_kiosk();
    let busy = controller.busy_flag();
    let weak = window.as_weak();
    let work: Box<Work> = Box::new(work);
    std::thread::spawn(move || {
        let mut last_percent = u64::MAX;
        let mut progress = |done: u64, total: u64| {
            let percent = (done * 100).checked_div(total).unwrap_or(0);
            if percent != last_percent {
                last_percent = percent;
                let _ = weak.upgrade_in_event_loop(move |w| {
                    w.global::<TransferAdapter>()
                        .set_progress(percent as f32 / 100.0);
                });
            }
        };
        let result = {
            let mut kiosk = kiosk.lock().unwrap_or_else(|e| e.into_inner());
            work(&mut kiosk, &mut progress)
        };
        busy.store(false, Ordering::SeqCst);
        let _ = weak.upgrade_in_event_loop(move |w| {
            let adapter = w.global::<TransferAdapter>();
            adapter.set_busy(false);
            match result {
                Ok(done) => {
                    // "Nothing new to export" under a full bar would say
                    // something was written: the bar goes with no work done.
                    adapter.set_progress(if done.wrote { 1.0 } else { 0.0 });
                    adapter.set_show_progress(done.wrote);
                    adapter.set_result(done.text.into());
                    adapter.set_result_ok(true);
                }
                Err(e) => {
                    adapter.set_result(e.to_string().into());
                    adapter.set_result_ok(false);
                }
            }
        });
    });
}
