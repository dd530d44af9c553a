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
        /// Seed for the synthetic numbers.
        #[arg(long, default_value_t = 1)]
        seed: u64,
        /// Print each committed step on stdout (for crash tests).
        #[arg(long, hide = true)]
        trace: bool,
    },
}

fn data_dir(d: Option<PathBuf>) -> anyhow::Result<PathBuf> {
    d.context("give the kiosk's data folder with --data-dir DIR")
}

fn progress_printer(what: &'static str) -> impl FnMut(u64, u64) {
    let mut last = u64::MAX;
    move |done, total| {
        let pct = (done * 100).checked_div(total).unwrap_or(100);
        if pct != last {
            last = pct;
            eprint!("\r{what}: {pct}%");
            if done >= total {
                eprintln!();
            }
        }
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
            trace,
        } => run_simulation(
            &dir,
            SimulateOptions {
                sessions,
                group_size,
                seed,
            },
            trace,
        ),
    }
}

fn import(dir: &Path, pack: &Path) -> anyhow::Result<()> {
    let mut kiosk = Kiosk::open(dir, Arc::new(SystemClock))?;
    let outcome = kiosk.import(pack, &mut progress_printer("Checking and installing"))?;
    println!("{outcome}");
    Ok(())
}

fn export(dir: &Path, to: &Path, all: bool) -> anyhow::Result<()> {
    let mut kiosk = Kiosk::open(dir, Arc::new(SystemClock))?;
    let scope = if all {
        ExportScope::All
    } else {
        ExportScope::New
    };
    let outcome = kiosk.export(to, scope, &mut progress_printer("Exporting"))?;
    println!("{outcome}");
    Ok(())
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
    println!(
        "Simulated {done} sessions of {} in {:.2} s",
        opts.group_size,
        started.elapsed().as_secs_f64()
    );
    Ok(())
}
