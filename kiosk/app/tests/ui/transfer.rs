//! Import and export from the home screen: the work runs on a worker thread
//! and the screen shows kiosk-core's result. These run Slint's event loop
//! (the testing backend with threads and the system clock) until the worker
//! has posted its result.

use std::time::{Duration, Instant};

use kiosk::ui::{Screen, TransferAdapter};
use slint::ComponentHandle;

use crate::util::*;

/// Runs the event loop until the transfer screen shows a result.
fn wait_for_result(window: &kiosk::ui::AppWindow) {
    let weak = window.as_weak();
    let started = Instant::now();
    let poll = slint::Timer::default();
    poll.start(
        slint::TimerMode::Repeated,
        Duration::from_millis(20),
        move || {
            let done = weak
                .upgrade()
                .is_some_and(|w| !w.global::<TransferAdapter>().get_busy());
            if done || started.elapsed() > Duration::from_secs(60) {
                slint::quit_event_loop().unwrap();
            }
        },
    );
    slint::run_event_loop().unwrap();
}

#[test]
fn imports_the_update_on_the_stick_then_exports_attendance() {
    i_slint_backend_testing::init_integration_test_with_system_time();
    use_system_time();
    let fixture = Fixture::new();
    let (window, controller) = window(fixture.open());
    sign_in(&window, PIN);
    stick_checked(&controller);
    assert!(shows(&window, "Import content update"));

    press(&window, "Import content update");
    assert_eq!(screen(&window), Screen::Transfer);
    wait_for_result(&window);
    let transfer = window.global::<TransferAdapter>();
    assert!(transfer.get_result_ok(), "{}", transfer.get_result());
    assert_eq!(
        transfer.get_result(),
        "Installed programme version 2. The new programme is used from the next session. \
         The stick can be taken out now."
    );
    assert_eq!(transfer.get_progress(), 1.0);
    assert_eq!(controller.kiosk().programme_version(), Some(2));
    press(&window, "Back to home");
    assert_eq!(screen(&window), Screen::Home);
    stick_checked(&controller);
    // The pack on the stick is installed now: nothing is offered.
    assert!(!shows(&window, "Import content update"));

    // Nothing to export yet: the button says so and does nothing.
    assert!(shows(&window, "No attendance waiting to export."));
    assert_eq!(
        find(&window, "Export attendance").accessible_enabled(),
        Some(false)
    );
    {
        let mut k = controller.kiosk();
        let id = k.sessions()[0].id.clone();
        k.start_session(&id).unwrap();
        k.add_anonymous().unwrap();
        k.finish_session().unwrap();
    }
    controller.show(Screen::Home);
    assert!(shows(&window, "1 attendance record waiting to export."));
    press(&window, "Export attendance");
    wait_for_result(&window);
    assert!(transfer.get_result_ok(), "{}", transfer.get_result());
    let result = transfer.get_result();
    assert!(
        result.starts_with("Exported 1 sessions and 1 attendances to")
            && result.ends_with("; the stick can be taken out now."),
        "{result}"
    );

    // The data office lost it: "Export everything again", confirmed with the
    // facilitator's own PIN; a wrong PIN or Cancel exports nothing.
    press(&window, "Back to home");
    stick_checked(&controller);
    assert!(shows(&window, "Nothing new") || shows(&window, "No attendance waiting to export."));
    press(&window, "Export everything again");
    assert_eq!(screen(&window), Screen::ConfirmExport);
    tap_keys(&window, "Digit", "999999");
    press(&window, "Confirm and export everything");
    assert_eq!(screen(&window), Screen::ConfirmExport);
    let confirm = window.global::<kiosk::ui::ConfirmAdapter>();
    assert!(
        confirm
            .get_message()
            .starts_with("That is not your PIN: nothing was exported."),
        "{}",
        confirm.get_message()
    );
    assert_eq!(confirm.get_pin(), "", "the PIN leaves the screen at once");
    press(&window, "Cancel, back to home");
    assert_eq!(screen(&window), Screen::Home);
    press(&window, "Export everything again");
    tap_keys(&window, "Digit", PIN);
    press(&window, "Confirm and export everything");
    wait_for_result(&window);
    assert!(transfer.get_result_ok(), "{}", transfer.get_result());
    assert!(
        transfer
            .get_result()
            .starts_with("Exported 1 sessions and 1 attendances to"),
        "{}",
        transfer.get_result()
    );
    let bundles = std::fs::read_dir(fixture.dir.path().join("usb"))
        .unwrap()
        .filter(|e| e.as_ref().unwrap().path().is_dir())
        .count();
    assert_eq!(bundles, 2);
}
