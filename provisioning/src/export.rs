//! `export verify` and `export report`.

use clap::Args;

#[derive(Args)]
pub struct VerifyArgs {}

#[derive(Args)]
pub struct ReportArgs {}

pub fn verify(_a: VerifyArgs) -> anyhow::Result<()> {
    anyhow::bail!("export verify is not built yet")
}

pub fn report(_a: ReportArgs) -> anyhow::Result<()> {
    anyhow::bail!("export report is not built yet")
}
