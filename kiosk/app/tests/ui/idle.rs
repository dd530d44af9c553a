//! The idle lock (short outside a session; long, with a warning, during
//! one), and coming back to the session after a restart.

use chrono::Duration;
use i_slint_backend_testing::init_no_event_loop;
use kiosk::ui::{AppAdapter, RunAdapter, Screen, SignInAdapter};
use slint::ComponentHandle;

use crate::util::*;

fn tick() {
    i_slint_backend_testing::mock_elapsed_time(kiosk::controller::TICK);
}

#[test]
fn outside_a_session_the_kiosk_locks_after_the_short_idle_time() {
    init_no_event_loop();
    let fixture = Fixture::new();
    let (window, _controller) = window(fixture.open());
    sign_in(&window, PIN);
    fixture
        .clock
        .advance(Duration::minutes(IDLE_MINUTES.into()) - Duration::seconds(5));
    tick();
    assert_eq!(screen(&window), Screen::Home);
    fixture.clock.advance(Duration::seconds(10));
    tick();
    assert_eq!(screen(&window), Screen::SignIn);
    // No warning first outside a session: nothing is in progress to lose.
    assert_eq!(window.global::<AppAdapter>().get_idle_warning(), "");
    sign_in(&window, PIN);
    assert_eq!(screen(&window), Screen::Home);
}

#[test]
fn during_a_session_it_warns_with_a_countdown_then_locks_and_resumes_where_it_was() {
    init_no_event_loop();
    let fixture = Fixture::new();
    let (window, controller) = window(fixture.open());
    start_session(&window, &controller, 1);
    next_phase(&window, &fixture);
    press(&window, "Attendance");
    assert_eq!(screen(&window), Screen::Attendance);
    let app = window.global::<AppAdapter>();

    // A long check-in: far past the short idle time, nothing happens.
    fixture.clock.advance(Duration::minutes(20));
    tick();
    assert_eq!(screen(&window), Screen::Attendance);
    assert_eq!(app.get_idle_warning(), "");

    // In the last minute: a countdown over the screen.
    fixture
        .clock
        .advance(Duration::minutes(9) + Duration::seconds(30));
    tick();
    assert_eq!(screen(&window), Screen::Attendance);
    assert!(
        shows(
            &window,
            "Nobody has touched the screen for a while. It locks in 0:30. Tap to keep it open."
        ),
        "{}",
        app.get_idle_warning()
    );
    // The facilitator dismisses it: the idle time starts again.
    press(&window, "Keep the kiosk open");
    assert_eq!(app.get_idle_warning(), "");
    fixture.clock.advance(Duration::minutes(29));
    tick();
    assert_eq!(screen(&window), Screen::Attendance);

    // A key press counts as activity too.
    type_keys(&window, "A");
    fixture
        .clock
        .advance(Duration::minutes(29) + Duration::seconds(30));
    tick();
    assert_eq!(screen(&window), Screen::Attendance);
    assert_ne!(app.get_idle_warning(), "");

    // Left alone past the end: the PIN screen, saying the session waits.
    fixture.clock.advance(Duration::seconds(40));
    tick();
    assert_eq!(screen(&window), Screen::SignIn);
    assert_eq!(app.get_idle_warning(), "");
    assert!(window.global::<SignInAdapter>().get_resuming());
    assert!(shows(&window, "PIN, 0 digits typed"));

    sign_in(&window, PIN);
    assert_eq!(screen(&window), Screen::Attendance, "back where it locked");
    // What was half typed before the lock is gone.
    assert_eq!(
        window.global::<kiosk::ui::AttendanceAdapter>().get_entry(),
        ""
    );
    press(&window, "Attendance done");
    assert_eq!(window.global::<RunAdapter>().get_phase_index(), 1);

    // Home keeps the session open and offers only to carry on with it.
    press(&window, "Home (the session stays open)");
    assert_eq!(screen(&window), Screen::Home);
    assert!(!shows(&window, "Start a session"));
    press(&window, "Carry on the session in progress");
    assert_eq!(screen(&window), Screen::Run);
    assert_eq!(window.global::<RunAdapter>().get_phase_index(), 1);
}

#[test]
fn a_restart_comes_back_to_the_session_in_progress() {
    init_no_event_loop();
    let fixture = Fixture::new();
    {
        let (window, controller) = window(fixture.open());
        start_session(&window, &controller, 1);
        next_phase(&window, &fixture);
        next_phase(&window, &fixture);
        assert_eq!(window.global::<RunAdapter>().get_phase_index(), 2);
    }
    // As after a power cut: a new process opens the same data folder.
    let (window, _controller) = window(fixture.open());
    assert_eq!(screen(&window), Screen::SignIn);
    sign_in(&window, PIN);
    assert_eq!(screen(&window), Screen::Run);
    assert_eq!(window.global::<RunAdapter>().get_phase_index(), 2);
    // The notes are not back on the room's screen after the restart.
    assert_eq!(
        slint::Model::row_count(&window.global::<RunAdapter>().get_notes()),
        0
    );
}
