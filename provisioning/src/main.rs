//! # insideout-provision
//!
//! The staff command line: make signing keys, build, sign, verify and inspect
//! content packs, provision a kiosk's data directory and facilitators, and
//! verify and aggregate attendance exports from many wings.
//!
//! This binary is glue: every rule lives in `content-pack` and `kiosk-core`.
//! It parses arguments (clap), runs one command, and maps any error to one
//! line on stderr and a non-zero exit. It never opens a socket.

mod cli;
mod export;
mod handouts;
mod keys;
mod kiosk;
mod pack;
mod password;
mod progress;
mod site;
mod speak;

use std::process::ExitCode;

use clap::Parser;

/// Prints `text` and a newline on stdout. A closed pipe (`| head`) is not
/// an error: the reader has what it wanted.
pub fn emit(text: &str) -> anyhow::Result<()> {
    use std::io::Write;
    let mut out = std::io::stdout().lock();
    match writeln!(out, "{}", text.trim_end()).and_then(|()| out.flush()) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => Ok(()),
        other => Ok(other?),
    }
}

fn main() -> ExitCode {
    let cli = cli::Cli::parse();
    match cli::run(cli) {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("insideout-provision: {}", kiosk_core::one_line(e.as_ref()));
            ExitCode::from(1)
        }
    }
}
