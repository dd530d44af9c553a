//! Sign-in: the PIN pad by touch and by keyboard, and the lockout message.

use i_slint_backend_testing::init_no_event_loop;
use kiosk::ui::{Screen, SignInAdapter};
use slint::ComponentHandle;

use crate::util::*;

#[test]
fn signs_in_with_the_pin_pad() {
    init_no_event_loop();
    let fixture = Fixture::new();
    let (window, _c) = window(fixture.open());
    assert_eq!(screen(&window), Screen::SignIn);
    assert!(shows(&window, "PIN, 0 digits typed"));
    assert!(shows(&window, "PIN keypad"));
    sign_in(&window, PIN);
    assert_eq!(screen(&window), Screen::Home);
    assert!(shows(&window, "Start a session"));
}

#[test]
fn digits_typed_on_the_keyboard_go_into_the_pin_pad() {
    init_no_event_loop();
    let fixture = Fixture::new();
    let (window, _c) = window(fixture.open());
    type_keys(&window, PIN);
    assert!(shows(&window, "PIN, 6 digits typed"));
    type_keys(&window, "\u{8}");
    assert!(shows(&window, "PIN, 5 digits typed"));
    type_keys(&window, &PIN[5..]);
    type_keys(&window, "\n");
    assert_eq!(screen(&window), Screen::Home);
    // Enter presses the focused button: "Start a session", then "Back".
    type_keys(&window, "\n");
    assert_eq!(screen(&window), Screen::Choose);
    type_keys(&window, " ");
    assert_eq!(screen(&window), Screen::Home);
}

#[test]
fn the_text_size_setting_goes_round_three_sizes() {
    init_no_event_loop();
    let fixture = Fixture::new();
    let (window, _c) = window(fixture.open());
    sign_in(&window, PIN);
    let theme = window.global::<kiosk::ui::Theme>();
    assert_eq!(theme.get_text_scale(), 1.0);
    press(&window, "Text size: Normal");
    assert!(theme.get_text_scale() > 1.0);
    press(&window, "Text size: Large");
    press(&window, "Text size: Largest");
    assert_eq!(theme.get_text_scale(), 1.0);
}

#[test]
fn wrong_pins_lock_sign_in_and_say_for_how_long() {
    init_no_event_loop();
    let fixture = Fixture::new();
    let (window, _c) = window(fixture.open());
    sign_in(&window, "111222");
    assert_eq!(screen(&window), Screen::SignIn);
    let message = window.global::<SignInAdapter>().get_message();
    assert!(message.starts_with("Wrong PIN."), "{message}");
    assert!(shows(&window, &message), "the message is on screen");
    assert!(shows(&window, "PIN, 0 digits typed"), "the PIN is cleared");
    for _ in 0..4 {
        sign_in(&window, "111222");
    }
    let message = window.global::<SignInAdapter>().get_message();
    assert!(message.contains("locked for 1 minute"), "{message}");
    assert!(shows(&window, &message));
    // While locked, even the right PIN cannot be sent.
    tap_keys(&window, "Digit", PIN);
    assert_eq!(find(&window, "Sign in").accessible_enabled(), Some(false));
    // Once the lock runs out, the right PIN works.
    fixture.clock.advance(chrono::Duration::seconds(61));
    crate::util::settle();
    i_slint_backend_testing::mock_elapsed_time(kiosk::controller::TICK);
    assert_eq!(find(&window, "Sign in").accessible_enabled(), Some(true));
    press(&window, "Clear all");
    sign_in(&window, PIN);
    assert_eq!(screen(&window), Screen::Home);
}

#[test]
fn with_two_facilitators_each_taps_their_id_and_only_their_own_wrong_pins_lock_them() {
    init_no_event_loop();
    let fixture = Fixture::new();
    kiosk_core::provision::set_facilitator_pin(
        &fixture.data_dir(),
        "alex",
        "583920",
        chrono::Utc::now(),
    )
    .unwrap();
    let (window, _c) = window(fixture.open());
    // Who is signing in comes first: no PIN pad yet.
    assert!(shows(&window, "Who is signing in?"));
    assert!(!shows(&window, "PIN keypad"));
    press(&window, "Sign in as sam");
    assert!(shows(&window, "PIN keypad"));
    assert!(shows(
        &window,
        "Type the PIN for sam on the keypad or the keyboard, then press Sign in."
    ));
    for _ in 0..5 {
        sign_in(&window, "111222");
    }
    let message = window.global::<SignInAdapter>().get_message();
    assert!(
        message.contains("for sam") && message.contains("Other facilitators can still sign in"),
        "{message}"
    );
    assert_eq!(find(&window, "Sign in").accessible_enabled(), Some(false));
    // Alex is not locked out by sam's wrong PINs, and alex's PIN is no use
    // on sam's pad.
    press(&window, "Not sam? Choose again");
    press(&window, "Sign in as alex");
    assert_eq!(window.global::<SignInAdapter>().get_message(), "");
    sign_in(&window, PIN);
    assert_eq!(screen(&window), Screen::SignIn);
    sign_in(&window, "583920");
    assert_eq!(screen(&window), Screen::Home);
    assert!(shows(&window, "Hello, alex"), "home names who is signed in");
    // When the kiosk locks itself, the pad is for whoever was signed in.
    fixture
        .clock
        .advance(chrono::Duration::minutes(IDLE_MINUTES.into()) + chrono::Duration::seconds(1));
    i_slint_backend_testing::mock_elapsed_time(kiosk::controller::TICK);
    assert_eq!(screen(&window), Screen::SignIn);
    assert_eq!(window.global::<SignInAdapter>().get_chosen(), "alex");
    assert!(shows(&window, "PIN keypad"));
}
