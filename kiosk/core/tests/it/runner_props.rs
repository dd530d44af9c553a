//! Properties of the session runner over random event sequences: it never
//! breaks its own invariants, and what SQLite gives back after every step is
//! exactly the state the runner holds (so a restart resumes it exactly). The
//! in-memory fake store and the SQLite store agree.

use chrono::Duration;
use content_pack::{
    ParticipantText, Phase, PhaseKind, Point, Session, Tool, Worksheet, WorksheetField,
    WorksheetKind,
};
use kiosk_core::db::Db;
use kiosk_core::runner::{step, Event, MemoryRunStore, RunContent, RunState, RunStore};
use kiosk_core::Pseudonymiser;
use proptest::prelude::*;

use crate::util::t0;

fn session() -> Session {
    Session {
        id: "s07".into(),
        number: 7,
        title: ParticipantText::new("Seven", "Seven"),
        points: vec![Point::Urges],
        minutes: 60,
        phases: PhaseKind::ORDER
            .iter()
            .map(|k| Phase {
                kind: *k,
                title: ParticipantText::new("t", "t"),
                minutes: 12,
                text: ParticipantText::new("s", "p"),
                facilitator_notes: vec!["n".into()],
                tools: vec![],
                media: None,
            })
            .collect(),
    }
}

fn content() -> RunContent {
    let tool = |id: &str| Tool {
        id: id.into(),
        name: ParticipantText::new(id.to_uppercase(), id),
        points: vec![Point::Urges],
        summary: ParticipantText::new("s", "s"),
        steps: vec![ParticipantText::new("one", "one")],
        picture: "media/p.svg".into(),
        worksheet: Worksheet {
            kind: WorksheetKind::Grid,
            fields: (0..4)
                .map(|i| WorksheetField {
                    label: ParticipantText::new(format!("box {i}"), format!("box {i}")),
                    prompt: ParticipantText::default(),
                })
                .collect(),
        },
    };
    RunContent {
        session: session(),
        tools: vec![tool("abc"), tool("disarm")],
        pictures: [("media/p.svg".to_owned(), b"<svg/>".to_vec())].into(),
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
        1 => (1u32..16, any::<bool>()).prop_map(|(number, left)| Event::LeftEarly { number, left }),
        1 => (1u32..16).prop_map(Event::Remove),
        2 => (prop::sample::select(vec!["abc", "disarm", "urge-log"]), 0usize..5, "[a-z ]{0,12}")
            .prop_map(|(t, field, text)| Event::Write { tool: t.into(), field, text }),
        1 => (prop::sample::select(vec!["abc", "disarm"]), 0usize..5, 0u8..12)
            .prop_map(|(t, field, score)| Event::Score { tool: t.into(), field, score }),
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
        let mut state = RunState::start("0123456789abcdef".into(), content(), "f1", 3, 12, now);
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
            prop_assert!(next.attendees.len() <= next.group_limit);
            prop_assert!(next.attendees.windows(2).all(|w| w[0].number < w[1].number));
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
        // Nothing written in a worksheet outlives the session.
        let left: i64 = db_rows(&dir.path().join("k.db"));
        prop_assert_eq!(left, 0);
        prop_assert!(fake.load_open().unwrap().is_none());
    }
}

fn db_rows(path: &std::path::Path) -> i64 {
    let conn = rusqlite::Connection::open(path).unwrap();
    conn.query_row("SELECT COUNT(*) FROM worksheets", [], |r| r.get(0))
        .unwrap()
}
