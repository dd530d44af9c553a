//! The headless subcommands: `import`, `export`, `simulate`. They call the same
//! kiosk-core code as the UI.

use std::path::PathBuf;

use clap::Subcommand;

#[derive(Subcommand)]
pub enum Command {
    /// Verify and install a content pack.
    Import {
        /// The pack file (*.iopack).
        pack: PathBuf,
    },
}

pub fn run(command: Command, _data_dir: Option<PathBuf>) -> anyhow::Result<()> {
    match command {
        Command::Import { .. } => anyhow::bail!("import is not built yet"),
    }
}
