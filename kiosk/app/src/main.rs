//! # insideout-kiosk
//!
//! The wing kiosk. With no subcommand it opens the full-screen Slint UI; the
//! subcommands run the same kiosk-core flows headless, for staff scripts,
//! demos and tests. This file only parses arguments and maps errors to one
//! line on stderr and a non-zero exit. It never opens a network socket.

mod headless;

use std::path::PathBuf;
use std::process::ExitCode;

use clap::Parser;

/// The InsideOut kiosk: run SMART Recovery group sessions on the wing.
#[derive(Parser)]
#[command(name = "insideout-kiosk", version, about)]
struct Cli {
    /// The kiosk's data directory (made by `insideout-provision kiosk init`).
    #[arg(long, value_name = "DIR", global = true)]
    data_dir: Option<PathBuf>,
    /// The folder where USB sticks are mounted (overrides kiosk.toml).
    #[arg(long, value_name = "DIR")]
    usb_dir: Option<PathBuf>,
    /// Run a demo: a temporary data folder, the sample programme, a demo PIN shown on screen.
    #[arg(long, conflicts_with = "data_dir")]
    demo: bool,
    #[command(subcommand)]
    command: Option<headless::Command>,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    let result = match cli.command {
        Some(command) => headless::run(command, cli.data_dir),
        None => {
            let mode = match (cli.demo, cli.data_dir) {
                (true, _) => kiosk::Mode::Demo,
                (false, Some(dir)) => kiosk::Mode::DataDir(dir),
                (false, None) => kiosk::Mode::DataDir(PathBuf::from(kiosk::DEFAULT_DATA_DIR)),
            };
            kiosk::run(mode, cli.usb_dir)
        }
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("insideout-kiosk: {}", kiosk_core::one_line(e.as_ref()));
            ExitCode::from(1)
        }
    }
}
