//! A whole session, as a facilitator runs it: choose, every phase, the tool,
//! 12 attendees (one anonymous, one who leaves early), finish; then what
//! kiosk-core recorded.

use i_slint_backend_testing::init_no_event_loop;
use kiosk::ui::{AttendanceAdapter, FinishAdapter, RunAdapter, Screen, ToolAdapter};
use slint::ComponentHandle;

use crate::util::*;

#[test]
fn runs_a_whole_session_with_twelve_attendees_and_records_it() {
    init_no_event_loop();
    let fixture = Fixture::new();
    let (window, controller) = window(fixture.open());
    sign_in(&window, PIN);
    press(&window, "Start a session");
    assert_eq!(screen(&window), Screen::Choose);

    // The first session that uses a tool.
    let session = {
        let kiosk = controller.kiosk();
        let programme = kiosk.programme().unwrap();
        programme
            .sessions
            .iter()
            .find(|s| !s.tool_ids().is_empty())
            .unwrap()
            .clone()
    };
    press(
        &window,
        &format!("Session {}: {}", session.number, session.title),
    );
    assert_eq!(screen(&window), Screen::Run);

    let run = window.global::<RunAdapter>();
    let mut tools_opened = Vec::new();
    for (i, phase) in session.phases.iter().enumerate() {
        assert_eq!(run.get_phase_index() as usize, i);
        assert_eq!(run.get_phase_title(), phase.title.as_str());
        let words = find(&window, "Words for the group");
        assert_eq!(
            words.accessible_description().unwrap(),
            phase.text.standard.as_str()
        );

        // Plain language on and off.
        press(&window, "Plain language");
        let words = find(&window, "Words for the group");
        assert_eq!(
            words.accessible_description().unwrap(),
            phase.text.plain.as_str()
        );
        press(&window, "Plain language");

        // The facilitator notes hide and come back.
        if let Some(note) = phase.facilitator_notes.first() {
            assert!(shows(&window, note));
            press(&window, "Show or hide the facilitator notes");
            assert!(!shows(&window, note));
            press(&window, "Show or hide the facilitator notes");
            assert!(shows(&window, note));
        }

        if let Some(tool) = phase.tools.first() {
            press(&window, "Open the tool");
            assert_eq!(screen(&window), Screen::Tool);
            let name = window.global::<ToolAdapter>().get_name();
            assert!(!name.is_empty());
            press(&window, "Close the tool");
            assert_eq!(screen(&window), Screen::Run);
            tools_opened.push(tool.clone());
        }

        if i == 1 {
            take_attendance(&window);
        }

        if i + 1 < session.phases.len() {
            press(&window, "Next phase");
        }
    }
    assert!(!tools_opened.is_empty());

    // Back goes back, and Next returns.
    press(&window, "Previous phase");
    assert_eq!(run.get_phase_index() as usize, session.phases.len() - 2);
    press(&window, "Next phase");

    press(&window, "Finish the session");
    assert_eq!(screen(&window), Screen::Finish);
    let finish = window.global::<FinishAdapter>();
    assert_eq!(finish.get_attended(), 12);
    assert_eq!(finish.get_left_early(), 1);
    press(&window, "Finish and record");
    assert!(finish.get_finished());
    assert_eq!(
        finish.get_phases_done(),
        format!("{0} of {0}", session.phases.len()).as_str()
    );

    // What kiosk-core recorded.
    let kiosk = controller.kiosk();
    assert!(
        kiosk.run_view().is_none(),
        "no session in progress any more"
    );
    assert_eq!(kiosk.finished_sessions().unwrap(), 1);
    let backlog = kiosk.export_backlog().unwrap();
    assert_eq!(backlog.sessions, 1);
    assert_eq!(backlog.attendances, 12);
    drop(kiosk);

    press(&window, "Home");
    assert_eq!(screen(&window), Screen::Home);
}

/// 10 prison numbers on the keypad, 1 on the keyboard, 1 anonymous; one
/// leaves early.
fn take_attendance(window: &kiosk::ui::AppWindow) {
    press(window, "Attendance");
    assert_eq!(screen(window), Screen::Attendance);
    let attendance = window.global::<AttendanceAdapter>();
    for n in 1..=10 {
        let number = format!("A{:04}BC", 1000 + n);
        tap_keys(window, "Key", &number);
        assert_eq!(attendance.get_entry(), number.as_str());
        press(window, "Add participant");
        // Gone from the screen the moment it is added.
        assert_eq!(attendance.get_entry(), "");
        assert!(!shows(window, &number));
        assert_eq!(
            attendance.get_message(),
            format!("Participant {n} added").as_str()
        );
        assert!(attendance.get_message_ok());
    }
    type_keys(window, "b2001cd\n");
    assert_eq!(attendance.get_entry(), "");
    assert_eq!(attendance.get_message(), "Participant 11 added");

    // A number in the wrong shape is refused without being repeated.
    tap_keys(window, "Key", "12AB");
    press(window, "Add participant");
    assert!(!attendance.get_message_ok());
    assert!(!attendance.get_message().contains("12AB"));
    assert_eq!(attendance.get_entry(), "");

    press(window, "Add anonymous participant");
    assert_eq!(attendance.get_message(), "Participant 12 added");
    assert!(shows(window, "12 of 12 in the group"));

    press(window, "Participant 3 left early");
    assert!(
        slint::Model::row_data(&attendance.get_attendees(), 2)
            .unwrap()
            .left_early
    );
    press(window, "Attendance done");
    assert_eq!(screen(window), Screen::Run);
    assert_eq!(window.global::<RunAdapter>().get_attendance(), 12);
}
