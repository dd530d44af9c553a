//! A whole session, as a facilitator runs it: choose, every phase, the
//! phase's tools, 12 attendees (one anonymous, one who leaves early),
//! finish; then what kiosk-core recorded.

use i_slint_backend_testing::init_no_event_loop;
use kiosk::ui::{AttendanceAdapter, FinishAdapter, RunAdapter, Screen, ToolAdapter};
use slint::ComponentHandle;

use crate::util::*;

#[test]
fn runs_a_whole_session_with_twelve_attendees_and_records_it() {
    init_no_event_loop();
    let fixture = Fixture::new();
    let (window, controller) = window(fixture.open());

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
    start_session(&window, &controller, session.number);

    let run = window.global::<RunAdapter>();
    let mut tools_opened = Vec::new();
    for (i, phase) in session.phases.iter().enumerate() {
        assert_eq!(run.get_phase_index() as usize, i);
        assert_eq!(run.get_phase_title(), phase.title.standard.as_str());
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
        assert_eq!(run.get_phase_title(), phase.title.plain.as_str());
        press(&window, "Plain language");

        // The notes are never on the room's screen unless glanced at.
        if let Some(note) = phase.facilitator_notes.first() {
            assert!(!shows(&window, note));
            press(&window, "Glance at the facilitator notes");
            assert!(shows(&window, note));
            press(&window, "Hide the facilitator notes");
            assert!(!shows(&window, note));
        }

        // Every tool of the phase opens.
        for tool in &phase.tools {
            let name = controller
                .kiosk()
                .programme()
                .unwrap()
                .tool(tool)
                .unwrap()
                .name
                .standard
                .clone();
            press(&window, &format!("Open {name}"));
            assert_eq!(screen(&window), Screen::Tool);
            assert_eq!(window.global::<ToolAdapter>().get_name(), name.as_str());
            press(&window, "Close the tool");
            assert_eq!(screen(&window), Screen::Run);
            tools_opened.push(tool.clone());
        }

        if i == 1 {
            take_attendance(&window);
        }

        if i + 1 < session.phases.len() {
            next_phase(&window, &fixture);
        }
    }
    assert!(!tools_opened.is_empty());
    // On the last phase Next is gone: Finish is at the top of the screen.
    assert!(!shows(&window, "Next phase"));

    // Back goes back, and Next returns.
    press(&window, "Previous phase");
    assert_eq!(run.get_phase_index() as usize, session.phases.len() - 2);
    next_phase(&window, &fixture);

    press(&window, "Finish the session");
    assert_eq!(screen(&window), Screen::Finish);
    let finish = window.global::<FinishAdapter>();
    let lines: Vec<String> = slint::Model::iter(&finish.get_lines())
        .map(|l| l.to_string())
        .collect();
    assert!(
        lines.contains(&"Attended: 12 (1 left early)".to_owned()),
        "{lines:?}"
    );
    press(&window, "Record the session");
    assert!(finish.get_finished());
    assert!(shows(
        &window,
        &format!("Phases done: {0} of {0}", session.phases.len())
    ));

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
/// leaves early; the group limit holds.
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

    // A number in the wrong shape is refused without being repeated, and
    // kept (hidden) so it can be corrected.
    tap_keys(window, "Key", "12AB");
    press(window, "Add participant");
    assert!(!attendance.get_message_ok());
    assert!(!attendance.get_message().contains("12AB"));
    assert_eq!(attendance.get_entry(), "12AB");
    press(window, "Clear all");

    press(window, "Add anonymous participant");
    assert_eq!(attendance.get_message(), "Participant 12 added");
    assert!(shows(window, "12 of 12 in the group"));
    // A 13th is refused with the reason.
    tap_keys(window, "Key", "Z9999ZZ");
    press(window, "Add participant");
    assert!(attendance.get_message().contains("The group is full"));
    press(window, "Clear all");

    press(window, "Participant 3 left early");
    assert!(
        slint::Model::row_data(&attendance.get_attendees(), 2)
            .unwrap()
            .left_early
    );
    assert!(shows(window, "Participant 3 left early"));
    press(window, "Attendance done");
    assert_eq!(screen(window), Screen::Run);
    assert_eq!(
        window.global::<RunAdapter>().get_attendance(),
        "Attendance 12"
    );
}
