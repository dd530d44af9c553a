//! The idle lock, and coming back to the session after a restart.

use i_slint_backend_testing::init_no_event_loop;
use kiosk::ui::{RunAdapter, Screen, SignInAdapter};
use slint::ComponentHandle;

use crate::util::*;

fn start_first_session(window: &kiosk::ui::AppWindow, controller: &kiosk::controller::Controller) {
    sign_in(window, PIN);
    press(window, "Start a session");
    let (number, title) = {
        let kiosk = controller.kiosk();
        let s = &kiosk.sessions()[0];
        (s.number, s.title.clone())
    };
    press(window, &format!("Session {number}: {title}"));
    press(window, "Next phase");
}

#[test]
fn locks_when_idle_and_resumes_where_it_was() {
    init_no_event_loop();
    let fixture = Fixture::new();
    let (window, controller) = window(fixture.open());
    start_first_session(&window, &controller);
    press(&window, "Attendance");
    assert_eq!(screen(&window), Screen::Attendance);

    // Just under the idle time: still open.
    fixture
        .clock
        .advance(chrono::Duration::minutes(IDLE_MINUTES.into()) - chrono::Duration::seconds(5));
    i_slint_backend_testing::mock_elapsed_time(kiosk::controller::TICK);
    assert_eq!(screen(&window), Screen::Attendance);

    // A key press counts as activity.
    type_keys(&window, "A");
    fixture.clock.advance(chrono::Duration::seconds(10));
    i_slint_backend_testing::mock_elapsed_time(kiosk::controller::TICK);
    assert_eq!(screen(&window), Screen::Attendance);

    // Past it: the PIN screen, saying the session waits.
    fixture
        .clock
        .advance(chrono::Duration::minutes(IDLE_MINUTES.into()));
    i_slint_backend_testing::mock_elapsed_time(kiosk::controller::TICK);
    assert_eq!(screen(&window), Screen::SignIn);
    assert!(window.global::<SignInAdapter>().get_resuming());
    assert!(shows(&window, "PIN, 0 digits typed"));

    sign_in(&window, PIN);
    assert_eq!(screen(&window), Screen::Attendance, "back where it locked");
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
        start_first_session(&window, &controller);
        press(&window, "Next phase");
        assert_eq!(window.global::<RunAdapter>().get_phase_index(), 2);
    }
    // As after a power cut: a new process opens the same data folder.
    let (window, _controller) = window(fixture.open());
    assert_eq!(screen(&window), Screen::SignIn);
    sign_in(&window, PIN);
    assert_eq!(screen(&window), Screen::Run);
    assert_eq!(window.global::<RunAdapter>().get_phase_index(), 2);
}
