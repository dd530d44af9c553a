//! Every screen rendered headlessly (the testing backend with Slint's
//! software renderer) at 1920×1080, 1366×768 and 1280×800, and the run
//! screen and each worksheet kind at the largest text size too. With `UPDATE_SCREENSHOTS=1`
//! the PNGs are written to `docs/screenshots/`; without it they are rendered
//! and checked for content only, so a screen that cannot render still fails.

use std::path::{Path, PathBuf};

use kiosk::ui::{AppWindow, SignInAdapter, TransferAdapter};
use slint::ComponentHandle;

use crate::util::*;

const SIZES: [(u32, u32); 3] = [(1920, 1080), (1366, 768), (1280, 800)];

fn out_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/screenshots")
}

pub fn snap(window: &AppWindow, name: &str) {
    let update = std::env::var_os("UPDATE_SCREENSHOTS").is_some_and(|v| v == "1");
    for (w, h) in SIZES {
        window.window().set_size(slint::PhysicalSize::new(w, h));
        settle();
        let shot = window
            .window()
            .take_snapshot()
            .expect("the software renderer draws");
        assert_eq!((shot.width(), shot.height()), (w, h), "{name}");
        let pixels = shot.as_bytes();
        let distinct = pixels
            .chunks(4)
            .step_by(97)
            .collect::<std::collections::HashSet<_>>()
            .len();
        assert!(distinct > 4, "{name} at {w}x{h} looks blank");
        if update {
            let dir = out_dir().join(format!("{w}x{h}"));
            std::fs::create_dir_all(&dir).unwrap();
            write_png(&dir.join(format!("{name}.png")), &shot);
        }
    }
    window
        .window()
        .set_size(slint::PhysicalSize::new(1920, 1080));
    settle();
}

#[test]
fn every_screen_renders_at_three_sizes() {
    // A pack read aloud (built with --speak): the Read aloud controls show.
    let fixture = Fixture::read_aloud();
    let (window, controller) = demo_window(&fixture);

    tap_keys(&window, "Digit", "2749");
    snap(&window, "01-sign-in");
    press(&window, "Clear all");

    sign_in(&window, PIN);
    stick_checked(&controller);
    snap(&window, "02-home");

    press(&window, "Start a session");
    snap(&window, "03-choose-session");

    let session = {
        let kiosk = controller.kiosk();
        let p = kiosk.programme().unwrap();
        p.sessions
            .iter()
            .find(|s| s.tool_ids().contains(&"cost-benefit"))
            .unwrap_or(&p.sessions[0])
            .clone()
    };
    press(
        &window,
        &format!("Session {}: {}", session.number, session.title.standard),
    );
    fixture
        .clock
        .advance(chrono::Duration::seconds(4 * 60 + 12));
    i_slint_backend_testing::mock_elapsed_time(kiosk::controller::TICK);
    snap(&window, "04-run-welcome");
    as_if_reading_run(&window, &controller, 2);
    snap(&window, "04b-run-read-aloud");
    window.global::<kiosk::ui::RunAdapter>().set_reading(false);

    next_phase(&window, &fixture);
    press(&window, "Attendance");
    for n in 1..=7 {
        tap_keys(&window, "Key", &format!("A{:04}BC", 2000 + n));
        press(&window, "Add participant");
    }
    press(&window, "Participant 3 left early");
    tap_keys(&window, "Key", "A12");
    snap(&window, "05-attendance");
    press(&window, "Clear all");
    press(&window, "Attendance done");

    let main_work = session
        .phases
        .iter()
        .position(|p| !p.tools.is_empty())
        .unwrap();
    while window.global::<kiosk::ui::RunAdapter>().get_phase_index() < main_work as i32 {
        next_phase(&window, &fixture);
    }
    press(&window, "Plain language");
    snap(&window, "06-run-main-work-plain");
    press(&window, "Plain language");
    press(&window, "Glance at the facilitator notes");
    snap(&window, "07-run-notes-glance");
    press(&window, "Hide the facilitator notes");

    // Every worksheet kind, at normal and at the largest text size, and the
    // run screen at the largest text size.
    let theme = window.global::<kiosk::ui::Theme>();
    theme.set_text_scale(1.4);
    snap(&window, "06b-run-main-work-largest");
    theme.set_text_scale(1.0);
    {
        let mut kiosk = controller.kiosk();
        let examples = ["Feels good right now", "Money, family, time inside"];
        for (i, text) in examples.iter().enumerate() {
            kiosk.write_worksheet("cost-benefit", i, text).unwrap();
        }
        let scores = [7, 4, 6, 3, 8, 2, 5, 6];
        for (i, score) in scores.iter().enumerate() {
            kiosk
                .score_worksheet("lifestyle-balance", i, *score)
                .unwrap();
        }
    }
    for (id, kind) in [
        ("cost-benefit", "grid"),
        ("change-plan", "list"),
        ("lifestyle-balance", "rating"),
    ] {
        kiosk::adapters::tool::open(&controller, id);
        assert_eq!(screen(&window), kiosk::ui::Screen::Tool);
        snap(&window, &format!("08-tool-{kind}"));
        theme.set_text_scale(1.4);
        snap(&window, &format!("08-tool-{kind}-largest"));
        theme.set_text_scale(1.0);
        press(&window, "Close the tool");
    }
    // A tool read aloud at the largest text size, its summary being read.
    kiosk::adapters::tool::open(&controller, "cost-benefit");
    theme.set_text_scale(1.4);
    as_if_reading_tool(&window, 0, 0);
    snap(&window, "08c-tool-read-aloud-largest");
    window.global::<kiosk::ui::ToolAdapter>().set_reading(false);
    theme.set_text_scale(1.0);
    press(&window, "Close the tool");

    press(&window, "Choose another tool");
    snap(&window, "08b-tool-picker");
    press(&window, "Back to the session");

    while window.global::<kiosk::ui::RunAdapter>().get_can_go_next() {
        next_phase(&window, &fixture);
    }
    // "How was today?": 4 hands for helped and 2 for OK, of the 6 still here.
    for (answer, n) in [("It helped", 4), ("It was OK", 2)] {
        for _ in 0..n {
            press(&window, &format!("One hand more for {answer}"));
        }
    }
    snap(&window, "09-run-check-out");
    theme.set_text_scale(1.4);
    snap(&window, "09b-run-check-out-largest");
    theme.set_text_scale(1.0);
    press(&window, "Finish the session");
    snap(&window, "10-finish");
    press(&window, "End without recording");
    snap(&window, "10b-end-without-recording");
    press(&window, "No, keep the session");
    press(&window, "Record the session");
    snap(&window, "11-finished");

    press(&window, "Home");
    press(&window, "Export everything again");
    snap(&window, "11b-confirm-export-everything-again");
    press(&window, "Cancel, back to home");
    let transfer = window.global::<TransferAdapter>();
    transfer.set_title("Exporting attendance".into());
    transfer.set_stage("Writing and signing the export…".into());
    transfer.set_busy(true);
    transfer.set_progress(0.62);
    window
        .global::<kiosk::ui::AppAdapter>()
        .set_screen(kiosk::ui::Screen::Transfer);
    snap(&window, "12-export-progress");
    transfer.set_busy(false);
    transfer.set_progress(1.0);
    transfer.set_result_ok(true);
    transfer.set_result("Exported 1 sessions and 7 attendances to /media/insideout-usb/insideout-export-hmp-example-b-wing-20261122T0930Z.".into());
    snap(&window, "13-export-done");
    transfer.set_title("Importing a content update".into());
    transfer.set_progress(0.0);
    transfer.set_result_ok(false);
    transfer.set_result("The pack's version (1) is not above the installed version (1). Ask the content team for the newest pack.".into());
    snap(&window, "14-import-refused");

    // The idle lock, and the lockout message.
    window
        .global::<kiosk::ui::AppAdapter>()
        .set_screen(kiosk::ui::Screen::Home);
    controller.kiosk().lock().unwrap();
    controller.lock_screen();
    snap(&window, "15-locked");
    for _ in 0..5 {
        sign_in(&window, "111222");
    }
    assert!(window
        .global::<SignInAdapter>()
        .get_message()
        .contains("locked"));
    snap(&window, "16-sign-in-locked-out");
}

#[test]
fn who_is_signing_in_renders_at_three_sizes() {
    software_renderer();
    let fixture = Fixture::new();
    for (id, pin) in [("alex", "583920"), ("f.jones", "720461")] {
        kiosk_core::provision::set_facilitator_pin(
            &fixture.data_dir(),
            id,
            pin,
            chrono::Utc::now(),
        )
        .unwrap();
    }
    let (window, _controller) = kiosk::init(fixture.open(), kiosk::Options::default()).unwrap();
    window.show().unwrap();
    settle();
    snap(&window, "01a-sign-in-who");
    press(&window, "Sign in as f.jones");
    snap(&window, "01b-sign-in-pin-for-one-of-three");
}
