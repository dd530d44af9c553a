//! The language switch, as a facilitator in a Welsh prison uses it: one tap
//! on the sign-in or run screen changes the screen's words and the room's
//! texts together, another changes them back, and nothing about the session
//! is lost. With `UPDATE_SCREENSHOTS=1` the Welsh screens are written to
//! `docs/screenshots/<size>/cy-*.png` (the layout tour checks they fit).

use kiosk::ui::{LanguageAdapter, RunAdapter, SignInAdapter, ToolAdapter};
use kiosk_core::Language;
use slint::{ComponentHandle, Model};

use crate::screenshots::snap;
use crate::util::*;

#[test]
fn one_tap_speaks_welsh_and_another_english_again_keeping_the_session() {
    // Read aloud in both languages, as a pack built with --speak.
    let fixture = Fixture::read_aloud();
    let (window, controller) = demo_window(&fixture);

    // The sign-in screen: the switch names Welsh in Welsh.
    assert_eq!(window.global::<LanguageAdapter>().get_other(), "Cymraeg");
    tap_keys(&window, "Digit", "27");
    press(&window, "Language: Cymraeg");
    assert_eq!(controller.kiosk().language(), Language::Cy);
    assert_eq!(window.global::<LanguageAdapter>().get_other(), "English");
    assert!(
        shows(&window, "Language: English"),
        "the switch offers English back"
    );
    let programme = window.global::<SignInAdapter>().get_programme();
    assert!(programme.contains("fersiwn"), "{programme}");
    snap(&window, "cy-01-sign-in");
    press(&window, "Clear all");

    // A session in Welsh: the phase's Welsh text, the Welsh pills.
    let session = controller.kiosk().programme().unwrap().sessions[0].clone();
    let cy = |t: &content_pack::ParticipantText| t.pick_in(Language::Cy, false).to_owned();
    start_session(&window, &controller, session.number);
    let run = window.global::<RunAdapter>();
    assert_eq!(run.get_text(), cy(&session.phases[0].text));
    assert_eq!(
        run.get_heading(),
        format!("Sesiwn 1: {}", cy(&session.title))
    );
    let pills: Vec<String> = run
        .get_phases()
        .iter()
        .map(|p| p.title.to_string())
        .collect();
    assert_eq!(pills[4], "Rownd gloi", "{pills:?}");
    // Read aloud reads the Welsh: its sentences are the Welsh text's.
    assert!(run.get_can_read_aloud());
    let aloud = kiosk_core::views::run(&controller.kiosk())
        .unwrap()
        .read_aloud
        .unwrap();
    assert_eq!(
        aloud.sentences,
        content_pack::readability::sentences(&cy(&session.phases[0].text))
    );
    snap(&window, "cy-04-run-welcome");

    // Back to English on the run screen, on the same phase, then Welsh again.
    next_phase(&window, &fixture);
    press(&window, "Language: English");
    assert_eq!(run.get_phase_index(), 1, "still on the check-in");
    assert_eq!(run.get_text(), session.phases[1].text.standard);
    press(&window, "Language: Cymraeg");
    assert_eq!(run.get_text(), cy(&session.phases[1].text));

    // Main work and its tool, in plain Welsh.
    while run.get_tools().row_count() == 0 {
        next_phase(&window, &fixture);
    }
    press(&window, "Plain language");
    let main = &session.phases[run.get_phase_index() as usize];
    assert_eq!(run.get_text(), main.text.pick_in(Language::Cy, true));
    snap(&window, "cy-06-run-main-work-plain");
    let tool_id = main.tools[0].clone();
    let tool = controller
        .kiosk()
        .programme()
        .unwrap()
        .tool(&tool_id)
        .unwrap()
        .clone();
    kiosk::adapters::tool::open(&controller, &tool_id);
    let shown = window.global::<ToolAdapter>();
    assert_eq!(shown.get_name(), tool.name.pick_in(Language::Cy, true));
    snap(&window, "cy-08-tool");
    as_if_reading_tool(&window, 2, 0);
    snap(&window, "cy-08b-tool-read-aloud");
    shown.set_reading(false);
    press(&window, "Close the tool");

    // Signing out goes back to the kiosk's own language, English.
    press(&window, "Home (the session stays open)");
    press(&window, "Sign out");
    assert_eq!(controller.kiosk().language(), Language::En);
    assert!(shows(&window, "Language: Cymraeg"));
}
