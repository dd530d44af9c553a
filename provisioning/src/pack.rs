//! `pack build`, `pack verify`, `pack inspect`.

use std::path::PathBuf;

use clap::Args;

#[derive(Args)]
pub struct BuildArgs {
    /// The pack source folder.
    source: PathBuf,
}

#[derive(Args)]
pub struct VerifyArgs {
    /// The pack file.
    pack: PathBuf,
}

#[derive(Args)]
pub struct InspectArgs {
    /// The pack file.
    pack: PathBuf,
}

pub fn build(_a: BuildArgs) -> anyhow::Result<()> {
    anyhow::bail!("pack build is not built yet")
}
pub fn verify(_a: VerifyArgs) -> anyhow::Result<()> {
    anyhow::bail!("pack verify is not built yet")
}
pub fn inspect(_a: InspectArgs) -> anyhow::Result<()> {
    anyhow::bail!("pack inspect is not built yet")
}
