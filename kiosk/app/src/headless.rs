//! The headless subcommands: `import`, `export`, `simulate`. They call the same
//! kiosk-core code as the UI, print one line of result on stdout, and return
//! errors for `main` to print as one line on stderr.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use anyhow::Context;
use clap::Subcommand;
use kiosk_core::simulate::{simulate, SimStep, SimulateOptions};
use kiosk_core::{ExportScope, FakeClock, Kiosk, SystemClock};

/// A headless command.
#[derive(Subcommand)]
pub enum Command {
    /// Verify and install a content pack (the same checks as the import screen).
    Import {
        /// The pack file (*.iopack).
        pack: PathBuf,
    },
    /// Write a signed attendance export bundle into a folder (e.g. a USB stick).
    Export {
        /// The folder to write the bundle into.
        #[arg(long, value_name = "DIR")]
        to: PathBuf,
        /// Export every finished session, not only those since the last export.
        #[arg(long)]
        all: bool,
    },
    /// Run N sessions through the real session runner with synthetic prison
    /// numbers (for demos, benchmarks and load tests).
    Simulate {
        /// How many sessions.
        #[arg(long)]
        sessions: u32,
        /// Attendees per session.
        #[arg(long)]
        group_size: u32,
        /// Seed for the synthetic numbers and choices.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Seed for the list of synthetic people: give the wings of one
        /// simulated prison the same one (and one site pseudonym key), so
        /// the same people attend on several wings.
        #[arg(long, value_name = "SEED")]
        people_seed: Option<u64>,
        /// How many people this wing draws its groups from.
        #[arg(long, value_name = "N")]
        pool: Option<usize>,
        /// Where in the shared list of people this wing's start: wings
        /// whose windows overlap share the people in the overlap.
        #[arg(long, value_name = "N", default_value_t = 0)]
        pool_offset: usize,
        /// Spread the sessions over this many days, ending now (for months
        /// of data); by default one session every 20 hours.
        #[arg(long, value_name = "DAYS")]
        days: Option<u32>,
        /// Print each committed step on stdout (for crash tests).
        #[arg(long, hide = true)]
        trace: bool,
    },
}

fn data_dir(d: Option<PathBuf>) -> anyhow::Result<PathBuf> {
    d.context("give the kiosk's data folder with --data-dir DIR")
}

/// A progress bar on stderr, drawn only when it is a terminal (indicatif
/// draws nothing otherwise), so a log or a pipe gets only the result line.
fn progress_bar(what: &'static str) -> indicatif::ProgressBar {
    let bar = indicatif::ProgressBar::new(0);
    if let Ok(style) =
        indicatif::ProgressStyle::with_template("{msg} [{bar:40}] {bytes}/{total_bytes}")
    {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_message(what);
    bar
}

fn follow(bar: &indicatif::ProgressBar) -> impl FnMut(u64, u64) + '_ {
    move |done, total| {
        bar.set_length(total);
        bar.set_position(done);
    }
}

/// Prints the result line; a closed pipe (`| head`) ends quietly.
fn emit(text: &str) -> anyhow::Result<()> {
    let mut out = std::io::stdout().lock();
    match writeln!(out, "{text}").and_then(|()| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => Ok(other?),
    }
}

/// Runs one headless command.
pub fn run(command: Command, data_dir_arg: Option<PathBuf>) -> anyhow::Result<()> {
    let dir = data_dir(data_dir_arg)?;
    match command {
        Command::Import { pack } => import(&dir, &pack),
        Command::Export { to, all } => export(&dir, &to, all),
        Command::Simulate {
            sessions,
            group_size,
            seed,
            people_seed,
            pool,
            pool_offset,
            days,
            trace,
        } => run_simulation(
            &dir,
            SimulateOptions {
                sessions,
                group_size,
                seed,
                people_seed,
                pool,
                pool_offset,
                days,
            },
            trace,
        ),
    }
}

fn import(dir: &Path, pack: &Path) -> anyhow::Result<()> {
    let mut kiosk = Kiosk::open(dir, Arc::new(SystemClock))?;
    let bar = progress_bar("Checking and installing");
    let outcome = kiosk.import(pack, &mut follow(&bar));
    bar.finish_and_clear();
    emit(&outcome?.to_string())
}

fn export(dir: &Path, to: &Path, all: bool) -> anyhow::Result<()> {
    let mut kiosk = Kiosk::open(dir, Arc::new(SystemClock))?;
    let scope = if all {
        ExportScope::All
    } else {
        ExportScope::New
    };
    let bar = progress_bar("Exporting");
    let outcome = kiosk.export(to, scope, &mut follow(&bar));
    bar.finish_and_clear();
    emit(&outcome?.to_string())
}

fn run_simulation(dir: &Path, opts: SimulateOptions, trace: bool) -> anyhow::Result<()> {
    let clock = Arc::new(FakeClock::starting_now());
    let mut kiosk = Kiosk::open(dir, clock.clone())?;
    let stdout = std::io::stdout();
    let mut report = |step: SimStep| {
        if trace {
            let mut out = stdout.lock();
            let _ = match step {
                SimStep::Progress {
                    run,
                    phase,
                    attendees,
                    finished,
                } => writeln!(out, "step {run} {phase} {attendees} {finished}"),
                SimStep::Finished { finished } => writeln!(out, "finished {finished}"),
            };
            let _ = out.flush();
        }
    };
    let started = std::time::Instant::now();
    let done = simulate(&mut kiosk, &clock, opts, &mut report)?;
    emit(&format!(
        "Simulated {done} sessions of {} in {:.2} s",
        opts.group_size,
        started.elapsed().as_secs_f64()
    ))
}
