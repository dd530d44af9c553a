//! `simulate`: runs many sessions through the real facade and runner with
//! synthetic prison numbers, for demos, benchmarks and load tests.
//!
//! The numbers come from a seeded generator ([`synthetic_numbers`]), so a test
//! can make the same list and check that none of them was written anywhere.
//! A session left in progress (for example by killing the process) is
//! finished first, from the phase it had reached.

use std::sync::Arc;

use chrono::Duration;
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::{Rng, SeedableRng};

use crate::clock::{Clock, FakeClock};
use crate::error::KioskError;
use crate::kiosk::Kiosk;
use crate::runner::{Answer, RunState};

/// What to simulate.
///
/// For a prison's worth of data for the service report, run it on each
/// wing's kiosk with the same `people_seed` (and the kiosks sharing a site
/// pseudonym key): the wings then draw their groups from one list of
/// synthetic people, each wing from its own window of it (`pool_offset`,
/// `pool`), so windows that overlap are people who moved between wings.
/// `days` spreads the sessions over that many days back from now.
#[derive(Debug, Clone, Copy, Default)]
pub struct SimulateOptions {
    /// Sessions to run.
    pub sessions: u32,
    /// Attendees per session.
    pub group_size: u32,
    /// Seed for the choices (and the synthetic numbers, unless `people_seed`).
    pub seed: u64,
    /// Seed for the list of synthetic people, shared by the wings of one
    /// simulated prison.
    pub people_seed: Option<u64>,
    /// How many people this kiosk draws from (default [`pool_size`]).
    pub pool: Option<usize>,
    /// Where in the shared list this kiosk's people start.
    pub pool_offset: usize,
    /// Days the sessions are spread over, ending two hours ago (default: one
    /// session every 20 hours).
    pub days: Option<u32>,
}

impl SimulateOptions {
    /// The synthetic prison numbers this simulation draws from.
    pub fn people(&self) -> Vec<String> {
        let seed = self.people_seed.unwrap_or(self.seed);
        let pool = self.pool.unwrap_or_else(|| pool_size(self.group_size));
        let mut all = synthetic_numbers(seed, self.pool_offset + pool);
        all.split_off(self.pool_offset)
    }

    /// Time from the start of one session to the start of the next.
    fn interval(&self) -> Duration {
        match self.days {
            Some(days) => {
                (Duration::days(i64::from(days)) / self.sessions.max(1) as i32).max(MIN_INTERVAL)
            }
            None => SESSION_INTERVAL,
        }
    }
}

/// A committed step, reported as the simulation goes (for tests and progress).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum SimStep {
    /// The open session is at `phase` with `attendees`; `finished` sessions
    /// have ended so far in this data folder.
    Progress {
        /// Run uid.
        run: String,
        /// Phase index.
        phase: usize,
        /// Attendees.
        attendees: usize,
        /// Finished sessions in the database.
        finished: u64,
    },
    /// A session ended; `finished` is the new total.
    Finished {
        /// Finished sessions in the database.
        finished: u64,
    },
}

/// The `n` synthetic prison numbers a seed gives (shape `A1234BC`).
pub fn synthetic_numbers(seed: u64, n: usize) -> Vec<String> {
    let mut rng = StdRng::seed_from_u64(seed ^ 0x5eed_0f1d);
    let letter = |rng: &mut StdRng| char::from(b'A' + rng.gen_range(0..26u8));
    let mut out: Vec<String> = Vec::with_capacity(n);
    while out.len() < n {
        let s = format!(
            "{}{:04}{}{}",
            letter(&mut rng),
            rng.gen_range(0..10_000),
            letter(&mut rng),
            letter(&mut rng)
        );
        if !out.contains(&s) {
            out.push(s);
        }
    }
    out
}

/// The size of the pool of people a simulation draws from.
pub fn pool_size(group_size: u32) -> usize {
    (group_size as usize * 3).max(20)
}

/// Time from the start of one simulated session to the start of the next.
const SESSION_INTERVAL: Duration = Duration::hours(20);
/// The least time between sessions (a session takes at most 100 minutes).
const MIN_INTERVAL: Duration = Duration::hours(2);

/// Runs the simulation. The kiosk must have been opened with `clock`.
pub fn simulate(
    kiosk: &mut Kiosk,
    clock: &Arc<FakeClock>,
    opts: SimulateOptions,
    report: &mut dyn FnMut(SimStep),
) -> Result<u64, KioskError> {
    kiosk.sign_in_headless("simulate")?;
    let people = opts.people();
    let interval = opts.interval();
    let mut rng = StdRng::seed_from_u64(opts.seed);
    let mut finished = kiosk.finished_sessions()?;
    // Run the sessions in the past, one every `interval`, the last starting
    // two hours ago (a session takes at most 100 minutes), so the kiosk's
    // time, which never goes back, is not left ahead of the real time.
    let first = clock.now()
        - interval * i32::try_from(opts.sessions.saturating_sub(1)).unwrap_or(i32::MAX)
        - Duration::hours(2);
    clock.set(first);
    kiosk.let_time_go_back();
    let mut next_start = first;
    let progress = |k: &Kiosk, finished: u64, report: &mut dyn FnMut(SimStep)| {
        if let Some((run, phase, attendees)) = k.run_position() {
            report(SimStep::Progress {
                run,
                phase,
                attendees,
                finished,
            });
        }
    };
    let sessions: Vec<String> = kiosk.sessions().iter().map(|s| s.id.clone()).collect();
    if sessions.is_empty() {
        return Err(KioskError::NoProgramme);
    }
    let mut done = 0u64;
    while done < u64::from(opts.sessions) {
        if kiosk.run_view().is_none() {
            let id = &sessions[(finished as usize) % sessions.len()];
            clock.set(next_start.max(clock.now()));
            next_start = clock.now() + interval;
            kiosk.start_session(id)?;
            progress(kiosk, finished, report);
        }
        // Attendance at check-in.
        while kiosk.run_view().is_some_and(|v| v.phase_index < 1) {
            clock.advance(Duration::minutes(5));
            kiosk.next_phase()?;
            progress(kiosk, finished, report);
        }
        let want = (opts.group_size as usize).min(kiosk.config().group_limit);
        if kiosk.attendees().len() < want {
            let mut group: Vec<&String> = people.iter().collect();
            group.shuffle(&mut rng);
            let anonymous_at = rng.gen_range(0..want.max(1) * 4);
            for (i, number) in group.into_iter().enumerate().skip(kiosk.attendees().len()) {
                if kiosk.attendees().len() >= want {
                    break;
                }
                let result = if i == anonymous_at {
                    kiosk.add_anonymous()
                } else {
                    kiosk.add_participant(number.clone())
                };
                match result {
                    Ok(_) | Err(KioskError::Run(crate::runner::RunError::AlreadyHere(_))) => {}
                    Err(e) => return Err(e),
                }
                progress(kiosk, finished, report);
            }
            if want >= 3 && rng.gen_bool(0.3) {
                kiosk.set_left_early(want as u32, true)?;
                progress(kiosk, finished, report);
            }
        }
        while let Some(v) = kiosk.run_view() {
            for tool in &v.phase.tools {
                kiosk.use_tool(tool)?;
            }
            clock.advance(Duration::minutes(i64::from(v.phase_planned_minutes)));
            if !v.can_go_next {
                break;
            }
            kiosk.next_phase()?;
            progress(kiosk, finished, report);
        }
        // "How was today?" at most check-outs: most hands go up, most say
        // it helped.
        let ask = kiosk
            .run_state()
            .is_some_and(|s| s.at_check_out() && !s.hands.asked());
        if ask && rng.gen_bool(0.8) {
            let present = kiosk.run_state().map_or(0, RunState::present);
            for _ in 0..present {
                let answer = match rng.gen_range(0..20) {
                    0..=2 => continue,
                    3..=12 => Answer::Helped,
                    13..=17 => Answer::Ok,
                    _ => Answer::NotHelped,
                };
                kiosk.count_hand(answer, true)?;
            }
        }
        kiosk.finish_session()?;
        finished += 1;
        done += 1;
        report(SimStep::Finished { finished });
    }
    Ok(done)
}
