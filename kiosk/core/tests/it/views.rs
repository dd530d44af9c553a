//! The screens' view-models, read as the room's screen shows them: notes
//! only during a glance, Next never on the last phase, any tool only in main
//! work, only installable packs offered, a prison number only as dots.

use chrono::Duration;
use content_pack::PhaseKind;
use kiosk_core::views::{self, PillState};

use crate::util::provisioned;

#[test]
fn the_run_view_shows_the_notes_only_during_a_glance() {
    let tk = provisioned();
    let mut k = tk.signed_in();
    let id = k.sessions()[0].id.clone();
    k.start_session(&id).unwrap();
    let run = views::run(&k).unwrap();
    assert!(run.has_notes && run.notes.is_empty(), "hidden by default");
    k.glance_notes();
    assert!(!views::run(&k).unwrap().notes.is_empty());
    tk.clock.advance(Duration::seconds(7));
    assert!(!views::run(&k).unwrap().notes.is_empty());
    tk.clock.advance(Duration::seconds(2));
    assert!(
        views::run(&k).unwrap().notes.is_empty(),
        "hidden again by itself"
    );
    // A restart never brings them back.
    k.glance_notes();
    drop(k);
    let k = tk.signed_in();
    assert!(views::run(&k).unwrap().notes.is_empty());
}

#[test]
fn the_run_view_offers_next_finish_and_tools_as_the_phase_allows() {
    let tk = provisioned();
    let mut k = tk.signed_in();
    let session = k.sessions()[1].clone();
    k.start_session(&session.id).unwrap();
    for (i, phase) in session.phases.iter().enumerate() {
        let run = views::run(&k).unwrap();
        assert_eq!(run.phase_title, phase.title.standard);
        assert_eq!(run.can_go_next, i + 1 < session.phases.len());
        assert_eq!(run.any_tool, phase.kind == PhaseKind::MainWork);
        let ids: Vec<&str> = run.tools.iter().map(|t| t.id.as_str()).collect();
        let want: Vec<&str> = phase.tools.iter().map(String::as_str).collect();
        assert_eq!(ids, want);
        let current: Vec<usize> = run
            .pills
            .iter()
            .enumerate()
            .filter(|(_, p)| p.state == PillState::Current)
            .map(|(n, _)| n)
            .collect();
        assert_eq!(current, [i]);
        tk.clock.advance(Duration::minutes(5));
        if run.can_go_next {
            k.next_phase().unwrap();
        }
    }
    // Every tool of the programme can be opened from the picker.
    let all = views::tool_choices(&k);
    assert_eq!(all.len(), k.programme().unwrap().tools.len());
    for t in &all {
        let screen = views::tool(&k, &t.id).unwrap();
        assert!(!screen.boxes.is_empty(), "{} has a worksheet", t.id);
    }
}

#[test]
fn the_first_sessions_welcome_carries_its_picture_into_the_run() {
    let tk = provisioned();
    let mut k = tk.signed_in();
    let first = k.sessions()[0].clone();
    let media = first.phases[0]
        .media
        .clone()
        .expect("the sample has a picture");
    k.start_session(&first.id).unwrap();
    let picture = views::run(&k).unwrap().picture.expect("shown");
    let on_disk = std::fs::read(tk.dir.join("content/current").join(&media)).unwrap();
    assert_eq!(picture, on_disk);
}

#[test]
fn home_offers_only_a_pack_that_can_be_installed_and_says_why_not() {
    let tk = provisioned();
    let k = tk.signed_in();
    // Home is filled at once; the stick's packs are checked apart (off the
    // UI thread), and until then the screen says so.
    let home = views::home(&k, None).unwrap();
    assert_eq!(home.stick_note, "Checking the USB stick…");
    let scanned = |k: &kiosk_core::Kiosk| {
        let offers = k.stick_scan().unwrap().offers().unwrap();
        views::home(k, Some(&offers)).unwrap()
    };
    let home = scanned(&k);
    assert!(home.stick_in && home.import_offer.is_none());
    assert_eq!(home.stick_note, "No content update on the USB stick.");
    assert!(!home.can_export, "nothing waiting");
    let v1 = tk.pack(1);
    let home = scanned(&k);
    assert!(home.import_offer.is_none());
    assert!(
        home.stick_note
            .starts_with("sample-v1.iopack cannot be installed:"),
        "{}",
        home.stick_note
    );
    tk.pack(2);
    let home = scanned(&k);
    assert!(home
        .import_offer
        .unwrap()
        .starts_with("Programme version 2 is on the stick"));
    std::fs::remove_file(v1).unwrap();
    std::fs::remove_dir_all(&tk.usb).unwrap();
    let home = views::home(&k, None).unwrap();
    assert!(!home.stick_in && home.import_offer.is_none());
    assert_eq!(home.stick_note, "No USB stick found.");
    assert_eq!(home.export_button, "Insert a USB stick to export");
}

#[test]
fn a_typed_prison_number_is_only_dots_and_briefly_its_last_character() {
    assert_eq!(views::masked_entry("", true), "");
    assert_eq!(views::masked_entry("A", true), "A");
    assert_eq!(views::masked_entry("A1234BC", true), "••••••C");
    assert_eq!(views::masked_entry("A1234BC", false), "•••••••");
}

#[test]
fn the_attendance_view_keeps_numbers_and_says_when_the_group_is_full() {
    let tk = provisioned();
    let mut k = tk.signed_in();
    let id = k.sessions()[0].id.clone();
    k.start_session(&id).unwrap();
    assert_eq!(views::attendance(&k).hint, "Nobody added yet.");
    for _ in 0..12 {
        k.add_anonymous().unwrap();
    }
    k.remove_attendee(5).unwrap();
    let a = views::attendance(&k);
    assert_eq!(a.count_line, "11 of 12 in the group");
    assert!(!a.full);
    assert_eq!(a.rows[4].label, "Participant 6 (anonymous)");
    k.add_anonymous().unwrap();
    let a = views::attendance(&k);
    assert!(a.full);
    assert_eq!(
        a.hint,
        "The group is full (12). Take someone off the list to add another."
    );
    assert_eq!(a.rows.last().unwrap().number, 13);
}

#[test]
fn a_stick_of_many_packs_and_hostile_names_is_checked_within_bounds() {
    let tk = provisioned();
    let k = tk.signed_in();
    let pack = tk.pack(2);
    for n in 0..kiosk_core::MAX_OFFERS + 5 {
        std::fs::copy(&pack, tk.usb.join(format!("copy-{n:03}.iopack"))).unwrap();
    }
    // A name that would clear a terminal, and a link (FAT sticks have none;
    // a folder standing in for a stick may).
    let evil = tk.usb.join("a\x1b[2J.iopack");
    std::fs::copy(&pack, &evil).unwrap();
    std::os::unix::fs::symlink("/etc/shadow", tk.usb.join("a-link.iopack")).unwrap();
    let offers = k.stick_scan().unwrap().offers().unwrap();
    assert_eq!(offers.len(), kiosk_core::MAX_OFFERS);
    assert_eq!(offers[0].file_name, "a\\u{1b}[2J.iopack");
    assert!(offers.iter().all(|o| !o.file_name.contains("a-link")));
}

/// With plain words on, every text the room sees switches to its plain
/// version: the heading, the phase title and text, the tools' names, and
/// the tool screen's name, summary, steps, box labels and prompts (issue 10).
#[test]
fn plain_words_switch_every_participant_text_of_the_run_and_tool_screens() {
    let tk = provisioned();
    let mut k = tk.signed_in();
    let programme = k.programme().unwrap().clone();
    let session = k
        .sessions()
        .iter()
        .find(|s| s.tool_ids().contains(&"cost-benefit"))
        .unwrap()
        .clone();
    k.start_session(&session.id).unwrap();
    let display = |plain_words| kiosk_core::Display {
        plain_words,
        ..Default::default()
    };
    for plain in [false, true] {
        k.set_display(display(plain)).unwrap();
        let run = views::run(&k).unwrap();
        let phase = &session.phases[0];
        assert_eq!(run.phase_title, phase.title.pick(plain));
        assert_eq!(run.text, phase.text.pick(plain));
        assert!(
            run.heading.ends_with(session.title.pick(plain)),
            "{}",
            run.heading
        );
        for tool in &programme.tools {
            let screen = views::tool(&k, &tool.id).unwrap();
            assert_eq!(screen.name, tool.name.pick(plain));
            assert_eq!(screen.summary, tool.summary.pick(plain));
            let steps: Vec<&str> = tool.steps.iter().map(|s| s.pick(plain)).collect();
            assert_eq!(screen.steps, steps);
            for (b, f) in screen.boxes.iter().zip(&tool.worksheet.fields) {
                assert_eq!(b.label, f.label.pick(plain));
                assert_eq!(b.prompt, f.prompt.pick(plain));
            }
        }
        let names: Vec<String> = views::tool_choices(&k)
            .into_iter()
            .map(|t| t.name)
            .collect();
        let want: Vec<&str> = programme.tools.iter().map(|t| t.name.pick(plain)).collect();
        assert_eq!(names, want);
    }
    // Every tool's picture is carried into the run and shown on its screen.
    for tool in &programme.tools {
        let picture = views::tool(&k, &tool.id).unwrap().picture;
        let svg = picture.unwrap_or_else(|| panic!("tool {} has no picture", tool.id));
        assert!(svg.starts_with(b"<svg"), "tool {}", tool.id);
    }
    // The two versions differ somewhere, so the test can tell them apart.
    let cba = programme.tool("cost-benefit").unwrap();
    assert_ne!(cba.name.standard, cba.name.plain);
}

/// The facilitator safety and disclosure guide is in the facilitator's view:
/// after the phase's notes while the facilitator glances at them, and never
/// on the room's screen otherwise (issue 10).
#[test]
fn the_safety_guide_shows_with_the_notes_glance_and_only_then() {
    let tk = provisioned();
    let mut k = tk.signed_in();
    let guide = k.programme().unwrap().safety_guide.clone();
    assert!(
        guide.len() >= 10,
        "the sample's guide has {} sections",
        guide.len()
    );
    let id = k.sessions()[0].id.clone();
    k.start_session(&id).unwrap();
    let run = views::run(&k).unwrap();
    assert!(run.notes.is_empty());
    k.glance_notes();
    let notes = views::run(&k).unwrap().notes;
    let phase_notes = k.sessions()[0].phases[0].facilitator_notes.len();
    assert_eq!(notes.len(), phase_notes + guide.len());
    for (line, section) in notes[phase_notes..].iter().zip(&guide) {
        assert!(line.starts_with(views::SAFETY_GUIDE), "{line}");
        assert!(line.contains(&section.title), "{line}");
        assert!(line.contains(&section.steps[0]), "{line}");
    }
    assert!(notes.iter().any(|n| n.contains("ACCT")));
    tk.clock.advance(Duration::seconds(9));
    assert!(
        views::run(&k).unwrap().notes.is_empty(),
        "hidden again by itself"
    );
}

#[test]
fn how_was_today_is_offered_at_check_out_counts_hands_and_survives_a_restart() {
    use kiosk_core::Answer;
    let tk = provisioned();
    let mut k = tk.signed_in();
    let id = k.sessions()[0].id.clone();
    k.start_session(&id).unwrap();
    assert!(views::run(&k).unwrap().hands.is_none(), "only at check-out");
    let e = k.count_hand(Answer::Helped, true).unwrap_err();
    assert!(e.to_string().contains("at check-out"), "{e}");
    while k.run_view().unwrap().can_go_next {
        tk.clock.advance(chrono::Duration::minutes(15));
        k.next_phase().unwrap();
    }
    let panel = views::run(&k).unwrap().hands.unwrap();
    assert_eq!(panel.counted, "Nobody is on the attendance yet.");
    assert!(!panel.can_add);
    let e = k.count_hand(Answer::Helped, true).unwrap_err();
    assert!(e.to_string().contains("add the group first"), "{e}");

    for n in ["A1234BC", "B2345CD", "C3456DE"] {
        k.add_participant(n.into()).unwrap();
    }
    assert_eq!(
        views::run(&k).unwrap().hands.unwrap().counted,
        "Not asked yet."
    );
    k.count_hand(Answer::Helped, true).unwrap();
    k.count_hand(Answer::Helped, true).unwrap();
    k.count_hand(Answer::NotHelped, true).unwrap();
    let panel = views::run(&k).unwrap().hands.unwrap();
    let shown: Vec<(String, u32)> = panel
        .answers
        .iter()
        .map(|a| (a.label.clone(), a.count))
        .collect();
    assert_eq!(
        shown,
        [
            ("It helped".to_owned(), 2),
            ("It was OK".to_owned(), 0),
            ("It did not help".to_owned(), 1)
        ]
    );
    assert_eq!(panel.counted, "3 of 3 people counted.");
    assert!(!panel.can_add);
    let e = k.count_hand(Answer::Ok, true).unwrap_err();
    assert!(e.to_string().starts_with("3 people are here"), "{e}");
    // A tap too many, undone.
    k.count_hand(Answer::NotHelped, false).unwrap();
    k.count_hand(Answer::Ok, true).unwrap();

    drop(k); // the power goes
    let k = tk.open();
    let panel = views::run(&k).unwrap().hands.unwrap();
    let counts: Vec<u32> = panel.answers.iter().map(|a| a.count).collect();
    assert_eq!(counts, [2, 1, 0]);
}

/// The language switch changes the screen's words and the room's texts at
/// once; a sign-out goes back to the kiosk's own language, which
/// `kiosk.toml` sets.
#[test]
fn in_welsh_the_run_view_shows_the_welsh_texts_and_words_until_sign_out() {
    use content_pack::Language;
    let tk = provisioned();
    let mut k = tk.signed_in();
    let session = k.sessions()[0].clone();
    k.start_session(&session.id).unwrap();
    let english = views::run(&k).unwrap();
    k.set_language(Language::Cy);
    let welsh = views::run(&k).unwrap();
    let phase = &session.phases[0];
    let cy = &phase.text.translations[&Language::Cy];
    assert_eq!(welsh.text, cy.standard);
    assert_eq!(
        welsh.phase_title,
        phase.title.translations[&Language::Cy].standard
    );
    assert_eq!(
        welsh.heading,
        format!(
            "Sesiwn 1: {}",
            session.title.translations[&Language::Cy].standard
        )
    );
    assert_eq!(welsh.pills[1].title, "Rownd agoriadol");
    assert!(
        welsh.progress.starts_with("Rhan 1 o 5"),
        "{}",
        welsh.progress
    );
    assert_ne!(welsh.attendance, english.attendance);
    // Plain words in Welsh are the plain Welsh.
    let d = k.display();
    k.set_display(kiosk_core::Display {
        plain_words: true,
        ..d
    })
    .unwrap();
    assert_eq!(views::run(&k).unwrap().text, cy.plain);
    // The tool screen and the session list speak Welsh too.
    let tool_id = session.phases[3].tools[0].clone();
    let tool = views::tool(&k, &tool_id).unwrap();
    let content = k.programme().unwrap().tool(&tool_id).unwrap().clone();
    assert_eq!(tool.name, content.name.translations[&Language::Cy].plain);
    assert_eq!(
        tool.steps[0],
        content.steps[0].translations[&Language::Cy].plain
    );
    assert!(views::choose(&k)[0].title.starts_with("Pwynt 1: "));
    // Its picture is the Welsh one (its words in Welsh), and so is the
    // welcome's picture of the 4 points; in English, the pictures themselves.
    let picture = |path: &str| std::fs::read(crate::util::sample_dir().join(path)).unwrap();
    assert_eq!(
        session.phases[0].media.as_deref(),
        Some("media/four-points.svg")
    );
    assert_eq!(
        tool.picture,
        Some(picture(&format!("media/cy/tool-{tool_id}.svg")))
    );
    assert_eq!(
        views::run(&k).unwrap().picture,
        Some(picture("media/cy/four-points.svg"))
    );
    k.set_language(Language::En);
    let tool_in_english = views::tool(&k, &tool_id).unwrap().picture;
    assert_eq!(
        tool_in_english,
        Some(picture(&format!("media/tool-{tool_id}.svg")))
    );
    assert_eq!(
        views::run(&k).unwrap().picture,
        Some(picture("media/four-points.svg"))
    );
    k.set_language(Language::Cy);

    k.sign_out().unwrap();
    assert_eq!(
        k.language(),
        Language::En,
        "back to the kiosk's own language"
    );

    // A kiosk set up in Welsh starts in Welsh, and goes back to it.
    let dir = kiosk_core::DataDir::new(&tk.dir);
    let mut config = kiosk_core::KioskConfig::load(&dir).unwrap();
    config.language = Language::Cy;
    std::fs::write(dir.config(), config.to_toml().unwrap()).unwrap();
    let mut k = tk.open();
    assert_eq!(k.language(), Language::Cy);
    assert!(views::sign_in(&k, None)
        .unwrap()
        .programme
        .contains("fersiwn"));
    k.set_language(Language::En);
    k.sign_in(crate::util::FACILITATOR, crate::util::PIN)
        .unwrap();
    k.sign_out().unwrap();
    assert_eq!(k.language(), Language::Cy);
}
