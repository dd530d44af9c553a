//! `--demo`: a placeholder until kiosk-core's `demo` module lands.

use std::path::Path;

/// A throw-away demo kiosk.
pub struct Demo;

impl Demo {
    /// Not available yet.
    pub fn new() -> anyhow::Result<Demo> {
        anyhow::bail!("the demo is not built yet")
    }
    /// The data folder.
    pub fn data_dir(&self) -> &Path {
        Path::new("/nonexistent")
    }
    /// The demo PIN.
    pub fn pin(&self) -> &str {
        ""
    }
}
