//! The facade as the UI uses it: sign-in and lockout, the session runner,
//! attendance, idle lock, resuming after a power cut, USB offers and import.

use chrono::Duration;
use kiosk_core::provision::set_facilitator_pin;
use kiosk_core::runner::RunError;
use kiosk_core::{AuthState, IdleState, KioskError, LockScope, OfferStatus, SignInError};

use crate::util::{provisioned, t0, FACILITATOR, PIN};

#[test]
fn wrong_pins_lock_that_facilitator_for_a_growing_time_that_survives_a_restart() {
    let tk = provisioned();
    set_facilitator_pin(&tk.dir, "f2", "583920", t0()).unwrap();
    let mut k = tk.open();
    assert_eq!(k.facilitator_ids().unwrap(), [FACILITATOR, "f2"]);
    let mut messages = vec![];
    for _ in 0..5 {
        let e = k.sign_in(FACILITATOR, "999999").unwrap_err();
        messages.push(e.to_string());
    }
    assert_eq!(
        messages,
        [
            "Wrong PIN. 4 tries left before sign-in locks.",
            "Wrong PIN. 3 tries left before sign-in locks.",
            "Wrong PIN. 2 tries left before sign-in locks.",
            "Wrong PIN. 1 try left before sign-in locks.",
            "Wrong PIN. Too many wrong PINs for f1: their sign-in is locked for 1 minute. \
             Other facilitators can still sign in.",
        ]
    );
    // A colleague is not locked out by f1's wrong PINs.
    assert_eq!(k.sign_in_locked(Some("f2")).unwrap(), None);
    k.sign_in("f2", "583920").unwrap();
    k.sign_out().unwrap();
    // Even f1's right PIN is refused while locked, and a restart does not help.
    drop(k);
    let mut k = tk.open();
    tk.clock.advance(Duration::seconds(30));
    let e = k.sign_in(FACILITATOR, PIN).unwrap_err();
    assert!(matches!(e, SignInError::Locked { .. }));
    let locked = "Too many wrong PINs for f1: their sign-in is locked for 30 seconds. \
                  Other facilitators can still sign in.";
    assert_eq!(e.to_string(), locked);
    assert_eq!(
        k.sign_in_locked(Some(FACILITATOR)).unwrap().as_deref(),
        Some(locked)
    );
    let listed = kiosk_core::provision::facilitators(&tk.dir).unwrap();
    assert!(listed[0].locked_until.is_some() && listed[1].locked_until.is_none());
    // The next wrong PIN after the lock doubles it.
    tk.clock.advance(Duration::seconds(31));
    assert_eq!(
        k.sign_in(FACILITATOR, "999999").unwrap_err().to_string(),
        "Wrong PIN. Too many wrong PINs for f1: their sign-in is locked for 2 minutes. \
         Other facilitators can still sign in."
    );
    tk.clock.advance(Duration::seconds(121));
    let ok = k.sign_in(FACILITATOR, PIN).unwrap();
    assert_eq!(ok.facilitator_id, FACILITATOR);
    assert!(!ok.session_in_progress);
    // Success resets the count.
    k.sign_out().unwrap();
    assert_eq!(
        k.sign_in(FACILITATOR, "999999").unwrap_err().to_string(),
        "Wrong PIN. 4 tries left before sign-in locks."
    );
    let audit: Vec<(String, String)> = k
        .audit_lines(100)
        .unwrap()
        .into_iter()
        .map(|l| (l.event, l.detail))
        .collect();
    for e in ["wrong-pin", "sign-in-locked", "sign-in", "sign-out"] {
        assert!(
            audit.iter().any(|(event, _)| event == e),
            "{e} in {audit:?}"
        );
    }
    assert!(audit.contains(&("sign-in-locked".into(), "f1 seconds=60".into())));
    assert!(audit.contains(&("wrong-pin".into(), "f1 failures=1 kiosk-failures=1".into())));
}

#[test]
fn a_new_pin_clears_that_facilitators_lock() {
    let tk = provisioned();
    let mut k = tk.open();
    for _ in 0..5 {
        k.sign_in(FACILITATOR, "999999").unwrap_err();
    }
    assert!(k.sign_in_locked(Some(FACILITATOR)).unwrap().is_some());
    drop(k);
    set_facilitator_pin(&tk.dir, FACILITATOR, "583920", t0()).unwrap();
    let mut k = tk.open();
    assert_eq!(k.sign_in_locked(Some(FACILITATOR)).unwrap(), None);
    k.sign_in(FACILITATOR, "583920").unwrap();
}

#[test]
fn trying_each_facilitator_in_turn_hits_the_kiosks_ceiling() {
    let tk = provisioned();
    set_facilitator_pin(&tk.dir, "f2", "583920", t0()).unwrap();
    set_facilitator_pin(&tk.dir, "f3", "720461", t0()).unwrap();
    let mut k = tk.open();
    // Four wrong PINs each for f1 and f2: nobody is locked yet.
    for who in [FACILITATOR, "f2"] {
        for _ in 0..4 {
            k.sign_in(who, "999999").unwrap_err();
        }
    }
    // f3 has four tries of their own left, but the kiosk has only two.
    assert_eq!(
        k.sign_in("f3", "999999").unwrap_err().to_string(),
        "Wrong PIN. 1 try left before sign-in locks."
    );
    assert_eq!(
        k.sign_in("f3", "999999").unwrap_err().to_string(),
        "Wrong PIN. Too many wrong PINs on this kiosk: sign-in is locked for everyone for 1 minute."
    );
    // Now even f3's right PIN waits, and so does everyone's.
    let e = k.sign_in("f3", "720461").unwrap_err();
    assert!(matches!(
        e,
        SignInError::Locked {
            scope: LockScope::Kiosk,
            ..
        }
    ));
    assert!(k.sign_in_locked(None).unwrap().is_some());
    // An id the screen should not have offered counts too.
    tk.clock.advance(Duration::seconds(61));
    assert!(matches!(
        k.sign_in("nobody", PIN),
        Err(SignInError::UnknownFacilitator(_))
    ));
    assert!(k.sign_in_locked(None).unwrap().is_some());
    tk.clock.advance(Duration::seconds(121));
    k.sign_in("f3", "720461").unwrap();
    // A sign-in clears the kiosk's count; f1's and f2's own counts stay.
    k.sign_out().unwrap();
    assert_eq!(
        k.sign_in("f2", "999999").unwrap_err().to_string(),
        "Wrong PIN. Too many wrong PINs for f2: their sign-in is locked for 1 minute. \
         Other facilitators can still sign in."
    );
}

#[test]
fn a_whole_session_with_twelve_attendees_and_a_summary() {
    let tk = provisioned();
    let mut k = tk.open();
    assert!(matches!(k.start_session("x"), Err(KioskError::NotSignedIn)));
    k.sign_in(FACILITATOR, PIN).unwrap();
    assert_eq!(k.programme_version(), Some(1));
    let session = k.sessions()[1].clone();
    assert!(matches!(
        k.start_session("no-such-session"),
        Err(KioskError::UnknownSession(_))
    ));
    let v = k.start_session(&session.id).unwrap();
    assert_eq!((v.phase_index, v.phase_count), (0, 5));
    assert!(!v.can_go_back && v.can_go_next);
    assert!(matches!(
        k.start_session(&session.id),
        Err(KioskError::SessionInProgress)
    ));
    assert!(matches!(k.previous_phase(), Err(KioskError::Run(_))));
    tk.clock.advance(Duration::minutes(7));
    let v = k.next_phase().unwrap();
    assert_eq!(v.phase_index, 1);
    assert_eq!(v.session_elapsed_secs, 420);
    assert_eq!(v.phase_elapsed_secs, 0);

    let numbers = [
        "A1234BC",
        "b2345cd",
        " C 3456 DE ",
        "D4567EF",
        "E5678FG",
        "F6789GH",
        "G7890HI",
        "H8901IJ",
        "I9012JK",
        "J0123KL",
        "K1234LM",
    ];
    for (i, n) in numbers.iter().enumerate() {
        let added = k.add_participant(n.to_string()).unwrap();
        assert_eq!(added.label, format!("Participant {}", i + 1));
        assert_eq!(
            added.message(content_pack::Language::En),
            format!("Participant {} added", i + 1)
        );
    }
    // The same person again (typed differently) is refused, naming the label.
    let e = k.add_participant("a 1234 bc".into()).unwrap_err();
    assert_eq!(
        e.to_string(),
        "that person is already here as Participant 1"
    );
    let e = k.add_participant("12345".into()).unwrap_err();
    assert!(matches!(e, KioskError::BadPrisonNumber));
    let added = k.add_anonymous().unwrap();
    assert_eq!((added.label.as_str(), added.count), ("Participant 12", 12));
    // A 13th is refused: the group limit (12 by default) holds.
    let e = k.add_participant("L2345MN".into()).unwrap_err();
    assert_eq!(
        e.to_string(),
        "the group is full: 12 is the most for one group; take someone off the list first, or run a second group"
    );
    let e = k.add_anonymous().unwrap_err();
    assert!(matches!(e, KioskError::Run(RunError::GroupFull(12))));
    // An extra tap on "anonymous" is undone; everyone keeps their number.
    k.remove_attendee(12).unwrap();
    k.remove_attendee(3).unwrap();
    assert!(matches!(k.remove_attendee(3), Err(KioskError::Run(_))));
    let added = k.add_anonymous().unwrap();
    assert_eq!(added.label, "Participant 12");
    let added = k.add_participant("L2345MN".into()).unwrap();
    assert_eq!(added.label, "Participant 13");
    assert_eq!(k.attendee_number("Participant 13"), Some(13));
    assert_eq!(k.attendee_number("Participant 3"), None);
    assert_eq!(k.attendee_number("Participant 0"), None);
    k.set_left_early(13, true).unwrap();
    k.set_left_early(4, true).unwrap();
    k.set_left_early(4, false).unwrap();
    assert!(matches!(
        k.set_left_early(20, true),
        Err(KioskError::Run(_))
    ));
    let list = k.attendees();
    assert_eq!(list.len(), 12);
    let numbers: Vec<u32> = list.iter().map(|a| a.number).collect();
    assert_eq!(numbers, [1, 2, 4, 5, 6, 7, 8, 9, 10, 11, 12, 13]);
    assert!(list[10].anonymous && !list[0].anonymous);
    assert!(list[11].left_early && !list[2].left_early);
    assert!(list.iter().all(|a| a.label.starts_with("Participant ")));

    let mut tools = vec![];
    while k.run_view().unwrap().can_go_next {
        tk.clock.advance(Duration::minutes(10));
        let v = k.next_phase().unwrap();
        for t in &v.phase.tools {
            k.use_tool(t).unwrap();
            k.use_tool(t).unwrap();
            tools.push(t.clone());
        }
    }
    assert!(matches!(k.next_phase(), Err(KioskError::Run(_))));
    assert!(matches!(
        k.use_tool("no-such-tool"),
        Err(KioskError::Run(RunError::UnknownTool(_)))
    ));
    let v = k.run_view().unwrap();
    assert_eq!(v.phase_index, 4);
    assert_eq!(v.tools_used, tools);
    assert_eq!(v.session_planned_minutes, session.minutes);
    tk.clock.advance(Duration::minutes(10));
    let s = k.finish_session().unwrap();
    assert_eq!((s.phases_done, s.phase_count), (5, 5));
    assert_eq!((s.attended, s.anonymous, s.left_early), (12, 1, 1));
    assert_eq!(s.elapsed_minutes, 7 + 3 * 10 + 10);
    let spent: Vec<u64> = s.phase_timings.iter().map(|t| t.elapsed_secs).collect();
    assert_eq!(spent, [420, 600, 600, 600, 600]);
    let planned: u32 = s.phase_timings.iter().map(|t| t.planned_minutes).sum();
    assert_eq!(planned, session.minutes);
    assert_eq!(s.planned_minutes, session.minutes);
    assert!(!s.tools_used.is_empty());
    assert!(k.run_view().is_none());
    assert_eq!(k.finished_sessions().unwrap(), 1);
    let backlog = k.export_backlog().unwrap();
    assert_eq!((backlog.sessions, backlog.attendances), (1, 12));
}

#[test]
fn idle_lock_is_short_outside_a_session_long_with_a_warning_during_one_and_resumes() {
    let tk = provisioned();
    let mut k = tk.signed_in();
    // Outside a session: 5 minutes, no warning.
    tk.clock.advance(Duration::minutes(4));
    assert_eq!(k.check_idle().unwrap(), IdleState::Active);
    k.touch();
    let id = k.sessions()[0].id.clone();
    k.start_session(&id).unwrap();
    tk.clock.advance(Duration::minutes(1));
    k.next_phase().unwrap();
    k.add_anonymous().unwrap();
    // During a session the group talks: 30 minutes, a countdown in the last 60 s.
    tk.clock.advance(Duration::minutes(28));
    assert_eq!(k.check_idle().unwrap(), IdleState::Active);
    tk.clock.advance(Duration::seconds(75));
    assert_eq!(
        k.check_idle().unwrap(),
        IdleState::Warning { seconds_left: 45 }
    );
    assert_eq!(
        kiosk_core::views::idle_warning(k.idle_state(), k.language()).unwrap(),
        "Nobody has touched the screen for a while. It locks in 0:45. Tap to keep it open."
    );
    // Any touch dismisses it.
    k.touch();
    assert_eq!(k.check_idle().unwrap(), IdleState::Active);
    tk.clock.advance(Duration::minutes(30));
    assert_eq!(k.check_idle().unwrap(), IdleState::Locked);
    assert_eq!(
        k.auth_state(),
        &AuthState::IdleLocked {
            facilitator_id: FACILITATOR.into()
        }
    );
    assert!(matches!(k.next_phase(), Err(KioskError::NotSignedIn)));
    assert!(matches!(k.add_anonymous(), Err(KioskError::NotSignedIn)));
    // The UI can still show what is in progress behind the lock.
    assert_eq!(k.run_view().unwrap().phase_index, 1);
    let again = k.sign_in(FACILITATOR, PIN).unwrap();
    assert!(again.session_in_progress);
    let v = k.run_view().unwrap();
    assert_eq!((v.phase_index, v.attendee_count), (1, 1));
}

#[test]
fn after_a_power_cut_the_session_resumes_at_the_same_phase_with_the_same_attendees() {
    let tk = provisioned();
    let mut k = tk.signed_in();
    let id = k.sessions()[2].id.clone();
    k.start_session(&id).unwrap();
    k.next_phase().unwrap();
    k.add_participant("A1234BC".into()).unwrap();
    k.add_anonymous().unwrap();
    k.set_left_early(1, true).unwrap();
    tk.clock.advance(Duration::minutes(2));
    k.next_phase().unwrap();
    tk.clock.advance(Duration::minutes(2));
    k.next_phase().unwrap();
    k.previous_phase().unwrap();
    k.write_worksheet("cost-benefit", 0, "more money for visits")
        .unwrap();
    k.set_display(kiosk_core::Display {
        text_size: 2,
        plain_words: true,
        volume: 3,
    })
    .unwrap();
    let before = k.run_view().unwrap();
    let attendees = k.attendees();
    drop(k); // the power goes
    let mut k = tk.open();
    assert_eq!(k.auth_state(), &AuthState::SignedOut);
    let v = k.run_view().unwrap();
    assert_eq!(v.session_id, id);
    assert_eq!(v.phase_index, before.phase_index);
    assert_eq!(v.tools_used, before.tools_used);
    assert_eq!(k.attendees(), attendees);
    // Worksheet text and the display settings survive the restart too.
    assert_eq!(
        k.worksheet_entry("cost-benefit", 0).unwrap().text,
        "more money for visits"
    );
    assert_eq!(
        k.display(),
        kiosk_core::Display {
            text_size: 2,
            plain_words: true,
            volume: 3,
        }
    );
    assert!(k.sign_in(FACILITATOR, PIN).unwrap().session_in_progress);
    // The same person is still recognised after the restart.
    assert!(k.add_participant("A1234BC".into()).is_err());
    k.discard_session().unwrap();
    assert!(k.run_view().is_none());
    drop(k);
    assert!(tk.open().run_view().is_none());
}

#[test]
fn usb_offers_show_version_and_signer_or_the_refusal_and_import_installs() {
    let tk = provisioned();
    let mut k = tk.open();
    let v2 = tk.pack(2);
    // An older pack, and a pack signed by an untrusted key.
    let v1 = tk.pack(1);
    let stranger = content_pack::generate_keys(content_pack::KeyProtection::Unencrypted).unwrap();
    let stranger = content_pack::SigningKey::from_text(&stranger.secret_key, None).unwrap();
    crate::util::build_sample(&stranger, 9, &tk.usb.join("stranger.iopack"));
    let offers = k.usb_offers().unwrap();
    let by_name = |n: &str| {
        offers
            .iter()
            .find(|o| o.file_name == n)
            .unwrap()
            .status
            .clone()
    };
    match by_name("sample-v2.iopack") {
        OfferStatus::Ready {
            version, signer, ..
        } => {
            assert_eq!(version, 2);
            assert_eq!(signer, tk.content_key.key_id().to_string());
        }
        other => panic!("{other:?}"),
    }
    assert!(
        matches!(by_name("sample-v1.iopack"), OfferStatus::Refused(r) if r.contains("version 1 is installed"))
    );
    let stranger = by_name("stranger.iopack");
    assert!(
        matches!(&stranger, OfferStatus::Refused(r) if r.contains("not a trusted key")),
        "{stranger:?}"
    );
    let e = k.import(&v1, &mut |_, _| {}).unwrap_err();
    assert!(e.to_string().contains("only a newer version"), "{e}");
    let mut last = (0, 0);
    let outcome = k.import(&v2, &mut |d, t| last = (d, t)).unwrap();
    assert_eq!(outcome.to_string(), "Installed programme version 2");
    assert_eq!(last.0, last.1);
    assert_eq!(k.programme_version(), Some(2));
    // During a session: the session keeps the content it started with,
    // even when the pack it came from is gone; the next one uses the new pack.
    k.sign_in(FACILITATOR, PIN).unwrap();
    let id = k.sessions()[0].id.clone();
    let before = k.start_session(&id).unwrap();
    let v3 = tk.pack(3);
    let outcome = k.import(&v3, &mut |_, _| {}).unwrap();
    assert_eq!(outcome.version, 3);
    assert_eq!(k.programme_version(), Some(3));
    let packs = tk.dir.join("content/packs");
    for old in std::fs::read_dir(&packs).unwrap() {
        let old = old.unwrap().path();
        if !old.ends_with(format!("v{:010}", 3)) && old.is_dir() {
            std::fs::remove_dir_all(&old).unwrap();
        }
    }
    drop(k);
    let mut k = tk.open();
    k.sign_in(FACILITATOR, PIN).unwrap();
    let during = k.run_view().unwrap();
    assert_eq!(during.phase, before.phase);
    k.finish_session().unwrap();
    let audit: Vec<String> = k
        .audit_lines(50)
        .unwrap()
        .into_iter()
        .map(|l| l.event)
        .collect();
    assert!(audit.contains(&"imported".to_string()));
    assert!(audit.contains(&"import-refused".to_string()));
}

#[test]
fn provisioning_refuses_to_overwrite_and_weak_pins() {
    use kiosk_core::provision::init_kiosk;
    let tk = provisioned();
    let opts = kiosk_core::InitOptions {
        site: "S".into(),
        wing: "W".into(),
        trusted_keys: tk.open().config().trusted_keys.clone(),
        idle_minutes: 5,
        language: content_pack::Language::En,
        usb_dir: tk.usb.clone(),
        overwrite: kiosk_core::Overwrite::Refuse,
        pseudonym_key: None,
    };
    assert!(matches!(
        init_kiosk(&tk.dir, &opts, crate::util::t0()),
        Err(KioskError::AlreadyProvisioned(_))
    ));
    for weak in ["0000", "000000", "123456", "987654", "12ab56"] {
        let e = set_facilitator_pin(&tk.dir, "f2", weak, crate::util::t0()).unwrap_err();
        assert!(matches!(e, KioskError::WeakPin(_)), "{weak}: {e}");
    }
    assert!(matches!(
        set_facilitator_pin(&tk.dir, "f2", PIN, crate::util::t0()),
        Err(KioskError::PinInUse)
    ));
    assert!(matches!(
        set_facilitator_pin(&tk.dir, "Jo Bloggs", "583920", crate::util::t0()),
        Err(KioskError::InvalidSetting(_))
    ));
    // Rotating f1's PIN: the old one stops working.
    let change = set_facilitator_pin(&tk.dir, FACILITATOR, "583920", crate::util::t0()).unwrap();
    assert_eq!(change, kiosk_core::PinChange::Rotated);
    let mut k = tk.open();
    assert!(k.sign_in(FACILITATOR, PIN).is_err());
    assert!(k.sign_in(FACILITATOR, "583920").is_ok());
    // Secrets are private to the kiosk user.
    use std::os::unix::fs::PermissionsExt;
    for f in ["secret", "kiosk.key", "kiosk.db", "kiosk.db-wal"] {
        let mode = std::fs::metadata(tk.dir.join(f))
            .unwrap()
            .permissions()
            .mode();
        assert_eq!(mode & 0o777, 0o600, "{f}");
    }
    let mode = std::fs::metadata(&tk.dir).unwrap().permissions().mode();
    assert_eq!(mode & 0o777, 0o700);
    let mut forced = opts.clone();
    forced.overwrite = kiosk_core::Overwrite::Replace;
    init_kiosk(&tk.dir, &forced, crate::util::t0()).unwrap();
    assert_eq!(tk.open().programme_version(), None);
}

/// The UI may move the kiosk to a worker thread for a long import or export.
#[test]
fn the_kiosk_can_move_to_another_thread() {
    fn send<T: Send>() {}
    send::<kiosk_core::Kiosk>();
}

#[test]
fn a_database_from_a_newer_kiosk_version_is_refused_not_damaged() {
    let tk = provisioned();
    let db = rusqlite::Connection::open(tk.dir.join("kiosk.db")).unwrap();
    db.pragma_update(None, "user_version", 99).unwrap();
    drop(db);
    let e = kiosk_core::Kiosk::open(&tk.dir, tk.clock.clone())
        .err()
        .unwrap();
    assert!(matches!(
        e,
        KioskError::SchemaTooNew {
            found: 99,
            supported: kiosk_core::db::SCHEMA_VERSION
        }
    ));
    assert!(e.to_string().contains("update the kiosk software"));
}

#[test]
fn site_and_wing_names_a_spreadsheet_would_run_are_refused() {
    use kiosk_core::provision::init_kiosk;
    let tk = provisioned();
    let trusted_keys = tk.open().config().trusted_keys.clone();
    let formulas = [
        "=HYPERLINK(\"http://x\",\"B\")",
        "@SUM(A1)",
        "+1",
        "-2+3",
        " B",
    ];
    for (n, name) in formulas.iter().enumerate() {
        for (site, wing) in [(*name, "B"), ("HMP Example", *name)] {
            let opts = kiosk_core::InitOptions {
                site: site.into(),
                wing: wing.into(),
                trusted_keys: trusted_keys.clone(),
                idle_minutes: 5,
                language: content_pack::Language::En,
                usb_dir: tk.usb.clone(),
                overwrite: kiosk_core::Overwrite::Refuse,
                pseudonym_key: None,
            };
            let dir = tk.tmp.path().join(format!("new-{n}-{}", site.len()));
            let e = init_kiosk(&dir, &opts, crate::util::t0()).unwrap_err();
            assert!(matches!(e, KioskError::InvalidSetting(_)), "{name}: {e}");
            assert!(e.to_string().contains("formula"), "{e}");
            assert!(!dir.join("kiosk.toml").exists());
        }
    }
    // The same rule when kiosk.toml is edited by hand.
    let config = tk.dir.join("kiosk.toml");
    let text = std::fs::read_to_string(&config).unwrap();
    std::fs::write(&config, text.replace("wing = \"B\"", "wing = \"=1+1\"")).unwrap();
    let e = kiosk_core::Kiosk::open(&tk.dir, tk.clock.clone())
        .err()
        .unwrap();
    assert!(matches!(e, KioskError::Config { .. }), "{e}");
    assert!(e.to_string().contains("formula"), "{e}");
}

#[test]
fn a_data_folder_left_to_another_user_is_named_with_the_fix() {
    // As a headless import run as root would leave it: here, the installed
    // pack's folder given to `nobody`. Needs root (CI runs as root).
    let tk = provisioned();
    let pack = std::fs::read_dir(tk.dir.join("content/packs"))
        .unwrap()
        .next()
        .unwrap()
        .unwrap()
        .path();
    std::os::unix::fs::chown(&pack, Some(65534), Some(65534))
        .expect("this test runs as root, to give a file to another user");
    let e = kiosk_core::Kiosk::open(&tk.dir, tk.clock.clone())
        .err()
        .unwrap();
    assert!(matches!(e, KioskError::WrongOwner { .. }), "{e}");
    let text = e.to_string();
    assert!(
        text.contains(&format!("{} belongs to", pack.display())),
        "{text}"
    );
    assert!(text.contains("chown -R kiosk:kiosk"), "{text}");
    assert!(!text.contains("disk"), "{text}");
}

#[test]
fn a_session_saved_by_an_older_build_resumes_after_an_upgrade() {
    // The content kept with a run in progress, as an older programme
    // format wrote it (texts as plain strings).
    let tk = provisioned();
    let mut k = tk.signed_in();
    let id = k.sessions()[0].id.clone();
    k.start_session(&id).unwrap();
    k.add_anonymous().unwrap();
    drop(k);
    let db = rusqlite::Connection::open(tk.dir.join("kiosk.db")).unwrap();
    let old = r#"{"session":{"id":"s01","number":1,"title":"Welcome","phases":[]},"tools":[],"pictures":{}}"#;
    db.execute("UPDATE runs SET content = ?1 WHERE ended IS NULL", [old])
        .unwrap();
    drop(db);
    let mut k = tk.signed_in();
    let view = k.run_view().expect("the session in progress is kept");
    assert_eq!(view.attendee_count, 1);
    assert_eq!(view.session_title, k.sessions()[0].title.standard);
    k.next_phase().unwrap();
}
