//! The room: what a facilitator needs to trust the screen in front of twelve
//! people. Double and triple taps, mistakes undone, the notes kept off the
//! room's view, a barcode scanner, every tool reachable, worksheets that
//! survive a restart and vanish at the end, and USB sticks coming and going.

use chrono::Duration;
use i_slint_backend_testing::{init_no_event_loop, ElementHandle};
use kiosk::ui::{
    AppWindow, AttendanceAdapter, FinishAdapter, HomeAdapter, RunAdapter, Screen, SignInAdapter,
    ToolAdapter, ToolPickerAdapter,
};
use slint::{ComponentHandle, Model};

use crate::util::*;

fn tick() {
    i_slint_backend_testing::mock_elapsed_time(kiosk::controller::TICK);
}

/// The on-screen rectangle of the button with this label.
fn rect(window: &AppWindow, label: &str) -> (f32, f32, f32, f32) {
    let e = find(window, label);
    let (p, s) = (e.absolute_position(), e.size());
    (p.x, p.y, p.x + s.width, p.y + s.height)
}

fn overlaps(a: (f32, f32, f32, f32), b: (f32, f32, f32, f32)) -> bool {
    a.0 < b.2 && b.0 < a.2 && a.1 < b.3 && b.1 < a.3
}

#[test]
fn double_and_triple_taps_on_next_move_one_phase_and_never_record() {
    init_no_event_loop();
    let fixture = Fixture::new();
    let (window, controller) = window(fixture.open());
    start_session(&window, &controller, 2);
    let run = window.global::<RunAdapter>();
    let count = controller.kiosk().run_view().unwrap().phase_count;
    for phase in 0..count - 1 {
        assert_eq!(run.get_phase_index() as usize, phase);
        fixture.clock.advance(Duration::seconds(30));
        // A double tap, and then a triple tap a moment later.
        tap_times(&window, "Next phase", if phase % 2 == 0 { 2 } else { 3 });
        assert_eq!(run.get_phase_index() as usize, phase + 1, "one phase on");
    }
    // At check-out Next is gone; taps where it was do nothing, and Finish
    // (top right) only opens the summary, whose Record button is elsewhere.
    let next_was = {
        controller.kiosk().previous_phase().unwrap();
        controller.show(Screen::Run);
        let r = rect(&window, "Next phase");
        next_phase(&window, &fixture);
        r
    };
    assert!(!shows(&window, "Next phase"));
    let finish_at = rect(&window, "Finish the session");
    tap_times(&window, "Finish the session", 3);
    assert_eq!(screen(&window), Screen::Finish);
    let record_at = rect(&window, "Record the session");
    assert!(
        !overlaps(record_at, next_was),
        "Record is not where Next was"
    );
    assert!(
        !overlaps(record_at, finish_at),
        "Record is not where Finish was"
    );
    assert!(controller.kiosk().run_view().is_some(), "nothing recorded");
    assert_eq!(controller.kiosk().finished_sessions().unwrap(), 0);
}

#[test]
fn a_session_started_by_mistake_is_ended_without_recording_after_a_yes() {
    init_no_event_loop();
    let fixture = Fixture::new();
    let (window, controller) = window(fixture.open());
    start_session(&window, &controller, 1);
    press(&window, "Attendance");
    press(&window, "Add anonymous participant");
    press(&window, "Attendance done");
    press(&window, "Finish the session");
    press(&window, "End without recording");
    assert!(window.global::<FinishAdapter>().get_confirm_discard());
    // "No" keeps it.
    press(&window, "No, keep the session");
    assert!(controller.kiosk().run_view().is_some());
    press(&window, "End without recording");
    press(&window, "Yes, end without recording");
    assert_eq!(screen(&window), Screen::Home);
    assert!(shows(&window, kiosk_core::views::DISCARDED));
    assert!(shows(&window, "Start a session"));
    let kiosk = controller.kiosk();
    assert!(kiosk.run_view().is_none());
    assert_eq!(kiosk.finished_sessions().unwrap(), 0);
    assert_eq!(kiosk.export_backlog().unwrap().attendances, 0);
    let events: Vec<String> = kiosk
        .audit_lines(10)
        .unwrap()
        .into_iter()
        .map(|l| l.event)
        .collect();
    assert!(
        events.contains(&"session-discarded".to_owned()),
        "{events:?}"
    );
}

#[test]
fn attendees_added_by_mistake_are_taken_off_and_the_list_never_reorders() {
    init_no_event_loop();
    let fixture = Fixture::new();
    let (window, controller) = window(fixture.open());
    start_session(&window, &controller, 1);
    press(&window, "Attendance");
    let attendance = window.global::<AttendanceAdapter>();
    tap_keys(&window, "Key", "A1111AA");
    press(&window, "Add participant");
    // An extra tap on "anonymous" adds two; the second is taken off.
    tap_times(&window, "Add anonymous participant", 2);
    tap_keys(&window, "Key", "B2222BB");
    press(&window, "Add participant");
    assert!(shows(&window, "4 of 12 in the group"));

    press(&window, "Take Participant 3 off the list");
    assert!(shows(&window, "Take Participant 3 off the list?"));
    // "Keep" keeps them.
    press(&window, "No, keep them");
    assert!(shows(&window, "4 of 12 in the group"));
    press(&window, "Take Participant 3 off the list");
    press(&window, "Yes, take them off");
    assert!(shows(&window, "3 of 12 in the group"));
    assert_eq!(attendance.get_message(), "Participant 3 taken off the list");
    let labels: Vec<String> = attendance
        .get_attendees()
        .iter()
        .map(|a| a.label.to_string())
        .collect();
    assert_eq!(
        labels,
        [
            "Participant 1",
            "Participant 2 (anonymous)",
            "Participant 4"
        ]
    );

    // Left early toggles the same person however often it is tapped, with a
    // visible mark, and the list stays where it was.
    let before = rect(&window, "Participant 4 left early");
    let marked = |w: &AppWindow| find(w, "Participant 4 left early").accessible_checked();
    press(&window, "Participant 4 left early");
    assert_eq!(marked(&window), Some(true));
    assert_eq!(rect(&window, "Participant 4 left early"), before);
    press(&window, "Participant 4 left early");
    assert_eq!(marked(&window), Some(false));
    press(&window, "Participant 4 left early");
    let attendees = controller.kiosk().attendees();
    assert!(attendees.iter().find(|a| a.number == 4).unwrap().left_early);
    assert!(!attendees.iter().find(|a| a.number == 1).unwrap().left_early);
}

#[test]
fn a_barcode_scanner_adds_a_person_and_the_number_is_never_shown_in_large_type() {
    init_no_event_loop();
    let fixture = Fixture::new();
    let (window, controller) = window(fixture.open());
    start_session(&window, &controller, 1);
    press(&window, "Attendance");
    let attendance = window.global::<AttendanceAdapter>();
    // A keyboard-wedge scanner types the number and Enter, even after the
    // facilitator tapped another button.
    press(&window, "Add anonymous participant");
    type_keys(&window, "A7654BC\n");
    assert_eq!(attendance.get_message(), "Participant 2 added");
    assert_eq!(attendance.get_entry(), "");

    // While typed, only the last character shows, and only for a moment.
    tap_keys(&window, "Key", "C1234");
    assert!(!shows(&window, "C1234"));
    assert_eq!(attendance.invoke_masked("C1234".into(), true), "••••4");
    assert!(attendance.get_show_last());
    i_slint_backend_testing::mock_elapsed_time(std::time::Duration::from_millis(1500));
    assert!(!attendance.get_show_last());
    assert_eq!(attendance.invoke_masked("C1234".into(), false), "•••••");

    // A valid number typed but not added is not dropped at Done: asked.
    tap_keys(&window, "Key", "DE");
    press(&window, "Attendance done");
    assert_eq!(screen(&window), Screen::Attendance);
    assert!(attendance.get_pending());
    press(&window, "Add the typed number");
    assert_eq!(attendance.get_message(), "Participant 3 added");
    press(&window, "Attendance done");
    assert_eq!(screen(&window), Screen::Run);
    assert_eq!(controller.kiosk().attendees().len(), 3);
}

#[test]
fn the_notes_are_off_the_rooms_screen_and_a_glance_hides_by_itself() {
    init_no_event_loop();
    let fixture = Fixture::new();
    let (window, controller) = window(fixture.open());
    start_session(&window, &controller, 1);
    let note = controller
        .kiosk()
        .run_view()
        .unwrap()
        .phase
        .facilitator_notes[0]
        .clone();
    assert!(!shows(&window, &note));
    press(&window, "Glance at the facilitator notes");
    assert!(shows(&window, &note));
    fixture.clock.advance(Duration::seconds(5));
    tick();
    assert!(shows(&window, &note), "still there during the glance");
    fixture.clock.advance(Duration::seconds(4));
    tick();
    assert!(!shows(&window, &note), "gone by itself");
    // A phase change hides them too.
    press(&window, "Glance at the facilitator notes");
    next_phase(&window, &fixture);
    assert_eq!(window.global::<RunAdapter>().get_notes().row_count(), 0);
}

#[test]
fn the_phase_picture_is_shown_and_the_phase_pills_are_not_buttons() {
    init_no_event_loop();
    let fixture = Fixture::new();
    let (window, controller) = window(fixture.open());
    start_session(&window, &controller, 1);
    let has_media = controller.kiosk().run_view().unwrap().phase.media.is_some();
    assert!(has_media, "session 1's welcome has a picture in the sample");
    let picture = find(&window, "Picture for this phase");
    assert!(picture.size().width > 50.0 && picture.size().height > 50.0);
    let pill = find(&window, "Welcome, now");
    assert_ne!(
        pill.accessible_role(),
        Some(i_slint_backend_testing::AccessibleRole::Button)
    );
}

/// Every tool shows its picture beside its name (issue 10).
#[test]
fn the_tool_screen_shows_the_tools_picture() {
    init_no_event_loop();
    let fixture = Fixture::new();
    let (window, controller) = window(fixture.open());
    start_session(&window, &controller, 2);
    while !shows(&window, "Choose another tool") {
        next_phase(&window, &fixture);
    }
    open_first_tool(&window);
    let picture = find(&window, "Picture for this tool");
    assert!(picture.size().width > 30.0 && picture.size().height > 30.0);
}

fn open_first_tool(window: &AppWindow) {
    let name = window
        .global::<RunAdapter>()
        .get_tools()
        .row_data(0)
        .expect("main work has a tool")
        .name;
    press(window, &format!("Open {name}"));
}

#[test]
fn every_tool_of_every_session_opens_and_main_work_opens_any_tool() {
    init_no_event_loop();
    let fixture = Fixture::new();
    let (window, controller) = window(fixture.open());
    sign_in(&window, PIN);
    let programme = controller.kiosk().programme().unwrap().clone();
    for session in &programme.sessions {
        press(&window, "Start a session");
        let label = format!("Session {}: {}", session.number, session.title.standard);
        scroll_to(&window, &label);
        press(&window, &label);
        for (i, phase) in session.phases.iter().enumerate() {
            for id in &phase.tools {
                let name = &programme.tool(id).unwrap().name.standard;
                press(&window, &format!("Open {name}"));
                assert_eq!(window.global::<ToolAdapter>().get_name(), name.as_str());
                press(&window, "Close the tool");
            }
            if phase.kind == content_pack::PhaseKind::MainWork {
                press(&window, "Choose another tool");
                assert_eq!(screen(&window), Screen::Tools);
                let listed = window.global::<ToolPickerAdapter>().get_tools().row_count();
                assert_eq!(listed, programme.tools.len());
                let last = programme.tools.last().unwrap();
                scroll_to(&window, &format!("Open {}", last.name.standard));
                press(&window, &format!("Open {}", last.name.standard));
                assert_eq!(
                    window.global::<ToolAdapter>().get_name(),
                    last.name.standard.as_str()
                );
                press(&window, "Close the tool");
            } else {
                assert!(!shows(&window, "Choose another tool"));
            }
            if i + 1 < session.phases.len() {
                next_phase(&window, &fixture);
            }
        }
        let used = controller.kiosk().run_view().unwrap().tools_used;
        for id in session.tool_ids() {
            assert!(used.iter().any(|u| u == id), "{id} recorded as used");
        }
        press(&window, "Finish the session");
        press(&window, "End without recording");
        press(&window, "Yes, end without recording");
    }
}

/// Types into the worksheet box with this label, as the on-screen keyboard
/// or a keyboard would.
fn write_in_box(window: &AppWindow, label: &str, text: &str) {
    let text_edit = ElementHandle::find_by_accessible_label(window, label)
        .find(|e| {
            e.is_valid()
                && e.accessible_role() == Some(i_slint_backend_testing::AccessibleRole::TextInput)
        })
        .unwrap_or_else(|| panic!("no text box labelled {label:?}"));
    text_edit.set_accessible_value(text);
    settle();
}

#[test]
fn worksheet_text_survives_a_restart_and_is_gone_after_finish() {
    init_no_event_loop();
    let fixture = Fixture::new();
    let (tool_id, label, name, session) = {
        let k = fixture.open();
        let p = k.programme().unwrap();
        let s = p
            .sessions
            .iter()
            .find(|s| s.tool_ids().contains(&"cost-benefit"))
            .unwrap();
        let t = p.tool("cost-benefit").unwrap();
        (
            t.id.clone(),
            t.worksheet.fields[0].label.standard.clone(),
            t.name.standard.clone(),
            s.number,
        )
    };
    {
        let (window, controller) = window(fixture.open());
        start_session(&window, &controller, session);
        while !shows(&window, &format!("Open {name}")) {
            next_phase(&window, &fixture);
        }
        press(&window, &format!("Open {name}"));
        write_in_box(&window, &label, "time with my kids");
        assert_eq!(
            controller
                .kiosk()
                .worksheet_entry(&tool_id, 0)
                .unwrap()
                .text,
            "time with my kids"
        );
    }
    // A crash or a watchdog restart: the text is still there.
    let (window, controller) = window(fixture.open());
    sign_in(&window, PIN);
    press(&window, &format!("Open {name}"));
    let boxes = window.global::<ToolAdapter>().get_boxes();
    assert_eq!(boxes.row_data(0).unwrap().text, "time with my kids");
    press(&window, "Close the tool");
    press(&window, "Finish the session");
    press(&window, "Record the session");
    // Gone from the database and its files once the session ended, while
    // the kiosk is still running.
    assert!(controller.kiosk().run_view().is_none());
    let db = std::fs::read(fixture.data_dir().join("kiosk.db")).unwrap();
    let wal = std::fs::read(fixture.data_dir().join("kiosk.db-wal")).unwrap_or_default();
    for bytes in [db, wal] {
        assert!(
            !bytes.windows(17).any(|w| w == b"time with my kids"),
            "worksheet text left in the database files"
        );
    }
}

#[test]
fn home_notices_a_stick_and_offers_only_what_can_be_installed_even_during_a_session() {
    init_no_event_loop();
    let fixture = Fixture::new();
    let usb = fixture.dir.path().join("usb");
    let (window, controller) = window(fixture.open());
    sign_in(&window, PIN);
    // The stick's packs are checked by a worker; home says so meanwhile.
    assert!(shows(&window, "Checking the USB stick…"));
    assert!(!shows(&window, "Import content update"));
    stick_checked(&controller);
    assert!(shows(&window, "Import content update"));

    // The stick comes out while home shows.
    let away = fixture.dir.path().join("usb-away");
    std::fs::rename(&usb, &away).unwrap();
    tick();
    assert!(shows(&window, "No USB stick found."));
    assert!(!shows(&window, "Import content update"));
    assert_eq!(
        find(&window, "Export attendance").accessible_enabled(),
        Some(false)
    );
    std::fs::rename(&away, &usb).unwrap();
    tick();
    stick_checked(&controller);
    assert!(shows(&window, "Import content update"));

    // Start a session, then install the update from the stick during it:
    // the session carries on with the content it started with.
    start_session_from_home(&window, &controller);
    let text_before = window.global::<RunAdapter>().get_text();
    press(&window, "Home (the session stays open)");
    assert!(shows(&window, "Import content update"));
    let pack = controller
        .kiosk()
        .installable_offer()
        .unwrap()
        .unwrap()
        .path;
    controller.kiosk().import(&pack, &mut |_, _| {}).unwrap();
    controller.show(Screen::Home);
    assert!(!shows(&window, "Import content update"));
    stick_checked(&controller);
    // The pack on the stick is installed now: nothing is offered, and the
    // home screen says why.
    assert!(!shows(&window, "Import content update"));
    assert!(window
        .global::<HomeAdapter>()
        .get_stick_note()
        .contains("cannot be installed"));
    press(&window, "Carry on the session in progress");
    assert_eq!(window.global::<RunAdapter>().get_text(), text_before);
}

fn start_session_from_home(window: &AppWindow, controller: &kiosk::controller::Controller) {
    press(window, "Start a session");
    let label = {
        let k = controller.kiosk();
        let s = &k.sessions()[0];
        format!("Session {}: {}", s.number, s.title.standard)
    };
    press(window, &label);
}

#[test]
fn a_scrambled_pin_pad_changes_order_and_still_signs_in() {
    init_no_event_loop();
    let fixture = Fixture::new();
    let config = fixture.data_dir().join("kiosk.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(&config, format!("scramble_pin_pad = true\n{text}")).unwrap();
    let (window, controller) = window(fixture.open());
    let keys = |w: &AppWindow| -> Vec<String> {
        w.global::<SignInAdapter>()
            .get_keys()
            .iter()
            .map(|k| k.to_string())
            .collect()
    };
    let mut orders = std::collections::HashSet::new();
    for _ in 0..5 {
        controller.show(Screen::SignIn);
        let k = keys(&window);
        let mut digits: Vec<&String> = k.iter().filter(|d| !d.is_empty()).collect();
        digits.sort();
        assert_eq!(digits, ["0", "1", "2", "3", "4", "5", "6", "7", "8", "9"]);
        orders.insert(k);
    }
    assert!(orders.len() > 1, "the order changes");
    sign_in(&window, PIN);
    assert_eq!(screen(&window), Screen::Home);
}

#[test]
fn how_was_today_counts_hands_at_check_out_never_more_than_the_people_here() {
    init_no_event_loop();
    let fixture = Fixture::new();
    let (window, controller) = window(fixture.open());
    start_session(&window, &controller, 2);
    assert!(!shows(&window, "One hand more for It helped"));
    {
        let mut k = controller.kiosk();
        k.add_anonymous().unwrap();
        k.add_anonymous().unwrap();
    }
    while window.global::<RunAdapter>().get_can_go_next() {
        next_phase(&window, &fixture);
    }
    // Three taps for two people: the third does nothing.
    tap_times(&window, "One hand more for It helped", 3);
    assert!(shows(&window, "It helped: 2"));
    assert!(shows(&window, "2 of 2 people counted."));
    // A tap on the wrong answer, undone.
    press(&window, "One hand less for It helped");
    press(&window, "One hand more for It did not help");
    press(&window, "One hand less for It did not help");
    press(&window, "One hand more for It was OK");
    assert!(shows(&window, "It helped: 1"));
    assert!(shows(&window, "It was OK: 1"));
    assert!(shows(&window, "It did not help: 0"));
    let hands = controller.kiosk().run_state().unwrap().hands;
    assert_eq!((hands.helped, hands.ok, hands.not_helped), (1, 1, 0));
}
