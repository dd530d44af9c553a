//! `kiosk init` and `kiosk add-facilitator`.

use clap::Args;

use crate::cli::DataDir;

#[derive(Args)]
pub struct InitArgs {
    #[command(flatten)]
    pub dir: DataDir,
}

#[derive(Args)]
pub struct AddFacilitatorArgs {
    #[command(flatten)]
    pub dir: DataDir,
}

pub fn init(_a: InitArgs) -> anyhow::Result<()> {
    anyhow::bail!("kiosk init is not built yet")
}

pub fn add_facilitator(_a: AddFacilitatorArgs) -> anyhow::Result<()> {
    anyhow::bail!("kiosk add-facilitator is not built yet")
}
