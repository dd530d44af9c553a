//! Properties of the session runner over random event sequences: it never
//! breaks its own invariants, and what SQLite gives back after every step is
//! exactly the state the runner holds (so a restart resumes it exactly). The
//! in-memory fake store and the SQLite store agree.

use chrono::Duration;
use content_pack::{ParticipantText, Phase, PhaseKind, Point, Session};
use kiosk_core::db::Db;
use kiosk_core::runner::{step, Event, MemoryRunStore, RunState, RunStore};
use kiosk_core::Pseudonymiser;
use proptest::prelude::*;

use crate::util::t0;

fn session() -> Session {
    Session {
        id: "s07".into(),
        number: 7,
        title: "Seven".into(),
        points: vec![Point::Urges],
        minutes: 60,
        phases: PhaseKind::ORDER
            .iter()
            .map(|k| Phase {
                kind: *k,
                title: "t".into(),
                minutes: 12,
                text: ParticipantText {
                    standard: "s".into(),
                    plain: "p".into(),
                },
                facilitator_notes: vec!["n".into()],
                tools: vec![],
                media: None,
            })
            .collect(),
    }
}

fn event() -> impl Strategy<Value = (u16, Event)> {
    let p = Pseudonymiser::new([3; 32]);
    let people: Vec<_> = (0..15)
        .map(|i| p.pseudonymise(&format!("A{:04}BC", i)).unwrap())
        .collect();
    let ev = prop_oneof![
        3 => Just(Event::Next),
        2 => Just(Event::Back),
        1 => prop::sample::select(vec!["abc", "disarm", "urge-log"])
            .prop_map(|t| Event::UseTool(t.into())),
        3 => prop::option::of(prop::sample::select(people)).prop_map(Event::Add),
        1 => (0usize..16, any::<bool>()).prop_map(|(index, left)| Event::LeftEarly { index, left }),
    ];
    (0u16..900, ev)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn sqlite_gives_back_exactly_the_runner_state(events in prop::collection::vec(event(), 1..60)) {
        let dir = tempfile::tempdir().unwrap();
        let mut db = Db::open(&dir.path().join("k.db")).unwrap();
        let mut fake = MemoryRunStore::default();
        let mut now = t0();
        let mut state = RunState::start("0123456789abcdef".into(), &session(), "f1", 3, now);
        db.create(&state).unwrap();
        fake.create(&state).unwrap();
        for (secs, ev) in events {
            now += Duration::seconds(i64::from(secs));
            let Ok((next, effects)) = step(&state, &ev, now) else {
                // A refused step changes nothing.
                continue;
            };
            prop_assert!(next.phase < next.phases.len());
            prop_assert!(next.reached >= next.phase);
            let spent: u64 = (0..next.phases.len()).map(|i| next.phase_elapsed_secs(i, now)).sum();
            prop_assert_eq!(spent, next.session_elapsed_secs(now));
            let mut seen = std::collections::HashSet::new();
            prop_assert!(next.attendees.iter().filter_map(|a| a.pseudonym).all(|p| seen.insert(p)));
            db.commit(&next, &effects).unwrap();
            fake.commit(&next, &effects).unwrap();
            state = next;
            let loaded = db.load_open().unwrap().unwrap();
            prop_assert_eq!(&loaded, &state);
            prop_assert_eq!(fake.load_open().unwrap().unwrap(), loaded);
        }
        let (done, effects) = step(&state, &Event::Finish, now).unwrap();
        db.commit(&done, &effects).unwrap();
        fake.commit(&done, &effects).unwrap();
        prop_assert!(db.load_open().unwrap().is_none());
        prop_assert!(fake.load_open().unwrap().is_none());
    }
}
