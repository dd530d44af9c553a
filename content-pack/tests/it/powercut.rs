//! Power-cut safety: an install stopped at any step (here, by a panic that
//! unwinds out of the install with no clean-up, as a crash would) leaves a
//! store that, once reopened, holds the complete old pack or the complete
//! new one.

use std::panic::{catch_unwind, AssertUnwindSafe};

use content_pack::*;

use crate::util::*;

/// Crashes the install at the `at`-th step or progress report.
struct CrashAt {
    at: usize,
    seen: usize,
    steps: Vec<InstallStep>,
}

impl CrashAt {
    fn tick(&mut self) {
        self.seen += 1;
        if self.seen == self.at {
            panic!("simulated power cut");
        }
    }
}

impl InstallObserver for CrashAt {
    fn progress(&mut self, _done: u64, _total: u64) {
        self.tick();
    }
    fn step(&mut self, step: InstallStep) -> std::ops::ControlFlow<()> {
        self.steps.push(step);
        self.tick();
        std::ops::ControlFlow::Continue(())
    }
}

/// Keeps the expected panics out of the test output.
fn quiet_simulated_panics() {
    static ONCE: std::sync::Once = std::sync::Once::new();
    ONCE.call_once(|| {
        let default = std::panic::take_hook();
        std::panic::set_hook(Box::new(move |info| {
            if info.payload().downcast_ref::<&str>() != Some(&"simulated power cut") {
                default(info);
            }
        }));
    });
}

/// The installed pack is whole: every listed file matches its hash.
fn assert_complete(store: &ContentStore) -> u64 {
    let installed = store.installed().unwrap().expect("a pack is installed");
    for f in &installed.manifest().files {
        installed.read_checked(&f.path).unwrap();
    }
    installed.programme().unwrap();
    installed.manifest().version
}

#[test]
fn an_install_cut_off_at_any_point_leaves_old_or_new() {
    let mut trials = 0;
    // Several media layouts, so files and folders are cut at different places.
    quiet_simulated_panics();
    for layout in 0..6usize {
        let fx = Fixture::new();
        let files: Vec<(String, Vec<u8>)> = (0..layout + 2)
            .map(|i| {
                (
                    format!("media/d{}/f{i}.bin", i % 2),
                    vec![i as u8; 1000 + i * (3 << 20) / 4],
                )
            })
            .collect();
        let refs: Vec<(&str, &[u8])> = files
            .iter()
            .map(|(n, d)| (n.as_str(), d.as_slice()))
            .collect();
        let media = fx.media(&refs);
        let old = fx.build_with(&tiny_programme("old"), 1, None, &media);
        let new = fx.build_with(&tiny_programme("new"), 2, None, &media);
        fx.install(&old).unwrap();

        // Count the points an install passes through.
        let mut probe = CrashAt {
            at: usize::MAX,
            seen: 0,
            steps: vec![],
        };
        let scratch = Fixture::new();
        let p = UnverifiedPack::open(&old, &Limits::default())
            .unwrap()
            .verify(&fx.trusted)
            .unwrap();
        scratch.store().install(p, t0(), &mut probe).unwrap();
        let points = probe.seen;
        assert!(probe.steps.contains(&InstallStep::Switched));

        for at in 1..=points {
            let verified = UnverifiedPack::open(&new, &Limits::default())
                .unwrap()
                .verify(&fx.trusted)
                .unwrap();
            let mut crash = CrashAt {
                at,
                seen: 0,
                steps: vec![],
            };
            let store = fx.store();
            let outcome = catch_unwind(AssertUnwindSafe(|| {
                store.install(verified, t0(), &mut crash)
            }));
            let switched = crash.steps.contains(&InstallStep::Switched);
            // Power back on: reopen and look.
            let store = fx.store();
            let version = assert_complete(&store);
            match (&outcome, switched) {
                (Ok(Ok(_)), _) | (Err(_), true) => assert_eq!(version, 2, "crash at {at}"),
                (Err(_), false) => assert_eq!(version, 1, "crash at {at}"),
                (Ok(Err(e)), _) => panic!("install failed without a crash: {e}"),
            }
            // Only the current pack is left behind after recovery.
            assert_eq!(
                std::fs::read_dir(fx.path("content/packs")).unwrap().count(),
                1
            );
            assert!(!fx.path("content/staging").exists());
            // Put the old pack back for the next trial, in a fresh store.
            if version == 2 {
                std::fs::remove_dir_all(fx.path("content")).unwrap();
                fx.install(&old).unwrap();
            }
            trials += 1;
        }
    }
    assert!(trials >= 100, "only {trials} trials");
}

#[test]
fn a_cut_off_install_can_be_retried() {
    let fx = Fixture::new();
    fx.install(&fx.build(1)).unwrap();
    let new = fx.build(2);
    let verified = UnverifiedPack::open(&new, &Limits::default())
        .unwrap()
        .verify(&fx.trusted)
        .unwrap();
    quiet_simulated_panics();
    let mut crash = CrashAt {
        at: 3,
        seen: 0,
        steps: vec![],
    };
    let store = fx.store();
    let _ = catch_unwind(AssertUnwindSafe(|| {
        store.install(verified, t0(), &mut crash)
    }));
    assert_eq!(assert_complete(&fx.store()), 1);
    fx.install(&new).unwrap();
    assert_eq!(assert_complete(&fx.store()), 2);
}

#[test]
fn cancelling_before_the_switch_keeps_the_old_pack() {
    struct CancelAt(InstallStep);
    impl InstallObserver for CancelAt {
        fn step(&mut self, step: InstallStep) -> std::ops::ControlFlow<()> {
            if step == self.0 {
                std::ops::ControlFlow::Break(())
            } else {
                std::ops::ControlFlow::Continue(())
            }
        }
    }
    let fx = Fixture::new();
    fx.install(&fx.build(1)).unwrap();
    let before = snapshot(&fx.path("content"));
    let new = fx.build(2);
    for step in [
        InstallStep::StagingCreated,
        InstallStep::FileWritten(1),
        InstallStep::PackPlaced,
        InstallStep::LinkMade,
    ] {
        let verified = UnverifiedPack::open(&new, &Limits::default())
            .unwrap()
            .verify(&fx.trusted)
            .unwrap();
        let err = fx
            .store()
            .install(verified, t0(), &mut CancelAt(step))
            .err()
            .unwrap();
        assert!(matches!(err, PackError::Cancelled), "{step:?}: {err:?}");
        assert_eq!(snapshot(&fx.path("content")), before, "{step:?}");
    }
}
