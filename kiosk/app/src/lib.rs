//! # kiosk
//!
//! The InsideOut kiosk's Slint UI: a thin shell that binds kiosk-core's state
//! to properties and its actions to callbacks. No behaviour lives here.

pub mod ui;

use std::path::PathBuf;

/// Where the kiosk keeps its data when no `--data-dir` is given.
pub const DEFAULT_DATA_DIR: &str = "/var/lib/insideout-kiosk";

/// Which data the UI runs on.
pub enum Mode {
    /// A provisioned kiosk's data directory.
    DataDir(PathBuf),
    /// A throw-away demo.
    Demo,
}

/// Opens the full-screen kiosk UI and runs until the process is stopped.
pub fn run(_mode: Mode, _usb_dir: Option<PathBuf>) -> anyhow::Result<()> {
    anyhow::bail!("the kiosk UI is not built yet")
}
