//! `site keygen`: the establishment's pseudonym key.

use std::io::Write;
use std::os::unix::fs::OpenOptionsExt;
use std::path::PathBuf;

use anyhow::Context;
use attendance_export::pseudonym::PseudonymKey;
use clap::Args;

#[derive(Args)]
pub struct SiteKeygenArgs {
    /// Where to write the key (created with mode 0600; never overwritten).
    #[arg(long, value_name = "FILE")]
    pub out: PathBuf,
}

pub fn keygen(a: SiteKeygenArgs) -> anyhow::Result<()> {
    let key = PseudonymKey::generate();
    let mut f = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&a.out)
        .with_context(|| {
            format!(
                "cannot create {} (an existing key is never overwritten: every kiosk given it would stop matching)",
                a.out.display()
            )
        })?;
    f.write_all(key.to_site_key_text().as_bytes())
        .and_then(|()| f.sync_all())
        .with_context(|| format!("cannot write {}", a.out.display()))?;
    crate::emit(&format!(
        "Site pseudonym key {} written to {} (mode 0600).\n\
         Give it to each of this prison's kiosks with `insideout-provision kiosk init --pseudonym-key {}`,\n\
         then lock it away: with it and a list of prison numbers, anyone can re-identify the people in the exports.",
        key.id(),
        a.out.display(),
        a.out.display()
    ))
}
